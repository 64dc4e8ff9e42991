// Unicode normalization forms through ICU. Text is cut where ICU says a character starts a new normalization
// segment; a segment that changes becomes one piece aligned to all of its original bytes.
#include "text/normalizers.h"

#include "l1ra/error.h"
#include "text/utf8.h"

#ifdef L1RA_HAVE_ICU
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#endif

#include <vector>

namespace l1ra::text {

#ifdef L1RA_HAVE_ICU

namespace {

std::vector<UChar> toUtf16(std::string_view s) {
    std::vector<UChar> out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 0;
        const uint32_t cp = decodeChar(s, i, &n);
        i += n;
        if (U_IS_BMP(cp)) {
            out.push_back(UChar(cp));
        } else {
            out.push_back(U16_LEAD(cp));
            out.push_back(U16_TRAIL(cp));
        }
    }
    return out;
}

std::string toUtf8(const std::vector<UChar>& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        UChar32 cp = 0;
        U16_NEXT(s.data(), i, s.size(), cp);
        appendCodePoint(out, uint32_t(cp));
    }
    return out;
}

class UnicodeNormalizer : public Normalizer {
public:
    UnicodeNormalizer(const UNormalizer2* form, std::string where) : form_(form), where_(std::move(where)) {}

    void apply(AlignedText& text) const override {
        const std::string& s = text.str();
        bool ascii = true;
        for (char c : s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
        if (ascii) return;   // ASCII is the same in every normalization form
        AlignedText::Builder b;
        std::size_t segment = 0, i = 0;
        while (i < s.size()) {
            std::size_t n = 0;
            const uint32_t cp = decodeChar(s, i, &n);
            if (i > segment && startsSegment(cp)) {
                appendSegment(b, text, segment, i);
                segment = i;
            }
            i += n;
            if (cp == kInvalidCodePoint) {   // a stray byte stays as it is, on its own
                appendSegment(b, text, segment, i - n);
                b.appendSlice(text, i - n, i);
                segment = i;
            }
        }
        appendSegment(b, text, segment, s.size());
        text = b.finish();
    }

private:
    bool startsSegment(uint32_t cp) const { return cp == kInvalidCodePoint || unorm2_hasBoundaryBefore(form_, UChar32(cp)); }

    void appendSegment(AlignedText::Builder& b, const AlignedText& text, std::size_t begin, std::size_t end) const {
        if (end <= begin) return;
        const std::string_view piece(text.str().data() + begin, end - begin);
        if (piece.size() == 1) {   // a lone ASCII character is normalized in every form
            b.appendSlice(text, begin, end);
            return;
        }
        const std::vector<UChar> in = toUtf16(piece);
        UErrorCode status = U_ZERO_ERROR;
        if (unorm2_isNormalized(form_, in.data(), int32_t(in.size()), &status) && U_SUCCESS(status)) {
            b.appendSlice(text, begin, end);
            return;
        }
        std::vector<UChar> out(in.size() * 4 + 8);
        status = U_ZERO_ERROR;
        const int32_t n = unorm2_normalize(form_, in.data(), int32_t(in.size()), out.data(), int32_t(out.size()), &status);
        if (U_FAILURE(status)) throw Error(where_ + ": Unicode normalization failed (" + u_errorName(status) + ")");
        out.resize(std::size_t(n));
        b.append(toUtf8(out), text.originalSpan(begin, end));
    }

    const UNormalizer2* form_;
    std::string where_;
};

}  // namespace

std::unique_ptr<Normalizer> makeUnicodeNormalizer(const std::string& form, const std::string& where) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2* n = form == "NFC"    ? unorm2_getNFCInstance(&status)
                            : form == "NFD"  ? unorm2_getNFDInstance(&status)
                            : form == "NFKC" ? unorm2_getNFKCInstance(&status)
                                             : unorm2_getNFKDInstance(&status);
    if (U_FAILURE(status) || !n) throw Error(where + ": ICU has no " + form + " normalizer (" + u_errorName(status) + ")");
    return std::make_unique<UnicodeNormalizer>(n, where);
}

bool unicodeNormalizationAvailable() { return true; }

#else

std::unique_ptr<Normalizer> makeUnicodeNormalizer(const std::string& form, const std::string& where) {
    throw Error(where + ": the " + form + " normalizer needs ICU, and this build has none (install libicu-dev and rebuild)");
}

bool unicodeNormalizationAvailable() { return false; }

#endif

}  // namespace l1ra::text
