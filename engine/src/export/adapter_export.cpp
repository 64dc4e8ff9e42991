#include "l1ra/adapter_export.h"

#include "train/adapter_loading.h"
#include "train/checkpoint.h"
#include "export/export_source.h"
#include "io/file_util.h"
#include "io/folder_swap.h"
#include "l1ra/error.h"
#include "l1ra/model_info.h"
#include "l1ra/run_config.h"
#include "model/llama_model.h"
#include "io/model_folder.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace l1ra {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The run's own record next to the export, so that the studio can reopen it and show its rank map.
void copyRunRecord(const ExportSource& s, const std::string& outDir) {
    const std::string record = outDir + "/l1ra_run";
    fs::create_directories(record);
    for (const char* name : {"config.json", "metrics.jsonl", "ranks.jsonl", "events.jsonl", "summary.json"})
        if (fileExists(s.runDir + "/" + name)) fs::copy_file(s.runDir + "/" + name, record + "/" + name);
    json info = {{"checkpoint", s.checkpoint}, {"run", s.runDir}, {"method", methodName(s.method)}};
    writeTextFileAtomically(record + "/export.json", info.dump(2) + "\n");
}

std::string moduleKey(const Adapter& a) { return a.moduleName(); }   // "model.layers.3.self_attn.q_proj"

torch::ScalarType storedDtypeOf(const ModelFolder& folder) {
    const ModelInfo info = inspectModel(folder.dir(), /*readTokenizer=*/false);
    if (info.storedDtype == "BF16") return torch::kBFloat16;
    if (info.storedDtype == "F16") return torch::kFloat16;
    if (info.storedDtype == "F32") return torch::kFloat32;
    const std::string t = folder.config().torchDtype;
    return t == "bfloat16" ? torch::kBFloat16 : t == "float16" ? torch::kFloat16 : torch::kFloat32;
}

const char* torchDtypeName(torch::ScalarType t) {
    return t == torch::kBFloat16 ? "bfloat16" : t == torch::kFloat16 ? "float16" : "float32";
}

void copyTokenizerFiles(const std::string& from, const std::string& to) {
    for (const char* name : {"tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                             "generation_config.json", "added_tokens.json", "chat_template.jinja", "chat_template.json",
                             "vocab.json", "merges.txt"})
        if (fileExists(from + "/" + name)) fs::copy_file(from + "/" + name, to + "/" + name);
}

}  // namespace

// Writes an export folder atomically; a failed write names the export as well as the temporary file it was in.
static void writeExport(const std::string& outDir, bool force, const std::function<void(const std::string&)>& fill) {
    writeFolderAtomically(outDir, force, [&](const std::string& dir) {
        try {
            fill(dir);
        } catch (const std::exception& e) {
            throw Error("cannot export to " + outDir + ": " + e.what());
        }
    });
}

void exportPeftAdapter(const std::string& runDir, const std::string& outDir, const ExportOptions& options) {
    // peft adapters are written in f32 (what peft loads into any dtype); a --dtype asked for would be ignored.
    if (!options.dtype.empty() && options.dtype != "f32")
        throw Error("--dtype " + options.dtype + ": the peft adapter is written in f32 (--dtype applies to merged and GGUF exports)");
    const ExportSource s = resolveExportSource(runDir, options);
    if (s.method == Method::Full) throw Error(s.runDir + ": a full fine-tuning run has no adapter; export it with --format merged");
    const LlamaConfig base = loadLlamaConfig(s.config.model.path);
    torch::NoGradGuard noGrad;
    const auto adapters = loadAdapterSet(s.checkpoint, base, torch::kCPU);
    const int r0 = s.config.adapter.rank;
    const double alpha = s.config.adapter.alpha;

    std::vector<std::pair<std::string, torch::Tensor>> tensors, gates;
    json rankPattern = json::object(), alphaPattern = json::object();
    for (const Adapter& a : adapters->adapters()) {
        const std::string key = moduleKey(a);
        // peft scales by alpha_i / r_i: alpha_i = scale * r_i keeps our alpha / r0. The gate is folded into A.
        tensors.emplace_back("base_model.model." + key + ".lora_A.weight", adapters->foldedA(a));
        tensors.emplace_back("base_model.model." + key + ".lora_B.weight", a.B.value.detach());
        gates.emplace_back(key + ".gate", a.gate.value.detach());
        rankPattern[key] = a.rank();
        alphaPattern[key] = a.scale * a.rank();
    }
    const json config = {{"peft_type", "LORA"},
                         {"task_type", "CAUSAL_LM"},
                         {"base_model_name_or_path", s.config.model.path},
                         {"r", r0},
                         {"lora_alpha", alpha},
                         {"lora_dropout", s.config.adapter.dropout},
                         {"target_modules", s.config.adapter.targets},
                         {"bias", "none"},
                         {"fan_in_fan_out", false},
                         {"inference_mode", true},
                         {"init_lora_weights", true},
                         {"use_rslora", false},
                         {"use_dora", false},
                         {"modules_to_save", nullptr},
                         {"layers_to_transform", nullptr},
                         {"layers_pattern", nullptr},
                         {"rank_pattern", rankPattern},
                         {"alpha_pattern", alphaPattern},
                         {"revision", nullptr}};
    writeExport(outDir, options.force, [&](const std::string& dir) {
        saveTensors(dir + "/adapter_model.safetensors", tensors, {{"format", "pt"}});
        writeTextFileAtomically(dir + "/adapter_config.json", config.dump(2) + "\n");
        copyRunRecord(s, dir);
        saveTensors(dir + "/l1ra_run/gates.safetensors", gates, {{"format", "l1ra-gates"}});
    });
}

std::string exportMergedModel(const std::string& runDir, const std::string& outDir, const ExportOptions& options) {
    if (options.maxShardBytes < 1) throw Error("the shard size limit must be positive");
    const ExportSource s = resolveExportSource(runDir, options);
    const ModelFolder folder(s.config.model.path);
    const torch::ScalarType outDtype = options.dtype.empty() ? storedDtypeOf(folder) : parseComputeDtype(options.dtype);
    torch::NoGradGuard noGrad;
    std::string note;
    const auto model = loadMergedModel(s, folder, torchDtypeName(outDtype), &note);
    json config = json::parse(folder.config().rawJson);
    config["torch_dtype"] = torchDtypeName(outDtype);
    writeExport(outDir, options.force, [&](const std::string& dir) {
        std::vector<std::vector<std::pair<std::string, torch::Tensor>>> shards(1);
        int64_t shardBytes = 0, total = 0;
        for (auto& [name, t] : model->hfTensors()) {
            auto stored = t.to(outDtype).contiguous();
            const int64_t bytes = stored.numel() * int64_t(stored.element_size());
            if (shardBytes > 0 && shardBytes + bytes > options.maxShardBytes) {
                shards.emplace_back();
                shardBytes = 0;
            }
            shards.back().emplace_back(name, stored);
            shardBytes += bytes;
            total += bytes;
        }
        if (shards.size() == 1) {
            saveTensors(dir + "/model.safetensors", shards[0], {{"format", "pt"}});
        } else {
            json index = {{"metadata", {{"total_size", total}}}, {"weight_map", json::object()}};
            for (std::size_t i = 0; i < shards.size(); ++i) {
                char name[64];
                std::snprintf(name, sizeof(name), "model-%05zu-of-%05zu.safetensors", i + 1, shards.size());
                saveTensors(dir + "/" + name, shards[i], {{"format", "pt"}});
                for (const auto& [tensor, value] : shards[i]) index["weight_map"][tensor] = name;
            }
            writeTextFileAtomically(dir + "/model.safetensors.index.json", index.dump(2) + "\n");
        }
        writeTextFileAtomically(dir + "/config.json", config.dump(2) + "\n");
        copyTokenizerFiles(folder.dir(), dir);
        copyRunRecord(s, dir);
    });
    return note;
}

}  // namespace l1ra
