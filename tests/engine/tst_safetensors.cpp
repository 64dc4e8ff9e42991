// safetensors: round trip, and every way a header can lie is refused with a message naming the file.
#include "l1ra/error.h"
#include "io/safetensors.h"
#include "test_support.h"

#include <QtTest>

#include <cstring>

using namespace l1ra;

namespace {

// A file built by hand: 8-byte length, header text, data bytes.
std::string rawFile(const std::string& header, std::size_t dataBytes, std::uint64_t claimedLength = UINT64_MAX) {
    const std::uint64_t n = claimedLength == UINT64_MAX ? header.size() : claimedLength;
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[std::size_t(i)] = char((n >> (8 * i)) & 0xff);
    return s + header + std::string(dataBytes, '\x01');
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string path(const char* name) { return dir_.filePath(name).toStdString(); }

    void expectRefused(const std::string& bytes, const char* fragment) {
        const std::string p = path("bad.safetensors");
        test::writeFile(p, bytes);
        try {
            SafetensorsFile f(p);
            QFAIL(qPrintable(QString("accepted a file that should fail with '%1'").arg(fragment)));
        } catch (const Error& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(p) != std::string::npos, msg.c_str());
            QVERIFY2(msg.find(fragment) != std::string::npos, msg.c_str());
        }
    }

private Q_SLOTS:
    void roundTrip() {
        const std::vector<float> a = {1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f};
        const std::vector<int64_t> b = {1, 2, 3};
        const std::string p = path("ok.safetensors");
        writeSafetensors(p,
                         {{"a", DType::F32, {2, 3}, a.data(), a.size() * 4}, {"b", DType::I64, {3}, b.data(), b.size() * 8}},
                         {{"format", "pt"}});
        SafetensorsFile f(p);
        QCOMPARE(f.tensors().size(), std::size_t(2));
        QCOMPARE(f.metadata().at("format"), std::string("pt"));
        const TensorView& va = f.tensor("a");
        QCOMPARE(va.shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(va.dtype, DType::F32);
        QVERIFY(std::memcmp(va.data, a.data(), va.nbytes) == 0);
        QCOMPARE(test::readInt64s(p, "b"), b);
        // Data starts 8-byte aligned like other writers' files.
        const std::string bytes = test::readFile(p);
        std::uint64_t headerLen = 0;
        for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | std::uint8_t(bytes[std::size_t(i)]);
        QCOMPARE((8 + headerLen) % 8, std::uint64_t(0));
    }

    void readsFixture() {
        SafetensorsFile f(test::fixtureModel() + "/model.safetensors");
        QVERIFY(f.contains("model.embed_tokens.weight"));
        QCOMPARE(f.tensor("model.embed_tokens.weight").shape, (std::vector<int64_t>{512, 64}));
    }

    void missingFile() {
        try {
            SafetensorsFile f(path("nope.safetensors"));
            QFAIL("opened a missing file");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("nope.safetensors") != std::string::npos);
        }
    }

    void tooShort() { expectRefused("abc", "too short"); }
    void zeroHeader() { expectRefused(rawFile("", 0), "header length is 0"); }
    void absurdHeaderLength() { expectRefused(rawFile("{}", 0, 1ull << 50), "absurd"); }
    void headerPastEnd() { expectRefused(rawFile("{}", 0, 4096), "past the end of the file"); }
    void headerNotJson() { expectRefused(rawFile("{not json", 0), "not valid JSON"); }
    void headerNotObject() { expectRefused(rawFile("[1,2]", 0), "not a JSON object"); }
    void unknownDtype() {
        expectRefused(rawFile(R"({"x":{"dtype":"F12","shape":[1],"data_offsets":[0,4]}})", 4), "unknown dtype 'F12'");
    }
    void offsetsPastEnd() {
        expectRefused(rawFile(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8), "past the end of the data");
    }
    void wrongByteCount() {
        expectRefused(rawFile(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8), "needs 12");
    }
    void reversedOffsets() {
        expectRefused(rawFile(R"({"x":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", 8), "begin 8 > end 4");
    }
    void overlap() {
        expectRefused(rawFile(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12),
                      "overlap");
    }
    void negativeShape() {
        expectRefused(rawFile(R"({"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4), "negative");
    }
    void absurdShape() {
        expectRefused(rawFile(R"({"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", 4), "absurdly large");
    }
    void missingOffsets() { expectRefused(rawFile(R"({"x":{"dtype":"F32","shape":[1]}})", 4), "data_offsets"); }
    void unexpectedField() {
        expectRefused(rawFile(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}})", 4), "unexpected field 'extra'");
    }
    void badMetadata() { expectRefused(rawFile(R"({"__metadata__":{"a":1}})", 0), "not a string"); }

    void truncatedFixture() {
        // The real model file cut short: the last tensors' offsets now run past the end.
        std::string bytes = test::readFile(test::fixtureModel() + "/model.safetensors");
        bytes.resize(bytes.size() - 1000);
        expectRefused(bytes, "truncated");
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
