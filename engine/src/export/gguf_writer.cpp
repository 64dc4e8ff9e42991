#include "export/gguf_writer.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "io/little_endian.h"

#include <ostream>

namespace l1ra::gguf {

namespace {

void putString(std::string& out, const std::string& s) {
    appendLittleEndian<uint64_t>(out, s.size());
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
    appendLittleEndian<uint32_t>(metadata_, uint32_t(type));
    ++pairs_;
}

void Writer::addString(const std::string& k, const std::string& value) {
    key(k, ValueType::String);
    putString(metadata_, value);
}

void Writer::addUInt32(const std::string& k, uint32_t value) {
    key(k, ValueType::UInt32);
    appendLittleEndian(metadata_, value);
}

void Writer::addInt32(const std::string& k, int32_t value) {
    key(k, ValueType::Int32);
    appendLittleEndian(metadata_, value);
}

void Writer::addFloat32(const std::string& k, float value) {
    key(k, ValueType::Float32);
    appendLittleEndian(metadata_, value);
}

void Writer::addBool(const std::string& k, bool value) {
    key(k, ValueType::Bool);
    appendLittleEndian<uint8_t>(metadata_, value ? 1 : 0);
}

void Writer::addStringArray(const std::string& k, const std::vector<std::string>& values) {
    key(k, ValueType::Array);
    appendLittleEndian<uint32_t>(metadata_, uint32_t(ValueType::String));
    appendLittleEndian<uint64_t>(metadata_, values.size());
    for (const auto& v : values) putString(metadata_, v);
}

void Writer::addFloat32Array(const std::string& k, const std::vector<float>& values) {
    key(k, ValueType::Array);
    appendLittleEndian<uint32_t>(metadata_, uint32_t(ValueType::Float32));
    appendLittleEndian<uint64_t>(metadata_, values.size());
    for (float v : values) appendLittleEndian(metadata_, v);
}

void Writer::addInt32Array(const std::string& k, const std::vector<int32_t>& values) {
    key(k, ValueType::Array);
    appendLittleEndian<uint32_t>(metadata_, uint32_t(ValueType::Int32));
    appendLittleEndian<uint64_t>(metadata_, values.size());
    for (int32_t v : values) appendLittleEndian(metadata_, v);
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
    appendLittleEndian<uint32_t>(head, 3);
    appendLittleEndian<uint64_t>(head, tensors_.size());
    appendLittleEndian<uint64_t>(head, pairs_);
    head += metadata_;
    uint64_t offset = 0;   // relative to the start of the data section
    for (const Tensor& t : tensors_) {
        putString(head, t.name);
        appendLittleEndian<uint32_t>(head, uint32_t(t.ne.size()));
        for (uint64_t n : t.ne) appendLittleEndian(head, n);
        appendLittleEndian<uint32_t>(head, uint32_t(t.type));
        appendLittleEndian(head, offset);
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
