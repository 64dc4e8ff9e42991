#pragma once
// Every question the main window asks the user (file and folder choosers, confirmations, error reports),
// as replaceable functions: the default shows dialogs; tests and scripted sessions answer without them.
#include <QString>

#include <functional>

class QWidget;

namespace l1ra::ui {

struct UserPrompts {
    // An existing file or folder to open; empty when cancelled.
    std::function<QString(QWidget* parent, const QString& title, const QString& startDir, const QString& filter)> openFile;
    std::function<QString(QWidget* parent, const QString& title, const QString& startDir)> openFolder;
    // A path to write (a file, or a folder an export creates); empty when cancelled. Overwriting is asked separately.
    std::function<QString(QWidget* parent, const QString& title, const QString& suggestedPath, const QString& filter)> savePath;
    std::function<bool(QWidget* parent, const QString& title, const QString& question)> confirm;
    // Must not block: errors can arrive while training events are being delivered.
    std::function<void(QWidget* parent, const QString& title, const QString& message)> showError;
    std::function<void(QWidget* parent, const QString& title, const QString& message)> showInfo;

    static UserPrompts dialogs();
};

}  // namespace l1ra::ui
