#include "perf/memory_plan_model.h"

#include <algorithm>
#include <array>

namespace l1ra {

namespace {

constexpr int64_t kNF4Block = 64, kScaleGroup = 256, kRankMultiple = 16;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A projection group of one layer (q|k|v, o, gate|up, down): its weight's shape and the adapters it carries.
struct Group {
    int64_t rows = 0, cols = 0;
    std::array<int, 3> projections{-1, -1, -1};   // indices into projectionNames(), -1 = none
};

std::array<Group, 4> groupsOf(const MemoryPlanRequest& r) {
    const int64_t q = r.heads * r.headDim, kv = r.kvHeads * r.headDim;
    return {Group{q + 2 * kv, r.dim, {0, 1, 2}}, Group{r.dim, q, {3, -1, -1}}, Group{2 * r.ffn, r.dim, {4, 5, -1}},
            Group{r.dim, r.ffn, {6, -1, -1}}};
}

bool targeted(const MemoryPlanRequest& r, int projection) {
    if (r.method == Method::Full || projection < 0) return false;
    if (r.targets.empty()) return true;
    return std::find(r.targets.begin(), r.targets.end(), projectionNames()[std::size_t(projection)]) != r.targets.end();
}

// Out features of a projection inside its group (q, k, v, o, gate, up, down).
int64_t projectionRows(const MemoryPlanRequest& r, int projection) {
    const int64_t q = r.heads * r.headDim, kv = r.kvHeads * r.headDim;
    const int64_t rows[] = {q, kv, kv, r.dim, r.ffn, r.ffn, r.dim};
    return rows[projection];
}

// The group's stacked rank as the projection node builds it (L1RA pads it to a multiple of 16).
int64_t groupRank(const MemoryPlanRequest& r, const Group& g) {
    int64_t rank = 0;
    for (int p : g.projections)
        if (targeted(r, p)) rank += r.rank;
    if (rank > 0 && r.method == Method::L1RA) rank = ceilDiv(rank, kRankMultiple) * kRankMultiple;
    return rank;
}

bool hasAdapters(const MemoryPlanRequest& r, const Group& g) { return groupRank(r, g) > 0; }

struct Sizes {
    int64_t N, T, B, D, q, kv, F, V, H;
    int64_t act;      // activation element bytes (the compute dtype)
    int64_t weight;   // dense weight element bytes
};

Sizes sizesOf(const MemoryPlanRequest& r) {
    Sizes s{};
    s.B = r.batchSize;
    s.T = r.seqLen;
    s.N = s.B * s.T;
    s.D = r.dim;
    s.q = r.heads * r.headDim;
    s.kv = r.kvHeads * r.headDim;
    s.F = r.ffn;
    s.V = r.vocab;
    s.H = r.heads;
    s.act = r.precision == "f32" ? 4 : 2;
    s.weight = r.method == Method::Full ? 4 : s.act;   // full fine-tuning keeps fp32 master weights
    return s;
}

bool onCuda(const MemoryPlanRequest& r) { return r.device.rfind("cuda", 0) == 0; }

int64_t weightBytes(const MemoryPlanRequest& r, const Sizes& s) {
    const int64_t biases = (r.qkvBias ? s.q + 2 * s.kv : 0) + (r.oBias ? s.D : 0) + (r.mlpBias ? 2 * s.F + s.D : 0);
    int64_t n = (s.V * s.D * (r.tiedEmbeddings ? 1 : 2) + (2 * r.layers + 1) * s.D + r.layers * biases) * s.weight;
    for (const Group& g : groupsOf(r)) n += r.layers * frozenWeightBytes(g.rows, g.cols, r.method == Method::Full ? "bf16" : r.baseDtype, r.doubleQuant, s.weight);
    return n;
}

// Trainable tensors in fp32 with AdamW's two moments. Every adapter has A [r, in], B [out, r] and a gate [r] with
// moments (plain LoRA's gates stay at one and train not). Gradients appear as the backward pass reaches each
// tensor, after the peak (the cross-entropy's backward or the last layer's): full fine-tuning's lm_head gradient,
// the first to come, is the one counted.
int64_t adapterBytes(const MemoryPlanRequest& r, const Sizes& s) {
    if (r.method == Method::Full) {
        const int64_t parameters = weightBytes(r, s) / 4;
        // Two moments, lm_head's gradient, and under bf16 autocast the cast copies of the weights it caches.
        return parameters * 8 + s.V * s.D * 4 + (s.act == 2 ? parameters * 2 : 0);
    }
    int64_t values = 0;
    for (const Group& g : groupsOf(r))
        for (int p : g.projections)
            if (targeted(r, p)) values += r.rank * (g.cols + projectionRows(r, p)) + r.rank;
    return r.layers * 4 * 3 * values;
}

// What one layer's backward pass keeps for it. CPU: the fused kernels' saved tensors (the norms' inputs and fp32
// inverse RMS, q/k/v, the softmax probabilities [B, H, T, T], the SwiGLU input, each adapted group's (dropped)
// input, x Aᵀ and its stacked A and B). CUDA: LibTorch's operations (the norms' fp32 copies, the fused
// attention's q/k/v, output and log-sum-exp, SiLU's output, each adapted group's dropout mask beside the dropped
// input, x Aᵀ before and after the gains).
int64_t layerActivations(const MemoryPlanRequest& r, const Sizes& s) {
    const auto groups = groupsOf(r);
    const bool cuda = onCuda(r);
    const int64_t inputs[4] = {s.D, s.q, s.D, s.F};   // each group's input width
    int64_t perToken = (s.q + 2 * s.kv + 2 * s.F) * s.act + 2 * s.D * (cuda ? 4 : s.act);
    int64_t fixed = 2 * s.N * 4;   // the norms' inverse RMS
    for (std::size_t i = 0; i < 4; ++i) {
        if (r.method == Method::Full) perToken += inputs[i] * s.act;   // kept for the weight's gradient
        if (!hasAdapters(r, groups[i])) continue;
        const int64_t R = groupRank(r, groups[i]);
        perToken += (inputs[i] + R) * s.act;
        if (cuda) perToken += ((r.dropout > 0 ? inputs[i] : 0) + R) * s.act;
        else fixed += R * (groups[i].cols + groups[i].rows) * s.act;   // A stacked and B with its gains
    }
    if (cuda) {
        perToken += (s.q + s.F) * s.act;   // the attention output, SiLU's output
        fixed += s.B * s.H * s.T * 4;      // the attention's log-sum-exp
    } else {
        fixed += s.B * s.H * s.T * s.T * s.act;
    }
    return s.N * perToken + fixed;
}

// The largest set of temporaries of one layer's backward pass besides what it saved: the attention's gradient
// buffers (on the CPU a [B, H, T, T] one) or the MLP's, and the dense copy of a quantised weight.
int64_t layerBackwardTemporaries(const MemoryPlanRequest& r, const Sizes& s) {
    const int64_t attention = s.N * s.act * (s.D + s.q + s.q + 2 * s.kv) + (onCuda(r) ? 0 : s.B * s.H * s.T * s.T * s.act);
    const int64_t mlp = s.N * s.act * (2 * s.F + 2 * s.D);   // SwiGLU's input gradient, the incoming and outgoing ones
    int64_t dequantised = 0;
    if (r.baseDtype != "bf16" && r.method != Method::Full)
        for (const Group& g : groupsOf(r)) dequantised = std::max(dequantised, g.rows * g.cols * s.act);
    return std::max(attention, mlp) + dequantised;
}

}  // namespace

void setModelShape(MemoryPlanRequest& r, const LlamaConfig& c) {
    r.vocab = c.vocabSize;
    r.dim = c.hiddenSize;
    r.layers = c.numLayers;
    r.heads = c.numHeads;
    r.kvHeads = c.numKvHeads;
    r.headDim = c.headDim;
    r.ffn = c.intermediateSize;
    r.tiedEmbeddings = c.tiedEmbeddings;
    r.qkvBias = c.qkvBias;
    r.oBias = c.oBias;
    r.mlpBias = c.mlpBias;
}

int64_t frozenWeightBytes(int64_t rows, int64_t cols, const std::string& baseDtype, bool doubleQuant, int64_t denseElementSize) {
    const int64_t n = rows * cols;
    if (baseDtype == "int8") return n + rows * 4;
    if (baseDtype == "nf4") {
        const int64_t blocks = ceilDiv(n, kNF4Block);
        return ceilDiv(n, 2) + (doubleQuant ? blocks + ceilDiv(blocks, kScaleGroup) * 4 : blocks * 4);
    }
    return n * denseElementSize;
}

MemoryEstimate estimateTrainingMemory(const MemoryPlanRequest& r) {
    const Sizes s = sizesOf(r);
    MemoryEstimate e;
    e.weights = weightBytes(r, s);
    e.adapters = adapterBytes(r, s);
    const int64_t residual = s.N * s.D * s.act;   // one layer's input (the residual stream)
    // The cross-entropy keeps the logits (CPU: as they come, with their log-sum-exp; CUDA: LibTorch's fp32
    // log-softmax) and its backward pass adds their gradient (CUDA: in fp32 twice over, then cast back).
    const int64_t logitCount = s.N * s.V;
    const int64_t logits = onCuda(r) ? logitCount * 4 : logitCount * s.act + s.N * 4;
    const int64_t headWorkspace = onCuda(r) ? logitCount * (4 + 4 + s.act) : logitCount * s.act;
    const int64_t head = logits + residual;       // and the final norm's input
    const int64_t layer = layerActivations(r, s), temporaries = layerBackwardTemporaries(r, s);
    // Two candidate peaks: the cross-entropy's backward (its gradient [N, V] beside everything saved), and the last
    // layer's backward (the head freed, that layer's temporaries instead). Checkpointing saves only each layer's
    // input and recomputes one layer at a time.
    const int64_t saved = r.gradientCheckpointing ? r.layers * residual : r.layers * layer;
    const int64_t atHead = saved + head;
    const int64_t atLayer = saved + (r.gradientCheckpointing ? layer : 0) + residual,
                  layerWorkspace = temporaries + residual;
    if (atHead + headWorkspace >= atLayer + layerWorkspace) {
        e.activations = atHead;
        e.workspace = headWorkspace;
    } else {
        e.activations = atLayer;
        e.workspace = layerWorkspace;
    }
    return e;
}

int64_t processOverheadBytes(const std::string& device) {
    // CPU: the l1ra process with LibTorch, OpenBLAS and oneDNN loaded, 155 MiB before any model (`l1ra bench`'s
    // baseline_bytes), and what the C library keeps of freed memory; CUDA: the context and the kernels' modules
    // (not measured here: an estimate).
    return device.rfind("cuda", 0) == 0 ? (int64_t(600) << 20) : (int64_t(256) << 20);
}

bool fitsIn(int64_t peakBytes, int64_t overheadBytes, int64_t freeBytes) {
    return double(peakBytes) * 1.10 + double(overheadBytes) <= double(freeBytes);
}

}  // namespace l1ra
