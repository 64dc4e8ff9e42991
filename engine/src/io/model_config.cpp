#include "io/model_config.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/model_location.h"

#include <nlohmann/json.hpp>

namespace l1ra {

namespace {

using nlohmann::json;

constexpr int64_t kMaxSize = int64_t(1) << 31;

struct Reader {
    const json& j;
    const std::string& source;

    Error error(const std::string& key, const std::string& why) const {
        return Error(source + ": '" + key + "' " + why);
    }
    bool has(const char* key) const { return j.contains(key) && !j[key].is_null(); }
    int64_t positive(const char* key) const {
        if (!has(key)) throw error(key, "is missing");
        if (!j[key].is_number_integer() || j[key].get<int64_t>() <= 0) throw error(key, "must be a positive integer");
        // Products of two sizes (heads x head_dim, ...) must not overflow: no real model comes near 2^31.
        if (j[key].get<int64_t>() > kMaxSize) throw error(key, "is " + j[key].dump() + ", absurdly large (limit 2^31)");
        return j[key].get<int64_t>();
    }
    int64_t positiveOr(const char* key, int64_t fallback) const { return has(key) ? positive(key) : fallback; }
    double positiveReal(const char* key, double fallback) const {
        if (!has(key)) return fallback;
        if (!j[key].is_number() || j[key].get<double>() <= 0) throw error(key, "must be a positive number");
        return j[key].get<double>();
    }
    bool boolean(const char* key, bool fallback) const {
        if (!has(key)) return fallback;
        if (!j[key].is_boolean()) throw error(key, "must be true or false");
        return j[key].get<bool>();
    }
    // bos/eos ids may be an integer or a list of integers (the first is used for BOS, any stops for EOS).
    std::vector<int64_t> tokenIds(const char* key, int64_t fallback) const {
        if (!has(key)) return {fallback};
        const json& v = j[key];
        if (v.is_number_integer()) return {v.get<int64_t>()};
        std::vector<int64_t> ids;
        if (v.is_array())
            for (const auto& x : v)
                if (x.is_number_integer()) ids.push_back(x.get<int64_t>());
        if (ids.empty() || ids.size() != v.size()) throw error(key, "must be a token id or a list of token ids");
        return ids;
    }
};

struct Architecture {
    const char* modelType;
    const char* className;
};
// model_type and the transformers class each one is loaded as.
constexpr Architecture kArchitectures[] = {
    {"llama", "LlamaForCausalLM"}, {"mistral", "MistralForCausalLM"}, {"qwen2", "Qwen2ForCausalLM"}};

const Architecture* findArchitecture(const std::string& modelType) {
    for (const auto& a : kArchitectures)
        if (modelType == a.modelType) return &a;
    return nullptr;
}

std::string supportedList(bool classNames) {
    std::string s;
    for (const auto& a : kArchitectures) s += std::string(s.empty() ? "" : ", ") + (classNames ? a.className : a.modelType);
    return s;
}

// One RoPE scaling block (rope_scaling or rope_parameters): none/default, linear or llama3; anything else refused.
void parseRopeScaling(const json& rs, const std::string& name, const std::string& source, LlamaConfig& c) {
    std::string type;
    if (rs.contains("rope_type") && rs["rope_type"].is_string()) type = rs["rope_type"].get<std::string>();
    else if (rs.contains("type") && rs["type"].is_string()) type = rs["type"].get<std::string>();
    Reader sr{rs, source};
    const auto error = [&](const std::string& field, const std::string& why) {
        return Error(source + ": '" + name + field + "' " + why);
    };
    // A block without a type is plain RoPE only when it scales nothing (rope_parameters holding just rope_theta).
    if (type.empty() && sr.has("factor")) throw error("", "has a factor but no rope_type");
    if (type.empty() || type == "default") return;
    if (type == "linear") {
        c.ropeScaling = "linear";
        c.ropeFactor = sr.positiveReal("factor", 0);
        if (c.ropeFactor <= 0) throw error(".factor", "is missing");
    } else if (type == "llama3") {
        c.ropeScaling = "llama3";
        c.ropeFactor = sr.positiveReal("factor", 0);
        if (c.ropeFactor <= 0) throw error(".factor", "is missing");
        c.ropeLowFreqFactor = sr.positiveReal("low_freq_factor", 1.0);
        c.ropeHighFreqFactor = sr.positiveReal("high_freq_factor", 4.0);
        c.ropeOriginalMaxPositions = sr.positiveOr("original_max_position_embeddings", 8192);
        if (c.ropeHighFreqFactor <= c.ropeLowFreqFactor) throw error(".high_freq_factor", "must exceed low_freq_factor");
    } else {
        throw error("", "type '" + type + "' is not supported (supported: linear, llama3)");
    }
}

// model_type and architectures: one of the supported families.
void readArchitecture(const Reader& r, LlamaConfig& c) {
    const json& j = r.j;
    if (!r.has("model_type") || !j["model_type"].is_string()) throw r.error("model_type", "is missing");
    c.modelType = j["model_type"].get<std::string>();
    const Architecture* arch = findArchitecture(c.modelType);
    if (!arch) throw r.error("model_type", "is '" + c.modelType + "': supported are " + supportedList(false));
    c.architecture = arch->className;
    if (r.has("architectures")) {
        if (!j["architectures"].is_array() || j["architectures"].empty() || !j["architectures"][0].is_string())
            throw r.error("architectures", "must be a list of names");
        const std::string name = j["architectures"][0].get<std::string>();
        bool known = false;
        for (const auto& a : kArchitectures) known = known || name == a.className;
        if (!known) throw r.error("architectures", "is '" + name + "': supported are " + supportedList(true));
        c.architecture = name;
    }
}

// Sizes, token ids and the checkpoint's dtype.
void readShape(const Reader& r, LlamaConfig& c) {
    const json& j = r.j;
    c.vocabSize = r.positive("vocab_size");
    c.hiddenSize = r.positive("hidden_size");
    c.intermediateSize = r.positive("intermediate_size");
    c.numLayers = r.positive("num_hidden_layers");
    c.numHeads = r.positive("num_attention_heads");
    c.numKvHeads = r.positiveOr("num_key_value_heads", c.numHeads);
    if (c.numHeads % c.numKvHeads != 0)
        throw r.error("num_key_value_heads", "(" + std::to_string(c.numKvHeads) + ") must divide num_attention_heads (" +
                                                 std::to_string(c.numHeads) + ")");
    if (r.has("head_dim")) {
        c.headDim = r.positive("head_dim");
    } else {
        if (c.hiddenSize % c.numHeads != 0)
            throw r.error("hidden_size", "is not divisible by num_attention_heads and no head_dim is given");
        c.headDim = c.hiddenSize / c.numHeads;
    }
    if (c.headDim % 2 != 0) throw r.error("head_dim", "must be even for rotary embeddings");
    c.maxPositions = r.positiveOr("max_position_embeddings", c.maxPositions);
    c.rmsNormEps = r.positiveReal("rms_norm_eps", c.rmsNormEps);
    c.ropeTheta = r.positiveReal("rope_theta", c.ropeTheta);
    c.tiedEmbeddings = r.boolean("tie_word_embeddings", false);
    c.bosId = r.tokenIds("bos_token_id", 1).front();
    c.eosIds = r.tokenIds("eos_token_id", 2);
    c.eosId = c.eosIds.front();
    // transformers 5 names the checkpoint dtype "dtype", 4.x "torch_dtype".
    for (const char* key : {"torch_dtype", "dtype"})
        if (r.has(key) && j[key].is_string()) c.torchDtype = j[key].get<std::string>();
}

// Features that change the computation: implement them or refuse them, never ignore them.
void readComputeFeatures(const Reader& r, LlamaConfig& c) {
    const json& j = r.j;
    if (r.has("hidden_act")) {
        const std::string act = j["hidden_act"].is_string() ? j["hidden_act"].get<std::string>() : "?";
        if (act != "silu") throw r.error("hidden_act", "is '" + act + "': only 'silu' is supported");
    }
    // Qwen2 always has q/k/v biases (its config has no switch for them); LLaMA and Mistral have switches.
    const bool qwen2 = c.modelType == "qwen2";
    const bool attentionBias = r.boolean("attention_bias", false);
    c.qkvBias = qwen2 || attentionBias;
    c.oBias = !qwen2 && attentionBias;
    c.mlpBias = !qwen2 && r.boolean("mlp_bias", false);
    if (qwen2) {
        if (r.boolean("use_sliding_window", false))
            throw r.error("use_sliding_window", "is true: Qwen2's per-layer sliding window is not supported");
        if (r.has("layer_types")) {
            const json& types = j["layer_types"];
            if (!types.is_array()) throw r.error("layer_types", "must be a list");
            for (const auto& t : types)
                if (!t.is_string() || t.get<std::string>() != "full_attention")
                    throw r.error("layer_types", "holds '" + (t.is_string() ? t.get<std::string>() : t.dump()) +
                                                     "': only full_attention layers are supported");
        }
    }
    if (r.has("sliding_window")) {
        if (!j["sliding_window"].is_number_integer() || j["sliding_window"].get<int64_t>() <= 0)
            throw r.error("sliding_window", "must be a positive integer or null");
        // HF applies a sliding window only to mistral (and qwen2 with use_sliding_window, refused above); llama
        // configs never carry one that matters.
        if (c.modelType == "mistral") c.slidingWindow = j["sliding_window"].get<int64_t>();
    }
}

// RoPE scaling: transformers 4.x writes it as "rope_scaling" beside a top-level "rope_theta"; transformers 5
// writes one "rope_parameters" object that holds rope_theta and the scaling fields together.
void readRope(const Reader& r, LlamaConfig& c) {
    const json& j = r.j;
    const std::string& source = r.source;
    if (r.has("rope_parameters")) {
        if (!j["rope_parameters"].is_object()) throw r.error("rope_parameters", "must be an object");
        Reader pr{j["rope_parameters"], source};
        if (pr.has("rope_theta")) c.ropeTheta = pr.positiveReal("rope_theta", c.ropeTheta);
        if (!r.has("rope_scaling")) parseRopeScaling(j["rope_parameters"], "rope_parameters", source, c);
    }
    if (r.has("rope_scaling")) {
        if (!j["rope_scaling"].is_object()) throw r.error("rope_scaling", "must be an object or null");
        parseRopeScaling(j["rope_scaling"], "rope_scaling", source, c);
    }
}

}  // namespace

LlamaConfig parseLlamaConfig(const std::string& jsonText, const std::string& source) {
    json j;
    try {
        j = json::parse(jsonText);
    } catch (const std::exception& e) {
        throw Error(source + ": not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw Error(source + ": not a JSON object");
    Reader r{j, source};
    LlamaConfig c;
    c.rawJson = jsonText;

    readArchitecture(r, c);
    readShape(r, c);
    readComputeFeatures(r, c);
    readRope(r, c);
    return c;
}

LlamaConfig loadLlamaConfig(const std::string& modelPath) {
    const std::string modelDir = resolveModelFolder(modelPath);
    if (!isDirectory(modelDir)) throw Error("model folder " + modelDir + " does not exist");
    const std::string path = modelDir + "/config.json";
    if (!fileExists(path)) throw Error(modelDir + ": no config.json (not a Hugging Face model folder?)");
    return parseLlamaConfig(readTextFile(path), path);
}

}  // namespace l1ra
