#include "setup/cached_model_button.h"

#include "l1ra/model_location.h"

#include <QMenu>

namespace l1ra::ui {

CachedModelButton::CachedModelButton(QWidget* parent) : QToolButton(parent) {
    setObjectName(QStringLiteral("cachedModels"));
    setText(tr("Cached"));
    setToolTip(tr("Models in the Hugging Face cache"));
    setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(this);
    setMenu(menu);
    connect(menu, &QMenu::aboutToShow, this, &CachedModelButton::refresh);
}

void CachedModelButton::refresh() {
    QMenu* list = menu();
    list->clear();
    const std::string cache = l1ra::huggingFaceHubCache();
    const auto models = l1ra::findCachedModels(cache);
    if (models.empty()) {
        list->addAction(tr("No models in %1").arg(QString::fromStdString(cache)))->setEnabled(false);
        return;
    }
    for (const auto& m : models) {
        const QString entry = QString::fromStdString(m.entry);
        QAction* action = list->addAction(QString::fromStdString(m.repoId));
        action->setToolTip(QString::fromStdString(m.snapshot));
        action->setData(entry);
        connect(action, &QAction::triggered, this, [this, entry] { Q_EMIT modelChosen(entry); });
    }
}

}  // namespace l1ra::ui
