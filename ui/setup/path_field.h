#pragma once
// A path in a line edit with a Browse… button; also takes a file or folder dropped onto it.
#include <QString>
#include <QWidget>

class QLineEdit;
class QMimeData;
class QToolButton;

namespace l1ra::ui {

class PathField : public QWidget {
    Q_OBJECT
public:
    enum class Kind { Directory, File };

    PathField(Kind kind, const QString& dialogTitle, const QString& nameFilter, QWidget* parent = nullptr);

    QString path() const;
    void setPath(const QString& path);   // no pathEdited
    void setPlaceholder(const QString& text);
    void addButton(QToolButton* button);   // after Browse…
    Kind kind() const { return kind_; }
    QLineEdit* lineEdit() const { return edit_; }

public Q_SLOTS:
    void browse();
    void choose(const QString& path);   // as if the user picked it: setPath, then pathEdited

Q_SIGNALS:
    // The user finished typing (Enter or focus out), picked a path in the dialog, or dropped one.
    void pathEdited(const QString& path);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QString droppedPath(const QMimeData* mime) const;

    Kind kind_;
    QString dialogTitle_;
    QString nameFilter_;
    QLineEdit* edit_ = nullptr;
    QToolButton* browseButton_ = nullptr;
    QString lastEmitted_;
};

}  // namespace l1ra::ui
