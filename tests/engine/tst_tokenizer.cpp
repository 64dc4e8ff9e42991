// The sentencepiece tokenizer, loaded in its own link namespace beside LibTorch in this same process.
#include "l1ra/error.h"
#include "tokenizer.h"
#include "test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <fstream>

using namespace l1ra;

class TestTokenizer : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void encodesLikeReference() {
        auto tok = Tokenizer::load(test::fixtureModel() + "/tokenizer.model");
        const auto ref = nlohmann::json::parse(test::readFile(test::fixtureModel() + "/reference.json"));
        QCOMPARE(tok->encode(ref["text"].get<std::string>(), true), ref["input_ids"].get<std::vector<int64_t>>());
        QCOMPARE(tok->bosId(), int64_t(1));
        QCOMPARE(tok->eosId(), int64_t(2));
        QCOMPARE(tok->vocabSize(), int64_t(512));
    }

    void decodeInvertsEncode() {
        auto tok = Tokenizer::load(test::fixtureModel() + "/tokenizer.model");
        const std::string text = "the lazy dog jumps";
        auto ids = tok->encode(text, false);
        QCOMPARE(tok->decode(ids), text);
        QVERIFY(!tok->piece(ids[0]).empty());
    }

    void torchWorksInTheSameProcess() {
        // The protobuf clash (DESIGN.md trap 1) crashes before main() when it is not solved; reaching here and
        // using both is the test.
        auto tok = Tokenizer::load(test::fixtureModel() + "/tokenizer.model");
        auto t = torch::ones({2, 2}).matmul(torch::ones({2, 2}));
        QCOMPARE(t.sum().item<float>(), 8.0f);
        QVERIFY(tok->encode("dog", true).size() >= 2);
        QVERIFY(sentencepieceModulePath().find("libl1ra_spm.so") != std::string::npos);
    }

    void trainsASmallModel() {
        const std::string corpus = tmp_.filePath("corpus.txt").toStdString();
        {
            std::ofstream out(corpus);
            for (int i = 0; i < 200; ++i) out << "the quick brown fox jumps over the lazy dog number " << i << "\n";
        }
        const std::string prefix = tmp_.filePath("spm").toStdString();
        trainSentencepiece("--input=" + corpus + " --model_prefix=" + prefix +
                           " --vocab_size=60 --model_type=bpe --bos_id=1 --eos_id=2 --unk_id=0 --minloglevel=2");
        auto tok = Tokenizer::load(prefix + ".model");
        QCOMPARE(tok->vocabSize(), int64_t(60));
        QCOMPARE(tok->decode(tok->encode("the lazy fox", false)), std::string("the lazy fox"));
    }

    void corruptModelNamesTheFile() {
        const std::string bad = tmp_.filePath("bad.model").toStdString();
        test::writeFile(bad, "definitely not a protobuf");
        try {
            Tokenizer::load(bad);
            QFAIL("loaded a corrupt tokenizer");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find(bad) != std::string::npos);
        }
    }

    void badTrainingArgumentsAreAnError() {
        QVERIFY_THROWS_EXCEPTION(Error, trainSentencepiece("--input=/nonexistent/file --model_prefix=/tmp/x --vocab_size=50"));
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
