#pragma once
// The plain text templates the engine trains instruction and chat data with when a model has no chat template
// (docs/data-formats.md, docs/chat-templates.md). LanguageModel::instructionPrompt formats with the model's own.
#include "l1ra/api.h"

#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct ChatMessage {
    std::string role;      // system | user | assistant
    std::string content;
};

// "### Instruction:\n{instruction}\n\n[### Input:\n{input}\n\n]### Response:\n"
std::string alpacaPrompt(const std::string& instruction, const std::string& input = "");
// "### User:\n...\n\n" / "### System:\n...\n\n" / "### Assistant:\n" blocks; ends with "### Assistant:\n" when
// the last message is not from the assistant, ready for generation.
std::string chatPrompt(const std::vector<ChatMessage>& messages);
std::string chatRoleHeader(const std::string& role);   // "### User:\n"

// The data.template of the run that trained `dir` (a run folder, one of its checkpoints, or an export of it with its
// l1ra_run record), so that a tuned model is prompted as it was trained; "plain" for runs from before the key
// existed; "" when `dir` comes from no run of this project. Throws l1ra::Error naming a malformed config.json.
std::string trainedTemplateChoice(const std::string& dir);

}  // namespace l1ra
L1RA_API_END
