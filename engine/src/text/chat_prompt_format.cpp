// The chat-template format: instructions and conversations rendered by the model's own Jinja template (or a
// family's built-in one), tokenized whole, with the assistant turns and their end-of-turn marker trained.
#include "text/prompt_format.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"
#include "text/chat_template.h"
#include "text/model_chat_template.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace l1ra {

namespace {

class ChatPromptFormat : public PromptFormat {
public:
    ChatPromptFormat(ChatTemplate chatTemplate, std::string description)
        : template_(std::move(chatTemplate)), description_(std::move(description)) {}

    std::string name() const override { return chatFamilyName(template_.family()); }
    std::string description() const override { return description_; }

    DataRecord conversation(const std::vector<ChatMessage>& messages) const override {
        const RenderedConversation rendered = template_.conversation(messages);
        DataRecord r;
        r.rendered = true;
        std::size_t at = 0;
        for (const TrainedRange& range : rendered.trained) {
            if (range.begin > at) r.segments.push_back({rendered.text.substr(at, range.begin - at), false, false});
            r.segments.push_back({rendered.text.substr(range.begin, range.end - range.begin), true, false});
            at = range.end;
        }
        if (at < rendered.text.size()) r.segments.push_back({rendered.text.substr(at), false, false});
        return r;
    }

    DataRecord instruction(const std::string& instruction, const std::string& input, const std::string& output) const override {
        return conversation({{"user", instructionAsUserMessage(instruction, input)}, {"assistant", output}});
    }

    std::string prompt(const std::vector<ChatMessage>& messages) const override { return template_.prompt(messages); }
    std::string instructionPrompt(const std::string& instruction, const std::string& input) const override {
        return template_.prompt({{"user", instructionAsUserMessage(instruction, input)}});
    }
    bool tokenizerAddsSpecialTokens() const override { return false; }
    std::vector<std::string> endOfTurnTokens() const override { return {template_.endOfTurn()}; }

private:
    ChatTemplate template_;
    std::string description_;
};

}  // namespace

std::unique_ptr<PromptFormat> chatPromptFormat(ChatTemplate chatTemplate, const std::string& description) {
    return std::make_unique<ChatPromptFormat>(std::move(chatTemplate), description);
}

namespace {

// The special tokens a template of this family writes besides BOS/EOS: each must be one token of the model's
// tokenizer, or the model could never learn (or be stopped at) its turn structure.
std::vector<std::string> familyMarkers(ChatFamily family) {
    switch (family) {
        case ChatFamily::Llama3: return {"<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"};
        case ChatFamily::ChatML: return {"<|im_start|>", "<|im_end|>"};
        default: return {};
    }
}

// A folder with only tokenizer.model declares no token texts: the template still needs bos_token and eos_token.
void fillSpecialTokens(ModelChatTemplate& model, const Tokenizer& tokenizer) {
    if (!model.specialTokens.count("bos_token") && tokenizer.bosId() >= 0)
        model.specialTokens["bos_token"] = tokenizer.piece(tokenizer.bosId());
    if (!model.specialTokens.count("eos_token") && tokenizer.eosId() >= 0)
        model.specialTokens["eos_token"] = tokenizer.piece(tokenizer.eosId());
}

}  // namespace

ResolvedPromptFormat resolvePromptFormat(const std::string& modelDir, const std::string& choice, const Tokenizer& tokenizer) {
    ModelChatTemplate model = readModelChatTemplate(modelDir);
    fillSpecialTokens(model, tokenizer);
    ChatTemplateChoice chosen = chooseChatTemplate(model, choice);
    ResolvedPromptFormat out;
    out.warning = chosen.warning;
    if (!chosen.chatTemplate) {
        out.format = plainPromptFormat(chosen.description);
        return out;
    }
    std::vector<std::string> needed = familyMarkers(chosen.chatTemplate->family());
    needed.push_back(chosen.chatTemplate->endOfTurn());
    for (const auto& token : needed)
        if (tokenizer.tokenId(token) < 0)
            throw Error(modelDir + ": " + chosen.description + " writes " + token + ", which is not a token of " +
                        tokenizer.path() + " (choose another data.template)");
    out.format = chatPromptFormat(std::move(*chosen.chatTemplate), chosen.description);
    return out;
}


std::string trainedTemplateChoice(const std::string& dir) {
    namespace fs = std::filesystem;
    // A run folder, an export's record of its run, or a checkpoint inside a run's checkpoints/ folder.
    std::string config;
    if (isDirectory(dir + "/checkpoints") && fileExists(dir + "/config.json")) config = dir + "/config.json";
    else if (fileExists(dir + "/l1ra_run/config.json")) config = dir + "/l1ra_run/config.json";
    else if (fileExists(dir + "/state.json")) {
        const fs::path run = fs::path(dir).parent_path().parent_path();
        if (fileExists((run / "config.json").string())) config = (run / "config.json").string();
    }
    if (config.empty()) return "";
    const auto j = nlohmann::json::parse(readTextFile(config), nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw Error(config + ": not valid JSON");
    const nlohmann::json* value = nullptr;
    if (j.contains("data.template")) value = &j["data.template"];
    else if (j.contains("data") && j["data"].is_object() && j["data"].contains("template")) value = &j["data"]["template"];
    if (!value) return "plain";   // the run was trained before prompt formats could be chosen
    if (!value->is_string()) throw Error(config + ": 'data.template' must be a string");
    return value->get<std::string>();
}

}  // namespace l1ra
