// The sentencepiece tokenizer, loaded in its own link namespace beside LibTorch in this same process, and the
// choice between tokenizer.json and tokenizer.model in a model folder.
#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"
#include "text/sentencepiece_tokenizer.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

using namespace l1ra;
using text::SentencepieceTokenizer;

class TestTokenizer : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void encodesLikeReference() {
        auto tok = SentencepieceTokenizer::load(test::fixtureModel() + "/tokenizer.model");
        const auto ref = nlohmann::json::parse(test::readFile(test::fixtureModel() + "/reference.json"));
        QCOMPARE(tok->encode(ref["text"].get<std::string>(), true), ref["input_ids"].get<std::vector<int64_t>>());
        QCOMPARE(tok->bosId(), int64_t(1));
        QCOMPARE(tok->eosId(), int64_t(2));
        QCOMPARE(tok->vocabSize(), int64_t(512));
    }

    void decodeInvertsEncode() {
        auto tok = SentencepieceTokenizer::load(test::fixtureModel() + "/tokenizer.model");
        const std::string text = "the lazy dog jumps";
        auto ids = tok->encode(text, false);
        QCOMPARE(tok->decode(ids), text);
        QVERIFY(!tok->piece(ids[0]).empty());
    }

    void torchWorksInTheSameProcess() {
        // The protobuf clash (DESIGN.md trap 1) crashes before main() when it is not solved; reaching here and
        // using both is the test.
        auto tok = SentencepieceTokenizer::load(test::fixtureModel() + "/tokenizer.model");
        auto t = torch::ones({2, 2}).matmul(torch::ones({2, 2}));
        QCOMPARE(t.sum().item<float>(), 8.0f);
        QVERIFY(tok->encode("dog", true).size() >= 2);
        QVERIFY(text::sentencepieceModulePath().find("libl1ra_spm.so") != std::string::npos);
    }

    void trainsASmallModel() {
        const std::string corpus = tmp_.filePath("corpus.txt").toStdString();
        {
            std::ofstream out(corpus);
            for (int i = 0; i < 200; ++i) out << "the quick brown fox jumps over the lazy dog number " << i << "\n";
        }
        const std::string prefix = tmp_.filePath("spm").toStdString();
        text::trainSentencepiece("--input=" + corpus + " --model_prefix=" + prefix +
                           " --vocab_size=60 --model_type=bpe --bos_id=1 --eos_id=2 --unk_id=0 --minloglevel=2");
        auto tok = SentencepieceTokenizer::load(prefix + ".model");
        QCOMPARE(tok->vocabSize(), int64_t(60));
        QCOMPARE(tok->decode(tok->encode("the lazy fox", false)), std::string("the lazy fox"));
    }

    void corruptModelNamesTheFile() {
        const std::string bad = tmp_.filePath("bad.model").toStdString();
        test::writeFile(bad, "definitely not a protobuf");
        try {
            SentencepieceTokenizer::load(bad);
            QFAIL("loaded a corrupt tokenizer");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find(bad) != std::string::npos);
        }
    }

    // Offsets: sentencepiece's own byte ranges; the BOS it is given has an empty one.
    void offsetsAndSpecialPieces() {
        auto tok = SentencepieceTokenizer::load(test::fixtureModel() + "/tokenizer.model");
        const std::string text = "the lazy dog jumps";
        const TokenEncoding enc = tok->encodeWithOffsets(text, true);
        QCOMPARE(enc.ids, tok->encode(text, true));
        QCOMPARE(enc.offsets[0].end, std::size_t(0));
        std::size_t at = 0;
        for (std::size_t k = 1; k < enc.ids.size(); ++k) {
            std::string spaced = tok->piece(enc.ids[k]);
            for (std::size_t p = spaced.find("\xE2\x96\x81"); p != std::string::npos; p = spaced.find("\xE2\x96\x81")) spaced.replace(p, 3, " ");
            const std::string covered = text.substr(enc.offsets[k].begin, enc.offsets[k].end - enc.offsets[k].begin);
            QCOMPARE(enc.offsets[k].begin, at);
            QCOMPARE(k == 1 ? " " + covered : covered, spaced);   // the first piece's "▁" is sentencepiece's dummy prefix
            at = enc.offsets[k].end;
        }
        QCOMPARE(at, text.size());
        QVERIFY(tok->isSpecial(0) && tok->isSpecial(1) && tok->isSpecial(2) && !tok->isSpecial(enc.ids[1]));
        QCOMPARE(tok->tokenId("<s>"), int64_t(1));
        QCOMPARE(tok->tokenId(tok->piece(enc.ids[1])), enc.ids[1]);
        QCOMPARE(tok->tokenId("definitely not a piece"), int64_t(-1));
        std::vector<int64_t> framed = enc.ids;
        framed.push_back(2);
        QCOMPARE(tok->decode(framed, /*skipSpecial=*/true), text);
        QCOMPARE(tok->kind(), std::string("tokenizer.model (sentencepiece)"));
        StreamingDecoder stream(tok);
        std::string streamed;
        for (std::size_t k = 1; k < enc.ids.size(); ++k) streamed += stream.push(enc.ids[k]);
        QCOMPARE(streamed + stream.flush(), text);
    }

    // tokenizer.json wins when a folder has both; tokenizer_config.json may rename or drop BOS/EOS.
    void folderPrefersTokenizerJson() {
        const std::string dir = tmp_.filePath("both").toStdString();
        std::filesystem::create_directories(dir);
        std::filesystem::copy(test::fixtureModel() + "/tokenizer.model", dir + "/tokenizer.model");
        std::filesystem::copy(test::dataPath("tokenizers/byte-level-bpe/tokenizer.json"), dir + "/tokenizer.json");
        QCOMPARE(loadTokenizer(dir)->kind(), std::string("tokenizer.json (byte-level BPE)"));
        QCOMPARE(tokenizerFileIn(dir), dir + "/tokenizer.json");
        std::filesystem::remove(dir + "/tokenizer.json");
        QCOMPARE(loadTokenizer(dir)->kind(), std::string("tokenizer.model (sentencepiece)"));
        QCOMPARE(loadTokenizer(dir)->encode("dog", true).front(), int64_t(1));
        test::writeFile(dir + "/tokenizer_config.json", R"({"bos_token": null, "eos_token": {"content": "<unk>"}})");
        const auto configured = loadTokenizer(dir);
        QCOMPARE(configured->bosId(), int64_t(-1));
        QCOMPARE(configured->eosId(), int64_t(0));
        QVERIFY(configured->encode("dog", true).front() != 1);
    }

    void badTrainingArgumentsAreAnError() {
        QVERIFY_THROWS_EXCEPTION(Error, text::trainSentencepiece("--input=/nonexistent/file --model_prefix=/tmp/x --vocab_size=50"));
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
