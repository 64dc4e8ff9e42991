// The GUI thread never waits on the engine: a watchdog (a precise heartbeat on the GUI thread, event-loop and
// CPU run-queue waits excluded) sees a deliberately blocked GUI thread, is not fooled by a process that stands
// still while it waits for events (a virtual machine's host waking its vCPU late), and stays quiet while the
// studio runs the whole embedded demo (400 L1RA steps with reallocations, evaluations and checkpoints), with the
// pages switched, λ and the budget moved, and a checkpoint asked for during the run, then Try it on the result.
// Every wait here runs an event loop, as the studio's exec() does: QTest::qWait sleeps outside it, time the
// watchdog would rightly count as the GUI thread's own.
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
#include <QEventLoop>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <functional>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

using l1ra::RunState;
using l1ra::ui::GuiStallWatchdog;
using l1ra::ui::MainWindow;
using l1ra::ui::TrainingController;
using namespace l1ra::ui::test;

namespace {

bool runEventLoopUntil(const std::function<bool()>& done, int timeoutMs) {
    if (done()) return true;
    QEventLoop loop;
    QTimer check;
    check.setInterval(20);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done()) loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    check.start();
    loop.exec();
    return done();
}

void runEventLoopFor(int ms) { runEventLoopUntil([] { return false; }, ms); }

// A helper process stops this one (SIGSTOP) after `afterMs`, for `forMs`, then continues it, while this one runs
// its event loop for `loopMs`; true when the stop happened. posix_spawn, not fork: a forked child would leave every
// page of this process copy-on-write, and the faults that follow slow the GUI thread down for seconds after.
bool standStillWhileWaiting(int afterMs, int forMs, int loopMs) {
    const QByteArray script = QStringLiteral("sleep %1; kill -STOP %2 || exit 1; sleep %3; kill -CONT %2")
                                  .arg(afterMs / 1000.0).arg(getpid()).arg(forMs / 1000.0).toLatin1();
    char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(script.constData()), nullptr};
    pid_t helper = 0;
    if (posix_spawn(&helper, "/bin/sh", nullptr, nullptr, argv, environ) != 0) return false;
    runEventLoopFor(loopMs);
    int status = 0;
    return waitpid(helper, &status, 0) == helper && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

class ResponsivenessTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void watchdogSeesABlockedGuiThread();
    void watchdogIgnoresAnIdleEventLoop();
    void watchdogIgnoresALateWakeUpFromTheEventWait();
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
    runEventLoopFor(400);
    watchdog.stop();
    QCOMPARE(watchdog.stalls().size(), 1);
    QCOMPARE(stalled.count(), 1);
    QVERIFY2(watchdog.longestBlockedMs() >= 120 && watchdog.longestBlockedMs() <= 400, qPrintable(watchdog.report()));
    QVERIFY(watchdog.heartbeats() > 10);
}

void ResponsivenessTest::watchdogIgnoresAnIdleEventLoop() {
    GuiStallWatchdog watchdog;
    watchdog.start();
    runEventLoopFor(500);
    watchdog.stop();
    QVERIFY2(watchdog.stalls().isEmpty(), qPrintable(watchdog.report()));
    QVERIFY(watchdog.heartbeats() >= 20);
}

void ResponsivenessTest::watchdogIgnoresALateWakeUpFromTheEventWait() {
    // The process stands still 150 ms while its GUI thread waits in the event loop for the next heartbeat: the
    // thread neither computes nor queues for a CPU, as when a host wakes an idle virtual CPU late. It was free to
    // take events, so this is no stall. The stop can land in the few microseconds the thread spends outside the
    // wait (then it is one, and counted); a few tries make that chance negligible, while a watchdog that counts
    // event-loop waits as blocked fails every one.
    GuiStallWatchdog probe;
    probe.start();
    probe.stop();
    if (!probe.seesEventLoopWaits()) QSKIP("the event loop is not glib's; there a late wake-up counts as a stall");
    QString reports;
    for (int attempt = 0; attempt < 3; ++attempt) {
        GuiStallWatchdog watchdog;
        watchdog.start();
        QVERIFY(standStillWhileWaiting(100, 150, 450));
        watchdog.stop();
        QVERIFY(watchdog.heartbeats() >= 20);
        if (watchdog.stalls().isEmpty()) return;
        reports += watchdog.report() + '\n';
    }
    QFAIL(qPrintable("a process stopped while the GUI thread waited for events counted as a stall:\n" + reports));
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
    QVERIFY(runEventLoopUntil([&] { return reallocations.count() >= 2 || !w.controller()->isActive(); }, 120000));
    for (MainWindow::Page page : {MainWindow::Page::Runs, MainWindow::Page::Compare, MainWindow::Page::TryIt,
                                  MainWindow::Page::Setup, MainWindow::Page::Training}) {
        w.showPage(page);
        runEventLoopFor(150);
    }
    const double lambda = w.controller()->config().l1ra.lambda;
    QVERIFY(w.controller()->setLambda(lambda * 0.5));
    QVERIFY(w.controller()->setBudget(w.controller()->config().adapter.rank * 7 * 4 - 8));
    w.actions().checkpoint->trigger();
    QVERIFY(runEventLoopUntil([&] { return w.controller()->state() == RunState::Finished; }, 270000));
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
    runEventLoopFor(500);
    watchdog.stop();
    qInfo("%lld heartbeats, longest block %lld ms, %d reallocations", watchdog.heartbeats(),
          watchdog.longestBlockedMs(), int(reallocations.count()));
    QVERIFY2(watchdog.stalls().isEmpty(), qPrintable(watchdog.report()));
    QVERIFY(watchdog.heartbeats() > 100);
}

QTEST_MAIN(ResponsivenessTest)
#include "tst_ui_responsiveness.moc"
