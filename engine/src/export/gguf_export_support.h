#pragma once
// What the two GGUF exports share: llama.cpp's architecture and projection names, the q/k row order its RoPE
// needs, torch tensors added to a gguf::Writer, and the --dtype and output-file checks.
#include "export/gguf_writer.h"
#include "io/model_config.h"
#include "l1ra/projections.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace l1ra {

// llama.cpp's names of the seven projections, in projectionNames() order (q k v o gate up down).
extern const char* const kGgufProjections[kProjectionCount];

// llama.cpp converts LLaMA and Mistral as "llama" and Qwen2 as "qwen2".
std::string ggufArchitecture(const LlamaConfig& c);

// llama.cpp's "llama" graph applies RoPE to adjacent pairs (x0, x1), HF's to halves (x_i, x_{i+hd/2}); its HF
// converter reorders the rows of q_proj and k_proj (and their biases) per head so that the two agree: within
// each head, row 2j+t of the result is row t·hd/2+j of HF's. `t` is [heads·hd, ...].
torch::Tensor permuteForPairRope(const torch::Tensor& t, int64_t heads);
// The heads to reorder a projection's rows by (q: attention heads, k: KV heads), 0 for no reordering.
int64_t ropeHeads(const LlamaConfig& c, int projection);

// A tensor [rows, cols] (or [n]) as GGUF stores it: ne reversed, values encoded when the file is written.
void addGgufTensor(gguf::Writer& w, const std::string& name, const torch::Tensor& t, gguf::TensorType type);

// --dtype for a GGUF format: one of `allowed` ("" = `fallback`); throws naming the format.
gguf::TensorType parseGgufType(const std::string& dtype, const std::string& fallback, const std::vector<std::string>& allowed,
                               const std::string& format);
// Refuses a folder, or an existing file without force; creates the parent folder.
void checkGgufTarget(const std::string& outFile, bool force);

}  // namespace l1ra
