#pragma once
// The studio window. Pages (tabs): Setup, Training (live), Runs (history + explorer), Compare, Try it.
// Docks: the log (every page); live controls, budget, reallocations and samples belong to the Training page, which is
// a QMainWindow of its own so that they only show there. One QAction per command (StudioActions) in menus and
// toolbar; every engine conversation goes through the TrainingController; slow work (exports, reading run
// records, generation) runs on worker threads so the window never freezes.
#include "runs/run_exporter.h"
#include "shell/current_run.h"
#include "shell/studio_actions.h"
#include "shell/user_prompts.h"

#include "l1ra/run_record.h"
#include "l1ra/training_events.h"

#include <QMainWindow>
#include <QString>

#include <optional>

class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;
class QToolBar;

namespace l1ra::ui {

class BackgroundJob;
class BudgetPanel;
class LiveKnobs;
class LogPane;
class MetricsCurves;
class RankHeatmap;
class ReallocationLog;
class RunComparison;
class RunConfigForm;
class RunHistoryList;
class RunView;
class SamplesPanel;
class SweepView;
class StatusReadout;
class TrainingController;
class TryItPanel;
class UpdateThrottle;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Setup, Training, Runs, Compare, TryIt };
    Q_ENUM(Page)

    // An empty runs root means runsRoot() (L1RA_RUNS_DIR, the setting, or Documents/L1RA Studio/runs).
    explicit MainWindow(QWidget* parent = nullptr, const QString& runsRoot = QString());
    ~MainWindow() override;

    TrainingController* controller() const { return controller_; }
    RunConfigForm* runConfigForm() const { return form_; }
    RankHeatmap* heatmap() const { return heatmap_; }
    MetricsCurves* curves() const { return curves_; }
    BudgetPanel* budgetPanel() const { return budget_; }
    ReallocationLog* reallocationLog() const { return reallocations_; }
    SamplesPanel* samplesPanel() const { return samples_; }
    LiveKnobs* liveKnobs() const { return knobs_; }
    LogPane* logPane() const { return log_; }
    RunHistoryList* runHistory() const { return history_; }
    RunView* runView() const { return runView_; }
    RunComparison* comparison() const { return comparison_; }
    SweepView* sweepView() const { return sweepView_; }
    TryItPanel* tryIt() const { return tryIt_; }
    StatusReadout* statusReadout() const { return status_; }
    RunExporter* exporter() const { return exporter_; }
    const StudioActions& actions() const { return actions_; }
    QToolBar* toolBar() const { return toolBar_; }
    QList<QDockWidget*> docks() const;   // live controls, budget, reallocations, log, samples

    // Dialogs are asked through these; tests and scripts replace them.
    UserPrompts& prompts() { return prompts_; }
    void setPrompts(UserPrompts prompts) { prompts_ = std::move(prompts); }

    QString runsRoot() const { return runsRoot_; }
    void setRunsRoot(const QString& root);

    void showPage(Page page);
    Page currentPage() const;

    // Setup page.
    bool loadRunConfigFile(const QString& path);
    bool restoreLastConfig();     // the config of the last run started (settings); false when none was saved

    // Runs. The current run is the one trained last, or the one opened last: exports and "Try it" use it.
    bool startRun();                           // the setup page's config, into a new folder under the runs root
    void openRun(const QString& dir);          // run folder or exported adapter; asynchronous (runOpened)
    // Follows a run another process trains (TrainingController::attach) in the live view; false (and an
    // error shown) when the folder cannot be followed.
    bool attachToRun(const QString& dir);
    void resumeStoppedRun(const QString& dir); // shows its history, then continues it
    QString currentRunSource() const;          // the folder the user opened or the live run's folder
    QString currentRecordDir() const;          // where its run record lives (l1ra_run/ inside an export)
    QString currentRunTitle() const;
    bool currentRunIsLive() const { return current_.isLive(); }
    bool isLoadingRun() const;
    void openSweep(const QString& dir);        // a `l1ra sweep` folder, on the Compare page (asynchronous)

    // Export menu; an empty target asks for one (prompts().savePath).
    bool exportRun(RunExporter::Kind kind, const QString& target = QString());
    bool exportHeatmapImage(const QString& target = QString());

Q_SIGNALS:
    void runOpened(const QString& dir);
    void runOpenFailed(const QString& dir, const QString& error);
    void exportFinished(bool ok, const QString& target);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPages();
    QWidget* buildSetupPage();
    QWidget* buildTrainingPage();
    QWidget* buildRunsPage();
    void buildDocks();
    void buildMenus();
    void buildToolBar();
    void connectController();
    void connectActions();
    void restoreLayout();

    void runStarted(const QString& runDir);
    void runStateChanged(l1ra::RunState state, const QString& detail);
    void snapshotReceived(const l1ra::RankSnapshot& snapshot);
    void controlApplied(const l1ra::ControlEvent& control);
    void runFinished(const l1ra::RunSummary& summary);
    void applyRecordToLiveView(const l1ra::RunRecord& record);

    void confirmStop();
    void newRun();
    void askOpenRun();
    void askResumeRun();
    void askAttachRun();
    void askLoadConfig();
    void askSaveConfig();
    void askRunsFolder();
    void showAbout();
    void fillRecentMenu();
    void exportFinishedHandler(RunExporter::Kind kind, const QString& target, const QString& error);
    QString suggestedExportPath(RunExporter::Kind kind) const;
    bool confirmReplace(const QString& path);

    void reportError(const QString& title, const QString& message);
    void logInfo(const QString& text);
    void updateActions();
    void updateTitle();
    void updateTryIt();
    RankHeatmap* currentHeatmap() const;

    TrainingController* controller_ = nullptr;
    RunExporter* exporter_ = nullptr;
    BackgroundJob* recordLoader_ = nullptr;
    StudioActions actions_;
    UserPrompts prompts_;
    QString runsRoot_;

    QTabWidget* pages_ = nullptr;
    QMainWindow* trainingPage_ = nullptr;
    RunConfigForm* form_ = nullptr;
    RankHeatmap* heatmap_ = nullptr;
    MetricsCurves* curves_ = nullptr;
    BudgetPanel* budget_ = nullptr;
    ReallocationLog* reallocations_ = nullptr;
    SamplesPanel* samples_ = nullptr;
    LiveKnobs* knobs_ = nullptr;
    LogPane* log_ = nullptr;
    RunHistoryList* history_ = nullptr;
    RunView* runView_ = nullptr;
    QTabWidget* compareTabs_ = nullptr;
    RunComparison* comparison_ = nullptr;
    SweepView* sweepView_ = nullptr;
    TryItPanel* tryIt_ = nullptr;
    StatusReadout* status_ = nullptr;
    QToolBar* toolBar_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QMenu* viewMenu_ = nullptr;
    QDockWidget* knobsDock_ = nullptr;
    QDockWidget* budgetDock_ = nullptr;
    QDockWidget* reallocationsDock_ = nullptr;
    QDockWidget* samplesDock_ = nullptr;
    QDockWidget* logDock_ = nullptr;
    QLabel* liveHeader_ = nullptr;

    // The live view shows the newest step and snapshot at most ~10 times a second (every event still reaches
    // the curves and the reallocation log).
    UpdateThrottle* stepThrottle_ = nullptr;
    UpdateThrottle* snapshotThrottle_ = nullptr;
    l1ra::StepEvent latestStep_;
    l1ra::RankSnapshot latestSnapshot_;
    qint64 lastHighlightMs_ = -1;   // outlines need a moment to be seen: not more than one per kHighlightGapMs

    CurrentRun current_;          // the live run or the opened one: what exports and "Try it" use
    bool closeRequested_ = false; // the window closes once the run has stopped / the export is done
    std::optional<l1ra::RunRecord> resumePrefill_;   // history of a run being resumed, shown when it starts
};

}  // namespace l1ra::ui
