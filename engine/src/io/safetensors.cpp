#include "io/safetensors.h"

#include "io/file_util.h"
#include "l1ra/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace l1ra {

namespace {
struct DTypeInfo {
    DType type;
    const char* name;
    std::size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8},
    {DType::I32, "I32", 4}, {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1}, {DType::F64, "F64", 8},
    {DType::I8, "I8", 1},   {DType::I16, "I16", 2},
};
// A header larger than this is not a model file, whatever it claims (real headers are a few MB at most).
constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;
}  // namespace

const char* dtypeName(DType t) {
    for (const auto& d : kDTypes)
        if (d.type == t) return d.name;
    return "?";
}

std::size_t dtypeSize(DType t) {
    for (const auto& d : kDTypes)
        if (d.type == t) return d.size;
    return 0;
}

bool parseDType(const std::string& s, DType* out) {
    for (const auto& d : kDTypes)
        if (s == d.name) {
            *out = d.type;
            return true;
        }
    return false;
}

int64_t TensorView::numel() const {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

namespace {

// The JSON header after the 8-byte little-endian length, checked against the file's size.
nlohmann::json readHeader(const std::uint8_t* bytes, std::size_t fileSize, const std::string& path, std::uint64_t* headerLen) {
    auto fail = [&](const std::string& why) { return Error(path + ": " + why); };
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i) length = (length << 8) | bytes[i];
    if (length == 0) throw fail("header length is 0");
    if (length > kMaxHeaderBytes) throw fail("header length " + std::to_string(length) + " bytes is absurd (limit 100 MiB)");
    if (length > fileSize - 8)
        throw fail("header length " + std::to_string(length) + " runs past the end of the file (" + std::to_string(fileSize) +
                   " bytes)");
    const std::string headerText(reinterpret_cast<const char*>(bytes + 8), std::size_t(length));
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(headerText);
    } catch (const std::exception& e) {
        throw fail(std::string("header is not valid JSON: ") + e.what());
    }
    if (!header.is_object()) throw fail("header is not a JSON object");
    *headerLen = length;
    return header;
}

// One tensor's entry: dtype, shape and data_offsets, each checked against the data that follows the header.
TensorView tensorFrom(const std::string& name, const nlohmann::json& entry, const std::uint8_t* data, std::uint64_t dataSize,
                      const std::string& path, std::pair<std::uint64_t, std::uint64_t>* range) {
    auto bad = [&](const std::string& why) { return Error(path + ": tensor '" + name + "': " + why); };
    if (!entry.is_object()) throw bad("entry is not an object");
    for (auto f = entry.begin(); f != entry.end(); ++f)
        if (f.key() != "dtype" && f.key() != "shape" && f.key() != "data_offsets") throw bad("unexpected field '" + f.key() + "'");
    if (!entry.contains("dtype") || !entry["dtype"].is_string()) throw bad("missing dtype");
    if (!entry.contains("shape") || !entry["shape"].is_array()) throw bad("missing shape");
    if (!entry.contains("data_offsets") || !entry["data_offsets"].is_array() || entry["data_offsets"].size() != 2)
        throw bad("data_offsets must be [begin, end]");
    TensorView view;
    view.name = name;
    const std::string dt = entry["dtype"].get<std::string>();
    if (!parseDType(dt, &view.dtype)) throw bad("unknown dtype '" + dt + "'");
    std::uint64_t numel = 1;
    for (const auto& d : entry["shape"]) {
        if (!d.is_number_unsigned()) throw bad("shape has a non-integer or negative dimension");
        const std::uint64_t dim = d.get<std::uint64_t>();
        if (dim != 0 && numel > std::numeric_limits<std::uint64_t>::max() / dim / 8) throw bad("shape is absurdly large");
        numel *= dim;
        view.shape.push_back(int64_t(dim));
    }
    const auto& off = entry["data_offsets"];
    if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned()) throw bad("data_offsets must be non-negative integers");
    const std::uint64_t begin = off[0].get<std::uint64_t>(), end = off[1].get<std::uint64_t>();
    if (begin > end) throw bad("data_offsets begin " + std::to_string(begin) + " > end " + std::to_string(end));
    if (end > dataSize)
        throw bad("data_offsets end " + std::to_string(end) + " is past the end of the data (" + std::to_string(dataSize) +
                  " bytes; file truncated?)");
    const std::uint64_t expected = numel * dtypeSize(view.dtype);
    if (end - begin != expected)
        throw bad("holds " + std::to_string(end - begin) + " bytes but " + dt + " with this shape needs " + std::to_string(expected));
    view.data = data + begin;
    view.nbytes = std::size_t(expected);
    *range = {begin, end};
    return view;
}

// Overlapping tensors would alias each other's bytes: refuse them.
void checkNoOverlap(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges, const std::vector<std::string>& names,
                    const std::string& path) {
    std::vector<std::size_t> order(ranges.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return ranges[a] < ranges[b]; });
    std::uint64_t coveredTo = 0;
    std::size_t coveredBy = 0;
    for (std::size_t i : order) {
        const auto& r = ranges[i];
        if (r.first == r.second) continue;  // empty tensors occupy no bytes
        if (r.first < coveredTo) throw Error(path + ": tensors '" + names[coveredBy] + "' and '" + names[i] + "' overlap");
        coveredTo = r.second;
        coveredBy = i;
    }
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
    auto fail = [&](const std::string& why) { return Error(path + ": " + why); };
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw fail("not a regular file");
    }
    mapSize_ = std::size_t(st.st_size);
    if (mapSize_ < 8) {
        ::close(fd);
        throw fail("file is " + std::to_string(mapSize_) + " bytes, too short for a safetensors header");
    }
    map_ = ::mmap(nullptr, mapSize_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map_ == MAP_FAILED) {
        map_ = nullptr;
        throw fail(std::string("cannot map file: ") + std::strerror(errno));
    }
    try {
        const auto* bytes = static_cast<const std::uint8_t*>(map_);
        std::uint64_t headerLen = 0;
        const nlohmann::json header = readHeader(bytes, mapSize_, path, &headerLen);
        const std::uint8_t* data = bytes + 8 + headerLen;
        const std::uint64_t dataSize = mapSize_ - 8 - headerLen;
        std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
        std::vector<std::string> rangeNames;
        for (auto it = header.begin(); it != header.end(); ++it) {
            const std::string& name = it.key();
            if (name == "__metadata__") {
                if (!it.value().is_object()) throw fail("__metadata__ is not an object");
                for (auto m = it.value().begin(); m != it.value().end(); ++m) {
                    if (!m.value().is_string()) throw fail("__metadata__ value '" + m.key() + "' is not a string");
                    metadata_[m.key()] = m.value().get<std::string>();
                }
                continue;
            }
            std::pair<std::uint64_t, std::uint64_t> range;
            TensorView view = tensorFrom(name, it.value(), data, dataSize, path, &range);
            ranges.push_back(range);
            rangeNames.push_back(name);
            tensors_.emplace(name, std::move(view));
        }
        checkNoOverlap(ranges, rangeNames, path);
    } catch (...) {
        ::munmap(map_, mapSize_);
        map_ = nullptr;
        throw;
    }
}

SafetensorsFile::~SafetensorsFile() {
    if (map_) ::munmap(map_, mapSize_);
}

const TensorView& SafetensorsFile::tensor(const std::string& name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) throw Error(path_ + ": no tensor named '" + name + "'");
    return it->second;
}

void writeSafetensors(const std::string& path, const std::vector<TensorBlob>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const auto& t : tensors) {
        std::uint64_t numel = 1;
        for (auto d : t.shape) numel *= std::uint64_t(d);
        if (numel * dtypeSize(t.dtype) != t.nbytes)
            throw Error("internal: tensor '" + t.name + "' for " + path + " has " + std::to_string(t.nbytes) +
                        " bytes, shape needs " + std::to_string(numel * dtypeSize(t.dtype)));
        if (header.contains(t.name)) throw Error("internal: tensor '" + t.name + "' written twice to " + path);
        header[t.name] = {{"dtype", dtypeName(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + t.nbytes}}};
        offset += t.nbytes;
    }
    std::string text = header.dump();
    // Pad with spaces so the data starts 8-byte aligned, as other writers do.
    while ((text.size() + 8) % 8 != 0) text.push_back(' ');
    writeFileAtomically(path, [&](std::ostream& out) {
        std::uint64_t n = text.size();
        char len[8];
        for (int i = 0; i < 8; ++i) len[i] = char((n >> (8 * i)) & 0xff);
        out.write(len, 8);
        out.write(text.data(), std::streamsize(text.size()));
        for (const auto& t : tensors) out.write(static_cast<const char*>(t.data), std::streamsize(t.nbytes));
    }, 8 + text.size() + offset);
}

void releasePages(const TensorView& view) {
    const auto page = std::uintptr_t(::sysconf(_SC_PAGESIZE));
    const auto begin = (std::uintptr_t(view.data) + page - 1) / page * page;   // whole pages inside the tensor only
    const auto end = (std::uintptr_t(view.data) + view.nbytes) / page * page;
    if (view.data && end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace l1ra
