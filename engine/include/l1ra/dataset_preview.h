#pragma once
// A quick look at a training data file for the studio's setup page: detected format, record count, samples,
// and with a model folder the prompt format and each sample's text exactly as it will be tokenized.
#include "l1ra/api.h"

#include <cstdint>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct DatasetSegment {
    std::string text;
    bool trained = false;   // the loss is computed on this text's tokens
};

struct DatasetSample {
    std::string prompt;     // the context text, concatenated (empty for plain text: everything is trained on)
    std::string response;   // the trained text, concatenated
    // The record's text in order, special tokens written out ("<s>", "<|eot_id|>"): what the tokenizer sees.
    std::vector<DatasetSegment> segments;
};

struct DatasetPreview {
    std::string path;
    std::string format;     // detected or given: text | jsonl | alpaca | chat | sharegpt
    std::string promptFormat;          // with a model: how instructions and conversations are rendered
    std::string promptFormatWarning;   // why auto fell back to plain, or what a forced template overrides
    int64_t records = 0;    // records (JSONL lines, or text documents separated by blank lines)
    int64_t bytes = 0;
    std::vector<DatasetSample> samples;
};

// Throws l1ra::Error naming the file and line for unreadable files or records that do not fit the format. With a
// model folder (and its tokenizer) the samples use the model's prompt format chosen by `chatTemplate` (the run
// config's data.template); without one, the plain format.
DatasetPreview previewDataset(const std::string& path, const std::string& format = "auto", int maxSamples = 5,
                              const std::string& modelDir = "", const std::string& chatTemplate = "auto");

}  // namespace l1ra
L1RA_API_END
