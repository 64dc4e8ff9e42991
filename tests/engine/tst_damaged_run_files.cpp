// A run folder damaged by hand or by a failing disk — a checkpoint's state.json with impossible numbers or missing
// keys, tensors of the wrong shape, a metrics line with a wrong type — and data paths that are not data files:
// each gets an l1ra::Error naming the file and the fault, never a crash or a bare library message.
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/sweep.h"
#include "l1ra/training_session.h"
#include "io/safetensors.h"
#include "test_support.h"
#include "training_test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace l1ra;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Rewrites one tensor of a safetensors file as zeros of another shape, keeping the others.
void reshapeTensor(const std::string& path, const std::string& name, const std::vector<int64_t>& shape) {
    std::vector<std::vector<std::uint8_t>> bytes;
    std::vector<TensorBlob> blobs;
    {
        SafetensorsFile file(path);
        for (const auto& [tensorName, view] : file.tensors()) {
            TensorBlob blob{tensorName, view.dtype, view.shape, nullptr, view.nbytes};
            if (tensorName == name) {
                blob.shape = shape;
                int64_t n = 1;
                for (int64_t d : shape) n *= d;
                blob.nbytes = std::size_t(n) * dtypeSize(view.dtype);
                bytes.emplace_back(blob.nbytes, std::uint8_t(0));
            } else {
                bytes.emplace_back(view.data, view.data + view.nbytes);
            }
            blobs.push_back(blob);
        }
    }
    for (std::size_t i = 0; i < blobs.size(); ++i) blobs[i].data = bytes[i].data();
    writeSafetensors(path, blobs);
}

void editJson(const std::string& path, const std::function<void(json&)>& change) {
    json j = json::parse(test::readFile(path));
    change(j);
    test::writeFile(path, j.dump(2));
}

}  // namespace

class TestDamagedRunFiles : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string stopped_;   // a run stopped at step 4 of 12, with one checkpoint
    int copies_ = 0;

    std::string copyOfStoppedRun() {
        const std::string dir = tmp_.filePath(QStringLiteral("copy%1").arg(copies_++)).toStdString();
        fs::copy(stopped_, dir, fs::copy_options::recursive);
        return dir;
    }
    static std::string checkpointOf(const std::string& run) {
        const RunRecord record = loadRunRecord(run);
        return record.checkpoints.empty() ? std::string() : record.checkpoints.back();
    }
    // Resumes `run`; returns the error it failed with ("" when it did not fail).
    static std::string resumeError(const std::string& run) {
        try {
            auto session = TrainingSession::resume(run);
            const RunSummary summary = session->run();
            return summary.state == RunState::Failed ? summary.error : std::string();
        } catch (const Error& e) {
            return e.what();
        }
    }

private Q_SLOTS:
    void initTestCase() {
        stopped_ = tmp_.filePath(QStringLiteral("stopped")).toStdString();
        RunConfig config = test::fixtureRunConfig(12);
        config.eval.every = 0;
        test::Recorder rec;
        TrainingSession session(config, stopped_, &rec);
        rec.onEachStep = [&](const StepEvent& e) {
            if (e.step == 4) session.stop();
        };
        QCOMPARE(session.run().state, RunState::Stopped);
        QVERIFY(!checkpointOf(stopped_).empty());
    }

    void impossibleNumbersInStateJson() {
        const struct {
            const char* key;
            json value;
            const char* expected;
        } cases[] = {{"step", -5, "'step' is -5; it must be 0 or more"},
                     {"budget", -3, "'budget' is -3; it must be 0 or more"},
                     {"lambda", -0.5, "'lambda' is -0.5"},
                     {"format_version", 0, "'format_version' 0 is not a checkpoint format"},
                     {"format_version", 99, "checkpoint format 99 is newer than this build reads"},
                     {"step", "four", "type must be number"}};
        for (const auto& c : cases) {
            const std::string run = copyOfStoppedRun();
            const std::string state = checkpointOf(run) + "/state.json";
            editJson(state, [&](json& j) { j[c.key] = c.value; });
            const std::string error = resumeError(run);
            QVERIFY2(error.find(state) != std::string::npos && error.find(c.expected) != std::string::npos, error.c_str());
        }
    }

    void tensorsOfTheWrongShape() {
        const std::string module = "model.layers.0.self_attn.q_proj";
        const struct {
            std::string tensor;
            std::vector<int64_t> shape;
        } cases[] = {{module + ".lora_A", {4, 32}},          // in-features 64 in the fixture
                     {module + ".lora_B", {64}},             // a vector
                     {module + ".gate.exp_avg", {3}},        // the gate has rank 4
                     {module + ".lora_B.exp_avg_sq", {64, 2}}};
        for (const auto& c : cases) {
            const std::string run = copyOfStoppedRun();
            const std::string tensors = checkpointOf(run) + "/trainable.safetensors";
            reshapeTensor(tensors, c.tensor, c.shape);
            const std::string error = resumeError(run);
            QVERIFY2(error.find(tensors) != std::string::npos && error.find("'" + c.tensor + "' has shape") != std::string::npos,
                     error.c_str());
        }
    }

    void metricsLineWithAWrongType() {
        const std::string run = copyOfStoppedRun();
        std::string metrics = test::readFile(run + "/metrics.jsonl");
        metrics.insert(0, "{\"step\": \"x\", \"loss\": 1}\n");
        test::writeFile(run + "/metrics.jsonl", metrics);
        const std::string error = resumeError(run);
        QVERIFY2(error.find(run + "/metrics.jsonl: line 1: 'step' is not a whole number") != std::string::npos, error.c_str());
    }

    void adapterCheckpointWithoutItsAdapterList() {
        const std::string run = copyOfStoppedRun();
        const std::string state = checkpointOf(run) + "/state.json";
        editJson(state, [](json& j) { j.erase("adapters"); });
        const auto r = test::runCli({"generate", "--model", test::fixtureModel(), "--prompt", "hi", "--max-new-tokens", "2", "--adapter", run});
        QVERIFY(r.code != 0 && r.code != 3);   // 3 is an internal error
        QVERIFY2(r.err.find(state) != std::string::npos && r.err.find("adapters") != std::string::npos, r.err.c_str());
    }

    void dataPathsThatAreNotDataFiles() {
        RunConfig config = test::fixtureRunConfig(2);
        config.data.train = tmp_.path().toStdString();   // a folder
        TrainingSession folder(config, tmp_.filePath(QStringLiteral("data-folder")).toStdString());
        const RunSummary a = folder.run();
        QCOMPARE(a.state, RunState::Failed);
        QVERIFY2(a.error.find(config.data.train + " is a folder") != std::string::npos, a.error.c_str());

        // Every record longer than the sequence: nothing to train on, and the message names the file.
        config.data.train = test::dataPath("tiny-chat.jsonl");
        config.train.seqLen = 32;
        TrainingSession empty(config, tmp_.filePath(QStringLiteral("no-sequences")).toStdString());
        const RunSummary b = empty.run();
        QCOMPARE(b.state, RunState::Failed);
        QVERIFY2(b.error.find(config.data.train + ": no usable training sequences") != std::string::npos, b.error.c_str());
    }

    void negativeSweepSeeds() {
        QVERIFY_THROWS_EXCEPTION(Error, parseSweepSeeds("-1,2", 1));
        QCOMPARE(parseSweepSeeds("7,2", 1), (std::vector<uint64_t>{7, 2}));
    }
};

QTEST_GUILESS_MAIN(TestDamagedRunFiles)
#include "tst_damaged_run_files.moc"
