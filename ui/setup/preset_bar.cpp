#include "setup/preset_bar.h"

#include "setup/preset_store.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QMessageBox>
#include <QPushButton>

namespace l1ra::ui {

PresetBar::PresetBar(const PresetStore* store, QWidget* parent) : QWidget(parent), store_(store) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto* label = new QLabel(tr("&Preset"), this);
    combo_ = new QComboBox(this);
    combo_->setObjectName(QStringLiteral("presetCombo"));
    combo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    combo_->setMinimumContentsLength(18);
    label->setBuddy(combo_);
    applyButton_ = new QPushButton(tr("Apply"), this);
    applyButton_->setObjectName(QStringLiteral("presetApply"));
    applyButton_->setToolTip(tr("Set the preset's fields; the model, data and every other field stay as they are"));
    saveButton_ = new QPushButton(tr("Save as\u2026"), this);
    saveButton_->setObjectName(QStringLiteral("presetSave"));
    saveButton_->setToolTip(tr("Save the current settings (not the model and data files) as a preset"));
    deleteButton_ = new QPushButton(tr("Delete"), this);
    deleteButton_->setObjectName(QStringLiteral("presetDelete"));
    deleteButton_->setToolTip(tr("Delete this preset (built-in presets cannot be deleted)"));
    layout->addWidget(label);
    layout->addWidget(combo_);
    layout->addWidget(applyButton_);
    layout->addWidget(saveButton_);
    layout->addWidget(deleteButton_);

    connect(combo_, &QComboBox::currentIndexChanged, this, &PresetBar::updateButtons);
    connect(applyButton_, &QPushButton::clicked, this, [this] {
        if (!currentName().isEmpty()) Q_EMIT applyRequested(currentName());
    });
    connect(saveButton_, &QPushButton::clicked, this, &PresetBar::askSave);
    connect(deleteButton_, &QPushButton::clicked, this, &PresetBar::askDelete);
    refresh();
}

void PresetBar::refresh() {
    const QString keep = currentName();
    const QSignalBlocker block(combo_);
    combo_->clear();
    bool separated = false;
    for (const Preset& preset : store_->presets()) {
        if (!preset.builtIn && !separated && combo_->count() > 0) {
            combo_->insertSeparator(combo_->count());   // built-ins above, the user's own below
            separated = true;
        }
        combo_->addItem(preset.name, preset.name);
        combo_->setItemData(combo_->count() - 1, preset.description, Qt::ToolTipRole);
    }
    const int index = combo_->findData(keep);
    combo_->setCurrentIndex(index >= 0 ? index : 0);
    updateButtons();
}

QString PresetBar::currentName() const { return combo_->currentData().toString(); }

void PresetBar::setCurrentName(const QString& name) {
    const int index = combo_->findData(name);
    if (index >= 0) combo_->setCurrentIndex(index);
}

void PresetBar::updateButtons() {
    const Preset* preset = store_->find(currentName());
    applyButton_->setEnabled(preset != nullptr);
    deleteButton_->setEnabled(preset && !preset->builtIn);
    combo_->setToolTip(preset ? preset->description : QString());
}

void PresetBar::askSave() {
    bool ok = false;
    const Preset* current = store_->find(currentName());
    const QString suggestion = current && !current->builtIn ? current->name : QString();
    const QString name = QInputDialog::getText(this, tr("Save preset"), tr("Preset name:"), QLineEdit::Normal, suggestion, &ok).trimmed();
    if (!ok || name.isEmpty()) return;
    const Preset* existing = store_->find(name);
    if (existing && !existing->builtIn &&
        QMessageBox::question(this, tr("Replace preset"), tr("Replace the preset '%1'?").arg(name)) != QMessageBox::Yes)
        return;
    Q_EMIT saveRequested(name, existing ? existing->description : QString());
}

void PresetBar::askDelete() {
    const QString name = currentName();
    if (QMessageBox::question(this, tr("Delete preset"), tr("Delete the preset '%1'?").arg(name)) != QMessageBox::Yes) return;
    Q_EMIT deleteRequested(name);
}

}  // namespace l1ra::ui
