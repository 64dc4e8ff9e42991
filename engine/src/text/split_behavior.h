#pragma once
// How a text is cut at the matches of a pattern (HF's SplitDelimiterBehavior): the matches are Removed, kept
// Isolated, MergedWithPrevious / MergedWithNext piece, or runs of matches and of non-matches kept Contiguous.
#include "text/aligned_text.h"
#include "text/json_field.h"

#include <cstddef>
#include <utility>
#include <vector>

namespace l1ra::text {

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

SplitBehavior parseSplitBehavior(const JsonField& field);

// The non-empty pieces of `text` cut at `matches` (sorted, non-overlapping); `invert` swaps matches and the
// text between them.
std::vector<AlignedText> splitAtMatches(const AlignedText& text, const std::vector<std::pair<std::size_t, std::size_t>>& matches,
                                        SplitBehavior behavior, bool invert = false);

}  // namespace l1ra::text
