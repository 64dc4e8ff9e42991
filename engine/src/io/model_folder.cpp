#include "io/model_folder.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/model_location.h"
#include "l1ra/text_tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace l1ra {

std::string shapeString(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::map<std::string, std::vector<int64_t>> ModelFolder::expectedShapes(const LlamaConfig& c) {
    const int64_t D = c.hiddenSize, F = c.intermediateSize, V = c.vocabSize;
    std::map<std::string, std::vector<int64_t>> s;
    s["model.embed_tokens.weight"] = {V, D};
    s["model.norm.weight"] = {D};
    if (!c.tiedEmbeddings) s["lm_head.weight"] = {V, D};
    for (int64_t i = 0; i < c.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        s[p + "input_layernorm.weight"] = {D};
        s[p + "post_attention_layernorm.weight"] = {D};
        s[p + "self_attn.q_proj.weight"] = {c.qDim(), D};
        s[p + "self_attn.k_proj.weight"] = {c.kvDim(), D};
        s[p + "self_attn.v_proj.weight"] = {c.kvDim(), D};
        s[p + "self_attn.o_proj.weight"] = {D, c.qDim()};
        s[p + "mlp.gate_proj.weight"] = {F, D};
        s[p + "mlp.up_proj.weight"] = {F, D};
        s[p + "mlp.down_proj.weight"] = {D, F};
        if (c.qkvBias) {
            s[p + "self_attn.q_proj.bias"] = {c.qDim()};
            s[p + "self_attn.k_proj.bias"] = {c.kvDim()};
            s[p + "self_attn.v_proj.bias"] = {c.kvDim()};
        }
        if (c.oBias) s[p + "self_attn.o_proj.bias"] = {D};
        if (c.mlpBias) {
            s[p + "mlp.gate_proj.bias"] = {F};
            s[p + "mlp.up_proj.bias"] = {F};
            s[p + "mlp.down_proj.bias"] = {D};
        }
    }
    return s;
}

ModelFolder::ModelFolder(const std::string& path) : dir_(resolveModelFolder(path)), config_(loadLlamaConfig(dir_)) {
    const std::string& dir = dir_;
    const std::string single = dir + "/model.safetensors";
    const std::string index = dir + "/model.safetensors.index.json";
    std::map<std::string, std::string> weightMap;   // tensor -> file, for sharded folders
    if (fileExists(index)) {
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(readTextFile(index));
        } catch (const nlohmann::json::exception& e) {
            throw Error(index + ": not valid JSON: " + e.what());
        }
        if (!j.is_object() || !j.contains("weight_map") || !j["weight_map"].is_object())
            throw Error(index + ": 'weight_map' is missing");
        std::set<std::string> shards;
        for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
            if (!it.value().is_string()) throw Error(index + ": weight_map entry '" + it.key() + "' is not a file name");
            const std::string file = it.value().get<std::string>();
            if (file.find('/') != std::string::npos || file == ".." || file.empty())
                throw Error(index + ": weight_map entry '" + it.key() + "' names '" + file + "', not a file in the folder");
            weightMap[it.key()] = file;
            shards.insert(file);
        }
        fileNames_.assign(shards.begin(), shards.end());
    } else if (fileExists(single)) {
        fileNames_ = {"model.safetensors"};
    } else {
        throw Error(dir + ": no model.safetensors or model.safetensors.index.json (only safetensors weights are supported)");
    }

    for (const auto& name : fileNames_) {
        const std::string path = dir + "/" + name;
        if (!fileExists(path)) throw Error(index + ": shard " + name + " does not exist");
        files_.push_back(std::make_unique<SafetensorsFile>(path));
        for (const auto& [tname, view] : files_.back()->tensors()) {
            if (!weightMap.empty()) {
                auto w = weightMap.find(tname);
                if (w == weightMap.end() || w->second != name) continue;   // the index decides which copy counts
            }
            if (tensors_.count(tname)) throw Error(path + ": tensor '" + tname + "' is also in another shard");
            tensors_[tname] = &view;
        }
    }
    for (const auto& [tname, file] : weightMap)
        if (!tensors_.count(tname)) throw Error(dir + "/" + file + ": tensor '" + tname + "' listed in the index is missing");

    const auto expected = expectedShapes(config_);
    for (const auto& [name, shape] : expected) {
        auto it = tensors_.find(name);
        if (it == tensors_.end()) throw Error(dir + ": missing tensor '" + name + "'");
        const TensorView& v = *it->second;
        if (v.shape != shape)
            throw Error(dir + ": tensor '" + name + "' has shape " + shapeString(v.shape) + " but config.json implies " +
                        shapeString(shape));
        if (v.dtype != DType::F32 && v.dtype != DType::F16 && v.dtype != DType::BF16)
            throw Error(dir + ": tensor '" + name + "' has dtype " + dtypeName(v.dtype) + " (supported: F32, F16, BF16)");
    }
    for (const auto& [name, view] : tensors_) {
        if (expected.count(name)) continue;
        if (name == "lm_head.weight" && config_.tiedEmbeddings) continue;            // redundant copy of the tie
        if (name.size() > 9 && name.compare(name.size() - 9, 9, ".inv_freq") == 0) continue;   // old rotary buffers
        throw Error(dir + ": unexpected tensor '" + name + "' (a feature this LLaMA implementation does not have)");
    }
}

const TensorView& ModelFolder::tensor(const std::string& name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) throw Error(dir_ + ": missing tensor '" + name + "'");
    return *it->second;
}

std::vector<int64_t> endOfSequenceIds(const ModelFolder& folder) {
    std::vector<int64_t> ids = folder.config().eosIds;
    const std::string path = folder.dir() + "/generation_config.json";
    if (!fileExists(path)) return ids;
    const auto j = nlohmann::json::parse(readTextFile(path), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error(path + ": not a valid JSON object");
    const auto add = [&](const nlohmann::json& v) {
        if (!v.is_number_integer()) throw Error(path + ": 'eos_token_id' must be a token id or a list of token ids");
        if (std::find(ids.begin(), ids.end(), v.get<int64_t>()) == ids.end()) ids.push_back(v.get<int64_t>());
    };
    if (j.contains("eos_token_id") && !j["eos_token_id"].is_null()) {
        if (j["eos_token_id"].is_array())
            for (const auto& v : j["eos_token_id"]) add(v);
        else
            add(j["eos_token_id"]);
    }
    return ids;
}

std::string ModelFolder::tokenizerPath() const { return tokenizerFileIn(dir_); }

}  // namespace l1ra
