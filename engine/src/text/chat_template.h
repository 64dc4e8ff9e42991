#pragma once
// Chat messages rendered exactly as a model's chat template renders them (transformers' apply_chat_template, so
// tokenizing the text without added special tokens gives the same ids), and the byte ranges of that text a trainer
// learns from: each assistant turn with its end-of-turn marker, so a tuned model learns to stop.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "l1ra/prompt_template.h"
#include "text/chat_family.h"

namespace l1ra {

namespace jinja {
class Template;
}

// The special tokens a template sees as variables (bos_token, eos_token, unk_token, pad_token), by name; a token
// the tokenizer does not set is absent, so the template sees it undefined, as in transformers.
using SpecialTokens = std::map<std::string, std::string>;

struct TrainedRange {
    size_t begin = 0, end = 0;   // bytes [begin, end) of the rendered text
};

struct RenderedConversation {
    std::string text;                   // the whole conversation, add_generation_prompt = false
    std::vector<TrainedRange> trained;  // one per assistant message, in order
};

class ChatTemplate {
public:
    // `origin` names the template in errors ("DIR/tokenizer_config.json, field chat_template"). The family is
    // recognised from the text. `markers` are the tokenizer's special token texts: a template of unknown family
    // whose assistant turns do not end with the eos token ends them with the one of these that follows an
    // answer (Phi-3's <|end|>, Gemma's <end_of_turn>). Throws l1ra::Error on a syntax error (origin, line, column).
    ChatTemplate(const std::string& text, const std::string& origin, SpecialTokens specialTokens,
                 const std::vector<std::string>& markers = {});
    static ChatTemplate builtin(ChatFamily family, SpecialTokens specialTokens);   // origin "built-in llama3 template"

    ChatFamily family() const { return family_; }
    const std::string& origin() const { return origin_; }
    const std::string& text() const { return text_; }
    const std::string& endOfTurn() const { return endOfTurn_; }   // the marker a trained turn ends with
    const SpecialTokens& specialTokens() const { return specialTokens_; }

    // The template's output for these messages; errors (raise_exception included) name origin, line and column.
    std::string render(const std::vector<ChatMessage>& messages, bool addGenerationPrompt) const;
    // The text to generate from: the conversation so far and the opening of the assistant's answer.
    std::string prompt(const std::vector<ChatMessage>& messages) const { return render(messages, true); }
    // The whole conversation and, for each assistant message k, the bytes the model would generate after the
    // prompt of messages 0..k-1, cut after the end-of-turn marker (ChatML's newline after <|im_end|> is not
    // trained). Throws l1ra::Error when a turn cannot be located or has no end-of-turn marker.
    RenderedConversation conversation(const std::vector<ChatMessage>& messages) const;

private:
    std::string text_, origin_;
    SpecialTokens specialTokens_;
    ChatFamily family_ = ChatFamily::Unknown;
    std::string endOfTurn_;
    std::string assistantLead_;   // what the template writes between the generation prompt and an answer
    std::shared_ptr<const jinja::Template> template_;

    std::string findAssistantLead() const;
    std::string findEndOfTurn(const std::string& eosToken, const std::vector<std::string>& markers) const;
    // Each returns why it failed, or "" with `range` (or `span`) set.
    std::string splitByPrefix(const std::vector<ChatMessage>& messages, size_t k, const std::string& full, TrainedRange& range) const;
    std::string splitBySentinel(const std::vector<ChatMessage>& messages, size_t k, const std::string& full, TrainedRange& range) const;
    std::string contentSpan(const std::vector<ChatMessage>& messages, size_t j, const std::string& full, TrainedRange& span) const;
};

}  // namespace l1ra
