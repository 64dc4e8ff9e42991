// Data-parallel training through c10d (Gloo over loopback): two processes with half the batch each train as one
// process with the whole batch (the same losses, reallocations and adapters, to float rounding); a killed process
// stops the other with a clear error within a minute, leaving a checkpoint that resumes; a data-parallel run
// stopped and resumed continues exactly, with the same or another number of processes.
#include "l1ra/distributed.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "io/safetensors.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QThread>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace l1ra;

namespace {

QString l1raBinary() { return QStringLiteral(L1RA_BIN_DIR "/l1ra"); }

QStringList trainArgs(const QString& out, int steps, int batch, const std::vector<std::string>& extra = {}) {
    QStringList args{QStringLiteral("train"), QStringLiteral("--out"), out, QStringLiteral("--json")};
    std::vector<std::string> sets = {"model=" + test::fixtureModel(), "data.train=" + test::dataPath("tiny-text.txt"),
                                     "train.steps=" + std::to_string(steps), "train.batch_size=" + std::to_string(batch),
                                     "train.seq_len=64", "adapter.rank=4", "adapter.dropout=0", "l1ra.eta_c=0.1", "l1ra.lambda=0.5",
                                     "l1ra.update_interval=5", "train.lr=0.01", "eval.every=10", "train.precision=f32",
                                     "checkpoint.every=5", "threads=1"};
    sets.insert(sets.end(), extra.begin(), extra.end());
    for (const auto& s : sets) args << QStringLiteral("--set") << QString::fromStdString(s);
    return args;
}

struct Finished {
    int code = -2;
    QString err;
};

Finished runToEnd(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(l1raBinary(), args);
    Finished f;
    if (!p.waitForFinished(300000)) return f;
    p.readAllStandardOutput();
    f.err = QString::fromUtf8(p.readAllStandardError());
    f.code = p.exitStatus() == QProcess::CrashExit ? -1 : p.exitCode();
    return f;
}

// Reads the JSON events of a running `l1ra ... --json` until a step event at or past `step`.
// Lines read are appended to `transcript` when given.
bool waitForStep(QProcess& p, int64_t step, QByteArray& buffered, QByteArray* transcript = nullptr) {
    int64_t seen = 0;
    while (seen < step && p.waitForReadyRead(120000)) {
        buffered += p.readAllStandardOutput();
        int newline;
        while ((newline = buffered.indexOf('\n')) >= 0) {
            const auto j = nlohmann::json::parse(buffered.left(newline).toStdString(), nullptr, false);
            if (transcript) *transcript += buffered.left(newline + 1);
            buffered.remove(0, newline + 1);
            if (j.is_object() && j.value("type", "") == "step") seen = j.value("step", int64_t(0));
        }
    }
    return seen >= step;
}

int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

double relativeDifference(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(a), 1e-12); }

// Every tensor of two checkpoints within a tolerance relative to the reference tensor's norm (elementwise, Adam's
// normalised updates amplify float rounding in the few elements whose gradients are near zero): the adapters
// within `valueTolerance`, Adam's moments (which follow the raw gradients, summed in another order) within
// `momentTolerance`.
void compareCheckpoints(const std::string& a, const std::string& b, double valueTolerance, double momentTolerance) {
    SafetensorsFile fa(a + "/trainable.safetensors"), fb(b + "/trainable.safetensors");
    QCOMPARE(fa.tensors().size(), fb.tensors().size());
    double worst[2] = {0, 0};
    std::string worstName[2];
    for (const auto& [name, view] : fa.tensors()) {
        QVERIFY2(fb.contains(name), name.c_str());
        QCOMPARE(fb.tensor(name).shape, view.shape);
        const auto x = test::readFloats(a + "/trainable.safetensors", name);
        const auto y = test::readFloats(b + "/trainable.safetensors", name);
        double diff = 0, norm = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            diff += double(x[i] - y[i]) * double(x[i] - y[i]);
            norm += double(x[i]) * double(x[i]);
        }
        const double relative = std::sqrt(diff) / std::max(std::sqrt(norm), 1e-12);
        const int kind = name.find(".exp_avg") != std::string::npos ? 1 : 0;
        if (relative > worst[kind]) {
            worst[kind] = relative;
            worstName[kind] = name;
        }
    }
    qInfo("largest relative difference: adapters %.3g (%s), Adam moments %.3g (%s)", worst[0], worstName[0].c_str(), worst[1],
          worstName[1].c_str());
    QVERIFY2(worst[0] <= valueTolerance, worstName[0].c_str());
    QVERIFY2(worst[1] <= momentTolerance, worstName[1].c_str());
}

std::string stateJson(const std::string& checkpoint) { return test::readFile(checkpoint + "/state.json"); }

int64_t samplesConsumed(const std::string& checkpoint) {
    return nlohmann::json::parse(stateJson(checkpoint)).at("data").at("samples_consumed").get<int64_t>();
}

}  // namespace

class TestDataParallel : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void initTestCase() {
        if (!dataParallelAvailable()) QFAIL("this build has no Gloo (libgloo-dev): data-parallel training is untested");
    }

    void twoProcessesTrainAsOneWithTheDoubledBatch_data() {
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("gradAccum");
        QTest::newRow("l1ra") << QStringLiteral("l1ra") << 1;
        QTest::newRow("l1ra, 2 micro-batches") << QStringLiteral("l1ra") << 2;
        QTest::newRow("lora") << QStringLiteral("lora") << 1;
    }

    void twoProcessesTrainAsOneWithTheDoubledBatch() {
        QFETCH(QString, method);
        QFETCH(int, gradAccum);
        const int steps = 30;
        const std::vector<std::string> extra = {"method=" + method.toStdString(), "train.grad_accum=" + std::to_string(gradAccum)};
        const QString tag = method + QString::number(gradAccum);
        const QString one = tmp_.filePath(tag + QStringLiteral("-one")), two = tmp_.filePath(tag + QStringLiteral("-two"));
        QCOMPARE(runToEnd(trainArgs(one, steps, 4, extra)).code, 0);
        const Finished launched = runToEnd(trainArgs(two, steps, 2, extra) << QStringLiteral("--nproc") << QStringLiteral("2"));
        QVERIFY2(launched.code == 0, qPrintable(launched.err));

        const RunRecord a = loadRunRecord(one.toStdString()), b = loadRunRecord(two.toStdString());
        QCOMPARE(b.summary.state, RunState::Finished);
        QCOMPARE(b.summary.worldSize, 2);
        QCOMPARE(b.steps.size(), a.steps.size());
        for (std::size_t i = 0; i < a.steps.size(); ++i) {
            QVERIFY2(relativeDifference(a.steps[i].loss, b.steps[i].loss) <= 1e-5,
                     qPrintable(QStringLiteral("step %1: loss %2 vs %3").arg(a.steps[i].step).arg(a.steps[i].loss).arg(b.steps[i].loss)));
            QCOMPARE(b.steps[i].tokens, a.steps[i].tokens);   // the whole global batch's tokens
        }
        QCOMPARE(b.evals.size(), a.evals.size());
        for (std::size_t i = 0; i < a.evals.size(); ++i) QVERIFY(relativeDifference(a.evals[i].loss, b.evals[i].loss) <= 1e-5);
        // The same reallocations, rank for rank; at least one moved ranks, so the test covers the plan exchange.
        QCOMPARE(b.snapshots.size(), a.snapshots.size());
        for (std::size_t i = 0; i < a.snapshots.size(); ++i) QCOMPARE(b.snapshots[i].ranks, a.snapshots[i].ranks);
        QCOMPARE(b.reallocations.size(), a.reallocations.size());
        int moved = 0;
        for (std::size_t i = 0; i < a.reallocations.size(); ++i) {
            QCOMPARE(b.reallocations[i].pruned, a.reallocations[i].pruned);
            QCOMPARE(b.reallocations[i].added, a.reallocations[i].added);
            moved += a.reallocations[i].pruned;
        }
        if (method == QStringLiteral("l1ra")) QVERIFY2(moved > 0, "no reallocation moved a rank: the plan exchange went untested");
        // Losses agree to ~3e-7; the adapters to a few 1e-5 (measured 1.3e-5 after 5 steps, 1.5e-5 to 5e-5 after 30): Adam's
        // first steps move every element by about lr whatever its gradient's size, so an element whose gradient is
        // rounding noise (lora_A while B is still near zero) takes a different step. docs/distributed.md.
        compareCheckpoints(a.checkpoints.back(), b.checkpoints.back(), 1e-4, 1e-3);
        QCOMPARE(samplesConsumed(b.checkpoints.back()), samplesConsumed(a.checkpoints.back()));
    }

    // The gap above is the order of the additions inside one matrix product over the whole batch, nothing else:
    // one process taking the same doubled batch as two micro-batches (batch 2, grad_accum 2) adds the same two
    // partial gradients the two processes sum, with the same dropout streams, and trains bit for bit alike.
    void twoProcessesSumAsOneProcessAccumulates() {
        const QString one = tmp_.filePath(QStringLiteral("accumulated")), two = tmp_.filePath(QStringLiteral("summed"));
        QCOMPARE(runToEnd(trainArgs(one, 30, 2, {"train.grad_accum=2", "adapter.dropout=0.1"})).code, 0);
        const Finished launched =
            runToEnd(trainArgs(two, 30, 2, {"adapter.dropout=0.1"}) << QStringLiteral("--nproc") << QStringLiteral("2"));
        QVERIFY2(launched.code == 0, qPrintable(launched.err));
        const RunRecord a = loadRunRecord(one.toStdString()), b = loadRunRecord(two.toStdString());
        QCOMPARE(b.steps.size(), a.steps.size());
        for (std::size_t i = 0; i < a.steps.size(); ++i)   // summed in fp64 across processes, in fp32 within one
            QVERIFY2(relativeDifference(a.steps[i].loss, b.steps[i].loss) <= 1e-6,
                     qPrintable(QStringLiteral("step %1: loss %2 vs %3").arg(a.steps[i].step).arg(a.steps[i].loss).arg(b.steps[i].loss)));
        QVERIFY(!a.reallocations.empty());
        QCOMPARE(b.snapshots.size(), a.snapshots.size());
        for (std::size_t i = 0; i < a.snapshots.size(); ++i) QCOMPARE(b.snapshots[i].ranks, a.snapshots[i].ranks);
        compareCheckpoints(a.checkpoints.back(), b.checkpoints.back(), 0.0, 0.0);
    }

    // A process killed (SIGKILL: no handler, as the OOM killer) makes the other fail within a minute, naming the
    // cause; its last checkpoint stays valid and resumes in one process (another world size: the data position is
    // the samples consumed, not the step).
    void aKilledProcessStopsTheOther() {
        const QString run = tmp_.filePath(QStringLiteral("killed"));
        const QStringList args = trainArgs(run, 2000, 2);
        const QString port = QString::number(freePort());
        QProcess ranks[2];
        for (int r = 0; r < 2; ++r) {   // started as torchrun starts them: the environment says who is who
            auto env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("RANK"), QString::number(r));
            env.insert(QStringLiteral("LOCAL_RANK"), QString::number(r));
            env.insert(QStringLiteral("WORLD_SIZE"), QStringLiteral("2"));
            env.insert(QStringLiteral("LOCAL_WORLD_SIZE"), QStringLiteral("2"));
            env.insert(QStringLiteral("MASTER_ADDR"), QStringLiteral("127.0.0.1"));
            env.insert(QStringLiteral("MASTER_PORT"), port);
            ranks[r].setProcessEnvironment(env);
            ranks[r].start(l1raBinary(), args);
            QVERIFY(ranks[r].waitForStarted());
        }
        QByteArray buffered;
        QVERIFY(waitForStep(ranks[0], 12, buffered));
        ranks[1].kill();
        QVERIFY(ranks[1].waitForFinished(10000));
        QElapsedTimer clock;
        clock.start();
        QVERIFY2(ranks[0].waitForFinished(60000), "rank 0 did not stop within 60 s of rank 1's death");
        qInfo("rank 0 stopped %lld ms after rank 1 was killed", static_cast<long long>(clock.elapsed()));
        QCOMPARE(ranks[0].exitStatus(), QProcess::NormalExit);
        QCOMPARE(ranks[0].exitCode(), 1);
        const QString message = QString::fromUtf8(buffered + ranks[0].readAllStandardOutput() + ranks[0].readAllStandardError());
        QVERIFY2(message.contains(QStringLiteral("another training process stopped or cannot be reached")), qPrintable(message));

        const RunRecord failed = loadRunRecord(run.toStdString());
        QCOMPARE(failed.summary.state, RunState::Failed);
        QVERIFY(!failed.checkpoints.empty());
        const int64_t step = failed.summary.steps;
        QVERIFY(step >= 10);
        QCOMPARE(samplesConsumed(failed.checkpoints.back()), 4 * (step - step % 5));   // two processes x batch 2 per step

        // Resumed by one process: it goes on from the samples consumed, with its own batch of 2.
        QProcess resume;
        resume.start(l1raBinary(), {QStringLiteral("resume"), QStringLiteral("--run"), run, QStringLiteral("--json")});
        QVERIFY(resume.waitForStarted());
        QByteArray resumed;
        QVERIFY(waitForStep(resume, step - step % 5 + 5, resumed));
        resume.terminate();   // SIGTERM: a clean stop with a checkpoint
        QVERIFY(resume.waitForFinished(60000));
        const RunRecord after = loadRunRecord(run.toStdString());
        QCOMPARE(after.summary.state, RunState::Stopped);
        const int64_t resumedStep = after.summary.steps;
        const int64_t atKill = step - step % 5;
        QCOMPARE(samplesConsumed(after.checkpoints.back()), 4 * atKill + 2 * (resumedStep - atKill));
    }

    // Sums started during the backward pass (GradientSumOverlap, 1 KiB buckets: one per few tensors) give the same
    // run, bit for bit, as the sums after it (L1RA_DIST_BUCKET_KIB=0): the same elementwise additions.
    void overlappedSumsChangeNothing() {
        const QString after = tmp_.filePath(QStringLiteral("sum-after")), during = tmp_.filePath(QStringLiteral("sum-during"));
        for (const auto& [dir, kib] : {std::pair{after, "0"}, std::pair{during, "1"}}) {
            auto env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("L1RA_DIST_BUCKET_KIB"), QString::fromLatin1(kib));
            const Finished f = runToEnd(trainArgs(dir, 20, 2) << QStringLiteral("--nproc") << QStringLiteral("2"), env);
            QVERIFY2(f.code == 0, qPrintable(f.err));
        }
        QCOMPARE(test::deterministicRecord(during.toStdString()), test::deterministicRecord(after.toStdString()));
        const RunRecord a = loadRunRecord(after.toStdString()), b = loadRunRecord(during.toStdString());
        QVERIFY(!a.reallocations.empty());
        QVERIFY(test::readFile(a.checkpoints.back() + "/trainable.safetensors") == test::readFile(b.checkpoints.back() + "/trainable.safetensors"));

        // And they do start during the backward pass: the bench counts them (many small buckets).
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("L1RA_DIST_BUCKET_KIB"), QStringLiteral("16"));
        QProcess bench;
        bench.setProcessEnvironment(env);
        bench.start(l1raBinary(), {QStringLiteral("bench"), QStringLiteral("--nproc"), QStringLiteral("2"), QStringLiteral("--steps"), QStringLiteral("3"),
                                   QStringLiteral("--warmup"), QStringLiteral("1"), QStringLiteral("--layers"), QStringLiteral("2"), QStringLiteral("--json")});
        QVERIFY(bench.waitForFinished(300000));
        const QByteArray out = bench.readAllStandardOutput();
        QVERIFY2(bench.exitCode() == 0, bench.readAllStandardError().constData());
        const auto j = nlohmann::json::parse(out.toStdString());
        const auto& parallel = j.at("data_parallel");
        QVERIFY2(parallel.at("gradient_buckets").get<double>() > 1, out.constData());
        QVERIFY2(parallel.at("buckets_started_during_backward").get<double>() >= 1, out.constData());
    }

    // The launcher of `--nproc 2` killed with SIGKILL (it cannot pass a signal on): its workers stop as after Ctrl-C,
    // with a checkpoint and a summary, instead of training on with nobody to collect them.
    void aKilledLauncherStopsItsWorkers() {
        const QString run = tmp_.filePath(QStringLiteral("orphans"));
        QProcess launcher;
        // Output to a file: a pipe would close with the launcher and end rank 0 by SIGPIPE, which is not the point.
        launcher.setStandardOutputFile(run + QStringLiteral(".out"));
        launcher.start(l1raBinary(), trainArgs(run, 5000, 2) << QStringLiteral("--nproc") << QStringLiteral("2"));
        QVERIFY(launcher.waitForStarted());
        QElapsedTimer started;
        started.start();
        while (started.elapsed() < 120000 && (!std::filesystem::exists(run.toStdString() + "/metrics.jsonl") ||
                                              test::readFile(run.toStdString() + "/metrics.jsonl").find("\"step\":6,") == std::string::npos))
            QThread::msleep(50);
        launcher.kill();
        QVERIFY(launcher.waitForFinished(10000));
        const auto workersLeft = [&] {   // processes whose command line names the run folder
            int n = 0;
            for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
                std::ifstream in(entry.path() / "cmdline");
                std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                if (cmdline.find(run.toStdString()) != std::string::npos) ++n;
            }
            return n;
        };
        QElapsedTimer clock;
        clock.start();
        while (workersLeft() > 0 && clock.elapsed() < 60000) QThread::msleep(100);
        QCOMPARE(workersLeft(), 0);
        qInfo("the workers stopped %lld ms after the launcher was killed", static_cast<long long>(clock.elapsed()));
        const RunRecord record = loadRunRecord(run.toStdString());
        QVERIFY(record.hasSummary);
        QCOMPARE(record.summary.state, RunState::Stopped);
        QCOMPARE(record.summary.worldSize, 2);
        QVERIFY(!record.checkpoints.empty());
        QVERIFY(record.summary.steps < 5000);
    }

    // Stopped (Ctrl-C reaches the launcher, which passes it on) and resumed with two processes again: the record and
    // the final adapters are those of a run never stopped, bit for bit.
    void aStoppedRunResumesExactly() {
        const int steps = 30;
        const QString whole = tmp_.filePath(QStringLiteral("whole")), stopped = tmp_.filePath(QStringLiteral("stopped"));
        const QStringList nproc{QStringLiteral("--nproc"), QStringLiteral("2")};
        QCOMPARE(runToEnd(trainArgs(whole, steps, 2) + nproc).code, 0);

        QProcess p;
        p.start(l1raBinary(), trainArgs(stopped, steps, 2) + nproc);
        QVERIFY(p.waitForStarted());
        QByteArray buffered;
        QVERIFY(waitForStep(p, 12, buffered));
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 130);
        const RunRecord half = loadRunRecord(stopped.toStdString());
        QCOMPARE(half.summary.state, RunState::Stopped);
        QVERIFY(half.summary.steps < steps);

        const Finished resumed = runToEnd({QStringLiteral("resume"), QStringLiteral("--run"), stopped, QStringLiteral("--json"),
                                           QStringLiteral("--nproc"), QStringLiteral("2")});
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        QCOMPARE(test::deterministicRecord(stopped.toStdString()), test::deterministicRecord(whole.toStdString()));
        const RunRecord a = loadRunRecord(whole.toStdString()), b = loadRunRecord(stopped.toStdString());
        QVERIFY(test::readFile(a.checkpoints.back() + "/trainable.safetensors") == test::readFile(b.checkpoints.back() + "/trainable.safetensors"));
    }

    // `l1ra control` steers a headless data-parallel run: rank 0 reads the command files at a step boundary and every
    // process applies the new λ from the same step (else the next reallocation's check would find the gates differ).
    void aHeadlessRunIsSteered() {
        const QString run = tmp_.filePath(QStringLiteral("steered"));
        QProcess p;
        p.start(l1raBinary(), trainArgs(run, 2000, 2) << QStringLiteral("--nproc") << QStringLiteral("2"));
        QVERIFY(p.waitForStarted());
        QByteArray buffered;
        QVERIFY(waitForStep(p, 3, buffered));
        std::filesystem::create_directories(run.toStdString() + "/commands");
        std::ofstream(run.toStdString() + "/commands/0-garbage.json") << "{not json";
        auto r = test::runCli({"control", "--run", run.toStdString(), "--lambda", "0.125", "--budget", "60"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QByteArray transcript;
        QVERIFY(waitForStep(p, 23, buffered, &transcript));   // past two reallocations with the new λ and budget
        r = test::runCli({"control", "--run", run.toStdString(), "--stop"});
        QCOMPARE(r.code, 0);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 130);
        const RunRecord record = loadRunRecord(run.toStdString());
        QCOMPARE(record.summary.state, RunState::Stopped);
        bool lambda = false, budget = false;
        for (const ControlEvent& c : record.controls) {
            lambda = lambda || (c.kind == l1ra::ControlKind::Lambda && c.value == 0.125);
            budget = budget || (c.kind == l1ra::ControlKind::Budget && c.value == 60);
        }
        QVERIFY(lambda);
        QVERIFY(budget);
        QCOMPARE(record.steps.back().lambda, 0.125);
        QCOMPARE(record.snapshots.back().budget, 60);
        QVERIFY(std::filesystem::is_empty(run.toStdString() + "/commands"));   // taken, the garbage one too
        const QString out = QString::fromUtf8(transcript + buffered + p.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("command ignored")), "the malformed command file was not reported");

        r = test::runCli({"control", "--run", run.toStdString(), "--lambda", "-1"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("lambda must be in [0, 100]") != std::string::npos, r.err.c_str());
    }

    void theEnvironmentIsChecked() {
        struct Case {
            const char* rank;
            const char* world;
            const char* port;
            const char* named;
        };
        for (const Case& c : {Case{"2", "2", "29500", "RANK"}, Case{"0", "two", "29500", "WORLD_SIZE"}, Case{"0", "2", "70000", "MASTER_PORT"},
                              Case{nullptr, "2", "29500", "RANK"}}) {
            qputenv("WORLD_SIZE", c.world);
            if (c.rank) qputenv("RANK", c.rank);
            else qunsetenv("RANK");
            qputenv("MASTER_PORT", c.port);
            try {
                processGroupFromEnvironment();
                QFAIL(qPrintable(QStringLiteral("accepted RANK=%1 WORLD_SIZE=%2 MASTER_PORT=%3").arg(c.rank).arg(c.world).arg(c.port)));
            } catch (const Error& e) {
                QVERIFY2(std::string(e.what()).find(c.named) != std::string::npos, e.what());
            }
        }
        qputenv("RANK", "1");
        qputenv("WORLD_SIZE", "2");
        qputenv("MASTER_PORT", "29501");
        const auto setup = processGroupFromEnvironment();
        QVERIFY(setup.has_value());
        QCOMPARE(setup->rank, 1);
        QCOMPARE(setup->worldSize, 2);
        QCOMPARE(setup->masterPort, 29501);
        for (const char* name : {"RANK", "WORLD_SIZE", "MASTER_PORT"}) qunsetenv(name);
        QVERIFY(!processGroupFromEnvironment().has_value());

        const auto r = test::runCli({"train", "--nproc", "0", "--set", "model=" + test::fixtureModel()});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.find("--nproc must be 1 or more") != std::string::npos, r.err.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDataParallel)
#include "tst_data_parallel.moc"
