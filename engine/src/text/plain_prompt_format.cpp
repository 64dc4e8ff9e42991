// The plain format: "### Instruction:" for instructions, "### User:"/"### Assistant:" blocks for conversations, the
// tokenizer's EOS after every trained answer.
#include "text/prompt_format.h"

namespace l1ra {

namespace {

class PlainPromptFormat : public PromptFormat {
public:
    explicit PlainPromptFormat(std::string description) : description_(std::move(description)) {}
    std::string name() const override { return "plain"; }
    std::string description() const override { return description_; }

    DataRecord conversation(const std::vector<ChatMessage>& messages) const override {
        DataRecord r;
        for (const auto& m : messages) {
            if (m.role == "assistant") {
                r.segments.push_back({chatRoleHeader(m.role), false, false});
                r.segments.push_back({m.content, true, true});
            } else {
                r.segments.push_back({chatRoleHeader(m.role) + m.content + "\n\n", false, false});
            }
        }
        return r;
    }

    DataRecord instruction(const std::string& instruction, const std::string& input, const std::string& output) const override {
        DataRecord r;
        r.segments.push_back({alpacaPrompt(instruction, input), false, false});
        r.segments.push_back({output, true, true});
        return r;
    }

    std::string prompt(const std::vector<ChatMessage>& messages) const override { return chatPrompt(messages); }
    std::string instructionPrompt(const std::string& instruction, const std::string& input) const override {
        return alpacaPrompt(instruction, input);
    }
    bool tokenizerAddsSpecialTokens() const override { return true; }
    std::vector<std::string> endOfTurnTokens() const override { return {}; }

private:
    std::string description_;
};

}  // namespace

std::unique_ptr<PromptFormat> plainPromptFormat(const std::string& description) {
    return std::make_unique<PlainPromptFormat>(description);
}

std::string instructionAsUserMessage(const std::string& instruction, const std::string& input) {
    return input.empty() ? instruction : instruction + "\n\n" + input;
}

}  // namespace l1ra
