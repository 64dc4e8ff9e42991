// MainWindow with the real engine: actions enabled per controller state, live λ/budget changes reaching the
// engine and coming back (knobs applied, curve markers), every Export action writing its files (paths given
// through the window's prompt functions, the engine's exporters for real), opening an exported adapter, errors
// shown without blocking, a divergent step marked on the curves, closing while training, the demo hook and the
// persisted settings.
#include "train/gradient_poison.h"
#include "studio_test_support.h"

#include "widgets/budget_panel.h"
#include "shell/launch_options.h"
#include "live/live_knobs.h"
#include "shell/log_pane.h"
#include "shell/main_window.h"
#include "widgets/metrics_curves.h"
#include "widgets/rank_heatmap.h"
#include "widgets/reallocation_log.h"
#include "setup/run_config_form.h"
#include "runs/run_history_list.h"
#include "runs/run_view.h"
#include "live/samples_panel.h"
#include "shell/status_readout.h"
#include "shell/studio_app.h"
#include "shell/studio_settings.h"
#include "live/training_controller.h"
#include "runs/try_it_panel.h"

#include "l1ra/adapter_export.h"
#include "l1ra/run_record.h"

#include <QAction>
#include <QDockWidget>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using l1ra::RunState;
using l1ra::ui::MainWindow;
using l1ra::ui::RunExporter;
using l1ra::ui::TrainingController;
using namespace l1ra::ui::test;

namespace {

constexpr int kWaitMs = 120000;

// Answers the window's questions and records what it asked and reported.
struct ScriptedPrompts {
    QString nextPath;
    bool confirmAnswer = true;
    QStringList confirmations;
    QStringList errors;

    l1ra::ui::UserPrompts make() {
        l1ra::ui::UserPrompts p;
        p.openFile = [this](QWidget*, const QString&, const QString&, const QString&) { return nextPath; };
        p.openFolder = [this](QWidget*, const QString&, const QString&) { return nextPath; };
        p.savePath = [this](QWidget*, const QString&, const QString&, const QString&) { return nextPath; };
        p.confirm = [this](QWidget*, const QString& title, const QString&) {
            confirmations << title;
            return confirmAnswer;
        };
        p.showError = [this](QWidget*, const QString&, const QString& message) { errors << message; };
        p.showInfo = [](QWidget*, const QString&, const QString&) {};
        return p;
    }
};

struct ActionStates {
    bool start, pause, resume, stop, checkpoint, exportAdapter;
};

ActionStates actionStates(const MainWindow& w) {
    const auto& a = w.actions();
    return {a.start->isEnabled(), a.pause->isEnabled(), a.resume->isEnabled(), a.stop->isEnabled(), a.checkpoint->isEnabled(),
            a.exportAdapter->isEnabled()};
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void actionsFollowTheRunState();
    void stopAsksFirst();
    void liveChangesAreAppliedAndMarked();
    void resumeContinuesAStoppedRun();
    void exportActionsWriteTheirFiles();
    void openingAnExportedAdapterShowsItsRankMap();
    void engineFailureShowsAnErrorWithoutBlocking();
    void aDivergentStepIsMarkedOnTheCurvesAndLogged();
    void samplesShowAndTheBestCheckpointExports();
    void closingWhileTrainingStopsCleanly();
    void demoHookPreloadsTheSetupPage();
    void anInvalidSavedRunConfigFallsBackToTheDefaults();
    void launchOptionsAreParsed();
    void layoutAndRecentRunsPersist();

private:
    std::unique_ptr<MainWindow> makeWindow();
    // Fills the setup page and starts; waits for the first step.
    void startTraining(MainWindow& w, const l1ra::RunConfig& config);
    // A short finished run of the window's own, for the export tests.
    QString finishedRun();

    QTemporaryDir temp_;
    ScriptedPrompts prompts_;
    QString finishedRunDir_;
};

void MainWindowTest::initTestCase() {
    QVERIFY(temp_.isValid());
    isolateSettings(temp_);
    qputenv("L1RA_RUNS_DIR", temp_.filePath(QStringLiteral("runs")).toUtf8());
    l1ra::ui::setApplicationNames();
}

void MainWindowTest::init() { prompts_ = ScriptedPrompts(); }

std::unique_ptr<MainWindow> MainWindowTest::makeWindow() {
    auto w = std::make_unique<MainWindow>();
    w->setPrompts(prompts_.make());
    w->show();
    return w;
}

void MainWindowTest::startTraining(MainWindow& w, const l1ra::RunConfig& config) {
    w.runConfigForm()->setConfig(config);
    QSignalSpy steps(w.controller(), &TrainingController::stepReceived);
    w.actions().start->trigger();
    QVERIFY2(w.controller()->isActive(), qPrintable(prompts_.errors.join('\n') + w.controller()->lastError()));
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 1, kWaitMs);
}

QString MainWindowTest::finishedRun() {
    if (!finishedRunDir_.isEmpty()) return finishedRunDir_;
    auto w = makeWindow();
    l1ra::RunConfig config = fixtureConfig(15, 5);
    config.name = "export source";
    w->runConfigForm()->setConfig(config);
    QSignalSpy finished(w->controller(), &TrainingController::finished);
    w->actions().start->trigger();
    if (!finished.wait(kWaitMs)) return {};
    finishedRunDir_ = w->controller()->runDir();
    return finishedRunDir_;
}

void MainWindowTest::actionsFollowTheRunState() {
    auto w = makeWindow();
    ActionStates s = actionStates(*w);
    QVERIFY(s.start && !s.pause && !s.resume && !s.stop && !s.checkpoint && !s.exportAdapter);

    startTraining(*w, fixtureConfig(100000));
    QTRY_COMPARE_WITH_TIMEOUT(w->controller()->state(), RunState::Running, kWaitMs);
    s = actionStates(*w);
    QVERIFY(!s.start && s.pause && !s.resume && s.stop && s.checkpoint);
    QVERIFY(!s.exportAdapter);   // checkpoints are still being written
    QCOMPARE(w->currentPage(), MainWindow::Page::Training);
    QVERIFY(w->statusReadout()->stateText().contains(QStringLiteral("Running")));
    QVERIFY(w->statusReadout()->stepText().startsWith(QStringLiteral("step ")));
    QVERIFY(w->windowTitle().contains(QStringLiteral("Running")));

    w->actions().pause->trigger();
    QVERIFY(!w->actions().pause->isEnabled());   // taken at once, applied at the next step
    QTRY_COMPARE_WITH_TIMEOUT(w->controller()->state(), RunState::Paused, kWaitMs);
    s = actionStates(*w);
    QVERIFY(!s.start && !s.pause && s.resume && s.stop && s.checkpoint);

    QSignalSpy checkpoints(w->controller(), &TrainingController::checkpointSaved);
    w->actions().checkpoint->trigger();   // handled even while paused
    QVERIFY(checkpoints.wait(kWaitMs));

    w->actions().resume->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(w->controller()->state(), RunState::Running, kWaitMs);
    QVERIFY(w->actions().pause->isEnabled());

    QSignalSpy finished(w->controller(), &TrainingController::finished);
    w->actions().stop->trigger();
    QCOMPARE(prompts_.confirmations.size(), 1);
    QCOMPARE(w->controller()->state(), RunState::Stopping);
    s = actionStates(*w);
    QVERIFY(!s.start && !s.pause && !s.resume && !s.stop && !s.checkpoint);
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(w->controller()->state(), RunState::Stopped);
    s = actionStates(*w);
    QVERIFY(s.start && !s.pause && !s.resume && !s.stop && !s.checkpoint && s.exportAdapter);
    QVERIFY(w->actions().resumeRun->isEnabled());
    QVERIFY(w->statusReadout()->stateText().contains(QStringLiteral("Stopped")));
}

void MainWindowTest::stopAsksFirst() {
    auto w = makeWindow();
    startTraining(*w, fixtureConfig(100000));
    prompts_.confirmAnswer = false;
    w->actions().stop->trigger();
    QCOMPARE(prompts_.confirmations.size(), 1);
    QVERIFY(w->controller()->isActive());
    QVERIFY(w->controller()->state() != RunState::Stopping);
    prompts_.confirmAnswer = true;
    QSignalSpy finished(w->controller(), &TrainingController::finished);
    w->actions().stop->trigger();
    QVERIFY(finished.wait(kWaitMs));
}

void MainWindowTest::liveChangesAreAppliedAndMarked() {
    auto w = makeWindow();
    startTraining(*w, fixtureConfig(100000, 5));
    QTRY_VERIFY_WITH_TIMEOUT(w->heatmap()->hasSnapshot(), kWaitMs);
    l1ra::ui::LiveKnobs* knobs = w->liveKnobs();
    QCOMPARE(knobs->budget(), 56);   // 2 layers x 7 projections x rank 4, from the first snapshot
    QCOMPARE(w->curves()->markerCount(), 0);

    knobs->requestLambda(0.2);
    QVERIFY(knobs->isPending(QStringLiteral("lambda")));
    QTRY_VERIFY_WITH_TIMEOUT(!knobs->isPending(QStringLiteral("lambda")), kWaitMs);
    QCOMPARE(knobs->lambda(), 0.2);
    QVERIFY(knobs->statusText(QStringLiteral("lambda")).contains(QStringLiteral("applied at step")));
    QCOMPARE(w->curves()->markerCount(), 1);
    QCOMPARE(w->curves()->markerLabel(0), QStringLiteral("\u03bb = 0.2"));

    knobs->requestBudget(48);
    QTRY_VERIFY_WITH_TIMEOUT(!knobs->isPending(QStringLiteral("budget")), kWaitMs);
    QCOMPARE(knobs->budget(), 48);
    QCOMPARE(w->curves()->markerCount(), 2);
    QCOMPARE(w->curves()->markerLabel(1), QStringLiteral("budget = 48"));
    QTRY_COMPARE_WITH_TIMEOUT(w->budgetPanel()->budget(), 48, kWaitMs);
    QVERIFY(w->reallocationLog()->count() >= 1);
    QVERIFY(w->logPane()->plainText().contains(QStringLiteral("budget = 48 applied")));

    QSignalSpy finished(w->controller(), &TrainingController::finished);
    w->actions().stop->trigger();
    QVERIFY(finished.wait(kWaitMs));
}

void MainWindowTest::resumeContinuesAStoppedRun() {
    auto w = makeWindow();
    startTraining(*w, fixtureConfig(300, 5));
    QSignalSpy finished(w->controller(), &TrainingController::finished);
    w->actions().stop->trigger();
    QVERIFY(finished.wait(kWaitMs));
    const int64_t stoppedAt = w->controller()->lastSummary().steps;
    if (w->controller()->state() != RunState::Stopped || stoppedAt >= 300) QSKIP("the run finished before the stop arrived");
    const QString dir = w->controller()->runDir();

    // Run > Resume stopped run continues the current run: its history first, then new steps.
    QVERIFY(w->actions().resumeRun->isEnabled());
    w->actions().resumeRun->trigger();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.count(), 2);
    QCOMPARE(w->controller()->state(), RunState::Finished);
    QCOMPARE(w->controller()->runDir(), dir);
    QCOMPARE(w->controller()->lastSummary().steps, int64_t(300));
    QCOMPARE(w->curves()->lossPointCount(), 300);   // the steps before the stop were shown again
    QVERIFY(prompts_.errors.isEmpty());
}

void MainWindowTest::exportActionsWriteTheirFiles() {
    const QString run = finishedRun();
    QVERIFY(!run.isEmpty());
    auto w = makeWindow();
    QSignalSpy opened(w.get(), &MainWindow::runOpened);
    w->openRun(run);
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(w->currentRunSource(), run);
    QSignalSpy exported(w.get(), &MainWindow::exportFinished);
    const auto runExport = [&](QAction* action, const QString& path) {
        prompts_.nextPath = path;
        const int before = exported.count();
        action->trigger();
        if (!QTest::qWaitFor([&] { return exported.count() > before; }, kWaitMs)) return false;
        return exported.last().at(0).toBool();
    };
    const auto& a = w->actions();
    const QString out = temp_.filePath(QStringLiteral("exports"));

    QVERIFY2(runExport(a.exportAdapter, out + QStringLiteral("/peft")), qPrintable(prompts_.errors.join('\n')));
    for (const char* file : {"adapter_config.json", "adapter_model.safetensors", "l1ra_run/config.json", "l1ra_run/ranks.jsonl"})
        QVERIFY2(QFileInfo::exists(out + QStringLiteral("/peft/") + QLatin1String(file)), file);
    QFile adapterConfig(out + QStringLiteral("/peft/adapter_config.json"));
    QVERIFY(adapterConfig.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(adapterConfig.readAll()).object().value(QStringLiteral("peft_type")).toString(), QStringLiteral("LORA"));

    // Again: the window asks before replacing, then replaces.
    QVERIFY(runExport(a.exportAdapter, out + QStringLiteral("/peft")));
    QCOMPARE(prompts_.confirmations.size(), 1);
    prompts_.confirmAnswer = false;
    prompts_.nextPath = out + QStringLiteral("/peft");
    QVERIFY(!w->exportRun(RunExporter::Kind::PeftAdapter));   // declined: nothing happens
    prompts_.confirmAnswer = true;

    QVERIFY2(runExport(a.exportMerged, out + QStringLiteral("/merged")), qPrintable(prompts_.errors.join('\n')));
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/merged/config.json")));
    QVERIFY(QDir(out + QStringLiteral("/merged")).entryList({QStringLiteral("*.safetensors")}).size() >= 1);

    QVERIFY(runExport(a.exportMetrics, out + QStringLiteral("/metrics.csv")));
    QFile metrics(out + QStringLiteral("/metrics.csv"));
    QVERIFY(metrics.open(QIODevice::ReadOnly));
    const QStringList metricLines = QString::fromUtf8(metrics.readAll()).split('\n', Qt::SkipEmptyParts);
    QVERIFY(metricLines.first().startsWith(QStringLiteral("step,loss,lr,grad_norm,lambda,")));
    QCOMPARE(metricLines.size(), 1 + 15);   // header + a line per step (the final evaluation is at step 15)

    QVERIFY(runExport(a.exportRanks, out + QStringLiteral("/ranks")));   // the .csv suffix is added
    QFile ranks(out + QStringLiteral("/ranks.csv"));
    QVERIFY(ranks.open(QIODevice::ReadOnly));
    const QStringList rankLines = QString::fromUtf8(ranks.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(rankLines.first(), QStringLiteral("step,layer,projection,rank,gate_mass"));
    const l1ra::RunRecord record = l1ra::loadRunRecord(run.toStdString());
    QCOMPARE(rankLines.size(), 1 + int(record.snapshots.size()) * 14);

    QVERIFY(runExport(a.exportHeatmap, out + QStringLiteral("/heatmap.png")));
    QVERIFY(QImage(out + QStringLiteral("/heatmap.png")).width() >= 900);
    QVERIFY(runExport(a.exportHeatmap, out + QStringLiteral("/heatmap.pdf")));
    QFile pdf(out + QStringLiteral("/heatmap.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");
    QVERIFY(prompts_.errors.isEmpty());
}

void MainWindowTest::openingAnExportedAdapterShowsItsRankMap() {
    const QString run = finishedRun();
    QVERIFY(!run.isEmpty());
    const QString exportDir = temp_.filePath(QStringLiteral("exports/peft-for-open"));
    l1ra::exportPeftAdapter(run.toStdString(), exportDir.toStdString());
    auto w = makeWindow();
    QSignalSpy opened(w.get(), &MainWindow::runOpened);
    prompts_.nextPath = exportDir;
    w->actions().openRun->trigger();
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(w->currentPage(), MainWindow::Page::Runs);
    QCOMPARE(w->currentRunSource(), exportDir);
    QCOMPARE(w->currentRecordDir(), exportDir + QStringLiteral("/l1ra_run"));
    const l1ra::RunRecord record = l1ra::loadRunRecord(run.toStdString());
    QCOMPARE(w->runView()->snapshotCount(), int(record.snapshots.size()));
    QVERIFY(w->runView()->heatmap()->hasSnapshot());
    QCOMPARE(w->runView()->heatmap()->snapshot().step, record.snapshots.back().step);
    QCOMPARE(w->runView()->title(), QStringLiteral("export source"));
    // "Try it" uses the opened adapter on its base model.
    QCOMPARE(w->tryIt()->adapterDir(), exportDir);
    QCOMPARE(w->tryIt()->modelDir(), fixtureModel());
    // The adapter of an export exports again (the engine reads the export folder).
    QVERIFY(w->actions().exportAdapter->isEnabled());

    // Neither a run nor an export: an error, and nothing else changes.
    QSignalSpy failed(w.get(), &MainWindow::runOpenFailed);
    w->openRun(temp_.path());
    QCOMPARE(failed.count(), 1);
    QCOMPARE(prompts_.errors.size(), 1);
    QCOMPARE(w->currentRunSource(), exportDir);
}

void MainWindowTest::engineFailureShowsAnErrorWithoutBlocking() {
    auto w = makeWindow();
    l1ra::RunConfig config = fixtureConfig(10);
    config.data.format = "alpaca";   // the text file is no JSON: found out while preparing
    w->runConfigForm()->setConfig(config);
    QSignalSpy finished(w->controller(), &TrainingController::finished);
    const int errorsBefore = w->logPane()->errorCount();
    w->actions().start->trigger();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(w->controller()->state(), RunState::Failed);
    QCOMPARE(prompts_.errors.size(), 1);
    QVERIFY2(prompts_.errors.first().contains(QStringLiteral("not valid JSON")), qPrintable(prompts_.errors.first()));
    QVERIFY(w->logPane()->errorCount() > errorsBefore);
    QVERIFY(w->statusReadout()->stateText().contains(QStringLiteral("Failed")));
    QVERIFY(w->actions().start->isEnabled());   // ready for the next try
}

void MainWindowTest::samplesShowAndTheBestCheckpointExports() {
    // The panel alone: newest step first, a step's prompts in their configured order.
    l1ra::ui::SamplesPanel panel;
    QVERIFY(panel.hintText().contains(QStringLiteral("No samples")));
    panel.addSample({6, 1, "second", "b6", 3, true, 0.1});
    panel.addSample({12, 0, "first", "a12", 4, false, 0.1});
    panel.addSample({6, 0, "first", "a6", 2, true, 0.1});
    QCOMPARE(panel.stepCount(), 2);
    QCOMPARE(panel.stepAt(0), qint64(12));
    QCOMPARE(panel.sampleCount(1), 2);
    QCOMPARE(panel.answerAt(1, 0), QStringLiteral("a6"));
    QCOMPARE(panel.promptAt(1, 1), QStringLiteral("second"));

    // A run with prompts: the window's Samples dock fills as it trains; a kept best checkpoint can be exported.
    auto w = makeWindow();
    l1ra::RunConfig config = fixtureConfig(12, 5);
    config.samples.prompts = {"Say hello.", "Name a colour, then a fruit."};
    config.samples.every = 6;
    config.samples.maxNewTokens = 4;
    config.eval.every = 4;
    config.checkpoint.keepBest = true;
    w->runConfigForm()->setConfig(config);
    QSignalSpy samples(w->controller(), &TrainingController::sampleReceived);
    QSignalSpy finished(w->controller(), &TrainingController::finished);
    w->actions().start->trigger();
    QVERIFY2(finished.wait(kWaitMs), qPrintable(prompts_.errors.join('\n')));
    QCOMPARE(w->controller()->state(), RunState::Finished);
    QCOMPARE(samples.count(), 4);   // two prompts at steps 6 and 12
    QCOMPARE(w->samplesPanel()->stepCount(), 2);
    QCOMPARE(w->samplesPanel()->stepAt(0), qint64(12));
    QCOMPARE(w->samplesPanel()->promptAt(0, 1), QStringLiteral("Name a colour, then a fruit."));
    QVERIFY(w->logPane()->plainText().contains(QStringLiteral("sample at step 6 [1] Say hello. -> ")));
    QVERIFY(w->logPane()->plainText().contains(QStringLiteral("best validation loss at step")));

    const QString run = w->controller()->runDir();
    const l1ra::RunRecord record = l1ra::loadRunRecord(run.toStdString());
    QVERIFY(!record.bestCheckpoint.empty());
    QVERIFY(w->actions().exportFromBest->isEnabled());
    w->actions().exportFromBest->setChecked(true);
    QSignalSpy exported(w.get(), &MainWindow::exportFinished);
    const QString out = temp_.filePath(QStringLiteral("best-export"));
    prompts_.nextPath = out;
    w->setPrompts(prompts_.make());
    w->actions().exportAdapter->trigger();
    QVERIFY(exported.wait(kWaitMs));
    QVERIFY2(exported.last().at(0).toBool(), qPrintable(prompts_.errors.join('\n')));
    l1ra::ExportOptions best;
    best.checkpoint = record.bestCheckpoint;
    const QString reference = temp_.filePath(QStringLiteral("best-reference"));
    l1ra::exportPeftAdapter(run.toStdString(), reference.toStdString(), best);
    QFile a(out + QStringLiteral("/adapter_model.safetensors")), b(reference + QStringLiteral("/adapter_model.safetensors"));
    QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
    QVERIFY(a.readAll() == b.readAll());
    QVERIFY(w->logPane()->plainText().contains(QStringLiteral("from the best checkpoint")));
}

void MainWindowTest::aDivergentStepIsMarkedOnTheCurvesAndLogged() {
    auto w = makeWindow();
    l1ra::RunConfig config = fixtureConfig(8);
    config.train.onDivergence = "skip";
    l1ra::poisonGradientForTesting(2);   // step 3's first gradient becomes NaN
    w->runConfigForm()->setConfig(config);
    QSignalSpy divergences(w->controller(), &TrainingController::divergenceReceived);
    QSignalSpy finished(w->controller(), &TrainingController::finished);
    w->actions().start->trigger();
    const bool ended = finished.wait(kWaitMs);
    l1ra::poisonGradientForTesting(-1);
    QVERIFY(ended);
    QCOMPARE(w->controller()->state(), RunState::Finished);
    QCOMPARE(divergences.count(), 1);
    QCOMPARE(w->curves()->divergenceCount(), 1);
    QCOMPARE(w->curves()->markerCount(), 1);
    QCOMPARE(w->curves()->markerLabel(0), QStringLiteral("NaN: skipped"));
    const QString hover = w->curves()->describeStep(3);
    QVERIFY2(hover.contains(QStringLiteral("step 3: the gradient of model.layers.0.self_attn.q_proj.lora_A was not finite")), qPrintable(hover));
    QVERIFY(w->logPane()->plainText().contains(QStringLiteral("step 3 skipped")));
    QCOMPARE(w->curves()->lossPointCount(), 7);   // the skipped step has no loss
}

void MainWindowTest::closingWhileTrainingStopsCleanly() {
    auto w = makeWindow();
    startTraining(*w, fixtureConfig(100000));
    const QString dir = w->controller()->runDir();
    QVERIFY(!w->close());   // refused for now: the run stops first
    QCOMPARE(prompts_.confirmations.size(), 1);
    QVERIFY(w->isVisible());
    QCOMPARE(w->controller()->state(), RunState::Stopping);
    QTRY_VERIFY_WITH_TIMEOUT(!w->isVisible(), kWaitMs);   // closes itself once stopped
    QCOMPARE(w->controller()->state(), RunState::Stopped);
    const l1ra::RunRecord record = l1ra::loadRunRecord(dir.toStdString());
    QVERIFY(record.hasSummary);
    QCOMPARE(record.summary.state, RunState::Stopped);
    QCOMPARE(record.checkpoints.size(), std::size_t(1));
}

void MainWindowTest::demoHookPreloadsTheSetupPage() {
    QTemporaryDir demo;
    l1ra::RunConfig demoConfig = fixtureConfig(77);
    demoConfig.name = "demo";
    writeLines(demo.filePath(QStringLiteral("demo-run.json")), {l1ra::runConfigToJson(demoConfig)});
    l1ra::ui::LaunchOptions options;
    options.demoDir = demo.path();

    l1ra::ui::settings::setLastConfigJson({});
    {
        auto w = makeWindow();
        QCOMPARE(l1ra::ui::applyLaunchOptions(*w, options), QStringLiteral("demo"));
        QCOMPARE(w->runConfigForm()->config().train.steps, 77);
        QCOMPARE(w->runConfigForm()->config().name, std::string("demo"));
    }
    // A saved last config wins over the demo.
    l1ra::RunConfig last = fixtureConfig(33);
    l1ra::ui::settings::setLastConfigJson(QString::fromStdString(l1ra::runConfigToJson(last)));
    {
        auto w = makeWindow();
        QCOMPARE(l1ra::ui::applyLaunchOptions(*w, options), QStringLiteral("last"));
        QCOMPARE(w->runConfigForm()->config().train.steps, 33);
    }
    // --run-config wins over both.
    l1ra::RunConfig given = fixtureConfig(44);
    const QString path = demo.filePath(QStringLiteral("given.json"));
    writeLines(path, {l1ra::runConfigToJson(given)});
    options.runConfig = path;
    {
        auto w = makeWindow();
        QCOMPARE(l1ra::ui::applyLaunchOptions(*w, options), QStringLiteral("run-config"));
        QCOMPARE(w->runConfigForm()->config().train.steps, 44);
    }
    l1ra::ui::settings::setLastConfigJson({});
}

// Settings written by another build (a renamed key, a value out of range, a damaged file) must not stop the studio
// from starting: a warning in the log says what is wrong, and the setup page shows the defaults.
void MainWindowTest::anInvalidSavedRunConfigFallsBackToTheDefaults() {
    const QString defaults = QString::fromStdString(l1ra::runConfigToJson(l1ra::RunConfig{}));
    const struct {
        const char* saved;
        const char* reason;
    } cases[] = {{R"({"train": {"stepz": 5}})", "unknown key 'train.stepz'"},
                 {R"({"adapter": {"rank": -3}})", "adapter.rank"},
                 {"{ not json", "not valid JSON"}};
    for (const auto& c : cases) {
        l1ra::ui::settings::setLastConfigJson(QString::fromLatin1(c.saved));
        auto w = makeWindow();
        const int warningsBefore = w->logPane()->warningCount();
        QCOMPARE(l1ra::ui::applyLaunchOptions(*w, l1ra::ui::LaunchOptions{}), QStringLiteral("defaults"));
        QCOMPARE(w->logPane()->warningCount(), warningsBefore + 1);
        const QString warning = w->logPane()->entryText(w->logPane()->entryCount() - 1);
        QVERIFY2(warning.startsWith(QStringLiteral("the last run config could not be restored: the studio's saved settings: ")) &&
                     warning.contains(QLatin1String(c.reason)),
                 qPrintable(warning));
        QCOMPARE(QString::fromStdString(l1ra::runConfigToJson(w->runConfigForm()->config())), defaults);
        QCOMPARE(w->currentPage(), MainWindow::Page::Setup);
        QVERIFY(prompts_.errors.isEmpty());   // a warning, not an error dialog at start-up
    }
    l1ra::ui::settings::setLastConfigJson({});
}

void MainWindowTest::launchOptionsAreParsed() {
    qputenv("L1RA_DEMO_DIR", "/from/env");
    l1ra::ui::LaunchOptions o = l1ra::ui::parseLaunchOptions({QStringLiteral("l1ra-studio"), QStringLiteral("/runs/a"),
                                                               QStringLiteral("--run-config"), QStringLiteral("c.json")});
    QVERIFY(o.error.isEmpty());
    QCOMPARE(o.runFolder, QStringLiteral("/runs/a"));
    QCOMPARE(o.runConfig, QStringLiteral("c.json"));
    QCOMPARE(o.demoDir, QStringLiteral("/from/env"));
    o = l1ra::ui::parseLaunchOptions({QStringLiteral("l1ra-studio"), QStringLiteral("--demo-dir"), QStringLiteral("/d")});
    QCOMPARE(o.demoDir, QStringLiteral("/d"));
    qunsetenv("L1RA_DEMO_DIR");
    o = l1ra::ui::parseLaunchOptions({QStringLiteral("l1ra-studio")});
    QVERIFY(o.demoDir.endsWith(QStringLiteral("/demo")));
    o = l1ra::ui::parseLaunchOptions({QStringLiteral("l1ra-studio"), QStringLiteral("--no-such-option")});
    QVERIFY(!o.error.isEmpty());
}

void MainWindowTest::layoutAndRecentRunsPersist() {
    QSize size;
    {
        auto w = makeWindow();
        w->resize(1111, 777);
        size = w->size();   // the window's minimum may have widened it
        w->docks().at(2)->hide();   // the reallocations dock
        QVERIFY(w->close());
    }
    {
        auto w = makeWindow();
        QCOMPARE(w->size(), size);
        QVERIFY(w->docks().at(2)->isHidden());
        w->docks().at(2)->show();
        QVERIFY(w->close());
    }
    // Runs started in this suite went to the recent list (newest first).
    const QStringList recent = l1ra::ui::settings::recentRuns();
    QVERIFY(!recent.isEmpty());
    QVERIFY(recent.first().startsWith(temp_.filePath(QStringLiteral("runs"))) || recent.first().contains(QStringLiteral("exports")));
}

QTEST_MAIN(MainWindowTest)
#include "tst_ui_main_window.moc"
