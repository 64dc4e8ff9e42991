// The forward pass against HF references, the KV cache against full passes, and model variants
// (bf16, sharded, tied embeddings, sliding window, explicit head_dim) against their originals.
#include "l1ra/language_model.h"
#include "l1ra/runtime.h"
#include "model/llama_model.h"
#include "io/model_folder.h"
#include "io/tensor_io.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace l1ra;
using nlohmann::json;

namespace {

std::vector<int64_t> referenceIds() {
    const json ref = json::parse(test::readFile(test::fixtureModel() + "/reference.json"));
    return ref["input_ids"].get<std::vector<int64_t>>();
}

int64_t argmaxRow(const std::vector<float>& logits, int64_t row, int64_t vocab) {
    const float* p = logits.data() + row * vocab;
    return std::max_element(p, p + vocab) - p;
}

// Writes `tensors` as a model folder with `config`, split into `shards` files (1 = a single model.safetensors).
void writeModel(const std::string& dir, const json& config, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                int shards) {
    std::filesystem::create_directories(dir);
    test::writeFile(dir + "/config.json", config.dump(2));
    if (shards == 1) {
        saveTensors(dir + "/model.safetensors", tensors);
        return;
    }
    json index = {{"metadata", {{"total_size", 0}}}, {"weight_map", json::object()}};
    const std::size_t per = (tensors.size() + shards - 1) / shards;
    for (int s = 0; s < shards; ++s) {
        char name[64];
        std::snprintf(name, sizeof(name), "model-%05d-of-%05d.safetensors", s + 1, shards);
        std::vector<std::pair<std::string, torch::Tensor>> part;
        for (std::size_t i = s * per; i < std::min(tensors.size(), (s + 1) * per); ++i) {
            part.push_back(tensors[i]);
            index["weight_map"][tensors[i].first] = name;
        }
        saveTensors(dir + "/" + name, part);
    }
    test::writeFile(dir + "/model.safetensors.index.json", index.dump(2));
}

std::vector<std::pair<std::string, torch::Tensor>> fixtureTensors() {
    ModelFolder folder(test::fixtureModel());
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& [name, view] : folder.tensors()) out.emplace_back(name, loadTensor(*view, torch::kFloat32));
    return out;
}

json fixtureConfig() { return json::parse(test::readFile(test::fixtureModel() + "/config.json")); }

}  // namespace

class TestLlamaForward : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void initTestCase() { setThreadCount(2); }

    void tokensMatchReference() {
        auto model = LanguageModel::load(test::fixtureModel());
        const json ref = json::parse(test::readFile(test::fixtureModel() + "/reference.json"));
        QCOMPARE(model->encode(ref["text"].get<std::string>()), referenceIds());
    }

    void logitsMatchReference() {
        auto model = LanguageModel::load(test::fixtureModel());
        const auto ids = referenceIds();
        const auto logits = model->logits(ids);
        const auto ref = test::readFloats(test::fixtureModel() + "/reference_logits.safetensors", "logits");
        QCOMPARE(logits.size(), ref.size());
        const double err = test::maxAbsDiff(logits, ref), scale = test::maxAbs(ref);
        qInfo("max abs error %.3g, largest logit %.3g, relative %.3g", err, scale, err / scale);
        QVERIFY2(err <= 1e-4 * scale, qPrintable(QString("relative error %1").arg(err / scale)));
    }

    void kvCacheGenerationEqualsFullForwardArgmax() {
        auto model = LanguageModel::load(test::fixtureModel());
        const auto ids = referenceIds();
        const std::vector<int64_t> prompt(ids.begin(), ids.begin() + 9);
        GenerationOptions g;
        g.maxNewTokens = 24;
        g.stopAtEos = false;
        const auto generated = model->generate(prompt, g);
        QCOMPARE(generated.size(), std::size_t(24));
        std::vector<int64_t> seq = prompt;
        for (auto tok : generated) {
            const auto logits = model->logits(seq);
            QCOMPARE(tok, argmaxRow(logits, int64_t(seq.size()) - 1, 512));
            seq.push_back(tok);
        }
    }

    void samplingIsSeededAndTopPNarrowsToGreedy() {
        auto model = LanguageModel::load(test::fixtureModel());
        const std::vector<int64_t> prompt = {1, 424, 430};
        GenerationOptions g;
        g.maxNewTokens = 16;
        g.stopAtEos = false;
        g.temperature = 1.0;
        g.seed = 7;
        const auto a = model->generate(prompt, g), b = model->generate(prompt, g);
        QCOMPARE(a, b);
        g.seed = 8;
        QVERIFY(model->generate(prompt, g) != a);
        g.topP = 1e-9;   // only the most likely token survives
        GenerationOptions greedy;
        greedy.maxNewTokens = 16;
        greedy.stopAtEos = false;
        QCOMPARE(model->generate(prompt, g), model->generate(prompt, greedy));
    }

    void generationStopsAtEos() {
        auto model = LanguageModel::load(test::fixtureModel());
        GenerationOptions g;
        g.maxNewTokens = 5;
        int seen = 0;
        const auto out = model->generate({1, 424}, g, [&](int64_t) { return ++seen < 3; });
        QCOMPARE(out.size(), std::size_t(3));   // the callback stopped it after three
    }

    void bf16ShardedTiedVariantAgreesWithFp32Original() {
        // Original: the fixture with tied embeddings, its weights rounded to bf16 values but stored as F32.
        // Variant: the same values stored as BF16 in three shards with an index. Same numbers, other layout.
        auto tensors = fixtureTensors();
        std::vector<std::pair<std::string, torch::Tensor>> original, variant;
        for (auto& [name, t] : tensors) {
            if (name == "lm_head.weight") continue;
            auto rounded = t.to(torch::kBFloat16);
            original.emplace_back(name, rounded.to(torch::kFloat32));
            variant.emplace_back(name, rounded);
        }
        json config = fixtureConfig();
        config["tie_word_embeddings"] = true;
        const std::string origDir = tmp_.filePath("tied-f32").toStdString();
        const std::string varDir = tmp_.filePath("tied-bf16-sharded").toStdString();
        writeModel(origDir, config, original, 1);
        config["torch_dtype"] = "bfloat16";
        writeModel(varDir, config, variant, 3);

        const ModelInfo info = inspectModel(varDir);
        QCOMPARE(info.weightFiles.size(), std::size_t(3));
        QCOMPARE(info.storedDtype, std::string("BF16"));
        QVERIFY(info.tiedEmbeddings);

        const auto ids = referenceIds();
        const auto a = LanguageModel::load(origDir)->logits(ids);
        const auto b = LanguageModel::load(varDir)->logits(ids);   // bf16 weights computed in f32
        QCOMPARE(test::maxAbsDiff(a, b), 0.0);
        LoadOptions bf16;
        bf16.dtype = "bf16";
        const auto c = LanguageModel::load(varDir, bf16)->logits(ids);   // computed in bf16
        const double rel = test::maxAbsDiff(a, c) / test::maxAbs(a);
        qInfo("bf16 compute relative error %.3g", rel);
        QVERIFY(rel < 0.05);
        // Tied: the output projection is the embedding, so changing the embedding changes the logits.
        QVERIFY(test::maxAbsDiff(a, LanguageModel::load(test::fixtureModel())->logits(ids)) > 1e-3);
    }

    void slidingWindowHidesDistantKeys() {
        json config = fixtureConfig();
        config["model_type"] = "mistral";
        config["architectures"] = {"MistralForCausalLM"};
        config["sliding_window"] = 4;
        const std::string dir = tmp_.filePath("mistral-window4").toStdString();
        writeModel(dir, config, fixtureTensors(), 1);
        const auto ids = referenceIds();
        const auto full = LanguageModel::load(test::fixtureModel())->logits(ids);
        auto windowed = LanguageModel::load(dir);
        const auto win = windowed->logits(ids);
        const int64_t V = 512;
        // The first four positions see every earlier key either way; later ones lose keys.
        const std::vector<float> headFull(full.begin(), full.begin() + 4 * V), headWin(win.begin(), win.begin() + 4 * V);
        QVERIFY(test::maxAbsDiff(headFull, headWin) < 1e-5);
        const std::vector<float> tailFull(full.begin() + 10 * V, full.end()), tailWin(win.begin() + 10 * V, win.end());
        QVERIFY(test::maxAbsDiff(tailFull, tailWin) > 1e-3);
        // The cache path applies the same window.
        GenerationOptions g;
        g.maxNewTokens = 12;
        g.stopAtEos = false;
        const std::vector<int64_t> prompt(ids.begin(), ids.begin() + 6);
        auto seq = prompt;
        for (auto tok : windowed->generate(prompt, g)) {
            QCOMPARE(tok, argmaxRow(windowed->logits(seq), int64_t(seq.size()) - 1, V));
            seq.push_back(tok);
        }
    }

    void explicitHeadDimDifferentFromHiddenOverHeads() {
        // head_dim 32 with 4 heads on hidden 64: q_proj is [128, 64], o_proj [64, 128].
        json config = fixtureConfig();
        config["head_dim"] = 32;
        torch::manual_seed(3);
        std::vector<std::pair<std::string, torch::Tensor>> tensors;
        for (const auto& [name, shape] : ModelFolder::expectedShapes(
                 [&] { LlamaConfig c; c.vocabSize = 512; c.hiddenSize = 64; c.intermediateSize = 176; c.numLayers = 2;
                       c.numHeads = 4; c.numKvHeads = 2; c.headDim = 32; return c; }()))
            tensors.emplace_back(name, torch::randn(shape) * 0.1);
        const std::string dir = tmp_.filePath("headdim32").toStdString();
        writeModel(dir, config, tensors, 1);
        auto model = LanguageModel::load(dir);
        QCOMPARE(model->info().headDim, int64_t(32));
        const auto ids = referenceIds();
        const std::vector<int64_t> prompt(ids.begin(), ids.begin() + 5);
        GenerationOptions g;
        g.maxNewTokens = 8;
        g.stopAtEos = false;
        auto seq = prompt;
        for (auto tok : model->generate(prompt, g)) {
            QCOMPARE(tok, argmaxRow(model->logits(seq), int64_t(seq.size()) - 1, 512));
            seq.push_back(tok);
        }
    }

    void ropeScalingLlama3KeepsHighAndSlowsLowFrequencies() {
        LlamaConfig c;
        c.headDim = 64;
        c.ropeTheta = 500000;
        const auto plain = ropeInverseFrequencies(c);
        c.ropeScaling = "llama3";
        c.ropeFactor = 8;
        c.ropeLowFreqFactor = 1;
        c.ropeHighFreqFactor = 4;
        c.ropeOriginalMaxPositions = 8192;
        const auto scaled = ropeInverseFrequencies(c);
        QCOMPARE(scaled[0].item<float>(), plain[0].item<float>());                    // wavelength 2π: kept
        QVERIFY(std::abs(scaled[31].item<float>() - plain[31].item<float>() / 8) < 1e-12);   // longest: / factor
    }
};

QTEST_GUILESS_MAIN(TestLlamaForward)
#include "tst_llama_forward.moc"
