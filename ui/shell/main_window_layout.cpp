// MainWindow, part 2 of 3: building the pages, docks, menus and toolbar (main_window.cpp has the behaviour,
// main_window_exports.cpp the Export menu).
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
    run->addSeparator();
    run->addAction(actions_.attachRun);
    run->addAction(actions_.detachRun);

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

}  // namespace l1ra::ui
