#include "train/adapter_loading.h"

#include "io/adapter_files.h"
#include "train/checkpoint.h"
#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "model/language_model_impl.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace l1ra {

using nlohmann::json;

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
    Method method = Method::L1RA;
    const std::string methodText = state.value("method", "");
    if (!parseMethod(methodText, &method)) throw Error(ckpt + ": unknown method '" + methodText + "'");
    if (method == Method::Full) throw Error(ckpt + ": a full fine-tuning checkpoint has no adapter; export it as a merged model");
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
            if (method == Method::L1RA) l.gate = loadTensor(file.tensor(module + ".gate"), torch::kFloat32, device);
            l.scale = entry.at("scale").get<double>();
            loaded.push_back(std::move(l));
        }
        spec.rank = state.value("initial_rank", 8);
        spec.alpha = state.value("alpha", 16.0);
    } catch (const json::exception& e) {
        throw Error(statePath + ": " + e.what());   // a key missing or of the wrong type
    }
    spec.gated = method == Method::L1RA;
    return std::make_unique<AdapterSet>(config, device, std::move(loaded), spec, ckpt);
}

std::unique_ptr<AdapterSet> loadPeftAdapters(const std::string& dir, const LlamaConfig& config, torch::Device device) {
    const std::string configPath = dir + "/adapter_config.json";
    const PeftAdapterConfig c = parsePeftAdapterConfig(readTextFile(configPath), configPath);

    const std::string weights = dir + "/adapter_model.safetensors";
    if (!fileExists(weights)) {
        if (fileExists(dir + "/adapter_model.bin"))
            throw Error(dir + ": adapter_model.bin (pickle) is not supported; save the adapter with safe_serialization=True");
        throw Error(dir + ": no adapter_model.safetensors");
    }
    SafetensorsFile file(weights);
    std::vector<LoadedAdapter> loaded;
    for (const auto& [module, ab] : peftModuleTensors(file)) {
        LoadedAdapter l;
        parseModuleName(module, &l.layer, &l.projection);
        l.A = loadTensor(*ab.A, torch::kFloat32, device);   // [rank, in]
        l.B = loadTensor(*ab.B, torch::kFloat32, device);   // [out, rank]
        const int rank = int(l.A.size(0));
        const int expectedRank = c.rankFor(module);
        if (rank != expectedRank)
            throw Error(weights + ": " + module + " has rank " + std::to_string(rank) + " but adapter_config.json says " + std::to_string(expectedRank));
        const double a = c.alphaFor(module);
        l.scale = c.rslora ? a / std::sqrt(double(rank)) : a / double(rank);
        loaded.push_back(std::move(l));
    }
    AdapterSpec spec;
    spec.rank = c.rank;
    spec.alpha = c.alpha;
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
