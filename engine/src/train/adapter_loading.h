#pragma once
// Adapters read back for inference, evaluation and export, from any of:
//  - a run folder of this project (its newest checkpoint),
//  - a checkpoint folder (state.json + trainable.safetensors),
//  - a peft LoRA folder (adapter_config.json + adapter_model.safetensors): ours or made by peft itself.
#include "io/adapter_files.h"
#include "train/adapters.h"

#include <memory>
#include <string>

namespace l1ra {

std::unique_ptr<AdapterSet> loadAdapterSet(const std::string& dir, const LlamaConfig& config, torch::Device device);

// The checkpoint folder a run folder or checkpoint path designates; throws when there is none.
std::string resolveCheckpointFolder(const std::string& dir);

}  // namespace l1ra
