// The adapter as a llama.cpp LoRA adapter GGUF (docs/exports.md, "GGUF LoRA adapter").
#include "l1ra/adapter_export.h"

#include "train/adapter_loading.h"
#include "export/export_source.h"
#include "export/gguf_export_support.h"
#include "l1ra/error.h"

#include <filesystem>

namespace l1ra {

void exportGgufLora(const std::string& runDir, const std::string& outFile, const ExportOptions& options) {
    const gguf::TensorType type = parseGgufType(options.dtype, "f32", {"f32", "f16", "bf16"}, "gguf-lora");
    const ExportSource s = resolveExportSource(runDir, options);
    if (s.method == Method::Full) throw Error(s.runDir + ": a full fine-tuning run has no adapter; export it with --format gguf");
    checkGgufTarget(outFile, options.force);
    const LlamaConfig base = loadLlamaConfig(s.config.model.path);
    torch::NoGradGuard noGrad;
    const auto adapters = loadAdapterSet(s.checkpoint, base, torch::kCPU);
    // One alpha for the file: llama.cpp scales each pair by alpha / r_i (r_i = that pair's rank), so B carries
    // the rest of the module's training scale s_i: (alpha / r_i) · (s_i · r_i / alpha) = s_i.
    const double alpha = s.config.adapter.alpha > 0 ? s.config.adapter.alpha : 1.0;
    gguf::Writer w;
    w.addString("general.architecture", ggufArchitecture(base));
    w.addString("general.type", "adapter");
    w.addString("general.name", std::filesystem::path(s.runDir).filename().string());
    w.addString("adapter.type", "lora");
    w.addFloat32("adapter.lora.alpha", float(alpha));
    for (const Adapter& a : adapters->adapters()) {
        if (a.rank() == 0) continue;
        const torch::Tensor A = adapters->foldedA(a).to(torch::kFloat32);                           // [r, in]
        torch::Tensor B = a.B.value.detach().to(torch::kFloat32) * (a.scale * a.rank() / alpha);    // [out, r]
        if (const int64_t heads = ropeHeads(base, a.projection)) B = permuteForPairRope(B, heads);
        const std::string name = "blk." + std::to_string(a.layer) + "." + kGgufProjections[a.projection] + ".weight";
        addGgufTensor(w, name + ".lora_a", A, type);   // ggml ne {in, r}
        addGgufTensor(w, name + ".lora_b", B, type);   // ggml ne {r, out}
    }
    w.write(outFile);
}

}  // namespace l1ra
