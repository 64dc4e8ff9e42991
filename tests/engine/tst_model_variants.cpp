// Model families beyond plain LLaMA: Qwen2 (q/k/v biases, tied embeddings) and LLaMA's attention_bias/mlp_bias,
// checked against an independent double-precision forward pass (reference_forward.cpp), which is itself checked
// against the transformers-made logits of the tiny-llama fixture. Then training, peft and merged export on Qwen2.
#include "train/adapter_loading.h"
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/language_model.h"
#include "l1ra/runtime.h"
#include "l1ra/training_session.h"
#include "io/model_folder.h"
#include "reference_forward.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace l1ra;
using nlohmann::json;

namespace {

// A model folder with random weights for `config` (biases large enough that dropping one shows in the logits),
// and the fixture's tokenizer so that it can train.
void writeRandomModel(const std::string& dir, const json& config, uint64_t seed) {
    std::filesystem::create_directories(dir);
    test::writeFile(dir + "/config.json", config.dump(2));
    const LlamaConfig c = parseLlamaConfig(config.dump(), dir + "/config.json");
    torch::manual_seed(int64_t(seed));
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (const auto& [name, shape] : ModelFolder::expectedShapes(c)) {
        const bool norm = name.find("norm") != std::string::npos, bias = name.find(".bias") != std::string::npos;
        auto t = norm ? 1 + 0.1 * torch::randn(shape) : torch::randn(shape) * (bias ? 0.5 : 0.08);
        tensors.emplace_back(name, t);
    }
    saveTensors(dir + "/model.safetensors", tensors);
    std::filesystem::copy_file(test::fixtureModel() + "/tokenizer.model", dir + "/tokenizer.model");
}

test::ReferenceShape shapeOf(const LlamaConfig& c) {
    test::ReferenceShape s;
    s.vocab = c.vocabSize;
    s.hidden = c.hiddenSize;
    s.ffn = c.intermediateSize;
    s.layers = c.numLayers;
    s.heads = c.numHeads;
    s.kvHeads = c.numKvHeads;
    s.headDim = c.headDim;
    s.ropeTheta = c.ropeTheta;
    s.rmsEps = c.rmsNormEps;
    s.tied = c.tiedEmbeddings;
    return s;
}

std::vector<double> referenceFor(const std::string& dir, const std::vector<int64_t>& ids) {
    const ModelFolder folder(dir);
    const test::WeightLookup lookup = [&](const std::string& name) {
        if (!folder.has(name)) return std::vector<double>();
        auto t = loadTensor(folder.tensor(name), torch::kFloat64).contiguous();
        return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
    };
    return test::referenceLogits(shapeOf(folder.config()), lookup, ids);
}

double relativeError(const std::vector<float>& got, const std::vector<double>& want) {
    double err = 0, scale = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        err = std::max(err, std::abs(double(got[i]) - want[i]));
        scale = std::max(scale, std::abs(want[i]));
    }
    return err / scale;
}

json qwen2Config() {
    return {{"architectures", {"Qwen2ForCausalLM"}}, {"model_type", "qwen2"}, {"vocab_size", 512},
            {"hidden_size", 64}, {"intermediate_size", 160}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
            {"num_key_value_heads", 2}, {"max_position_embeddings", 256}, {"rms_norm_eps", 1e-6},
            {"rope_theta", 1000000.0}, {"tie_word_embeddings", true}, {"hidden_act", "silu"},
            {"use_sliding_window", false}, {"sliding_window", 4096}, {"max_window_layers", 2},
            {"bos_token_id", 1}, {"eos_token_id", 2}, {"torch_dtype", "float32"}};
}

const std::vector<int64_t> kIds = {1, 17, 300, 42, 5, 88, 123, 9, 260, 77, 31, 400};

}  // namespace

class TestModelVariants : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string path(const std::string& name) { return tmp_.filePath(QString::fromStdString(name)).toStdString(); }

    static void expectError(const std::function<void()>& fn, const std::vector<std::string>& fragments) {
        try {
            fn();
            QFAIL("no error");
        } catch (const Error& e) {
            for (const auto& f : fragments) QVERIFY2(std::string(e.what()).find(f) != std::string::npos, e.what());
        }
    }

private Q_SLOTS:
    void initTestCase() { setThreadCount(2); }

    // The reference is only worth something if it reproduces transformers on a model it has logits for.
    void referenceReproducesTransformersFixture() {
        const json ref = json::parse(test::readFile(test::fixtureModel() + "/reference.json"));
        const auto ids = ref["input_ids"].get<std::vector<int64_t>>();
        const auto want = test::readFloats(test::fixtureModel() + "/reference_logits.safetensors", "logits");
        const auto got = referenceFor(test::fixtureModel(), ids);
        std::vector<float> gotF(got.begin(), got.end());
        const double rel = test::maxAbsDiff(gotF, want) / test::maxAbs(want);
        qInfo("reference vs transformers: relative %.3g", rel);
        QVERIFY(rel < 1e-5);
    }

    void qwen2WithBiasesMatchesReference() {
        const std::string dir = path("qwen2");
        writeRandomModel(dir, qwen2Config(), 11);
        auto model = LanguageModel::load(dir);
        QCOMPARE(model->info().modelType, std::string("qwen2"));
        QCOMPARE(model->info().architecture, std::string("Qwen2ForCausalLM"));
        QVERIFY(model->info().tiedEmbeddings);
        const double rel = relativeError(model->logits(kIds), referenceFor(dir, kIds));
        qInfo("qwen2 logits vs reference: relative %.3g", rel);
        QVERIFY(rel < 1e-5);
        // The biases matter: the same weights without them give other logits.
        const ModelFolder folder(dir);
        QVERIFY(folder.has("model.layers.1.self_attn.k_proj.bias"));
        QVERIFY(!folder.has("model.layers.1.self_attn.o_proj.bias"));
    }

    void llamaAttentionAndMlpBiasesMatchReference() {
        json config = json::parse(test::readFile(test::fixtureModel() + "/config.json"));
        config["attention_bias"] = true;
        config["mlp_bias"] = true;
        const std::string dir = path("llama-bias");
        writeRandomModel(dir, config, 12);
        const ModelFolder folder(dir);
        for (const char* p : {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj",
                              "mlp.up_proj", "mlp.down_proj"})
            QVERIFY2(folder.has(std::string("model.layers.0.") + p + ".bias"), p);
        const double rel = relativeError(LanguageModel::load(dir)->logits(kIds), referenceFor(dir, kIds));
        qInfo("llama with biases vs reference: relative %.3g", rel);
        QVERIFY(rel < 1e-5);
    }

    void biasesTheConfigPromisesMustBeThere() {
        json config = json::parse(test::readFile(test::fixtureModel() + "/config.json"));
        const std::string dir = path("llama-bias-missing");
        test::copyFolder(test::fixtureModel(), dir);
        config["attention_bias"] = true;
        test::writeFile(dir + "/config.json", config.dump());
        expectError([&] { inspectModel(dir); }, {"missing tensor", "_proj.bias"});
    }

    void qwen2FeaturesWeDoNotHaveAreRefused() {
        const std::string dir = path("qwen2-refused");
        writeRandomModel(dir, qwen2Config(), 13);
        json c = qwen2Config();
        c["use_sliding_window"] = true;
        test::writeFile(dir + "/config.json", c.dump());
        expectError([&] { inspectModel(dir); }, {"config.json", "use_sliding_window"});
        c = qwen2Config();
        c["layer_types"] = {"full_attention", "sliding_attention"};
        test::writeFile(dir + "/config.json", c.dump());
        expectError([&] { inspectModel(dir); }, {"config.json", "layer_types", "sliding_attention"});
        c = qwen2Config();
        c["model_type"] = "qwen3";
        test::writeFile(dir + "/config.json", c.dump());
        expectError([&] { inspectModel(dir); }, {"config.json", "'model_type' is 'qwen3'", "qwen2"});
    }

    void eosTokenListsAreKept() {
        json c = qwen2Config();
        c["eos_token_id"] = {2, 7, 9};
        const LlamaConfig parsed = parseLlamaConfig(c.dump(), "config.json");
        QCOMPARE(parsed.eosId, int64_t(2));
        QCOMPARE(parsed.eosIds, (std::vector<int64_t>{2, 7, 9}));
        c["eos_token_id"] = {2, "x"};
        expectError([&] { parseLlamaConfig(c.dump(), "config.json"); }, {"config.json", "eos_token_id"});
    }

    // Adapters train on a biased model, and both exports keep the biases: merged == base + adapter.
    void qwen2TrainsAndExports() {
        const std::string dir = path("qwen2-train");
        writeRandomModel(dir, qwen2Config(), 14);
        RunConfig c;
        c.model.path = dir;
        c.data.train = test::dataPath("tiny-text.txt");
        c.train.steps = 30;
        c.train.seqLen = 64;
        c.adapter.rank = 4;
        c.train.lr = 0.01;
        c.l1ra.etaC = 0.1;
        c.l1ra.lambda = 0.5;
        c.l1ra.updateInterval = 10;
        c.train.precision = "f32";
        const std::string run = path("qwen2-run");
        const RunSummary summary = TrainingSession(c, run).run();
        QVERIFY2(summary.state == RunState::Finished, summary.error.c_str());
        exportPeftAdapter(run, path("qwen2-peft"));
        exportMergedModel(run, path("qwen2-merged"));
        const SafetensorsFile merged(path("qwen2-merged") + "/model.safetensors");
        QVERIFY(merged.tensors().count("model.layers.0.self_attn.q_proj.bias"));
        LoadOptions withAdapter;
        withAdapter.adapter = path("qwen2-peft");
        const auto viaAdapter = LanguageModel::load(dir, withAdapter)->logits(kIds);
        const auto viaMerged = LanguageModel::load(path("qwen2-merged"))->logits(kIds);
        const auto base = LanguageModel::load(dir)->logits(kIds);
        const double effect = test::maxAbsDiff(viaAdapter, base) / test::maxAbs(base);
        const double mergeError = test::maxAbsDiff(viaMerged, viaAdapter) / test::maxAbs(viaAdapter);
        qInfo("adapter effect %.3g, merged vs adapter %.3g", effect, mergeError);
        QVERIFY(effect > 1e-3);
        QVERIFY(mergeError < 1e-5);
    }
};

QTEST_GUILESS_MAIN(TestModelVariants)
#include "tst_model_variants.moc"
