#pragma once
// A GGUF file writer (version 3, the format llama.cpp and ggml load): header, metadata key/value pairs, tensor
// descriptions, then each tensor's data at an offset aligned to general.alignment (32). Plain C++, no torch.
// Tensor data is produced when the file is written, one tensor at a time, so a whole model never sits in memory.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace l1ra::gguf {

// ggml's value type codes in the metadata section.
enum class ValueType : uint32_t {
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7,
    String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12
};

// ggml's tensor type codes (the ones this project writes).
enum class TensorType : uint32_t { F32 = 0, F16 = 1, Q8_0 = 8, BF16 = 30 };

constexpr uint32_t kDefaultAlignment = 32;

// Bytes a tensor of `type` with `elements` values takes (Q8_0: blocks of 32 values, 34 bytes each).
uint64_t tensorBytes(TensorType type, uint64_t elements);

class Writer {
public:
    Writer() { addUInt32("general.alignment", kDefaultAlignment); }   // written explicitly, though 32 is the default

    void addString(const std::string& key, const std::string& value);
    void addUInt32(const std::string& key, uint32_t value);
    void addInt32(const std::string& key, int32_t value);
    void addFloat32(const std::string& key, float value);
    void addBool(const std::string& key, bool value);
    void addStringArray(const std::string& key, const std::vector<std::string>& values);
    void addFloat32Array(const std::string& key, const std::vector<float>& values);
    void addInt32Array(const std::string& key, const std::vector<int32_t>& values);

    // `ne` in ggml's order: ne[0] is the contiguous dimension (a torch [rows, cols] tensor is ne = {cols, rows}).
    // `data` is called once while the file is written and must return exactly tensorBytes(type, elements).
    void addTensor(const std::string& name, const std::vector<uint64_t>& ne, TensorType type, std::function<std::string()> data);

    // Writes the file (to a temporary name, renamed into place). Throws l1ra::Error naming the file.
    void write(const std::string& path) const;

private:
    struct Tensor {
        std::string name;
        std::vector<uint64_t> ne;
        TensorType type;
        uint64_t bytes;
        std::function<std::string()> data;
    };
    void key(const std::string& name, ValueType type);
    std::string metadata_;   // the encoded key/value pairs
    uint64_t pairs_ = 0;
    std::vector<Tensor> tensors_;
};

}  // namespace l1ra::gguf
