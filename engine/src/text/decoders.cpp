#include "text/decoders.h"

#include "text/byte_level.h"
#include "text/pattern.h"
#include "text/utf8.h"

namespace l1ra::text {

namespace {

const char* const kReplacementChar = "\xEF\xBF\xBD";

class SequenceDecoder : public Decoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
    void apply(std::vector<std::string>& tokens) const override {
        for (const auto& step : steps_) step->apply(tokens);
    }

private:
    std::vector<std::unique_ptr<Decoder>> steps_;
};

// GPT-2 characters back to bytes (a token with other characters keeps its own bytes), joined, made UTF-8.
class ByteLevelDecoder : public Decoder {
public:
    void apply(std::vector<std::string>& tokens) const override {
        std::string bytes;
        for (const std::string& t : tokens)
            if (!fromByteLevel(t, bytes)) bytes += t;
        tokens.assign(1, lossyUtf8(bytes));
    }
};

// The replacement character becomes a space, except at the very start when the pre-tokenizer put one there.
class MetaspaceDecoder : public Decoder {
public:
    MetaspaceDecoder(std::string replacement, bool stripFirst) : replacement_(std::move(replacement)), stripFirst_(stripFirst) {}
    void apply(std::vector<std::string>& tokens) const override {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            std::string out;
            const std::string& t = tokens[i];
            for (std::size_t at = 0; at < t.size();) {
                if (t.compare(at, replacement_.size(), replacement_) == 0) {
                    if (i != 0 || !stripFirst_) out += ' ';
                    at += replacement_.size();
                } else {
                    out += t[at++];
                }
            }
            tokens[i] = std::move(out);
        }
    }

private:
    std::string replacement_;
    bool stripFirst_;
};

class ReplaceDecoder : public Decoder {
public:
    ReplaceDecoder(Pattern pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
    void apply(std::vector<std::string>& tokens) const override {
        for (std::string& t : tokens) {
            std::string out;
            std::size_t done = 0;
            for (const auto& [begin, end] : pattern_.findAll(t)) {
                out.append(t, done, begin - done);
                out += content_;
                done = end;
            }
            out.append(t, done, std::string::npos);
            t = std::move(out);
        }
    }

private:
    Pattern pattern_;
    std::string content_;
};

// Runs of <0xNN> tokens become their bytes; a run that is not UTF-8 becomes one U+FFFD per byte (as in HF).
class ByteFallbackDecoder : public Decoder {
public:
    void apply(std::vector<std::string>& tokens) const override {
        std::vector<std::string> out;
        std::string run;
        std::size_t runTokens = 0;
        auto flush = [&] {
            if (runTokens == 0) return;
            if (isValidUtf8(run)) out.push_back(run);
            else out.insert(out.end(), runTokens, kReplacementChar);
            run.clear();
            runTokens = 0;
        };
        for (std::string& t : tokens) {
            int byte = -1;
            if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') byte = hexByte(t[3], t[4]);
            if (byte >= 0) {
                run += char(byte);
                ++runTokens;
                continue;
            }
            flush();
            out.push_back(std::move(t));
        }
        flush();
        tokens = std::move(out);
    }

private:
    static int hexDigit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    static int hexByte(char hi, char lo) {
        const int h = hexDigit(hi), l = hexDigit(lo);
        return h < 0 || l < 0 ? -1 : h * 16 + l;
    }
};

class FuseDecoder : public Decoder {
public:
    void apply(std::vector<std::string>& tokens) const override {
        std::string all;
        for (const std::string& t : tokens) all += t;
        tokens.assign(1, all);
    }
};

// Up to `start` leading and `stop` trailing copies of one character come off every token.
class StripDecoder : public Decoder {
public:
    StripDecoder(std::string content, std::size_t start, std::size_t stop) : content_(std::move(content)), start_(start), stop_(stop) {}
    void apply(std::vector<std::string>& tokens) const override {
        for (std::string& t : tokens) {
            std::size_t begin = 0, end = t.size();
            for (std::size_t k = 0; k < start_ && t.compare(begin, content_.size(), content_) == 0 && begin < end; ++k)
                begin += content_.size();
            for (std::size_t k = 0; k < stop_ && end - begin >= content_.size() && t.compare(end - content_.size(), content_.size(), content_) == 0; ++k)
                end -= content_.size();
            t = t.substr(begin, end - begin);
        }
    }

private:
    std::string content_;
    std::size_t start_, stop_;
};

std::unique_ptr<Decoder> makeMetaspaceDecoder(const JsonField& f) {
    const std::string scheme = f.stringOr("prepend_scheme", f.booleanOr("add_prefix_space", true) ? "always" : "never");
    return std::make_unique<MetaspaceDecoder>(f["replacement"].string(), scheme != "never");
}

std::size_t count(const JsonField& f, const char* key) {
    const int64_t n = f.has(key) ? f[key].integer() : 0;
    if (n < 0) f[key].fail("must not be negative");
    return std::size_t(n);
}

}  // namespace

std::unique_ptr<Decoder> makeDecoder(const JsonField& field) {
    if (field.isNull()) return nullptr;
    const std::string type = field.type();
    if (type == "Sequence") {
        const JsonField list = field["decoders"];
        std::vector<std::unique_ptr<Decoder>> steps;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (auto step = makeDecoder(list[i])) steps.push_back(std::move(step));
        return std::make_unique<SequenceDecoder>(std::move(steps));
    }
    if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
    if (type == "Metaspace") return makeMetaspaceDecoder(field);
    if (type == "Replace") return std::make_unique<ReplaceDecoder>(Pattern(field["pattern"]), field["content"].string());
    if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
    if (type == "Fuse") return std::make_unique<FuseDecoder>();
    if (type == "Strip") {
        const std::string content = field["content"].string();
        if (content.empty() || charLength(content, 0) != content.size()) field["content"].fail("must be one character");
        return std::make_unique<StripDecoder>(content, count(field, "start"), count(field, "stop"));
    }
    field.unsupportedType(type, "Sequence, ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip");
}

}  // namespace l1ra::text
