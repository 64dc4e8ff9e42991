#pragma once
// The preset picker on the setup form: a combo of preset names with Apply, Save as… and Delete.
// It asks (name dialog, delete confirmation) and then emits; the form does the work.
#include <QString>
#include <QWidget>

class QComboBox;
class QPushButton;

namespace l1ra::ui {

class PresetStore;

class PresetBar : public QWidget {
    Q_OBJECT
public:
    PresetBar(const PresetStore* store, QWidget* parent = nullptr);

    // Re-reads the names from the store, keeping the selection where it still exists.
    void refresh();
    QString currentName() const;
    void setCurrentName(const QString& name);

Q_SIGNALS:
    void applyRequested(const QString& name);
    void saveRequested(const QString& name, const QString& description);
    void deleteRequested(const QString& name);

private:
    void askSave();
    void askDelete();
    void updateButtons();

    const PresetStore* store_;
    QComboBox* combo_ = nullptr;
    QPushButton* applyButton_ = nullptr;
    QPushButton* saveButton_ = nullptr;
    QPushButton* deleteButton_ = nullptr;
};

}  // namespace l1ra::ui
