// Runs a fuzz target once on every file of the folders (or files) given, without libFuzzer: the normal test
// suite replays the seed corpus and every past finding this way. Fails when an input escapes with an exception
// (a crash or a sanitizer report fails the process by itself).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputsIn(const std::filesystem::path& where) {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::is_directory(where)) {
        for (const auto& entry : std::filesystem::directory_iterator(where))
            if (entry.is_regular_file()) out.push_back(entry.path());
    } else {
        out.push_back(where);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        for (const auto& path : inputsIn(argv[i])) {
            std::ifstream in(path, std::ios::binary);
            const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (std::getenv("L1RA_FUZZ_PRINT")) std::fprintf(stderr, "%s\n", path.filename().c_str());
            try {
                LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
            } catch (const std::exception& e) {
                std::fprintf(stderr, "FAIL %s: uncaught exception: %s\n", path.c_str(), e.what());
                return 1;
            }
            ++count;
        }
    }
    std::printf("replayed %zu inputs\n", count);
    return count > 0 ? 0 : 1;
}
