#include "train/training_samples.h"

#include "model/generation.h"
#include "l1ra/text_tokenizer.h"
#include "model/precision.h"
#include "text/prompt_format.h"
#include "train/trainer.h"

#include <algorithm>

namespace l1ra {

TrainingSamples::TrainingSamples(const RunConfig& config, std::shared_ptr<const Tokenizer> tokenizer,
                                 std::shared_ptr<const PromptFormat> format, std::vector<int64_t> stopIds)
    : config_(config), tokenizer_(std::move(tokenizer)), format_(std::move(format)), stopIds_(std::move(stopIds)) {}

std::vector<SampleEvent> TrainingSamples::generate(Trainer& trainer, int64_t step) const {
    std::vector<SampleEvent> out;
    AdapterSet* adapters = trainer.hasAdapters() ? &trainer.adapters() : nullptr;
    if (adapters) adapters->setTraining(false);
    struct RestoreTraining {
        AdapterSet* adapters;
        ~RestoreTraining() {
            if (adapters) adapters->setTraining(true);
        }
    } restore{adapters};
    for (std::size_t i = 0; i < config_.samples.prompts.size(); ++i) {
        const double t0 = monotonicSeconds();
        SampleEvent e;
        e.step = step;
        e.index = int(i);
        e.prompt = config_.samples.prompts[i];
        const std::string text = format_->instructionPrompt(e.prompt, "");
        const std::vector<int64_t> ids = tokenizer_->encode(text, format_->tokenizerAddsSpecialTokens());
        GenerationOptions options;
        options.maxNewTokens = config_.samples.maxNewTokens;
        options.temperature = config_.samples.temperature;
        options.seed = config_.seed * 1000003ULL + uint64_t(step) * 131ULL + uint64_t(i);
        std::vector<int64_t> answer;
        {
            AutocastScope autocast(trainer.settings().autocast, trainer.model().device());
            answer = generateTokens(trainer.model(), adapters, ids, options, stopIds_, {});
        }
        e.tokens = int(answer.size());
        e.ended = !answer.empty() && std::find(stopIds_.begin(), stopIds_.end(), answer.back()) != stopIds_.end();
        if (e.ended) answer.pop_back();   // the end-of-turn token is not part of the answer's text
        e.text = tokenizer_->decode(answer, true);
        e.seconds = monotonicSeconds() - t0;
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace l1ra
