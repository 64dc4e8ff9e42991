#pragma once
// Gradient checkpointing of one decoder layer: the forward pass runs without recording the layer's operations
// and keeps only the layer's input; the backward pass runs the layer again, recording, and back-propagates the
// incoming gradient through that recomputed graph. Activation memory is then one layer's, not every layer's.
#include <torch/torch.h>

#include <functional>
#include <vector>

namespace l1ra {

// The layer as a function of its input [B, T, D] -> [B, T, D]. It must compute the same values when called
// again (its dropout masks come from a replay hook: llama_model.h, AdapterHook::replayHook).
using LayerBody = std::function<torch::Tensor(const torch::Tensor&)>;

// body(x), differentiable in x and in `parameters` (the tensors inside the layer that train: adapters, or the
// weights in full fine-tuning), whose gradients come back through this node as if the layer had been recorded.
// The autocast state of the call is set again for the recomputation.
torch::Tensor checkpointedLayer(const torch::Tensor& x, LayerBody body, const std::vector<torch::Tensor>& parameters);

}  // namespace l1ra
