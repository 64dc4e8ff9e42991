#include "text/regex.h"

#include "l1ra/error.h"
#include "text/utf8.h"

#ifdef L1RA_HAVE_PCRE2
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif

namespace l1ra::text {

std::string oniguruma_to_pcre2(const std::string& pattern) {
    static const std::string word = "\\p{L}\\p{M}\\p{N}\\p{Pc}";   // Oniguruma's \w: letters, marks, numbers, connectors
    std::string out;
    out.reserve(pattern.size() + 16);
    int classDepth = 0;   // inside [...] (Oniguruma nests classes)
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '[') {
            ++classDepth;
            out += c;
            if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
            if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];   // a leading ] is literal
            continue;
        }
        if (c == ']' && classDepth > 0) --classDepth;
        if (c != '\\' || i + 1 == pattern.size()) {
            out += c;
            continue;
        }
        const char next = pattern[++i];
        switch (next) {
            case 's': out += "\\p{White_Space}"; break;
            case 'S': out += "\\P{White_Space}"; break;
            case 'h': out += "\\p{ASCII_Hex_Digit}"; break;
            case 'H': out += "\\P{ASCII_Hex_Digit}"; break;
            case 'w': out += classDepth > 0 ? word : "[" + word + "]"; break;
            case 'W':
                if (classDepth == 0) {
                    out += "[^" + word + "]";
                    break;
                }
                [[fallthrough]];   // a negated set cannot be spelled inside a class: PCRE2's \W is close
            default:
                out += '\\';
                out += next;
        }
    }
    return out;
}

#ifdef L1RA_HAVE_PCRE2

namespace {

// One JIT stack and match context per thread: the default 32 KiB stack is too small for long runs of spaces.
struct ThreadMatchContext {
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* stack = nullptr;
    ThreadMatchContext() {
        context = pcre2_match_context_create(nullptr);
        stack = pcre2_jit_stack_create(64 * 1024, 8 * 1024 * 1024, nullptr);
        if (context && stack) pcre2_jit_stack_assign(context, nullptr, stack);
    }
    ~ThreadMatchContext() {
        if (stack) pcre2_jit_stack_free(stack);
        if (context) pcre2_match_context_free(context);
    }
};

pcre2_match_context* threadContext() {
    thread_local ThreadMatchContext ctx;
    return ctx.context;
}

std::string pcre2Message(int code) {
    PCRE2_UCHAR buffer[256];
    pcre2_get_error_message(code, buffer, sizeof(buffer));
    return reinterpret_cast<const char*>(buffer);
}

}  // namespace

struct Regex::Compiled {
    pcre2_code* code = nullptr;
    ~Compiled() {
        if (code) pcre2_code_free(code);
    }
};

Regex::Regex(const std::string& pattern, const std::string& where) : compiled_(std::make_unique<Compiled>()), where_(where) {
    const std::string translated = oniguruma_to_pcre2(pattern);
    int error = 0;
    PCRE2_SIZE errorOffset = 0;
    compiled_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                    PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &errorOffset, nullptr);
    if (!compiled_->code)
        throw Error(where + ": the regular expression does not compile (" + pcre2Message(error) + ", at character " +
                    std::to_string(errorOffset) + " of \"" + pattern + "\")");
    pcre2_jit_compile(compiled_->code, PCRE2_JIT_COMPLETE);   // without JIT (unsupported CPU) matching still works
}

Regex::~Regex() = default;

bool Regex::available() { return true; }

std::vector<std::pair<std::size_t, std::size_t>> Regex::findAll(std::string_view subject) const {
    std::vector<std::pair<std::size_t, std::size_t>> matches;
    pcre2_match_data* data = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
    pcre2_match_context* context = threadContext();
    std::size_t offset = 0;
    while (offset <= subject.size()) {
        const int rc = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), offset, 0,
                                   data, context);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) {
            pcre2_match_data_free(data);
            throw Error(where_ + ": the regular expression failed on the text (" + pcre2Message(rc) + ")");
        }
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
        const std::size_t begin = ovector[0], end = ovector[1];
        if (end > begin) {
            matches.emplace_back(begin, end);
            offset = end;
        } else {
            if (begin >= subject.size()) break;
            offset = begin + charLength(subject, begin);
        }
    }
    pcre2_match_data_free(data);
    return matches;
}

bool Regex::matchesAt(std::string_view subject, std::size_t offset) const {
    pcre2_match_data* data = pcre2_match_data_create_from_pattern(compiled_->code, nullptr);
    const int rc = pcre2_match(compiled_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), offset,
                               PCRE2_ANCHORED, data, threadContext());
    pcre2_match_data_free(data);
    return rc > 0;
}

#else

struct Regex::Compiled {};

Regex::Regex(const std::string&, const std::string& where) : where_(where) {
    throw Error(where + ": regular expressions need PCRE2, and this build has none (install libpcre2-dev and rebuild)");
}

Regex::~Regex() = default;

bool Regex::available() { return false; }

std::vector<std::pair<std::size_t, std::size_t>> Regex::findAll(std::string_view) const { return {}; }

bool Regex::matchesAt(std::string_view, std::size_t) const { return false; }

#endif

}  // namespace l1ra::text
