// L1RA's live state in a training session: the prune threshold follows a live λ, a budget asked for live
// survives a stop (checkpointed) until a reallocation applies it, the reallocation window (warm-up, cool-down),
// churn figures in the events, and checkpoints of the previous format still resuming.
#include "l1ra/churn.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "test_support.h"
#include "training_test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

using namespace l1ra;
using nlohmann::json;
using test::fixtureRunConfig;
using test::Recorder;

namespace {

std::vector<ControlEvent> controlsOf(const Recorder& rec, ControlKind kind) {
    std::vector<ControlEvent> out;
    for (const auto& e : rec.controls)
        if (e.kind == kind) out.push_back(e);
    return out;
}

const ReallocationEvent* reallocationAt(const std::vector<ReallocationEvent>& list, int64_t step) {
    for (const auto& r : list)
        if (r.step == step) return &r;
    return nullptr;
}

}  // namespace

class TestL1raSession : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int counter_ = 0;
    std::string newRunDir() { return tmp_.filePath(QString("run%1").arg(counter_++)).toStdString(); }

private Q_SLOTS:
    void thePruneThresholdFollowsALiveLambda() {
        // lr 0: A and B never move, B stays 0, so gates get no gradient and only shrink, by eta_c·λ a step.
        RunConfig c = fixtureRunConfig(40);
        c.train.lr = 0;
        c.l1ra.etaC = 0.1;
        c.l1ra.lambda = 0.01;
        c.l1ra.updateInterval = 11;
        Recorder rec;
        TrainingSession session(c, newRunDir(), &rec);
        rec.onEachStep = [&](const StepEvent& e) {
            if (e.step == 12) session.setLambda(0.9);   // from step 13
        };
        QVERIFY(session.run().state == RunState::Finished);
        const double before = 0.1 * 0.01 + 1e-6, after = 0.1 * 0.9 + 1e-6;
        for (const auto& s : rec.steps) QCOMPARE(s.threshold, s.step <= 12 ? before : after);
        const ReallocationEvent* first = reallocationAt(rec.reallocations, 11);
        const ReallocationEvent* second = reallocationAt(rec.reallocations, 22);
        QVERIFY(first && second);
        QCOMPARE(first->threshold, before);
        QCOMPARE(first->pruned, 0);
        QCOMPARE(first->after.threshold, before);
        // Gates shrank at the new rate: 1 − 12 · 0.001 − 10 · 0.09 = 0.088, under the new threshold (0.09) and far
        // above the old one (0.001): every adapter keeps one rank (its gate 0.088) and frees three.
        QCOMPARE(second->threshold, after);
        QCOMPARE(second->lambda, 0.9);
        QCOMPARE(second->pruned, 14 * 3);
        double smallest = 1;
        for (std::size_t i = 0; i < second->after.gateMin.size(); ++i)
            if (second->after.targeted[i]) smallest = std::min(smallest, second->after.gateMin[i]);
        QVERIFY2(std::abs(smallest - 0.088) < 1e-4, qPrintable(QString::number(smallest)));
        QCOMPARE(second->after.threshold, after);
        const auto lambdas = controlsOf(rec, ControlKind::Lambda);
        QCOMPARE(lambdas.size(), std::size_t(1));
        QVERIFY2(lambdas[0].detail.find("prune threshold 0.090001") != std::string::npos, lambdas[0].detail.c_str());
    }

    void aLiveBudgetSurvivesAStopUntilItIsApplied() {
        RunConfig c = fixtureRunConfig(40);
        c.l1ra.lambda = 0.01;
        const std::string dir = newRunDir();
        {
            Recorder rec;
            TrainingSession session(c, dir, &rec);
            rec.onEachStep = [&](const StepEvent& e) {
                if (e.step == 12) session.setBudget(66);   // for the reallocation after step 20
                if (e.step == 15) session.stop();
            };
            QVERIFY(session.run().state == RunState::Stopped);
            const auto requests = controlsOf(rec, ControlKind::BudgetRequest);
            QCOMPARE(requests.size(), std::size_t(1));
            QCOMPARE(requests[0].step, int64_t(12));
            QCOMPARE(requests[0].value, 66.0);
            QCOMPARE(requests[0].detail, std::string("applies at the reallocation after step 20"));
            QVERIFY(controlsOf(rec, ControlKind::Budget).empty());
        }
        const json state = json::parse(test::readFile(dir + "/checkpoints/step-00000015/state.json"));
        QCOMPARE(state.at("pending_budget").get<int>(), 66);
        QCOMPARE(state.at("budget").get<int>(), 56);
        Recorder rec;
        auto resumed = TrainingSession::resume(dir, &rec);
        QVERIFY(resumed->run().state == RunState::Finished);
        QVERIFY(std::any_of(rec.logs.begin(), rec.logs.end(), [](const std::string& l) { return l.find("budget of 66") != std::string::npos; }));
        const ReallocationEvent* applied = reallocationAt(rec.reallocations, 20);
        QVERIFY(applied);
        QCOMPARE(applied->budget, 66);
        QVERIFY(applied->budgetChanged);
        const auto budgets = controlsOf(rec, ControlKind::Budget);
        QCOMPARE(budgets.size(), std::size_t(1));
        QCOMPARE(budgets[0].step, int64_t(20));
        QCOMPARE(rec.steps.back().totalRank, 66);
        // The run folder's events hold the request and its application.
        const RunRecord record = loadRunRecord(dir);
        QVERIFY(std::any_of(record.controls.begin(), record.controls.end(), [](const ControlEvent& e) { return e.kind == l1ra::ControlKind::BudgetRequest && e.value == 66; }));
    }

    void reallocationsOnlyBetweenWarmupAndCooldown() {
        RunConfig c = fixtureRunConfig(40);
        c.l1ra.updateInterval = 5;
        c.l1ra.warmupShare = 0.25;    // not before step 10
        c.l1ra.cooldownShare = 0.25;  // none after step 30
        Recorder rec;
        TrainingSession session(c, newRunDir(), &rec);
        rec.onEachStep = [&](const StepEvent& e) {
            if (e.step == 33) session.setBudget(60);
        };
        QVERIFY(session.run().state == RunState::Finished);
        std::vector<int64_t> steps;
        for (const auto& r : rec.reallocations) steps.push_back(r.step);
        QCOMPARE(steps, (std::vector<int64_t>{10, 15, 20, 25, 30}));
        // With no reallocation left the shrink stops (l1ra.cooldown_shrink off).
        for (const auto& s : rec.steps) QCOMPARE(s.lambda, s.step <= 30 ? 0.5 : 0.0);
        const auto requests = controlsOf(rec, ControlKind::BudgetRequest);
        QCOMPARE(requests.size(), std::size_t(1));
        QVERIFY2(requests[0].detail.find("will not apply") != std::string::npos, requests[0].detail.c_str());
        QVERIFY(std::any_of(rec.logs.begin(), rec.logs.end(), [](const std::string& l) { return l.find("was not applied") != std::string::npos; }));
    }

    void churnIsRecordedWithEveryReallocation() {
        RunConfig c = fixtureRunConfig(80);
        c.l1ra.updateInterval = 5;
        const std::string dir = newRunDir();
        TrainingSession(c, dir).run();
        const RunRecord r = loadRunRecord(dir);
        QCOMPARE(r.reallocations.size(), std::size_t(15));
        int added = 0, pingPong = 0;
        for (const auto& e : r.reallocations) {
            QVERIFY(e.hasRankAges);
            int withAges = 0;
            for (const auto& m : e.moves) {
                QCOMPARE(int(m.prunedBorn.size()), m.pruned);
                for (int64_t born : m.prunedBorn) {
                    QVERIFY(born == 0 || (born % 5 == 0 && born < e.step));
                    withAges += born > 0 && e.step - born <= 10;
                }
            }
            QCOMPARE(e.pingPong, withAges);
            QCOMPARE(e.pingPong, pingPongCount(e, 5));
            added += e.added;
            pingPong += e.pingPong;
        }
        const ChurnSummary s = summarizeChurn(r.reallocations, 5, 80);
        QVERIFY(s.agesKnown);
        QCOMPARE(s.moved, added);
        QCOMPARE(s.pingPong, pingPong);
        QVERIFY(s.moved > 0 && s.pingPongEligible <= s.moved);
        qInfo("moved %d, ping-pong %d of %d, median age %.0f", s.moved, s.pingPong, s.pingPongEligible, s.prunedAgeMedian);
    }

    void aCheckpointOfTheFirstFormatStillResumes() {
        RunConfig c = fixtureRunConfig(30);
        c.l1ra.updateInterval = 5;
        const std::string whole = newRunDir(), split = newRunDir();
        TrainingSession(c, whole).run();
        {
            Recorder rec;
            TrainingSession s(c, split, &rec);
            rec.onEachStep = [&](const StepEvent& e) {
                if (e.step == 12) s.stop();
            };
            QVERIFY(s.run().state == RunState::Stopped);
        }
        // Rewrite the checkpoint as format 1 wrote it: no pending budget, no creation steps.
        const std::string statePath = split + "/checkpoints/step-00000012/state.json";
        json state = json::parse(test::readFile(statePath));
        state["format_version"] = 1;
        state.erase("pending_budget");
        for (auto& a : state["adapters"]) a.erase("born");
        test::writeFile(statePath, state.dump(2));
        const RunSummary s = TrainingSession::resume(split)->run();
        QVERIFY2(s.state == RunState::Finished, s.error.c_str());
        // Training continues exactly; only the ages of ranks created before the stop are unknown (counted from 0).
        auto metrics = [](const std::string& dir) {
            json out = json::array();
            std::istringstream in(test::readFile(dir + "/metrics.jsonl"));
            std::string line;
            while (std::getline(in, line)) {
                json j = json::parse(line);
                out.push_back(j.contains("val_loss") ? j["val_loss"] : j["loss"]);
            }
            return out;
        };
        QCOMPARE(metrics(split), metrics(whole));

        state["format_version"] = 3;
        test::writeFile(statePath, state.dump(2));
        std::filesystem::remove_all(split + "/checkpoints/step-00000030");
        const RunSummary newer = TrainingSession::resume(split)->run();
        QVERIFY(newer.state == RunState::Failed);
        QVERIFY2(newer.error.find("state.json: checkpoint format 3") != std::string::npos, newer.error.c_str());
    }

    void loraFilesCarryNoThreshold() {
        RunConfig c = fixtureRunConfig(12);
        c.method = l1ra::Method::LoRA;
        const std::string dir = newRunDir();
        TrainingSession(c, dir).run();
        for (const char* name : {"/metrics.jsonl", "/ranks.jsonl"})
            QVERIFY(test::readFile(dir + name).find("threshold") == std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestL1raSession)
#include "tst_l1ra_session.moc"
