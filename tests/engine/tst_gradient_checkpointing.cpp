// Gradient checkpointing: a checkpointed step's loss and gradients are those of the recorded step (fp32 bit for
// bit, dropout masks replayed, with a dense or quantised base, LoRA, L1RA and full fine-tuning); the forward pass
// keeps far less; a whole run with it equals one without; an nf4 + checkpointed L1RA run that stops and resumes
// equals an uninterrupted one; and a step that runs out of memory stops the run with a checkpoint and advice.
#include "train/adapters.h"
#include "model/cpu_memory_meter.h"
#include "kernels/cross_entropy.h"
#include "l1ra/training_session.h"
#include "model/llama_model.h"
#include "model/precision.h"
#include "test_support.h"

#include <QtTest>

#include <torch/torch.h>

#include <filesystem>

using namespace l1ra;

namespace {

LlamaConfig smallConfig() {
    LlamaConfig c = test::smallLlamaConfig();
    c.numLayers = 3;
    return c;
}

struct Step {
    torch::Tensor loss;
    std::vector<torch::Tensor> grads;
};

// One training forward and backward pass of `model` with `adapters` (dropout on), or of the model's own weights.
Step trainingStep(LlamaModel& model, AdapterSet* adapters, bool checkpointing, torch::ScalarType autocast) {
    model.setGradientCheckpointing(checkpointing);
    torch::manual_seed(21);
    const auto ids = torch::randint(0, model.config().vocabSize, {3, 20}, torch::kInt64);
    const auto labels = torch::randint(0, model.config().vocabSize, {60}, torch::kInt64);
    std::vector<torch::Tensor> leaves;
    if (adapters) {
        adapters->setTraining(true);
        adapters->setDropoutStream(5, 7);
        for (TrainableTensor* t : adapters->trainables()) leaves.push_back(t->value);
    } else {
        for (auto& [name, t] : model.namedParameters()) leaves.push_back(t);
    }
    for (auto& t : leaves) t.mutable_grad() = torch::Tensor();
    Step s;
    {
        AutocastScope scope(autocast, torch::kCPU);
        const auto logits = model.forward(ids, nullptr, adapters);
        s.loss = kernels::crossEntropySum(logits.view({60, -1}), labels);
    }
    s.loss.backward();
    for (auto& t : leaves) s.grads.push_back(t.grad().defined() ? t.grad().clone() : torch::Tensor());
    return s;
}

void expectSame(const Step& a, const Step& b, const char* what) {
    QVERIFY2(torch::equal(a.loss, b.loss), what);
    QCOMPARE(a.grads.size(), b.grads.size());
    int defined = 0;
    for (std::size_t i = 0; i < a.grads.size(); ++i) {
        QCOMPARE(a.grads[i].defined(), b.grads[i].defined());
        if (!a.grads[i].defined()) continue;
        ++defined;
        QVERIFY2(torch::equal(a.grads[i], b.grads[i]), qPrintable(QStringLiteral("%1: gradient %2 differs").arg(what).arg(i)));
    }
    QVERIFY(defined > 0);
}

AdapterSpec spec(bool gated, std::vector<std::string> targets) {
    AdapterSpec s;
    s.rank = 4;
    s.alpha = 8;
    s.dropout = 0.1;
    s.gated = gated;
    s.targets = std::move(targets);
    return s;
}

// The fixture run quantised to nf4 and checkpointed, reallocating every 4 steps.
RunConfig fixtureRunConfig(int steps) {
    RunConfig c = test::fixtureRunConfig(steps);
    c.l1ra.updateInterval = 4;
    c.eval.every = 6;
    c.model.baseDtype = "nf4";
    c.train.gradientCheckpointing = true;
    return c;
}

struct StopAt : TrainingEventSink {
    TrainingSession* session = nullptr;
    int64_t step = 0;
    void onStep(const StepEvent& e) override {
        if (e.step == step) session->stop();
    }
};

}  // namespace

class TestGradientCheckpointing : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void checkpointedGradientsEqualRecordedOnes() {
        const LlamaConfig c = smallConfig();
        const std::vector<std::string> all = projectionNames(), some = {"q_proj", "down_proj"};
        struct Case {
            const char* what;
            const char* base;
            bool gated;
            std::vector<std::string> targets;
            torch::ScalarType autocast;
        };
        const Case cases[] = {{"L1RA, dense f32", "bf16", true, all, torch::kFloat32},
                              {"L1RA, nf4 f32", "nf4", true, all, torch::kFloat32},
                              {"LoRA on q and down, int8 f32", "int8", false, some, torch::kFloat32},
                              {"L1RA, nf4, bf16 autocast", "nf4", true, all, torch::kBFloat16}};
        for (const Case& k : cases) {
            const auto dtype = k.autocast == torch::kBFloat16 ? torch::kBFloat16 : torch::kFloat32;
            LlamaModel model(c, torch::kCPU, dtype, 3, baseWeightFormat(k.base));
            torch::manual_seed(8);
            AdapterSet adapters(c, torch::kCPU, spec(k.gated, k.targets));
            for (auto& a : adapters.adapters()) {   // B = 0 at creation would hide the A gradients
                torch::NoGradGuard noGrad;
                a.B.value.normal_(0, 0.1);
            }
            const Step plain = trainingStep(model, &adapters, false, k.autocast);
            const Step checkpointed = trainingStep(model, &adapters, true, k.autocast);
            expectSame(plain, checkpointed, k.what);
        }
    }

    void checkpointedFullFineTuningEqualsRecorded() {
        LlamaModel model(smallConfig(), torch::kCPU, torch::kFloat32, 4);
        for (auto& [name, t] : model.namedParameters()) t.requires_grad_(true);
        expectSame(trainingStep(model, nullptr, false, torch::kFloat32), trainingStep(model, nullptr, true, torch::kFloat32),
                   "full fine-tuning");
    }

    // What the recorded graph holds after the forward pass: with checkpointing, about the layers' inputs.
    void checkpointingKeepsLittleForTheBackwardPass() {
        installCpuMemoryMeter();
        LlamaConfig c = smallConfig();
        c.numLayers = 4;
        LlamaModel model(c, torch::kCPU, torch::kFloat32, 5, baseWeightFormat("nf4"));
        torch::manual_seed(8);
        AdapterSet adapters(c, torch::kCPU, spec(true, projectionNames()));
        adapters.setTraining(true);
        const auto ids = torch::randint(0, c.vocabSize, {4, 64}, torch::kInt64);
        int64_t held[2] = {0, 0};
        for (const bool checkpointing : {false, true}) {
            model.setGradientCheckpointing(checkpointing);
            const int64_t before = cpuTensorBytes();
            auto hidden = model.hidden(ids, nullptr, &adapters);
            held[checkpointing] = cpuTensorBytes() - before;
            hidden.sum().backward();
        }
        qInfo("forward pass holds %lld bytes recorded, %lld checkpointed", (long long)held[0], (long long)held[1]);
        const int64_t inputs = (c.numLayers + 2) * 4 * 64 * c.hiddenSize * 4;   // layer inputs, the final norm's
        QVERIFY(held[1] <= inputs * 3 / 2);
        QVERIFY(held[1] * 4 < held[0]);
    }

    // Whole runs: checkpointing changes nothing in what is trained (fp32), and an nf4 + checkpointed L1RA run that
    // stops and resumes equals an uninterrupted one.
    void nf4CheckpointedRunsResumeExactly() {
        const RunConfig c = fixtureRunConfig(12);
        RunConfig recorded = c;
        recorded.train.gradientCheckpointing = false;
        const std::string whole = tmp_.filePath("whole").toStdString(), split = tmp_.filePath("split").toStdString(),
                          plain = tmp_.filePath("plain").toStdString();
        for (const auto& [config, dir] : {std::pair{c, whole}, std::pair{recorded, plain}}) {
            TrainingSession s(config, dir);
            const RunSummary r = s.run();
            QVERIFY2(r.state == RunState::Finished, r.error.c_str());
        }
        {
            StopAt stopper;
            TrainingSession s(c, split, &stopper);
            stopper.session = &s;
            stopper.step = 7;
            QVERIFY(s.run().state == RunState::Stopped);
        }
        {
            auto s = TrainingSession::resume(split);
            const RunSummary r = s->run();
            QVERIFY2(r.state == RunState::Finished, r.error.c_str());
        }
        const std::string a = test::deterministicRecord(whole);
        QVERIFY(a.size() > 1000 && a.find("\"pruned\"") != std::string::npos);   // reallocations happened
        QCOMPARE(test::deterministicRecord(split), a);
        QCOMPARE(test::deterministicRecord(plain), a);
    }

    // A step past the device's memory stops the run with a checkpoint of the last completed step and the plan's
    // advice; the run resumes with changed settings.
    void outOfMemoryStopsWithACheckpointAndAdvice() {
        RunConfig c = fixtureRunConfig(6);
        c.model.baseDtype = "bf16";
        c.train.gradientCheckpointing = false;
        c.train.batchSize = 16;
        const std::string dir = tmp_.filePath("oom").toStdString();
        installCpuMemoryMeter();
        setCpuTensorLimit(cpuTensorBytes() + (int64_t(6) << 20));   // the fixture's weights fit, a batch of 16 does not
        RunSummary r;
        {
            TrainingSession s(c, dir);
            r = s.run();
        }
        setCpuTensorLimit(0);
        QCOMPARE(r.state, RunState::Failed);
        QVERIFY2(r.error.find("out of memory in step 1") != std::string::npos, r.error.c_str());
        QVERIFY2(r.error.find("a checkpoint of step 0 was saved") != std::string::npos, r.error.c_str());
        QVERIFY2(r.error.find("l1ra resume --run") != std::string::npos, r.error.c_str());
        QVERIFY(std::filesystem::exists(dir + "/checkpoints/step-00000000/state.json"));
        auto resumed = TrainingSession::resume(dir, nullptr, {"train.gradient_checkpointing=true"});
        QVERIFY(resumed->config().train.gradientCheckpointing);
        const RunSummary after = resumed->run();
        QVERIFY2(after.state == RunState::Finished, after.error.c_str());
        QVERIFY(test::readFile(dir + "/config.json").find("\"gradient_checkpointing\": true") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::exception, TrainingSession::resume(dir, nullptr, {"train.lr=0.5"}));
    }
};

QTEST_GUILESS_MAIN(TestGradientCheckpointing)
#include "tst_gradient_checkpointing.moc"
