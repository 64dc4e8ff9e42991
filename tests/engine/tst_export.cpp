// Exports: the peft format with per-module ranks, merged HF folders, loading adapters back (ours and
// peft's own), and folders that are replaced whole or not at all.
#include "l1ra/run_tables.h"
#include "train/adapter_loading.h"
#include "io/folder_swap.h"
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/language_model.h"
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "io/model_folder.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>

using namespace l1ra;
using nlohmann::json;
namespace fs = std::filesystem;

class TestExport : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string run_;
    std::vector<int64_t> ids_;

    std::string path(const std::string& name) { return tmp_.filePath(QString::fromStdString(name)).toStdString(); }
    std::vector<float> logits(const std::string& model, const std::string& adapter = "") {
        LoadOptions o;
        o.adapter = adapter;
        return LanguageModel::load(model, o)->logits(ids_);
    }
    static double relative(const std::vector<float>& a, const std::vector<float>& b) { return test::maxAbsDiff(a, b) / test::maxAbs(b); }
    static void expectError(const std::function<void()>& fn, const std::string& fragment) {
        try {
            fn();
            QFAIL(("no error, expected " + fragment).c_str());
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, (std::string(e.what()) + " [expected: " + fragment + "]").c_str());
        }
    }
    // A peft folder written by hand the way peft saves one.
    void writePeft(const std::string& dir, const json& config, const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
        fs::create_directories(dir);
        test::writeFile(dir + "/adapter_config.json", config.dump(2));
        saveTensors(dir + "/adapter_model.safetensors", tensors);
    }

private Q_SLOTS:
    void initTestCase() {
        ids_ = json::parse(test::readFile(test::fixtureModel() + "/reference.json"))["input_ids"].get<std::vector<int64_t>>();
        RunConfig c;
        c.model.path = test::fixtureModel();
        c.data.train = test::dataPath("tiny-text.txt");
        c.train.steps = 60;
        c.train.seqLen = 64;
        c.adapter.rank = 4;
        c.adapter.alpha = 8;
        c.l1ra.etaC = 0.1;
        c.l1ra.lambda = 0.5;
        c.l1ra.updateInterval = 10;
        c.train.lr = 0.01;
        c.train.precision = "f32";
        run_ = path("run");
        QVERIFY(TrainingSession(c, run_).run().state == RunState::Finished);
    }

    void peftFolderHasTheDesignedLayout() {
        const std::string out = path("peft");
        exportPeftAdapter(run_, out);
        const json c = json::parse(test::readFile(out + "/adapter_config.json"));
        QCOMPARE(c["peft_type"].get<std::string>(), std::string("LORA"));
        QCOMPARE(c["task_type"].get<std::string>(), std::string("CAUSAL_LM"));
        QCOMPARE(c["r"].get<int>(), 4);
        QCOMPARE(c["lora_alpha"].get<double>(), 8.0);
        QCOMPARE(c["bias"].get<std::string>(), std::string("none"));
        QCOMPARE(c["target_modules"].size(), std::size_t(7));
        QCOMPARE(c["base_model_name_or_path"].get<std::string>(), test::fixtureModel());
        QCOMPARE(c["rank_pattern"].size(), std::size_t(14));
        const SafetensorsFile f(out + "/adapter_model.safetensors");
        QCOMPARE(f.tensors().size(), std::size_t(28));
        std::set<int> ranks;
        int total = 0;
        for (auto it = c["rank_pattern"].begin(); it != c["rank_pattern"].end(); ++it) {
            const std::string m = it.key();
            const int r = it.value().get<int>();
            ranks.insert(r);
            total += r;
            int layer, proj;
            QVERIFY2(parseModuleName(m, &layer, &proj), m.c_str());
            const auto& A = f.tensor("base_model.model." + m + ".lora_A.weight");
            const auto& B = f.tensor("base_model.model." + m + ".lora_B.weight");
            QCOMPARE(A.shape[0], int64_t(r));
            QCOMPARE(B.shape[1], int64_t(r));
            QCOMPARE(A.shape[1], proj == 6 ? int64_t(176) : int64_t(64));
            QCOMPARE(B.shape[0], proj == 1 || proj == 2 ? int64_t(32) : proj == 4 || proj == 5 ? int64_t(176) : int64_t(64));
            // peft's scale alpha_i / r_i equals ours, alpha / r0.
            QCOMPARE(c["alpha_pattern"][m].get<double>() / r, 8.0 / 4.0);
        }
        QVERIFY2(ranks.size() >= 2, "ranks should differ across modules after reallocation");
        QCOMPARE(total, 56);   // the budget
        // The project's record travels with it: the studio reopens it.
        const RunRecord rec = loadRunRecord(out + "/l1ra_run");
        QVERIFY(rec.snapshots.size() >= 2);
        QVERIFY(fileExistsHelper(out + "/l1ra_run/gates.safetensors"));
    }

    void gatesAreFoldedIntoA() {
        const std::string out = path("peft-fold");
        exportPeftAdapter(run_, out);
        const LlamaConfig cfg = loadLlamaConfig(test::fixtureModel());
        const auto trained = loadAdapterSet(run_, cfg, torch::kCPU);
        const SafetensorsFile f(out + "/adapter_model.safetensors");
        for (const Adapter& a : trained->adapters()) {
            const auto A = loadTensor(f.tensor("base_model.model." + a.moduleName() + ".lora_A.weight"), torch::kFloat32);
            QVERIFY(torch::equal(A, a.A.value * a.gate.value.clamp(0, 1).unsqueeze(1)));
        }
    }

    void unmergedEqualsMergedAndImportRoundTrips() {
        const std::string peft = path("peft-rt"), merged = path("merged");
        exportPeftAdapter(run_, peft);
        exportMergedModel(run_, merged);
        const auto base = logits(test::fixtureModel());
        const auto viaRun = logits(test::fixtureModel(), run_);
        const auto viaPeft = logits(test::fixtureModel(), peft);
        const auto viaMerged = logits(merged);
        qInfo("adapter effect %.3g, run vs peft %.3g, unmerged vs merged %.3g", relative(viaRun, base), relative(viaPeft, viaRun),
              relative(viaMerged, viaRun));
        QVERIFY(relative(viaRun, base) > 1e-2);        // the adapter matters
        QVERIFY(relative(viaPeft, viaRun) < 1e-6);     // export -> import keeps the function
        QVERIFY(relative(viaMerged, viaRun) < 1e-5);   // merging too, within fp32 rounding
        // Importing the export and reading its weights back gives the same tensors, bit for bit.
        const auto imported = loadAdapterSet(peft, loadLlamaConfig(test::fixtureModel()), torch::kCPU);
        const SafetensorsFile f(peft + "/adapter_model.safetensors");
        for (const Adapter& a : imported->adapters()) {
            QVERIFY(torch::equal(a.A.value, loadTensor(f.tensor("base_model.model." + a.moduleName() + ".lora_A.weight"), torch::kFloat32)));
            QVERIFY(torch::equal(a.B.value, loadTensor(f.tensor("base_model.model." + a.moduleName() + ".lora_B.weight"), torch::kFloat32)));
        }
        // The merged folder is a complete HF model.
        const ModelInfo info = inspectModel(merged);
        QCOMPARE(info.storedDtype, std::string("F32"));
        QVERIFY(!info.tokenizer.empty());
    }

    void mergedExportShardsAboveTheLimit() {
        ExportOptions o;
        o.maxShardBytes = 200000;
        const std::string merged = path("merged-sharded");
        exportMergedModel(run_, merged, o);
        QVERIFY(fileExistsHelper(merged + "/model.safetensors.index.json"));
        const ModelInfo info = inspectModel(merged);
        QVERIFY(info.weightFiles.size() >= 3);
        QVERIFY(relative(logits(merged), logits(path("merged"))) == 0.0);
    }

    void handWrittenPeftAdapterGivesTheExpectedLogits() {
        // Global r = 2, alpha 4, q and v only, no patterns: expected = base with W += (alpha / r) B A by hand.
        torch::manual_seed(11);
        std::vector<std::pair<std::string, torch::Tensor>> tensors;
        std::map<std::string, torch::Tensor> deltas;
        for (int layer = 0; layer < 2; ++layer) {
            for (const char* p : {"q_proj", "v_proj"}) {
                const std::string m = "model.layers." + std::to_string(layer) + ".self_attn." + p;
                const int64_t out = std::string(p) == "q_proj" ? 64 : 32;
                auto A = torch::randn({2, 64}) * 0.3, B = torch::randn({out, 2}) * 0.3;
                tensors.emplace_back("base_model.model." + m + ".lora_A.weight", A);
                tensors.emplace_back("base_model.model." + m + ".lora_B.weight", B);
                deltas[m + ".weight"] = 2.0 * torch::matmul(B, A);
            }
        }
        const std::string dir = path("handmade");
        writePeft(dir, {{"peft_type", "LORA"}, {"r", 2}, {"lora_alpha", 4}, {"target_modules", {"q_proj", "v_proj"}},
                        {"bias", "none"}, {"task_type", "CAUSAL_LM"}}, tensors);
        const ModelFolder folder(test::fixtureModel());
        std::vector<std::pair<std::string, torch::Tensor>> merged;
        for (const auto& [name, view] : folder.tensors()) {
            auto t = loadTensor(*view, torch::kFloat32);
            if (deltas.count(name)) t = t + deltas[name];
            merged.emplace_back(name, t);
        }
        const std::string mergedDir = path("handmade-merged");
        fs::create_directories(mergedDir);
        fs::copy_file(test::fixtureModel() + "/config.json", mergedDir + "/config.json");
        saveTensors(mergedDir + "/model.safetensors", merged);
        const double err = relative(logits(test::fixtureModel(), dir), logits(mergedDir));
        qInfo("hand-written peft adapter vs hand-merged weights: %.3g", err);
        QVERIFY(err < 1e-5);

        // use_rslora scales by alpha / sqrt(r): same weights, different function.
        const std::string rs = path("handmade-rslora");
        writePeft(rs, {{"peft_type", "LORA"}, {"r", 2}, {"lora_alpha", 4}, {"use_rslora", true}, {"target_modules", {"q_proj", "v_proj"}}}, tensors);
        const auto imported = loadAdapterSet(rs, folder.config(), torch::kCPU);
        QCOMPARE(imported->adapters()[0].scale, 4.0 / std::sqrt(2.0));
        // rank_pattern/alpha_pattern with peft's suffix matching: "q_proj" names every q_proj.
        const std::string pat = path("handmade-pattern");
        writePeft(pat, {{"peft_type", "LORA"}, {"r", 2}, {"lora_alpha", 4}, {"alpha_pattern", {{"q_proj", 8}}}, {"target_modules", {"q_proj", "v_proj"}}}, tensors);
        const auto patterned = loadAdapterSet(pat, folder.config(), torch::kCPU);
        for (const auto& a : patterned->adapters()) QCOMPARE(a.scale, a.projection == 0 ? 4.0 : 2.0);
    }

    void unsupportedPeftFeaturesAreRefused() {
        auto A = torch::zeros({2, 64}), B = torch::zeros({64, 2});
        const std::vector<std::pair<std::string, torch::Tensor>> t = {{"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", A},
                                                                       {"base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", B}};
        const LlamaConfig cfg = loadLlamaConfig(test::fixtureModel());
        const json ok = {{"peft_type", "LORA"}, {"r", 2}, {"lora_alpha", 4}};
        auto refuse = [&](const std::string& name, json c, const std::string& fragment,
                          std::vector<std::pair<std::string, torch::Tensor>> tensors = {}) {
            const std::string dir = path("refuse-" + name);
            writePeft(dir, c, tensors.empty() ? t : tensors);
            expectError([&] { loadAdapterSet(dir, cfg, torch::kCPU); }, fragment);
        };
        json c = ok;
        c["use_dora"] = true;
        refuse("dora", c, "DoRA");
        c = ok;
        c["bias"] = "all";
        refuse("bias", c, "bias training");
        c = ok;
        c["modules_to_save"] = {"lm_head"};
        refuse("mts", c, "modules_to_save");
        c = ok;
        c["peft_type"] = "ADALORA";
        refuse("adalora", c, "peft_type 'ADALORA'");
        refuse("rank", ok, "rank 3 but adapter_config.json says 2",
               {{"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", torch::zeros({3, 64})},
                {"base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", torch::zeros({64, 3})}});
        refuse("shape", ok, "lora_B has shape",
               {{"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", A},
                {"base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", torch::zeros({32, 2})}});
        refuse("embed", ok, "embedding adapters",
               {{"base_model.model.model.embed_tokens.lora_embedding_A", A}});
        refuse("half", ok, "only one of lora_A and lora_B", {{"base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", A}});
        const std::string bin = path("refuse-bin");
        fs::create_directories(bin);
        test::writeFile(bin + "/adapter_config.json", ok.dump());
        test::writeFile(bin + "/adapter_model.bin", "pickle");
        expectError([&] { loadAdapterSet(bin, cfg, torch::kCPU); }, "adapter_model.bin (pickle) is not supported");
        // Through the CLI, with a clear message and a non-zero exit.
        const auto r = test::runCli({"logits", "--model", test::fixtureModel(), "--ids", "1,2", "--out", path("x.safetensors"), "--adapter", path("refuse-dora")});
        QVERIFY(r.code != 0 && r.err.find("DoRA") != std::string::npos);
    }

    void exportsNeverOverwriteUnlessAsked() {
        const std::string out = path("peft-twice");
        exportPeftAdapter(run_, out);
        test::writeFile(out + "/marker", "old");
        expectError([&] { exportPeftAdapter(run_, out); }, "already exists");
        QVERIFY(fileExistsHelper(out + "/marker"));
        ExportOptions force;
        force.force = true;
        exportPeftAdapter(run_, out, force);
        QVERIFY(!fileExistsHelper(out + "/marker"));
        QVERIFY(fileExistsHelper(out + "/adapter_config.json"));
        // A failure half-way leaves the old folder as it was and no temporary behind.
        test::writeFile(out + "/marker", "old");
        expectError([&] { writeFolderAtomically(out, true, [](const std::string& d) {
                         test::writeFile(d + "/partial", "x");
                         throw Error("disk full");
                     }); }, "disk full");
        QVERIFY(fileExistsHelper(out + "/marker"));
        int leftovers = 0;
        for (const auto& e : fs::directory_iterator(tmp_.path().toStdString()))
            if (e.path().filename().string().find(".tmp-") != std::string::npos) ++leftovers;
        QCOMPARE(leftovers, 0);
    }

    void cliExportAndErrors() {
        const std::string out = path("cli-peft");
        auto r = test::runCli({"export", "--run", run_, "--format", "peft", "--out", out});
        QVERIFY2(r.code == 0, r.err.c_str());
        r = test::runCli({"export", "--run", run_, "--format", "peft", "--out", out});
        QVERIFY(r.code != 0 && r.err.find("--force") != std::string::npos);
        r = test::runCli({"export", "--run", run_, "--format", "onnx", "--out", path("g")});
        QVERIFY(r.code != 0 && r.err.find("peft, merged, gguf-lora, gguf, metrics-csv or ranks-csv") != std::string::npos);
        r = test::runCli({"export", "--run", path("nothing"), "--format", "peft", "--out", path("n")});
        QVERIFY(r.code != 0 && r.err.find("nothing") != std::string::npos);
        r = test::runCli({"generate", "--model", test::fixtureModel(), "--adapter", out, "--prompt", "The", "--max-new-tokens", "3"});
        QVERIFY2(r.code == 0, r.err.c_str());
    }

    // The run's tables as CSV, from the run folder or from the record inside an exported adapter.
    void cliExportsCsvTables() {
        const RunRecord record = loadRunRecord(run_);
        const auto lines = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
        const std::string metrics = path("metrics.csv");
        auto r = test::runCli({"export", "--run", run_, "--format", "metrics-csv", "--out", metrics});
        QVERIFY2(r.code == 0, r.err.c_str());
        std::string table = test::readFile(metrics);
        QVERIFY(table.rfind("step,loss,lr,grad_norm,", 0) == 0);
        QVERIFY(lines(table) >= 1 + std::ptrdiff_t(record.steps.size()));
        QCOMPARE(table, metricsCsv(record));
        r = test::runCli({"export", "--run", run_, "--format", "metrics-csv", "--out", metrics});
        QVERIFY2(r.code != 0 && r.err.find("exists") != std::string::npos && r.err.find("--force") != std::string::npos, r.err.c_str());
        r = test::runCli({"export", "--run", run_, "--format", "metrics-csv", "--out", metrics, "--force"});
        QVERIFY2(r.code == 0, r.err.c_str());

        const std::string adapter = path("csv-peft"), ranks = path("ranks.csv");
        QVERIFY(test::runCli({"export", "--run", run_, "--format", "peft", "--out", adapter}).code == 0);
        r = test::runCli({"export", "--run", adapter, "--format", "ranks-csv", "--out", ranks});
        QVERIFY2(r.code == 0, r.err.c_str());
        table = test::readFile(ranks);
        QVERIFY(table.rfind("step,layer,projection,rank,gate_mass\n", 0) == 0);
        std::ptrdiff_t adapters = 0;
        for (const RankSnapshot& s : record.snapshots) adapters += std::count(s.targeted.begin(), s.targeted.end(), true);
        QVERIFY(adapters > 0);
        QCOMPARE(lines(table), 1 + adapters);
        r = test::runCli({"export", "--run", path("nothing"), "--format", "ranks-csv", "--out", path("r.csv")});
        QVERIFY2(r.code != 0 && r.err.find("no run record") != std::string::npos, r.err.c_str());
    }

    void rankOneAdaptersStayValid() {
        // An adapter pruned to a single rank exports as r = 1 and loads back.
        const std::string out = path("peft-r1");
        exportPeftAdapter(run_, out);
        const json c = json::parse(test::readFile(out + "/adapter_config.json"));
        bool sawOne = false;
        for (auto it = c["rank_pattern"].begin(); it != c["rank_pattern"].end(); ++it) sawOne = sawOne || it.value() == 1;
        if (!sawOne) QSKIP("no adapter reached rank 1 in this run");
        QVERIFY(!logits(test::fixtureModel(), out).empty());
    }

    void committedExportStillLoads() {
        // tests/data/tiny-llama-l1ra-peft is an export made by an earlier version (ranks 1 to 9 across modules):
        // the format must keep loading, with the same logits.
        const std::string dir = test::dataPath("tiny-llama-l1ra-peft");
        const auto expected = test::readFloats(dir + "/expected_logits.safetensors", "logits");
        LoadOptions o;
        o.adapter = dir;
        const auto got = LanguageModel::load(test::fixtureModel(), o)->logits(test::readInt64s(dir + "/expected_logits.safetensors", "input_ids"));
        QVERIFY(relative(got, expected) < 1e-6);
    }

    void fullFineTuningExportsMergedOnly() {
        RunConfig c;
        c.model.path = test::fixtureModel();
        c.data.train = test::dataPath("tiny-text.txt");
        c.method = l1ra::Method::Full;
        c.train.steps = 5;
        c.train.seqLen = 64;
        c.train.lr = 1e-3;
        c.train.precision = "f32";
        const std::string run = path("full-run");
        QVERIFY(TrainingSession(c, run).run().state == RunState::Finished);
        expectError([&] { exportPeftAdapter(run, path("full-peft")); }, "export it with --format merged");
        exportMergedModel(run, path("full-merged"));
        QVERIFY(relative(logits(path("full-merged")), logits(test::fixtureModel())) > 1e-3);
    }

private:
    static bool fileExistsHelper(const std::string& p) { return fs::exists(p); }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
