#pragma once
// What every export reads: the checkpoint, the run it belongs to (its config and method) and the base model,
// and the base model with the run's training merged in (for merged HF folders and merged GGUF files).
#include "l1ra/adapter_export.h"
#include "l1ra/run_config.h"
#include "model/llama_model.h"

#include <memory>
#include <string>

namespace l1ra {

class ModelFolder;

struct ExportSource {
    std::string runDir;
    std::string checkpoint;
    RunConfig config;
    Method method = Method::L1RA;
};

// From a run folder (its newest checkpoint) or options.checkpoint; throws l1ra::Error naming the file.
ExportSource resolveExportSource(const std::string& dir, const ExportOptions& options);

// The base model in fp32 with W + s·B·diag(c)·A merged into every adapted weight (or a full fine-tuning run's
// trained weights). A quantised base is dequantised first; `note` then says so, naming `storedAs`.
std::unique_ptr<LlamaModel> loadMergedModel(const ExportSource& s, const ModelFolder& folder, const std::string& storedAs,
                                            std::string* note);

}  // namespace l1ra
