// The run config: one schema for files, --set and the studio; unknown keys and bad values name the key.
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "train/lr_schedule.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace l1ra;
using nlohmann::json;

class TestRunConfig : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    static void expectError(const std::function<void()>& fn, const std::string& fragment) {
        try {
            fn();
            QFAIL(("no error, expected: " + fragment).c_str());
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, (std::string(e.what()) + " [expected: " + fragment + "]").c_str());
        }
    }

private Q_SLOTS:
    void stableKeysExist() {
        RunConfig c;
        for (const char* key : {"model", "data.train", "data.val", "data.format", "method", "adapter.rank", "adapter.alpha",
                                "adapter.dropout", "adapter.targets", "l1ra.lambda", "l1ra.eta_c", "l1ra.update_interval",
                                "l1ra.threshold", "l1ra.reassign", "l1ra.exclude_pruned", "train.steps", "train.batch_size",
                                "train.seq_len", "train.grad_accum", "train.lr", "train.weight_decay", "train.warmup",
                                "train.max_grad_norm", "eval.every", "checkpoint.every", "seed", "device", "threads"})
            QVERIFY2(!runConfigValue(c, key).empty(), key);
    }

    void defaultsFollowTheDesign() {
        const RunConfig c;
        QCOMPARE(c.l1ra.lambda, 5e-3);
        QCOMPARE(c.l1ra.etaC, 2e-2);
        QCOMPARE(c.adapter.dropout, 0.1);
        QCOMPARE(c.adapter.targets.size(), std::size_t(7));
        QVERIFY(c.l1ra.reassign && c.l1ra.excludePruned);
        QCOMPARE(effectiveThreshold(c), 2e-2 * 5e-3 + 1e-6);
        RunConfig d;
        d.train.steps = 1000;
        QCOMPARE(effectiveUpdateInterval(d), 50);
        QVERIFY(c.l1ra.keepStrongest && c.l1ra.deadRankReceives && c.l1ra.orderBySurvivors && c.l1ra.fallbackToAll);
        QVERIFY(!c.l1ra.resetOptimizer);
        QCOMPARE(c.l1ra.newRankInit, std::string("fresh"));
    }

    void theReferenceChoicesAreSwitches() {
        RunConfig c;
        c.train.steps = 1000;
        c.train.lr = 1e-4;
        setRunConfigValue(c, "l1ra.interval_share", "0.1");
        QCOMPARE(effectiveUpdateInterval(c), 100);
        QCOMPARE(effectiveThreshold(c, 0.2), 2e-2 * 0.2 + 1e-6);   // the λ given, not the configured one
        setRunConfigValue(c, "l1ra.threshold_rule", "lr");
        QCOMPARE(effectiveThreshold(c, 0.2), 1e-4 * 0.2 + 1e-6);
        setRunConfigValue(c, "l1ra.threshold", "0.05");
        QCOMPARE(effectiveThreshold(c, 0.2), 0.05);
        try {
            setRunConfigValue(c, "l1ra.threshold_rule", "adam");
            QFAIL("accepted an unknown threshold rule");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("not one of eta_c, lr") != std::string::npos);
        }
    }

    void theReallocationWindow() {
        RunConfig c;
        c.train.steps = 400;
        c.l1ra.updateInterval = 25;
        QVERIFY(!reallocatesAfterStep(c, 0) && reallocatesAfterStep(c, 25) && !reallocatesAfterStep(c, 26));
        QVERIFY(reallocatesAfterStep(c, 375) && !reallocatesAfterStep(c, 400));   // never at the end
        c.l1ra.warmupShare = 0.25;    // from step 100
        c.l1ra.cooldownShare = 0.2;   // none after step 320
        QVERIFY(!reallocatesAfterStep(c, 75) && reallocatesAfterStep(c, 100));
        QVERIFY(reallocatesAfterStep(c, 300) && !reallocatesAfterStep(c, 325));
        QCOMPARE(nextReallocationStep(c, 0), int64_t(100));
        QCOMPARE(nextReallocationStep(c, 300), int64_t(0));
        QVERIFY(shrinksAtStep(c, 320) && !shrinksAtStep(c, 321));
        c.l1ra.cooldownShrink = true;
        QVERIFY(shrinksAtStep(c, 400));
        c.method = l1ra::Method::LoRA;
        QVERIFY(!reallocatesAfterStep(c, 100));
        QCOMPARE(maxPrunedPerReallocation(c, 224), -1);
        c.l1ra.maxMoveShare = 0.05;
        QCOMPARE(maxPrunedPerReallocation(c, 224), 11);
    }

    void parsesNestedAndFlat() {
        const RunConfig a = parseRunConfig(R"({"model": "/m", "train": {"lr": 0.001, "steps": 10}, "l1ra": {"reassign": false}})", "a.json");
        const RunConfig b = parseRunConfig(R"({"model": "/m", "train.lr": 0.001, "train.steps": 10, "l1ra.reassign": false})", "b.json");
        QCOMPARE(a.train.lr, 0.001);
        QCOMPARE(a.train.steps, 10);
        QVERIFY(!a.l1ra.reassign);
        QCOMPARE(runConfigToJson(a), runConfigToJson(b));
    }

    void jsonRoundTrip() {
        RunConfig c;
        c.model.path = "/models/x";
        c.method = l1ra::Method::LoRA;
        c.adapter.targets = {"q_proj", "v_proj"};
        c.train.lr = 3e-4;
        c.seed = 12345678901ULL;
        c.l1ra.threshold = 0.01;
        const RunConfig back = parseRunConfig(runConfigToJson(c), "round trip");
        QCOMPARE(runConfigToJson(back), runConfigToJson(c));
        QCOMPARE(back.seed, c.seed);
        QCOMPARE(back.adapter.targets, c.adapter.targets);
    }

    void unknownKeysAreRefusedByName() {
        expectError([] { parseRunConfig(R"({"train": {"lrr": 1}})", "run.json"); }, "run.json: unknown key 'train.lrr'");
        expectError([] { parseRunConfig(R"({"colour": "red"})", "run.json"); }, "unknown key 'colour'");
        RunConfig c;
        expectError([&] { setRunConfigValue(c, "l1ra.lamda", "1"); }, "unknown key 'l1ra.lamda'");
    }

    void outOfRangeAndWrongTypes() {
        expectError([] { parseRunConfig(R"({"adapter": {"rank": 0}})", "r.json"); }, "'adapter.rank' is 0, outside [1, 4096]");
        expectError([] { parseRunConfig(R"({"adapter": {"dropout": 1.5}})", "r.json"); }, "'adapter.dropout' is 1.5");
        expectError([] { parseRunConfig(R"({"train": {"steps": 2.5}})", "r.json"); }, "'train.steps' must be an integer");
        expectError([] { parseRunConfig(R"({"method": "adalora"})", "r.json"); }, "'method' is 'adalora', not one of l1ra, lora, full");
        expectError([] { parseRunConfig(R"({"adapter": {"targets": ["q_proj", "lm_head"]}})", "r.json"); }, "'lm_head', not a LLaMA projection");
        expectError([] { parseRunConfig(R"({"l1ra": {"reassign": "yes"}})", "r.json"); }, "'l1ra.reassign' must be true or false");
        expectError([] { parseRunConfig("[1]", "r.json"); }, "must be a JSON object");
        expectError([] { parseRunConfig("{", "r.json"); }, "r.json: not valid JSON");
    }

    void setParsesEachKind() {
        RunConfig c;
        applyRunConfigAssignment(c, "train.lr=1e-3");
        applyRunConfigAssignment(c, "train.steps=77");
        applyRunConfigAssignment(c, "l1ra.reassign=false");
        applyRunConfigAssignment(c, "method=lora");
        applyRunConfigAssignment(c, "adapter.targets=q_proj,down_proj");
        applyRunConfigAssignment(c, "name=my run = best");
        applyRunConfigAssignment(c, "seed=9");
        QCOMPARE(c.train.lr, 1e-3);
        QCOMPARE(c.train.steps, 77);
        QVERIFY(!c.l1ra.reassign);
        QVERIFY(c.method == l1ra::Method::LoRA);
        QCOMPARE(c.adapter.targets, (std::vector<std::string>{"q_proj", "down_proj"}));
        QCOMPARE(c.name, std::string("my run = best"));
        applyRunConfigAssignment(c, "adapter.targets=all");
        QCOMPARE(c.adapter.targets.size(), std::size_t(7));
        expectError([&] { applyRunConfigAssignment(c, "train.lr=fast"); }, "'fast' is not a valid value");
        expectError([&] { applyRunConfigAssignment(c, "train.lr"); }, "key=value");
        expectError([&] { applyRunConfigAssignment(c, "train.batch_size=-1"); }, "'train.batch_size' is -1");
    }

    void pathsFromSetBecomeAbsolute() {
        RunConfig c;
        applyRunConfigAssignment(c, "model=some/relative/folder");
        QVERIFY(std::filesystem::path(c.model.path).is_absolute());
    }

    void pathsInFilesAreRelativeToTheFile() {
        const std::string path = tmp_.filePath("configs/run.json").toStdString();
        std::filesystem::create_directories(tmp_.filePath("configs").toStdString());
        test::writeFile(path, R"({"model": "../models/m", "data": {"train": "train.txt"}})");
        const RunConfig c = loadRunConfig(path);
        QCOMPARE(c.model.path, tmp_.filePath("models/m").toStdString());
        QCOMPARE(c.data.train, tmp_.filePath("configs/train.txt").toStdString());
        expectError([&] { loadRunConfig(tmp_.filePath("absent.json").toStdString()); }, "absent.json");
    }

    void validation() {
        RunConfig c;
        expectError([&] { validateRunConfig(c); }, "'model' is empty");
        c.model.path = "/m";
        expectError([&] { validateRunConfig(c); }, "'data.train' is empty");
        c.data.train = "/d.txt";
        c.adapter.targets.clear();
        expectError([&] { validateRunConfig(c); }, "'adapter.targets' is empty");
        c.adapter.targets = {"q_proj"};
        c.device = "tpu";
        expectError([&] { validateRunConfig(c); }, "'device' is 'tpu'");
        c.device = "cpu";
        c.train.lr = -1;
        expectError([&] { validateRunConfig(c); }, "'train.lr' is -1");
        c.train.lr = 1e-3;
        validateRunConfig(c);
    }

    // model.base_dtype sits beside the scalar key model: written flat, read flat or under {"model": {"path": ...}};
    // configs written before the key existed still parse.
    void modelKeysSitBesideTheModelFolder() {
        RunConfig c;
        c.model.path = "/models/m";
        c.model.baseDtype = "nf4";
        c.train.gradientCheckpointing = true;
        const json written = json::parse(runConfigToJson(c));
        QCOMPARE(written.at("model").get<std::string>(), std::string("/models/m"));
        QCOMPARE(written.at("model.base_dtype").get<std::string>(), std::string("nf4"));
        QCOMPARE(written.at("model.double_quant").get<bool>(), true);
        QCOMPARE(written.at("train").at("gradient_checkpointing").get<bool>(), true);
        const RunConfig back = parseRunConfig(written.dump(), "written");
        QCOMPARE(back.model.baseDtype, std::string("nf4"));
        QVERIFY(back.train.gradientCheckpointing);
        const RunConfig nested = parseRunConfig(R"({"model": {"path": "/m", "base_dtype": "int8", "double_quant": false}})", "nested");
        QCOMPARE(nested.model.path, std::string("/m"));
        QCOMPARE(nested.model.baseDtype, std::string("int8"));
        QVERIFY(!nested.model.doubleQuant);
        const RunConfig old = parseRunConfig(R"({"model": "/m", "train": {"steps": 3}})", "old");
        QCOMPARE(old.model.baseDtype, std::string("bf16"));
        QVERIFY(!old.train.gradientCheckpointing);
        expectError([] { parseRunConfig(R"({"model.base_dtype": "fp4"})", "x.json"); }, "x.json: 'model.base_dtype' is 'fp4', not one of bf16, int8, nf4");
        expectError([] { parseRunConfig(R"({"model": {"path": "/m", "dtype": "nf4"}})", "x.json"); }, "unknown key 'model.dtype'");
        RunConfig full = c;
        full.data.train = "/d.txt";
        full.method = l1ra::Method::Full;
        expectError([&] { validateRunConfig(full); }, "'model.base_dtype' is 'nf4', but method 'full'");
        RunConfig set;
        setRunConfigValue(set, "model.base_dtype", "int8");
        setRunConfigValue(set, "train.gradient_checkpointing", "true");
        QCOMPARE(set.model.baseDtype, std::string("int8"));
        QVERIFY(set.train.gradientCheckpointing);
    }

    void fieldsDescribeEveryKey() {
        const auto& fields = runConfigFields();
        QVERIFY(fields.size() >= 30);
        for (const auto& f : fields) {
            QVERIFY2(!f.help.empty(), f.key.c_str());
            QVERIFY2(!f.defaultJson.empty(), f.key.c_str());
        }
    }

    void commandLineReproducesTheConfig() {
        RunConfig c;
        c.model.path = "/models/tiny llama";
        c.data.train = "/data/t.txt";
        c.train.steps = 5;
        c.adapter.targets = {"q_proj", "v_proj"};
        const std::string cmd = trainCommandLine(c, "runs/x");
        QVERIFY(cmd.find("--out runs/x") != std::string::npos);
        QVERIFY(cmd.find("--set 'model=/models/tiny llama'") != std::string::npos);
        QVERIFY(cmd.find("--set train.steps=5") != std::string::npos);
        QVERIFY(cmd.find("--set adapter.targets=q_proj,v_proj") != std::string::npos);
        QVERIFY(cmd.find("train.lr") == std::string::npos);   // defaults are left out
    }

    void referenceDocIsCurrent() {
        // docs/run-config.md carries the table `l1ra config --markdown` prints: regenerate it when the schema changes.
        const std::string doc = test::readFile(std::string(L1RA_SOURCE_DIR) + "/docs/run-config.md");
        const auto r = test::runCli({"config", "--markdown"});
        QCOMPARE(r.code, 0);
        QVERIFY2(doc.find(r.out) != std::string::npos, "docs/run-config.md is out of date: paste `l1ra config --markdown` into it");
    }

    void learningRateSchedule() {
        QCOMPARE(scheduledLearningRate(1.0, 0, 100, 10, 0.0), 0.1);
        QCOMPARE(scheduledLearningRate(1.0, 9, 100, 10, 0.0), 1.0);
        QCOMPARE(scheduledLearningRate(1.0, 10, 100, 10, 0.0), 1.0);
        QVERIFY(std::abs(scheduledLearningRate(1.0, 55, 100, 10, 0.0) - 0.5) < 1e-12);
        QVERIFY(std::abs(scheduledLearningRate(1.0, 100, 100, 10, 0.1) - 0.1) < 1e-12);
        QVERIFY(scheduledLearningRate(1.0, 99, 100, 0, 0.0) > 0);
    }
};

QTEST_GUILESS_MAIN(TestRunConfig)
#include "tst_run_config.moc"
