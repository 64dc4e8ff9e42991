#pragma once
#include <QMainWindow>

namespace l1ra::ui {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace l1ra::ui
