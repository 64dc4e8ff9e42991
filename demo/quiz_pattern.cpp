#include "quiz_pattern.h"

#include "text_clean.h"

namespace l1ra::demo {

namespace {

struct PatternNode;
using Sequence = std::vector<PatternNode>;

// Literal text, or a group of alternative sequences.
struct PatternNode {
    std::string literal;
    bool isGroup = false;
    bool optional = false;
    std::vector<Sequence> alternatives;
};

// Parses alternatives up to `closer` (0 = end of field) and leaves `pos` after it.
std::vector<Sequence> parseAlternatives(std::string_view text, std::size_t& pos, char closer) {
    std::vector<Sequence> alternatives(1);
    const auto appendLiteral = [&](char c) {
        Sequence& sequence = alternatives.back();
        if (sequence.empty() || sequence.back().isGroup) sequence.emplace_back();
        sequence.back().literal.push_back(c);
    };
    while (pos < text.size()) {
        const char c = text[pos++];
        if (c == '\\') {
            if (pos < text.size()) appendLiteral(text[pos++]);
        } else if (c == '{' || c == '[') {
            PatternNode group;
            group.isGroup = true;
            group.optional = c == '{';
            group.alternatives = parseAlternatives(text, pos, c == '{' ? '}' : ']');
            alternatives.back().push_back(std::move(group));
        } else if (c == '|') {
            alternatives.emplace_back();
        } else if (c == closer) {
            return alternatives;
        } else {
            appendLiteral(c);   // includes a stray '}' or ']': quiz would reject the file, we keep the text
        }
    }
    return alternatives;   // an unterminated group ends with the field
}

// "'e", "e'", "^o", "°A": one ASCII letter plus accent marks, as the quiz files spell accented letters.
bool isSpelledLetter(std::string_view text) {
    if (text.empty() || text.size() > 4) return false;
    int letters = 0;
    for (char c : text) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            ++letters;
        } else if (static_cast<unsigned char>(c) < 0x80 && std::string_view("'^`\"~,/\b").find(c) == std::string_view::npos) {
            return false;
        }
    }
    return letters == 1;
}

bool isPlainLetter(std::string_view text) {
    return text.size() == 1 && ((text[0] >= 'a' && text[0] <= 'z') || (text[0] >= 'A' && text[0] <= 'Z'));
}

std::string renderAlternatives(const std::vector<Sequence>& alternatives, OptionalText optional);

std::string renderSequence(const Sequence& sequence, OptionalText optional) {
    std::string out;
    for (const PatternNode& node : sequence) {
        if (!node.isGroup) {
            out += node.literal;
        } else if (!node.optional || optional == OptionalText::Include) {
            out += renderAlternatives(node.alternatives, optional);
        }
    }
    return out;
}

std::string renderAlternatives(const std::vector<Sequence>& alternatives, OptionalText optional) {
    std::vector<std::string> rendered;
    rendered.reserve(alternatives.size());
    for (const Sequence& sequence : alternatives) rendered.push_back(renderSequence(sequence, optional));

    bool allSpelledLetters = true;
    for (const std::string& text : rendered) allSpelledLetters = allSpelledLetters && isSpelledLetter(text);
    if (allSpelledLetters)
        for (const std::string& text : rendered)
            if (isPlainLetter(text)) return text;

    for (const std::string& text : rendered)
        if (!hasControlCharacters(text)) return text;
    return rendered.front();
}

}  // namespace

std::vector<std::string> splitQuizFields(std::string_view record) {
    std::vector<std::string> fields(1);
    for (std::size_t i = 0; i < record.size(); ++i) {
        const char c = record[i];
        if (c == '\\' && i + 1 < record.size()) {
            fields.back().push_back(c);
            fields.back().push_back(record[++i]);
        } else if (c == ':') {
            fields.emplace_back();
        } else {
            fields.back().push_back(c);
        }
    }
    return fields;
}

std::string renderQuizPattern(std::string_view field, OptionalText optional) {
    std::size_t pos = 0;
    const std::vector<Sequence> alternatives = parseAlternatives(field, pos, '\0');
    return collapseWhitespace(plainTerminalText(renderAlternatives(alternatives, optional)));
}

}  // namespace l1ra::demo
