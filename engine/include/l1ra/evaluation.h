#pragma once
// Validation loss and perplexity of a model (optionally with an adapter) on a data file: `l1ra eval`.
#include "l1ra/api.h"

#include <cstdint>
#include <string>

L1RA_API_BEGIN
namespace l1ra {

struct EvaluationOptions {
    std::string adapter;          // run folder, checkpoint or peft adapter folder; empty = base model
    std::string format = "auto";  // data format (see docs/data-formats.md)
    std::string chatTemplate;     // data.template; empty = the adapter's run's choice, else auto (docs/chat-templates.md)
    int seqLen = 512;
    int batchSize = 4;
    int maxBatches = 0;           // 0 = all
    std::string device = "cpu";
    std::string dtype = "auto";
    std::string baseDtype = "bf16";   // bf16 | int8 | nf4 (a run's model.base_dtype)
};

struct EvaluationResult {
    double loss = 0;              // mean loss per trained token
    double perplexity = 0;
    int64_t tokens = 0;           // tokens the loss covers
    int64_t sequences = 0;
    std::string format;
};

EvaluationResult evaluateModel(const std::string& modelDir, const std::string& dataFile, const EvaluationOptions& options = {});

}  // namespace l1ra
L1RA_API_END
