// Tokenizer throughput on one core: loads a model folder's tokenizer and encodes about 1 MiB of English, first
// with a cold word cache, then warm; prints one JSON object (docs/tokenizers.md records the figures). Each phase
// is given in wall seconds and in CPU seconds of this process (the same on a quiet machine; on a busy one the
// CPU time is the fairer one-core figure, since all the work runs on the calling thread).
// Usage: tokenizer_bench [--model DIR] [--text FILE] [--bytes N]
//   default model: tests/data/tokenizers/byte-level-bpe (tiny; give a real one, e.g. Llama 3's folder)
//   default text: glosses of /usr/share/wordnet/data.noun (Debian's wordnet-base), cut to --bytes (1 MiB)
#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

// Wall and CPU seconds of one phase.
struct Timer {
    std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
    std::clock_t cpu = std::clock();
    nlohmann::json seconds() const {
        return {{"wall_s", std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count()},
                {"cpu_s", double(std::clock() - cpu) / CLOCKS_PER_SEC}};
    }
};

std::string wordnetGlosses(std::size_t bytes) {
    std::ifstream in("/usr/share/wordnet/data.noun");
    if (!in) throw l1ra::Error("cannot read /usr/share/wordnet/data.noun (install wordnet-base, or give --text)");
    std::string text, line;
    while (text.size() < bytes && std::getline(in, line)) {
        const std::size_t bar = line.find(" | ");
        if (bar != std::string::npos) text += line.substr(bar + 3) + "\n";
    }
    return text.substr(0, bytes);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw l1ra::Error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
    std::string model = std::string(L1RA_SOURCE_DIR) + "/tests/data/tokenizers/byte-level-bpe", textFile;
    std::size_t bytes = 1 << 20;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--model") model = value;
        else if (key == "--text") textFile = value;
        else if (key == "--bytes") bytes = std::stoul(value);
        else {
            std::cerr << "unknown option " << key << "\n";
            return 2;
        }
    }
    try {
        const std::string text = textFile.empty() ? wordnetGlosses(bytes) : readFile(textFile);
        Timer timer;
        const auto tokenizer = l1ra::loadTokenizer(model);
        const nlohmann::json load = timer.seconds();
        timer = Timer();
        const std::vector<int64_t> ids = tokenizer->encode(text, false);
        const nlohmann::json cold = timer.seconds();
        timer = Timer();
        tokenizer->encode(text, false);
        const nlohmann::json warm = timer.seconds();
        timer = Timer();
        const std::string back = tokenizer->decode(ids);
        const nlohmann::json decode = timer.seconds();
        const double coldCpu = cold["cpu_s"].get<double>();
        const nlohmann::json j = {{"tokenizer", tokenizer->path()}, {"kind", tokenizer->kind()}, {"bytes", text.size()},
                                  {"tokens", ids.size()}, {"load", load}, {"encode_cold", cold}, {"encode_warm", warm},
                                  {"decode", decode}, {"mib_per_cpu_s_cold", double(text.size()) / (1 << 20) / coldCpu},
                                  {"tokens_per_cpu_s_cold", double(ids.size()) / coldCpu}, {"round_trip", back == text}};
        std::cout << j.dump(2) << "\n";
    } catch (const std::exception& e) {
        std::cerr << "tokenizer_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
