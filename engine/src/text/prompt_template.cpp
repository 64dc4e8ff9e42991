#include "l1ra/prompt_template.h"

#include "l1ra/error.h"

namespace l1ra {

std::string alpacaPrompt(const std::string& instruction, const std::string& input) {
    std::string p = "### Instruction:\n" + instruction + "\n\n";
    if (!input.empty()) p += "### Input:\n" + input + "\n\n";
    return p + "### Response:\n";
}

std::string chatRoleHeader(const std::string& role) {
    if (role == "system") return "### System:\n";
    if (role == "user") return "### User:\n";
    if (role == "assistant") return "### Assistant:\n";
    throw Error("chat role '" + role + "' is not one of system, user, assistant");
}

std::string chatPrompt(const std::vector<ChatMessage>& messages) {
    std::string p;
    for (const auto& m : messages) p += chatRoleHeader(m.role) + m.content + "\n\n";
    if (messages.empty() || messages.back().role != "assistant") p += chatRoleHeader("assistant");
    return p;
}

}  // namespace l1ra
