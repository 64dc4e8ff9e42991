// GGUF exports (llama.cpp): the LoRA adapter and the merged model, read back by a GGUF reader written here from
// the format's description (independent of the engine's writer): header, key/value pairs, tensor infos,
// alignment, data offsets, and the F32/F16/BF16/Q8_0 encodings.
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"
#include "l1ra/training_session.h"
#include "text/gguf_vocabulary.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

using namespace l1ra;
using nlohmann::json;

namespace {

// ---- an independent GGUF reader -------------------------------------------------------------------------------

struct Value {
    uint32_t type = 0;        // GGUF value type
    uint32_t arrayType = 0;   // element type when type == 9 (array)
    std::string text;         // strings
    double number = 0;        // numbers and bools
    std::vector<std::string> texts;
    std::vector<double> numbers;
};

struct TensorInfo {
    std::vector<uint64_t> ne;
    uint32_t type = 0;
    uint64_t offset = 0;
};

struct GgufFile {
    uint32_t version = 0;
    std::map<std::string, Value> kv;
    std::vector<std::string> order;   // tensor names as listed
    std::map<std::string, TensorInfo> tensors;
    std::string bytes;
    uint64_t dataStart = 0;
};

class Cursor {
public:
    explicit Cursor(const std::string& b) : b_(b) {}
    template <typename T>
    T get() {
        if (at_ + sizeof(T) > b_.size()) throw std::runtime_error("GGUF read past the end");
        T v;
        std::memcpy(&v, b_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return v;
    }
    std::string string() {
        const uint64_t n = get<uint64_t>();
        if (at_ + n > b_.size()) throw std::runtime_error("GGUF string past the end");
        std::string s = b_.substr(at_, n);
        at_ += n;
        return s;
    }
    std::size_t at() const { return at_; }

private:
    const std::string& b_;
    std::size_t at_ = 0;
};

double scalarOf(Cursor& c, uint32_t type) {
    switch (type) {
    case 0: return c.get<uint8_t>();
    case 1: return c.get<int8_t>();
    case 2: return c.get<uint16_t>();
    case 3: return c.get<int16_t>();
    case 4: return c.get<uint32_t>();
    case 5: return c.get<int32_t>();
    case 6: return c.get<float>();
    case 7: return c.get<uint8_t>();
    case 10: return double(c.get<uint64_t>());
    case 11: return double(c.get<int64_t>());
    case 12: return c.get<double>();
    }
    throw std::runtime_error("GGUF value type " + std::to_string(type));
}

GgufFile readGguf(const std::string& path) {
    GgufFile f;
    f.bytes = test::readFile(path);
    Cursor c(f.bytes);
    if (f.bytes.compare(0, 4, "GGUF") != 0) throw std::runtime_error("no GGUF magic");
    c.get<uint32_t>();
    f.version = c.get<uint32_t>();
    const uint64_t tensors = c.get<uint64_t>(), pairs = c.get<uint64_t>();
    for (uint64_t i = 0; i < pairs; ++i) {
        const std::string key = c.string();
        Value v;
        v.type = c.get<uint32_t>();
        if (v.type == 8) {
            v.text = c.string();
        } else if (v.type == 9) {
            v.arrayType = c.get<uint32_t>();
            const uint64_t n = c.get<uint64_t>();
            for (uint64_t k = 0; k < n; ++k) {
                if (v.arrayType == 8) v.texts.push_back(c.string());
                else v.numbers.push_back(scalarOf(c, v.arrayType));
            }
        } else {
            v.number = scalarOf(c, v.type);
        }
        if (f.kv.count(key)) throw std::runtime_error("duplicate key " + key);
        f.kv[key] = v;
    }
    for (uint64_t i = 0; i < tensors; ++i) {
        const std::string name = c.string();
        TensorInfo t;
        const uint32_t dims = c.get<uint32_t>();
        for (uint32_t d = 0; d < dims; ++d) t.ne.push_back(c.get<uint64_t>());
        t.type = c.get<uint32_t>();
        t.offset = c.get<uint64_t>();
        f.order.push_back(name);
        f.tensors[name] = t;
    }
    const uint64_t alignment = f.kv.count("general.alignment") ? uint64_t(f.kv["general.alignment"].number) : 32;
    f.dataStart = (c.at() + alignment - 1) / alignment * alignment;
    for (std::size_t p = c.at(); p < f.dataStart; ++p)
        if (f.bytes[p] != '\0') throw std::runtime_error("padding before the data is not zero");
    return f;
}

float halfValue(uint16_t h) {
    const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    const float sign = (h & 0x8000) ? -1.0f : 1.0f;
    if (e == 0) return sign * float(m) * std::pow(2.0f, -24.0f);
    if (e == 31) return m ? NAN : sign * INFINITY;
    return sign * (1.0f + float(m) / 1024.0f) * std::pow(2.0f, float(e - 15));
}

uint64_t elements(const TensorInfo& t) {
    uint64_t n = 1;
    for (uint64_t d : t.ne) n *= d;
    return n;
}

uint64_t storedBytes(const TensorInfo& t) {
    const uint64_t n = elements(t);
    switch (t.type) {
    case 0: return n * 4;
    case 1:
    case 30: return n * 2;
    case 8: return n / 32 * 34;
    }
    throw std::runtime_error("tensor type " + std::to_string(t.type));
}

// The values of a tensor in memory order (ne[0] fastest).
std::vector<float> decode(const GgufFile& f, const std::string& name) {
    const TensorInfo& t = f.tensors.at(name);
    const uint64_t n = elements(t);
    if (f.dataStart + t.offset + storedBytes(t) > f.bytes.size()) throw std::runtime_error(name + " runs past the file");
    const char* p = f.bytes.data() + f.dataStart + t.offset;
    std::vector<float> out(n);
    for (uint64_t i = 0; i < n; ++i) {
        if (t.type == 0) {
            std::memcpy(&out[i], p + 4 * i, 4);
        } else if (t.type == 1 || t.type == 30) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            if (t.type == 1) {
                out[i] = halfValue(h);
            } else {
                const uint32_t bits = uint32_t(h) << 16;
                std::memcpy(&out[i], &bits, 4);
            }
        } else if (t.type == 8) {
            const char* block = p + (i / 32) * 34;
            uint16_t d;
            std::memcpy(&d, block, 2);
            out[i] = halfValue(d) * float(int8_t(block[2 + i % 32]));
        }
    }
    return out;
}

// llama.cpp's q/k row order for the llama architecture: within each head, GGUF row 2j+t is HF row t·hd/2+j.
std::vector<float> unpermuteRows(const std::vector<float>& gguf, int64_t rows, int64_t cols, int64_t heads) {
    const int64_t hd = rows / heads;
    std::vector<float> hf(gguf.size());
    for (int64_t h = 0; h < heads; ++h)
        for (int64_t j = 0; j < hd / 2; ++j)
            for (int64_t t = 0; t < 2; ++t)
                for (int64_t col = 0; col < cols; ++col)
                    hf[std::size_t((h * hd + t * hd / 2 + j) * cols + col)] = gguf[std::size_t((h * hd + 2 * j + t) * cols + col)];
    return hf;
}

const char* const kHfProjections[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                                      "mlp.gate_proj",    "mlp.up_proj",      "mlp.down_proj"};
const char* const kGgufNames[] = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};

}  // namespace

class TestGgufExport : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string run_, peft_, merged_;
    json peftConfig_;
    LlamaConfig config_;

    std::string path(const std::string& name) { return tmp_.filePath(QString::fromStdString(name)).toStdString(); }
    static std::string module(int layer, int p) { return "model.layers." + std::to_string(layer) + "." + kHfProjections[p]; }
    static std::string ggufName(int layer, int p) { return "blk." + std::to_string(layer) + "." + kGgufNames[p] + ".weight"; }
    static int64_t ropeHeads(const LlamaConfig& c, int p) { return p == 0 ? c.numHeads : p == 1 ? c.numKvHeads : 0; }
    static void expectError(const std::function<void()>& fn, const std::string& fragment) {
        try {
            fn();
            QFAIL(("no error, expected " + fragment).c_str());
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
        }
    }
    static std::string text(const GgufFile& f, const std::string& key) {
        if (!f.kv.count(key) || f.kv.at(key).type != 8) throw std::runtime_error("no string " + key);
        return f.kv.at(key).text;
    }
    static double number(const GgufFile& f, const std::string& key, uint32_t type) {
        if (!f.kv.count(key)) throw std::runtime_error("no key " + key);
        if (f.kv.at(key).type != type) throw std::runtime_error(key + " has value type " + std::to_string(f.kv.at(key).type));
        return f.kv.at(key).number;
    }
    // Every tensor lies inside the data section, at an aligned offset, without overlapping another.
    static void checkLayout(const GgufFile& f) {
        QCOMPARE(f.version, 3u);
        QCOMPARE(number(f, "general.alignment", 4), 32.0);
        std::vector<std::pair<uint64_t, uint64_t>> spans;
        for (const auto& [name, t] : f.tensors) {
            QVERIFY2(t.offset % 32 == 0, name.c_str());
            spans.emplace_back(t.offset, t.offset + storedBytes(t));
        }
        std::sort(spans.begin(), spans.end());
        for (std::size_t i = 1; i < spans.size(); ++i) QVERIFY(spans[i].first >= spans[i - 1].second);
        QVERIFY(f.dataStart + spans.back().second <= f.bytes.size());
    }
    std::vector<float> peftTensor(const std::string& m, const char* which) {
        return test::readFloats(peft_ + "/adapter_model.safetensors", "base_model.model." + m + ".lora_" + which + ".weight");
    }

private Q_SLOTS:
    void initTestCase() {
        RunConfig c = test::fixtureRunConfig(40);
        c.adapter.alpha = 8;
        run_ = path("run");
        QVERIFY(TrainingSession(c, run_).run().state == RunState::Finished);
        peft_ = path("peft");
        exportPeftAdapter(run_, peft_);
        peftConfig_ = json::parse(test::readFile(peft_ + "/adapter_config.json"));
        ExportOptions f32;
        f32.dtype = "f32";
        merged_ = path("merged");
        exportMergedModel(run_, merged_, f32);
        config_ = loadLlamaConfig(test::fixtureModel());
        std::set<int> ranks;
        for (const auto& [m, r] : peftConfig_["rank_pattern"].items()) ranks.insert(r.get<int>());
        QVERIFY2(ranks.size() > 1, "the run should have moved ranks, so that per-tensor ranks differ");
    }

    void loraFileHoldsLlamaCppMetadata() {
        const std::string file = path("adapter.gguf");
        exportGgufLora(run_, file);
        const GgufFile f = readGguf(file);
        checkLayout(f);
        QCOMPARE(f.kv.size(), std::size_t(6));
        QCOMPARE(text(f, "general.architecture"), std::string("llama"));
        QCOMPARE(text(f, "general.type"), std::string("adapter"));
        QCOMPARE(text(f, "general.name"), std::string("run"));
        QCOMPARE(text(f, "adapter.type"), std::string("lora"));
        QCOMPARE(number(f, "adapter.lora.alpha", 6), 8.0);
    }

    // A is [r, in] (ggml ne {in, r}) with the gate folded; B is [out, r] (ne {r, out}) with the module's scale folded
    // so that alpha / r_i gives it back, and q/k rows in llama.cpp's order.
    void loraTensorsAreTheFoldedAdapter() {
        const GgufFile f = readGguf(path("adapter.gguf"));
        const double alpha = number(f, "adapter.lora.alpha", 6);
        QCOMPARE(f.tensors.size(), 2 * peftConfig_["rank_pattern"].size());
        for (int layer = 0; layer < config_.numLayers; ++layer)
            for (int p = 0; p < 7; ++p) {
                const std::string m = module(layer, p), g = ggufName(layer, p);
                const int r = peftConfig_["rank_pattern"][m].get<int>();
                const TensorInfo& a = f.tensors.at(g + ".lora_a");
                const TensorInfo& b = f.tensors.at(g + ".lora_b");
                QCOMPARE(a.type, 0u);
                QCOMPARE(a.ne[1], uint64_t(r));
                QCOMPARE(b.ne[0], uint64_t(r));
                QCOMPARE(a.ne[0], uint64_t(peftTensor(m, "A").size() / r));   // in
                QCOMPARE(b.ne[1], uint64_t(peftTensor(m, "B").size() / r));   // out
                QCOMPARE(decode(f, g + ".lora_a"), peftTensor(m, "A"));
                // peft's scale is alpha_pattern / r; llama.cpp's alpha / r: B must carry alpha_pattern / alpha.
                const double fold = peftConfig_["alpha_pattern"][m].get<double>() / alpha;
                std::vector<float> expected = peftTensor(m, "B");
                for (float& x : expected) x = float(x * fold);
                const int64_t out = int64_t(b.ne[1]);
                std::vector<float> got = decode(f, g + ".lora_b");
                if (const int64_t heads = ropeHeads(config_, p)) got = unpermuteRows(got, out, r, heads);
                QVERIFY2(test::maxAbsDiff(got, expected) <= 1e-6 * std::max(1e-3, test::maxAbs(expected)), g.c_str());
            }
    }

    // llama.cpp computes W + (alpha / r_i) · B · A: with the file's tensors that must be the merged model's delta.
    void llamaCppFormulaGivesTheMergedDelta() {
        const GgufFile f = readGguf(path("adapter.gguf"));
        const double alpha = number(f, "adapter.lora.alpha", 6);
        for (int layer = 0; layer < config_.numLayers; ++layer)
            for (int p = 0; p < 7; ++p) {
                const std::string m = module(layer, p), g = ggufName(layer, p);
                const TensorInfo& a = f.tensors.at(g + ".lora_a");
                const int64_t in = int64_t(a.ne[0]), r = int64_t(a.ne[1]), out = int64_t(f.tensors.at(g + ".lora_b").ne[1]);
                const std::vector<float> A = decode(f, g + ".lora_a"), B = decode(f, g + ".lora_b");
                std::vector<float> delta(std::size_t(out * in));
                for (int64_t o = 0; o < out; ++o)
                    for (int64_t i = 0; i < in; ++i) {
                        double s = 0;
                        for (int64_t k = 0; k < r; ++k) s += double(B[std::size_t(o * r + k)]) * A[std::size_t(k * in + i)];
                        delta[std::size_t(o * in + i)] = float(alpha / double(r) * s);
                    }
                if (const int64_t heads = ropeHeads(config_, p)) delta = unpermuteRows(delta, out, in, heads);
                const std::vector<float> base = test::readFloats(test::fixtureModel() + "/model.safetensors", m + ".weight");
                std::vector<float> merged = test::readFloats(merged_ + "/model.safetensors", m + ".weight");
                for (std::size_t i = 0; i < merged.size(); ++i) merged[i] -= base[i];
                QVERIFY2(test::maxAbs(merged) > 0, m.c_str());
                QVERIFY2(test::maxAbsDiff(delta, merged) <= 1e-4 * test::maxAbs(merged) + 1e-7, m.c_str());
            }
    }

    void loraHalfPrecisionFiles() {
        const GgufFile f32 = readGguf(path("adapter.gguf"));
        for (const auto& [dtype, code, tolerance] : {std::tuple{"f16", 1u, 1e-3}, std::tuple{"bf16", 30u, 8e-3}}) {
            ExportOptions o;
            o.dtype = dtype;
            const std::string file = path(std::string("adapter-") + dtype + ".gguf");
            exportGgufLora(run_, file, o);
            const GgufFile f = readGguf(file);
            checkLayout(f);
            QCOMPARE(f.tensors.size(), f32.tensors.size());
            for (const auto& [name, t] : f.tensors) {
                QCOMPARE(t.type, code);
                const std::vector<float> want = decode(f32, name), got = decode(f, name);
                QVERIFY2(test::maxAbsDiff(got, want) <= tolerance * test::maxAbs(want), name.c_str());
            }
        }
    }

    void mergedModelFileHoldsHyperparametersAndTokenizer() {
        const std::string file = path("model-f32.gguf");
        ExportOptions o;
        o.dtype = "f32";
        exportGgufModel(run_, file, o);
        const GgufFile f = readGguf(file);
        checkLayout(f);
        QCOMPARE(text(f, "general.architecture"), std::string("llama"));
        QCOMPARE(text(f, "general.type"), std::string("model"));
        QCOMPARE(number(f, "general.file_type", 4), 0.0);
        QCOMPARE(number(f, "llama.vocab_size", 4), 512.0);
        QCOMPARE(number(f, "llama.context_length", 4), 256.0);
        QCOMPARE(number(f, "llama.embedding_length", 4), 64.0);
        QCOMPARE(number(f, "llama.block_count", 4), 2.0);
        QCOMPARE(number(f, "llama.feed_forward_length", 4), 176.0);
        QCOMPARE(number(f, "llama.attention.head_count", 4), 4.0);
        QCOMPARE(number(f, "llama.attention.head_count_kv", 4), 2.0);
        QCOMPARE(number(f, "llama.rope.dimension_count", 4), 16.0);
        QCOMPARE(number(f, "llama.attention.key_length", 4), 16.0);
        QCOMPARE(number(f, "llama.attention.value_length", 4), 16.0);
        QCOMPARE(number(f, "llama.rope.freq_base", 6), 10000.0);
        QCOMPARE(float(number(f, "llama.attention.layer_norm_rms_epsilon", 6)), 1e-5f);
        // The sentencepiece vocabulary as the model's tokenizer has it.
        QCOMPARE(text(f, "tokenizer.ggml.model"), std::string("llama"));
        const auto tokenizer = loadTokenizer(test::fixtureModel());
        const Value& tokens = f.kv.at("tokenizer.ggml.tokens");
        QCOMPARE(tokens.arrayType, 8u);
        QCOMPARE(int64_t(tokens.texts.size()), int64_t(512));
        for (int64_t id = 0; id < tokenizer->vocabSize(); ++id) QCOMPARE(tokens.texts[std::size_t(id)], tokenizer->piece(id));
        QCOMPARE(f.kv.at("tokenizer.ggml.scores").arrayType, 6u);
        QCOMPARE(f.kv.at("tokenizer.ggml.scores").numbers.size(), std::size_t(512));
        const Value& types = f.kv.at("tokenizer.ggml.token_type");
        QCOMPARE(types.arrayType, 5u);
        QCOMPARE(types.numbers.size(), std::size_t(512));
        for (int64_t id = 0; id < tokenizer->vocabSize(); ++id)
            QCOMPARE(types.numbers[std::size_t(id)] == 3 || types.numbers[std::size_t(id)] == 2, tokenizer->isSpecial(id));
        QCOMPARE(number(f, "tokenizer.ggml.bos_token_id", 4), double(tokenizer->bosId()));
        QCOMPARE(number(f, "tokenizer.ggml.eos_token_id", 4), double(tokenizer->eosId()));
        QCOMPARE(number(f, "tokenizer.ggml.add_bos_token", 7), 1.0);
    }

    // Every tensor of the f32 file equals the merged HF export's, under llama.cpp's names and q/k row order.
    void mergedModelTensorsAreTheMergedWeights() {
        const GgufFile f = readGguf(path("model-f32.gguf"));
        const std::string weights = merged_ + "/model.safetensors";
        std::map<std::string, std::string> names = {{"token_embd.weight", "model.embed_tokens.weight"},
                                                    {"output_norm.weight", "model.norm.weight"},
                                                    {"output.weight", "lm_head.weight"}};
        for (int layer = 0; layer < config_.numLayers; ++layer) {
            const std::string l = std::to_string(layer);
            names["blk." + l + ".attn_norm.weight"] = "model.layers." + l + ".input_layernorm.weight";
            names["blk." + l + ".ffn_norm.weight"] = "model.layers." + l + ".post_attention_layernorm.weight";
            for (int p = 0; p < 7; ++p) names[ggufName(layer, p)] = module(layer, p) + ".weight";
        }
        QCOMPARE(f.tensors.size(), names.size());
        for (const auto& [gguf, hf] : names) {
            const TensorInfo& t = f.tensors.at(gguf);
            QCOMPARE(t.type, 0u);
            std::vector<float> got = decode(f, gguf);
            const std::string projection = gguf.substr(gguf.find('.', 4) + 1);
            const int64_t heads = projection == "attn_q.weight" ? config_.numHeads : projection == "attn_k.weight" ? config_.numKvHeads : 0;
            if (heads) got = unpermuteRows(got, int64_t(t.ne[1]), int64_t(t.ne[0]), heads);
            QVERIFY2(got == test::readFloats(weights, hf), gguf.c_str());
        }
    }

    // Q8_0: blocks of 32 with an f16 scale, each value within half a step (plus the scale's f16 rounding); rows of
    // 176 (ffn_down) cannot be split in blocks of 32 and stay F16; vectors stay F32.
    void mergedModelQ8_0WithinItsQuantisationBound() {
        ExportOptions o;
        o.dtype = "q8_0";
        const std::string file = path("model-q8_0.gguf");
        exportGgufModel(run_, file, o);
        const GgufFile f = readGguf(file), exact = readGguf(path("model-f32.gguf"));
        checkLayout(f);
        QCOMPARE(number(f, "general.file_type", 4), 7.0);
        int quantised = 0;
        for (const auto& [name, t] : f.tensors) {
            const std::vector<float> got = decode(f, name), want = decode(exact, name);
            if (t.ne.size() == 1) {
                QCOMPARE(t.type, 0u);
                QCOMPARE(got, want);
            } else if (t.ne[0] % 32 != 0) {
                QCOMPARE(t.type, 1u);
                QVERIFY(test::maxAbsDiff(got, want) <= 1e-3 * test::maxAbs(want));
            } else {
                QCOMPARE(t.type, 8u);
                ++quantised;
                for (std::size_t block = 0; block < want.size(); block += 32) {
                    float amax = 0;
                    for (std::size_t i = block; i < block + 32; ++i) amax = std::max(amax, std::fabs(want[i]));
                    const float bound = amax / 254.0f + amax / 1024.0f + 1e-12f;
                    for (std::size_t i = block; i < block + 32; ++i) QVERIFY2(std::fabs(got[i] - want[i]) <= bound, name.c_str());
                }
            }
        }
        QVERIFY(quantised > 10);
    }

    void mergedModelHalfPrecisionFiles() {
        const GgufFile exact = readGguf(path("model-f32.gguf"));
        for (const auto& [dtype, code, fileType, tolerance] :
             {std::tuple{"f16", 1u, 1.0, 1e-3}, std::tuple{"bf16", 30u, 32.0, 8e-3}}) {
            ExportOptions o;
            o.dtype = dtype;
            const std::string file = path(std::string("model-") + dtype + ".gguf");
            exportGgufModel(run_, file, o);
            const GgufFile f = readGguf(file);
            QCOMPARE(number(f, "general.file_type", 4), fileType);
            for (const auto& [name, t] : f.tensors) {
                QCOMPARE(t.type, t.ne.size() == 1 ? 0u : code);
                const std::vector<float> got = decode(f, name), want = decode(exact, name);
                QVERIFY2(test::maxAbsDiff(got, want) <= tolerance * test::maxAbs(want), name.c_str());
            }
        }
    }

    // Byte-level BPE (tokenizer.json): llama.cpp's "gpt2" model with the merges in rank order.
    void byteLevelVocabularyForGpt2Model() {
        const std::string dir = test::dataPath("tokenizers/byte-level-bpe");
        const json file = json::parse(test::readFile(dir + "/tokenizer.json"));
        const auto tokenizer = loadTokenizer(dir);
        const text::GgufVocabulary v = text::readGgufVocabulary(dir, tokenizer->vocabSize() + 3);
        QCOMPARE(v.model, std::string("gpt2"));
        QCOMPARE(int64_t(v.tokens.size()), tokenizer->vocabSize() + 3);
        std::set<std::size_t> addedIds;
        for (const json& added : file["added_tokens"]) addedIds.insert(added["id"].get<std::size_t>());
        for (const auto& [token, id] : file["model"]["vocab"].items()) {
            QCOMPARE(v.tokens[id.get<std::size_t>()], token);
            if (!addedIds.count(id.get<std::size_t>())) QCOMPARE(v.types[id.get<std::size_t>()], int32_t(text::kTokenNormal));
        }
        for (const json& added : file["added_tokens"]) {
            const std::size_t id = added["id"].get<std::size_t>();
            QCOMPARE(v.tokens[id], added["content"].get<std::string>());
            QCOMPARE(v.types[id], int32_t(added["special"].get<bool>() ? text::kTokenControl : text::kTokenUserDefined));
        }
        QCOMPARE(v.types.back(), int32_t(text::kTokenUnused));
        const json& merges = file["model"]["merges"];
        QCOMPARE(v.merges.size(), merges.size());
        for (std::size_t i = 0; i < merges.size(); ++i) {
            const std::string expected = merges[i].is_string() ? merges[i].get<std::string>()
                                                               : merges[i][0].get<std::string>() + " " + merges[i][1].get<std::string>();
            QCOMPARE(v.merges[i], expected);
        }
        QCOMPARE(v.bos, tokenizer->bosId());
        QCOMPARE(v.eos, tokenizer->eosId());
        QVERIFY(v.scores.empty());
    }

    void refusesWhatItCannotWrite() {
        expectError([&] { exportGgufLora(run_, path("adapter.gguf")); }, "exists (use --force");
        ExportOptions o;
        o.dtype = "q8_0";
        expectError([&] { exportGgufLora(run_, path("other.gguf"), o); }, "--dtype for --format gguf-lora must be one of f32, f16, bf16");
        expectError([&] { exportGgufLora(run_, tmp_.path().toStdString()); }, "is a folder");
        o.force = true;
        o.dtype = "f32";
        exportGgufLora(run_, path("adapter.gguf"), o);
    }

    void cliExportsGguf() {
        const std::string file = path("cli/adapter.gguf");
        const auto r = test::runCli({"export", "--run", run_, "--format", "gguf-lora", "--out", file, "--dtype", "f16"});
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(readGguf(file).tensors.begin()->second.type, 1u);
        const auto bad = test::runCli({"export", "--run", run_, "--format", "ggml", "--out", file});
        QVERIFY(bad.code != 0);
        QVERIFY(bad.err.find("gguf-lora") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestGgufExport)
#include "tst_gguf_export.moc"
