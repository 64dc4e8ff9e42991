#pragma once
// tokenizer.json's `pre_tokenizer`: cuts normalized text into the words the model encodes one by one.
// Split, ByteLevel, Metaspace, Digits, Punctuation, Whitespace, WhitespaceSplit and Sequence of them.
#include "text/aligned_text.h"
#include "text/json_field.h"

#include <memory>
#include <vector>

namespace l1ra::text {

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    // Replaces each piece by its parts; empty parts are dropped.
    virtual void apply(std::vector<AlignedText>& pieces) const = 0;
};

struct PreTokenizerSetup {
    std::unique_ptr<PreTokenizer> pre;   // nullptr: the whole text is one word
    bool byteLevel = false;              // ByteLevel ran last: the model sees each byte as GPT-2's character
};

// Refuses unsupported types, and a ByteLevel step that is not the last one, naming the field.
PreTokenizerSetup makePreTokenizer(const JsonField& field);

// GPT-2's word pattern, used by ByteLevel with use_regex.
extern const char* const kGpt2Pattern;

}  // namespace l1ra::text
