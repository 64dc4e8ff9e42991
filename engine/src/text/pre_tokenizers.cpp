#include "text/pre_tokenizers.h"

#include "text/pattern.h"
#include "text/split_behavior.h"
#include "text/utf8.h"

namespace l1ra::text {

const char* const kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

template <typename Fn>
void replacePieces(std::vector<AlignedText>& pieces, Fn split) {
    std::vector<AlignedText> out;
    out.reserve(pieces.size());
    for (const AlignedText& piece : pieces)
        for (AlignedText& part : split(piece))
            if (!part.empty()) out.push_back(std::move(part));
    pieces = std::move(out);
}

class SequencePreTokenizer : public PreTokenizer {
public:
    explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> steps) : steps_(std::move(steps)) {}
    void apply(std::vector<AlignedText>& pieces) const override {
        for (const auto& step : steps_) step->apply(pieces);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> steps_;
};

class SplitPreTokenizer : public PreTokenizer {
public:
    SplitPreTokenizer(Pattern pattern, SplitBehavior behavior, bool invert)
        : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}
    void apply(std::vector<AlignedText>& pieces) const override {
        replacePieces(pieces, [&](const AlignedText& p) { return splitAtMatches(p, pattern_.findAll(p.str()), behavior_, invert_); });
    }

private:
    Pattern pattern_;
    SplitBehavior behavior_;
    bool invert_;
};

// Prefix space and GPT-2's pattern; the byte-to-character mapping itself happens in the model.
class ByteLevelPreTokenizer : public PreTokenizer {
public:
    ByteLevelPreTokenizer(bool addPrefixSpace, std::unique_ptr<Pattern> words) : addPrefixSpace_(addPrefixSpace), words_(std::move(words)) {}
    void apply(std::vector<AlignedText>& pieces) const override {
        replacePieces(pieces, [&](const AlignedText& p) {
            AlignedText text = p;
            if (addPrefixSpace_ && !text.empty() && text.str()[0] != ' ') {
                AlignedText::Builder b;
                b.append(" ", text.originalSpan(0, charLength(text.str(), 0)));
                b.appendSlice(text, 0, text.size());
                text = b.finish();
            }
            if (!words_) return std::vector<AlignedText>{text};
            return splitAtMatches(text, words_->findAll(text.str()), SplitBehavior::Isolated);
        });
    }

private:
    bool addPrefixSpace_;
    std::unique_ptr<Pattern> words_;
};

// Spaces become the replacement character ("▁"), which may be put in front, and words start at it.
class MetaspacePreTokenizer : public PreTokenizer {
public:
    enum class Prepend { Always, First, Never };
    MetaspacePreTokenizer(std::string replacement, Prepend prepend, bool split)
        : replacement_(std::move(replacement)), prepend_(prepend), split_(split) {}

    void apply(std::vector<AlignedText>& pieces) const override {
        replacePieces(pieces, [&](const AlignedText& p) {
            AlignedText text = withReplacement(p);
            if (!split_) return std::vector<AlignedText>{text};
            return splitAtMatches(text, Pattern::literal(replacement_).findAll(text.str()), SplitBehavior::MergedWithNext);
        });
    }

private:
    AlignedText withReplacement(const AlignedText& p) const {
        const std::string& s = p.str();
        AlignedText::Builder b;
        const bool startsWithReplacement = s.compare(0, replacement_.size(), replacement_) == 0 || (!s.empty() && s[0] == ' ');
        const bool prepend = !s.empty() && !startsWithReplacement &&
                             (prepend_ == Prepend::Always || (prepend_ == Prepend::First && p.originalBegin() == 0));
        if (prepend) b.append(replacement_, p.originalSpan(0, charLength(s, 0)));
        std::size_t done = 0;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] != ' ') continue;
            b.appendSlice(p, done, i);
            b.append(replacement_, p.originalSpan(i, i + 1));
            done = i + 1;
        }
        b.appendSlice(p, done, s.size());
        return b.finish();
    }

    std::string replacement_;
    Prepend prepend_;
    bool split_;
};

std::unique_ptr<PreTokenizer> makeSplit(const JsonField& f) {
    return std::make_unique<SplitPreTokenizer>(Pattern(f["pattern"]), parseSplitBehavior(f["behavior"]), f.booleanOr("invert", false));
}

std::unique_ptr<PreTokenizer> makeMetaspace(const JsonField& f) {
    const std::string replacement = f["replacement"].string();
    if (replacement.empty() || charLength(replacement, 0) != replacement.size()) f["replacement"].fail("must be one character");
    auto prepend = MetaspacePreTokenizer::Prepend::Always;
    const std::string scheme = f.stringOr("prepend_scheme", f.booleanOr("add_prefix_space", true) ? "always" : "never");
    if (scheme == "first") prepend = MetaspacePreTokenizer::Prepend::First;
    else if (scheme == "never") prepend = MetaspacePreTokenizer::Prepend::Never;
    else if (scheme != "always") f["prepend_scheme"].fail("\"" + scheme + "\" is not one of always, first, never");
    return std::make_unique<MetaspacePreTokenizer>(replacement, prepend, f.booleanOr("split", true));
}

std::unique_ptr<PreTokenizer> makeRegexSplit(const JsonField& f, const char* pattern, SplitBehavior behavior, bool invert = false) {
    nlohmann::json spec = {{"Regex", pattern}};
    return std::make_unique<SplitPreTokenizer>(Pattern(JsonField(spec, f.file(), f.path())), behavior, invert);
}

// One step; `last` says whether it is the last of the whole chain, the only place ByteLevel may stand.
std::unique_ptr<PreTokenizer> makeStep(const JsonField& f, bool last, bool* byteLevel) {
    const std::string type = f.type();
    if (type == "Sequence") {
        const JsonField list = f["pretokenizers"];
        std::vector<std::unique_ptr<PreTokenizer>> steps;
        for (std::size_t i = 0; i < list.size(); ++i) steps.push_back(makeStep(list[i], last && i + 1 == list.size(), byteLevel));
        return std::make_unique<SequencePreTokenizer>(std::move(steps));
    }
    if (type == "ByteLevel") {
        if (!last) f.fail("ByteLevel must be the last pre-tokenizer (this engine maps bytes in the model step)");
        *byteLevel = true;
        auto words = f.booleanOr("use_regex", true) ? std::make_unique<Pattern>(Pattern(JsonField(nlohmann::json{{"Regex", kGpt2Pattern}}, f.file(), f.path() + ".use_regex")))
                                                    : nullptr;
        return std::make_unique<ByteLevelPreTokenizer>(f.booleanOr("add_prefix_space", true), std::move(words));
    }
    if (type == "Split") return makeSplit(f);
    if (type == "Metaspace") return makeMetaspace(f);
    if (type == "Digits")
        return makeRegexSplit(f, R"(\p{N})", f.booleanOr("individual_digits", false) ? SplitBehavior::Isolated : SplitBehavior::Contiguous);
    if (type == "Punctuation")
        return makeRegexSplit(f, R"([\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E])",
                              f.has("behavior") ? parseSplitBehavior(f["behavior"]) : SplitBehavior::Isolated);
    if (type == "Whitespace")
        return makeRegexSplit(f, R"([\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\p{White_Space}]+)",
                              SplitBehavior::Removed, /*invert=*/true);
    if (type == "WhitespaceSplit") return makeRegexSplit(f, R"(\p{White_Space})", SplitBehavior::Removed);
    f.unsupportedType(type, "Sequence, Split, ByteLevel, Metaspace, Digits, Punctuation, Whitespace, WhitespaceSplit");
}

}  // namespace

PreTokenizerSetup makePreTokenizer(const JsonField& field) {
    PreTokenizerSetup setup;
    if (!field.isNull()) setup.pre = makeStep(field, true, &setup.byteLevel);
    return setup;
}

}  // namespace l1ra::text
