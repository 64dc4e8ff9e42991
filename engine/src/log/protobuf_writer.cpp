#include "log/protobuf_writer.h"

#include "io/little_endian.h"

namespace l1ra {

void ProtoWriter::rawVarint(uint64_t value) {
    while (value >= 0x80) {
        data_ += char((value & 0x7f) | 0x80);
        value >>= 7;
    }
    data_ += char(value);
}

void ProtoWriter::tag(int field, int wireType) { rawVarint((uint64_t(field) << 3) | uint64_t(wireType)); }

void ProtoWriter::varint(int field, uint64_t value) {
    tag(field, 0);
    rawVarint(value);
}

void ProtoWriter::fixed64(int field, double value) {
    tag(field, 1);
    appendLittleEndian(data_, value);
}

void ProtoWriter::fixed32(int field, float value) {
    tag(field, 5);
    appendLittleEndian(data_, value);
}

void ProtoWriter::bytes(int field, const std::string& value) {
    tag(field, 2);
    rawVarint(value.size());
    data_ += value;
}

}  // namespace l1ra
