// A step whose loss or gradient is not finite: the run stops (default) naming the step and the tensor, with the
// last good checkpoint untouched; or, with train.on_divergence skip, the step makes no update, the learning rate
// drops by train.divergence_lr_factor and training goes on.
#include "train/checkpoint.h"
#include "train/divergence.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "io/safetensors.h"
#include "test_support.h"
#include "training_test_support.h"

#include <QtTest>

#include <cmath>
#include <filesystem>
#include <map>

using namespace l1ra;
using test::Recorder;

namespace {

// The bytes of every checkpoint as it was when written, by folder.
struct CheckpointBytes : Recorder {
    std::map<std::string, std::string> tensors, state;
    void onCheckpoint(const CheckpointEvent& e) override {
        tensors[e.path] = test::readFile(e.path + "/trainable.safetensors");
        state[e.path] = test::readFile(e.path + "/state.json");
    }
};

std::vector<float> allFloats(const std::string& file) {
    SafetensorsFile f(file);
    std::vector<float> out;
    for (const auto& [name, view] : f.tensors()) {
        const auto* v = reinterpret_cast<const float*>(view.data);
        out.insert(out.end(), v, v + view.numel());
    }
    return out;
}

bool allFinite(const std::vector<float>& values) {
    for (float v : values)
        if (!std::isfinite(v)) return false;
    return true;
}

}  // namespace

class TestDivergence : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int counter_ = 0;
    std::string newRunDir() { return tmp_.filePath(QString("run%1").arg(counter_++)).toStdString(); }

private Q_SLOTS:
    void cleanup() { poisonGradientForTesting(-1); }

    // A learning rate at the top of its range (10) does not make the fixture diverge: its loss saturates at ln(vocab)
    // with zero gradients. A NaN gradient is injected instead.
    void aNonFiniteGradientStopsTheRunAndKeepsTheLastCheckpoint() {
        RunConfig c = test::fixtureRunConfig(40);
        c.checkpoint.every = 4;
        c.checkpoint.keep = 1000;
        poisonGradientForTesting(8, "model.layers.1.self_attn.v_proj.lora_B");   // step 9, right after a checkpoint
        const std::string dir = newRunDir();
        CheckpointBytes rec;
        TrainingSession session(c, dir, &rec);
        const RunSummary summary = session.run();
        QCOMPARE(summary.state, RunState::Failed);
        qInfo("%s", summary.error.c_str());
        const RunRecord record = loadRunRecord(dir);
        QCOMPARE(record.divergences.size(), std::size_t(1));
        const DivergenceEvent& d = record.divergences.front();
        QCOMPARE(d.action, std::string("stop"));
        QCOMPARE(d.step, int64_t(9));
        QCOMPARE(d.tensor, std::string("model.layers.1.self_attn.v_proj.lora_B"));
        // The message names the step and the tensor; no step after the last good one was logged or saved.
        QVERIFY2(summary.error.find("diverged at step " + std::to_string(d.step)) != std::string::npos, summary.error.c_str());
        QVERIFY2(summary.error.find(d.tensor == "loss" ? "the loss" : "'" + d.tensor + "'") != std::string::npos, summary.error.c_str());
        QCOMPARE(summary.steps, d.step - 1);
        QCOMPARE(record.steps.back().step, d.step - 1);
        QCOMPARE(record.checkpoints.size(), std::size_t(2));
        // Every checkpoint is finite and byte-for-byte as written; the newest is the last good step's.
        const std::string last = record.checkpoints.back();
        QVERIFY2(last.find(checkpointFolderName(d.step - 1)) != std::string::npos, last.c_str());
        for (const std::string& path : record.checkpoints) {
            QVERIFY(rec.tensors.count(path) == 1);
            QVERIFY(test::readFile(path + "/trainable.safetensors") == rec.tensors[path]);
            QVERIFY(test::readFile(path + "/state.json") == rec.state[path]);
            QVERIFY(allFinite(allFloats(path + "/trainable.safetensors")));
        }
        QVERIFY2(summary.error.find(last) != std::string::npos, summary.error.c_str());

        // It loads: resumed with divergent steps skipped, the run gets to its end.
        Recorder resumed;
        auto again = TrainingSession::resume(dir, &resumed, {"train.on_divergence=skip", "train.divergence_max_skips=100"});
        const RunSummary end = again->run();
        QVERIFY2(end.state == RunState::Finished, end.error.c_str());
        const RunRecord after = loadRunRecord(dir);   // resuming cut the lines back to the checkpoint, the stop's too
        QVERIFY(!after.divergences.empty());
        QCOMPARE(after.divergences.front().step, d.step);   // the same step diverges again, and is skipped this time
        QCOMPARE(after.divergences.front().action, std::string("skip"));
        QCOMPARE(after.steps.back().step, int64_t(40));
        QVERIFY(allFinite(allFloats(after.checkpoints.back() + "/trainable.safetensors")));
    }

    void anInjectedNaNIsSkippedAndLowersTheLearningRate() {
        RunConfig c = test::fixtureRunConfig(16);
        c.train.onDivergence = "skip";
        c.train.divergenceLrFactor = 0.25;
        c.checkpoint.every = 1;
        c.checkpoint.keep = 1000;
        const std::string plainDir = newRunDir(), dir = newRunDir();
        Recorder plain;
        QCOMPARE(TrainingSession(c, plainDir, &plain).run().state, RunState::Finished);

        poisonGradientForTesting(6);   // the 7th step: the first trainable's gradient becomes NaN
        Recorder rec;
        TrainingSession session(c, dir, &rec);
        const RunSummary summary = session.run();
        QVERIFY2(summary.state == RunState::Finished, summary.error.c_str());
        QCOMPARE(summary.steps, int64_t(16));

        const RunRecord record = loadRunRecord(dir);
        QCOMPARE(record.divergences.size(), std::size_t(1));
        const DivergenceEvent& d = record.divergences.front();
        QCOMPARE(d.step, int64_t(7));
        QCOMPARE(d.action, std::string("skip"));
        QCOMPARE(d.tensor, std::string("model.layers.0.self_attn.q_proj.lora_A"));
        QCOMPARE(d.lrScale, 0.25);
        QCOMPARE(d.consecutive, 1);
        // Step 7 has no step line; the steps before it are the plain run's, the ones after use a quarter of its rate.
        QCOMPARE(record.steps.size(), std::size_t(15));
        for (const StepEvent& s : record.steps) QVERIFY(s.step != 7);
        for (std::size_t i = 0; i < 6; ++i) QCOMPARE(rec.steps[i].loss, plain.steps[i].loss);
        for (std::size_t i = 6; i < rec.steps.size(); ++i) QCOMPARE(rec.steps[i].lr, 0.25 * plain.steps[i + 1].lr);
        bool warned = false;
        for (const std::string& line : rec.logs) warned = warned || line.find("step 7 skipped") != std::string::npos;
        QVERIFY(warned);

        // No update: the tensors and Adam moments after step 7 are those after step 6, gates included.
        const std::string six = dir + "/checkpoints/" + checkpointFolderName(6);
        const std::string seven = dir + "/checkpoints/" + checkpointFolderName(7);
        QVERIFY(test::readFile(six + "/trainable.safetensors") == test::readFile(seven + "/trainable.safetensors"));
        QVERIFY(test::readFile(seven + "/state.json").find("\"lr_scale\": 0.25") != std::string::npos);
        // Training went on to the end with finite adapters that moved after the skip.
        const std::string last = record.checkpoints.back();
        QVERIFY(last.find(checkpointFolderName(16)) != std::string::npos);
        QVERIFY(allFinite(allFloats(last + "/trainable.safetensors")));
        QVERIFY(test::readFile(last + "/trainable.safetensors") != test::readFile(seven + "/trainable.safetensors"));
    }

    void tooManySkipsInARowStop() {
        RunConfig c = test::fixtureRunConfig(12);
        c.train.onDivergence = "skip";
        c.train.divergenceMaxSkips = 2;
        const std::string dir = newRunDir();
        poisonGradientForTesting(3, "model.layers.1.mlp.down_proj.lora_B", 3);   // steps 4, 5 and 6
        const RunSummary summary = TrainingSession(c, dir).run();
        QCOMPARE(summary.state, RunState::Failed);
        const RunRecord record = loadRunRecord(dir);
        QCOMPARE(record.divergences.size(), std::size_t(3));
        QCOMPARE(record.divergences[0].action, std::string("skip"));
        QCOMPARE(record.divergences[1].action, std::string("skip"));
        QCOMPARE(record.divergences[1].lrScale, 0.25);
        QCOMPARE(record.divergences[2].action, std::string("stop"));
        QCOMPARE(record.divergences[2].step, int64_t(6));
        QCOMPARE(record.divergences[2].tensor, std::string("model.layers.1.mlp.down_proj.lora_B"));
        QVERIFY2(summary.error.find("after 2 skipped steps in a row") != std::string::npos, summary.error.c_str());
        QVERIFY2(summary.error.find("step 6") != std::string::npos, summary.error.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDivergence)
#include "tst_divergence.moc"
