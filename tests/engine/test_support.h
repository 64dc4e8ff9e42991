#pragma once
// Shared helpers for the engine suites: fixture paths, scratch folders, in-process CLI runs.
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

// Largest |a - b| over two equal-length vectors, and the largest |b|.
double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b);
double maxAbs(const std::vector<float>& a);

}  // namespace l1ra::test
