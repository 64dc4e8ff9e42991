#pragma once
// The chat formats the engine knows by name: recognised in a model's own template, or forced by the run config
// (`template: llama3 | llama2 | mistral | chatml`), with a built-in template for each.
#include <string>

namespace l1ra {

enum class ChatFamily { Llama3, Llama2, Mistral, ChatML, Unknown };

std::string chatFamilyName(ChatFamily family);           // "llama3", "llama2", "mistral", "chatml", "unknown"
ChatFamily chatFamilyFromName(const std::string& name);  // the four names; throws l1ra::Error for anything else

// From the markers a template writes: <|start_header_id|> (Llama 3), <|im_start|> (ChatML: Qwen and others),
// [INST] with <<SYS>> (Llama 2) or without (Mistral); anything else is Unknown.
ChatFamily recognizeChatFamily(const std::string& templateText);

// The text that ends an assistant turn: <|eot_id|> for Llama 3, <|im_end|> for ChatML, the eos token otherwise.
std::string endOfTurnMarker(ChatFamily family, const std::string& eosToken);

// The built-in template of a family (Jinja text written for this project, in the style of the models' own).
const std::string& builtinChatTemplate(ChatFamily family);

}  // namespace l1ra
