#include "adapter_loading.h"

#include "checkpoint.h"
#include "file_util.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "language_model_impl.h"
#include "safetensors.h"
#include "tensor_io.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <regex>

namespace l1ra {

using nlohmann::json;

bool parseModuleName(const std::string& module, int* layer, int* projection) {
    static const std::regex pattern(R"(^model\.layers\.(\d+)\.(self_attn|mlp)\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)$)");
    std::smatch m;
    if (!std::regex_match(module, m, pattern)) return false;
    const auto& names = projectionNames();
    const int p = int(std::find(names.begin(), names.end(), m[3].str()) - names.begin());
    const bool attention = p <= 3;
    if ((m[2].str() == "self_attn") != attention) return false;
    *layer = std::stoi(m[1].str());
    *projection = p;
    return true;
}

std::string resolveCheckpointFolder(const std::string& dir) {
    if (fileExists(dir + "/state.json") && fileExists(dir + "/trainable.safetensors")) return dir;
    if (fileExists(dir + "/config.json") && isDirectory(dir + "/checkpoints")) {
        const std::string newest = newestCheckpoint(dir);
        if (newest.empty()) throw Error(dir + ": the run has no checkpoint yet");
        return newest;
    }
    throw Error(dir + ": not a run folder, checkpoint or adapter folder");
}

namespace {

std::unique_ptr<AdapterSet> loadCheckpointAdapters(const std::string& ckpt, const LlamaConfig& config, torch::Device device) {
    const std::string statePath = ckpt + "/state.json";
    json state;
    try {
        state = json::parse(readTextFile(statePath));
    } catch (const json::exception& e) {
        throw Error(statePath + ": not valid JSON: " + e.what());
    }
    const std::string method = state.value("method", "");
    if (method == "full") throw Error(ckpt + ": a full fine-tuning checkpoint has no adapter; export it as a merged model");
    SafetensorsFile file(ckpt + "/trainable.safetensors");
    std::vector<LoadedAdapter> loaded;
    AdapterSpec spec;
    try {
        for (const auto& entry : state.at("adapters")) {
            const std::string module = entry.at("module").get<std::string>();
            LoadedAdapter l;
            if (!parseModuleName(module, &l.layer, &l.projection)) throw Error(statePath + ": '" + module + "' is not a LLaMA projection");
            l.A = loadTensor(file.tensor(module + ".lora_A"), torch::kFloat32, device);
            l.B = loadTensor(file.tensor(module + ".lora_B"), torch::kFloat32, device);
            if (method == "l1ra") l.gate = loadTensor(file.tensor(module + ".gate"), torch::kFloat32, device);
            l.scale = entry.at("scale").get<double>();
            loaded.push_back(std::move(l));
        }
        spec.rank = state.value("initial_rank", 8);
        spec.alpha = state.value("alpha", 16.0);
    } catch (const json::exception& e) {
        throw Error(statePath + ": " + e.what());   // a key missing or of the wrong type
    }
    spec.gated = method == "l1ra";
    return std::make_unique<AdapterSet>(config, device, std::move(loaded), spec, ckpt);
}

// peft matches rank_pattern / alpha_pattern keys as regular expressions against the end of a module name.
const json* patternValue(const json& patterns, const std::string& module) {
    if (!patterns.is_object()) return nullptr;
    for (auto it = patterns.begin(); it != patterns.end(); ++it) {
        try {
            if (std::regex_match(module, std::regex("(.*\\.)?(" + it.key() + ")"))) return &it.value();
        } catch (const std::regex_error&) {
            if (module == it.key() || (module.size() > it.key().size() &&
                                       module.compare(module.size() - it.key().size() - 1, std::string::npos, "." + it.key()) == 0))
                return &it.value();
        }
    }
    return nullptr;
}

std::unique_ptr<AdapterSet> loadPeftAdapters(const std::string& dir, const LlamaConfig& config, torch::Device device) {
    const std::string configPath = dir + "/adapter_config.json";
    json c;
    try {
        c = json::parse(readTextFile(configPath));
    } catch (const json::exception& e) {
        throw Error(configPath + ": not valid JSON: " + e.what());
    }
    auto refuse = [&](const std::string& why) { return Error(configPath + ": " + why); };
    if (!c.is_object()) throw refuse("not a JSON object");
    const std::string type = c.value("peft_type", "");
    if (type != "LORA") throw refuse("peft_type '" + type + "' is not supported (only LORA)");
    if (c.value("use_dora", false)) throw refuse("DoRA adapters (use_dora) are not supported");
    if (c.contains("bias") && c["bias"].is_string() && c["bias"].get<std::string>() != "none")
        throw refuse("bias training ('bias': '" + c["bias"].get<std::string>() + "') is not supported");
    if (c.contains("modules_to_save") && !c["modules_to_save"].is_null() && !c["modules_to_save"].empty())
        throw refuse("modules_to_save is not supported (the adapter also replaces whole modules)");
    if (c.contains("layers_to_transform") && !c["layers_to_transform"].is_null())
        throw refuse("layers_to_transform is not supported");
    if (c.value("fan_in_fan_out", false)) throw refuse("fan_in_fan_out is not supported for LLaMA");
    if (!c.contains("r") || !c["r"].is_number_integer() || c["r"].get<int>() < 1) throw refuse("'r' must be a positive integer");
    if (!c.contains("lora_alpha") || !c["lora_alpha"].is_number()) throw refuse("'lora_alpha' is missing");
    const int r = c["r"].get<int>();
    const double alpha = c["lora_alpha"].get<double>();
    const bool rslora = c.value("use_rslora", false);
    const json rankPattern = c.value("rank_pattern", json::object());
    const json alphaPattern = c.value("alpha_pattern", json::object());

    const std::string weights = dir + "/adapter_model.safetensors";
    if (!fileExists(weights)) {
        if (fileExists(dir + "/adapter_model.bin"))
            throw Error(dir + ": adapter_model.bin (pickle) is not supported; save the adapter with safe_serialization=True");
        throw Error(dir + ": no adapter_model.safetensors");
    }
    SafetensorsFile file(weights);
    static const std::regex key(R"(^base_model\.model\.(.+)\.(lora_A|lora_B)(\.default)?\.weight$)");
    std::map<std::string, std::pair<const TensorView*, const TensorView*>> modules;
    for (const auto& [name, view] : file.tensors()) {
        std::smatch m;
        if (!std::regex_match(name, m, key)) {
            if (name.find("lora_magnitude_vector") != std::string::npos) throw Error(weights + ": DoRA weights ('" + name + "') are not supported");
            if (name.find("lora_embedding") != std::string::npos) throw Error(weights + ": embedding adapters ('" + name + "') are not supported");
            throw Error(weights + ": unexpected tensor '" + name + "' (only LoRA A/B weights of LLaMA projections are supported)");
        }
        auto& slot = modules[m[1].str()];
        (m[2].str() == "lora_A" ? slot.first : slot.second) = &view;
    }
    std::vector<LoadedAdapter> loaded;
    for (const auto& [module, ab] : modules) {
        LoadedAdapter l;
        if (!parseModuleName(module, &l.layer, &l.projection))
            throw Error(weights + ": '" + module + "' is not a LLaMA projection (q/k/v/o/gate/up/down_proj)");
        if (!ab.first || !ab.second) throw Error(weights + ": " + module + " has only one of lora_A and lora_B");
        l.A = loadTensor(*ab.first, torch::kFloat32, device);
        l.B = loadTensor(*ab.second, torch::kFloat32, device);
        const int rank = int(l.A.size(0));
        const json* rp = patternValue(rankPattern, module);
        const int expectedRank = rp && rp->is_number_integer() ? rp->get<int>() : r;
        if (rank != expectedRank)
            throw Error(weights + ": " + module + " has rank " + std::to_string(rank) + " but adapter_config.json says " + std::to_string(expectedRank));
        const json* ap = patternValue(alphaPattern, module);
        const double a = ap && ap->is_number() ? ap->get<double>() : alpha;
        l.scale = rslora ? a / std::sqrt(double(rank)) : a / double(rank);
        loaded.push_back(std::move(l));
    }
    AdapterSpec spec;
    spec.rank = r;
    spec.alpha = alpha;
    spec.gated = false;
    return std::make_unique<AdapterSet>(config, device, std::move(loaded), spec, weights);
}

}  // namespace

std::unique_ptr<AdapterSet> loadAdapterSet(const std::string& dir, const LlamaConfig& config, torch::Device device) {
    if (!isDirectory(dir)) throw Error("adapter folder " + dir + " does not exist");
    if (fileExists(dir + "/adapter_config.json")) return loadPeftAdapters(dir, config, device);
    return loadCheckpointAdapters(resolveCheckpointFolder(dir), config, device);
}

void LanguageModel::Impl::loadAdapter(const std::string& dir) {
    adapter = loadAdapterSet(dir, model->config(), model->device());
}

}  // namespace l1ra
