#pragma once
// Records tokenised once per run into training sequences, and the deterministic order in which batches
// visit them. Plain C++: the trainer turns batches into tensors.
#include "text/data_records.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace l1ra {

class Tokenizer;

struct TokenSequence {
    std::vector<int32_t> ids;
    std::vector<uint8_t> trained;   // trained[t] = 1: the loss includes predicting ids[t] from ids[..t-1]
};

struct TokenDataset {
    std::vector<TokenSequence> sequences;
    int64_t tokens = 0;          // all tokens
    int64_t trainedTokens = 0;   // tokens the loss sees
    int64_t skippedRecords = 0;  // records with nothing to train on after truncation
};

// Packed records ([BOS] doc [EOS] ...) are concatenated and cut into sequences of exactly seqLen tokens;
// other records become one sequence each, cut to seqLen.
TokenDataset tokenizeRecords(const std::vector<DataRecord>& records, const Tokenizer& tokenizer, int seqLen);

// Splits records into train and validation: a deterministic `fraction` (at least one record when there are
// two or more) chosen with `seed`.
void splitRecords(std::vector<DataRecord> all, double fraction, uint64_t seed, std::vector<DataRecord>* train,
                  std::vector<DataRecord>* val);

struct Batch {
    int64_t rows = 0, cols = 0;
    std::vector<int64_t> ids;      // [rows * cols], padded with padId
    std::vector<int64_t> labels;   // [rows * cols]: the next token where trained, else -100
    int64_t lossTokens = 0;        // labels that are not -100
    int64_t inputTokens = 0;       // real (unpadded) tokens
};

Batch makeBatch(const TokenDataset& data, const std::vector<int64_t>& indices, int64_t padId);

// Visits sequences epoch after epoch, each epoch in its own seeded random order. Sample g of the run is a pure
// function of (seed, g): resuming at any step needs no saved state.
class SampleOrder {
public:
    SampleOrder(int64_t size, uint64_t seed) : size_(size), seed_(seed) {}
    int64_t at(int64_t g);   // sequence index of global sample g
    std::vector<int64_t> range(int64_t first, int64_t count);

private:
    int64_t size_;
    uint64_t seed_;
    int64_t epoch_ = -1;
    std::vector<int64_t> permutation_;
};

}  // namespace l1ra
