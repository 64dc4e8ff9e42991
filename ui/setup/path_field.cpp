#include "setup/path_field.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMimeData>
#include <QToolButton>

namespace l1ra::ui {

PathField::PathField(Kind kind, const QString& dialogTitle, const QString& nameFilter, QWidget* parent)
    : QWidget(parent), kind_(kind), dialogTitle_(dialogTitle), nameFilter_(nameFilter) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    edit_ = new QLineEdit(this);
    edit_->setClearButtonEnabled(true);
    edit_->installEventFilter(this);   // a dropped file replaces the text instead of being inserted as a URL
    layout->addWidget(edit_, 1);
    browseButton_ = new QToolButton(this);
    browseButton_->setText(tr("Browse\u2026"));
    browseButton_->setToolTip(kind == Kind::Directory ? tr("Choose a folder") : tr("Choose a file"));
    layout->addWidget(browseButton_);
    setAcceptDrops(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(browseButton_, &QToolButton::clicked, this, &PathField::browse);
    connect(edit_, &QLineEdit::editingFinished, this, [this] {
        // Focus moving away without a change is not an edit.
        if (edit_->text() == lastEmitted_) return;
        lastEmitted_ = edit_->text();
        Q_EMIT pathEdited(lastEmitted_);
    });
}

QString PathField::path() const { return edit_->text().trimmed(); }

void PathField::setPath(const QString& path) {
    edit_->setText(path);
    lastEmitted_ = path;
}

void PathField::setPlaceholder(const QString& text) { edit_->setPlaceholderText(text); }

void PathField::browse() {
    const QString start = path().isEmpty() ? QString() : (kind_ == Kind::Directory ? path() : QFileInfo(path()).absolutePath());
    const QString chosen = kind_ == Kind::Directory ? QFileDialog::getExistingDirectory(this, dialogTitle_, start)
                                                    : QFileDialog::getOpenFileName(this, dialogTitle_, start, nameFilter_);
    if (!chosen.isEmpty()) choose(chosen);
}

void PathField::choose(const QString& path) {
    setPath(path);
    Q_EMIT pathEdited(path);
}

void PathField::addButton(QToolButton* button) {
    button->setParent(this);
    layout()->addWidget(button);
}

QString PathField::droppedPath(const QMimeData* mime) const {
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1 || !mime->urls().first().isLocalFile()) return {};
    const QString local = mime->urls().first().toLocalFile();
    const QFileInfo info(local);
    if (kind_ == Kind::Directory && !info.isDir()) return {};
    if (kind_ == Kind::File && info.isDir()) return {};
    return local;
}

bool PathField::eventFilter(QObject* watched, QEvent* event) {
    if (watched == edit_) {
        if (event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove) {
            auto* drag = static_cast<QDragMoveEvent*>(event);
            if (!droppedPath(drag->mimeData()).isEmpty()) {
                drag->acceptProposedAction();
                return true;
            }
        } else if (event->type() == QEvent::Drop) {
            auto* drop = static_cast<QDropEvent*>(event);
            const QString dropped = droppedPath(drop->mimeData());
            if (!dropped.isEmpty()) {
                drop->acceptProposedAction();
                setPath(dropped);
                Q_EMIT pathEdited(dropped);
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

}  // namespace l1ra::ui
