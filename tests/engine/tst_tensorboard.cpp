// logging.tensorboard: a short training run's TensorBoard event file read back with a TFRecord and protobuf
// reader written here (every CRC-32C checked), its scalars against metrics.jsonl, and the rank heatmap PNGs
// decoded (signature, IHDR, chunk CRCs, stored deflate blocks, Adler-32, pixels).
#include "l1ra/run_config.h"
#include "l1ra/training_session.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

using namespace l1ra;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Bit by bit, no tables: deliberately unlike the engine's implementation.
uint32_t bitwiseCrc(const std::string& data, uint32_t polynomial) {
    uint32_t crc = 0xffffffffu;
    for (unsigned char byte : data) {
        crc ^= byte;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (polynomial & (0u - (crc & 1)));
    }
    return ~crc;
}
uint32_t crc32c(const std::string& d) { return bitwiseCrc(d, 0x82F63B78u); }
uint32_t crc32(const std::string& d) { return bitwiseCrc(d, 0xEDB88320u); }
uint32_t masked(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

template <typename T>
T little(const std::string& b, std::size_t at) {
    T v;
    std::memcpy(&v, b.data() + at, sizeof(T));
    return v;
}
uint32_t big32(const std::string& b, std::size_t at) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | uint8_t(b[at + i]);
    return v;
}

// A protobuf message as field number -> raw values (varints as numbers, the others as their bytes).
struct Message {
    std::multimap<int, uint64_t> varints;
    std::multimap<int, std::string> bytes;   // wire types 1, 2 and 5
    std::string one(int field) const {
        auto it = bytes.find(field);
        if (it == bytes.end()) throw std::runtime_error("no field " + std::to_string(field));
        return it->second;
    }
};

uint64_t readVarint(const std::string& b, std::size_t& at) {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        if (at >= b.size() || shift > 63) throw std::runtime_error("bad varint");
        const uint8_t byte = uint8_t(b[at++]);
        v |= uint64_t(byte & 0x7f) << shift;
        if (!(byte & 0x80)) return v;
    }
}

Message parse(const std::string& b) {
    Message m;
    std::size_t at = 0;
    while (at < b.size()) {
        const uint64_t key = readVarint(b, at);
        const int field = int(key >> 3), wire = int(key & 7);
        std::size_t n = 0;
        if (wire == 0) {
            m.varints.emplace(field, readVarint(b, at));
            continue;
        }
        if (wire == 1) n = 8;
        else if (wire == 5) n = 4;
        else if (wire == 2) n = std::size_t(readVarint(b, at));
        else throw std::runtime_error("wire type " + std::to_string(wire));
        if (at + n > b.size()) throw std::runtime_error("field past the end");
        m.bytes.emplace(field, b.substr(at, n));
        at += n;
    }
    return m;
}

// Every record of an event file, its two CRCs verified.
std::vector<std::string> readRecords(const std::string& file) {
    const std::string b = test::readFile(file);
    std::vector<std::string> records;
    std::size_t at = 0;
    while (at < b.size()) {
        if (at + 12 > b.size()) throw std::runtime_error("record header cut short");
        const uint64_t length = little<uint64_t>(b, at);
        if (little<uint32_t>(b, at + 8) != masked(crc32c(b.substr(at, 8)))) throw std::runtime_error("length CRC");
        if (at + 12 + length + 4 > b.size()) throw std::runtime_error("record cut short");
        const std::string data = b.substr(at + 12, length);
        if (little<uint32_t>(b, at + 12 + length) != masked(crc32c(data))) throw std::runtime_error("data CRC");
        records.push_back(data);
        at += 12 + length + 4;
    }
    return records;
}

struct Png {
    uint32_t width = 0, height = 0;
    std::string pixels;   // RGB rows without filter bytes
};

// PNG with stored deflate blocks only (what the engine writes); every chunk CRC and the Adler-32 checked.
Png decodePng(const std::string& png) {
    if (png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0) throw std::runtime_error("PNG signature");
    Png out;
    std::string zlib;
    for (std::size_t at = 8; at < png.size();) {
        const uint32_t n = big32(png, at);
        const std::string type = png.substr(at + 4, 4), data = png.substr(at + 8, n);
        if (big32(png, at + 8 + n) != crc32(type + data)) throw std::runtime_error("chunk CRC of " + type);
        if (type == "IHDR") {
            out.width = big32(data, 0);
            out.height = big32(data, 4);
            if (data[8] != 8 || data[9] != 2) throw std::runtime_error("not 8-bit RGB");
        } else if (type == "IDAT") {
            zlib += data;
        }
        at += 12 + n;
    }
    if ((uint8_t(zlib[0]) * 256 + uint8_t(zlib[1])) % 31 != 0 || (zlib[0] & 0x0f) != 8) throw std::runtime_error("zlib header");
    std::string raw;
    std::size_t at = 2;
    for (bool last = false; !last;) {
        const uint8_t head = uint8_t(zlib[at]);
        last = head & 1;
        if (((head >> 1) & 3) != 0) throw std::runtime_error("not a stored block");
        const uint16_t len = little<uint16_t>(zlib, at + 1), nlen = little<uint16_t>(zlib, at + 3);
        if (uint16_t(~len) != nlen) throw std::runtime_error("stored block length check");
        raw += zlib.substr(at + 5, len);
        at += 5 + len;
    }
    uint32_t a = 1, b = 0;
    for (unsigned char c : raw) {
        a = (a + c) % 65521;
        b = (b + a) % 65521;
    }
    if (big32(zlib, at) != ((b << 16) | a)) throw std::runtime_error("Adler-32");
    const std::size_t row = std::size_t(out.width) * 3;
    if (raw.size() != out.height * (row + 1)) throw std::runtime_error("image data size");
    for (uint32_t y = 0; y < out.height; ++y) {
        if (raw[y * (row + 1)] != 0) throw std::runtime_error("filter type");
        out.pixels += raw.substr(y * (row + 1) + 1, row);
    }
    return out;
}

std::vector<json> jsonLines(const std::string& file) {
    std::vector<json> out;
    std::istringstream in(test::readFile(file));
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
}

std::vector<std::string> eventFiles(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind("events.out.tfevents.", 0) == 0) out.push_back(e.path().string());
    return out;
}

}  // namespace

class TestTensorBoard : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string run_;
    std::map<std::string, std::vector<std::pair<int64_t, float>>> scalars_;
    std::vector<std::pair<int64_t, Png>> images_;

private Q_SLOTS:
    void checksumsOfTheReaderAreTheStandardOnes() {
        QCOMPARE(crc32c("123456789"), 0xE3069283u);   // the published check values
        QCOMPARE(crc32("123456789"), 0xCBF43926u);
    }

    void initTestCase() {
        RunConfig c = test::fixtureRunConfig(30);
        c.logging.tensorboard = true;
        c.eval.every = 10;
        run_ = tmp_.filePath("run").toStdString();
        QVERIFY(TrainingSession(c, run_).run().state == RunState::Finished);
    }

    void oneEventFileNamedAsTensorBoardExpects() {
        const auto files = eventFiles(run_);
        QCOMPARE(files.size(), std::size_t(1));
        QVERIFY(std::regex_match(fs::path(files[0]).filename().string(), std::regex(R"(events\.out\.tfevents\.\d{10,}\..+)")));
        const auto records = readRecords(files[0]);
        QVERIFY(records.size() > 10);
        const Message first = parse(records[0]);
        QCOMPARE(first.one(3), std::string("brain.Event:2"));
        double lastWall = 0;
        for (std::size_t i = 1; i < records.size(); ++i) {
            const Message event = parse(records[i]);
            const double wall = little<double>(event.one(1), 0);
            QVERIFY(wall > 1.6e9 && wall >= lastWall);
            lastWall = wall;
            const int64_t step = int64_t(event.varints.count(2) ? event.varints.find(2)->second : 0);
            const Message value = parse(parse(event.one(5)).one(1));
            const std::string tag = value.one(1);
            if (value.bytes.count(2)) {
                scalars_[tag].emplace_back(step, little<float>(value.one(2), 0));
            } else {
                QCOMPARE(tag, std::string("ranks/heatmap"));
                const Message image = parse(value.one(4));
                Png png = decodePng(image.one(4));
                QCOMPARE(uint64_t(png.height), image.varints.find(1)->second);
                QCOMPARE(uint64_t(png.width), image.varints.find(2)->second);
                QCOMPARE(image.varints.find(3)->second, uint64_t(3));
                images_.emplace_back(step, std::move(png));
            }
        }
    }

    void scalarsAreThoseOfMetricsJsonl() {
        std::map<std::string, std::vector<std::pair<int64_t, float>>> expected;
        for (const json& j : jsonLines(run_ + "/metrics.jsonl")) {
            const int64_t step = j["step"].get<int64_t>();
            if (j.contains("val_loss")) {
                expected["val/loss"].emplace_back(step, j["val_loss"].get<float>());
                expected["val/perplexity"].emplace_back(step, j["val_perplexity"].get<float>());
                continue;
            }
            expected["train/loss"].emplace_back(step, j["loss"].get<float>());
            expected["train/learning_rate"].emplace_back(step, j["lr"].get<float>());
            expected["l1ra/lambda"].emplace_back(step, j["lambda"].get<float>());
            expected["l1ra/budget_use"].emplace_back(step, float(j["total_rank"].get<double>() / j["budget"].get<double>()));
            expected["perf/tokens_per_s"].emplace_back(step, j["tokens_per_s"].get<float>());
        }
        QCOMPARE(expected["train/loss"].size(), std::size_t(30));
        QCOMPARE(expected["val/loss"].size(), std::size_t(3));
        QCOMPARE(scalars_.size(), expected.size());
        for (const auto& [tag, values] : expected) QVERIFY2(scalars_[tag] == values, tag.c_str());
    }

    // One heatmap per ranks.jsonl line (the start and each reallocation): 7 columns × layers rows of 10-pixel
    // cells, each cell one colour, brighter (more green) for a higher rank.
    void heatmapAtEveryReallocation() {
        const auto snapshots = jsonLines(run_ + "/ranks.jsonl");
        QVERIFY(snapshots.size() >= 3);
        QCOMPARE(images_.size(), snapshots.size());
        for (std::size_t i = 0; i < snapshots.size(); ++i) {
            const json& s = snapshots[i];
            const auto& png = images_[i].second;   // not a structured binding: clang 14 cannot capture one in a lambda
            QCOMPARE(images_[i].first, s["step"].get<int64_t>());
            const auto& ranks = s["ranks"];
            QCOMPARE(png.width, 70u);
            QCOMPARE(png.height, uint32_t(ranks.size() * 10));
            std::map<int, int> greenOfRank;
            for (std::size_t layer = 0; layer < ranks.size(); ++layer)
                for (int p = 0; p < 7; ++p) {
                    auto pixel = [&](std::size_t x, std::size_t y) { return png.pixels.substr((y * 70 + x) * 3, 3); };
                    const std::string colour = pixel(p * 10, layer * 10);
                    QCOMPARE(pixel(p * 10 + 9, layer * 10 + 9), colour);
                    const int rank = ranks[layer][p].get<int>(), green = uint8_t(colour[1]);
                    if (greenOfRank.count(rank)) QCOMPARE(greenOfRank[rank], green);
                    greenOfRank[rank] = green;
                }
            for (auto it = greenOfRank.begin(); std::next(it) != greenOfRank.end(); ++it) QVERIFY(it->second < std::next(it)->second);
        }
    }

    // The key nests under "logging" in config.json, and the run config written there reads back with it on
    // (a resumed run decides from it whether to keep writing events).
    void configJsonKeepsTheKey() {
        const json config = json::parse(test::readFile(run_ + "/config.json"));
        QCOMPARE(config["logging"]["tensorboard"].get<bool>(), true);
        QVERIFY(parseRunConfig(config.dump(), "config.json").logging.tensorboard);
    }

    void offByDefault() {
        const std::string run = tmp_.filePath("plain").toStdString();
        QVERIFY(TrainingSession(test::fixtureRunConfig(2), run).run().state == RunState::Finished);
        QVERIFY(eventFiles(run).empty());
    }
};

QTEST_GUILESS_MAIN(TestTensorBoard)
#include "tst_tensorboard.moc"
