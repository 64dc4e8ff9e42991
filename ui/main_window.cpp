#include "main_window.h"

#include <QLabel>

namespace l1ra::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("L1RA Studio"));
    auto* placeholder = new QLabel(tr("L1RA Studio"), this);
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
    resize(1280, 800);
}

}  // namespace l1ra::ui
