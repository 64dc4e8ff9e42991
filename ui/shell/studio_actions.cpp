#include "shell/studio_actions.h"

#include "live/training_controller.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QStyle>

namespace l1ra::ui {

namespace {

QAction* makeAction(QObject* parent, const QString& objectName, const QString& text, const QString& tip,
                    const QList<QKeySequence>& keys = {}, QStyle::StandardPixmap icon = QStyle::SP_CustomBase) {
    auto* action = new QAction(text, parent);
    action->setObjectName(objectName);
    action->setShortcuts(keys);
    QString toolTip = tip;
    if (!keys.isEmpty()) toolTip += QStringLiteral(" (%1)").arg(keys.first().toString(QKeySequence::NativeText));
    action->setToolTip(toolTip);
    action->setStatusTip(tip);
    if (icon != QStyle::SP_CustomBase) action->setIcon(QApplication::style()->standardIcon(icon));
    return action;
}

}  // namespace

StudioActions StudioActions::create(QObject* parent) {
    StudioActions a;
    const auto tr = [](const char* text) { return QObject::tr(text); };
    a.newRun = makeAction(parent, QStringLiteral("actionNewRun"), tr("&New run"),
                          tr("Set up a new run: default settings, same model and data"), {QKeySequence::New}, QStyle::SP_FileIcon);
    a.openRun = makeAction(parent, QStringLiteral("actionOpenRun"), tr("&Open run\u2026"),
                           tr("Open a run folder or an exported adapter to explore it"), {QKeySequence::Open}, QStyle::SP_DirOpenIcon);
    a.loadConfig = makeAction(parent, QStringLiteral("actionLoadConfig"), tr("&Load run config\u2026"),
                              tr("Fill the setup page from a run-config JSON file"), {QKeySequence(Qt::CTRL | Qt::Key_L)});
    a.saveConfig = makeAction(parent, QStringLiteral("actionSaveConfig"), tr("&Save run config\u2026"),
                              tr("Save the setup page as a run-config JSON file"), {QKeySequence::Save}, QStyle::SP_DialogSaveButton);
    a.runsFolder = makeAction(parent, QStringLiteral("actionRunsFolder"), tr("Runs &folder\u2026"),
                              tr("Choose the folder new runs are written to and the run history reads"));
    a.quit = makeAction(parent, QStringLiteral("actionQuit"), tr("&Quit"), tr("Close the studio (a running run is stopped and checkpointed)"),
                        {QKeySequence(Qt::CTRL | Qt::Key_Q)});
    a.quit->setMenuRole(QAction::QuitRole);

    a.start = makeAction(parent, QStringLiteral("actionStart"), tr("&Start"), tr("Start training with the setup page's config"),
                         {QKeySequence(Qt::CTRL | Qt::Key_R), QKeySequence(Qt::Key_F5)}, QStyle::SP_MediaPlay);
    a.pause = makeAction(parent, QStringLiteral("actionPause"), tr("&Pause"), tr("Pause training at the next step"),
                         {QKeySequence(Qt::Key_F6)}, QStyle::SP_MediaPause);
    a.resume = makeAction(parent, QStringLiteral("actionResume"), tr("Res&ume"), tr("Continue the paused run"),
                          {QKeySequence(Qt::Key_F6)}, QStyle::SP_MediaSeekForward);
    a.stop = makeAction(parent, QStringLiteral("actionStop"), tr("S&top"), tr("Stop training (saves a checkpoint; the run can be resumed)"),
                        {QKeySequence(Qt::SHIFT | Qt::Key_F5)}, QStyle::SP_MediaStop);
    a.checkpoint = makeAction(parent, QStringLiteral("actionCheckpoint"), tr("&Checkpoint now"),
                              tr("Save a checkpoint at the next step"), {QKeySequence(Qt::CTRL | Qt::Key_K)}, QStyle::SP_DriveHDIcon);
    a.resumeRun = makeAction(parent, QStringLiteral("actionResumeRun"), tr("Resume stopped &run\u2026"),
                             tr("Continue a stopped run from its newest checkpoint"), {}, QStyle::SP_BrowserReload);
    a.attachRun = makeAction(parent, QStringLiteral("actionAttachRun"), tr("&Attach to running run…"),
                             tr("Follow a run another process trains (a headless or data-parallel l1ra train) and steer it"));
    a.detachRun = makeAction(parent, QStringLiteral("actionDetachRun"), tr("&Detach"),
                             tr("Stop following the attached run; it goes on training"));

    a.exportAdapter = makeAction(parent, QStringLiteral("actionExportAdapter"), tr("&Adapter (peft)\u2026"),
                                 tr("Export the run's adapter in Hugging Face peft format (per-module ranks)"), {},
                                 QStyle::SP_DialogSaveButton);
    a.exportMerged = makeAction(parent, QStringLiteral("actionExportMerged"), tr("&Merged model\u2026"),
                                tr("Export the base model with the adapter folded into its weights"));
    a.exportGgufLora = makeAction(parent, QStringLiteral("actionExportGgufLora"), tr("&GGUF LoRA adapter (llama.cpp)\u2026"),
                                  tr("Export the run's adapter as a llama.cpp LoRA adapter (.gguf, f32, per-module ranks)"));
    a.exportGgufModel = makeAction(parent, QStringLiteral("actionExportGgufModel"), tr("GGUF &model (llama.cpp)\u2026"),
                                   tr("Export the merged model with its tokenizer as a llama.cpp model (.gguf, f16)"));
    a.exportFromBest = makeAction(parent, QStringLiteral("actionExportFromBest"), tr("From the &best checkpoint"),
                                  tr("Adapter and model exports read the checkpoint with the best validation loss (kept with "
                                     "checkpoint.keep_best or early stopping) instead of the newest"));
    a.exportFromBest->setCheckable(true);
    a.exportHeatmap = makeAction(parent, QStringLiteral("actionExportHeatmap"), tr("&Heatmap image (PNG / PDF)\u2026"),
                                 tr("Save the rank heatmap as shown"));
    a.exportMetrics = makeAction(parent, QStringLiteral("actionExportMetrics"), tr("Metrics &CSV\u2026"),
                                 tr("Loss, learning rate, throughput, validation loss per step"));
    a.exportRanks = makeAction(parent, QStringLiteral("actionExportRanks"), tr("&Rank history CSV\u2026"),
                               tr("Rank and gate mass of every adapter at every snapshot"));

    a.about = makeAction(parent, QStringLiteral("actionAbout"), tr("&About L1RA Studio"), tr("Version and credits"));
    a.about->setMenuRole(QAction::AboutRole);
    a.aboutQt = makeAction(parent, QStringLiteral("actionAboutQt"), tr("About &Qt"), tr("Qt version and licence"));
    a.aboutQt->setMenuRole(QAction::AboutQtRole);
    return a;
}

void StudioActions::updateEnabled(const TrainingController& controller, const Context& context) const {
    const bool busy = controller.isActive();
    start->setEnabled(!busy);
    pause->setEnabled(controller.canPause());
    resume->setEnabled(controller.canResume());
    stop->setEnabled(controller.canStop());
    checkpoint->setEnabled(controller.canCheckpoint());
    resumeRun->setEnabled(!busy);
    attachRun->setEnabled(!busy);
    detachRun->setEnabled(controller.isAttached());
    newRun->setEnabled(true);
    // The engine exports from the newest checkpoint: not while training writes (and prunes) checkpoints.
    const bool checkpointsSettled = context.hasRun && !context.runIsTraining && !context.exporting;
    exportAdapter->setEnabled(checkpointsSettled);
    exportMerged->setEnabled(checkpointsSettled);
    exportGgufLora->setEnabled(checkpointsSettled);
    exportGgufModel->setEnabled(checkpointsSettled);
    exportFromBest->setEnabled(checkpointsSettled && context.hasBestCheckpoint);
    if (!context.hasBestCheckpoint) exportFromBest->setChecked(false);
    exportMetrics->setEnabled(context.hasRun && !context.exporting);
    exportRanks->setEnabled(context.hasRun && !context.exporting);
    exportHeatmap->setEnabled(context.hasHeatmap);
}

QList<QAction*> StudioActions::all() const {
    return {newRun, openRun, loadConfig, saveConfig, runsFolder, quit, start, pause, resume, stop, checkpoint, resumeRun,
            attachRun, detachRun,
            exportAdapter, exportMerged, exportGgufLora, exportGgufModel, exportFromBest, exportHeatmap, exportMetrics, exportRanks, about, aboutQt};
}

}  // namespace l1ra::ui
