#pragma once
// One training run's compute: the model, its adapters (or all weights in full fine-tuning), the optimizer,
// the data order; a step, an evaluation and a reallocation. The session around it handles control,
// events and files.
#include "adapters.h"
#include "l1ra/training_events.h"
#include "llama_model.h"
#include "optimizer.h"
#include "token_dataset.h"

#include <memory>
#include <optional>
#include <vector>

namespace l1ra {

struct TrainerSettings {
    std::string method = "l1ra";    // l1ra | lora | full
    AdapterSpec adapter;
    int steps = 100;
    int batchSize = 4;
    int gradAccum = 1;
    double lr = 2e-4;
    double weightDecay = 0.0;
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    int warmup = 0;
    double minLrRatio = 0.0;
    double maxGradNorm = 1.0;
    double etaC = 2e-2;
    AllocatorOptions allocator;     // its threshold and maxPruned are given per reallocation
    AdapterSet::NewRankInit newRankInit = AdapterSet::NewRankInit::Fresh;
    bool resetOptimizer = false;    // the reference code: every moment and step count lost at a reallocation
    int evalBatches = 0;
    uint64_t seed = 42;
    torch::ScalarType autocast = torch::kFloat32;   // kFloat32 = none
    int64_t padId = 0;
    bool gradientCheckpointing = false;   // the model recomputes each layer's activations in the backward pass
};

struct StepTimings {
    double forward = 0, backward = 0, optimizer = 0;   // seconds
};

struct StepResult {
    double loss = 0;
    double gradNorm = 0;
    double lr = 0;
    int64_t lossTokens = 0;
    int64_t inputTokens = 0;
    StepTimings timings;
};

class Trainer {
public:
    Trainer(std::unique_ptr<LlamaModel> model, const TrainerSettings& settings, TokenDataset train, TokenDataset val);

    // Optimizer step `step` (0-based) with L1 strength `lambda`.
    StepResult step(int step, double lambda);
    EvalEvent evaluate(int64_t stepNumber);
    // Prunes ranks whose gate is below `threshold` (at most maxPruned, < 0 = no cap) and hands out ranks so that
    // the total equals `budget`; returns what moved. L1RA only.
    ReallocationEvent reallocate(int64_t stepNumber, int budget, double threshold, int maxPruned = -1);

    // True while (or when a failure interrupted) the optimizer writing the parameters: a checkpoint then would not
    // be a completed step's.
    bool interruptedInUpdate() const { return updating_; }
    bool gated() const { return adapters_ && adapters_->gated(); }
    bool hasAdapters() const { return adapters_ != nullptr; }
    AdapterSet& adapters() { return *adapters_; }
    const AdapterSet* adapterSet() const { return adapters_.get(); }
    LlamaModel& model() { return *model_; }
    std::vector<TrainableTensor*> trainables();
    RankSnapshot snapshot(int64_t stepNumber, int budget) const;
    int initialBudget() const;
    int64_t trainableParameterCount();
    const TrainerSettings& settings() const { return settings_; }
    const TokenDataset& trainData() const { return train_; }
    const TokenDataset& valData() const { return val_; }

private:
    torch::Tensor batchLoss(const Batch& batch, double normaliser);

    std::unique_ptr<LlamaModel> model_;
    TrainerSettings settings_;
    TokenDataset train_, val_;
    SampleOrder order_;
    std::unique_ptr<AdapterSet> adapters_;
    std::vector<TrainableTensor> fullParams_;   // full fine-tuning only
    bool updating_ = false;
};

// Seconds since an arbitrary start, monotonic.
double monotonicSeconds();

}  // namespace l1ra
