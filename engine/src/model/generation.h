#pragma once
// Autoregressive generation with a KV cache: one prefill over the prompt, then one position per token.
#include "l1ra/language_model.h"

#include <functional>
#include <vector>

namespace l1ra {

class LlamaModel;
class AdapterHook;

std::vector<int64_t> generateTokens(const LlamaModel& model, const AdapterHook* adapters, const std::vector<int64_t>& prompt,
                                    const GenerationOptions& options, const std::vector<int64_t>& stopIds,
                                    const std::function<bool(int64_t)>& onToken);

}  // namespace l1ra
