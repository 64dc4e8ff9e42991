#include "text_test_support.h"

#include "text/utf8.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace l1ra::test {

std::string tokenizerFixture(const std::string& name) { return std::string(L1RA_TEST_DATA) + "/tokenizers/" + name; }

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return nlohmann::json::parse(ss.str());
}

void writeJson(const std::string& path, const nlohmann::json& j) { std::ofstream(path) << j.dump(1); }

std::string editedFixture(const std::string& dir, const std::string& fixture, const nlohmann::json& tokenizer,
                          const nlohmann::json* config) {
    namespace fs = std::filesystem;
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(tokenizerFixture(fixture), dir, fs::copy_options::recursive);
    writeJson(dir + "/tokenizer.json", tokenizer);
    if (config) writeJson(dir + "/tokenizer_config.json", *config);
    return dir;
}

std::string randomUtf8(std::mt19937& rng, int chars) {
    static const uint32_t ranges[][2] = {{0x20, 0x7E}, {0x20, 0x7E}, {0x09, 0x0D}, {0xA0, 0x24F}, {0x300, 0x36F}, {0x3B1, 0x3C9},
                                         {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xE000, 0xFFFD}, {0x1F300, 0x1F64F}, {0x10000, 0x10FFFF}};
    std::string out;
    for (int i = 0; i < chars; ++i) {
        const auto& r = ranges[rng() % (sizeof(ranges) / sizeof(ranges[0]))];
        text::appendCodePoint(out, r[0] + uint32_t(rng() % (r[1] - r[0] + 1)));
    }
    return out;
}

std::string randomTrickyAscii(std::mt19937& rng, int pieces) {
    static const char* const parts[] = {"the", "The", "THE", "lazy", " dog", " jumps", "'s", "'S", "'ll", "'LL", "'re", "'ve", "'m",
                                        "'d", "'t", "'", "1", "12", "123", "12345", " ", "  ", "   ", "\n", "\n\n", "\r\n", "\t",
                                        "!", "?!", "...", "(x)", "{", "};", " -", "#", "a", "Z", "q9", "__init__", "x'y", ".\n"};
    std::string out;
    for (int i = 0; i < pieces; ++i) out += parts[rng() % (sizeof(parts) / sizeof(parts[0]))];
    return out;
}

bool validUtf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = b < 0x80 ? 1 : (b >= 0xC2 && b < 0xE0) ? 2 : (b >= 0xE0 && b < 0xF0) ? 3 : (b >= 0xF0 && b < 0xF5) ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += n;
    }
    return true;
}

}  // namespace l1ra::test
