#pragma once
// Exports of a trained adapter: HF peft format (per-module ranks), a merged HF model folder, and llama.cpp's GGUF
// files (a LoRA adapter, or the merged model with its tokenizer). docs/exports.md has the layouts.
#include "l1ra/api.h"

#include <cstdint>
#include <string>

L1RA_API_BEGIN
namespace l1ra {

struct ExportOptions {
    bool force = false;              // replace an existing output folder
    std::string checkpoint;          // a checkpoint folder to export instead of the run's newest, or "best": the run's
                                     // best checkpoint (best/, kept with checkpoint.keep_best or eval.patience)
    int64_t maxShardBytes = 2000000000;   // merged exports above this are sharded with an index
    std::string dtype;               // merged: "" = the base model's dtype, or f32 / bf16 / f16
                                     // gguf-lora: f32 (default) / f16 / bf16; gguf: f16 (default) / bf16 / q8_0 / f32
};

// From a run folder (its newest checkpoint) or an exported adapter folder of this project.
// Throws l1ra::Error naming the file. Writes into a temporary folder and renames it into place.
void exportPeftAdapter(const std::string& runDir, const std::string& outDir, const ExportOptions& options = {});
// Returns a note for the log when the merge did something the user should know: a run trained on a quantised base
// (model.base_dtype int8 or nf4) is merged into the dequantised base it trained against; "" otherwise.
std::string exportMergedModel(const std::string& runDir, const std::string& outDir, const ExportOptions& options = {});

// A llama.cpp LoRA adapter GGUF file (general.type "adapter"): per-module ranks as they are, gates folded into A,
// each module's scale folded into B so that llama.cpp's alpha / rank gives the training scale. Replaces an
// existing file only with options.force.
void exportGgufLora(const std::string& runDir, const std::string& outFile, const ExportOptions& options = {});
// A llama.cpp model GGUF file of the merged model, with the tokenizer metadata llama.cpp needs. Returns a note as
// exportMergedModel does.
std::string exportGgufModel(const std::string& runDir, const std::string& outFile, const ExportOptions& options = {});

}  // namespace l1ra
L1RA_API_END
