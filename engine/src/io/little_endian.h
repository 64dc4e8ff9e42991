#pragma once
// Appending a number's bytes in little-endian order, as the binary formats the engine writes by hand store them
// (GGUF, TFRecord, protobuf's fixed fields). The machines this project builds for are little-endian: the bytes
// are copied as they are.
#include <cstring>
#include <string>

namespace l1ra {

template <typename T>
void appendLittleEndian(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

}  // namespace l1ra
