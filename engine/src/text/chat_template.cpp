#include "text/chat_template.h"

#include "l1ra/error.h"
#include "text/jinja/template.h"

namespace l1ra {
namespace {

// Stands in for one message's content to find where the template puts it; no template strips or escapes it.
const std::string sentinel = "\x02\x07l1ra-turn\x07\x02";

jinja::Value messagesValue(const std::vector<ChatMessage>& messages) {
    std::vector<jinja::Value> list;
    for (const auto& m : messages)
        list.push_back(jinja::Value::dict({{jinja::Value::string("role"), jinja::Value::string(m.role)},
                                           {jinja::Value::string("content"), jinja::Value::string(m.content)}}));
    return jinja::Value::list(std::move(list));
}

std::vector<ChatMessage> firstMessages(const std::vector<ChatMessage>& messages, size_t n) {
    return std::vector<ChatMessage>(messages.begin(), messages.begin() + long(n));
}

bool startsWith(const std::string& text, const std::string& prefix) {
    return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

ChatTemplate::ChatTemplate(const std::string& text, const std::string& origin, SpecialTokens specialTokens,
                           const std::vector<std::string>& markers)
    : text_(text), origin_(origin), specialTokens_(std::move(specialTokens)), family_(recognizeChatFamily(text)) {
    const auto eos = specialTokens_.find("eos_token");
    const std::string eosToken = eos == specialTokens_.end() ? "" : eos->second;
    template_ = std::make_shared<const jinja::Template>(text, origin);
    endOfTurn_ = endOfTurnMarker(family_, eosToken);
    if (text.find(endOfTurn_) == std::string::npos) endOfTurn_ = eosToken;   // e.g. ChatML markers ending in <eos>
    if (family_ == ChatFamily::Unknown) endOfTurn_ = findEndOfTurn(eosToken, markers);
    assistantLead_ = findAssistantLead();
}

// For a template of unknown family: the eos token when an answer is followed by it, else the longest special
// token text that follows an answer (after any whitespace), else the eos token (and splitting will say so).
std::string ChatTemplate::findEndOfTurn(const std::string& eosToken, const std::vector<std::string>& markers) const {
    std::string after;
    try {
        const std::string turn = render({{"user", "Hello."}, {"assistant", sentinel}}, false);
        const size_t at = turn.find(sentinel);
        if (at == std::string::npos) return eosToken;
        after = turn.substr(at + sentinel.size());
    } catch (const Error&) {
        return eosToken;
    }
    const size_t start = after.find_first_not_of(" \t\n");
    if (start == std::string::npos || (!eosToken.empty() && after.compare(start, eosToken.size(), eosToken) == 0)) return eosToken;
    std::string best;
    for (const auto& marker : markers)
        if (marker.size() > best.size() && after.compare(start, marker.size(), marker) == 0) best = marker;
    return best.empty() ? eosToken : best;
}

// The text an assistant turn puts between the generation prompt and the content (Llama 2 and Mistral write a
// space), from a one-exchange conversation; empty when that conversation does not render as prompt + turn.
std::string ChatTemplate::findAssistantLead() const {
    try {
        const std::string prompt = render({{"user", "Hello."}}, true);
        const std::string turn = render({{"user", "Hello."}, {"assistant", sentinel}}, false);
        const size_t at = turn.find(sentinel);
        if (at != std::string::npos && startsWith(turn, prompt) && at >= prompt.size()) return turn.substr(prompt.size(), at - prompt.size());
    } catch (const Error&) {
    }
    return "";
}

ChatTemplate ChatTemplate::builtin(ChatFamily family, SpecialTokens specialTokens) {
    return ChatTemplate(builtinChatTemplate(family), "built-in " + chatFamilyName(family) + " template", std::move(specialTokens));
}

// What transformers passes: the messages, add_generation_prompt, tools and documents (None) and the special tokens.
std::string ChatTemplate::render(const std::vector<ChatMessage>& messages, bool addGenerationPrompt) const {
    std::vector<std::pair<std::string, jinja::Value>> variables = {
        {"messages", messagesValue(messages)},
        {"add_generation_prompt", jinja::Value::boolean(addGenerationPrompt)},
        {"tools", jinja::Value::none()},
        {"documents", jinja::Value::none()},
    };
    for (const auto& [name, token] : specialTokens_) variables.emplace_back(name, jinja::Value::string(token));
    return template_->render(variables).text;
}

RenderedConversation ChatTemplate::conversation(const std::vector<ChatMessage>& messages) const {
    RenderedConversation out;
    out.text = render(messages, false);
    for (size_t k = 0; k < messages.size(); ++k) {
        if (messages[k].role != "assistant") continue;
        if (endOfTurn_.empty())
            throw Error(origin_ + ": assistant turns end with the eos token, but the model declares no eos_token");
        TrainedRange range;
        const std::string byPrefix = splitByPrefix(messages, k, out.text, range);
        const std::string bySentinel = byPrefix.empty() ? "" : splitBySentinel(messages, k, out.text, range);
        if (!byPrefix.empty() && !bySentinel.empty())
            throw Error(origin_ + ": the template cannot be split into turns: assistant message " + std::to_string(k + 1) +
                        " (" + byPrefix + "; " + bySentinel + ")");
        if (!out.trained.empty() && range.begin < out.trained.back().end)
            throw Error(origin_ + ": the template cannot be split into turns: assistant message " + std::to_string(k + 1) +
                        " overlaps the one before it");
        out.trained.push_back(range);
    }
    return out;
}

// The usual case: the prompt before message k (P, with the generation prompt) starts the conversation up to k
// (F), which starts the whole conversation. The turn is F after P, cut after its last end-of-turn marker.
std::string ChatTemplate::splitByPrefix(const std::vector<ChatMessage>& messages, size_t k, const std::string& full,
                                        TrainedRange& range) const {
    std::string prompt, upTo;
    try {
        prompt = render(firstMessages(messages, k), true);
        upTo = render(firstMessages(messages, k + 1), false);
    } catch (const Error& e) {
        return std::string("rendering the conversation up to it fails: ") + e.what();
    }
    if (!startsWith(upTo, prompt)) return "the conversation up to it does not start with the prompt before it";
    const size_t marker = upTo.rfind(endOfTurn_);
    if (marker == std::string::npos || marker < prompt.size()) return "its turn has no end-of-turn marker " + endOfTurn_;
    const size_t end = marker + endOfTurn_.size();
    if (full.compare(0, end, upTo, 0, end) != 0) return "the whole conversation does not start with the conversation up to it";
    range = {prompt.size(), end};
    return "";
}

// For templates that move text between turns (Mistral's newer templates put the system message in the last user
// turn): find message k's content in the whole conversation, start at the prompt before it when that prompt still
// starts the conversation (else just before the content and the template's assistant lead), and end at the first
// end-of-turn marker before the next message's content.
std::string ChatTemplate::splitBySentinel(const std::vector<ChatMessage>& messages, size_t k, const std::string& full,
                                          TrainedRange& range) const {
    TrainedRange content;
    const std::string why = contentSpan(messages, k, full, content);
    if (!why.empty()) return why;
    size_t start = content.begin;
    const size_t lead = assistantLead_.size();
    if (lead <= start && full.compare(start - lead, lead, assistantLead_) == 0) start -= lead;
    try {
        const std::string prompt = render(firstMessages(messages, k), true);
        if (startsWith(full, prompt) && prompt.size() <= content.begin) start = prompt.size();
    } catch (const Error&) {
    }
    size_t limit = full.size();
    TrainedRange next;
    if (k + 1 < messages.size() && contentSpan(messages, k + 1, full, next).empty()) limit = next.begin;
    const size_t marker = full.find(endOfTurn_, content.end);
    if (marker == std::string::npos || marker + endOfTurn_.size() > limit) return "its turn has no end-of-turn marker " + endOfTurn_;
    range = {start, marker + endOfTurn_.size()};
    return "";
}

// Where message j's content lands in `full`: render with a sentinel in its place; the text before the sentinel
// and the text after it must be the same in both renderings.
std::string ChatTemplate::contentSpan(const std::vector<ChatMessage>& messages, size_t j, const std::string& full,
                                      TrainedRange& span) const {
    std::vector<ChatMessage> marked = messages;
    marked[j].content = sentinel;
    std::string rendered;
    try {
        rendered = render(marked, false);
    } catch (const Error& e) {
        return std::string("rendering it with other content fails: ") + e.what();
    }
    const size_t at = rendered.find(sentinel);
    if (at == std::string::npos || rendered.find(sentinel, at + 1) != std::string::npos)
        return "its content does not appear exactly once in the rendering";
    const size_t tail = rendered.size() - at - sentinel.size();
    if (at + tail > full.size() || full.compare(0, at, rendered, 0, at) != 0 ||
        full.compare(full.size() - tail, tail, rendered, at + sentinel.size(), tail) != 0)
        return "the text around its content changes with the content";
    span = {at, full.size() - tail};
    return "";
}

}  // namespace l1ra
