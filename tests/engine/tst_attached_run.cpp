// Following a run another process trains (AttachedRun): a headless data-parallel `l1ra train --nproc 2` is
// reported event for event as its run folder records it, steered (λ, budget, pause, resume, stop) through command
// files, and left to go on; a killed trainer ends the following with the way to resume; folders that cannot be
// followed are refused with the reason.
#include "l1ra/attached_run.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "io/host_name.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <filesystem>
#include <mutex>
#include <thread>

using namespace l1ra;

namespace {

// What a follower reported, as a front end would see it.
struct Seen : TrainingEventSink {
    std::mutex mutex;
    std::vector<StepEvent> steps;
    std::vector<EvalEvent> evals;
    std::vector<RankSnapshot> snapshots;
    std::vector<ReallocationEvent> reallocations;
    std::vector<ControlEvent> controls;
    std::vector<CheckpointEvent> checkpoints;
    std::vector<RunState> states;
    void onState(RunState s, const std::string&) override { std::lock_guard<std::mutex> l(mutex); states.push_back(s); }
    void onStep(const StepEvent& e) override { std::lock_guard<std::mutex> l(mutex); steps.push_back(e); }
    void onEval(const EvalEvent& e) override { std::lock_guard<std::mutex> l(mutex); evals.push_back(e); }
    void onSnapshot(const RankSnapshot& s) override { std::lock_guard<std::mutex> l(mutex); snapshots.push_back(s); }
    void onReallocation(const ReallocationEvent& e) override { std::lock_guard<std::mutex> l(mutex); reallocations.push_back(e); }
    void onControl(const ControlEvent& e) override { std::lock_guard<std::mutex> l(mutex); controls.push_back(e); }
    void onCheckpoint(const CheckpointEvent& e) override { std::lock_guard<std::mutex> l(mutex); checkpoints.push_back(e); }
    int64_t lastStep() { std::lock_guard<std::mutex> l(mutex); return steps.empty() ? 0 : steps.back().step; }
    RunState lastState() { std::lock_guard<std::mutex> l(mutex); return states.empty() ? RunState::Idle : states.back(); }
};

// A headless run of the tiny fixture that takes long enough to be followed (it is stopped or killed).
QProcess* startTrainer(const QString& out, int processes, QObject* parent) {
    QStringList args{QStringLiteral("train"), QStringLiteral("--out"), out};
    for (const std::string& s : {"model=" + test::fixtureModel(), "data.train=" + test::dataPath("tiny-text.txt"), std::string("train.steps=3000"),
                                 std::string("train.batch_size=2"), std::string("train.seq_len=64"), std::string("adapter.rank=4"),
                                 std::string("l1ra.eta_c=0.1"), std::string("l1ra.lambda=0.5"), std::string("l1ra.update_interval=5"),
                                 std::string("train.lr=0.01"), std::string("eval.every=10"), std::string("train.precision=f32"),
                                 std::string("checkpoint.every=10"), std::string("threads=1")})
        args << QStringLiteral("--set") << QString::fromStdString(s);
    if (processes > 1) args << QStringLiteral("--nproc") << QString::number(processes);
    auto* p = new QProcess(parent);
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p->setStandardOutputFile(QProcess::nullDevice());
    p->start(QStringLiteral(L1RA_BIN_DIR "/l1ra"), args);
    return p;
}

// The run folder exists (and a process trains it) once the model and data are loaded.
bool waitForFolder(const QString& run) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 120000) {
        if (std::filesystem::exists(run.toStdString() + "/process.json") && isRunFolder(run.toStdString())) return true;
        QThread::msleep(50);
    }
    return false;
}

template <class Condition>
bool waitFor(Condition done, int ms = 120000) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms) return false;
        QThread::msleep(20);
    }
    return true;
}

void expectRefused(const std::string& dir, const std::string& reason) {
    try {
        AttachedRun run(dir);
        QFAIL(qPrintable(QString::fromStdString("attached to " + dir + " (expected: " + reason + ")")));
    } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find(reason) != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find(dir) != std::string::npos, e.what());
    }
}

}  // namespace

class TestAttachedRun : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    // The studio's view of a headless data-parallel run: every step, rank snapshot, reallocation and control the
    // run folder ends with, in order; λ, budget, pause, resume and stop sent from the follower take effect.
    void aDataParallelRunIsFollowedAndSteered() {
        const QString dir = tmp_.filePath(QStringLiteral("dp"));
        QProcess* trainer = startTrainer(dir, 2, this);
        QVERIFY(trainer->waitForStarted());
        QVERIFY(waitForFolder(dir));
        QTest::qWait(1500);   // some steps before attaching: they are replayed
        Seen seen;
        AttachedRun attached(dir.toStdString(), &seen);
        QCOMPARE(attached.config().train.steps, 3000);
        QVERIFY(QString::fromStdString(attached.describeProcess()).contains(QString::fromStdString(hostName())));
        RunSummary summary;
        std::thread follower([&] { summary = attached.run(); });

        QVERIFY(waitFor([&] { return seen.lastStep() >= 12; }));
        attached.setLambda(0.125);
        attached.setBudget(60);
        QVERIFY(waitFor([&] {
            std::lock_guard<std::mutex> l(seen.mutex);
            return std::any_of(seen.controls.begin(), seen.controls.end(), [](const ControlEvent& c) { return c.kind == ControlKind::Budget && c.value == 60; });
        }));
        attached.pause();
        QVERIFY(waitFor([&] { return seen.lastState() == RunState::Paused; }));
        const int64_t pausedAt = seen.lastStep();
        QTest::qWait(1000);
        QCOMPARE(seen.lastStep(), pausedAt);   // held at the step boundary, both processes
        attached.resume();
        QVERIFY(waitFor([&] { return seen.lastState() == RunState::Running && seen.lastStep() >= pausedAt + 11; }));
        attached.stop();
        follower.join();
        QVERIFY(trainer->waitForFinished(60000));
        QCOMPARE(summary.state, RunState::Stopped);
        QCOMPARE(summary.worldSize, 2);
        QVERIFY(!std::filesystem::exists(dir.toStdString() + "/process.json"));   // removed with the summary

        // What was followed is what the run folder holds.
        const RunRecord record = loadRunRecord(dir.toStdString());
        QCOMPARE(seen.steps.size(), record.steps.size());
        for (std::size_t i = 0; i < record.steps.size(); ++i) {
            QCOMPARE(seen.steps[i].step, record.steps[i].step);
            QCOMPARE(seen.steps[i].loss, record.steps[i].loss);
        }
        QCOMPARE(seen.snapshots.size(), record.snapshots.size());
        QCOMPARE(seen.snapshots.back().ranks, record.snapshots.back().ranks);
        QCOMPARE(seen.snapshots.back().budget, 60);
        QCOMPARE(seen.reallocations.size(), record.reallocations.size());
        QVERIFY(record.reallocations.size() >= 3);
        for (std::size_t i = 0; i < record.reallocations.size(); ++i) {
            QCOMPARE(seen.reallocations[i].step, record.reallocations[i].step);
            QCOMPARE(seen.reallocations[i].after.ranks, record.reallocations[i].after.ranks);
        }
        QCOMPARE(seen.evals.size(), record.evals.size());
        QCOMPARE(seen.controls.size(), record.controls.size());
        std::vector<ControlKind> kinds;
        for (const ControlEvent& c : seen.controls) kinds.push_back(c.kind);
        for (ControlKind k : {ControlKind::Lambda, ControlKind::BudgetRequest, ControlKind::Budget, ControlKind::Pause, ControlKind::Resume, ControlKind::Stop})
            QVERIFY2(std::find(kinds.begin(), kinds.end(), k) != kinds.end(), controlKindName(k));
        QCOMPARE(record.steps.back().lambda, 0.125);
        QVERIFY(!seen.checkpoints.empty());   // written while followed (every 10 steps)
        QVERIFY(std::filesystem::exists(seen.checkpoints.back().path + "/state.json"));
    }

    // Leaving does not stop the run; a trainer killed while followed ends the following with how to resume.
    void leavingLetsTheRunGoOnAndAKillEndsTheFollowing() {
        const QString dir = tmp_.filePath(QStringLiteral("single"));
        QProcess* trainer = startTrainer(dir, 1, this);
        QVERIFY(trainer->waitForStarted());
        QVERIFY(waitForFolder(dir));
        {
            Seen seen;
            AttachedRun attached(dir.toStdString(), &seen);
            RunSummary summary;
            std::thread follower([&] { summary = attached.run(); });
            QVERIFY(waitFor([&] { return seen.lastStep() >= 3; }));
            attached.leave();
            follower.join();
            QCOMPARE(summary.state, RunState::Running);
            QVERIFY(summary.error.empty());
        }
        QTest::qWait(500);
        QCOMPARE(trainer->state(), QProcess::Running);

        Seen seen;
        AttachedRun attached(dir.toStdString(), &seen);
        RunSummary summary;
        std::thread follower([&] { summary = attached.run(); });
        QVERIFY(waitFor([&] { return seen.lastStep() >= 5; }));
        ::kill(pid_t(trainer->processId()), SIGKILL);
        QElapsedTimer t;
        t.start();
        follower.join();
        QVERIFY(t.elapsed() < 10000);
        QCOMPARE(summary.state, RunState::Failed);
        QVERIFY2(summary.error.find("ended without finishing") != std::string::npos, summary.error.c_str());
        QVERIFY2(summary.error.find("l1ra resume --run " + dir.toStdString()) != std::string::npos, summary.error.c_str());
        trainer->waitForFinished(10000);

        // The killed run is no longer attachable: its process is gone.
        expectRefused(dir.toStdString(), "is gone without finishing it");
    }

    void foldersThatCannotBeFollowedAreRefused() {
        const std::string empty = tmp_.filePath(QStringLiteral("empty")).toStdString();
        std::filesystem::create_directories(empty);
        expectRefused(empty, "not a run folder");

        // A finished run (the previous test's is killed; make one from it): it has a summary.
        const std::string run = tmp_.filePath(QStringLiteral("copy")).toStdString();
        std::filesystem::create_directories(run);
        test::writeFile(run + "/config.json", test::readFile(tmp_.filePath(QStringLiteral("single/config.json")).toStdString()));
        test::writeFile(run + "/metrics.jsonl", "");
        expectRefused(run, "no process trains this run (no process.json)");

        test::writeFile(run + "/process.json", "{\"pid\": 1073741824, \"host\": \"" + hostName() + "\"}");
        expectRefused(run, "is gone without finishing it");
        test::writeFile(run + "/process.json", "{\"pid\": \"12\"}");
        expectRefused(run, "process.json: not a training process record");

        test::writeFile(run + "/process.json", "{\"pid\": 1, \"host\": \"" + hostName() + "\"}");
        test::writeFile(run + "/summary.json", "{\"state\": \"finished\"}");
        expectRefused(run, "the run has ended");
    }
};

QTEST_GUILESS_MAIN(TestAttachedRun)
#include "tst_attached_run.moc"
