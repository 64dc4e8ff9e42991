#include "text/normalizers.h"

#include "text/pattern.h"
#include "text/utf8.h"

#include <vector>

namespace l1ra::text {

namespace {

class SequenceNormalizer : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> steps) : steps_(std::move(steps)) {}
    void apply(AlignedText& text) const override {
        for (const auto& step : steps_) step->apply(text);
    }

private:
    std::vector<std::unique_ptr<Normalizer>> steps_;
};

// Non-empty text gets `prefix` in front; the new bytes stand for the first character (as in HF).
class PrependNormalizer : public Normalizer {
public:
    explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
    void apply(AlignedText& text) const override {
        if (text.empty()) return;
        AlignedText::Builder b;
        b.append(prefix_, text.originalSpan(0, charLength(text.str(), 0)));
        b.appendSlice(text, 0, text.size());
        text = b.finish();
    }

private:
    std::string prefix_;
};

class ReplaceNormalizer : public Normalizer {
public:
    ReplaceNormalizer(Pattern pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
    void apply(AlignedText& text) const override {
        const auto matches = pattern_.findAll(text.str());
        if (matches.empty()) return;
        AlignedText::Builder b;
        std::size_t done = 0;
        for (const auto& [begin, end] : matches) {
            b.appendSlice(text, done, begin);
            b.append(content_, text.originalSpan(begin, end));
            done = end;
        }
        b.appendSlice(text, done, text.size());
        text = b.finish();
    }

private:
    Pattern pattern_;
    std::string content_;
};

}  // namespace

std::unique_ptr<Normalizer> makeNormalizer(const JsonField& field) {
    if (field.isNull()) return nullptr;
    const std::string type = field.type();
    if (type == "Sequence") {
        const JsonField list = field["normalizers"];
        std::vector<std::unique_ptr<Normalizer>> steps;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (auto step = makeNormalizer(list[i])) steps.push_back(std::move(step));
        return std::make_unique<SequenceNormalizer>(std::move(steps));
    }
    if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") return makeUnicodeNormalizer(type, field.where());
    if (type == "Prepend") return std::make_unique<PrependNormalizer>(field["prepend"].string());
    if (type == "Replace") return std::make_unique<ReplaceNormalizer>(Pattern(field["pattern"]), field["content"].string());
    field.unsupportedType(type, "Sequence, NFC, NFD, NFKC, NFKD, Prepend, Replace");
}

}  // namespace l1ra::text
