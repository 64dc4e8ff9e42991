// Model folders: every bad input is refused with a message naming the file and the problem.
#include "l1ra/error.h"
#include "l1ra/language_model.h"
#include "l1ra/model_info.h"
#include "io/model_config.h"
#include "io/safetensors.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace l1ra;
using nlohmann::json;

class TestModelLoading : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int counter_ = 0;

    // A fresh copy of the fixture to damage.
    std::string copyFixture() {
        const std::string dir = tmp_.filePath(QString("model%1").arg(counter_++)).toStdString();
        test::copyFolder(test::fixtureModel(), dir);
        return dir;
    }
    void editConfig(const std::string& dir, const std::function<void(json&)>& edit) {
        json j = json::parse(test::readFile(dir + "/config.json"));
        edit(j);
        test::writeFile(dir + "/config.json", j.dump(2));
    }
    // Rewrites model.safetensors keeping the tensors `keep` accepts, plus `extra`.
    void rewriteWeights(const std::string& dir, const std::function<bool(const std::string&)>& keep,
                        const std::vector<TensorBlob>& extra = {}) {
        const std::string bytes = test::readFile(test::fixtureModel() + "/model.safetensors");
        const std::string scratch = dir + "/orig.bin";
        test::writeFile(scratch, bytes);
        SafetensorsFile f(scratch);
        std::vector<TensorBlob> blobs;
        for (const auto& [name, v] : f.tensors())
            if (keep(name)) blobs.push_back({name, v.dtype, v.shape, v.data, v.nbytes});
        blobs.insert(blobs.end(), extra.begin(), extra.end());
        writeSafetensors(dir + "/model.safetensors", blobs);
        std::filesystem::remove(scratch);
    }
    static void expectError(const std::function<void()>& fn, const std::vector<std::string>& fragments) {
        try {
            fn();
            QFAIL("no error");
        } catch (const Error& e) {
            const std::string msg = e.what();
            for (const auto& f : fragments) QVERIFY2(msg.find(f) != std::string::npos, (msg + "  [expected: " + f + "]").c_str());
        }
    }
    void expectInspectError(const std::string& dir, const std::vector<std::string>& fragments) {
        expectError([&] { inspectModel(dir); }, fragments);
    }

private Q_SLOTS:
    void inspectsFixture() {
        const ModelInfo info = inspectModel(test::fixtureModel());
        QCOMPARE(info.numLayers, int64_t(2));
        QCOMPARE(info.numHeads, int64_t(4));
        QCOMPARE(info.numKvHeads, int64_t(2));
        QCOMPARE(info.headDim, int64_t(16));
        QCOMPARE(info.vocabSize, int64_t(512));
        QCOMPARE(info.storedDtype, std::string("F32"));
        QCOMPARE(info.tokenizerVocab, int64_t(512));
        // 512*64 embed + lm_head, 2 layers of (4 proj 64*64-ish + mlp) + norms
        const int64_t perLayer = 64 * 64 + 32 * 64 * 2 + 64 * 64 + 3 * 176 * 64 + 2 * 64;
        QCOMPARE(info.parameters, 2 * 512 * 64 + 2 * perLayer + 64);
        const json j = json::parse(modelInfoToJson(info));
        QCOMPARE(j["architecture"].get<std::string>(), std::string("LlamaForCausalLM"));
        QCOMPARE(j["kv_heads"].get<int>(), 2);
    }

    void missingFolder() { expectInspectError(tmp_.filePath("absent").toStdString(), {"absent", "does not exist"}); }

    void missingConfig() {
        const std::string dir = copyFixture();
        std::filesystem::remove(dir + "/config.json");
        expectInspectError(dir, {dir, "no config.json"});
    }

    void corruptConfig() {
        const std::string dir = copyFixture();
        test::writeFile(dir + "/config.json", "{\"model_type\": \"llama\", ");
        expectInspectError(dir, {dir + "/config.json", "not valid JSON"});
    }

    void missingConfigField() {
        const std::string dir = copyFixture();
        editConfig(dir, [](json& j) { j.erase("vocab_size"); });
        expectInspectError(dir, {"config.json", "'vocab_size' is missing"});
    }

    void wrongFieldType() {
        const std::string dir = copyFixture();
        editConfig(dir, [](json& j) { j["hidden_size"] = "sixty-four"; });
        expectInspectError(dir, {"config.json", "'hidden_size' must be a positive integer"});
    }

    void unsupportedArchitecture() {
        const std::string dir = copyFixture();
        editConfig(dir, [](json& j) { j["model_type"] = "gpt2"; });
        expectInspectError(dir, {"config.json", "'model_type' is 'gpt2'"});
    }

    void unsupportedRopeScaling() {
        const std::string dir = copyFixture();
        editConfig(dir, [](json& j) { j["rope_scaling"] = {{"type", "yarn"}, {"factor", 4.0}}; });
        expectInspectError(dir, {"config.json", "rope_scaling", "'yarn' is not supported"});
    }

    // transformers 5 writes rope_theta and the scaling fields in one "rope_parameters" object and the dtype as
    // "dtype"; both layouts must give the same configuration.
    void transformersV5ConfigLayout() {
        json v4 = json::parse(test::readFile(test::fixtureModel() + "/config.json"));
        v4["rope_theta"] = 500000.0;
        v4["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0},
                              {"high_freq_factor", 4.0}, {"original_max_position_embeddings", 8192}};
        v4["torch_dtype"] = "bfloat16";
        json v5 = v4;
        v5.erase("rope_theta");
        v5.erase("torch_dtype");
        v5["rope_scaling"] = nullptr;
        v5["rope_parameters"] = v4["rope_scaling"];
        v5["rope_parameters"]["rope_theta"] = 500000.0;
        v5["dtype"] = "bfloat16";
        const LlamaConfig a = parseLlamaConfig(v4.dump(), "v4/config.json");
        const LlamaConfig b = parseLlamaConfig(v5.dump(), "v5/config.json");
        QCOMPARE(b.ropeTheta, 500000.0);
        QCOMPARE(b.ropeScaling, std::string("llama3"));
        QCOMPARE(b.ropeFactor, a.ropeFactor);
        QCOMPARE(b.ropeLowFreqFactor, a.ropeLowFreqFactor);
        QCOMPARE(b.ropeHighFreqFactor, a.ropeHighFreqFactor);
        QCOMPARE(b.ropeOriginalMaxPositions, a.ropeOriginalMaxPositions);
        QCOMPARE(b.torchDtype, std::string("bfloat16"));

        json plain = v5;
        plain["rope_parameters"] = {{"rope_type", "default"}, {"rope_theta", 10000.0}};
        const LlamaConfig c = parseLlamaConfig(plain.dump(), "plain/config.json");
        QCOMPARE(c.ropeTheta, 10000.0);
        QVERIFY(c.ropeScaling.empty() || c.ropeScaling == "none");

        json untyped = v4;
        untyped["rope_scaling"] = {{"factor", 4.0}};
        try {
            parseLlamaConfig(untyped.dump(), "untyped/config.json");
            QFAIL("a rope_scaling block with a factor but no type was accepted");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("no rope_type"), e.what());
        }

        json yarn = v5;
        yarn["rope_parameters"]["rope_type"] = "yarn";
        try {
            parseLlamaConfig(yarn.dump(), "yarn/config.json");
            QFAIL("a yarn rope_parameters block was accepted");
        } catch (const Error& e) {
            const QString what = e.what();
            QVERIFY2(what.contains("yarn/config.json") && what.contains("rope_parameters") && what.contains("'yarn'"),
                     e.what());
        }
    }

    void unsupportedActivation() {
        const std::string dir = copyFixture();
        editConfig(dir, [](json& j) { j["hidden_act"] = "gelu"; });
        expectInspectError(dir, {"'hidden_act' is 'gelu'"});
    }

    void attentionBiasNeedsItsTensors() {
        const std::string dir = copyFixture();
        editConfig(dir, [](json& j) { j["attention_bias"] = true; });
        expectInspectError(dir, {"missing tensor", "_proj.bias"});
    }

    void badKvHeads() {
        const std::string dir = copyFixture();
        editConfig(dir, [](json& j) { j["num_key_value_heads"] = 3; });
        expectInspectError(dir, {"num_key_value_heads", "must divide"});
    }

    void noWeights() {
        const std::string dir = copyFixture();
        std::filesystem::remove(dir + "/model.safetensors");
        expectInspectError(dir, {dir, "no model.safetensors"});
    }

    void missingTensor() {
        const std::string dir = copyFixture();
        rewriteWeights(dir, [](const std::string& n) { return n != "model.layers.1.mlp.down_proj.weight"; });
        expectInspectError(dir, {dir, "missing tensor 'model.layers.1.mlp.down_proj.weight'"});
    }

    void shapeMismatch() {
        const std::string dir = copyFixture();
        editConfig(dir, [](json& j) { j["intermediate_size"] = 177; });
        expectInspectError(dir, {"down_proj.weight' has shape [64, 176] but config.json implies [64, 177]"});
    }

    void unexpectedTensor() {
        const std::string dir = copyFixture();
        const std::vector<float> bias(64, 0.f);
        rewriteWeights(dir, [](const std::string&) { return true; },
                       {{"model.layers.0.self_attn.q_proj.bias", DType::F32, {64}, bias.data(), bias.size() * 4}});
        expectInspectError(dir, {"unexpected tensor 'model.layers.0.self_attn.q_proj.bias'"});
    }

    void unsupportedWeightDtype() {
        const std::string dir = copyFixture();
        const std::vector<int64_t> norm(64, 1);
        rewriteWeights(dir, [](const std::string& n) { return n != "model.norm.weight"; },
                       {{"model.norm.weight", DType::I64, {64}, norm.data(), norm.size() * 8}});
        expectInspectError(dir, {"model.norm.weight", "dtype I64"});
    }

    void lyingHeaderInModel() {
        const std::string dir = copyFixture();
        std::string bytes = test::readFile(dir + "/model.safetensors");
        bytes.resize(bytes.size() / 2);
        test::writeFile(dir + "/model.safetensors", bytes);
        expectInspectError(dir, {dir + "/model.safetensors", "past the end of the data"});
    }

    void shardIndexNamesMissingShard() {
        const std::string dir = copyFixture();
        std::filesystem::rename(dir + "/model.safetensors", dir + "/model-00001-of-00002.safetensors");
        json index = {{"metadata", json::object()}, {"weight_map", json::object()}};
        SafetensorsFile f(dir + "/model-00001-of-00002.safetensors");
        for (const auto& [name, v] : f.tensors()) index["weight_map"][name] = "model-00001-of-00002.safetensors";
        index["weight_map"]["model.norm.weight"] = "model-00002-of-00002.safetensors";
        test::writeFile(dir + "/model.safetensors.index.json", index.dump());
        expectInspectError(dir, {"model-00002-of-00002.safetensors", "does not exist"});
    }

    void shardIndexListsAbsentTensor() {
        const std::string dir = copyFixture();
        std::filesystem::rename(dir + "/model.safetensors", dir + "/model-00001-of-00001.safetensors");
        json index = {{"weight_map", json::object()}};
        SafetensorsFile f(dir + "/model-00001-of-00001.safetensors");
        for (const auto& [name, v] : f.tensors()) index["weight_map"][name] = "model-00001-of-00001.safetensors";
        index["weight_map"]["model.extra.weight"] = "model-00001-of-00001.safetensors";
        test::writeFile(dir + "/model.safetensors.index.json", index.dump());
        expectInspectError(dir, {"model.extra.weight", "listed in the index is missing"});
    }

    void corruptIndex() {
        const std::string dir = copyFixture();
        test::writeFile(dir + "/model.safetensors.index.json", "{");
        expectInspectError(dir, {"model.safetensors.index.json", "not valid JSON"});
    }

    void corruptTokenizer() {
        const std::string dir = copyFixture();
        test::writeFile(dir + "/tokenizer.model", std::string(1000, 'x'));
        expectError([&] { LanguageModel::load(dir); }, {dir + "/tokenizer.model", "not a valid sentencepiece model"});
    }

    void missingTokenizerOnlyBlocksText() {
        const std::string dir = copyFixture();
        std::filesystem::remove(dir + "/tokenizer.model");
        auto model = LanguageModel::load(dir);
        QVERIFY(!model->hasTokenizer());
        QCOMPARE(model->logits({1, 2, 3}).size(), std::size_t(3 * 512));
        expectError([&] { model->encode("hello"); }, {"no tokenizer.json or tokenizer.model"});
    }

    void f16RefusedOnCpu() {
        LoadOptions o;
        o.dtype = "f16";
        expectError([&] { LanguageModel::load(test::fixtureModel(), o); }, {"f16", "CPU"});
    }

    void unknownDevice() {
        LoadOptions o;
        o.device = "tpu";
        expectError([&] { LanguageModel::load(test::fixtureModel(), o); }, {"device 'tpu'"});
    }

    void outOfVocabularyIds() {
        auto model = LanguageModel::load(test::fixtureModel());
        expectError([&] { model->logits({1, 512}); }, {"token id 512", "outside the vocabulary"});
    }
};

QTEST_GUILESS_MAIN(TestModelLoading)
#include "tst_model_loading.moc"
