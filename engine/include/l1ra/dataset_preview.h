#pragma once
// A quick look at a training data file for the studio's setup page: detected format, record count, samples.
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra {

struct DatasetSample {
    std::string prompt;     // empty for plain text (everything is trained on)
    std::string response;   // the part the loss is computed on
};

struct DatasetPreview {
    std::string path;
    std::string format;     // detected or given: text | jsonl | alpaca | chat
    int64_t records = 0;    // records (JSONL lines, or text documents separated by blank lines)
    int64_t bytes = 0;
    std::vector<DatasetSample> samples;
};

// Throws l1ra::Error naming the file and line for unreadable files or records that do not fit the format.
DatasetPreview previewDataset(const std::string& path, const std::string& format = "auto", int maxSamples = 5);

}  // namespace l1ra
