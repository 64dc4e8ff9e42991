#pragma once
// The few protocol-buffer wire encodings TensorBoard's Event messages need, written by hand (no protobuf
// library: Debian's clashes with LibTorch's, DESIGN.md section 4). Fields are appended in the order called.
#include <cstdint>
#include <string>

namespace l1ra {

class ProtoWriter {
public:
    void varint(int field, uint64_t value);                  // wire type 0 (int32, int64, enums)
    void fixed64(int field, double value);                   // wire type 1 (double)
    void fixed32(int field, float value);                    // wire type 5 (float)
    void bytes(int field, const std::string& value);         // wire type 2 (string, bytes, sub-messages)
    void message(int field, const ProtoWriter& m) { bytes(field, m.data()); }
    const std::string& data() const { return data_; }

private:
    void tag(int field, int wireType);
    void rawVarint(uint64_t value);
    std::string data_;
};

}  // namespace l1ra
