#include "text/split_behavior.h"

namespace l1ra::text {

namespace {

struct Run {
    std::size_t begin, end;
    bool match;
};

// The whole text as alternating runs of matches and gaps.
std::vector<Run> coveringRuns(std::size_t size, const std::vector<std::pair<std::size_t, std::size_t>>& matches, bool invert) {
    std::vector<Run> runs;
    std::size_t done = 0;
    for (const auto& [begin, end] : matches) {
        if (begin > done) runs.push_back({done, begin, invert});
        runs.push_back({begin, end, !invert});
        done = end;
    }
    if (done < size) runs.push_back({done, size, invert});
    return runs;
}

std::vector<Run> applyBehavior(std::vector<Run> runs, SplitBehavior behavior) {
    std::vector<Run> out;
    switch (behavior) {
        case SplitBehavior::Isolated:
            return runs;
        case SplitBehavior::Removed:
            for (const Run& r : runs)
                if (!r.match) out.push_back(r);
            return out;
        case SplitBehavior::Contiguous:
            for (const Run& r : runs) {
                if (!out.empty() && out.back().match == r.match) out.back().end = r.end;
                else out.push_back(r);
            }
            return out;
        case SplitBehavior::MergedWithPrevious: {
            bool previousMatch = false;
            for (const Run& r : runs) {
                if (r.match && !previousMatch && !out.empty()) out.back().end = r.end;
                else out.push_back(r);
                previousMatch = r.match;
            }
            return out;
        }
        case SplitBehavior::MergedWithNext: {
            bool nextMatch = false;   // walking backwards: whether the run after this one was a match
            for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
                if (it->match && !nextMatch && !out.empty()) out.back().begin = it->begin;
                else out.push_back(*it);
                nextMatch = it->match;
            }
            return std::vector<Run>(out.rbegin(), out.rend());
        }
    }
    return runs;
}

}  // namespace

SplitBehavior parseSplitBehavior(const JsonField& field) {
    const std::string name = field.string();
    if (name == "Removed") return SplitBehavior::Removed;
    if (name == "Isolated") return SplitBehavior::Isolated;
    if (name == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
    if (name == "MergedWithNext") return SplitBehavior::MergedWithNext;
    if (name == "Contiguous") return SplitBehavior::Contiguous;
    field.fail("\"" + name + "\" is not a split behavior (Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous)");
}

std::vector<AlignedText> splitAtMatches(const AlignedText& text, const std::vector<std::pair<std::size_t, std::size_t>>& matches,
                                        SplitBehavior behavior, bool invert) {
    std::vector<AlignedText> pieces;
    for (const Run& r : applyBehavior(coveringRuns(text.size(), matches, invert), behavior))
        if (r.end > r.begin) pieces.push_back(text.slice(r.begin, r.end));
    return pieces;
}

}  // namespace l1ra::text
