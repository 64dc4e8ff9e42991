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

bool existsAndNotEmpty(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists()) return false;
    if (!info.isDir()) return true;
    return !QDir(path).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
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
// Layout

void MainWindow::buildPages() {
    pages_ = new QTabWidget(this);
    pages_->setObjectName(QStringLiteral("studioPages"));
    pages_->setDocumentMode(true);
    pages_->addTab(buildSetupPage(), tr("Setup"));
    pages_->addTab(buildTrainingPage(), tr("Training"));
    pages_->addTab(buildRunsPage(), tr("Runs"));
    // Compare: two runs side by side, or a sweep's perplexity against the swept value.
    compareTabs_ = new QTabWidget(pages_);
    compareTabs_->setObjectName(QStringLiteral("compareTabs"));
    compareTabs_->setDocumentMode(true);
    comparison_ = new RunComparison(compareTabs_);
    compareTabs_->addTab(comparison_, tr("Two runs"));
    sweepView_ = new SweepView(compareTabs_);
    compareTabs_->addTab(sweepView_, tr("Sweep"));
    pages_->addTab(compareTabs_, tr("Compare"));
    tryIt_ = new TryItPanel(pages_);
    pages_->addTab(tryIt_, tr("Try it"));
    setCentralWidget(pages_);
}

QWidget* MainWindow::buildSetupPage() {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    form_ = new RunConfigForm(page);
    form_->setDatasetPreviewFunction([](const std::string& path, const std::string& format, const std::string& model,
                                        const std::string& chatTemplate) {
        return l1ra::previewDataset(path, format, 5, model, chatTemplate);
    });
    layout->addWidget(form_, 1);
    // The one thing to do on this page, where the eye ends up after filling it in.
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 8);
    bar->addStretch(1);
    auto* startButton = new QToolButton(page);
    startButton->setObjectName(QStringLiteral("setupStartButton"));
    startButton->setDefaultAction(actions_.start);
    startButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    startButton->setMinimumHeight(32);
    bar->addWidget(startButton);
    layout->addLayout(bar);
    return page;
}

QWidget* MainWindow::buildTrainingPage() {
    trainingPage_ = new QMainWindow(this);
    trainingPage_->setObjectName(QStringLiteral("trainingPage"));
    trainingPage_->setWindowFlags(Qt::Widget);   // a page, not a window: its docks stay on this tab
    trainingPage_->setDockNestingEnabled(true);
    auto* page = new QWidget(trainingPage_);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(4, 4, 4, 4);
    liveHeader_ = new QLabel(page);
    liveHeader_->setObjectName(QStringLiteral("liveHeader"));
    liveHeader_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(liveHeader_);
    // The rank map is the point of the studio: it gets the most room; the curves sit under it.
    auto* split = new QSplitter(Qt::Vertical, page);
    heatmap_ = new RankHeatmap(split);
    heatmap_->setObjectName(QStringLiteral("liveHeatmap"));
    curves_ = new MetricsCurves(split);
    curves_->setObjectName(QStringLiteral("liveCurves"));
    split->addWidget(heatmap_);
    split->addWidget(curves_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    trainingPage_->setCentralWidget(page);
    return trainingPage_;
}

QWidget* MainWindow::buildRunsPage() {
    auto* split = new QSplitter(Qt::Horizontal, this);
    history_ = new RunHistoryList(split);
    runView_ = new RunView(split);
    split->addWidget(history_);
    split->addWidget(runView_);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({430, 1000});
    return split;
}

void MainWindow::buildDocks() {
    const auto dock = [](QMainWindow* owner, const QString& objectName, const QString& title, QWidget* content, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, owner);
        d->setObjectName(objectName);   // saveState() finds docks by name
        d->setWidget(content);
        d->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
        owner->addDockWidget(area, d);
        return d;
    };
    knobs_ = new LiveKnobs(this);
    knobs_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);   // the budget dock takes the height
    knobs_->setLambdaEnabled(false);
    knobs_->setBudgetEnabled(false);
    budget_ = new BudgetPanel(this);
    reallocations_ = new ReallocationLog(this);
    log_ = new LogPane(this);
    knobsDock_ = dock(trainingPage_, QStringLiteral("dockLiveControls"), tr("Live controls"), knobs_, Qt::RightDockWidgetArea);
    budgetDock_ = dock(trainingPage_, QStringLiteral("dockBudget"), tr("Budget"), budget_, Qt::RightDockWidgetArea);
    reallocationsDock_ = dock(trainingPage_, QStringLiteral("dockReallocations"), tr("Reallocations"), reallocations_, Qt::RightDockWidgetArea);
    samples_ = new SamplesPanel(this);
    samplesDock_ = dock(trainingPage_, QStringLiteral("dockSamples"), tr("Samples"), samples_, Qt::RightDockWidgetArea);
    // Samples share the reallocations' place: both are read now and then, not watched.
    trainingPage_->tabifyDockWidget(reallocationsDock_, samplesDock_);
    reallocationsDock_->raise();
    logDock_ = dock(this, QStringLiteral("dockLog"), tr("Log"), log_, Qt::BottomDockWidgetArea);
    trainingPage_->resizeDocks({knobsDock_, budgetDock_, reallocationsDock_}, {120, 300, 260}, Qt::Vertical);
    trainingPage_->resizeDocks({knobsDock_}, {430}, Qt::Horizontal);
    resizeDocks({logDock_}, {130}, Qt::Vertical);
}

QList<QDockWidget*> MainWindow::docks() const { return {knobsDock_, budgetDock_, reallocationsDock_, logDock_, samplesDock_}; }

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(actions_.newRun);
    file->addAction(actions_.openRun);
    recentMenu_ = file->addMenu(tr("Recent &runs"));
    recentMenu_->setObjectName(QStringLiteral("recentRunsMenu"));
    connect(recentMenu_, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    file->addSeparator();
    file->addAction(actions_.loadConfig);
    file->addAction(actions_.saveConfig);
    file->addSeparator();
    file->addAction(actions_.runsFolder);
    file->addSeparator();
    file->addAction(actions_.quit);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    for (QAction* a : {actions_.start, actions_.pause, actions_.resume, actions_.stop}) run->addAction(a);
    run->addSeparator();
    run->addAction(actions_.checkpoint);
    run->addAction(actions_.resumeRun);

    QMenu* exports = menuBar()->addMenu(tr("E&xport"));
    exports->setObjectName(QStringLiteral("exportMenu"));
    exports->addAction(actions_.exportAdapter);
    exports->addAction(actions_.exportMerged);
    exports->addAction(actions_.exportGgufLora);
    exports->addAction(actions_.exportGgufModel);
    exports->addAction(actions_.exportFromBest);
    exports->addSeparator();
    exports->addAction(actions_.exportHeatmap);
    exports->addAction(actions_.exportMetrics);
    exports->addAction(actions_.exportRanks);

    viewMenu_ = menuBar()->addMenu(tr("&View"));
    const QStringList pageNames{tr("&Setup"), tr("&Training"), tr("&Runs"), tr("&Compare"), tr("Try &it")};
    for (int i = 0; i < pageNames.size(); ++i) {
        QAction* go = viewMenu_->addAction(pageNames[i]);
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(go, &QAction::triggered, this, [this, i] { pages_->setCurrentIndex(i); });
    }
    viewMenu_->addSeparator();
    for (QDockWidget* d : docks()) {
        viewMenu_->addAction(d->toggleViewAction());
        // The live docks live on the Training page: showing one goes there.
        if (d != logDock_)
            connect(d->toggleViewAction(), &QAction::triggered, this, [this](bool shown) {
                if (shown) showPage(Page::Training);
            });
    }
    QMenu* theme = viewMenu_->addMenu(tr("T&heme"));
    auto* themes = new QActionGroup(theme);
    const QString current = settings::theme();
    for (const auto& [key, label] : {std::pair{QStringLiteral("auto"), tr("Follow the desktop")},
                                     std::pair{QStringLiteral("light"), tr("Light")}, std::pair{QStringLiteral("dark"), tr("Dark")}}) {
        QAction* a = theme->addAction(label);
        a->setCheckable(true);
        a->setChecked(key == current);
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [key = key] {
            settings::setTheme(key);
            if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance())) applyStudioTheme(*app);
        });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(actions_.about);
    help->addAction(actions_.aboutQt);
}

void MainWindow::buildToolBar() {
    toolBar_ = addToolBar(tr("Training"));
    toolBar_->setObjectName(QStringLiteral("mainToolBar"));
    toolBar_->setMovable(false);
    toolBar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar_->setIconSize(QSize(18, 18));
    for (QAction* a : {actions_.start, actions_.pause, actions_.resume, actions_.stop, actions_.checkpoint}) toolBar_->addAction(a);
    toolBar_->addSeparator();
    toolBar_->addAction(actions_.openRun);
    toolBar_->addAction(actions_.exportAdapter);
}

void MainWindow::restoreLayout() {
    const QByteArray geometry = settings::windowGeometry();
    if (!geometry.isEmpty()) restoreGeometry(geometry);
    const QByteArray state = settings::windowState();
    if (!state.isEmpty()) restoreState(state);
    const QByteArray trainingState = settings::trainingPageState();
    if (!trainingState.isEmpty()) trainingPage_->restoreState(trainingState);
}

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
    if (!currentIsLive_ && runView_->hasRecord() && runView_->record().hasSummary &&
        runView_->record().summary.state == l1ra::RunState::Stopped)
        dir = QString::fromStdString(runView_->record().dir);
    else if (currentIsLive_ && controller_->state() == l1ra::RunState::Stopped)
        dir = liveRunDir_;
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

void MainWindow::runStarted(const QString& runDir) {
    liveRunDir_ = runDir;
    currentIsLive_ = true;
    liveHasSnapshot_ = false;
    lastHighlightMs_ = -1;
    heatmap_->clear();
    budget_->clear();
    curves_->clear();
    reallocations_->clear();
    samples_->clear();
    currentHasBest_ = false;
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
    logInfo(tr("run started in %1").arg(runDir));
    showPage(Page::Training);
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
    if (!liveHasSnapshot_) {
        // The budget is known once the adapters exist: one rank per adapter at least.
        liveHasSnapshot_ = true;
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
    if (!liveRunDir_.isEmpty()) history_->setLiveRun(liveRunDir_, TrainingController::stateText(state));
    if (state == l1ra::RunState::Stopping && closeRequested_)
        statusBar()->showMessage(tr("Stopping\u2026 the window closes once the checkpoint is saved"));
    updateActions();
    updateTitle();
}

void MainWindow::runFinished(const l1ra::RunSummary& summary) {
    // The last step and ranks, not the ones a throttle interval ago.
    stepThrottle_->flushNow();
    snapshotThrottle_->flushNow();
    if (currentIsLive_) currentHasBest_ = !summary.bestCheckpoint.empty();
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
        default:
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
                                                  currentHasBest_ = !record->bestCheckpoint.empty();
                                                  runView_->setRecord(std::move(*record), title);
                                                  openedSource_ = QDir::cleanPath(dir);
                                                  currentIsLive_ = false;
                                                  settings::addRecentRun(openedSource_);
                                                  history_->selectDir(openedSource_);
                                                  showPage(Page::Runs);
                                                  logInfo(tr("opened %1").arg(openedSource_));
                                                  updateActions();
                                                  updateTitle();
                                                  updateTryIt();
                                                  Q_EMIT runOpened(openedSource_);
                                              });
    if (!started) {
        const QString error = tr("Another run is still being read; try again in a moment");
        reportError(tr("Open run"), error);
        Q_EMIT runOpenFailed(dir, error);
        return;
    }
    status_->setBusy(tr("Reading %1\u2026").arg(folderName(dir)));
}

QString MainWindow::currentRunSource() const { return currentIsLive_ ? liveRunDir_ : openedSource_; }

QString MainWindow::currentRecordDir() const {
    if (currentIsLive_) return liveRunDir_;
    return runView_->hasRecord() ? QString::fromStdString(runView_->record().dir) : QString();
}

QString MainWindow::currentRunTitle() const {
    if (currentIsLive_) {
        const std::string& name = controller_->config().name;
        return name.empty() ? folderName(liveRunDir_) : QString::fromStdString(name);
    }
    return runView_->hasRecord() ? runView_->title() : QString();
}

RankHeatmap* MainWindow::currentHeatmap() const { return currentIsLive_ ? heatmap_ : runView_->heatmap(); }

// ---------------------------------------------------------------------------------------------------------
// Exports

QString MainWindow::suggestedExportPath(RunExporter::Kind kind) const {
    const QString exportsDir = QDir(runsRoot_).absoluteFilePath(QStringLiteral("../exports"));
    const QString base = QDir::cleanPath(exportsDir) + QLatin1Char('/') + folderName(currentRunSource());
    switch (kind) {
        case RunExporter::Kind::PeftAdapter: return base + QStringLiteral("-peft");
        case RunExporter::Kind::MergedModel: return base + QStringLiteral("-merged");
        case RunExporter::Kind::GgufLora: return base + QStringLiteral("-lora.gguf");
        case RunExporter::Kind::GgufModel: return base + QStringLiteral("-model.gguf");
        case RunExporter::Kind::MetricsCsv: return base + QStringLiteral("-metrics.csv");
        case RunExporter::Kind::RankHistoryCsv: return base + QStringLiteral("-ranks.csv");
    }
    return base;
}

bool MainWindow::confirmReplace(const QString& path) {
    return prompts_.confirm(this, tr("Replace?"), tr("%1 already exists. Replace it?").arg(QDir::toNativeSeparators(path)));
}

bool MainWindow::exportRun(RunExporter::Kind kind, const QString& target) {
    const QString source = currentRunSource();
    const QString what = RunExporter::describe(kind);
    if (source.isEmpty()) {
        reportError(tr("Export"), tr("Train or open a run first: the %1 comes from the current run.").arg(what));
        return false;
    }
    if (RunExporter::readsCheckpoint(kind) && currentIsLive_ && controller_->isActive()) {
        reportError(tr("Export"), tr("The run is still training. Export the %1 once it has finished or stopped.").arg(what));
        return false;
    }
    if (exporter_->isBusy()) {
        reportError(tr("Export"), tr("Another export is still running."));
        return false;
    }
    QString path = target;
    if (path.isEmpty()) {
        const QString suffix = RunExporter::fileSuffix(kind);
        const QString filter = suffix.isEmpty()            ? tr("Folder (*)")
                               : suffix == QLatin1String("gguf") ? tr("GGUF file (*.gguf)")
                                                                 : tr("CSV file (*.csv)");
        path = prompts_.savePath(this, tr("Export %1").arg(what), suggestedExportPath(kind), filter);
        if (path.isEmpty()) return false;
        if (!suffix.isEmpty() && QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + suffix;
    }
    bool force = false;
    if (existsAndNotEmpty(path)) {
        if (!confirmReplace(path)) return false;
        force = true;
    }
    const QString parent = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(parent)) {
        reportError(tr("Export"), tr("Cannot create the folder %1").arg(parent));
        return false;
    }
    const bool fromBest = RunExporter::readsCheckpoint(kind) && actions_.exportFromBest->isChecked() && currentHasBest_;
    if (fromBest) logInfo(tr("exporting the %1 from the best checkpoint").arg(what));
    return exporter_->start(kind, source, path, force, fromBest);
}

void MainWindow::exportFinishedHandler(RunExporter::Kind kind, const QString& target, const QString& error) {
    status_->setBusy({});
    updateActions();
    if (!error.isEmpty()) {
        if (!closeRequested_) reportError(tr("Export %1").arg(RunExporter::describe(kind)), error);
        else log_->appendError(error);
    } else {
        logInfo(tr("%1 exported to %2").arg(RunExporter::describe(kind), target));
        statusBar()->showMessage(tr("Exported the %1 to %2").arg(RunExporter::describe(kind), target), 10000);
    }
    Q_EMIT exportFinished(error.isEmpty(), target);
    if (closeRequested_) close();
}

bool MainWindow::exportHeatmapImage(const QString& target) {
    RankHeatmap* heatmap = currentHeatmap();
    if (!heatmap->hasSnapshot()) {
        reportError(tr("Export heatmap"), tr("There is no rank map to save yet."));
        return false;
    }
    QString path = target;
    if (path.isEmpty()) {
        path = prompts_.savePath(this, tr("Export heatmap image"), suggestedExportPath(RunExporter::Kind::MetricsCsv).replace(QStringLiteral("-metrics.csv"), QStringLiteral("-heatmap.png")),
                                 tr("PNG image (*.png);;PDF document (*.pdf)"));
        if (path.isEmpty()) return false;
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix.isEmpty()) path += QStringLiteral(".png");
    else if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf")) {
        reportError(tr("Export heatmap"), tr("%1: choose a .png or .pdf file name").arg(path));
        return false;
    }
    if (QFileInfo::exists(path) && target.isEmpty() && !confirmReplace(path)) return false;
    QDir().mkpath(QFileInfo(path).absolutePath());
    // A heatmap on a hidden page has no useful size of its own.
    const int width = std::max(heatmap->width(), 900), height = std::max(heatmap->height(), 560);
    if (!heatmap->saveImage(path, width, height)) {
        reportError(tr("Export heatmap"), tr("Cannot write %1").arg(path));
        Q_EMIT exportFinished(false, path);
        return false;
    }
    logInfo(tr("heatmap saved to %1").arg(path));
    Q_EMIT exportFinished(true, path);
    return true;
}

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
    context.runIsTraining = currentIsLive_ && controller_->isActive();
    context.hasHeatmap = currentHeatmap()->hasSnapshot();
    context.exporting = exporter_->isBusy();
    context.hasBestCheckpoint = currentHasBest_;
    actions_.updateEnabled(*controller_, context);
}

void MainWindow::updateTitle() {
    QString title = tr("L1RA Studio");
    const QString run = currentRunTitle();
    if (!run.isEmpty()) {
        title = run + QStringLiteral(" \u2014 ") + title;
        if (currentIsLive_ && controller_->state() != l1ra::RunState::Idle)
            title = QStringLiteral("[%1] ").arg(TrainingController::stateText(controller_->state())) + title;
    }
    setWindowTitle(title);
}

void MainWindow::updateTryIt() {
    if (tryIt_->isGenerating()) return;
    if (currentIsLive_ && !liveRunDir_.isEmpty()) tryIt_->setRun(QString::fromStdString(controller_->config().model.path), liveRunDir_, currentRunTitle());
    else if (!currentIsLive_ && runView_->hasRecord())
        tryIt_->setRun(QString::fromStdString(runView_->record().config.model.path), openedSource_, currentRunTitle());
}

void MainWindow::closeEvent(QCloseEvent* event) {
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
