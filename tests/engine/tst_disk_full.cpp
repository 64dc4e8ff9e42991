// Writes that fail (a full disk, simulated by a file-size limit; a run folder that cannot be created): the message
// names the path and the bytes, the previous file or checkpoint stays byte for byte, no temporary is left, and a
// run goes on past a failed checkpoint (a failed final checkpoint ends it, failed, saying so).
#include "io/file_util.h"
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "test_support.h"
#include "training_test_support.h"

#include <QtTest>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <map>

using namespace l1ra;
namespace fs = std::filesystem;

namespace {

// While alive, files of this process cannot grow past `bytes`: writes beyond fail with EFBIG (SIGXFSZ ignored).
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        previousHandler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = saved_;
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() { lift(); }
    void lift() {
        if (lifted_) return;
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, previousHandler_);
        lifted_ = true;
    }

private:
    rlimit saved_{};
    void (*previousHandler_)(int) = nullptr;
    bool lifted_ = false;
};

// Every file under `dir` with its bytes.
std::map<std::string, std::string> folderBytes(const std::string& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = test::readFile(e.path().string());
    return out;
}

int temporaries(const std::string& dir) {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find(".tmp") != std::string::npos) ++n;
    return n;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A run that checkpoints every 4 of 12 steps, with the file-size limit on from step 5 (after the first
// checkpoint) until step `liftAt`.
struct LimitedRun {
    test::Recorder rec;
    std::map<std::string, std::string> firstCheckpoint;   // its files as written
    RunSummary summary;
    std::unique_ptr<FileSizeLimit> limit;

    LimitedRun(const std::string& dir, int liftAt) {
        RunConfig c = test::fixtureRunConfig(12);
        c.checkpoint.every = 4;
        c.checkpoint.keep = 10;
        c.eval.every = 0;
        rec.onEachStep = [&](const StepEvent& e) {
            if (e.step == liftAt && limit) limit->lift();
            if (e.step != 5) return;   // a step is reported before its checkpoint is written: step 4's is there now
            firstCheckpoint = folderBytes(dir + "/checkpoints/step-00000004");
            limit = std::make_unique<FileSizeLimit>(16 * 1024);   // the logs fit; a checkpoint does not
        };
        TrainingSession session(c, dir, &rec);
        summary = session.run();
        if (limit) limit->lift();
    }
};

}  // namespace

class TestDiskFull : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int counter_ = 0;
    std::string newPath(const char* stem) { return tmp_.filePath(QString("%1%2").arg(stem).arg(counter_++)).toStdString(); }

private Q_SLOTS:
    void aFailedWriteNamesThePathAndTheBytesAndKeepsTheOldFile() {
        const std::string dir = newPath("files");
        fs::create_directories(dir);
        const std::string path = dir + "/data.bin";
        writeTextFileAtomically(path, "old contents");
        try {
            FileSizeLimit limit(4096);
            writeTextFileAtomically(path, std::string(20000, 'x'));
            QFAIL("the write went through the limit");
        } catch (const Error& e) {
            const std::string m = e.what();
            qInfo("%s", m.c_str());
            QVERIFY2(contains(m, "cannot write " + path + ": file size limit exceeded (needs 19.5 KiB, "), m.c_str());
            QVERIFY2(contains(m, " free)"), m.c_str());
        }
        QCOMPARE(test::readFile(path), std::string("old contents"));
        QCOMPARE(temporaries(dir), 0);
    }

    void aFailedCheckpointIsAWarningAndTrainingGoesOn() {
        const std::string dir = newPath("run");
        LimitedRun run(dir, 10);   // the checkpoint of step 8 fails, the final one (12) is written
        QVERIFY2(run.summary.state == RunState::Finished, run.summary.error.c_str());
        QCOMPARE(run.rec.steps.size(), std::size_t(12));
        const RunRecord record = loadRunRecord(dir);
        QCOMPARE(record.checkpoints.size(), std::size_t(2));   // steps 4 and 12
        QVERIFY(contains(record.checkpoints.back(), "step-00000012"));
        QVERIFY(folderBytes(record.checkpoints.front()) == run.firstCheckpoint);
        QCOMPARE(temporaries(dir + "/checkpoints"), 0);
        bool warned = false;
        for (const std::string& line : run.rec.logs)
            warned = warned || (contains(line, "checkpoint " + dir + "/checkpoints/step-00000008 not written") &&
                                contains(line, "trainable.safetensors: file size limit exceeded (needs ") &&
                                contains(line, "training goes on"));
        QVERIFY(warned);
        QVERIFY(contains(test::readFile(dir + "/events.jsonl"), "{\"error\":\"checkpoint " + dir + "/checkpoints/step-00000008 not written"));
    }

    void aFailedFinalCheckpointEndsTheRunAndKeepsThePreviousOne() {
        const std::string dir = newPath("run");
        LimitedRun run(dir, 1000);   // the limit stays to the end
        QCOMPARE(run.summary.state, RunState::Failed);
        const std::string& m = run.summary.error;
        qInfo("%s", m.c_str());
        QVERIFY2(contains(m, "checkpoint " + dir + "/checkpoints/step-00000012 not written"), m.c_str());
        QVERIFY2(contains(m, "file size limit exceeded (needs "), m.c_str());
        QVERIFY2(contains(m, "the last checkpoint, " + dir + "/checkpoints/step-00000004, is intact"), m.c_str());
        const RunRecord record = loadRunRecord(dir);
        QCOMPARE(record.checkpoints.size(), std::size_t(1));
        QVERIFY(folderBytes(record.checkpoints.front()) == run.firstCheckpoint);
        QCOMPARE(temporaries(dir + "/checkpoints"), 0);
        QCOMPARE(record.summary.state, RunState::Failed);   // the summary is small enough to be written
    }

    void aRunFolderThatCannotBeCreatedGivesAClearError() {
        // chmod does not stop root: a folder under a regular file cannot be created by anyone.
        const std::string file = newPath("file");
        test::writeFile(file, "not a folder");
        const std::string dir = file + "/run";
        TrainingSession session(test::fixtureRunConfig(2), dir);
        const RunSummary summary = session.run();
        QCOMPARE(summary.state, RunState::Failed);
        QVERIFY2(contains(summary.error, "cannot create run folder " + dir + ": Not a directory"), summary.error.c_str());
    }

    void anExportToAFailingDestinationNamesIt() {
        const std::string run = newPath("run");
        QCOMPARE(TrainingSession(test::fixtureRunConfig(2), run).run().state, RunState::Finished);
        const std::string file = newPath("file");
        test::writeFile(file, "not a folder");
        try {
            exportPeftAdapter(run, file + "/adapter");
            QFAIL("exported under a file");
        } catch (const Error& e) {
            QVERIFY2(contains(e.what(), "cannot create " + file + ": "), e.what());
        }
        const std::string out = newPath("adapter");
        try {
            FileSizeLimit limit(4096);
            exportPeftAdapter(run, out);
            QFAIL("the export went through the limit");
        } catch (const Error& e) {
            const std::string m = e.what();
            qInfo("%s", m.c_str());
            QVERIFY2(contains(m, "cannot export to " + out + ": cannot write "), m.c_str());
            QVERIFY2(contains(m, "adapter_model.safetensors: file size limit exceeded (needs "), m.c_str());
        }
        QVERIFY(!fs::exists(out));
        QCOMPARE(temporaries(tmp_.path().toStdString()), 0);
    }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_disk_full.moc"
