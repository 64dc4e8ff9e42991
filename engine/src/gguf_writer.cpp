#include "gguf_writer.h"

#include "file_util.h"
#include "l1ra/error.h"

#include <cstring>
#include <ostream>

namespace l1ra::gguf {

namespace {

// GGUF is little-endian; so are the machines this project builds for, and the bytes are copied as they are.
template <typename T>
void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

void putString(std::string& out, const std::string& s) {
    put<uint64_t>(out, s.size());
    out += s;
}

uint64_t alignUp(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

}  // namespace

uint64_t tensorBytes(TensorType type, uint64_t elements) {
    switch (type) {
    case TensorType::F32: return elements * 4;
    case TensorType::F16:
    case TensorType::BF16: return elements * 2;
    case TensorType::Q8_0: return elements / 32 * 34;
    }
    return 0;
}

void Writer::key(const std::string& name, ValueType type) {
    putString(metadata_, name);
    put<uint32_t>(metadata_, uint32_t(type));
    ++pairs_;
}

void Writer::addString(const std::string& k, const std::string& value) {
    key(k, ValueType::String);
    putString(metadata_, value);
}

void Writer::addUInt32(const std::string& k, uint32_t value) {
    key(k, ValueType::UInt32);
    put(metadata_, value);
}

void Writer::addInt32(const std::string& k, int32_t value) {
    key(k, ValueType::Int32);
    put(metadata_, value);
}

void Writer::addFloat32(const std::string& k, float value) {
    key(k, ValueType::Float32);
    put(metadata_, value);
}

void Writer::addBool(const std::string& k, bool value) {
    key(k, ValueType::Bool);
    put<uint8_t>(metadata_, value ? 1 : 0);
}

void Writer::addStringArray(const std::string& k, const std::vector<std::string>& values) {
    key(k, ValueType::Array);
    put<uint32_t>(metadata_, uint32_t(ValueType::String));
    put<uint64_t>(metadata_, values.size());
    for (const auto& v : values) putString(metadata_, v);
}

void Writer::addFloat32Array(const std::string& k, const std::vector<float>& values) {
    key(k, ValueType::Array);
    put<uint32_t>(metadata_, uint32_t(ValueType::Float32));
    put<uint64_t>(metadata_, values.size());
    for (float v : values) put(metadata_, v);
}

void Writer::addInt32Array(const std::string& k, const std::vector<int32_t>& values) {
    key(k, ValueType::Array);
    put<uint32_t>(metadata_, uint32_t(ValueType::Int32));
    put<uint64_t>(metadata_, values.size());
    for (int32_t v : values) put(metadata_, v);
}

void Writer::addTensor(const std::string& name, const std::vector<uint64_t>& ne, TensorType type,
                       std::function<std::string()> data) {
    uint64_t elements = 1;
    for (uint64_t n : ne) elements *= n;
    if (type == TensorType::Q8_0 && (ne.empty() || ne[0] % 32 != 0))
        throw Error("GGUF tensor " + name + ": Q8_0 needs rows of a multiple of 32 values");
    tensors_.push_back({name, ne, type, tensorBytes(type, elements), std::move(data)});
}

void Writer::write(const std::string& path) const {
    std::string head;
    head += "GGUF";
    put<uint32_t>(head, 3);
    put<uint64_t>(head, tensors_.size());
    put<uint64_t>(head, pairs_);
    head += metadata_;
    uint64_t offset = 0;   // relative to the start of the data section
    for (const Tensor& t : tensors_) {
        putString(head, t.name);
        put<uint32_t>(head, uint32_t(t.ne.size()));
        for (uint64_t n : t.ne) put(head, n);
        put<uint32_t>(head, uint32_t(t.type));
        put(head, offset);
        offset = alignUp(offset + t.bytes, kDefaultAlignment);
    }
    head.resize(alignUp(head.size(), kDefaultAlignment), '\0');
    writeFileAtomically(path, [&](std::ostream& out) {
        out.write(head.data(), std::streamsize(head.size()));
        for (const Tensor& t : tensors_) {
            std::string bytes = t.data();
            if (bytes.size() != t.bytes)
                throw Error(path + ": tensor " + t.name + " produced " + std::to_string(bytes.size()) + " bytes, expected " +
                            std::to_string(t.bytes));
            bytes.resize(alignUp(bytes.size(), kDefaultAlignment), '\0');
            out.write(bytes.data(), std::streamsize(bytes.size()));
        }
    });
}

}  // namespace l1ra::gguf
