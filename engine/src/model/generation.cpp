#include "model/generation.h"

#include "l1ra/error.h"
#include "model/llama_model.h"
#include "model/sampler.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace l1ra {

std::vector<int64_t> generateTokens(const LlamaModel& model, const AdapterHook* adapters, const std::vector<int64_t>& prompt,
                                    const GenerationOptions& options, const std::vector<int64_t>& stopIds,
                                    const std::function<bool(int64_t)>& onToken) {
    if (prompt.empty()) throw Error("generation needs at least one prompt token");
    if (options.maxNewTokens < 0) throw Error("max new tokens must not be negative");
    if (!(options.topP > 0 && options.topP <= 1)) throw Error("top-p must be in (0, 1]");
    if (!(options.temperature >= 0) || !std::isfinite(options.temperature))
        throw Error("temperature must be 0 (greedy) or more, not " + std::to_string(options.temperature));
    torch::NoGradGuard noGrad;
    const int64_t vocab = model.config().vocabSize;
    for (auto id : prompt)
        if (id < 0 || id >= vocab) throw Error("token id " + std::to_string(id) + " is outside the vocabulary (" + std::to_string(vocab) + ")");
    KVCache cache = model.newCache(1, int64_t(prompt.size()) + options.maxNewTokens);
    std::mt19937_64 rng(options.seed);
    std::vector<int64_t> out;
    auto input = torch::tensor(prompt, torch::kInt64).unsqueeze(0);   // [1, T]
    for (int step = 0; step < options.maxNewTokens; ++step) {
        auto h = model.hidden(input, &cache, adapters);
        auto last = model.logits(h.select(1, h.size(1) - 1)).to(torch::kFloat32).to(torch::kCPU).contiguous();   // [1, V]
        const int64_t next = sampleToken(last.data_ptr<float>(), vocab, options.temperature, options.topP, rng);
        out.push_back(next);
        if (onToken && !onToken(next)) break;
        if (options.stopAtEos && std::find(stopIds.begin(), stopIds.end(), next) != stopIds.end()) break;
        input = torch::full({1, 1}, next, torch::kInt64);
    }
    return out;
}

}  // namespace l1ra
