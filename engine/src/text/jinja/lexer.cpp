#include "text/jinja/lexer.h"

#include <cstring>

#include "text/jinja/python_text.h"

namespace l1ra::jinja {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isNameChar(char c) { return isNameStart(c) || isDigit(c); }

class Lexer {
public:
    explicit Lexer(const SourceText& source) : source_(source), s_(source.text()) {}

    std::vector<Token> run() {
        while (pos_ < s_.size()) {
            const size_t tag = findTagStart(pos_);
            if (tag == std::string::npos) {
                emitData(s_.substr(pos_), pos_);
                break;
            }
            const char kind = s_[tag + 1];
            const char sign = tag + 2 < s_.size() && (s_[tag + 2] == '-' || s_[tag + 2] == '+') ? s_[tag + 2] : 0;
            emitData(leftControlled(s_.substr(pos_, tag - pos_), sign, kind != '{'), pos_);
            pos_ = tag + 2 + (sign ? 1 : 0);
            lineStarting_ = false;
            if (kind == '#') lexComment(tag);
            else if (kind == '%' && lexRaw(tag)) continue;
            else lexTag(kind, tag);
        }
        tokens_.push_back({TokenType::End, "", s_.size()});
        return std::move(tokens_);
    }

private:
    const SourceText& source_;
    const std::string& s_;
    size_t pos_ = 0;
    bool lineStarting_ = true;
    std::vector<Token> tokens_;

    size_t findTagStart(size_t from) const {
        for (size_t i = s_.find('{', from); i != std::string::npos; i = s_.find('{', i + 1))
            if (i + 1 < s_.size() && (s_[i + 1] == '{' || s_[i + 1] == '%' || s_[i + 1] == '#')) return i;
        return std::string::npos;
    }

    void emitData(std::string text, size_t offset) {
        if (!text.empty()) tokens_.push_back({TokenType::Data, std::move(text), offset});
    }

    bool startsWith(size_t at, const char* prefix) const { return s_.compare(at, std::strlen(prefix), prefix) == 0; }

    size_t skipSpace(size_t at) const {
        while (at < s_.size()) {
            size_t next = at;
            if (!pythonIsSpace(decodeAt(s_, next))) break;
            at = next;
        }
        return at;
    }

    // The text before a tag, after the tag's "-" (strip all whitespace) or lstrip_blocks (strip the indentation
    // of a block or comment tag that starts its line).
    std::string leftControlled(std::string text, char sign, bool blockOrComment) const {
        if (sign == '-') return pythonStrip(text, false, true);
        if (sign == '+' || !blockOrComment) return text;
        const size_t lineStart = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
        if (lineStart == text.size() || (lineStart == 0 && !lineStarting_)) return text;
        if (pythonStrip(text.substr(lineStart), true, false).empty()) text.resize(lineStart);
        return text;
    }

    // After a closing "-%}" all whitespace goes; after a plain "%}" (or "#}") trim_blocks drops one newline.
    void afterClose(char sign, bool trimNewline) {
        if (sign == '-') {
            const size_t end = skipSpace(pos_);
            lineStarting_ = end > pos_ && s_[end - 1] == '\n';
            pos_ = end;
        } else if (sign == 0 && trimNewline && pos_ < s_.size() && s_[pos_] == '\n') {
            ++pos_;
            lineStarting_ = true;
        } else {
            lineStarting_ = false;
        }
    }

    void lexComment(size_t tag) {
        const size_t close = s_.find("#}", pos_);
        if (close == std::string::npos) source_.error(tag, "missing end of comment tag");
        const char sign = close > pos_ && (s_[close - 1] == '-' || s_[close - 1] == '+') ? s_[close - 1] : 0;
        pos_ = close + 2;
        afterClose(sign, true);
    }

    // "{% raw %}": everything up to "{% endraw %}" is text. The opening tag takes no trim_blocks newline.
    bool lexRaw(size_t tag) {
        size_t at = skipSpace(pos_);
        if (!startsWith(at, "raw")) return false;
        at = skipSpace(at + 3);
        if (startsWith(at, "-%}")) at = skipSpace(at + 3);
        else if (startsWith(at, "%}")) at += 2;
        else return false;
        lineStarting_ = at > 0 && s_[at - 1] == '\n';
        for (size_t open = s_.find("{%", at); open != std::string::npos; open = s_.find("{%", open + 1)) {
            size_t e = open + 2;
            const char sign = e < s_.size() && (s_[e] == '-' || s_[e] == '+') ? s_[e] : 0;
            e = skipSpace(e + (sign ? 1 : 0));
            if (!startsWith(e, "endraw")) continue;
            e = skipSpace(e + 6);
            const char closeSign = startsWith(e, "-%}") ? '-' : startsWith(e, "+%}") ? '+' : startsWith(e, "%}") ? ' ' : 0;
            if (!closeSign) continue;
            emitData(leftControlled(s_.substr(at, open - at), sign, true), at);
            pos_ = e + (closeSign == ' ' ? 2 : 3);
            afterClose(closeSign == ' ' ? 0 : closeSign, true);
            return true;
        }
        source_.error(tag, "missing end of raw directive");
    }

    bool lexClose(char kind) {
        const char* plain = kind == '%' ? "%}" : "}}";
        const std::string minus = std::string("-") + plain, plus = std::string("+") + plain;
        if (startsWith(pos_, minus.c_str())) {
            pos_ += 3;
            afterClose('-', false);
        } else if (kind == '%' && startsWith(pos_, plus.c_str())) {
            pos_ += 3;
            afterClose('+', false);
        } else if (startsWith(pos_, plain)) {
            pos_ += 2;
            afterClose(0, kind == '%');
        } else {
            return false;
        }
        return true;
    }

    void lexTag(char kind, size_t tag) {
        tokens_.push_back({kind == '%' ? TokenType::BlockBegin : TokenType::VariableBegin, "", tag});
        std::string brackets;
        while (true) {
            if (pos_ >= s_.size())
                source_.error(tag, std::string("unexpected end of template, expected '") + (kind == '%' ? "%}" : "}}") + "'");
            const size_t start = pos_;
            if (brackets.empty() && lexClose(kind)) {
                tokens_.push_back({kind == '%' ? TokenType::BlockEnd : TokenType::VariableEnd, "", start});
                return;
            }
            const size_t afterSpace = skipSpace(pos_);
            if (afterSpace > pos_) {
                pos_ = afterSpace;
                continue;
            }
            const char c = s_[pos_];
            if (isDigit(c)) lexNumber();
            else if (isNameStart(c)) lexName();
            else if (c == '\'' || c == '"') lexString();
            else lexOperator(brackets);
        }
    }

    void lexName() {
        const size_t start = pos_;
        while (pos_ < s_.size() && isNameChar(s_[pos_])) ++pos_;
        tokens_.push_back({TokenType::Name, s_.substr(start, pos_ - start), start});
    }

    std::string digitRun() {
        std::string digits;
        while (pos_ < s_.size() && (isDigit(s_[pos_]) || (s_[pos_] == '_' && pos_ + 1 < s_.size() && isDigit(s_[pos_ + 1]))))
            if (s_[pos_++] != '_') digits.push_back(s_[pos_ - 1]);
        return digits;
    }

    void lexNumber() {
        const size_t start = pos_;
        if (s_[pos_] == '0' && pos_ + 1 < s_.size() && std::strchr("xXoObB", s_[pos_ + 1])) {
            pos_ += 2;
            while (pos_ < s_.size() && (isNameChar(s_[pos_]))) ++pos_;
            tokens_.push_back({TokenType::Integer, s_.substr(start, pos_ - start), start});
            return;
        }
        std::string text = digitRun();
        bool isFloat = false;
        const bool afterDot = start > 0 && s_[start - 1] == '.';
        if (!afterDot && pos_ + 1 < s_.size() && s_[pos_] == '.' && isDigit(s_[pos_ + 1])) {
            ++pos_;
            text += "." + digitRun();
            isFloat = true;
        }
        const size_t e = pos_;
        if (!afterDot && e < s_.size() && (s_[e] == 'e' || s_[e] == 'E')) {
            size_t d = e + 1;
            if (d < s_.size() && (s_[d] == '+' || s_[d] == '-')) ++d;
            if (d < s_.size() && isDigit(s_[d])) {
                text += s_.substr(e, d - e);
                pos_ = d;
                text += digitRun();
                isFloat = true;
            }
        }
        tokens_.push_back({isFloat ? TokenType::Float : TokenType::Integer, text, start});
    }

    void lexString();
    void lexOperator(std::string& brackets);
    size_t escapeAt(size_t at, std::string& out);
};

// One backslash escape of a string literal at `at` (Python's unicode-escape rules); returns the next position.
size_t Lexer::escapeAt(size_t at, std::string& out) {
    const char c = s_[at + 1];
    static const char* simple = "\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
    for (const char* p = simple; *p; p += 2)
        if (c == p[0]) {
            out.push_back(p[1]);
            return at + 2;
        }
    if (c == '\n') return at + 2;
    if (c >= '0' && c <= '7') {
        size_t e = at + 1;
        unsigned value = 0;
        while (e < at + 4 && e < s_.size() && s_[e] >= '0' && s_[e] <= '7') value = value * 8 + unsigned(s_[e++] - '0');
        appendUtf8(out, char32_t(value));
        return e;
    }
    const int hexDigits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
    if (hexDigits == 0) {
        out.push_back('\\');
        return at + 1;
    }
    const std::string hex = s_.substr(at + 2, size_t(hexDigits));
    if (hex.size() != size_t(hexDigits) || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        source_.error(at, std::string("truncated \\") + c + " escape in a string");
    appendUtf8(out, char32_t(std::stoul(hex, nullptr, 16)));
    return at + 2 + size_t(hexDigits);
}

void Lexer::lexString() {
    const size_t start = pos_;
    const char quote = s_[pos_++];
    std::string value;
    while (true) {
        if (pos_ >= s_.size()) source_.error(start, "unterminated string");
        const char c = s_[pos_];
        if (c == quote) break;
        if (c == '\\' && pos_ + 1 < s_.size()) pos_ = escapeAt(pos_, value);
        else value.push_back(s_[pos_++]);
    }
    ++pos_;
    tokens_.push_back({TokenType::String, value, start});
}

void Lexer::lexOperator(std::string& brackets) {
    static const char* twoChar[] = {"//", "**", "==", "!=", ">=", "<="};
    for (const char* op : twoChar)
        if (startsWith(pos_, op)) {
            tokens_.push_back({TokenType::Operator, op, pos_});
            pos_ += 2;
            return;
        }
    const char c = s_[pos_];
    if (!std::strchr("+-/*%~[](){}><=.:|,;", c)) source_.error(pos_, std::string("unexpected character '") + c + "'");
    if (c == '(' || c == '[' || c == '{') brackets.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    if (c == ')' || c == ']' || c == '}') {
        if (brackets.empty() || brackets.back() != c) source_.error(pos_, std::string("unexpected '") + c + "'");
        brackets.pop_back();
    }
    tokens_.push_back({TokenType::Operator, std::string(1, c), pos_});
    ++pos_;
}

}  // namespace

std::vector<Token> tokenize(const SourceText& source) { return Lexer(source).run(); }

}  // namespace l1ra::jinja
