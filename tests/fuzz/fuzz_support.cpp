#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace l1ra::fuzz {

namespace {

const std::string& inputFolder() {
    static const std::string folder = [] {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = std::string(base && *base ? base : "/tmp") + "/l1ra-fuzz-XXXXXX";
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
        return pattern;
    }();
    return folder;
}

}  // namespace

std::string writeInputFile(const std::string& name, const std::string& bytes) {
    const std::string path = inputFolder() + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw std::runtime_error("cannot write " + path);
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (std::fclose(f) != 0 || !ok) throw std::runtime_error("cannot write " + path);
    return path;
}

std::pair<std::string, std::string> splitAt(const std::string& input, const std::string& marker) {
    const auto at = input.find(marker);
    if (at == std::string::npos) return {input, std::string()};
    return {input.substr(0, at), input.substr(at + marker.size())};
}

void requireMentions(const std::exception& e, const std::string& what) {
    if (std::getenv("L1RA_FUZZ_PRINT")) std::fprintf(stderr, "  %s\n", e.what());
    if (std::string(e.what()).find(what) != std::string::npos) return;
    std::fprintf(stderr, "error message does not name %s: %s\n", what.c_str(), e.what());
    std::abort();
}

}  // namespace l1ra::fuzz
