#pragma once
// LanguageModel's insides, shared with the parts of the engine that load adapters into it.
#include "l1ra/language_model.h"
#include "model/llama_model.h"
#include "io/model_folder.h"
#include "text/prompt_format.h"
#include "l1ra/text_tokenizer.h"

#include <memory>

namespace l1ra {

struct LanguageModel::Impl {
    ModelInfo info;
    std::string device;
    torch::ScalarType dtype = torch::kFloat32;
    std::unique_ptr<LlamaModel> model;
    std::shared_ptr<const Tokenizer> tokenizer;
    std::string tokenizerProblem;   // why the folder's tokenizer file cannot be used by this build (no module)
    std::shared_ptr<AdapterHook> adapter;
    std::vector<int64_t> stopIds;   // generation ends at any of these (GenerationOptions::stopAtEos)
    std::unique_ptr<PromptFormat> prompts;
    std::string promptWarning;

    void choosePromptFormat(const std::string& dir, const LoadOptions& options);
    void addStopId(int64_t id);

    const AdapterHook* adapterHook() const { return adapter.get(); }
    void loadAdapter(const std::string& dir);
};

// "auto" -> f32 on CPU, bf16 on CUDA; f16 refused on CPU.
torch::ScalarType chooseComputeDtype(const std::string& requested, const std::string& device);

}  // namespace l1ra
