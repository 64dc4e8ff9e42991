#pragma once
// sentencepiece tokenizer, reached through the module loaded in its own link namespace (DESIGN.md section 4).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace l1ra {

class Tokenizer {
public:
    // Loads tokenizer.model; throws l1ra::Error naming the file when it is missing or corrupt.
    static std::shared_ptr<Tokenizer> load(const std::string& path);
    ~Tokenizer();

    std::vector<int64_t> encode(const std::string& text, bool addBos) const;
    std::string decode(const std::vector<int64_t>& ids) const;
    std::string piece(int64_t id) const;
    int64_t vocabSize() const { return vocab_; }
    int64_t bosId() const { return bos_; }
    int64_t eosId() const { return eos_; }
    const std::string& path() const { return path_; }

private:
    Tokenizer() = default;
    std::string path_;
    void* handle_ = nullptr;
    int64_t vocab_ = 0, bos_ = -1, eos_ = -1;
    mutable std::mutex mutex_;
};

// Trains a sentencepiece model (sentencepiece's "--key=value ..." argument string).
void trainSentencepiece(const std::string& args);

// Where the module was found, or why not (for diagnostics).
std::string sentencepieceModulePath();

// Why no tokenizer can be loaded in this build or install (the module is absent or unusable); empty when one can.
std::string sentencepieceModuleProblem();

}  // namespace l1ra
