#pragma once
// tokenizer.json's `normalizer`: NFC/NFD/NFKC/NFKD, Prepend, Replace and Sequence of them. HF applies it to each
// stretch of text between the added tokens that are matched before normalization.
#include "text/aligned_text.h"
#include "text/json_field.h"

#include <memory>

namespace l1ra::text {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void apply(AlignedText& text) const = 0;
};

// nullptr for a null field; anything unsupported is refused naming the field.
std::unique_ptr<Normalizer> makeNormalizer(const JsonField& field);

// Unicode normalization form "NFC", "NFD", "NFKC" or "NFKD" (ICU); refuses naming `where` in a build without ICU.
std::unique_ptr<Normalizer> makeUnicodeNormalizer(const std::string& form, const std::string& where);
bool unicodeNormalizationAvailable();   // built with ICU

}  // namespace l1ra::text
