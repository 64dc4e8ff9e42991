#pragma once
// A TensorBoard event file (events.out.tfevents.<unix time>.<host>): TFRecord framing (uint64 length, masked
// CRC-32C of the length, the serialized Event, masked CRC-32C of it) around hand-written Event protobufs.
// First event: file_version "brain.Event:2". Each event is flushed as it is written, so a live TensorBoard sees it.
#include <cstdint>
#include <fstream>
#include <string>

namespace l1ra {

class ProtoWriter;

class TensorBoardWriter {
public:
    // Creates a new event file in `dir`; throws l1ra::Error naming it when it cannot be written.
    explicit TensorBoardWriter(const std::string& dir);

    void scalar(const std::string& tag, int64_t step, double value);
    // An image summary; `png` is a PNG file's bytes of width × height pixels (RGB).
    void image(const std::string& tag, int64_t step, int width, int height, const std::string& png);
    const std::string& path() const { return path_; }

private:
    void writeEvent(int64_t step, const ProtoWriter* summary, const std::string& fileVersion = {});
    std::string path_;
    std::ofstream out_;
};

}  // namespace l1ra
