#include "text/token_dataset.h"

#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace l1ra {

namespace {

// Whether the tokenizer puts BOS in front of a text (sentencepiece LLaMAs and Llama 3.1 do, Qwen2 does not): plain
// records get exactly the special tokens the model's own tokenizer adds.
bool addsBos(const Tokenizer& tokenizer) {
    if (tokenizer.bosId() < 0) return false;
    const auto ids = tokenizer.encode("a", true);
    return !ids.empty() && ids.front() == tokenizer.bosId() && ids.size() > tokenizer.encode("a", false).size();
}

// Segments encoded one by one: [BOS] and an EOS after each segment that asks for one.
TokenSequence segmentSequence(const DataRecord& record, const Tokenizer& tokenizer, bool bosFirst) {
    TokenSequence s;
    if (bosFirst) {
        s.ids.push_back(int32_t(tokenizer.bosId()));
        s.trained.push_back(0);
    }
    for (const auto& segment : record.segments) {
        for (int64_t id : tokenizer.encode(segment.text, false)) {
            s.ids.push_back(int32_t(id));
            s.trained.push_back(segment.trained);
        }
        if (segment.eosAfter && tokenizer.eosId() >= 0) {
            s.ids.push_back(int32_t(tokenizer.eosId()));
            s.trained.push_back(segment.trained);
        }
    }
    return s;
}

// A chat-template rendering encoded in one piece, as transformers does (so merges across segment boundaries and
// special tokens written as text come out the same); a token is trained when its first byte is in a trained segment.
TokenSequence renderedSequence(const DataRecord& record, const Tokenizer& tokenizer) {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> trained;   // byte ranges of the trained segments
    for (const auto& segment : record.segments) {
        if (segment.trained) trained.emplace_back(text.size(), text.size() + segment.text.size());
        text += segment.text;
    }
    const TokenEncoding encoding = tokenizer.encodeWithOffsets(text, /*addSpecial=*/false);
    TokenSequence s;
    for (std::size_t i = 0; i < encoding.ids.size(); ++i) {
        const TextSpan span = encoding.offsets[i];
        const bool isTrained = span.end > span.begin && std::any_of(trained.begin(), trained.end(), [&](const auto& r) {
            return span.begin >= r.first && span.begin < r.second;
        });
        s.ids.push_back(int32_t(encoding.ids[i]));
        s.trained.push_back(isTrained);
    }
    return s;
}

}  // namespace

TokenDataset tokenizeRecords(const std::vector<DataRecord>& records, const Tokenizer& tokenizer, int seqLen) {
    if (seqLen < 2) throw Error("sequence length must be at least 2");
    TokenDataset out;
    const bool bosFirst = addsBos(tokenizer);
    TokenSequence stream;   // packed documents waiting to fill a sequence
    auto emitPacked = [&](bool final) {
        std::size_t start = 0;
        while (stream.ids.size() - start >= std::size_t(seqLen) || (final && stream.ids.size() - start >= 2)) {
            const std::size_t n = std::min<std::size_t>(std::size_t(seqLen), stream.ids.size() - start);
            TokenSequence s;
            s.ids.assign(stream.ids.begin() + long(start), stream.ids.begin() + long(start + n));
            s.trained.assign(n, 1);
            s.trained[0] = 0;   // nothing predicts a sequence's first token
            out.sequences.push_back(std::move(s));
            start += n;
        }
        stream.ids.erase(stream.ids.begin(), stream.ids.begin() + long(start));
        if (final) stream.ids.clear();
    };
    for (const auto& record : records) {
        TokenSequence s = record.rendered ? renderedSequence(record, tokenizer) : segmentSequence(record, tokenizer, bosFirst);
        if (record.packed) {
            stream.ids.insert(stream.ids.end(), s.ids.begin(), s.ids.end());
            emitPacked(false);
            continue;
        }
        if (s.ids.size() > std::size_t(seqLen)) {
            s.ids.resize(std::size_t(seqLen));
            s.trained.resize(std::size_t(seqLen));
        }
        if (!s.trained.empty()) s.trained[0] = 0;
        if (std::find(s.trained.begin(), s.trained.end(), 1) == s.trained.end()) {
            ++out.skippedRecords;
            continue;
        }
        out.sequences.push_back(std::move(s));
    }
    emitPacked(true);
    for (const auto& s : out.sequences) {
        out.tokens += int64_t(s.ids.size());
        out.trainedTokens += std::count(s.trained.begin(), s.trained.end(), 1);
    }
    return out;
}

void splitRecords(std::vector<DataRecord> all, double fraction, uint64_t seed, std::vector<DataRecord>* train,
                  std::vector<DataRecord>* val) {
    std::vector<std::size_t> order(all.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::mt19937_64 rng(seed ^ 0x5eed5911ULL);
    std::shuffle(order.begin(), order.end(), rng);
    std::size_t nVal = fraction > 0 ? std::size_t(std::ceil(fraction * double(all.size()))) : 0;
    if (fraction > 0 && all.size() >= 2) nVal = std::clamp<std::size_t>(nVal, 1, all.size() - 1);
    else if (all.size() < 2) nVal = 0;
    std::vector<bool> isVal(all.size(), false);
    for (std::size_t i = 0; i < nVal; ++i) isVal[order[i]] = true;
    train->clear();
    val->clear();
    // Keep the file order inside each split: packed text stays readable and deterministic.
    for (std::size_t i = 0; i < all.size(); ++i) (isVal[i] ? val : train)->push_back(std::move(all[i]));
}

Batch makeBatch(const TokenDataset& data, const std::vector<int64_t>& indices, int64_t padId) {
    Batch b;
    b.rows = int64_t(indices.size());
    for (auto i : indices) b.cols = std::max<int64_t>(b.cols, int64_t(data.sequences[std::size_t(i)].ids.size()));
    b.ids.assign(std::size_t(b.rows * b.cols), padId);
    b.labels.assign(std::size_t(b.rows * b.cols), -100);
    for (int64_t r = 0; r < b.rows; ++r) {
        const TokenSequence& s = data.sequences[std::size_t(indices[std::size_t(r)])];
        const int64_t n = int64_t(s.ids.size());
        b.inputTokens += n;
        for (int64_t t = 0; t < n; ++t) {
            b.ids[std::size_t(r * b.cols + t)] = s.ids[std::size_t(t)];
            if (t + 1 < n && s.trained[std::size_t(t + 1)]) {
                b.labels[std::size_t(r * b.cols + t)] = s.ids[std::size_t(t + 1)];
                ++b.lossTokens;
            }
        }
    }
    return b;
}

int64_t SampleOrder::at(int64_t g) {
    if (size_ <= 0) throw Error("internal: sampling from an empty dataset");
    const int64_t epoch = g / size_;
    if (epoch != epoch_) {
        permutation_.resize(std::size_t(size_));
        std::iota(permutation_.begin(), permutation_.end(), int64_t(0));
        std::mt19937_64 rng(seed_ * 1000003ULL + uint64_t(epoch));
        std::shuffle(permutation_.begin(), permutation_.end(), rng);
        epoch_ = epoch;
    }
    return permutation_[std::size_t(g % size_)];
}

std::vector<int64_t> SampleOrder::range(int64_t first, int64_t count) {
    std::vector<int64_t> out;
    out.reserve(std::size_t(count));
    for (int64_t g = first; g < first + count; ++g) out.push_back(at(g));
    return out;
}

}  // namespace l1ra
