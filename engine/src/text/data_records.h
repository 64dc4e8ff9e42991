#pragma once
// Training examples formatted into records: each record is a list of text segments, each marked as trained (the
// loss is computed on its tokens) or context only. Formats: docs/data-formats.md.
#include "text/training_examples.h"

#include <cstdint>
#include <string>
#include <vector>

namespace l1ra {

class PromptFormat;

struct TextSegment {
    std::string text;
    bool trained = false;
    bool eosAfter = false;   // an end-of-sequence token follows this segment (trained with it)
};

struct DataRecord {
    std::vector<TextSegment> segments;
    bool packed = false;     // plain text: concatenated with its neighbours and cut into full sequences
    // The segments are one text rendered by a chat template: it is tokenized in one piece with no BOS added (the
    // template writes its own special tokens), and a token is trained when it starts inside a trained segment.
    bool rendered = false;
};

// Plain text is wrapped as one trained, packed segment; instructions and conversations go through `format`.
DataRecord formatExample(const TrainingExample& example, const PromptFormat& format);

// Reads and formats every record (`format` may be "auto"); `prompts` null means the plain prompt format.
// Throws l1ra::Error naming the file and line of a bad record.
std::vector<DataRecord> readDataRecords(const std::string& path, const std::string& format,
                                        std::string* resolvedFormat = nullptr, const PromptFormat* prompts = nullptr);

}  // namespace l1ra
