#include "train/trainer.h"
#include "train/gradient_sum_overlap.h"

#include "model/blas_threads.h"
#include "train/data_parallel.h"
#include "train/divergence.h"
#include "l1ra/error.h"
#include "train/lr_schedule.h"
#include "kernels/cross_entropy.h"
#include "model/precision.h"
#include "l1ra/projections.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace l1ra {

double monotonicSeconds() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

Trainer::Trainer(std::unique_ptr<LlamaModel> model, const TrainerSettings& settings, TokenDataset train, TokenDataset val)
    : model_(std::move(model)), settings_(settings), train_(std::move(train)), val_(std::move(val)),
      order_(int64_t(train_.sequences.size()), settings.seed) {
    if (train_.sequences.empty()) throw Error("the training data holds no usable sequences");
    // A training step interleaves fp32 matrix products (OpenBLAS) with many element-wise ops (OpenMP): OpenBLAS's
    // spinning threads then fight OpenMP's, and one BLAS thread measured ~35 % faster in f32 (docs/performance.md).
    if (model_->device().is_cpu()) setBlasThreads(1);
    model_->setGradientCheckpointing(settings_.train.gradientCheckpointing);
    if (settings_.method == Method::Full) {
        // Every weight trains; norms without weight decay.
        for (auto& [name, t] : model_->namedParameters()) {
            TrainableTensor p;
            p.name = name;
            p.group = t.dim() >= 2 ? ParamGroup::Weights : ParamGroup::NoDecay;
            p.value = t;
            p.value.requires_grad_(true);
            p.initMoments();
            fullParams_.push_back(std::move(p));
        }
    } else {
        torch::manual_seed(settings_.seed);
        AdapterSpec spec = settings_.adapter;
        spec.gated = settings_.method == Method::L1RA;
        adapters_ = std::make_unique<AdapterSet>(model_->config(), model_->device(), spec);
    }
}

std::vector<TrainableTensor*> Trainer::trainables() {
    if (adapters_) return adapters_->trainables();
    std::vector<TrainableTensor*> out;
    for (auto& p : fullParams_) out.push_back(&p);
    return out;
}

Trainer::~Trainer() = default;

void Trainer::setProcessGroup(std::shared_ptr<ProcessGroup> group) {
    overlap_.reset();
    group_ = std::move(group);
    if (!group_) return;
    broadcastValues(*group_, trainables());
    // CPU gradients only: on CUDA the backward pass runs on the device's threads and the sum after it stays simple.
    const int64_t bucketBytes = overlapBucketBytes();
    if (model_->device().is_cpu() && bucketBytes > 0) overlap_ = std::make_unique<GradientSumOverlap>(*group_, bucketBytes);
}

int Trainer::worldSize() const { return group_ ? group_->size() : 1; }
int Trainer::rank() const { return group_ ? group_->rank() : 0; }

int64_t Trainer::samplesBefore(int64_t step) const {
    return positionSamples_ + (step - positionStep_) * settings_.train.gradAccum * worldSize() * settings_.train.batchSize;
}

void Trainer::setDataPosition(int64_t step, int64_t samples) {
    positionStep_ = step;
    positionSamples_ = samples;
}

std::vector<int> Trainer::adapterRanks() const {
    std::vector<int> ranks;
    if (adapters_)
        for (const Adapter& a : adapters_->adapters()) ranks.push_back(a.rank());
    return ranks;
}

int Trainer::initialBudget() const { return adapters_ ? adapters_->initialRank() * int(adapters_->adapters().size()) : 0; }

int64_t Trainer::trainableParameterCount() {
    int64_t n = 0;
    for (auto* p : trainables()) n += p->value.numel();
    return n;
}

RankSnapshot Trainer::snapshot(int64_t stepNumber, int budget) const {
    if (!adapters_) {
        RankSnapshot s;
        s.step = stepNumber;
        s.numLayers = int(model_->config().numLayers);
        s.ranks.assign(std::size_t(s.numLayers) * kProjectionCount, 0);
        s.targeted.assign(s.ranks.size(), false);
        s.gateMass.assign(s.ranks.size(), 0.0);
        s.gateMin = s.gateMean = s.gateMass;
        return s;
    }
    return adapters_->snapshot(stepNumber, budget);
}

torch::Tensor Trainer::batchLoss(const Batch& batch, double normaliser) {
    auto device = model_->device();
    auto ids = torch::tensor(batch.ids, torch::kInt64).view({batch.rows, batch.cols}).to(device);
    auto labels = torch::tensor(batch.labels, torch::kInt64).view({batch.rows * batch.cols}).to(device);
    auto logits = model_->forward(ids, nullptr, adapters_.get());   // [B, T, V]
    // Fused: log-sum-exp in fp32 from the logits' own dtype, no fp32 copy of [B*T, V].
    return kernels::crossEntropySum(logits.view({batch.rows * batch.cols, logits.size(-1)}), labels) / normaliser;
}

// Data-parallel: the gradients (what is left of their sums after the backward pass; all of it without the
// overlap) and the loss summed over the processes.
torch::Tensor Trainer::sumOverProcesses(const std::vector<TrainableTensor*>& params, const torch::Tensor& lossSum, StepTimings& timings) {
    const double t0 = monotonicSeconds();
    if (overlap_) {
        overlap_->finish();
        timings.sumBuckets = overlap_->bucketCount();
        timings.sumsStartedInBackward = overlap_->bucketsStartedDuringBackward();
    } else {
        sumGradients(*group_, params);
    }
    std::vector<torch::Tensor> loss{lossSum.to(torch::kCPU, torch::kFloat64).reshape({1})};
    group_->sum(loss);
    timings.communication = monotonicSeconds() - t0;
    return loss[0][0];
}

StepResult Trainer::step(int step, double lambda) {
    StepResult r;
    const int micro = settings_.train.gradAccum;
    // Everything random in a step depends on (seed, step) only: dropout masks are hashed from them (see
    // setDropoutStream), so a resumed run repeats the step exactly.
    // Data-parallel, micro-batch m of the global batch is cut into one slice per process, in rank order: the
    // samples are those a single process would take with the batch size times the world size.
    const int world = worldSize();
    std::vector<Batch> batches;
    for (int m = 0; m < micro; ++m) {
        const int64_t first = samplesBefore(step) + (int64_t(m) * world + rank()) * settings_.train.batchSize;
        batches.push_back(makeBatch(train_, order_.range(first, settings_.train.batchSize), settings_.padId));
        r.lossTokens += batches.back().lossTokens;
        r.inputTokens += batches.back().inputTokens;
    }
    if (group_) {   // the loss is a mean over the global batch's tokens
        std::vector<torch::Tensor> counts{torch::tensor({double(r.lossTokens), double(r.inputTokens)}, torch::kFloat64)};
        group_->sum(counts);
        r.lossTokens = int64_t(counts[0][0].item<double>());
        r.inputTokens = int64_t(counts[0][1].item<double>());
    }
    const double normaliser = std::max<int64_t>(1, r.lossTokens);
    if (adapters_) adapters_->setTraining(true);
    torch::Tensor lossSum = torch::zeros({}, torch::TensorOptions().device(model_->device()));
    auto params = trainables();
    for (std::size_t m = 0; m < batches.size(); ++m) {
        const Batch& b = batches[m];
        if (adapters_) adapters_->setDropoutStream(settings_.seed, (int64_t(step) * micro + int64_t(m)) * world + rank());
        double t0 = monotonicSeconds();
        torch::Tensor loss;
        {
            AutocastScope autocast(settings_.autocast, model_->device());
            loss = batchLoss(b, normaliser);
        }
        double t1 = monotonicSeconds();
        if (overlap_ && m + 1 == batches.size()) overlap_->arm(params);   // the pass that completes the gradients
        loss.backward();
        // On CUDA backward() returns once the kernels are queued: wait for them, so that the split is honest
        // (forward already waited, in the loss's label check).
        if (model_->device().is_cuda()) torch::cuda::synchronize();
        double t2 = monotonicSeconds();
        lossSum += loss.detach();
        r.timings.forward += t1 - t0;
        r.timings.backward += t2 - t1;
    }
    const double t3 = monotonicSeconds();
    if (group_) lossSum = sumOverProcesses(params, lossSum, r.timings);
    applyGradientPoison(step, params);
    r.loss = lossSum.item<double>();
    r.gradNorm = gradientNorm(params);   // its sum of squares is the one finiteness check over all gradients
    r.lr = lrScale_ * scheduledLearningRate(settings_.train.lr, step, settings_.train.steps, settings_.train.warmup, settings_.train.minLrRatio);
    if (!std::isfinite(r.loss) || !std::isfinite(r.gradNorm)) {
        r.nonFinite = std::isfinite(r.loss) ? firstNonFiniteGradient(params) : "loss";
        for (TrainableTensor* p : params) p->value.mutable_grad() = torch::Tensor();
        r.timings.optimizer = monotonicSeconds() - t3;
        return r;
    }
    clipGradients(params, r.gradNorm, settings_.train.maxGradNorm);
    OptimizerSettings o;
    o.lr = r.lr;
    o.weightDecay = settings_.train.weightDecay;
    o.beta1 = settings_.train.beta1;
    o.beta2 = settings_.train.beta2;
    o.eps = settings_.train.eps;
    o.gateLr = settings_.etaC;
    updating_ = true;
    adamwStep(params, o);
    if (gated()) shrinkGates(params, settings_.etaC, lambda);
    updating_ = false;
    if (model_->device().is_cuda()) torch::cuda::synchronize();
    r.timings.optimizer = monotonicSeconds() - t3;
    return r;
}

EvalEvent Trainer::evaluate(int64_t stepNumber) {
    EvalEvent e;
    e.step = stepNumber;
    if (val_.sequences.empty()) return e;
    torch::NoGradGuard noGrad;
    if (adapters_) adapters_->setTraining(false);
    double sum = 0;
    const int64_t n = int64_t(val_.sequences.size());
    int batchesDone = 0;
    for (int64_t first = 0; first < n; first += settings_.train.batchSize) {
        if (settings_.evalBatches > 0 && batchesDone >= settings_.evalBatches) break;
        // Data-parallel, the processes take turns at the batches and the sums are added up below.
        if ((first / settings_.train.batchSize) % worldSize() != rank()) {
            ++batchesDone;
            continue;
        }
        std::vector<int64_t> idx;
        for (int64_t i = first; i < std::min(n, first + settings_.train.batchSize); ++i) idx.push_back(i);
        const Batch b = makeBatch(val_, idx, settings_.padId);
        AutocastScope autocast(settings_.autocast, model_->device());
        sum += batchLoss(b, 1.0).item<double>();
        e.tokens += b.lossTokens;
        ++batchesDone;
    }
    if (adapters_) adapters_->setTraining(true);
    if (group_) {
        std::vector<torch::Tensor> sums{torch::tensor({sum, double(e.tokens)}, torch::kFloat64)};
        group_->sum(sums);
        sum = sums[0][0].item<double>();
        e.tokens = int64_t(sums[0][1].item<double>());
    }
    e.loss = e.tokens > 0 ? sum / double(e.tokens) : 0.0;
    e.perplexity = std::exp(e.loss);
    return e;
}

ReallocationEvent Trainer::reallocate(int64_t stepNumber, int budget, double threshold, int maxPruned) {
    if (!gated()) throw Error("internal: reallocation without L1RA gates");
    ReallocationEvent e;
    e.step = stepNumber;
    e.threshold = threshold;
    e.hasRankAges = true;
    const auto& list = adapters_->adapters();
    std::vector<std::vector<int64_t>> bornBefore;   // [adapter][rank]: creation steps, and so the ranks, before
    for (const auto& a : list) bornBefore.push_back(a.born);
    AllocatorOptions options = settings_.allocator;
    options.threshold = threshold;
    options.maxPruned = maxPruned;
    // Data-parallel, rank 0 decides and every process applies its plan.
    ReallocationPlan plan = planReallocation(adapters_->gateValues(), budget, options);
    if (group_) {
        const ReallocationPlan own = plan;
        plan = broadcastPlan(*group_, own, adapterRanks());
#ifndef NDEBUG
        // Identical gates give identical plans; a difference is a bug in keeping the processes in step.
        for (std::size_t i = 0; i < plan.adapters.size(); ++i)
            if (plan.adapters[i].keep != own.adapters[i].keep || plan.adapters[i].added != own.adapters[i].added)
                throw Error("internal: rank " + std::to_string(rank()) + " planned another reallocation than rank 0 for adapter " + std::to_string(i));
#endif
    }
    // New ranks' A rows are drawn from a generator seeded by (seed, step): resumable.
    torch::manual_seed(settings_.seed * 104729ULL + uint64_t(stepNumber));
    adapters_->applyPlan(plan, stepNumber, settings_.newRankInit);
    if (settings_.resetOptimizer && (plan.pruned > 0 || plan.added > 0)) adapters_->resetMoments();
    if (group_) checkSameModel(*group_, trainables(), adapterRanks(), "after a reallocation");
    e.budget = plan.budget;
    e.pruned = plan.pruned;
    e.added = plan.added;
    e.capped = plan.capped;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const AdapterPlan& p = plan.adapters[i];
        if (p.pruned == 0 && p.added == 0) continue;
        const auto& born = bornBefore[i];
        RankMove m{list[i].layer, list[i].projection, int(born.size()), list[i].rank(), p.pruned, p.added, {}};
        for (int k = 0; k < int(born.size()); ++k)
            if (!std::binary_search(p.keep.begin(), p.keep.end(), k)) m.prunedBorn.push_back(born[std::size_t(k)]);
        e.moves.push_back(std::move(m));
    }
    e.after = adapters_->snapshot(stepNumber, plan.budget);
    e.after.threshold = threshold;
    return e;
}

}  // namespace l1ra
