// `l1ra train`, `resume` and `eval`: the run folder they write, JSON events, a clean stop on SIGINT/SIGTERM,
// and errors that name the key or file.
#include "l1ra/run_record.h"
#include "test_support.h"

#include <QProcess>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <cmath>
#include <cstdio>
#include <set>
#include <tuple>

using namespace l1ra;
using nlohmann::json;

namespace {

std::vector<std::string> fixtureTrainArgs(const std::string& out, int steps) {
    return {"train", "--out", out, "--set", "model=" + test::fixtureModel(), "--set", "data.train=" + test::dataPath("tiny-text.txt"),
            "--set", "train.steps=" + std::to_string(steps), "--set", "train.seq_len=64", "--set", "adapter.rank=4",
            "--set", "l1ra.eta_c=0.1", "--set", "l1ra.lambda=0.5", "--set", "l1ra.update_interval=5", "--set", "train.lr=0.01",
            "--set", "eval.every=10", "--set", "train.precision=f32"};
}

}  // namespace

class TestCliTraining : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void trainWritesTheRunFolder() {
        const std::string out = tmp_.filePath("run-a").toStdString();
        const auto r = test::runCli(fixtureTrainArgs(out, 20));
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(r.out.find("finished: 20 steps") != std::string::npos);
        QVERIFY(r.out.find("reallocation") != std::string::npos);
        const RunRecord rec = loadRunRecord(out);
        QCOMPARE(rec.steps.size(), std::size_t(20));
        QVERIFY(rec.evals.size() >= 2);
        QCOMPARE(rec.config.train.steps, 20);
        // ranks.jsonl lines carry step, budget and a 7-wide rank row per layer.
        std::istringstream ranks(test::readFile(out + "/ranks.jsonl"));
        std::string line;
        int lines = 0;
        while (std::getline(ranks, line)) {
            const json j = json::parse(line);
            QVERIFY(j.contains("step") && j.contains("budget"));
            QCOMPARE(j["ranks"].size(), std::size_t(2));
            QCOMPARE(j["ranks"][0].size(), std::size_t(7));
            ++lines;
        }
        QCOMPARE(lines, 1 + 3 + 1);
        const json summary = json::parse(test::readFile(out + "/summary.json"));
        QCOMPARE(summary["state"].get<std::string>(), std::string("finished"));
    }

    // A model folder whose only tokenizer is a tokenizer.json trains, and the log says which tokenizer ran.
    void trainsWithATokenizerJsonOnlyFolder() {
        const std::string model = tmp_.filePath("json-model").toStdString();
        test::copyFolder(test::fixtureModel(), model);
        std::filesystem::remove(model + "/tokenizer.model");
        test::copyFolder(test::dataPath("tokenizers/byte-level-bpe"), model);
        const std::string out = tmp_.filePath("run-json").toStdString();
        auto args = fixtureTrainArgs(out, 4);
        args.insert(args.end(), {"--set", "model=" + model});
        const auto r = test::runCli(args);
        QVERIFY2(r.code == 0, r.err.c_str());
        QVERIFY(r.out.find("finished: 4 steps") != std::string::npos);
        QVERIFY2(r.out.find("tokenizer.json (byte-level BPE)") != std::string::npos, r.out.c_str());
    }

    void configFileWithSetOverrides() {
        const std::string cfg = tmp_.filePath("run.json").toStdString();
        test::writeFile(cfg, json{{"model", test::fixtureModel()}, {"data", {{"train", test::dataPath("tiny-alpaca.jsonl")}}},
                                  {"method", "lora"}, {"train", {{"steps", 50}, {"seq_len", 64}}}}
                                 .dump());
        const std::string out = tmp_.filePath("run-b").toStdString();
        const auto r = test::runCli({"train", "--config", cfg, "--set", "train.steps=4", "--out", out, "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        std::istringstream lines(r.out);
        std::string line;
        int steps = 0;
        std::set<std::string> types;
        while (std::getline(lines, line)) {
            const json j = json::parse(line);   // every line is one JSON object
            types.insert(j["type"].get<std::string>());
            if (j["type"] == "step") ++steps;
        }
        QCOMPARE(steps, 4);
        QVERIFY(types.count("state") && types.count("eval") && types.count("checkpoint") && types.count("ranks"));
        QVERIFY(loadRunRecord(out).config.method == Method::LoRA);
    }

    void sigtermStopsCleanlyAndResumeFinishes() {
        const std::string out = tmp_.filePath("run-c").toStdString();
        QProcess p;
        QStringList args;
        for (const auto& a : fixtureTrainArgs(out, 150)) args << QString::fromStdString(a);
        args << "--set" << "checkpoint.every=0";
        p.start(QString(L1RA_BIN_DIR) + "/l1ra", args);
        QVERIFY(p.waitForStarted());
        QByteArray seen;
        while (!seen.contains("step 22/150") && p.waitForReadyRead(30000)) seen += p.readAllStandardOutput();
        QVERIFY2(seen.contains("step 22/150"), seen.constData());
        p.terminate();   // SIGTERM, handled like Ctrl-C
        QVERIFY(p.waitForFinished(60000));
        seen += p.readAllStandardOutput();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(seen.contains("interrupted"), seen.constData());
        const RunRecord stopped = loadRunRecord(out);
        QCOMPARE(stopped.summary.state, RunState::Stopped);
        QCOMPARE(stopped.checkpoints.size(), std::size_t(1));
        const int64_t at = stopped.summary.steps;
        QVERIFY(at >= 22 && at < 150);

        const auto r = test::runCli({"resume", "--run", out});
        QVERIFY2(r.code == 0, r.err.c_str());
        const RunRecord done = loadRunRecord(out);
        QCOMPARE(done.steps.size(), std::size_t(150));
        for (std::size_t i = 0; i < done.steps.size(); ++i) QCOMPARE(done.steps[i].step, int64_t(i + 1));   // no gaps, no repeats
        QCOMPARE(done.summary.state, RunState::Finished);
    }

    void evalReportsLossAndPerplexity() {
        const std::string out = tmp_.filePath("run-d").toStdString();
        QCOMPARE(test::runCli(fixtureTrainArgs(out, 30)).code, 0);
        const auto base = test::runCli({"eval", "--model", test::fixtureModel(), "--data", test::dataPath("tiny-text.txt"), "--seq-len", "64", "--json"});
        const auto tuned = test::runCli({"eval", "--run", out, "--data", test::dataPath("tiny-text.txt"), "--seq-len", "64", "--json"});
        QVERIFY2(base.code == 0, base.err.c_str());
        QVERIFY2(tuned.code == 0, tuned.err.c_str());
        const json b = json::parse(base.out), t = json::parse(tuned.out);
        QVERIFY(std::abs(std::exp(b["loss"].get<double>()) - b["perplexity"].get<double>()) < 1e-6 * b["perplexity"].get<double>());
        QVERIFY(t["loss"].get<double>() < b["loss"].get<double>() - 0.5);   // the adapter learnt the text
        QCOMPARE(t["format"].get<std::string>(), std::string("text"));
        const auto plain = test::runCli({"eval", "--run", out, "--data", test::dataPath("tiny-text.txt"), "--seq-len", "64"});
        QVERIFY(plain.out.find("perplexity") != std::string::npos);
    }

    void compareReportsEachRunAndTheMethodMeans() {
        // Two L1RA seeds and one LoRA run of the fixture: one row each, then mean ± sd per method and mean ranks.
        std::vector<std::string> dirs;
        for (const auto& [name, method, seed] : {std::tuple{"cmp-l1ra-1", "l1ra", 1}, {"cmp-l1ra-2", "l1ra", 2}, {"cmp-lora", "lora", 1}}) {
            dirs.push_back(tmp_.filePath(name).toStdString());
            auto args = fixtureTrainArgs(dirs.back(), 15);
            for (const std::string& kv : {std::string("method=") + method, "seed=" + std::to_string(seed)}) {
                args.push_back("--set");
                args.push_back(kv);
            }
            const auto r = test::runCli(args);
            QVERIFY2(r.code == 0, r.err.c_str());
        }
        std::vector<std::string> args{"compare"};
        args.insert(args.end(), dirs.begin(), dirs.end());
        const auto r = test::runCli(args);
        QVERIFY2(r.code == 0, r.err.c_str());
        const RunRecord a = loadRunRecord(dirs[0]), b = loadRunRecord(dirs[1]);
        const double pa = std::exp(a.summary.finalValLoss), pb = std::exp(b.summary.finalValLoss);
        const double mean = (pa + pb) / 2, sd = std::sqrt(((pa - mean) * (pa - mean) + (pb - mean) * (pb - mean)) / 1.0);   // sample sd, n - 1 = 1
        char expected[64];
        std::snprintf(expected, sizeof expected, "| l1ra | 2 | %.3f ± %.3f |", mean, sd);
        QVERIFY2(r.out.find(expected) != std::string::npos, (std::string(expected) + "\n" + r.out).c_str());
        QVERIFY(r.out.find("| cmp-lora | lora | 1 | 15 |") != std::string::npos);
        QVERIFY(r.out.find("| lora | 8.00 | 8.00 |") == std::string::npos);   // rank 4 here, not 8
        QVERIFY(r.out.find("| lora | 4.00 | 4.00 | 4.00 | 4.00 | 4.00 | 4.00 | 4.00 |") != std::string::npos);
        QVERIFY(r.out.find("| lora | 28.0 | 28.0 |") != std::string::npos);   // per layer: 7 projections x rank 4
        // The two L1RA runs differ only in their seed: one configuration.
        std::snprintf(expected, sizeof expected, "| cmp-l1ra-1 | l1ra | 2 | %.3f ± %.3f |", mean, sd);
        QVERIFY2(r.out.find(expected) != std::string::npos, r.out.c_str());
        // Churn of the L1RA runs only: two reallocations each (steps 5 and 10).
        QVERIFY2(r.out.find("| cmp-l1ra-1 | 2 | ") != std::string::npos, r.out.c_str());
        QVERIFY(r.out.find("| cmp-lora | 0 |") == std::string::npos);
        // A run that has not ended is refused with its folder named.
        const auto bad = test::runCli({"compare", tmp_.path().toStdString()});
        QVERIFY(bad.code != 0);
        QVERIFY(bad.err.find(tmp_.path().toStdString()) != std::string::npos);
    }

    void sweepRunsTheGridAndTabulatesIt() {
        const std::string dir = tmp_.filePath("sweep-a").toStdString();
        std::vector<std::string> args = fixtureTrainArgs("", 6);
        args.erase(args.begin(), args.begin() + 3);   // "train --out X"
        args.insert(args.begin(), {"sweep", "--grid", "l1ra.lambda=0.1,0.5", "--seeds", "2", "--out", dir});
        const auto r = test::runCli(args);
        QVERIFY2(r.code == 0, (r.out + r.err).c_str());
        for (const char* run : {"lambda=0.1-seed42", "lambda=0.1-seed43", "lambda=0.5-seed42", "lambda=0.5-seed43"}) {
            const RunRecord rec = loadRunRecord(dir + "/" + run);
            QCOMPARE(rec.summary.state, RunState::Finished);
            QCOMPARE(rec.config.l1ra.lambda, std::string(run).find("0.5") != std::string::npos ? 0.5 : 0.1);
        }
        const std::string table = test::readFile(dir + "/sweep.md");
        QVERIFY2(table.find("| l1ra.lambda | seeds |") == 0, table.c_str());
        QVERIFY2(table.find("| 0.5 | 2/2 | ") != std::string::npos, table.c_str());
        QCOMPARE(test::runCli({"compare", dir}).out, table);
        // The same command again continues the sweep: nothing left to run.
        const auto again = test::runCli(args);
        QVERIFY2(again.code == 0, again.err.c_str());
        QVERIFY(again.out.find("[4/4] l1ra.lambda=0.5 seed 43: done before") != std::string::npos);
        // --plan: the manifest and the list of runs, nothing trained.
        auto plan = args;
        plan[6] = tmp_.filePath("sweep-plan").toStdString();
        plan.push_back("--plan");
        const auto planned = test::runCli(plan);
        QVERIFY2(planned.code == 0, planned.err.c_str());
        QVERIFY2(planned.out.find("3\tlambda=0.5-seed43\tl1ra.lambda=0.5 seed 43\n") != std::string::npos, planned.out.c_str());
        QVERIFY(QFile::exists(QString::fromStdString(plan[6] + "/sweep.json")));
        QVERIFY(!QFile::exists(QString::fromStdString(plan[6] + "/lambda=0.1-seed42")));
        // Another grid in the same folder, and bad grids, are refused with the reason.
        auto other = args;
        other[2] = "l1ra.lambda=0.2";
        const auto refused = test::runCli(other);
        QVERIFY(refused.code != 0);
        QVERIFY2(refused.err.find("holds another sweep") != std::string::npos, refused.err.c_str());
        for (const auto& [grid, fragment] : {std::pair{"l1ra.lamda=1", "unknown key 'l1ra.lamda'"}, {"l1ra.lambda=x", "'x' is not a valid value"},
                                             {"l1ra.lambda", "--grid expects key=value1,value2"}, {"seed=1,2", "--seeds"}}) {
            auto bad = args;
            bad[2] = grid;
            bad[6] = tmp_.filePath("sweep-bad").toStdString();
            const auto e = test::runCli(bad);
            QVERIFY(e.code != 0);
            QVERIFY2(e.err.find(fragment) != std::string::npos, (e.err + " [expected: " + fragment + "]").c_str());
        }
    }

    void sweepJobsRunAsChildProcesses() {
        const QString dir = tmp_.filePath("sweep-jobs");
        QStringList args{"sweep", "--grid", "method=lora,l1ra", "--seeds", "1", "--jobs", "2", "--out", dir, "--set", "threads=1"};
        for (const auto& a : fixtureTrainArgs("", 4)) args << QString::fromStdString(a);
        args.removeAt(11);   // "train"
        args.removeAt(11);   // "--out"
        args.removeAt(11);   // ""
        QProcess p;
        p.start(QString(L1RA_BIN_DIR) + "/l1ra", args);
        QVERIFY(p.waitForFinished(300000));
        const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(p.exitCode() == 0, out.constData());
        QVERIFY2(out.contains("2 at a time"), out.constData());
        for (const char* run : {"method=lora-seed42", "method=l1ra-seed42"}) {
            QCOMPARE(loadRunRecord((dir + "/" + run).toStdString()).summary.state, RunState::Finished);
            QVERIFY(QFile::exists(dir + "/logs/" + run + ".txt"));
        }
        QVERIFY(test::readFile((dir + "/sweep.md").toStdString()).find("| lora | 1/1 |") != std::string::npos);
    }

    void errorsNameTheKeyOrFile() {
        auto expect = [](const std::vector<std::string>& args, const std::string& fragment) {
            const auto r = test::runCli(args);
            QVERIFY(r.code != 0);
            QVERIFY2(r.err.find(fragment) != std::string::npos, (r.err + " [expected: " + fragment + "]").c_str());
        };
        const std::string out = tmp_.filePath("run-e").toStdString();
        expect({"train", "--out", out, "--set", "train.lrr=1"}, "unknown key 'train.lrr'");
        expect({"train", "--out", out, "--set", "adapter.rank=0"}, "'adapter.rank' is 0");
        expect({"train", "--out", out}, "'model' is empty");
        expect({"train", "--config", tmp_.filePath("nope.json").toStdString()}, "nope.json");
        auto args = fixtureTrainArgs(out, 2);
        args.push_back("--set");
        args.push_back("data.train=" + tmp_.filePath("missing.jsonl").toStdString());
        expect(args, "missing.jsonl");
        expect({"resume", "--run", tmp_.filePath("nothing").toStdString()}, "not a run folder");
        expect({"eval", "--data", "x"}, "--model is required");
        expect({"eval", "--model", test::fixtureModel(), "--data", tmp_.filePath("none.txt").toStdString()}, "none.txt");
        expect({"eval", "--model", test::fixtureModel(), "--adapter", tmp_.filePath("noadapter").toStdString(), "--data",
                test::dataPath("tiny-text.txt")}, "noadapter");
    }
};

QTEST_GUILESS_MAIN(TestCliTraining)
#include "tst_cli_training.moc"
