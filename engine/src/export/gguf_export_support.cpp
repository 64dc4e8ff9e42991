#include "export/gguf_export_support.h"

#include "export/gguf_tensor_data.h"
#include "l1ra/error.h"

#include <algorithm>
#include <filesystem>

namespace l1ra {

namespace fs = std::filesystem;
using gguf::TensorType;

const char* const kGgufProjections[kProjectionCount] = {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"};

std::string ggufArchitecture(const LlamaConfig& c) { return c.modelType == "qwen2" ? "qwen2" : "llama"; }

torch::Tensor permuteForPairRope(const torch::Tensor& t, int64_t heads) {
    std::vector<int64_t> split{heads, 2, t.size(0) / heads / 2};
    for (int64_t d = 1; d < t.dim(); ++d) split.push_back(t.size(d));
    return t.reshape(split).transpose(1, 2).reshape(t.sizes()).contiguous();
}

int64_t ropeHeads(const LlamaConfig& c, int projection) {
    if (ggufArchitecture(c) != "llama") return 0;   // Qwen2 uses the halves in llama.cpp too
    return projection == 0 ? c.numHeads : projection == 1 ? c.numKvHeads : 0;
}

void addGgufTensor(gguf::Writer& w, const std::string& name, const torch::Tensor& t, TensorType type) {
    std::vector<uint64_t> ne;
    for (int64_t d = t.dim() - 1; d >= 0; --d) ne.push_back(uint64_t(t.size(d)));
    w.addTensor(name, ne, type, [t, type] {
        const torch::Tensor values = t.to(torch::kFloat32).contiguous();
        return gguf::encodeTensorData(values.data_ptr<float>(), uint64_t(values.numel()), type);
    });
}

TensorType parseGgufType(const std::string& dtype, const std::string& fallback, const std::vector<std::string>& allowed,
                         const std::string& format) {
    const std::string d = dtype.empty() ? fallback : dtype;
    if (std::find(allowed.begin(), allowed.end(), d) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw Error("--dtype for --format " + format + " must be one of " + list + ", not '" + d + "'");
    }
    if (d == "f16") return TensorType::F16;
    if (d == "bf16") return TensorType::BF16;
    if (d == "q8_0") return TensorType::Q8_0;
    return TensorType::F32;
}

void checkGgufTarget(const std::string& outFile, bool force) {
    std::error_code ec;
    if (fs::is_directory(outFile, ec)) throw Error(outFile + " is a folder; a GGUF export writes one file");
    if (fs::exists(outFile, ec) && !force) throw Error(outFile + " exists (use --force to replace it)");
    const fs::path parent = fs::path(outFile).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
}

}  // namespace l1ra
