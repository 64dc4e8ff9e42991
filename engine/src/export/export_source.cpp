#include "export/export_source.h"

#include "train/adapter_loading.h"
#include "train/checkpoint.h"
#include "io/file_util.h"
#include "l1ra/error.h"
#include "io/model_folder.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace l1ra {

namespace fs = std::filesystem;
using nlohmann::json;

ExportSource resolveExportSource(const std::string& dir, const ExportOptions& options) {
    ExportSource s;
    if (options.checkpoint == "best") {
        // The checkpoint of the best validation loss (checkpoint.keep_best, eval.patience).
        s.checkpoint = bestCheckpoint(dir);
        if (s.checkpoint.empty())
            throw Error(dir + ": the run kept no best checkpoint (set checkpoint.keep_best or eval.patience, and give it validation data)");
    } else {
        s.checkpoint = options.checkpoint.empty() ? resolveCheckpointFolder(dir) : resolveCheckpointFolder(options.checkpoint);
    }
    const fs::path run = fs::path(s.checkpoint).parent_path().parent_path();
    s.runDir = fileExists((run / "config.json").string()) ? run.string() : std::string();
    if (s.runDir.empty()) throw Error(s.checkpoint + ": not inside a run folder (its config.json names the base model)");
    const std::string configPath = s.runDir + "/config.json";
    s.config = parseRunConfig(readTextFile(configPath), configPath);
    const json state = json::parse(readTextFile(s.checkpoint + "/state.json"), nullptr, false);
    if (state.is_discarded()) throw Error(s.checkpoint + "/state.json: not valid JSON");
    const std::string method = state.value("method", methodName(s.config.method));
    if (!parseMethod(method, &s.method)) throw Error(s.checkpoint + "/state.json: unknown method '" + method + "'");
    return s;
}

std::unique_ptr<LlamaModel> loadMergedModel(const ExportSource& s, const ModelFolder& folder, const std::string& storedAs,
                                            std::string* note) {
    // Merge in fp32. A run that trained on a quantised base learnt its adapter against the dequantised weights:
    // those are the ones merged into.
    const BaseWeightFormat base = baseWeightFormat(s.config.model.baseDtype, s.config.model.doubleQuant);
    auto model = std::make_unique<LlamaModel>(folder, torch::kCPU, torch::kFloat32, base);
    model->dequantizeBase();
    if (note && base.format != kernels::WeightFormat::Dense)
        *note = "the run trained on a " + s.config.model.baseDtype + " base: merged into its dequantised weights, stored as " + storedAs;
    if (s.method == Method::Full) {
        const SafetensorsFile trained(s.checkpoint + "/trainable.safetensors");
        for (auto& [name, t] : model->namedParameters()) t.copy_(loadTensor(trained.tensor(name), torch::kFloat32));
        return model;
    }
    const auto adapters = loadAdapterSet(s.checkpoint, model->config(), torch::kCPU);
    auto named = model->hfTensors();
    for (const Adapter& a : adapters->adapters()) {
        const std::string weight = a.moduleName() + ".weight";
        auto it = std::find_if(named.begin(), named.end(), [&](const auto& p) { return p.first == weight; });
        if (it == named.end()) throw Error("internal: no base weight " + weight);
        // W + s B diag(c) A, written into the view of the fused weight.
        it->second.add_(torch::matmul(a.B.value.detach(), adapters->foldedA(a)), a.scale);
    }
    return model;
}

}  // namespace l1ra
