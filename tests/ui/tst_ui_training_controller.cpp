// TrainingController with the real engine on the fixture model: the state machine (idle, preparing, running,
// paused, stopping, stopped / finished / failed), live λ and budget changes coming back as applied, resuming a
// stopped run, and a controller destroyed mid-run stopping it cleanly.
#include "studio_test_support.h"
#include "live/training_controller.h"

#include "l1ra/run_record.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using l1ra::RunState;
using l1ra::ui::TrainingController;
using namespace l1ra::ui::test;

namespace {

constexpr int kWaitMs = 120000;   // generous: the machine may be busy; QTRY returns as soon as it holds

// The distinct states a controller went through, in order.
QList<RunState> statesSeen(const QSignalSpy& spy) {
    QList<RunState> states;
    for (const QList<QVariant>& args : spy) {
        const RunState s = args.at(0).value<RunState>();
        if (states.isEmpty() || states.last() != s) states << s;
    }
    return states;
}

}  // namespace

class TrainingControllerTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void startsIdle();
    void pauseResumeStop();
    void finishesAndStartsAgain();
    void missingDataFileFails();
    void invalidConfigFailsAtStart();
    void lambdaAndBudgetComeBackApplied();
    void resumesAStoppedRun();
    void destroyingStopsTheRunCleanly();

private:
    QString runDir(const QString& name) const { return temp_.filePath(name); }
    QTemporaryDir temp_;
};

void TrainingControllerTest::initTestCase() { QVERIFY(temp_.isValid()); }

void TrainingControllerTest::startsIdle() {
    TrainingController controller;
    QCOMPARE(controller.state(), RunState::Idle);
    QVERIFY(!controller.isActive());
    QVERIFY(!controller.canPause());
    QVERIFY(!controller.canStop());
    QVERIFY(!controller.setLambda(0.1));   // nothing to send it to
}

void TrainingControllerTest::pauseResumeStop() {
    TrainingController controller;
    QSignalSpy states(&controller, &TrainingController::stateChanged);
    QSignalSpy steps(&controller, &TrainingController::stepReceived);
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy controls(&controller, &TrainingController::controlApplied);
    const QString dir = runDir(QStringLiteral("pause-resume-stop"));

    QVERIFY(controller.start(fixtureConfig(5000), dir));
    QCOMPARE(controller.state(), RunState::Preparing);
    QVERIFY(controller.isActive());
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 2, kWaitMs);
    QCOMPARE(controller.state(), RunState::Running);

    controller.pause();
    QVERIFY(controller.isPauseRequested());
    QVERIFY(!controller.canPause());
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunState::Paused, kWaitMs);
    QVERIFY(controller.canResume());
    QVERIFY(controller.canCheckpoint());
    const int64_t pausedAt = controller.lastStep().step;

    controller.resume();
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunState::Running, kWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(controller.lastStep().step > pausedAt, kWaitMs);

    controller.stop();
    QCOMPARE(controller.state(), RunState::Stopping);   // at once: the user sees the stop was taken
    QVERIFY(!controller.canStop());
    QVERIFY(finished.wait(kWaitMs) || finished.count() == 1);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(controller.state(), RunState::Stopped);
    QVERIFY(!controller.isActive());

    const QList<RunState> expected{RunState::Preparing, RunState::Running, RunState::Paused, RunState::Running, RunState::Stopping,
                                   RunState::Stopped};
    QCOMPARE(statesSeen(states), expected);
    const auto summary = finished.at(0).at(0).value<l1ra::RunSummary>();
    QCOMPARE(summary.state, RunState::Stopped);
    QVERIFY(summary.steps > pausedAt);
    QVERIFY(summary.steps < 5000);

    QStringList controlNames;
    for (const QList<QVariant>& args : controls) controlNames << QLatin1String(l1ra::controlKindName(args.at(0).value<l1ra::ControlEvent>().kind));
    QCOMPARE(controlNames, (QStringList{QStringLiteral("pause"), QStringLiteral("resume"), QStringLiteral("stop")}));

    // The stop checkpointed: the run can be resumed.
    const l1ra::RunRecord record = l1ra::loadRunRecord(dir.toStdString());
    QCOMPARE(record.checkpoints.size(), std::size_t(1));
    QVERIFY(record.hasSummary);
    QCOMPARE(record.summary.state, RunState::Stopped);
}

void TrainingControllerTest::finishesAndStartsAgain() {
    TrainingController controller;
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy snapshots(&controller, &TrainingController::snapshotReceived);
    QSignalSpy reallocations(&controller, &TrainingController::reallocationReceived);
    QSignalSpy checkpoints(&controller, &TrainingController::checkpointSaved);
    QSignalSpy logs(&controller, &TrainingController::logReceived);

    QVERIFY(controller.start(fixtureConfig(12, 5), runDir(QStringLiteral("finish-1"))));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(controller.state(), RunState::Finished);
    QCOMPARE(controller.lastSummary().steps, int64_t(12));
    QCOMPARE(controller.lastStep().step, int64_t(12));
    QCOMPARE(controller.lastStep().totalSteps, int64_t(12));
    // Start, two reallocations (steps 5 and 10), the end.
    QCOMPARE(snapshots.count(), 4);
    QCOMPARE(reallocations.count(), 2);
    QCOMPARE(checkpoints.count(), 1);
    QVERIFY(logs.count() >= 2);
    QVERIFY(!controller.deviceDescription().isEmpty());

    // Ended is ready: the next run starts from here.
    QVERIFY(controller.start(fixtureConfig(3, 5), runDir(QStringLiteral("finish-2"))));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.count(), 2);
    QCOMPARE(controller.state(), RunState::Finished);
    QCOMPARE(controller.runDir(), runDir(QStringLiteral("finish-2")));
    QCOMPARE(controller.lastSummary().steps, int64_t(3));
}

void TrainingControllerTest::missingDataFileFails() {
    TrainingController controller;
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy states(&controller, &TrainingController::stateChanged);
    l1ra::RunConfig config = fixtureConfig(10);
    const QString missing = temp_.filePath(QStringLiteral("no-such-data.txt"));
    config.data.train = missing.toStdString();
    QVERIFY(controller.start(config, runDir(QStringLiteral("missing-data"))));   // found out while preparing
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(controller.state(), RunState::Failed);
    QVERIFY2(controller.lastError().contains(missing), qPrintable(controller.lastError()));
    const auto summary = finished.at(0).at(0).value<l1ra::RunSummary>();
    QCOMPARE(summary.state, RunState::Failed);
    QVERIFY(QString::fromStdString(summary.error).contains(missing));
    QCOMPARE(statesSeen(states), (QList<RunState>{RunState::Preparing, RunState::Failed}));
    QVERIFY(!controller.isActive());
}

void TrainingControllerTest::invalidConfigFailsAtStart() {
    TrainingController controller;
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy logs(&controller, &TrainingController::logReceived);
    l1ra::RunConfig config = fixtureConfig(10);
    config.model.path.clear();
    QVERIFY(!controller.start(config, runDir(QStringLiteral("no-model"))));
    QCOMPARE(controller.state(), RunState::Failed);
    QVERIFY2(controller.lastError().contains(QStringLiteral("model")), qPrintable(controller.lastError()));
    QCOMPARE(finished.count(), 1);
    QCOMPARE(logs.count(), 1);
    QCOMPARE(logs.at(0).at(0).value<l1ra::LogEvent>().level, l1ra::LogEvent::Level::Error);

    // A folder that is taken is refused the same way.
    const QString taken = runDir(QStringLiteral("taken"));
    QDir().mkpath(taken);
    QFile(taken + QStringLiteral("/something")).open(QIODevice::WriteOnly);
    QVERIFY(!controller.start(fixtureConfig(10), taken));
    QVERIFY2(controller.lastError().contains(QStringLiteral("already exists")), qPrintable(controller.lastError()));
}

void TrainingControllerTest::lambdaAndBudgetComeBackApplied() {
    TrainingController controller;
    QSignalSpy controls(&controller, &TrainingController::controlApplied);
    QSignalSpy snapshots(&controller, &TrainingController::snapshotReceived);
    QSignalSpy steps(&controller, &TrainingController::stepReceived);
    QSignalSpy finished(&controller, &TrainingController::finished);
    QVERIFY(controller.start(fixtureConfig(5000, 5), runDir(QStringLiteral("live-changes"))));
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 1, kWaitMs);

    QVERIFY(controller.setLambda(0.25));
    QVERIFY(controller.setBudget(50));   // the fixture starts with 2 layers x 7 adapters x rank 4 = 56
    const auto applied = [&](l1ra::ControlKind kind) {
        for (const QList<QVariant>& args : controls)
            if (args.at(0).value<l1ra::ControlEvent>().kind == kind) return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(applied(l1ra::ControlKind::Lambda) && applied(l1ra::ControlKind::Budget), kWaitMs);
    for (const QList<QVariant>& args : controls) {
        const auto c = args.at(0).value<l1ra::ControlEvent>();
        if (c.kind == l1ra::ControlKind::Lambda) QCOMPARE(c.value, 0.25);
        if (c.kind == l1ra::ControlKind::Budget) QCOMPARE(c.value, 50.0);
    }
    // The reallocation that applied the budget reports it in its snapshot, and steps use the new λ.
    QTRY_VERIFY_WITH_TIMEOUT(snapshots.last().at(0).value<l1ra::RankSnapshot>().budget == 50, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(controller.lastStep().lambda, 0.25, kWaitMs);
    QVERIFY(!controller.setLambda(-1));   // out of range: refused and logged, the run goes on
    QVERIFY(controller.isActive());
    controller.stop();
    QVERIFY(finished.wait(kWaitMs));
}

void TrainingControllerTest::resumesAStoppedRun() {
    TrainingController controller;
    QSignalSpy finished(&controller, &TrainingController::finished);
    QSignalSpy steps(&controller, &TrainingController::stepReceived);
    const QString dir = runDir(QStringLiteral("resume"));
    QVERIFY(controller.start(fixtureConfig(200, 5), dir));
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 2, kWaitMs);
    controller.stop();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(controller.state(), RunState::Stopped);
    const int64_t stoppedAt = controller.lastSummary().steps;
    if (stoppedAt >= 200) QSKIP("the run finished before the stop arrived");

    steps.clear();
    QVERIFY(controller.resumeRun(dir));
    QCOMPARE(controller.state(), RunState::Preparing);
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(controller.state(), RunState::Finished);
    QCOMPARE(controller.lastSummary().steps, int64_t(200));
    QVERIFY(!steps.isEmpty());
    QCOMPARE(steps.first().at(0).value<l1ra::StepEvent>().step, stoppedAt + 1);   // it continued, not restarted

    // A finished run has nothing to resume: refused while preparing, reported as Failed.
    QVERIFY(controller.resumeRun(dir));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(controller.state(), RunState::Failed);
    QVERIFY(!controller.lastError().isEmpty());
}

void TrainingControllerTest::destroyingStopsTheRunCleanly() {
    const QString dir = runDir(QStringLiteral("destroyed"));
    auto controller = std::make_unique<TrainingController>();
    QSignalSpy steps(controller.get(), &TrainingController::stepReceived);
    QVERIFY(controller->start(fixtureConfig(100000), dir));
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() >= 1, kWaitMs);
    controller.reset();   // stops (checkpoint) and joins
    const l1ra::RunRecord record = l1ra::loadRunRecord(dir.toStdString());
    QVERIFY(record.hasSummary);
    QCOMPARE(record.summary.state, RunState::Stopped);
    QCOMPARE(record.checkpoints.size(), std::size_t(1));
}

QTEST_MAIN(TrainingControllerTest)
#include "tst_ui_training_controller.moc"
