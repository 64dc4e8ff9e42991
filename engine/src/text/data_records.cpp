#include "text/data_records.h"

#include "text/prompt_format.h"

namespace l1ra {

DataRecord formatExample(const TrainingExample& example, const PromptFormat& format) {
    switch (example.kind) {
        case TrainingExample::Kind::Instruction: return format.instruction(example.instruction, example.input, example.output);
        case TrainingExample::Kind::Conversation: return format.conversation(example.messages);
        case TrainingExample::Kind::Text: break;
    }
    DataRecord r;
    r.segments.push_back({example.text, true, true});
    r.packed = true;
    return r;
}

std::vector<DataRecord> readDataRecords(const std::string& path, const std::string& format, std::string* resolvedFormat,
                                        const PromptFormat* prompts) {
    const auto plain = prompts ? nullptr : plainPromptFormat();
    const PromptFormat& f = prompts ? *prompts : *plain;
    std::vector<DataRecord> out;
    for (const auto& example : readTrainingExamples(path, format, resolvedFormat)) out.push_back(formatExample(example, f));
    return out;
}

}  // namespace l1ra
