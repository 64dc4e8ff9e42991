// The GUI thread never waits on the engine: a watchdog (a precise heartbeat on the GUI thread, CPU run-queue
// waits excluded) sees a deliberately blocked GUI thread, and stays quiet while the studio runs the whole
// embedded demo (400 L1RA steps with reallocations, evaluations and checkpoints), with the pages switched, λ
// and the budget moved, and a checkpoint asked for during the run, then Try it on the result.
#include "studio_test_support.h"

#include "shell/gui_stall_watchdog.h"
#include "shell/launch_options.h"
#include "live/live_knobs.h"
#include "shell/main_window.h"
#include "live/samples_panel.h"
#include "shell/studio_actions.h"
#include "shell/studio_app.h"
#include "live/training_controller.h"
#include "shell/user_prompts.h"

#include "l1ra/demo.h"

#include <QAction>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

using l1ra::RunState;
using l1ra::ui::GuiStallWatchdog;
using l1ra::ui::MainWindow;
using l1ra::ui::TrainingController;
using namespace l1ra::ui::test;

class ResponsivenessTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void watchdogSeesABlockedGuiThread();
    void watchdogIgnoresAnIdleEventLoop();
    void wholeDemoRunNeverBlocksTheGuiThread();

private:
    QTemporaryDir temp_;
    l1ra::DemoFolder demo_;
};

void ResponsivenessTest::initTestCase() {
    QVERIFY(temp_.isValid());
    isolateSettings(temp_);
    qputenv("L1RA_RUNS_DIR", temp_.filePath(QStringLiteral("runs")).toUtf8());
    l1ra::ui::setApplicationNames();
    try {
        demo_ = l1ra::prepareDemo(temp_.filePath(QStringLiteral("demo")).toStdString());
    } catch (const std::exception& e) {
        QFAIL(e.what());
    }
}

void ResponsivenessTest::watchdogSeesABlockedGuiThread() {
    GuiStallWatchdog watchdog;
    QSignalSpy stalled(&watchdog, &GuiStallWatchdog::stalled);
    watchdog.start();
    QTimer::singleShot(60, [] { QThread::msleep(150); });   // sleeping: blocked, not waiting for a CPU
    QTest::qWait(400);
    watchdog.stop();
    QCOMPARE(watchdog.stalls().size(), 1);
    QCOMPARE(stalled.count(), 1);
    QVERIFY2(watchdog.longestBlockedMs() >= 120 && watchdog.longestBlockedMs() <= 400, qPrintable(watchdog.report()));
    QVERIFY(watchdog.heartbeats() > 10);
}

void ResponsivenessTest::watchdogIgnoresAnIdleEventLoop() {
    GuiStallWatchdog watchdog;
    watchdog.start();
    QTest::qWait(500);
    watchdog.stop();
    QVERIFY2(watchdog.stalls().isEmpty(), qPrintable(watchdog.report()));
    QVERIFY(watchdog.heartbeats() >= 20);
}

void ResponsivenessTest::wholeDemoRunNeverBlocksTheGuiThread() {
    MainWindow w;
    QStringList errors;
    l1ra::ui::UserPrompts prompts = w.prompts();
    prompts.confirm = [](QWidget*, const QString&, const QString&) { return true; };
    prompts.showError = [&errors](QWidget*, const QString&, const QString& message) { errors << message; };
    w.setPrompts(prompts);
    w.show();
    l1ra::ui::LaunchOptions options;
    options.demoDir = QString::fromStdString(demo_.dir);
    QCOMPARE(l1ra::ui::applyLaunchOptions(w, options), QStringLiteral("demo"));
    QVERIFY(QTest::qWaitForWindowExposed(&w));

    GuiStallWatchdog watchdog;
    QString lastEvent;
    QElapsedTimer sinceEvent;
    sinceEvent.start();
    auto note = [&](const QString& what) { lastEvent = what; sinceEvent.restart(); };
    connect(w.controller(), &TrainingController::evalReceived, this, [&] { note("eval"); });
    connect(w.controller(), &TrainingController::checkpointSaved, this, [&] { note("checkpoint"); });
    connect(w.controller(), &TrainingController::reallocationReceived, this, [&] { note("realloc"); });
    connect(w.controller(), &TrainingController::snapshotReceived, this, [&] { note("snapshot"); });
    connect(w.controller(), &TrainingController::logReceived, this, [&](const l1ra::LogEvent& e) { note("log " + QString::fromStdString(e.text).left(60)); });
    connect(w.controller(), &TrainingController::controlApplied, this, [&] { note("control"); });
    connect(&watchdog, &GuiStallWatchdog::stalled, this, [&](qint64 ms) {
        qInfo("stall of %lld ms, %lld ms after the last event: %s", ms, sinceEvent.elapsed(), qPrintable(lastEvent));
    });
    watchdog.start();
    QSignalSpy reallocations(w.controller(), &TrainingController::reallocationReceived);
    QSignalSpy checkpoints(w.controller(), &TrainingController::checkpointSaved);
    QSignalSpy controls(w.controller(), &TrainingController::controlApplied);
    w.actions().start->trigger();
    QVERIFY2(w.controller()->isActive(), qPrintable(errors.join('\n') + w.controller()->lastError()));

    // What a user does while it trains: look at every page, move λ and the budget, ask for a checkpoint.
    QTRY_VERIFY_WITH_TIMEOUT(reallocations.count() >= 2 || !w.controller()->isActive(), 120000);
    for (MainWindow::Page page : {MainWindow::Page::Runs, MainWindow::Page::Compare, MainWindow::Page::TryIt,
                                  MainWindow::Page::Setup, MainWindow::Page::Training}) {
        w.showPage(page);
        QTest::qWait(150);
    }
    const double lambda = w.controller()->config().l1ra.lambda;
    QVERIFY(w.controller()->setLambda(lambda * 0.5));
    QVERIFY(w.controller()->setBudget(w.controller()->config().adapter.rank * 7 * 4 - 8));
    w.actions().checkpoint->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(w.controller()->state(), RunState::Finished, 600000);
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join('\n')));
    QVERIFY(controls.count() >= 2);
    QVERIFY(checkpoints.count() >= 1);
    // The demo's questions were answered as it trained (Samples tab), and its best checkpoint can be exported.
    const l1ra::RunConfig& demoRun = w.controller()->config();
    QCOMPARE(w.samplesPanel()->stepCount(), demoRun.train.steps / demoRun.samples.every);
    QCOMPARE(w.samplesPanel()->stepAt(0), qint64(demoRun.train.steps));
    QCOMPARE(w.samplesPanel()->sampleCount(0), int(demoRun.samples.prompts.size()));
    QVERIFY(!w.samplesPanel()->answerAt(0, 0).isEmpty());
    QVERIFY(w.actions().exportFromBest->isEnabled());

    // Try it on the finished run: generation streams from its worker.
    w.showPage(MainWindow::Page::TryIt);
    QTest::qWait(500);
    watchdog.stop();
    qInfo("%lld heartbeats, longest gap beyond the heartbeat %lld ms, %d reallocations", watchdog.heartbeats(),
          watchdog.longestBlockedMs(), int(reallocations.count()));
    QVERIFY2(watchdog.stalls().isEmpty(), qPrintable(watchdog.report()));
    QVERIFY(watchdog.heartbeats() > 100);
}

QTEST_MAIN(ResponsivenessTest)
#include "tst_ui_responsiveness.moc"
