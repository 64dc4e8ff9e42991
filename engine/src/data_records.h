#pragma once
// Training data files read into records: each record is a list of text segments, each marked as trained
// (the loss is computed on its tokens) or context only. Formats: docs/data-formats.md.
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra {

struct TextSegment {
    std::string text;
    bool trained = false;
    bool eosAfter = false;   // an end-of-sequence token follows this segment (trained with it)
};

struct DataRecord {
    std::vector<TextSegment> segments;
    bool packed = false;     // plain text: concatenated with its neighbours and cut into full sequences
};

// "text" for .txt files; for JSONL the first record decides: messages -> chat, instruction/output -> alpaca,
// text -> jsonl. Throws l1ra::Error naming the file.
std::string detectDataFormat(const std::string& path);

// Reads every record; `format` may be "auto". Throws l1ra::Error naming the file and line of a bad record.
std::vector<DataRecord> readDataRecords(const std::string& path, const std::string& format, std::string* resolvedFormat = nullptr);

}  // namespace l1ra
