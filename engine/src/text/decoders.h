#pragma once
// tokenizer.json's `decoder`: turns token strings back into text. ByteLevel, Metaspace, Replace, ByteFallback,
// Fuse, Strip and Sequence of them, each working on the list of strings as in HF.
#include "text/json_field.h"

#include <memory>
#include <string>
#include <vector>

namespace l1ra::text {

class Decoder {
public:
    virtual ~Decoder() = default;
    virtual void apply(std::vector<std::string>& tokens) const = 0;
};

// nullptr for a null field (tokens are then joined with spaces, as HF does); unsupported types are refused.
std::unique_ptr<Decoder> makeDecoder(const JsonField& field);

}  // namespace l1ra::text
