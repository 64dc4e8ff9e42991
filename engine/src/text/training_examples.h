#pragma once
// Training data files read into examples, before any prompt format is applied: plain text, an instruction with
// its response (alpaca), or a conversation (chat "messages", ShareGPT "conversations"). Formats:
// docs/data-formats.md. Plain C++.
#include "l1ra/prompt_template.h"

#include <string>
#include <vector>

namespace l1ra {

struct TrainingExample {
    enum class Kind { Text, Instruction, Conversation };
    Kind kind = Kind::Text;
    std::string text;                         // Text: every token is trained
    std::string instruction, input, output;   // Instruction: output is trained
    std::vector<ChatMessage> messages;        // Conversation: assistant messages are trained
};

// The data formats a file can be read as, for messages and the run config's choices.
const std::vector<std::string>& dataFormatNames();   // text, jsonl, alpaca, chat, sharegpt

// "text" for .txt files; for JSONL the first record decides: messages -> chat, conversations -> sharegpt,
// instruction/output -> alpaca, text -> jsonl. Throws l1ra::Error naming the file.
std::string detectDataFormat(const std::string& path);

// Reads every example; `format` may be "auto". Throws l1ra::Error naming the file and line of a bad record.
std::vector<TrainingExample> readTrainingExamples(const std::string& path, const std::string& format,
                                                  std::string* resolvedFormat = nullptr);

}  // namespace l1ra
