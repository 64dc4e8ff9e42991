// Training sessions on the fixture model: loss falls, ranks move under a conserved budget, live controls take
// effect when they should, stop + resume equals an uninterrupted run, and LoRA/full modes behave.
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "test_support.h"
#include "training_test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

using namespace l1ra;
using nlohmann::json;

using test::fixtureRunConfig;
using test::meanLoss;
using test::Recorder;
using test::deterministicRecord;

class TestTraining : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int counter_ = 0;
    std::string newRunDir() { return tmp_.filePath(QString("run%1").arg(counter_++)).toStdString(); }

private Q_SLOTS:
    void l1raLossFallsAndRanksMoveUnderTheBudget() {
        Recorder rec;
        const std::string dir = newRunDir();
        TrainingSession session(test::fixtureRunConfig(120), dir, &rec);
        const RunSummary summary = session.run();
        QVERIFY2(summary.state == RunState::Finished, summary.error.c_str());
        QCOMPARE(rec.steps.size(), std::size_t(120));
        const double early = meanLoss(rec.steps, 0, 10), late = meanLoss(rec.steps, 110, 120);
        qInfo("loss %.3f -> %.3f", early, late);
        QVERIFY(late < early - 0.5);
        QVERIFY(rec.evals.size() >= 2 && rec.evals.back().loss < rec.evals.front().loss + 1e-9);

        // ranks.jsonl: a snapshot at start, one per reallocation (steps 10..110) and one at the end.
        const RunRecord record = loadRunRecord(dir);
        QCOMPARE(record.snapshots.size(), std::size_t(1 + 11 + 1));
        int moved = 0;
        for (const auto& s : record.snapshots) QCOMPARE(s.total(), 56);   // budget = 4 x 14 adapters, conserved
        for (std::size_t i = 1; i < record.snapshots.size(); ++i)
            if (record.snapshots[i].ranks != record.snapshots[i - 1].ranks) ++moved;
        qInfo("%d of %zu reallocations moved ranks", moved, record.reallocations.size());
        QVERIFY(moved >= 3);
        QCOMPARE(record.reallocations.size(), std::size_t(11));
        for (const auto& r : record.reallocations) {
            QCOMPARE(r.pruned, r.added);
            for (const auto& m : r.moves) QCOMPARE(m.after, m.before - m.pruned + m.added);
        }
        QVERIFY(record.hasSummary);
        QCOMPARE(record.summary.steps, int64_t(120));
        QCOMPARE(record.checkpoints.size(), std::size_t(1));
        // The run folder's config is the fully resolved one.
        QCOMPARE(record.config.train.steps, 120);
        QCOMPARE(record.config.model.path, test::fixtureModel());
    }

    void stopAndResumeEqualsAnUninterruptedRun() {
        RunConfig c = test::fixtureRunConfig(40);
        c.l1ra.updateInterval = 5;
        c.eval.every = 10;
        const std::string whole = newRunDir(), split = newRunDir();
        {
            TrainingSession s(c, whole);
            QVERIFY(s.run().state == RunState::Finished);
        }
        {
            Recorder rec;
            TrainingSession s(c, split, &rec);
            rec.onEachStep = [&](const StepEvent& e) {
                if (e.step == 17) s.stop();
            };
            const RunSummary summary = s.run();
            QVERIFY(summary.state == RunState::Stopped);
            QCOMPARE(summary.steps, int64_t(17));
        }
        {
            auto s = TrainingSession::resume(split);
            const RunSummary summary = s->run();
            QVERIFY2(summary.state == RunState::Finished, summary.error.c_str());
        }
        const std::string a = test::deterministicRecord(whole), b = test::deterministicRecord(split);
        QVERIFY(a.size() > 1000);
        if (a != b) {
            qWarning("uninterrupted:\n%s\nresumed:\n%s", a.c_str(), b.c_str());
            QFAIL("resumed run differs");
        }
    }

    void lambdaAndBudgetChangesApplyWhenTheyShould() {
        Recorder rec;
        RunConfig c = test::fixtureRunConfig(40);
        c.l1ra.lambda = 0.01;
        TrainingSession session(c, newRunDir(), &rec);
        rec.onEachStep = [&](const StepEvent& e) {
            if (e.step == 12) {
                session.setLambda(0.9);
                session.setBudget(66);   // +10, applied at the reallocation after step 20
            }
            if (e.step == 25) session.setBudget(40);   // lower: at step 30
        };
        QVERIFY(session.run().state == RunState::Finished);
        for (const auto& s : rec.steps) QCOMPARE(s.lambda, s.step <= 12 ? 0.01 : 0.9);
        const auto lambdaControl = std::find_if(rec.controls.begin(), rec.controls.end(), [](auto& e) { return e.kind == l1ra::ControlKind::Lambda; });
        QVERIFY(lambdaControl != rec.controls.end());
        QCOMPARE(lambdaControl->step, int64_t(13));
        QCOMPARE(lambdaControl->value, 0.9);
        std::vector<ControlEvent> budgets;
        for (const auto& e : rec.controls)
            if (e.kind == l1ra::ControlKind::Budget) budgets.push_back(e);
        QCOMPARE(budgets.size(), std::size_t(2));
        QCOMPARE(budgets[0].step, int64_t(20));
        QCOMPARE(budgets[0].value, 66.0);
        QCOMPARE(budgets[1].step, int64_t(30));
        for (const auto& r : rec.reallocations) {
            const int expected = r.step < 20 ? 56 : r.step < 30 ? 66 : 40;
            QCOMPARE(r.budget, expected);
            QCOMPARE(r.after.total(), expected);
            QCOMPARE(r.budgetChanged, r.step == 20 || r.step == 30);
        }
        QCOMPARE(rec.steps.back().totalRank, 40);
    }

    void stopBeforeTrainingWritesNothing() {
        Recorder rec;
        const std::string dir = newRunDir();
        TrainingSession session(test::fixtureRunConfig(10), dir, &rec);
        session.stop();
        const RunSummary s = session.run();
        QVERIFY(s.state == RunState::Stopped);
        QCOMPARE(s.steps, int64_t(0));
        QVERIFY(rec.steps.empty());
        QVERIFY(!std::filesystem::exists(dir));
    }

    void anUnchangedBudgetIsStillReportedAsApplied() {
        // A front end that asked for a budget waits for its ControlEvent, even when the value did not change.
        Recorder rec;
        TrainingSession session(test::fixtureRunConfig(12), newRunDir(), &rec);
        rec.onEachStep = [&](const StepEvent& e) {
            if (e.step == 3) session.setBudget(56);
        };
        QVERIFY(session.run().state == RunState::Finished);
        const auto it = std::find_if(rec.controls.begin(), rec.controls.end(), [](auto& e) { return e.kind == l1ra::ControlKind::Budget; });
        QVERIFY(it != rec.controls.end());
        QCOMPARE(it->step, int64_t(10));
        QCOMPARE(it->detail, std::string("unchanged"));
        QVERIFY(!rec.reallocations[0].budgetChanged);
    }

    void pauseBlocksTheWorkerUntilResumed() {
        Recorder rec;
        TrainingSession session(test::fixtureRunConfig(30), newRunDir(), &rec);
        rec.onEachStep = [&](const StepEvent& e) {
            if (e.step == 5) session.pause();
        };
        RunSummary summary;
        std::thread worker([&] { summary = session.run(); });
        auto paused = [&] {
            std::lock_guard<std::mutex> l(rec.mutex);
            return std::find(rec.states.begin(), rec.states.end(), RunState::Paused) != rec.states.end();
        };
        for (int i = 0; i < 500 && !paused(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        QVERIFY(paused());
        std::size_t seen;
        {
            std::lock_guard<std::mutex> l(rec.mutex);
            seen = rec.steps.size();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        {
            std::lock_guard<std::mutex> l(rec.mutex);
            QCOMPARE(rec.steps.size(), seen);   // nothing ran while paused
            QCOMPARE(seen, std::size_t(5));
        }
        session.checkpointNow();
        session.resume();
        worker.join();
        QVERIFY(summary.state == RunState::Finished);
        QCOMPARE(rec.steps.size(), std::size_t(30));
        bool checkpointed = false;
        for (const auto& e : rec.controls) checkpointed = checkpointed || (e.kind == l1ra::ControlKind::Checkpoint && e.step == 5);
        QVERIFY(checkpointed);
        const std::vector<RunState> expected = {RunState::Preparing, RunState::Running, RunState::Paused, RunState::Running, RunState::Finished};
        QCOMPARE(rec.states, expected);
    }

    void loraKeepsRanksAndGatesFixed() {
        Recorder rec;
        RunConfig c = test::fixtureRunConfig(30);
        c.method = l1ra::Method::LoRA;
        const std::string dir = newRunDir();
        TrainingSession session(c, dir, &rec);
        QVERIFY(session.run().state == RunState::Finished);
        QVERIFY(rec.reallocations.empty());
        for (const auto& s : rec.snapshots) {
            QCOMPARE(s.total(), 56);
            for (double g : s.gateMin) QCOMPARE(g, 1.0);
        }
        QVERIFY(meanLoss(rec.steps, 25, 30) < meanLoss(rec.steps, 0, 5));
        for (const auto& s : rec.steps) QCOMPARE(s.lambda, 0.0);
    }

    void fullFineTuningTrainsEveryWeight() {
        Recorder rec;
        RunConfig c = test::fixtureRunConfig(30);
        c.method = l1ra::Method::Full;
        c.train.lr = 3e-3;
        const std::string dir = newRunDir();
        TrainingSession session(c, dir, &rec);
        const RunSummary s = session.run();
        QVERIFY2(s.state == RunState::Finished, s.error.c_str());
        QVERIFY(meanLoss(rec.steps, 25, 30) < meanLoss(rec.steps, 0, 5) - 0.5);
        QVERIFY(s.trainableParameters > 100000);
        QVERIFY(rec.snapshots.empty());
    }

    void gradientAccumulationMatchesALargerBatch() {
        // 2 x 2 accumulated equals one batch of 4 (same samples, same normalisation), without dropout.
        RunConfig a = test::fixtureRunConfig(3), b = test::fixtureRunConfig(3);
        a.adapter.dropout = b.adapter.dropout = 0;
        a.train.batchSize = 4;
        b.train.batchSize = 2;
        b.train.gradAccum = 2;
        Recorder ra, rb;
        TrainingSession(a, newRunDir(), &ra).run();
        TrainingSession(b, newRunDir(), &rb).run();
        for (int i = 0; i < 3; ++i) {
            QVERIFY(std::abs(ra.steps[std::size_t(i)].loss - rb.steps[std::size_t(i)].loss) < 1e-5);
            QVERIFY(std::abs(ra.steps[std::size_t(i)].gradNorm - rb.steps[std::size_t(i)].gradNorm) < 1e-4);
        }
    }

    void badSetupsFailClearly() {
        RunConfig c = test::fixtureRunConfig(5);
        c.data.train = tmp_.filePath("missing.txt").toStdString();
        Recorder rec;
        TrainingSession s(c, newRunDir(), &rec);
        const RunSummary summary = s.run();
        QVERIFY(summary.state == RunState::Failed);
        QVERIFY2(summary.error.find("missing.txt") != std::string::npos, summary.error.c_str());
        QCOMPARE(rec.states.back(), RunState::Failed);

        const std::string used = newRunDir();
        TrainingSession(test::fixtureRunConfig(2), used).run();
        try {
            TrainingSession again(test::fixtureRunConfig(2), used);
            QFAIL("reused a non-empty run folder");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("not empty") != std::string::npos);
        }
        RunConfig tooSmall = test::fixtureRunConfig(2);
        tooSmall.l1ra.budget = 5;   // 14 adapters need at least 14
        const RunSummary small = TrainingSession(tooSmall, newRunDir()).run();
        QVERIFY(small.state == RunState::Failed);
        QVERIFY2(small.error.find("l1ra.budget") != std::string::npos, small.error.c_str());
        try {
            TrainingSession::resume(tmp_.filePath("nowhere").toStdString());
            QFAIL("resumed nothing");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("not a run folder") != std::string::npos);
        }
    }
};

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
