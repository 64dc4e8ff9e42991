#pragma once
// One training run's compute: the model, its adapters (or all weights in full fine-tuning), the optimizer,
// the data order; a step, an evaluation and a reallocation. The session around it handles control,
// events and files.
#include "train/adapters.h"
#include "l1ra/method.h"
#include "l1ra/run_config.h"
#include "l1ra/training_events.h"
#include "model/llama_model.h"
#include "train/optimizer.h"
#include "text/token_dataset.h"

#include <memory>
#include <optional>
#include <vector>

namespace l1ra {

struct TrainerSettings {
    Method method = Method::L1RA;
    AdapterSpec adapter;
    TrainSettings train;            // the run config's train section as it is (steps, batch, optimizer, schedule)
    double etaC = 2e-2;
    AllocatorOptions allocator;     // its threshold and maxPruned are given per reallocation
    AdapterSet::NewRankInit newRankInit = AdapterSet::NewRankInit::Fresh;
    bool resetOptimizer = false;    // the reference code: every moment and step count lost at a reallocation
    int evalBatches = 0;
    uint64_t seed = 42;
    torch::ScalarType autocast = torch::kFloat32;   // kFloat32 = none
    int64_t padId = 0;
};

struct StepTimings {
    double forward = 0, backward = 0, optimizer = 0;   // seconds
    double communication = 0;   // data-parallel: waiting for the gradient sums after the backward pass (inside optimizer)
    int sumBuckets = 0;         // data-parallel: the gradient sums of the step
    int sumsStartedInBackward = 0;   // of them, those started while the backward pass ran (GradientSumOverlap)
};

struct StepResult {
    double loss = 0;
    double gradNorm = 0;
    double lr = 0;
    int64_t lossTokens = 0;    // over every process of a data-parallel run
    int64_t inputTokens = 0;
    StepTimings timings;
    // Not empty when the loss or a gradient was not finite: "loss" or the first such tensor's name. The step
    // then made no update (values, gates and Adam moments as before it).
    std::string nonFinite;
};

class ProcessGroup;
class GradientSumOverlap;

class Trainer {
public:
    Trainer(std::unique_ptr<LlamaModel> model, const TrainerSettings& settings, TokenDataset train, TokenDataset val);
    ~Trainer();

    // Optimizer step `step` (0-based) with L1 strength `lambda`.
    StepResult step(int step, double lambda);
    EvalEvent evaluate(int64_t stepNumber);
    // Prunes ranks whose gate is below `threshold` (at most maxPruned, < 0 = no cap) and hands out ranks so that
    // the total equals `budget`; returns what moved. L1RA only.
    ReallocationEvent reallocate(int64_t stepNumber, int budget, double threshold, int maxPruned = -1);

    // Data-parallel: this process trains on its share of each batch (the batch size is per process) and the
    // gradients are summed over the group; rank 0's values become everyone's. Call before the first step.
    void setProcessGroup(std::shared_ptr<ProcessGroup> group);
    int worldSize() const;
    // The training samples the run consumed before `step` (its data position), and where a resumed run stands:
    // the data order continues at sample `samples` from optimizer step `step`, whatever the world size was.
    int64_t samplesBefore(int64_t step) const;
    void setDataPosition(int64_t step, int64_t samples);

    // True while (or when a failure interrupted) the optimizer writing the parameters: a checkpoint then would not
    // be a completed step's.
    bool interruptedInUpdate() const { return updating_; }
    // Multiplies the scheduled learning rate of A and B (or all weights); lowered after a skipped divergent step.
    void setLearningRateScale(double scale) { lrScale_ = scale; }
    double learningRateScale() const { return lrScale_; }
    bool gated() const { return adapters_ && adapters_->gated(); }
    bool hasAdapters() const { return adapters_ != nullptr; }
    AdapterSet& adapters() { return *adapters_; }
    const AdapterSet* adapterSet() const { return adapters_.get(); }
    LlamaModel& model() { return *model_; }
    std::vector<TrainableTensor*> trainables();
    RankSnapshot snapshot(int64_t stepNumber, int budget) const;
    int initialBudget() const;
    int64_t trainableParameterCount();
    std::vector<int> adapterRanks() const;   // each adapter's rank, in adapter order (empty without adapters)
    const TrainerSettings& settings() const { return settings_; }
    const TokenDataset& trainData() const { return train_; }
    const TokenDataset& valData() const { return val_; }

private:
    torch::Tensor batchLoss(const Batch& batch, double normaliser);
    torch::Tensor sumOverProcesses(const std::vector<TrainableTensor*>& params, const torch::Tensor& lossSum, StepTimings& timings);
    int rank() const;

    std::unique_ptr<LlamaModel> model_;
    TrainerSettings settings_;
    TokenDataset train_, val_;
    SampleOrder order_;
    std::unique_ptr<AdapterSet> adapters_;
    std::vector<TrainableTensor> fullParams_;   // full fine-tuning only
    std::shared_ptr<ProcessGroup> group_;   // null: one process
    std::unique_ptr<GradientSumOverlap> overlap_;   // data-parallel on the CPU: sums started during backward
    int64_t positionStep_ = 0, positionSamples_ = 0;
    bool updating_ = false;
    double lrScale_ = 1.0;
};

// Seconds since an arbitrary start, monotonic.
double monotonicSeconds();

}  // namespace l1ra
