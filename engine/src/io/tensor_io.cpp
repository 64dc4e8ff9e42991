#include "io/tensor_io.h"

#include "l1ra/error.h"

#include <cstring>

namespace l1ra {

torch::ScalarType toTorchType(DType t) {
    switch (t) {
        case DType::F32: return torch::kFloat32;
        case DType::F16: return torch::kFloat16;
        case DType::BF16: return torch::kBFloat16;
        case DType::I64: return torch::kInt64;
        case DType::I32: return torch::kInt32;
        case DType::U8: return torch::kUInt8;
        case DType::BOOL: return torch::kBool;
        case DType::F64: return torch::kFloat64;
        case DType::I8: return torch::kInt8;
        case DType::I16: return torch::kInt16;
    }
    throw Error("internal: unknown dtype");
}

DType fromTorchType(torch::ScalarType t) {
    switch (t) {
        case torch::kFloat32: return DType::F32;
        case torch::kFloat16: return DType::F16;
        case torch::kBFloat16: return DType::BF16;
        case torch::kInt64: return DType::I64;
        case torch::kInt32: return DType::I32;
        case torch::kUInt8: return DType::U8;
        case torch::kBool: return DType::BOOL;
        case torch::kFloat64: return DType::F64;
        case torch::kInt8: return DType::I8;
        case torch::kInt16: return DType::I16;
        default: throw Error(std::string("internal: dtype ") + c10::toString(t) + " cannot be stored in safetensors");
    }
}

torch::Tensor loadTensor(const TensorView& view, torch::ScalarType dtype, torch::Device device) {
    auto t = torch::empty(view.shape, torch::TensorOptions().dtype(toTorchType(view.dtype)));
    // Copy, not from_blob: the mapping may be unaligned for the element type.
    if (view.nbytes) std::memcpy(t.data_ptr(), view.data, view.nbytes);
    if (t.scalar_type() != dtype) t = t.to(dtype);
    if (device != t.device()) t = t.to(device);
    return t;
}

void saveTensors(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors,
                 const std::map<std::string, std::string>& metadata) {
    std::vector<torch::Tensor> keep;
    std::vector<TensorBlob> blobs;
    keep.reserve(tensors.size());
    for (const auto& [name, tensor] : tensors) {
        keep.push_back(tensor.detach().to(torch::kCPU).contiguous());
        const auto& t = keep.back();
        TensorBlob b;
        b.name = name;
        b.dtype = fromTorchType(t.scalar_type());
        b.shape = t.sizes().vec();
        b.data = t.data_ptr();
        b.nbytes = std::size_t(t.numel()) * t.element_size();
        blobs.push_back(std::move(b));
    }
    writeSafetensors(path, blobs, metadata);
}

torch::ScalarType parseComputeDtype(const std::string& name) {
    if (name == "f32" || name == "float32" || name == "fp32") return torch::kFloat32;
    if (name == "bf16" || name == "bfloat16") return torch::kBFloat16;
    if (name == "f16" || name == "float16" || name == "fp16") return torch::kFloat16;
    throw Error("dtype '" + name + "' is not one of f32, bf16, f16");
}

std::string dtypeLabel(torch::ScalarType t) {
    if (t == torch::kFloat32) return "f32";
    if (t == torch::kBFloat16) return "bf16";
    if (t == torch::kFloat16) return "f16";
    return c10::toString(t);
}

}  // namespace l1ra
