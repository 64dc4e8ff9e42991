#include "test_support.h"

#include "cli.h"
#include "safetensors.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace l1ra::test {

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
