// The desktop studio.
#include "main_window.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("L1RA Studio");
    QApplication::setOrganizationName("L1RA");
    l1ra::ui::MainWindow window;
    window.show();
    return app.exec();
}
