#pragma once
// Every command of the main window as one QAction, placed in both the menus and the toolbar, with its
// shortcut, icon and tooltip. Enabled states follow the training controller (updateEnabled).
//
// Shortcuts: Start Ctrl+R / F5, Pause and Resume F6, Stop Shift+F5, Checkpoint now Ctrl+K,
// New run Ctrl+N, Open run Ctrl+O, Load run config Ctrl+L, Save run config Ctrl+S, Quit Ctrl+Q,
// pages Ctrl+1 … Ctrl+5. Ctrl+S saves the run config (what "save" means in a settings form); a checkpoint
// is the run's own business and gets its own key.
#include <QList>

class QAction;
class QObject;

namespace l1ra::ui {

class TrainingController;

struct StudioActions {
    // File
    QAction* newRun = nullptr;
    QAction* openRun = nullptr;
    QAction* loadConfig = nullptr;
    QAction* saveConfig = nullptr;
    QAction* runsFolder = nullptr;
    QAction* quit = nullptr;
    // Run
    QAction* start = nullptr;
    QAction* pause = nullptr;
    QAction* resume = nullptr;
    QAction* stop = nullptr;
    QAction* checkpoint = nullptr;
    QAction* resumeRun = nullptr;
    QAction* attachRun = nullptr;
    QAction* detachRun = nullptr;
    // Export
    QAction* exportAdapter = nullptr;
    QAction* exportMerged = nullptr;
    QAction* exportGgufLora = nullptr;
    QAction* exportGgufModel = nullptr;
    QAction* exportFromBest = nullptr;   // checkable: adapter and model exports read best/ instead of the newest checkpoint
    QAction* exportHeatmap = nullptr;
    QAction* exportMetrics = nullptr;
    QAction* exportRanks = nullptr;
    // Help
    QAction* about = nullptr;
    QAction* aboutQt = nullptr;

    static StudioActions create(QObject* parent);

    struct Context {
        bool hasRun = false;          // a current run (trained or opened) for exports
        bool runIsTraining = false;   // the current run is the one being trained now
        bool hasHeatmap = false;
        bool exporting = false;
        bool hasBestCheckpoint = false;   // the current run kept a best checkpoint (checkpoint.keep_best, eval.patience)
    };
    void updateEnabled(const TrainingController& controller, const Context& context) const;
    QList<QAction*> all() const;
};

}  // namespace l1ra::ui
