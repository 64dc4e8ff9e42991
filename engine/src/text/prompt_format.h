#pragma once
// How instructions and conversations become text for one model: the project's plain "### User:" blocks, or the
// model's chat template. One strategy object per run, used alike for training records and for prompts
// ("Try it", `l1ra generate --instruction`), so a tuned model is prompted the way it was trained.
#include "text/data_records.h"
#include "l1ra/prompt_template.h"

#include <memory>
#include <string>
#include <vector>

namespace l1ra {

class PromptFormat {
public:
    virtual ~PromptFormat() = default;

    virtual std::string name() const = 0;          // "plain", "llama3", "chatml", ...
    virtual std::string description() const = 0;   // for logs and the studio, e.g. "llama3 (the model's chat template)"

    // A training record: the assistant turns (and their end-of-turn token) are trained, the rest is context.
    virtual DataRecord conversation(const std::vector<ChatMessage>& messages) const = 0;
    virtual DataRecord instruction(const std::string& instruction, const std::string& input, const std::string& output) const = 0;

    // The text a model continues with the assistant's answer.
    virtual std::string prompt(const std::vector<ChatMessage>& messages) const = 0;
    virtual std::string instructionPrompt(const std::string& instruction, const std::string& input) const = 0;

    // Whether prompt text is encoded with the tokenizer's own special tokens (BOS) added; a chat template writes
    // them itself (transformers tokenizes a rendered template with add_special_tokens=False).
    virtual bool tokenizerAddsSpecialTokens() const = 0;
    // Token strings that end an assistant turn besides the model's EOS (e.g. "<|eot_id|>"); generation stops there.
    virtual std::vector<std::string> endOfTurnTokens() const = 0;
};

// The "### Instruction:" / "### User:" format (docs/data-formats.md): used for models without a chat template.
std::unique_ptr<PromptFormat> plainPromptFormat(const std::string& description = "the plain ### User: format");

class ChatTemplate;
class Tokenizer;
// A chat template as the format: rendered whole, assistant turns trained up to their end-of-turn marker.
std::unique_ptr<PromptFormat> chatPromptFormat(ChatTemplate chatTemplate, const std::string& description);

struct ResolvedPromptFormat {
    std::unique_ptr<PromptFormat> format;
    std::string warning;   // why `auto` fell back to plain, or what a forced template overrides; empty if nothing
};

// The run config's data.template (auto | llama3 | llama2 | mistral | chatml | plain) for a model folder and its
// tokenizer (docs/chat-templates.md). Throws l1ra::Error naming the folder when a template writes special tokens the
// tokenizer does not have as single tokens (a turn could then never be ended by generation).
ResolvedPromptFormat resolvePromptFormat(const std::string& modelDir, const std::string& choice, const Tokenizer& tokenizer);

// An instruction as one user message: the instruction, and the input after a blank line when there is one.
std::string instructionAsUserMessage(const std::string& instruction, const std::string& input);

}  // namespace l1ra
