// During training: samples.prompts answered with the adapter at their steps (samples.jsonl, events), without
// changing what the run trains; early stopping on the validation loss (eval.patience, eval.min_delta) that ends the
// run and keeps the best checkpoint in best/; the best checkpoint's export (--checkpoint best); resuming both.
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "test_support.h"
#include "training_test_support.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <algorithm>
#include <filesystem>

using namespace l1ra;
namespace fs = std::filesystem;

namespace {

struct SampleRecorder : test::Recorder {
    std::vector<SampleEvent> samples;
    std::vector<CheckpointEvent> checkpoints;
    void onSample(const SampleEvent& e) override {
        std::lock_guard<std::mutex> lock(mutex);
        samples.push_back(e);
    }
    void onCheckpoint(const CheckpointEvent& e) override {
        std::lock_guard<std::mutex> lock(mutex);
        checkpoints.push_back(e);
    }
};

std::vector<int64_t> sampleSteps(const std::vector<SampleEvent>& samples) {
    std::vector<int64_t> steps;
    for (const auto& s : samples) steps.push_back(s.step);
    return steps;
}

std::vector<std::string> sampleTexts(const std::vector<SampleEvent>& samples) {
    std::vector<std::string> texts;
    for (const auto& s : samples) texts.push_back(std::to_string(s.step) + ":" + std::to_string(s.index) + ":" + s.text);
    return texts;
}

std::vector<std::string> folders(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

RunConfig withSamples(RunConfig c) {
    c.samples.prompts = {"Say hello, then stop.", "What does the rank budget do?"};
    c.samples.every = 5;
    c.samples.maxNewTokens = 6;
    return c;
}

// Early stopping on the fixture: with min_delta 100 no evaluation after the first counts as better, so the run
// ends at the evaluation `patience` after the first one.
RunConfig earlyStopping(int steps) {
    RunConfig c = test::fixtureRunConfig(steps);
    c.eval.every = 4;
    c.eval.patience = 2;
    c.eval.minDelta = 100;
    c.samples.prompts = {"Say hello."};
    c.samples.maxNewTokens = 4;
    return c;
}

}  // namespace

class TestSamplesEarlyStopping : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int counter_ = 0;
    std::string newRunDir() { return tmp_.filePath(QString("run%1").arg(counter_++)).toStdString(); }

private Q_SLOTS:
    void samplesAreWrittenAtTheirStepsWithoutChangingTraining() {
        const RunConfig with = withSamples(test::fixtureRunConfig(12));
        const std::string a = newRunDir(), b = newRunDir(), plain = newRunDir();
        SampleRecorder rec;
        QCOMPARE(TrainingSession(with, a, &rec).run().state, RunState::Finished);
        QCOMPARE(TrainingSession(with, b).run().state, RunState::Finished);
        QCOMPARE(TrainingSession(test::fixtureRunConfig(12), plain).run().state, RunState::Finished);

        // Every samples.every steps and at the end, each prompt in order.
        const RunRecord record = loadRunRecord(a);
        QCOMPARE(sampleSteps(record.samples), (std::vector<int64_t>{5, 5, 10, 10, 12, 12}));
        for (std::size_t i = 0; i < record.samples.size(); ++i) {
            const SampleEvent& s = record.samples[i];
            QCOMPARE(s.index, int(i % 2));
            QCOMPARE(s.prompt, with.samples.prompts[i % 2]);
            QVERIFY(s.tokens >= 1 && s.tokens <= with.samples.maxNewTokens);
        }
        // The sink saw the same answers, and the log has a line for each.
        QCOMPARE(sampleTexts(rec.samples), sampleTexts(record.samples));
        QVERIFY(std::any_of(rec.logs.begin(), rec.logs.end(),
                            [](const std::string& l) { return l.rfind("sample at step 5 [1] Say hello, then stop. -> ", 0) == 0; }));
        // Greedy answers of the same weights are the same answers; and sampling changed nothing the run trained.
        QCOMPARE(sampleTexts(loadRunRecord(b).samples), sampleTexts(record.samples));
        QCOMPARE(test::deterministicRecord(a), test::deterministicRecord(plain));
        QCOMPARE(test::readFile(a + "/checkpoints/step-00000012/trainable.safetensors"),
                 test::readFile(plain + "/checkpoints/step-00000012/trainable.safetensors"));
        QVERIFY(!fs::exists(plain + "/samples.jsonl"));   // no prompts, no file
    }

    void anAnswerCutInsideACharacterIsStillWritten() {
        SampleEvent e;
        e.step = 3;
        e.prompt = "Say hello.";
        e.text = "caf\xc3";   // the first byte of "é": generation stopped between two tokens of one character
        const auto j = nlohmann::json::parse(sampleEventToJson(e));
        QCOMPARE(j.at("text").get<std::string>(), std::string("caf\xef\xbf\xbd"));   // U+FFFD
    }

    void aResumedRunSamplesEachStepOnce() {
        RunConfig c = withSamples(test::fixtureRunConfig(12));
        c.checkpoint.every = 5;
        c.checkpoint.keep = 10;
        const std::string whole = newRunDir(), cut = newRunDir();
        QCOMPARE(TrainingSession(c, whole).run().state, RunState::Finished);
        QCOMPARE(TrainingSession(c, cut).run().state, RunState::Finished);
        // As if the process had died after step 10's samples but before its checkpoint.
        fs::remove_all(cut + "/checkpoints/step-00000010");
        fs::remove_all(cut + "/checkpoints/step-00000012");
        fs::remove(cut + "/summary.json");
        auto resumed = TrainingSession::resume(cut);
        QCOMPARE(resumed->run().state, RunState::Finished);
        QCOMPARE(sampleSteps(loadRunRecord(cut).samples), (std::vector<int64_t>{5, 5, 10, 10, 12, 12}));
        QCOMPARE(sampleTexts(loadRunRecord(cut).samples), sampleTexts(loadRunRecord(whole).samples));
    }

    void earlyStoppingEndsTheRunAndKeepsTheBestCheckpoint() {
        const std::string dir = newRunDir();
        SampleRecorder rec;
        const RunSummary summary = TrainingSession(earlyStopping(40), dir, &rec).run();
        QCOMPARE(summary.state, RunState::Finished);
        QVERIFY(summary.stoppedEarly);
        QCOMPARE(summary.steps, int64_t(12));   // evaluations at 4 (the best), 8 and 12 (patience 2)
        QCOMPARE(summary.bestStep, int64_t(4));
        QCOMPARE(summary.bestCheckpoint, dir + "/best/step-00000004");
        QCOMPARE(folders(dir + "/best"), (std::vector<std::string>{"step-00000004"}));
        QVERIFY(fs::exists(dir + "/checkpoints/step-00000012/state.json"));   // the final checkpoint, as at any end

        const RunRecord record = loadRunRecord(dir);
        QCOMPARE(record.evals.size(), std::size_t(3));   // no extra evaluation after the early stop
        QCOMPARE(record.steps.back().step, int64_t(12));
        QCOMPARE(record.bestCheckpoint, summary.bestCheckpoint);
        QVERIFY(record.summary.stoppedEarly);
        QCOMPARE(record.summary.bestStep, int64_t(4));
        QVERIFY(std::any_of(record.controls.begin(), record.controls.end(),
                            [](const ControlEvent& c) { return c.kind == l1ra::ControlKind::EarlyStop && c.step == 12; }));
        // The run's last word: a sample at the step it stopped, though samples.every is 0.
        QCOMPARE(sampleSteps(record.samples), (std::vector<int64_t>{12}));
        // The best checkpoint was announced as such, with its validation loss.
        const auto best = std::find_if(rec.checkpoints.begin(), rec.checkpoints.end(), [](const CheckpointEvent& e) { return e.best; });
        QVERIFY(best != rec.checkpoints.end());
        QCOMPARE(best->step, int64_t(4));
        QCOMPARE(best->valLoss, record.evals.front().loss);
        const auto state = nlohmann::json::parse(test::readFile(dir + "/checkpoints/step-00000012/state.json"));
        QCOMPARE(state.at("stopped_early").get<bool>(), true);
        QCOMPARE(state.at("evals_since_best").get<int>(), 2);

        // Resuming with the same patience would stop again at once: refused, saying how to go on.
        const RunSummary again = TrainingSession::resume(dir)->run();
        QCOMPARE(again.state, RunState::Failed);
        QVERIFY2(again.error.find("stopped early at step 12") != std::string::npos, again.error.c_str());
        QVERIFY2(again.error.find("eval.patience=0") != std::string::npos, again.error.c_str());
        // With early stopping off it trains to the end; the best stays the one it was.
        const RunSummary rest = TrainingSession::resume(dir, nullptr, {"eval.patience=0"})->run();
        QCOMPARE(rest.state, RunState::Finished);
        QVERIFY(!rest.stoppedEarly);
        QCOMPARE(rest.steps, int64_t(40));
        QCOMPARE(rest.bestStep, int64_t(4));
        QCOMPARE(folders(dir + "/best"), (std::vector<std::string>{"step-00000004"}));
    }

    void theBestCheckpointFollowsTheLowestValidationLoss() {
        RunConfig c = test::fixtureRunConfig(24);
        c.eval.every = 4;
        c.checkpoint.keepBest = true;
        const std::string dir = newRunDir();
        const RunSummary summary = TrainingSession(c, dir).run();
        QCOMPARE(summary.state, RunState::Finished);
        QVERIFY(!summary.stoppedEarly);
        const RunRecord record = loadRunRecord(dir);
        QCOMPARE(record.evals.size(), std::size_t(6));   // 4, 8, ..., 20 and the end
        // The first evaluation with the lowest loss (a tie is not better).
        const auto lowest = std::min_element(record.evals.begin(), record.evals.end(),
                                             [](const EvalEvent& x, const EvalEvent& y) { return x.loss < y.loss; });
        QCOMPARE(summary.bestStep, lowest->step);
        QCOMPARE(folders(dir + "/best").size(), std::size_t(1));
        const auto state = nlohmann::json::parse(test::readFile(summary.bestCheckpoint + "/state.json"));
        QCOMPARE(state.at("step").get<int64_t>(), lowest->step);
        QCOMPARE(state.at("best_step_val_loss").get<double>(), lowest->loss);
        // Without validation data there is nothing to call best.
        RunConfig none = c;
        none.data.valFraction = 0;
        none.eval.every = 0;
        QVERIFY_THROWS_EXCEPTION(Error, validateRunConfig(none));
    }

    void theBestCheckpointExports() {
        const std::string dir = newRunDir();
        QCOMPARE(TrainingSession(earlyStopping(40), dir).run().state, RunState::Finished);
        const std::string best = tmp_.filePath("best-peft").toStdString(), named = tmp_.filePath("named-peft").toStdString(),
                          newest = tmp_.filePath("newest-peft").toStdString();
        ExportOptions o;
        o.checkpoint = "best";
        exportPeftAdapter(dir, best, o);
        o.checkpoint = dir + "/best/step-00000004";
        exportPeftAdapter(dir, named, o);
        exportPeftAdapter(dir, newest);
        QCOMPARE(test::readFile(best + "/adapter_model.safetensors"), test::readFile(named + "/adapter_model.safetensors"));
        QVERIFY(test::readFile(best + "/adapter_model.safetensors") != test::readFile(newest + "/adapter_model.safetensors"));
        const test::CliResult cli =
            test::runCli({"export", "--run", dir, "--format", "gguf-lora", "--checkpoint", "best", "--out", tmp_.filePath("best.gguf").toStdString()});
        QVERIFY2(cli.code == 0, cli.err.c_str());

        // A run that kept no best checkpoint says so.
        const std::string plain = newRunDir();
        QCOMPARE(TrainingSession(test::fixtureRunConfig(4), plain).run().state, RunState::Finished);
        o.checkpoint = "best";
        try {
            exportPeftAdapter(plain, tmp_.filePath("none").toStdString(), o);
            QFAIL("exported a best checkpoint the run does not have");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("kept no best checkpoint") != std::string::npos, e.what());
        }
    }

    void settingsAreChecked() {
        RunConfig c = test::fixtureRunConfig(10);
        c.eval.patience = 3;
        c.eval.every = 0;
        try {
            validateRunConfig(c);
            QFAIL("early stopping without evaluations was accepted");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("'eval.patience'") != std::string::npos, e.what());
        }
        try {
            parseRunConfig(R"({"samples": {"prompts": ["fine", "  "]}})", "run.json");
            QFAIL("an empty prompt was accepted");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find("run.json: 'samples.prompts' holds an empty text") != std::string::npos, e.what());
        }
        // On the command line a prompt's commas are its own; a JSON list gives several.
        RunConfig s;
        applyRunConfigAssignment(s, "samples.prompts=Name a colour, then a fruit.");
        QCOMPARE(s.samples.prompts, (std::vector<std::string>{"Name a colour, then a fruit."}));
        applyRunConfigAssignment(s, R"(samples.prompts=["One, two", "Three"])");
        QCOMPARE(s.samples.prompts, (std::vector<std::string>{"One, two", "Three"}));
        // The studio's "show command" reproduces them.
        const std::string command = trainCommandLine(s, "");
        QVERIFY2(command.find(R"(--set 'samples.prompts=["One, two","Three"]')") != std::string::npos, command.c_str());
        // Early stopping and samples may change when a run resumes; what it trains may not.
        const auto& keys = TrainingSession::resumableSettingKeys();
        for (const char* key : {"eval.patience", "eval.min_delta", "samples.prompts", "samples.every"})
            QVERIFY2(std::find(keys.begin(), keys.end(), key) != keys.end(), key);
    }
};

QTEST_GUILESS_MAIN(TestSamplesEarlyStopping)
#include "tst_samples_early_stopping.moc"
