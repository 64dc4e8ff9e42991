#pragma once
// The models already in the Hugging Face hub cache (l1ra::findCachedModels: $HF_HUB_CACHE, $HF_HOME/hub or
// ~/.cache/huggingface/hub), offered as a menu beside the model field. Picking one puts its cache entry
// (models--org--name) in the field; the engine opens the snapshot that refs/main names.
#include <QToolButton>

namespace l1ra::ui {

class CachedModelButton : public QToolButton {
    Q_OBJECT
public:
    explicit CachedModelButton(QWidget* parent = nullptr);

    // Re-reads the cache; the menu does so each time it opens, so a model downloaded meanwhile shows up.
    void refresh();

Q_SIGNALS:
    void modelChosen(const QString& entry);
};

}  // namespace l1ra::ui
