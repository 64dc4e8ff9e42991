#pragma once
// Exports of a trained adapter: HF peft format (per-module ranks) and a merged HF model folder.
#include <cstdint>
#include <string>

namespace l1ra {

struct ExportOptions {
    bool force = false;              // replace an existing output folder
    std::string checkpoint;          // a checkpoint folder to export instead of the run's newest
    int64_t maxShardBytes = 2000000000;   // merged exports above this are sharded with an index
    std::string dtype;               // merged: "" = the base model's dtype, or f32 / bf16 / f16
};

// From a run folder (its newest checkpoint) or an exported adapter folder of this project.
// Throws l1ra::Error naming the file. Writes into a temporary folder and renames it into place.
void exportPeftAdapter(const std::string& runDir, const std::string& outDir, const ExportOptions& options = {});
// Returns a note for the log when the merge did something the user should know: a run trained on a quantised base
// (model.base_dtype int8 or nf4) is merged into the dequantised base it trained against; "" otherwise.
std::string exportMergedModel(const std::string& runDir, const std::string& outDir, const ExportOptions& options = {});

}  // namespace l1ra
