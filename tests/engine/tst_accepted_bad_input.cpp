// Inputs the bad-input matrix (docs/reliability.md) found accepted without a word: binary data, a validation file
// in another format or without one usable sequence, a negative temperature or thread count, a folder given as a
// text file, an unknown state in summary.json, --dtype on a peft export, --grid errors named as --set. Each now
// gets a clear error, or a warning where going on is reasonable.
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "test_support.h"
#include "training_test_support.h"

#include <QtTest>

#include <algorithm>
#include <filesystem>

using namespace l1ra;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool anyLogContains(const test::Recorder& rec, const std::string& part) {
    return std::any_of(rec.logs.begin(), rec.logs.end(), [&](const std::string& l) { return contains(l, part); });
}

}  // namespace

class TestAcceptedBadInput : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int counter_ = 0;
    std::string path(const std::string& name) { return tmp_.filePath(QString::fromStdString(name)).toStdString(); }
    std::string newRunDir() { return path("run" + std::to_string(counter_++)); }

    // `args` must fail with a message holding `part`.
    void expectCliError(const std::vector<std::string>& args, const std::string& part) {
        const auto r = test::runCli(args);
        QVERIFY2(r.code != 0, (args.front() + " was accepted").c_str());
        QVERIFY2(contains(r.err, part), (r.err + " lacks: " + part).c_str());
    }

private Q_SLOTS:
    void binaryDataIsNotText() {
        std::string bytes = "PK\x03\x04 some archive";
        bytes += '\0';
        bytes += "more bytes\n";
        test::writeFile(path("data.bin"), bytes);
        RunConfig c = test::fixtureRunConfig(2);
        c.data.train = path("data.bin");
        c.data.format = "text";
        const RunSummary s = TrainingSession(c, newRunDir()).run();
        QCOMPARE(s.state, RunState::Failed);
        QVERIFY2(contains(s.error, path("data.bin") + ": holds a NUL byte at offset 17: a binary file, not text"), s.error.c_str());
    }

    void aValidationFileInAnotherFormatIsReadInItsOwnAndSaid() {
        RunConfig c = test::fixtureRunConfig(2);   // tiny-text.txt: text
        c.data.val = test::dataPath("tiny-alpaca.jsonl");
        test::Recorder rec;
        const RunSummary s = TrainingSession(c, newRunDir(), &rec).run();
        QCOMPARE(s.state, RunState::Finished);
        QVERIFY(s.finalValLoss > 0);   // read as alpaca records, not as lines of text
        QVERIFY(anyLogContains(rec, "is alpaca while data.train is text"));
    }

    void aValidationFileWithoutUsableSequences() {
        // Every record's prompt fills train.seq_len: nothing is left to compute a loss on.
        test::writeFile(path("long-val.jsonl"),
                        "{\"instruction\": \"" + std::string(400, 'x') + "\", \"input\": \"\", \"output\": \"y\"}\n");
        RunConfig c = test::fixtureRunConfig(2);
        c.data.val = path("long-val.jsonl");
        c.train.seqLen = 16;
        test::Recorder rec;
        QCOMPARE(TrainingSession(c, newRunDir(), &rec).run().state, RunState::Finished);
        QVERIFY(anyLogContains(rec, path("long-val.jsonl") + ": no usable validation sequences; the run will not be evaluated"));
        // Where the run needs evaluations, it cannot start.
        c.checkpoint.keepBest = true;
        const RunSummary s = TrainingSession(c, newRunDir()).run();
        QCOMPARE(s.state, RunState::Failed);
        QVERIFY2(contains(s.error, "no usable validation sequences, but 'checkpoint.keep_best' asks for the best checkpoint"), s.error.c_str());
    }

    void commandLineNumbersOutOfRange() {
        const std::string model = test::fixtureModel();
        expectCliError({"generate", "--model", model, "--prompt", "Hi", "--temperature", "-1", "--max-new-tokens", "2"},
                       "temperature must be 0 (greedy) or more");
        expectCliError({"generate", "--model", model, "--prompt", "Hi", "--threads", "-2", "--max-new-tokens", "2"},
                       "--threads must be 0 (all cores) or a number of threads, not -2");
        expectCliError({"eval", "--model", model, "--data", test::dataPath("tiny-text.txt"), "--threads", "-1"}, "--threads must be 0");
    }

    void aFolderIsNotATextFile() {
        fs::create_directories(path("folder"));
        expectCliError({"tokenize", "--model", test::fixtureModel(), "--file", path("folder")}, path("folder") + ": it is a folder");
    }

    void anUnknownRunStateIsAnError() {
        const std::string dir = newRunDir();
        QCOMPARE(TrainingSession(test::fixtureRunConfig(2), dir).run().state, RunState::Finished);
        std::string summary = test::readFile(dir + "/summary.json");
        summary.replace(summary.find("\"finished\""), 10, "\"finishd\"");
        test::writeFile(dir + "/summary.json", summary);
        try {
            loadRunRecord(dir);
            QFAIL("a summary with an unknown state was read");
        } catch (const Error& e) {
            QVERIFY2(contains(e.what(), dir + "/summary.json: 'state' is 'finishd', not one of idle,"), e.what());
        }
    }

    void peftExportsRefuseADtype() {
        const std::string dir = newRunDir();
        QCOMPARE(TrainingSession(test::fixtureRunConfig(2), dir).run().state, RunState::Finished);
        ExportOptions o;
        o.dtype = "f16";
        try {
            exportPeftAdapter(dir, path("peft-f16"), o);
            QFAIL("--dtype f16 was ignored");
        } catch (const Error& e) {
            QVERIFY2(contains(e.what(), "--dtype f16: the peft adapter is written in f32"), e.what());
        }
        QVERIFY(!fs::exists(path("peft-f16")));
        o.dtype = "f32";
        exportPeftAdapter(dir, path("peft-f32"), o);   // what it writes anyway
        QVERIFY(fs::exists(path("peft-f32") + "/adapter_model.safetensors"));
    }

    void gridErrorsNameTheGrid() {
        expectCliError({"sweep", "--set", "model=" + test::fixtureModel(), "--set", "data.train=" + test::dataPath("tiny-text.txt"),
                        "--grid", "train.lr=0.1,fast", "--plan"},
                       "--grid train.lr: 'fast' is not a valid value");
    }
};

QTEST_GUILESS_MAIN(TestAcceptedBadInput)
#include "tst_accepted_bad_input.moc"
