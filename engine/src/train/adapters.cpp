#include "train/adapters.h"

#include "kernels/fast_dropout.h"
#include "kernels/adapted_projection.h"
#include "kernels/frozen_linear.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "l1ra/training_events.h"
#include "l1ra/projections.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace l1ra {

constexpr int64_t kGroupRankMultiple = 16;

int64_t projectionInFeatures(const LlamaConfig& c, int projection) {
    switch (projection) {
        case 3: return c.qDim();               // o_proj reads the attention output
        case 6: return c.intermediateSize;     // down_proj reads the MLP activation
        default: return c.hiddenSize;
    }
}

int64_t projectionOutFeatures(const LlamaConfig& c, int projection) {
    switch (projection) {
        case 0: return c.qDim();
        case 1:
        case 2: return c.kvDim();
        case 3: return c.hiddenSize;
        case 4:
        case 5: return c.intermediateSize;
        default: return c.hiddenSize;
    }
}

int64_t projectionColumnOffset(const LlamaConfig& c, int projection) {
    switch (projection) {
        case 1: return c.qDim();
        case 2: return c.qDim() + c.kvDim();
        case 5: return c.intermediateSize;
        default: return 0;
    }
}

ProjectionGroup AdapterSet::groupOf(int projection) {
    switch (projection) {
        case 0:
        case 1:
        case 2: return ProjectionGroup::QKV;
        case 3: return ProjectionGroup::O;
        case 4:
        case 5: return ProjectionGroup::GateUp;
        default: return ProjectionGroup::Down;
    }
}

std::string Adapter::moduleName() const {
    const std::string& p = projectionNames()[std::size_t(projection)];
    const bool attention = projection <= 3;
    return "model.layers." + std::to_string(layer) + (attention ? ".self_attn." : ".mlp.") + p;
}

AdapterSet::AdapterSet(const LlamaConfig& config, torch::Device device, const AdapterSpec& spec)
    : config_(config), device_(device), spec_(spec) {
    if (spec.rank < 1) throw Error("adapter rank must be at least 1");
    std::vector<int> targets;
    for (const auto& name : spec.targets) {
        const auto& names = projectionNames();
        auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) throw Error("adapter target '" + name + "' is not a LLaMA projection");
        targets.push_back(int(it - names.begin()));
    }
    std::sort(targets.begin(), targets.end());
    auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    for (int layer = 0; layer < int(config.numLayers); ++layer) {
        for (int p : targets) {
            Adapter a;
            a.layer = layer;
            a.projection = p;
            a.inFeatures = projectionInFeatures(config, p);
            a.outFeatures = projectionOutFeatures(config, p);
            a.scale = spec.alpha / spec.rank;
            const std::string name = a.moduleName();
            a.A = {name + ".lora_A", ParamGroup::Weights, (torch::randn({spec.rank, a.inFeatures}, f32) / spec.rank).requires_grad_(true)};
            a.B = {name + ".lora_B", ParamGroup::Weights, torch::zeros({a.outFeatures, spec.rank}, f32).requires_grad_(true)};
            a.gate = {name + ".gate", ParamGroup::Gates, torch::ones({spec.rank}, f32).requires_grad_(spec.gated)};
            a.A.initMoments();
            a.B.initMoments();
            a.gate.initMoments();
            a.born.assign(std::size_t(spec.rank), 0);
            adapters_.push_back(std::move(a));
        }
    }
    rebuildIndex();
}

AdapterSet::AdapterSet(const LlamaConfig& config, torch::Device device, std::vector<LoadedAdapter> loaded,
                       const AdapterSpec& spec, const std::string& source)
    : config_(config), device_(device), spec_(spec) {
    std::sort(loaded.begin(), loaded.end(), [](const LoadedAdapter& a, const LoadedAdapter& b) {
        return std::tie(a.layer, a.projection) < std::tie(b.layer, b.projection);
    });
    auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    for (auto& l : loaded) {
        Adapter a;
        a.layer = l.layer;
        a.projection = l.projection;
        a.inFeatures = projectionInFeatures(config, l.projection);
        a.outFeatures = projectionOutFeatures(config, l.projection);
        a.scale = l.scale;
        const std::string name = a.moduleName();
        if (l.layer < 0 || l.layer >= config.numLayers) throw Error(source + ": adapter for " + name + ", but the model has " + std::to_string(config.numLayers) + " layers");
        if (!adapters_.empty() && adapters_.back().layer == l.layer && adapters_.back().projection == l.projection)
            throw Error(source + ": two adapters for " + name);
        const int64_t r = l.A.dim() == 2 ? l.A.size(0) : -1;
        if (r < 1 || l.A.size(1) != a.inFeatures)
            throw Error(source + ": " + name + " lora_A has shape " + c10::str(l.A.sizes()) + ", expected [r, " + std::to_string(a.inFeatures) + "]");
        if (l.B.dim() != 2 || l.B.size(0) != a.outFeatures || l.B.size(1) != r)
            throw Error(source + ": " + name + " lora_B has shape " + c10::str(l.B.sizes()) + ", expected [" +
                        std::to_string(a.outFeatures) + ", " + std::to_string(r) + "]");
        if (l.gate.defined() && (l.gate.dim() != 1 || l.gate.size(0) != r))
            throw Error(source + ": " + name + " gate has shape " + c10::str(l.gate.sizes()) + ", expected [" + std::to_string(r) + "]");
        a.A = {name + ".lora_A", ParamGroup::Weights, l.A.to(f32)};
        a.B = {name + ".lora_B", ParamGroup::Weights, l.B.to(f32)};
        a.gate = {name + ".gate", ParamGroup::Gates, l.gate.defined() ? l.gate.to(f32).clamp(0.0, 1.0) : torch::ones({r}, f32)};
        a.born.assign(std::size_t(r), 0);
        adapters_.push_back(std::move(a));
    }
    if (adapters_.empty()) throw Error(source + ": holds no adapter weights");
    rebuildIndex();
}

void AdapterSet::rebuildIndex() {
    index_.assign(std::size_t(config_.numLayers), std::vector<std::vector<GroupSlot>>(4));
    for (const auto& a : adapters_)
        index_[std::size_t(a.layer)][std::size_t(groupOf(a.projection))].push_back({&a, projectionColumnOffset(config_, a.projection)});
}

namespace {

// The set's projections under the dropout state of the moment it was made (AdapterHook::replayHook).
class ReplayHook : public AdapterHook {
public:
    ReplayHook(const AdapterSet* set, AdapterSet::DropoutState dropout) : set_(set), dropout_(dropout) {}
    torch::Tensor project(int64_t layer, ProjectionGroup group, const torch::Tensor& input,
                          const kernels::FrozenWeight& weight) const override {
        return set_->projectWith(layer, group, input, weight, dropout_);
    }
    std::vector<torch::Tensor> layerParameters(int64_t layer) const override { return set_->layerParameters(layer); }
    std::shared_ptr<const AdapterHook> replayHook() const override { return std::make_shared<ReplayHook>(set_, dropout_); }

private:
    const AdapterSet* set_;
    AdapterSet::DropoutState dropout_;
};

}  // namespace

torch::Tensor AdapterSet::project(int64_t layer, ProjectionGroup group, const torch::Tensor& input,
                                  const kernels::FrozenWeight& weight) const {
    return projectWith(layer, group, input, weight, dropout_);
}

std::shared_ptr<const AdapterHook> AdapterSet::replayHook() const { return std::make_shared<ReplayHook>(this, dropout_); }

std::vector<torch::Tensor> AdapterSet::layerParameters(int64_t layer) const {
    std::vector<torch::Tensor> out;
    for (const auto& group : index_[std::size_t(layer)])
        for (const GroupSlot& slot : group)
            for (const TrainableTensor* t : {&slot.adapter->A, &slot.adapter->B, &slot.adapter->gate})
                if (t->value.requires_grad()) out.push_back(t->value);
    return out;
}

torch::Tensor AdapterSet::projectWith(int64_t layer, ProjectionGroup group, const torch::Tensor& input,
                                      const kernels::FrozenWeight& weight, const DropoutState& dropout) const {
    const auto& slots = index_[std::size_t(layer)][std::size_t(group)];
    if (slots.empty()) return kernels::frozenLinear(input, weight);
    // The base product and the group's adapters as one node (kernels/adapted_projection.h).
    std::vector<torch::Tensor> As, Bs, gates;
    kernels::LowRankGroup g;
    for (const GroupSlot& slot : slots) {
        const Adapter& a = *slot.adapter;
        As.push_back(a.A.value);
        Bs.push_back(a.B.value);
        gates.push_back(a.gate.value);
        g.columnOffsets.push_back(slot.columnOffset);
        g.scales.push_back(a.scale);
    }
    g.gated = spec_.gated;
    // L1RA: the group's total rank padded with inert zero ranks to a multiple of 16. Reallocations give the totals
    // many values, and each new GEMM shape costs a oneDNN kernel compilation (~1 ms) on the CPU. (LoRA's ranks
    // never change: no padding.)
    g.rankMultiple = spec_.gated ? kGroupRankMultiple : 1;
    // One dropout mask per group: the projections of a fused group read the same input.
    if (dropout.training && spec_.dropout > 0) {
        g.dropout = spec_.dropout;
        g.seed = kernels::dropoutSeed(dropout.seed, dropout.stream, layer, int64_t(group));
    }
    return kernels::adaptedProjection(input, weight, As, Bs, gates, g);
}

int AdapterSet::totalRank() const {
    int n = 0;
    for (const auto& a : adapters_) n += a.rank();
    return n;
}

std::vector<TrainableTensor*> AdapterSet::trainables() {
    std::vector<TrainableTensor*> out;
    for (auto& a : adapters_) {
        out.push_back(&a.A);
        out.push_back(&a.B);
        if (spec_.gated) out.push_back(&a.gate);
    }
    return out;
}

std::vector<std::vector<float>> AdapterSet::gateValues() const {
    std::vector<std::vector<float>> out;
    out.reserve(adapters_.size());
    // One transfer for all gates rather than one per adapter (matters on CUDA).
    std::vector<torch::Tensor> parts;
    for (const auto& a : adapters_) parts.push_back(a.gate.value.detach());
    const auto all = torch::cat(parts).to(torch::kCPU).contiguous();
    const float* p = all.data_ptr<float>();
    for (const auto& a : adapters_) {
        out.emplace_back(p, p + a.rank());
        p += a.rank();
    }
    return out;
}

namespace {

// Keeps the indexed slices of a tensor along `dim` and appends `fresh`; moments follow with zeros.
void resize(TrainableTensor& t, int64_t dim, const torch::Tensor& keep, const torch::Tensor& fresh) {
    torch::NoGradGuard noGrad;
    const bool grad = t.value.requires_grad();
    t.value = torch::cat({t.value.index_select(dim, keep), fresh}, dim).detach().requires_grad_(grad);
    auto zeros = torch::zeros_like(fresh, fresh.options().dtype(torch::kFloat32));
    t.expAvg = torch::cat({t.expAvg.index_select(dim, keep), zeros}, dim);
    t.expAvgSq = torch::cat({t.expAvgSq.index_select(dim, keep), zeros}, dim);
}

// Directions of the ranks a plan prunes, for NewRankInit::Donor.
struct DonorRows {
    struct Row {
        int layer, inputGroup;
        int64_t inFeatures;
        torch::Tensor values;   // [in]
        bool used = false;
    };
    std::vector<Row> rows;   // in adapter and rank order

    // The first unused row that reads the same input (same layer and input group), else one of the same input
    // group in another layer, else one of the same width; undefined when none is left.
    torch::Tensor take(int layer, int inputGroup, int64_t inFeatures) {
        for (int pass = 0; pass < 3; ++pass)
            for (Row& r : rows) {
                if (r.used || r.inFeatures != inFeatures) continue;
                if (pass == 0 && (r.layer != layer || r.inputGroup != inputGroup)) continue;
                if (pass == 1 && r.inputGroup != inputGroup) continue;
                r.used = true;
                return r.values;
            }
        return {};
    }
};

// q, k and v read one input, gate and up another: the groups whose A rows live in the same space.
int inputGroupOf(int projection) {
    switch (projection) {
        case 0:
        case 1:
        case 2: return 0;
        case 3: return 1;
        case 4:
        case 5: return 2;
        default: return 3;
    }
}

}  // namespace

void AdapterSet::applyPlan(const ReallocationPlan& plan, int64_t step, NewRankInit init) {
    if (plan.adapters.size() != adapters_.size()) throw Error("internal: allocation plan for a different adapter set");
    auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(device_);
    DonorRows donors;
    if (init == NewRankInit::Donor) {
        torch::NoGradGuard noGrad;
        for (std::size_t i = 0; i < adapters_.size(); ++i) {
            const Adapter& a = adapters_[i];
            const auto& keep = plan.adapters[i].keep;
            for (int k = 0; k < a.rank(); ++k) {
                if (std::find(keep.begin(), keep.end(), k) != keep.end()) continue;
                donors.rows.push_back({a.layer, inputGroupOf(a.projection), a.inFeatures, a.A.value.detach()[k].clone()});
            }
        }
    }
    for (std::size_t i = 0; i < adapters_.size(); ++i) {
        const AdapterPlan& p = plan.adapters[i];
        Adapter& a = adapters_[i];
        if (p.pruned == 0 && p.added == 0) continue;
        const auto keep = torch::tensor(std::vector<int64_t>(p.keep.begin(), p.keep.end()), torch::kInt64).to(device_);
        torch::Tensor freshA = torch::randn({p.added, a.inFeatures}, f32) / spec_.rank;   // [added, in]
        if (init == NewRankInit::Donor) {
            // Only the donor's direction is reused: each row keeps the length a drawn row has on average.
            const double length = std::sqrt(double(a.inFeatures)) / spec_.rank;
            for (int k = 0; k < p.added; ++k) {
                const torch::Tensor row = donors.take(a.layer, inputGroupOf(a.projection), a.inFeatures);
                if (row.defined()) freshA[k].copy_(row * (length / std::max(1e-12, row.norm().item<double>())));
            }
        }
        resize(a.A, 0, keep, freshA);
        resize(a.B, 1, keep, torch::zeros({a.outFeatures, p.added}, f32));
        resize(a.gate, 0, keep, torch::ones({p.added}, f32));
        std::vector<int64_t> born;
        for (int k : p.keep) born.push_back(a.born[std::size_t(k)]);
        born.resize(born.size() + std::size_t(p.added), step);
        a.born = std::move(born);
    }
}

void AdapterSet::resetMoments() {
    for (auto* p : trainables()) {
        p->initMoments();
        p->steps = 0;
    }
}

void AdapterSet::clampGates() {
    torch::NoGradGuard noGrad;
    for (auto& a : adapters_) a.gate.value.clamp_(0.0, 1.0);
}

RankSnapshot AdapterSet::snapshot(int64_t step, int budget) const {
    RankSnapshot s;
    s.step = step;
    s.numLayers = int(config_.numLayers);
    s.initialRank = spec_.rank;
    s.budget = budget;
    const std::size_t cells = std::size_t(s.numLayers) * kProjectionCount;
    s.ranks.assign(cells, 0);
    s.targeted.assign(cells, false);
    s.gateMass.assign(cells, 0.0);
    s.gateMin.assign(cells, 0.0);
    s.gateMean.assign(cells, 0.0);
    const auto gates = gateValues();
    for (std::size_t i = 0; i < adapters_.size(); ++i) {
        const Adapter& a = adapters_[i];
        const std::size_t cell = rankCell(a.layer, a.projection);
        const auto& g = gates[i];
        double mass = 0, mn = 1e30;
        for (float x : g) {
            const double c = std::clamp(double(x), 0.0, 1.0);
            mass += c;
            mn = std::min(mn, c);
        }
        s.ranks[cell] = a.rank();
        s.targeted[cell] = true;
        s.gateMass[cell] = mass;
        s.gateMin[cell] = g.empty() ? 0.0 : mn;
        s.gateMean[cell] = g.empty() ? 0.0 : mass / double(g.size());
    }
    return s;
}

int64_t AdapterSet::parameterCount() const {
    int64_t n = 0;
    for (const auto& a : adapters_) n += a.A.value.numel() + a.B.value.numel() + (spec_.gated ? a.gate.value.numel() : 0);
    return n;
}

torch::Tensor AdapterSet::foldedA(const Adapter& a) const {
    torch::NoGradGuard noGrad;
    if (!spec_.gated) return a.A.value.detach().clone();
    return a.A.value.detach() * a.gate.value.detach().clamp(0.0, 1.0).unsqueeze(1);
}

}  // namespace l1ra
