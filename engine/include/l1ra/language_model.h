#pragma once
// A loaded model for inference: logits, generation, tokenisation. Used by the CLI and the studio's "Try it".
#include "l1ra/api.h"
#include "l1ra/model_info.h"
#include "l1ra/prompt_template.h"
#include "l1ra/text_tokenizer.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct LoadOptions {
    std::string device = "cpu";   // "auto", "cpu", "cuda", "cuda:N"
    std::string dtype = "auto";   // "auto" (f32 on CPU, bf16 on CUDA), "f32", "bf16", "f16"
    std::string adapter;          // optional adapter folder (peft format or a run/export of this project)
    // How prompts are formatted (a run config's data.template: auto | llama3 | llama2 | mistral | chatml | plain).
    // Empty: the choice of the run that trained the adapter (or the merged model), else auto.
    std::string chatTemplate;
    std::string baseDtype = "bf16";   // projections as loaded: bf16 (in dtype), or quantised int8 / nf4
};

struct GenerationOptions {
    int maxNewTokens = 64;
    double temperature = 0.0;   // 0 = greedy
    double topP = 1.0;          // nucleus sampling when < 1
    uint64_t seed = 0;
    bool stopAtEos = true;      // stop after any of LanguageModel::stopIds()
};

class LanguageModel {
public:
    // `dir`: a model folder or a Hugging Face cache entry (l1ra/model_location.h). Throws l1ra::Error naming the
    // file and problem for every bad input.
    static std::unique_ptr<LanguageModel> load(const std::string& dir, const LoadOptions& options = {});
    ~LanguageModel();

    const ModelInfo& info() const;
    std::string device() const;
    std::string dtype() const;
    bool hasTokenizer() const;
    std::shared_ptr<const Tokenizer> tokenizer() const;   // null without a usable tokenizer
    // The ids that end generation: config.json's and generation_config.json's eos_token_id, the tokenizer's EOS and
    // the prompt format's end-of-turn token (<|eot_id|>, <|im_end|>).
    const std::vector<int64_t>& stopIds() const;
    bool isStop(int64_t id) const;

    // As the model's tokenizer encodes: with addSpecialTokens the ones it adds by default ([BOS] for LLaMA).
    std::vector<int64_t> encode(const std::string& text, bool addSpecialTokens = true) const;
    std::string decode(const std::vector<int64_t>& ids) const;

    // The prompt format (docs/chat-templates.md): the model's chat template, a built-in family or the plain
    // ### format; the text of an instruction or a conversation ready for the assistant's answer, and its ids
    // (a template writes its own BOS, so it is encoded without the tokenizer's additions).
    std::string promptFormat() const;          // e.g. "the model's own chat template (llama3, DIR/tokenizer_config.json, ...)"
    std::string promptFormatWarning() const;   // why auto fell back to plain, or what a forced template overrides
    std::string instructionPrompt(const std::string& instruction, const std::string& input = "") const;
    std::string chatPrompt(const std::vector<ChatMessage>& messages) const;
    std::vector<int64_t> encodePrompt(const std::string& promptText) const;

    // Logits of one sequence, row-major [ids.size(), vocab], fp32.
    std::vector<float> logits(const std::vector<int64_t>& ids) const;

    // New tokens after the prompt; onToken (optional) sees each one and may return false to stop early.
    std::vector<int64_t> generate(const std::vector<int64_t>& prompt, const GenerationOptions& options,
                                  const std::function<bool(int64_t)>& onToken = {}) const;

    struct Impl;
    Impl& impl() { return *impl_; }

private:
    explicit LanguageModel(std::unique_ptr<Impl> impl);
    std::string noTokenizer() const;   // the error for text asked of a model without a usable tokenizer
    std::unique_ptr<Impl> impl_;
};

}  // namespace l1ra
L1RA_API_END
