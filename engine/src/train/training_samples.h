#pragma once
// samples.prompts answered during training: each prompt formatted as the training data are (the model's chat template
// or the plain format), generated with the adapter as it stands, dropout off. Generation draws from its own
// generator seeded by (seed, step, prompt), never from torch's, so a run with samples trains exactly as one without.
#include "l1ra/run_config.h"
#include "l1ra/training_events.h"

#include <memory>
#include <vector>

namespace l1ra {

class PromptFormat;
class Tokenizer;
class Trainer;

class TrainingSamples {
public:
    TrainingSamples(const RunConfig& config, std::shared_ptr<const Tokenizer> tokenizer, std::shared_ptr<const PromptFormat> format,
                    std::vector<int64_t> stopIds);
    // One event per prompt, for the trainer's weights after optimizer step `step`.
    std::vector<SampleEvent> generate(Trainer& trainer, int64_t step) const;

private:
    RunConfig config_;
    std::shared_ptr<const Tokenizer> tokenizer_;
    std::shared_ptr<const PromptFormat> format_;
    std::vector<int64_t> stopIds_;
};

}  // namespace l1ra
