#pragma once
// Shared helpers for the engine suites: fixture paths, scratch folders, in-process CLI runs.
#include "l1ra/run_config.h"
#include "io/model_config.h"

#include <QTemporaryDir>

#include <cstdint>
#include <string>
#include <vector>

namespace l1ra::test {

std::string fixtureModel();                       // tests/data/tiny-llama
std::string dataPath(const std::string& relative);
void copyFolder(const std::string& from, const std::string& to);
std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& bytes);

struct CliResult {
    int code = 0;
    std::string out, err;
};
CliResult runCli(const std::vector<std::string>& args);

// Values of a float tensor in a safetensors file.
std::vector<float> readFloats(const std::string& file, const std::string& tensor);
std::vector<int64_t> readInt64s(const std::string& file, const std::string& tensor);

// A short L1RA run on the fixture model and tiny-text.txt (f32, rank 4, λ 0.5, η_c 0.1, reallocation every 10
// steps, evaluation every 20, L1RA_THREADS threads), for the training suites to vary.
RunConfig fixtureRunConfig(int steps);
// A run folder's metrics.jsonl, ranks.jsonl and events.jsonl without wall-clock fields and stop events: what two
// runs that trained the same must agree on.
std::string deterministicRecord(const std::string& runDir);
// A small random LLaMA shape: vocab 96, hidden 64, FFN 160, 2 layers, 4 heads / 2 KV heads of 16.
LlamaConfig smallLlamaConfig();

// Largest |a - b| over two equal-length vectors, and the largest |b|.
double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b);
double maxAbs(const std::vector<float>& a);

}  // namespace l1ra::test
