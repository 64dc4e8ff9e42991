#pragma once
// Writing a small safetensors file from plain buffers (`l1ra logits` writes its reference logits with it).
#include "l1ra/api.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

struct TensorFileEntry {
    enum class Type { F32, I64 };
    std::string name;
    Type type = Type::F32;
    std::vector<int64_t> shape;
    const void* data = nullptr;   // row-major, little-endian, shape's product elements of `type`
};

// Writes `path` (atomically) with the entries and string metadata (__metadata__). Throws l1ra::Error naming the
// path when it cannot be written or an entry's data is missing.
void writeTensorFile(const std::string& path, const std::vector<TensorFileEntry>& entries,
                     const std::map<std::string, std::string>& metadata = {});

}  // namespace l1ra
L1RA_API_END
