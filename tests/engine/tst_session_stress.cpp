// Steering a training session from other threads in random order — pause, resume, λ, budget, checkpoint-now,
// stop — many times, with stops landing inside a reallocation (from the reallocation event itself) and right
// behind a checkpoint request. Every run must end cleanly (stopped or finished, never failed or hung), leave a
// run folder that reads back (unless stopped while the model was loading: then nothing is written) with no step missing or repeated, and the last one must resume to its end.
// Meant for ThreadSanitizer too (the tsan preset): the commands cross threads while the engine trains.
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "test_support.h"
#include "training_test_support.h"

#include <QRandomGenerator>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace l1ra;

namespace {

// Stops the session from inside its n-th reallocation event (on the training thread), and follows the steps.
struct StopInReallocation : TrainingEventSink {
    TrainingSession* session = nullptr;
    int stopAtReallocation = 0;   // 0: never
    std::atomic<int> reallocations{0};
    std::atomic<int64_t> step{0};
    void onStep(const StepEvent& e) override { step = e.step; }
    void onReallocation(const ReallocationEvent&) override {
        if (++reallocations == stopAtReallocation) session->stop();
    }
};

void checkSteps(const RunRecord& record) {
    for (std::size_t i = 0; i < record.steps.size(); ++i) QCOMPARE(record.steps[i].step, int64_t(i + 1));
}

}  // namespace

class TestSessionStress : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    // One run steered by two threads issuing random commands; returns its run folder.
    std::string steeredRun(QRandomGenerator& random, int round) {
        const std::string dir = tmp_.filePath(QStringLiteral("run%1").arg(round)).toStdString();
        RunConfig config = test::fixtureRunConfig(30);
        config.l1ra.updateInterval = 5;
        config.checkpoint.every = 7;
        config.eval.every = 0;
        StopInReallocation sink;
        TrainingSession session(config, dir, &sink);
        sink.session = &session;
        // A third of the runs go to their end, a third are stopped inside a random reallocation, a third at a
        // random step, half of those right behind a checkpoint request.
        if (round % 3 == 1) sink.stopAtReallocation = 1 + int(random.bounded(5));
        const int64_t stopAtStep = round % 3 == 2 ? 1 + random.bounded(29) : 0;
        const bool checkpointFirst = random.bounded(2) == 1;

        RunSummary summary;
        std::atomic<bool> ended{false};
        std::thread trainer([&] {
            summary = session.run();
            ended = true;
        });
        std::atomic<bool> done{false};
        auto steer = [&](quint32 seed) {
            QRandomGenerator r(seed);
            while (!done) {
                switch (r.bounded(6)) {
                    case 0: session.pause(); break;
                    case 1: session.resume(); break;
                    case 2: session.setLambda(r.bounded(1.0)); break;
                    case 3: session.setBudget(28 + int(r.bounded(57))); break;   // 2..6 ranks per adapter on average
                    case 4: session.checkpointNow(); break;
                    default: session.resume(); break;                           // keep it moving more than paused
                }
                std::this_thread::sleep_for(std::chrono::microseconds(r.bounded(3000)));
            }
        };
        std::thread a(steer, random.generate()), b(steer, random.generate());
        // The steerers pause it often: keep resuming it until it ends.
        bool stopped = false;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
        while (!ended && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            session.resume();
            if (stopAtStep && !stopped && sink.step >= stopAtStep) {
                if (checkpointFirst) session.checkpointNow();
                session.stop();
                stopped = true;
            }
        }
        done = true;
        a.join();
        b.join();
        session.resume();
        trainer.join();
        qInfo("round %d: %s after %lld steps, %d reallocations%s", round,
              summary.state == RunState::Finished ? "finished" : summary.state == RunState::Stopped ? "stopped" : "FAILED",
              static_cast<long long>(summary.steps), sink.reallocations.load(), summary.error.c_str());
        [&] { QVERIFY(summary.state == RunState::Stopped || summary.state == RunState::Finished); }();
        return dir;
    }

private Q_SLOTS:
    void commandsInRandomOrderFromTwoThreads() {
        const quint32 seed = qEnvironmentVariableIsSet("L1RA_STRESS_SEED") ? quint32(qEnvironmentVariableIntValue("L1RA_STRESS_SEED"))
                                                                           : QRandomGenerator::system()->generate();
        const int rounds = qEnvironmentVariableIsSet("L1RA_STRESS_ROUNDS") ? qEnvironmentVariableIntValue("L1RA_STRESS_ROUNDS") : 6;
        qInfo("stress seed %u, %d rounds (L1RA_STRESS_SEED / L1RA_STRESS_ROUNDS repeat or lengthen it)", seed, rounds);
        QRandomGenerator random(seed);
        std::string last;
        for (int round = 0; round < rounds; ++round) {
            last = steeredRun(random, round);
            if (QTest::currentTestFailed()) return;
            if (!isRunFolder(last)) continue;   // stopped while loading the model: nothing was written, by design
            const RunRecord record = loadRunRecord(last);
            checkSteps(record);
            QVERIFY(!record.checkpoints.empty());   // a stop checkpoints; so does the end
            for (const auto& r : record.reallocations) QVERIFY2(r.after.total() <= r.budget, "more ranks than the budget");
        }
        // The last run (stopped at a random moment unless it had finished by then) resumes to its end.
        if (!isRunFolder(last) || loadRunRecord(last).summary.state == RunState::Finished) return;
        test::Recorder rec;
        auto resumed = TrainingSession::resume(last, &rec);
        QCOMPARE(resumed->run().state, RunState::Finished);
        const RunRecord done = loadRunRecord(last);
        QCOMPARE(done.steps.size(), std::size_t(30));
        checkSteps(done);
    }
};

QTEST_GUILESS_MAIN(TestSessionStress)
#include "tst_session_stress.moc"
