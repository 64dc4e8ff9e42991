#pragma once
// tokenizer.json's `post_processor` reduced to what a single sequence needs: the special tokens put before and
// after the text when special tokens are asked for (TemplateProcessing, RobertaProcessing, BertProcessing;
// ByteLevel adds none; Sequence of them).
#include "text/json_field.h"

#include <cstdint>
#include <vector>

namespace l1ra::text {

struct SpecialFrame {
    std::vector<int64_t> before, after;
};

// An empty frame for a null field; unsupported types are refused naming the field.
SpecialFrame readPostProcessor(const JsonField& field);

}  // namespace l1ra::text
