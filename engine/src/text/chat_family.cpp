#include "text/chat_family.h"

#include "l1ra/error.h"

namespace l1ra {

std::string chatFamilyName(ChatFamily family) {
    switch (family) {
        case ChatFamily::Llama3: return "llama3";
        case ChatFamily::Llama2: return "llama2";
        case ChatFamily::Mistral: return "mistral";
        case ChatFamily::ChatML: return "chatml";
        case ChatFamily::Unknown: break;
    }
    return "unknown";
}

ChatFamily chatFamilyFromName(const std::string& name) {
    for (ChatFamily f : {ChatFamily::Llama3, ChatFamily::Llama2, ChatFamily::Mistral, ChatFamily::ChatML})
        if (chatFamilyName(f) == name) return f;
    throw Error("chat template family '" + name + "' is not one of llama3, llama2, mistral, chatml");
}

ChatFamily recognizeChatFamily(const std::string& text) {
    auto has = [&](const char* marker) { return text.find(marker) != std::string::npos; };
    if (has("<|start_header_id|>")) return ChatFamily::Llama3;
    if (has("<|im_start|>")) return ChatFamily::ChatML;
    if (has("[INST]")) return has("<<SYS>>") ? ChatFamily::Llama2 : ChatFamily::Mistral;
    return ChatFamily::Unknown;
}

std::string endOfTurnMarker(ChatFamily family, const std::string& eosToken) {
    if (family == ChatFamily::Llama3) return "<|eot_id|>";
    if (family == ChatFamily::ChatML) return "<|im_end|>";
    return eosToken;
}

// Llama 3 Instruct without the date preamble of 3.1/3.2: a header per message, the content trimmed, <|eot_id|>.
static const std::string llama3Template = R"JINJA({{- bos_token }}
{%- for message in messages %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
)JINJA";

// Both [INST] formats refuse anything but user, assistant, user, ... after an optional system message.
static const std::string alternationCheck = R"JINJA(    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('after an optional system message, roles must alternate user, assistant, user, ...') }}
    {%- endif %}
)JINJA";

// Llama 2 chat: the system message inside the first [INST] block, each exchange opened by bos and closed by eos.
static const std::string llama2Template = R"JINJA({%- if messages and messages[0]['role'] == 'system' %}
    {%- set system = '<<SYS>>\n' + messages[0]['content'] | trim + '\n<</SYS>>\n\n' %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system = '' %}
{%- endif %}
{%- for message in messages %}
)JINJA" + alternationCheck + R"JINJA(    {%- if message['role'] == 'user' %}
        {{- bos_token + '[INST] ' + (system if loop.first else '') + message['content'] | trim + ' [/INST]' }}
    {%- else %}
        {{- ' ' + message['content'] | trim + ' ' + eos_token }}
    {%- endif %}
{%- endfor %}
)JINJA";

// Mistral Instruct: [INST] user [/INST]answer</s>; a system message opens the first user message (not the last,
// so that every prefix of a conversation renders as the start of the whole).
static const std::string mistralTemplate = R"JINJA({{- bos_token }}
{%- if messages and messages[0]['role'] == 'system' %}
    {%- set system = messages[0]['content'] + '\n\n' %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system = '' %}
{%- endif %}
{%- for message in messages %}
)JINJA" + alternationCheck + R"JINJA(    {%- if message['role'] == 'user' %}
        {{- '[INST] ' + (system if loop.first else '') + message['content'] + ' [/INST]' }}
    {%- else %}
        {{- message['content'] + eos_token }}
    {%- endif %}
{%- endfor %}
)JINJA";

// ChatML (Qwen and others), with no default system message.
static const std::string chatmlTemplate = R"JINJA({%- for message in messages %}
    {{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
)JINJA";

const std::string& builtinChatTemplate(ChatFamily family) {
    switch (family) {
        case ChatFamily::Llama3: return llama3Template;
        case ChatFamily::Llama2: return llama2Template;
        case ChatFamily::Mistral: return mistralTemplate;
        case ChatFamily::ChatML: return chatmlTemplate;
        case ChatFamily::Unknown: break;
    }
    throw Error("there is no built-in chat template for an unknown family");
}

}  // namespace l1ra
