#include "test_support.h"

#include "cli.h"
#include "io/safetensors.h"
#include "l1ra/runtime.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace l1ra::test {

RunConfig fixtureRunConfig(int steps) {
    RunConfig c;
    c.model.path = fixtureModel();
    c.data.train = dataPath("tiny-text.txt");
    c.train.steps = steps;
    c.train.batchSize = 4;
    c.train.seqLen = 64;
    c.adapter.rank = 4;
    c.l1ra.etaC = 0.1;
    c.l1ra.lambda = 0.5;
    c.l1ra.updateInterval = 10;
    c.train.lr = 0.01;
    c.eval.every = 20;
    c.train.precision = "f32";
    c.threads = defaultThreadCount();   // L1RA_THREADS: 2 in the suite, 1 under ThreadSanitizer (tests/CMakeLists.txt)
    return c;
}

std::string deterministicRecord(const std::string& runDir) {
    std::string out;
    for (const char* name : {"/metrics.jsonl", "/ranks.jsonl", "/events.jsonl"}) {
        std::istringstream in(readFile(runDir + name));
        std::string line;
        while (std::getline(in, line)) {
            auto j = nlohmann::json::parse(line);
            for (const char* k : {"tokens_per_s", "step_s", "elapsed_s", "eta_s", "memory_bytes"}) j.erase(k);
            if (j.value("type", "") == "control" && j.value("what", "") == "stop") continue;
            out += j.dump() + "\n";
        }
    }
    return out;
}

LlamaConfig smallLlamaConfig() {
    LlamaConfig c;
    c.vocabSize = 96;
    c.hiddenSize = 64;
    c.intermediateSize = 160;
    c.numLayers = 2;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.headDim = 16;
    return c;
}

std::string fixtureModel() { return std::string(L1RA_TEST_DATA) + "/tiny-llama"; }
std::string dataPath(const std::string& relative) { return std::string(L1RA_TEST_DATA) + "/" + relative; }

void copyFolder(const std::string& from, const std::string& to) {
    std::filesystem::create_directories(to);
    for (const auto& entry : std::filesystem::directory_iterator(from)) {
        const auto target = std::filesystem::path(to) / entry.path().filename();
        std::filesystem::copy(entry.path(), target, std::filesystem::copy_options::overwrite_existing |
                                                        std::filesystem::copy_options::recursive);
        std::filesystem::permissions(target, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    }
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

CliResult runCli(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    CliResult r;
    r.code = cli::run(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::vector<float> readFloats(const std::string& file, const std::string& tensor) {
    SafetensorsFile f(file);
    const TensorView& v = f.tensor(tensor);
    if (v.dtype != DType::F32) throw std::runtime_error(tensor + " is not F32");
    std::vector<float> out(std::size_t(v.numel()));
    std::memcpy(out.data(), v.data, v.nbytes);
    return out;
}

std::vector<int64_t> readInt64s(const std::string& file, const std::string& tensor) {
    SafetensorsFile f(file);
    const TensorView& v = f.tensor(tensor);
    if (v.dtype != DType::I64) throw std::runtime_error(tensor + " is not I64");
    std::vector<int64_t> out(std::size_t(v.numel()));
    std::memcpy(out.data(), v.data, v.nbytes);
    return out;
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return INFINITY;
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::fabs(a[i] - b[i])));
    return m;
}

double maxAbs(const std::vector<float>& a) {
    double m = 0;
    for (float x : a) m = std::max(m, double(std::fabs(x)));
    return m;
}

}  // namespace l1ra::test
