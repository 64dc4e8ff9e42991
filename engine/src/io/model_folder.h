#pragma once
// A Hugging Face model folder opened for reading: config, safetensors files (single or sharded through
// model.safetensors.index.json) and a checked map from HF parameter name to its bytes.
#include "io/model_config.h"
#include "io/safetensors.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace l1ra {

class ModelFolder {
public:
    // Opens and validates everything except the tensor values; throws l1ra::Error naming the file.
    // `path` may be a Hugging Face cache entry (l1ra/model_location.h): dir() is then its snapshot.
    explicit ModelFolder(const std::string& path);

    const std::string& dir() const { return dir_; }
    const LlamaConfig& config() const { return config_; }
    const std::vector<std::string>& weightFiles() const { return fileNames_; }
    const TensorView& tensor(const std::string& name) const;   // throws when absent
    bool has(const std::string& name) const { return tensors_.count(name) != 0; }
    const std::map<std::string, const TensorView*>& tensors() const { return tensors_; }
    std::string tokenizerPath() const;   // tokenizer.json, else tokenizer.model; empty when there is neither

    // Expected shape of every parameter the LLaMA model needs, by HF name.
    static std::map<std::string, std::vector<int64_t>> expectedShapes(const LlamaConfig& c);

private:
    std::string dir_;
    LlamaConfig config_;
    std::vector<std::string> fileNames_;
    std::vector<std::unique_ptr<SafetensorsFile>> files_;
    std::map<std::string, const TensorView*> tensors_;
};

std::string shapeString(const std::vector<int64_t>& shape);   // "[64, 512]"

// Every id that ends a sequence: config.json's eos_token_id (one or a list) and generation_config.json's, first
// config.json's first. Throws naming generation_config.json when it is not valid JSON.
std::vector<int64_t> endOfSequenceIds(const ModelFolder& folder);

}  // namespace l1ra
