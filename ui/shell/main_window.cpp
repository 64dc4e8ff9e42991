// MainWindow, part 1 of 3: its state and behaviour — wiring to the controller, runs started, opened and
// finished, feedback (main_window_layout.cpp builds the widgets, main_window_exports.cpp runs the Export menu).
#include "shell/main_window.h"

#include "shell/background_job.h"
#include "widgets/budget_panel.h"
#include "live/live_knobs.h"
#include "shell/log_pane.h"
#include "widgets/metrics_curves.h"
#include "widgets/rank_heatmap.h"
#include "widgets/reallocation_log.h"
#include "live/samples_panel.h"
#include "runs/run_comparison.h"
#include "setup/run_config_form.h"
#include "runs/run_history_list.h"
#include "runs/run_view.h"
#include "shell/status_readout.h"
#include "shell/studio_paths.h"
#include "shell/studio_resources.h"
#include "shell/studio_settings.h"
#include "shell/studio_theme.h"
#include "runs/sweep_view.h"
#include "live/training_controller.h"
#include "runs/try_it_panel.h"
#include "live/update_throttle.h"

#include "l1ra/dataset_preview.h"
#include "l1ra/run_config.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDateTime>
#include <QDockWidget>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace l1ra::ui {

namespace {

constexpr int kLiveRefreshMs = 100;
constexpr qint64 kHighlightGapMs = 600;

QString folderName(const QString& dir) { return QFileInfo(QDir::cleanPath(dir)).fileName(); }

QString recordTitle(const l1ra::RunRecord& record, const QString& source) {
    if (!record.config.name.empty()) return QString::fromStdString(record.config.name);
    return folderName(source);
}

}  // namespace

MainWindow::MainWindow(QWidget* parent, const QString& runsRoot) : QMainWindow(parent) {
    ensureStudioResources();
    setObjectName(QStringLiteral("studioMainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/l1ra-studio.png")));
    setDockNestingEnabled(true);
    prompts_ = UserPrompts::dialogs();
    controller_ = new TrainingController(this);
    exporter_ = new RunExporter(this);
    recordLoader_ = new BackgroundJob(this);
    actions_ = StudioActions::create(this);
    stepThrottle_ = new UpdateThrottle(kLiveRefreshMs, [this] {
        status_->setStep(latestStep_);
        budget_->setThreshold(latestStep_.threshold);   // a live λ moves it before the next reallocation
    }, this);
    snapshotThrottle_ = new UpdateThrottle(kLiveRefreshMs, [this] {
        heatmap_->setSnapshot(latestSnapshot_);   // the first one after clear() is also the baseline
        budget_->setSnapshot(latestSnapshot_);
        if (latestStep_.step > 0) budget_->setThreshold(latestStep_.threshold);
        updateActions();
    }, this);
    status_ = new StatusReadout(this);
    statusBar()->addPermanentWidget(status_);

    buildPages();
    buildDocks();
    buildMenus();
    buildToolBar();
    connectController();
    connectActions();
    setRunsRoot(runsRoot.isEmpty() ? ui::runsRoot() : runsRoot);
    resize(1440, 900);
    restoreLayout();
    updateActions();
    updateTitle();
    updateTryIt();
    logInfo(tr("Runs are kept in %1").arg(QDir::toNativeSeparators(runsRoot_)));
}

MainWindow::~MainWindow() = default;

// ---------------------------------------------------------------------------------------------------------
// Wiring

void MainWindow::connectController() {
    connect(controller_, &TrainingController::runStarted, this, &MainWindow::runStarted);
    connect(controller_, &TrainingController::stateChanged, this, &MainWindow::runStateChanged);
    connect(controller_, &TrainingController::stepReceived, this, [this](const l1ra::StepEvent& step) {
        curves_->addStep(step);   // keeps every point; it replots at its own pace
        latestStep_ = step;
        stepThrottle_->request();
    });
    connect(controller_, &TrainingController::evalReceived, this, [this](const l1ra::EvalEvent& eval) {
        curves_->addEval(eval);
        logInfo(tr("step %1: validation loss %2, perplexity %3").arg(eval.step).arg(eval.loss, 0, 'f', 4).arg(eval.perplexity, 0, 'f', 2));
    });
    connect(controller_, &TrainingController::snapshotReceived, this, &MainWindow::snapshotReceived);
    connect(controller_, &TrainingController::reallocationReceived, this, [this](const l1ra::ReallocationEvent& event) {
        reallocations_->addReallocation(event);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (lastHighlightMs_ < 0 || now - lastHighlightMs_ >= kHighlightGapMs) {
            lastHighlightMs_ = now;
            heatmap_->highlightReallocation(event);
        }
    });
    connect(controller_, &TrainingController::controlApplied, this, &MainWindow::controlApplied);
    connect(controller_, &TrainingController::checkpointSaved, this, [this](const l1ra::CheckpointEvent& c) {
        if (c.best)
            logInfo(tr("step %1: best validation loss so far (%2), kept in %3").arg(c.step).arg(c.valLoss, 0, 'f', 4).arg(QString::fromStdString(c.path)));
        else logInfo(tr("step %1: checkpoint saved in %2").arg(c.step).arg(QString::fromStdString(c.path)));
    });
    connect(controller_, &TrainingController::sampleReceived, samples_, &SamplesPanel::addSample);
    connect(controller_, &TrainingController::divergenceReceived, curves_, &MetricsCurves::addDivergence);
    connect(controller_, &TrainingController::logReceived, log_, &LogPane::appendLog);
    connect(controller_, &TrainingController::finished, this, &MainWindow::runFinished);

    connect(knobs_, &LiveKnobs::lambdaRequested, this, [this](double lambda) {
        if (!controller_->setLambda(lambda)) log_->appendError(tr("\u03bb = %1 was not sent: no run is training").arg(lambda));
    });
    connect(knobs_, &LiveKnobs::budgetRequested, this, [this](int budget) {
        if (!controller_->setBudget(budget)) log_->appendError(tr("budget = %1 was not sent: no run is training").arg(budget));
    });

    connect(exporter_, &RunExporter::started, this, [this](RunExporter::Kind kind, const QString& target) {
        status_->setBusy(tr("Exporting the %1\u2026").arg(RunExporter::describe(kind)));
        logInfo(tr("exporting the %1 to %2").arg(RunExporter::describe(kind), target));
        updateActions();
    });
    connect(exporter_, &RunExporter::finished, this, &MainWindow::exportFinishedHandler);
    connect(history_, &RunHistoryList::runActivated, this, &MainWindow::openRun);
    connect(history_, &RunHistoryList::runsChanged, this, [this] { comparison_->setRuns(history_->runs()); });
    connect(comparison_, &RunComparison::failed, this, [this](const QString& error) { reportError(tr("Compare runs"), error); });
    connect(sweepView_, &SweepView::openRequested, this, [this] {
        const QString dir = prompts_.openFolder(this, tr("Open sweep"), runsRoot_);
        if (!dir.isEmpty()) openSweep(dir);
    });
    connect(sweepView_, &SweepView::failed, this, [this](const QString& error) { reportError(tr("Open sweep"), error); });
    connect(pages_, &QTabWidget::currentChanged, this, [this](int index) {
        if (Page(index) == Page::Runs || Page(index) == Page::Compare) history_->refresh();
    });
}

void MainWindow::connectActions() {
    connect(actions_.start, &QAction::triggered, this, &MainWindow::startRun);
    connect(actions_.pause, &QAction::triggered, controller_, &TrainingController::pause);
    connect(actions_.resume, &QAction::triggered, controller_, &TrainingController::resume);
    connect(actions_.stop, &QAction::triggered, this, &MainWindow::confirmStop);
    connect(actions_.checkpoint, &QAction::triggered, controller_, &TrainingController::checkpointNow);
    connect(actions_.resumeRun, &QAction::triggered, this, &MainWindow::askResumeRun);
    connect(actions_.attachRun, &QAction::triggered, this, &MainWindow::askAttachRun);
    connect(actions_.detachRun, &QAction::triggered, controller_, &TrainingController::detach);
    connect(actions_.newRun, &QAction::triggered, this, &MainWindow::newRun);
    connect(actions_.openRun, &QAction::triggered, this, &MainWindow::askOpenRun);
    connect(actions_.loadConfig, &QAction::triggered, this, &MainWindow::askLoadConfig);
    connect(actions_.saveConfig, &QAction::triggered, this, &MainWindow::askSaveConfig);
    connect(actions_.runsFolder, &QAction::triggered, this, &MainWindow::askRunsFolder);
    connect(actions_.quit, &QAction::triggered, this, &QWidget::close);
    connect(actions_.exportAdapter, &QAction::triggered, this, [this] { exportRun(RunExporter::Kind::PeftAdapter); });
    connect(actions_.exportMerged, &QAction::triggered, this, [this] { exportRun(RunExporter::Kind::MergedModel); });
    connect(actions_.exportGgufLora, &QAction::triggered, this, [this] { exportRun(RunExporter::Kind::GgufLora); });
    connect(actions_.exportGgufModel, &QAction::triggered, this, [this] { exportRun(RunExporter::Kind::GgufModel); });
    connect(actions_.exportMetrics, &QAction::triggered, this, [this] { exportRun(RunExporter::Kind::MetricsCsv); });
    connect(actions_.exportRanks, &QAction::triggered, this, [this] { exportRun(RunExporter::Kind::RankHistoryCsv); });
    connect(actions_.exportHeatmap, &QAction::triggered, this, [this] { exportHeatmapImage(); });
    connect(actions_.about, &QAction::triggered, this, &MainWindow::showAbout);
    connect(actions_.aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

// ---------------------------------------------------------------------------------------------------------
// Pages and settings

void MainWindow::setRunsRoot(const QString& root) {
    runsRoot_ = QDir::cleanPath(root);
    history_->setRoot(runsRoot_);
}

void MainWindow::showPage(Page page) { pages_->setCurrentIndex(int(page)); }

MainWindow::Page MainWindow::currentPage() const { return Page(pages_->currentIndex()); }

bool MainWindow::loadRunConfigFile(const QString& path) {
    QString error;
    if (!form_->loadConfigFile(path, &error)) {
        reportError(tr("Load run config"), error);
        return false;
    }
    logInfo(tr("run config loaded from %1").arg(path));
    return true;
}

bool MainWindow::restoreLastConfig() {
    const QString json = settings::lastConfigJson();
    if (json.isEmpty()) return false;
    try {
        form_->setConfig(l1ra::parseRunConfig(json.toStdString(), "the studio's saved settings"));
    } catch (const std::exception& e) {
        log_->appendMessage(LogPane::Level::Warning, tr("the last run config could not be restored: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    return true;
}

void MainWindow::newRun() {
    // Fresh settings, but the same model and data: what "new" means when the data took effort to find.
    const l1ra::RunConfig current = form_->config();
    l1ra::RunConfig fresh;
    fresh.model.path = current.model.path;
    fresh.data.train = current.data.train;
    fresh.data.val = current.data.val;
    fresh.data.format = current.data.format;
    form_->setConfig(fresh);
    showPage(Page::Setup);
}

void MainWindow::askLoadConfig() {
    const QString path = prompts_.openFile(this, tr("Load run config"), QString(), tr("Run config (*.json);;All files (*)"));
    if (!path.isEmpty()) loadRunConfigFile(path);
}

void MainWindow::askSaveConfig() {
    QString path = prompts_.savePath(this, tr("Save run config"), QStringLiteral("run-config.json"), tr("Run config (*.json)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".json");
    if (QFileInfo::exists(path) && !confirmReplace(path)) return;
    QString error;
    if (!form_->saveConfigFile(path, &error)) reportError(tr("Save run config"), error);
    else logInfo(tr("run config saved to %1").arg(path));
}

void MainWindow::askRunsFolder() {
    const QString dir = prompts_.openFolder(this, tr("Runs folder"), runsRoot_);
    if (dir.isEmpty()) return;
    setRunsRootSetting(dir);
    if (!qEnvironmentVariableIsEmpty("L1RA_RUNS_DIR"))
        log_->appendMessage(LogPane::Level::Warning, tr("L1RA_RUNS_DIR is set: it takes precedence over this setting at the next start"));
    setRunsRoot(dir);
    logInfo(tr("runs are now kept in %1").arg(dir));
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About L1RA Studio"),
                       tr("<h3>L1RA Studio %1</h3>"
                          "<p>Fine-tune LLaMA-family models with L1RA \u2014 LoRA whose rank moves to where it is needed "
                          "under a fixed budget \u2014 and watch it move.</p>"
                          "<p>L1RA: Singh, Brunello, Scotti, Carman, ICNLSP 2025.<br>"
                          "Built with Qt %2, LibTorch and QCustomPlot.</p>")
                           .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::fillRecentMenu() {
    recentMenu_->clear();
    const QStringList runs = settings::recentRuns();
    for (const QString& dir : runs) {
        QAction* a = recentMenu_->addAction(folderName(dir));
        a->setToolTip(dir);
        a->setStatusTip(dir);
        connect(a, &QAction::triggered, this, [this, dir] { openRun(dir); });
    }
    if (runs.isEmpty()) recentMenu_->addAction(tr("(none yet)"))->setEnabled(false);
    recentMenu_->addSeparator();
    QAction* clear = recentMenu_->addAction(tr("Clear list"));
    clear->setEnabled(!runs.isEmpty());
    connect(clear, &QAction::triggered, this, [] { settings::clearRecentRuns(); });
}

// ---------------------------------------------------------------------------------------------------------
// Training

bool MainWindow::startRun() {
    if (controller_->isActive()) return false;
    if (!form_->validateForRun()) {
        showPage(Page::Setup);
        reportError(tr("Start training"), tr("The run config has problems; they are marked on the setup page.\n\n%1").arg(form_->message()));
        return false;
    }
    const l1ra::RunConfig config = form_->config();
    if (!QDir().mkpath(runsRoot_)) {
        reportError(tr("Start training"), tr("Cannot create the runs folder %1").arg(runsRoot_));
        return false;
    }
    settings::setLastConfigJson(QString::fromStdString(l1ra::runConfigToJson(config)));
    const QString dir = newRunFolder(runsRoot_, QString::fromStdString(config.name));
    return controller_->start(config, dir);
}

void MainWindow::confirmStop() {
    if (!controller_->canStop()) return;
    if (!prompts_.confirm(this, tr("Stop training"),
                          tr("Stop the run at the next step?\n\nIt saves a checkpoint first; Run \u25b8 Resume stopped run continues it later.")))
        return;
    controller_->stop();
}

void MainWindow::askResumeRun() {
    // The current run when it is a stopped one; otherwise ask for the folder.
    QString dir;
    if (!current_.isLive() && runView_->hasRecord() && runView_->record().hasSummary &&
        runView_->record().summary.state == l1ra::RunState::Stopped)
        dir = QString::fromStdString(runView_->record().dir);
    else if (current_.isLive() && controller_->state() == l1ra::RunState::Stopped)
        dir = current_.liveDir();
    if (dir.isEmpty()) dir = prompts_.openFolder(this, tr("Resume a stopped run"), runsRoot_);
    if (!dir.isEmpty()) resumeStoppedRun(dir);
}

void MainWindow::resumeStoppedRun(const QString& dir) {
    if (controller_->isActive()) return;
    // Show the history so far, then continue: the live view picks up where the record ends.
    auto record = std::make_shared<l1ra::RunRecord>();
    const std::string path = dir.toStdString();
    const bool started = recordLoader_->start([record, path] { *record = l1ra::loadRunRecord(path); },
                                              [this, record, dir](const QString& error) {
                                                  if (error.isEmpty()) resumePrefill_ = std::move(*record);
                                                  if (!controller_->resumeRun(dir)) {
                                                      resumePrefill_.reset();
                                                      reportError(tr("Resume run"), controller_->lastError());
                                                  }
                                              });
    if (started) status_->setBusy(tr("Reading the run\u2026"));
    connect(recordLoader_, &BackgroundJob::runningChanged, status_, [this](bool running) {
        if (!running) status_->setBusy({});
    }, Qt::SingleShotConnection);
}

void MainWindow::askAttachRun() {
    const QString dir = prompts_.openFolder(this, tr("Attach to a running run"), runsRoot_);
    if (!dir.isEmpty()) attachToRun(dir);
}

bool MainWindow::attachToRun(const QString& dir) {
    // The live view starts empty: the followed run's folder is replayed into it from the first step.
    if (controller_->attach(dir)) return true;
    reportError(tr("Attach to run"), controller_->lastError());
    return false;
}

void MainWindow::runStarted(const QString& runDir) {
    current_.startLive(runDir);
    lastHighlightMs_ = -1;
    heatmap_->clear();
    budget_->clear();
    curves_->clear();
    reallocations_->clear();
    samples_->clear();
    const l1ra::RunConfig& config = controller_->config();
    samples_->setPromptCount(int(config.samples.prompts.size()));
    reallocations_->setInterval(l1ra::effectiveUpdateInterval(config));
    knobs_->setCurrent(config.l1ra.lambda, config.l1ra.budget);
    status_->resetRun(config.train.steps);
    status_->setDevice(controller_->deviceDescription());
    if (resumePrefill_) {
        applyRecordToLiveView(*resumePrefill_);
        resumePrefill_.reset();
    }
    liveHeader_->setText(tr("<b>%1</b> &nbsp; %2 \u00b7 %3 steps \u00b7 <span style='font-size:small'>%4</span>")
                             .arg(currentRunTitle().toHtmlEscaped(), QString::fromLatin1(l1ra::methodName(config.method)).toUpper())
                             .arg(config.train.steps)
                             .arg(runDir.toHtmlEscaped()));
    settings::addRecentRun(runDir);
    history_->setLiveRun(runDir, TrainingController::stateText(controller_->state()));
    history_->refresh();
    logInfo(controller_->isAttached() ? tr("following the run in %1").arg(runDir) : tr("run started in %1").arg(runDir));
    showPage(Page::Training);
    updateActions();   // the worker exists now (the Preparing state came before it)
    updateTryIt();
    updateTitle();
}

void MainWindow::applyRecordToLiveView(const l1ra::RunRecord& record) {
    curves_->setRecord(record);
    reallocations_->setInterval(l1ra::effectiveUpdateInterval(record.config));
    reallocations_->setReallocations(record.reallocations);
    samples_->setPromptCount(int(record.config.samples.prompts.size()));
    samples_->setSamples(record.samples);
    if (!record.snapshots.empty()) {
        heatmap_->setBaseline(record.snapshots.front());
        snapshotReceived(record.snapshots.back());
    }
    if (!record.steps.empty()) {
        status_->setStep(record.steps.back());
        knobs_->setCurrent(record.steps.back().lambda > 0 ? record.steps.back().lambda : record.config.l1ra.lambda, knobs_->budget());
    }
}

void MainWindow::snapshotReceived(const l1ra::RankSnapshot& snapshot) {
    latestSnapshot_ = snapshot;
    snapshotThrottle_->request();
    if (current_.takeFirstLiveSnapshot()) {
        // The budget is known once the adapters exist: one rank per adapter at least.
        const int adapters = int(std::count(snapshot.targeted.begin(), snapshot.targeted.end(), true));
        knobs_->setBudgetRange(adapters, std::max(adapters, snapshot.budget * 8));
        knobs_->setCurrent(knobs_->lambda(), snapshot.budget);
    }
}

void MainWindow::controlApplied(const l1ra::ControlEvent& control) {
    knobs_->markApplied(control.kind, control.value, control.step);
    const QString label = MetricsCurves::markerLabelFor(control);
    if (control.kind == l1ra::ControlKind::BudgetRequest) {
        logInfo(tr("step %1: budget %2 requested, %3").arg(control.step).arg(qint64(std::llround(control.value))).arg(QString::fromStdString(control.detail)));
    } else if (!label.isEmpty()) {
        curves_->addMarker(control.step, label);
        logInfo(tr("step %1: %2 applied").arg(control.step).arg(label));
    } else if (control.kind != l1ra::ControlKind::Checkpoint) {
        logInfo(tr("step %1: %2").arg(control.step).arg(QLatin1String(l1ra::controlKindName(control.kind))));
    }
}

void MainWindow::runStateChanged(l1ra::RunState state, const QString& detail) {
    status_->setState(state, detail);
    if (controller_->isActive()) status_->setDevice(controller_->deviceDescription());
    const bool gated = controller_->config().method == Method::L1RA;
    const bool live = controller_->acceptsLiveChanges();
    knobs_->setLambdaEnabled(live && gated);
    knobs_->setBudgetEnabled(live && gated);
    if (!current_.liveDir().isEmpty()) history_->setLiveRun(current_.liveDir(), TrainingController::stateText(state));
    if (state == l1ra::RunState::Stopping && closeRequested_)
        statusBar()->showMessage(tr("Stopping\u2026 the window closes once the checkpoint is saved"));
    updateActions();
    updateTitle();
}

void MainWindow::runFinished(const l1ra::RunSummary& summary) {
    // The last step and ranks, not the ones a throttle interval ago.
    stepThrottle_->flushNow();
    snapshotThrottle_->flushNow();
    current_.liveRunEnded(!summary.bestCheckpoint.empty());
    switch (summary.state) {
        case l1ra::RunState::Finished:
            logInfo(tr("run finished%4: %1 steps, loss %2%3")
                        .arg(summary.steps)
                        .arg(summary.finalLoss, 0, 'f', 4)
                        .arg(summary.finalValLoss > 0 ? tr(", validation loss %1").arg(summary.finalValLoss, 0, 'f', 4) : QString())
                        .arg(summary.stoppedEarly ? tr(" early (no better validation loss within eval.patience)") : QString()));
            if (!summary.bestCheckpoint.empty())
                logInfo(tr("best validation loss at step %1, kept in %2: Export ▸ From the best checkpoint exports it")
                            .arg(summary.bestStep)
                            .arg(QString::fromStdString(summary.bestCheckpoint)));
            statusBar()->showMessage(tr("Training finished"), 8000);
            break;
        case l1ra::RunState::Stopped:
            logInfo(tr("run stopped at step %1 (checkpoint saved; Run \u25b8 Resume stopped run continues it)").arg(summary.steps));
            break;
        case l1ra::RunState::Failed:
            // The engine (or the controller) already logged it; the dialog does not block.
            if (!closeRequested_)
                prompts_.showError(this, tr("Training failed"), QString::fromStdString(summary.error));
            break;
        default:   // an attached run left, or no longer followable: it goes on in its own process
            if (summary.error.empty()) logInfo(tr("detached from %1: the run goes on in its own process").arg(QString::fromStdString(summary.runDir)));
            else log_->appendError(QString::fromStdString(summary.error));
            break;
    }
    history_->refresh();
    updateActions();
    updateTitle();
    updateTryIt();
    if (closeRequested_) close();
}

// ---------------------------------------------------------------------------------------------------------
// Opening runs

bool MainWindow::isLoadingRun() const { return recordLoader_->isRunning(); }

void MainWindow::askOpenRun() {
    const QString dir = prompts_.openFolder(this, tr("Open a run folder or an exported adapter"), runsRoot_);
    if (!dir.isEmpty()) openRun(dir);
}

void MainWindow::openRun(const QString& dir) {
    const QString recordDir = runRecordFolder(dir);
    if (recordDir.isEmpty()) {
        const QString error = tr("%1 is neither a run folder (config.json, metrics.jsonl) nor an exported adapter with its run record (l1ra_run/)").arg(dir);
        reportError(tr("Open run"), error);
        Q_EMIT runOpenFailed(dir, error);
        return;
    }
    auto record = std::make_shared<l1ra::RunRecord>();
    const std::string path = recordDir.toStdString();
    const bool started = recordLoader_->start([record, path] { *record = l1ra::loadRunRecord(path); },
                                              [this, record, dir](const QString& error) {
                                                  status_->setBusy({});
                                                  if (!error.isEmpty()) {
                                                      reportError(tr("Open run"), error);
                                                      Q_EMIT runOpenFailed(dir, error);
                                                      return;
                                                  }
                                                  const QString title = recordTitle(*record, dir);
                                                  current_.open(dir, !record->bestCheckpoint.empty());
                                                  runView_->setRecord(std::move(*record), title);
                                                  const QString opened = current_.openedSource();
                                                  settings::addRecentRun(opened);
                                                  history_->selectDir(opened);
                                                  showPage(Page::Runs);
                                                  logInfo(tr("opened %1").arg(opened));
                                                  updateActions();
                                                  updateTitle();
                                                  updateTryIt();
                                                  Q_EMIT runOpened(opened);
                                              });
    if (!started) {
        const QString error = tr("Another run is still being read; try again in a moment");
        reportError(tr("Open run"), error);
        Q_EMIT runOpenFailed(dir, error);
        return;
    }
    status_->setBusy(tr("Reading %1\u2026").arg(folderName(dir)));
}

QString MainWindow::currentRunSource() const { return current_.source(); }

QString MainWindow::currentRecordDir() const {
    if (current_.isLive()) return current_.liveDir();
    return runView_->hasRecord() ? QString::fromStdString(runView_->record().dir) : QString();
}

QString MainWindow::currentRunTitle() const {
    if (current_.isLive()) {
        const std::string& name = controller_->config().name;
        return name.empty() ? folderName(current_.liveDir()) : QString::fromStdString(name);
    }
    return runView_->hasRecord() ? runView_->title() : QString();
}

RankHeatmap* MainWindow::currentHeatmap() const { return current_.isLive() ? heatmap_ : runView_->heatmap(); }

// ---------------------------------------------------------------------------------------------------------
// Feedback

void MainWindow::reportError(const QString& title, const QString& message) {
    log_->appendError(message);
    prompts_.showError(this, title, message);
}

void MainWindow::logInfo(const QString& text) { log_->appendMessage(LogPane::Level::Info, text); }

void MainWindow::updateActions() {
    StudioActions::Context context;
    context.hasRun = !currentRunSource().isEmpty();
    context.runIsTraining = current_.isLive() && controller_->isActive();
    context.hasHeatmap = currentHeatmap()->hasSnapshot();
    context.exporting = exporter_->isBusy();
    context.hasBestCheckpoint = current_.hasBestCheckpoint();
    actions_.updateEnabled(*controller_, context);
}

void MainWindow::updateTitle() {
    QString title = tr("L1RA Studio");
    const QString run = currentRunTitle();
    if (!run.isEmpty()) {
        title = run + QStringLiteral(" \u2014 ") + title;
        if (current_.isLive() && controller_->state() != l1ra::RunState::Idle)
            title = QStringLiteral("[%1] ").arg(TrainingController::stateText(controller_->state())) + title;
    }
    setWindowTitle(title);
}

void MainWindow::updateTryIt() {
    if (tryIt_->isGenerating()) return;
    if (current_.isLive() && !current_.liveDir().isEmpty()) tryIt_->setRun(QString::fromStdString(controller_->config().model.path), current_.liveDir(), currentRunTitle());
    else if (!current_.isLive() && runView_->hasRecord())
        tryIt_->setRun(QString::fromStdString(runView_->record().config.model.path), current_.openedSource(), currentRunTitle());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (controller_->isAttached()) {
        // A followed run is not this window's to stop: let go of it, and close once the follower has returned.
        closeRequested_ = true;
        controller_->detach();
        if (exporter_->isBusy()) statusBar()->showMessage(tr("Finishing the export… the window closes when it is done"));
        setEnabled(false);
        event->ignore();
        return;
    }
    if (controller_->isActive() || exporter_->isBusy()) {
        if (!closeRequested_) {
            const QString question = controller_->isActive()
                                         ? tr("A run is training. Stop it (it saves a checkpoint) and close when it has stopped?")
                                         : tr("An export is running. Close when it is done?");
            if (!prompts_.confirm(this, tr("Close L1RA Studio"), question)) {
                event->ignore();
                return;
            }
            closeRequested_ = true;
            controller_->stop();
            statusBar()->showMessage(controller_->isActive() ? tr("Stopping\u2026 the window closes once the checkpoint is saved")
                                                             : tr("Finishing the export\u2026 the window closes when it is done"));
            setEnabled(false);   // nothing more to do here; the window stays responsive and repaints
        }
        event->ignore();
        return;
    }
    settings::setWindowLayout(saveGeometry(), saveState(), trainingPage_->saveState());
    event->accept();
}

void MainWindow::openSweep(const QString& dir) {
    showPage(Page::Compare);
    compareTabs_->setCurrentWidget(sweepView_);
    sweepView_->openSweep(dir);
}

}  // namespace l1ra::ui
