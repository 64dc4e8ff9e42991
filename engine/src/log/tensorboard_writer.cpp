#include "log/tensorboard_writer.h"

#include "io/checksums.h"
#include "io/host_name.h"
#include "l1ra/error.h"
#include "io/little_endian.h"
#include "log/protobuf_writer.h"


#include <chrono>
#include <ctime>

namespace l1ra {

namespace {

// Field numbers of tensorflow/core/util/event.proto and framework/summary.proto.
enum EventField { kWallTime = 1, kStep = 2, kFileVersion = 3, kSummary = 5 };
enum ValueField { kTag = 1, kSimpleValue = 2, kImage = 4 };
enum ImageField { kHeight = 1, kWidth = 2, kColorspace = 3, kEncodedImage = 4 };
constexpr int kSummaryValue = 1;
constexpr int kColorspaceRgb = 3;

double wallTime() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TensorBoardWriter::TensorBoardWriter(const std::string& dir) {
    path_ = dir + "/events.out.tfevents." + std::to_string(std::time(nullptr)) + "." + hostName();
    out_.open(path_, std::ios::binary | std::ios::app);
    if (!out_) throw Error("cannot write " + path_);
    writeEvent(0, nullptr, "brain.Event:2");
}

void TensorBoardWriter::writeEvent(int64_t step, const ProtoWriter* summary, const std::string& fileVersion) {
    ProtoWriter event;
    event.fixed64(kWallTime, wallTime());
    event.varint(kStep, uint64_t(step));
    if (!fileVersion.empty()) event.bytes(kFileVersion, fileVersion);
    if (summary) event.message(kSummary, *summary);
    const std::string& data = event.data();
    std::string record;
    appendLittleEndian<uint64_t>(record, data.size());
    appendLittleEndian<uint32_t>(record, maskedCrc32c(record.data(), 8));
    record += data;
    appendLittleEndian<uint32_t>(record, maskedCrc32c(data.data(), data.size()));
    out_.write(record.data(), std::streamsize(record.size()));
    out_.flush();
    if (!out_) throw Error("cannot write " + path_ + " (disk full?)");
}

void TensorBoardWriter::scalar(const std::string& tag, int64_t step, double value) {
    ProtoWriter v;
    v.bytes(kTag, tag);
    v.fixed32(kSimpleValue, float(value));
    ProtoWriter summary;
    summary.message(kSummaryValue, v);
    writeEvent(step, &summary);
}

void TensorBoardWriter::image(const std::string& tag, int64_t step, int width, int height, const std::string& png) {
    ProtoWriter image;
    image.varint(kHeight, uint64_t(height));
    image.varint(kWidth, uint64_t(width));
    image.varint(kColorspace, kColorspaceRgb);
    image.bytes(kEncodedImage, png);
    ProtoWriter v;
    v.bytes(kTag, tag);
    v.message(kImage, image);
    ProtoWriter summary;
    summary.message(kSummaryValue, v);
    writeEvent(step, &summary);
}

}  // namespace l1ra
