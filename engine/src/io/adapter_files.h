#pragma once
// What adapter files say, read without torch: LLaMA projection module names, peft's adapter_config.json and the
// tensor names of adapter_model.safetensors. adapter_loading.cpp turns the result into tensors.
#include "io/safetensors.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace l1ra {

// "model.layers.3.self_attn.q_proj" -> layer 3, projection 0. False for anything else.
bool parseModuleName(const std::string& module, int* layer, int* projection);

// A peft LoRA adapter_config.json, validated: anything the adapter would compute differently is refused.
struct PeftAdapterConfig {
    int rank = 0;                // r
    double alpha = 0;            // lora_alpha
    bool rslora = false;         // scale alpha / sqrt(rank) instead of alpha / rank
    nlohmann::json rankPattern = nlohmann::json::object();    // module regex -> rank
    nlohmann::json alphaPattern = nlohmann::json::object();   // module regex -> alpha

    int rankFor(const std::string& module) const;
    double alphaFor(const std::string& module) const;
};

// Throws l1ra::Error naming `source` and the field.
PeftAdapterConfig parsePeftAdapterConfig(const std::string& jsonText, const std::string& source);

// The lora_A and lora_B tensors of one module in a peft adapter_model.safetensors.
struct PeftModuleTensors {
    const TensorView* A = nullptr;   // [rank, in]
    const TensorView* B = nullptr;   // [out, rank]
};

// Groups the file's tensors by LLaMA projection module; throws l1ra::Error naming the file for any other tensor,
// a module with only one of A and B, or A and B that are not matrices of one rank.
std::map<std::string, PeftModuleTensors> peftModuleTensors(const SafetensorsFile& file);

}  // namespace l1ra
