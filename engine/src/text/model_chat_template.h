#pragma once
// A model folder's chat template and special tokens, and the run config's choice between the model's own template,
// a built-in family and the project's plain "### User:" format.
#include <optional>
#include <string>

#include "text/chat_template.h"

namespace l1ra {

struct ModelChatTemplate {
    std::string text;             // the Jinja source; empty when the folder declares none
    std::string origin;           // where it came from, e.g. "DIR/tokenizer_config.json, field chat_template"
    SpecialTokens specialTokens;  // bos_token, eos_token, unk_token, pad_token, ... as declared
    std::vector<std::string> specialTexts;   // every special token's text: candidates for an end-of-turn marker
};

// As transformers loads them: chat_template.jinja first (it takes priority), else tokenizer_config.json's
// chat_template (a string, or a list of {name, template} of which "default" is used), else chat_template.json.
// Special tokens come from tokenizer_config.json (strings or {"content": ...} objects), filled in from
// special_tokens_map.json; specialTexts also takes added_tokens_decoder's special entries and
// additional_special_tokens. A folder without these files has no template and no tokens. Throws l1ra::Error
// naming the file and the field, or the line and column of malformed JSON.
ModelChatTemplate readModelChatTemplate(const std::string& modelDir);

struct ChatTemplateChoice {
    std::optional<ChatTemplate> chatTemplate;   // empty: the plain "### User:" format
    std::string description;                    // for the run log: what is used and where it came from
    std::string warning;                        // why `auto` fell back to plain, or what a forced family overrides
};

// `choice` is the run config's `template`: auto | llama3 | llama2 | mistral | chatml | plain.
// auto: the model's own template when it renders a user/assistant probe conversation and each assistant turn
// ends with an end-of-turn marker (whatever its family), else plain with a warning. A family name: the model's
// own template when it is of that family, else the built-in one (with a warning when the model has another).
ChatTemplateChoice chooseChatTemplate(const ModelChatTemplate& model, const std::string& choice);

}  // namespace l1ra
