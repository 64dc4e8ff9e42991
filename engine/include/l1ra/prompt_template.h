#pragma once
// The text templates the engine trains instruction and chat data with (docs/data-formats.md). Prompting a
// tuned model with the same template ("Try it", `l1ra generate --instruction`) gets answers in its format.
#include <string>
#include <vector>

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

}  // namespace l1ra
