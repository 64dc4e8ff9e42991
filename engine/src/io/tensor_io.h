#pragma once
// Between safetensors bytes and torch tensors.
#include "io/safetensors.h"

#include <torch/torch.h>

#include <map>
#include <string>

namespace l1ra {

torch::ScalarType toTorchType(DType t);
DType fromTorchType(torch::ScalarType t);   // throws for types safetensors cannot hold

// Copies the bytes into a new tensor of the view's dtype, then converts to `dtype` on `device`.
torch::Tensor loadTensor(const TensorView& view, torch::ScalarType dtype, torch::Device device = torch::kCPU);

// Saves tensors (moved to CPU, made contiguous) in the given order, atomically.
void saveTensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                 const std::map<std::string, std::string>& metadata = {});

// "f32"/"float32", "bf16"/"bfloat16", "f16"/"float16" -> scalar type; throws naming the value.
torch::ScalarType parseComputeDtype(const std::string& name);
std::string dtypeLabel(torch::ScalarType t);   // "f32", "bf16", "f16"

}  // namespace l1ra
