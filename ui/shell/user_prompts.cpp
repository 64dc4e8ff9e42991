#include "shell/user_prompts.h"

#include <QFileDialog>
#include <QMessageBox>

namespace l1ra::ui {

namespace {

// Modeless: a modal box would run a nested event loop in the middle of delivering training events.
void showMessage(QWidget* parent, QMessageBox::Icon icon, const QString& title, const QString& message) {
    auto* box = new QMessageBox(icon, title, message, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::NonModal);
    box->show();
}

}  // namespace

UserPrompts UserPrompts::dialogs() {
    UserPrompts p;
    p.openFile = [](QWidget* parent, const QString& title, const QString& startDir, const QString& filter) {
        return QFileDialog::getOpenFileName(parent, title, startDir, filter);
    };
    p.openFolder = [](QWidget* parent, const QString& title, const QString& startDir) {
        return QFileDialog::getExistingDirectory(parent, title, startDir);
    };
    p.savePath = [](QWidget* parent, const QString& title, const QString& suggestedPath, const QString& filter) {
        // The caller asks before replacing anything (exports replace whole folders).
        return QFileDialog::getSaveFileName(parent, title, suggestedPath, filter, nullptr, QFileDialog::DontConfirmOverwrite);
    };
    p.confirm = [](QWidget* parent, const QString& title, const QString& question) {
        return QMessageBox::question(parent, title, question, QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
    };
    p.showError = [](QWidget* parent, const QString& title, const QString& message) {
        showMessage(parent, QMessageBox::Warning, title, message);
    };
    p.showInfo = [](QWidget* parent, const QString& title, const QString& message) {
        showMessage(parent, QMessageBox::Information, title, message);
    };
    return p;
}

}  // namespace l1ra::ui
