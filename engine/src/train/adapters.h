#pragma once
// LoRA / L1RA adapters on the LLaMA projections: y = W x + s * B diag(c) A x (DESIGN.md section 1).
// One Adapter per (layer, projection); the AdapterSet plugs into LlamaModel as its AdapterHook.
#include "model/llama_model.h"
#include "train/rank_allocator.h"
#include "train/trainable_tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace l1ra {

struct RankSnapshot;

struct Adapter {
    int layer = 0;
    int projection = 0;          // index into projectionNames(): q k v o gate up down
    int64_t inFeatures = 0;
    int64_t outFeatures = 0;
    double scale = 1.0;          // alpha / r0, fixed when the adapter is created
    TrainableTensor A;           // [r, in]
    TrainableTensor B;           // [out, r]
    TrainableTensor gate;        // [r] in [0, 1]; all ones and untrained in plain LoRA
    std::vector<int64_t> born;   // [r] the step at which each rank was created (0 = with the adapter)
    int rank() const { return int(A.value.size(0)); }
    std::string moduleName() const;   // "model.layers.3.self_attn.q_proj"
};

struct AdapterSpec {
    int rank = 8;                 // r0
    double alpha = 16;
    double dropout = 0.0;
    bool gated = true;            // L1RA (true) or plain LoRA
    std::vector<std::string> targets;   // projection names
};

// Adapter weights read from a file: a checkpoint, our export or any peft LoRA adapter.
struct LoadedAdapter {
    int layer = 0;
    int projection = 0;
    torch::Tensor A;      // [r, in]
    torch::Tensor B;      // [out, r]
    torch::Tensor gate;   // [r], or undefined for plain LoRA
    double scale = 1.0;
};

class AdapterSet : public AdapterHook {
public:
    // New adapters for every targeted projection: A ~ N(0,1)/r0, B = 0, c = 1 (fp32, on the model's device).
    AdapterSet(const LlamaConfig& config, torch::Device device, const AdapterSpec& spec);
    // Adapters with given weights (for inference and export); shapes are checked against the model.
    AdapterSet(const LlamaConfig& config, torch::Device device, std::vector<LoadedAdapter> loaded, const AdapterSpec& spec,
               const std::string& source);

    torch::Tensor project(int64_t layer, ProjectionGroup group, const torch::Tensor& input,
                          const kernels::FrozenWeight& weight) const override;
    std::vector<torch::Tensor> layerParameters(int64_t layer) const override;
    std::shared_ptr<const AdapterHook> replayHook() const override;

    void setTraining(bool training) { dropout_.training = training; }
    // Dropout masks are a hash of (seed, stream, layer, group): set the stream (the micro-batch's index in the
    // run) before each training forward pass; no generator state is involved.
    void setDropoutStream(uint64_t seed, int64_t stream) {
        dropout_.seed = seed;
        dropout_.stream = stream;
    }
    bool gated() const { return spec_.gated; }
    const AdapterSpec& spec() const { return spec_; }
    int initialRank() const { return spec_.rank; }
    int totalRank() const;

    std::vector<Adapter>& adapters() { return adapters_; }
    const std::vector<Adapter>& adapters() const { return adapters_; }
    std::vector<TrainableTensor*> trainables();   // A, B (and gates when gated)

    // Gate values per adapter, for the allocator.
    std::vector<std::vector<float>> gateValues() const;
    // How a new rank's A row is chosen: drawn N(0,1)/r0, or the direction of a rank pruned in the same round
    // from an adapter that reads the same input (drawn when there is none left).
    enum class NewRankInit { Fresh, Donor };
    // Applies an allocation plan after optimizer step `step`: survivors keep values, Adam moments and creation
    // steps; new ranks start with their A row, B = 0, c = 1 and zero moments, created at `step`.
    void applyPlan(const ReallocationPlan& plan, int64_t step = 0, NewRankInit init = NewRankInit::Fresh);
    // Zeroes every Adam moment and step count (the reference code rebuilds its optimizer at a reallocation).
    void resetMoments();
    // Clamps every gate into [0, 1] (after the L1 shrink and on load).
    void clampGates();

    RankSnapshot snapshot(int64_t step, int budget) const;
    int64_t parameterCount() const;   // A and B elements (gates included when gated)

    // Effective low-rank factors with the gate folded into A: (diag(c) A, B, scale) for export and merging.
    torch::Tensor foldedA(const Adapter& a) const;

    // What decides a forward pass's dropout masks.
    struct DropoutState {
        bool training = false;
        uint64_t seed = 0;
        int64_t stream = 0;
    };
    torch::Tensor projectWith(int64_t layer, ProjectionGroup group, const torch::Tensor& input,
                              const kernels::FrozenWeight& weight, const DropoutState& dropout) const;

private:
    struct GroupSlot {
        const Adapter* adapter;
        int64_t columnOffset;   // where this projection's columns start in the group's fused output
    };
    static ProjectionGroup groupOf(int projection);
    void rebuildIndex();

    LlamaConfig config_;
    torch::Device device_;
    AdapterSpec spec_;
    DropoutState dropout_;
    std::vector<Adapter> adapters_;
    std::vector<std::vector<std::vector<GroupSlot>>> index_;   // [layer][group] -> adapters in that group
};

// Column offset of a projection inside its fused group output (q|k|v, o, gate|up, down).
int64_t projectionColumnOffset(const LlamaConfig& c, int projection);
int64_t projectionOutFeatures(const LlamaConfig& c, int projection);
int64_t projectionInFeatures(const LlamaConfig& c, int projection);

}  // namespace l1ra
