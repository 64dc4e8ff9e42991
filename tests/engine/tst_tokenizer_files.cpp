// Reading tokenizer files: every bad or unsupported input is refused with a message naming the file and the
// field (or the JSON position). Plain C++: this suite builds without torch.
#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"
#include "text_test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <functional>

using namespace l1ra;
using nlohmann::json;

class TestTokenizerFiles : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int folders_ = 0;

    std::string freshDir() { return tmp_.filePath(QString("case-%1").arg(++folders_)).toStdString(); }

    // Loads the byte-level fixture after `edit`; the error must name the file and every fragment.
    void expectRefused(const char* fixture, const std::function<void(json&)>& edit, const std::vector<std::string>& fragments) {
        json j = test::readJson(test::tokenizerFixture(std::string(fixture) + "/tokenizer.json"));
        edit(j);
        const std::string dir = test::editedFixture(freshDir(), fixture, j);
        expectError([&] { loadTokenizer(dir); }, dir + "/tokenizer.json", fragments);
    }

    static void expectError(const std::function<void()>& load, const std::string& file, const std::vector<std::string>& fragments) {
        try {
            load();
            QFAIL("loaded a bad tokenizer");
        } catch (const Error& e) {
            const std::string message = e.what();
            QVERIFY2(message.find(file) != std::string::npos, message.c_str());
            for (const std::string& f : fragments) QVERIFY2(message.find(f) != std::string::npos, (message + "  [expected: " + f + "]").c_str());
        }
    }

private Q_SLOTS:
    void malformedJsonNamesThePosition() {
        const std::string dir = freshDir();
        std::filesystem::create_directories(dir);
        std::ofstream(dir + "/tokenizer.json") << "{\n  \"model\": {\"vocab\": {\"a\": 0,}}\n}";
        expectError([&] { loadTokenizer(dir); }, dir + "/tokenizer.json", {"malformed JSON", "byte 31", "line 2, column 30"});
    }

    // Found by fuzz_tokenizer_json: a number beyond a double made nlohmann throw out_of_range, which nothing caught.
    void numberBeyondADoubleIsRefused() {
        const std::string dir = freshDir();
        std::filesystem::create_directories(dir);
        std::ofstream(dir + "/tokenizer.json") << "{\n \"version\": 4e1010}";
        expectError([&] { loadTokenizer(dir); }, dir + "/tokenizer.json", {"malformed JSON", "number overflow", "4e1010"});
        std::ofstream(dir + "/tokenizer_config.json") << "{\"model_max_length\": -1e999}";
        std::filesystem::copy_file(test::tokenizerFixture("byte-level-bpe/tokenizer.json"), dir + "/tokenizer.json",
                                   std::filesystem::copy_options::overwrite_existing);
        expectError([&] { loadTokenizer(dir); }, dir + "/tokenizer_config.json", {"malformed JSON", "number overflow", "-1e999"});
    }

    void unsupportedModelsAreRefused() {
        for (const char* type : {"WordPiece", "Unigram", "WordLevel"})
            expectRefused("byte-level-bpe", [&](json& j) { j["model"]["type"] = type; }, {"model", type, "not supported"});
        expectRefused("byte-level-bpe", [](json& j) { j["model"]["continuing_subword_prefix"] = "##"; }, {"model.continuing_subword_prefix"});
        expectRefused("byte-level-bpe", [](json& j) { j["model"]["dropout"] = 0.1; }, {"model.dropout"});
        expectRefused("byte-level-bpe", [](json& j) { j["model"].erase("vocab"); }, {"model.vocab", "missing"});
        expectRefused("byte-level-bpe", [](json& j) { j["model"]["vocab"]["x"] = "seven"; }, {"model.vocab", "[\"x\"]"});
    }

    // Found by fuzz_tokenizer_json: an id of 93,481,494 in a small vocabulary sized the id -> piece table at 3 GB.
    void idsFarPastTheVocabularyAreRefused() {
        expectRefused("byte-level-bpe", [](json& j) { j["model"]["vocab"]["x"] = 93481494; },
                      {"model.vocab", "[\"x\"]", "93481494", "far past"});
        json j = test::readJson(test::tokenizerFixture("byte-level-bpe/tokenizer.json"));
        const int64_t gapped = int64_t(j["model"]["vocab"].size()) + 1000;   // a gap of ids is allowed
        j["model"]["vocab"]["x"] = gapped;
        const auto tokenizer = loadTokenizer(test::editedFixture(freshDir(), "byte-level-bpe", j));
        QCOMPARE(tokenizer->piece(gapped), std::string("x"));
    }

    void brokenMergesNameTheMerge() {
        expectRefused("byte-level-bpe", [](json& j) { j["model"]["merges"][3] = {"h", "nowhere"}; }, {"model.merges[3]", "\"nowhere\""});
        expectRefused("byte-level-bpe", [](json& j) { j["model"]["merges"][4] = "a b c"; }, {"model.merges[4]"});
        expectRefused("byte-level-bpe", [](json& j) { j["model"]["merges"][5] = 7; }, {"model.merges[5]"});
    }

    void unsupportedStepsNameTheirField() {
        expectRefused("byte-level-bpe", [](json& j) { j["normalizer"] = {{"type", "Lowercase"}}; }, {"normalizer", "\"Lowercase\""});
        expectRefused("byte-level-bpe", [](json& j) { j["pre_tokenizer"]["pretokenizers"][1] = {{"type", "BertPreTokenizer"}}; },
                      {"pre_tokenizer.pretokenizers[1]", "\"BertPreTokenizer\""});
        expectRefused("byte-level-bpe", [](json& j) { j["decoder"] = {{"type", "WordPiece"}}; }, {"decoder", "\"WordPiece\""});
        expectRefused("byte-level-bpe", [](json& j) { j["post_processor"] = {{"type", "Magic"}}; }, {"post_processor", "\"Magic\""});
        expectRefused("byte-level-bpe", [](json& j) { std::swap(j["pre_tokenizer"]["pretokenizers"][0], j["pre_tokenizer"]["pretokenizers"][1]); },
                      {"pre_tokenizer.pretokenizers[0]", "ByteLevel must be the last"});
        expectRefused("byte-level-bpe", [](json& j) { j["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Sideways"; },
                      {"pre_tokenizer.pretokenizers[0].behavior", "Sideways"});
        expectRefused("byte-fallback-metaspace", [](json& j) { j["pre_tokenizer"]["prepend_scheme"] = "sometimes"; },
                      {"pre_tokenizer.prepend_scheme"});
    }

    void badRegexIsRefusedWhereItIsWritten() {
        expectRefused("byte-level-bpe", [](json& j) { j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(unclosed"; },
                      {"pre_tokenizer.pretokenizers[0].pattern.Regex", "does not compile"});
        expectRefused("byte-level-bpe", [](json& j) { j["pre_tokenizer"]["pretokenizers"][0]["pattern"] = {{"Glob", "*"}}; },
                      {"pre_tokenizer.pretokenizers[0].pattern"});
    }

    void postProcessorTokensMustExist() {
        expectRefused("byte-level-bpe", [](json& j) { j["post_processor"]["special_tokens"]["<|begin_of_text|>"]["ids"] = {9999}; },
                      {"post_processor", "9999"});
        expectRefused("byte-level-bpe", [](json& j) { j["post_processor"]["single"][0]["SpecialToken"]["id"] = "<nope>"; },
                      {"post_processor.special_tokens", "<nope>"});
    }

    void configTokensMustExist() {
        const json tokenizer = test::readJson(test::tokenizerFixture("byte-level-bpe/tokenizer.json"));
        const json config = {{"bos_token", "<|no such token|>"}};
        const std::string dir = test::editedFixture(freshDir(), "byte-level-bpe", tokenizer, &config);
        expectError([&] { loadTokenizer(dir); }, dir + "/tokenizer_config.json", {"bos_token", "<|no such token|>"});
        const std::string broken = test::editedFixture(freshDir(), "byte-level-bpe", tokenizer);
        std::ofstream(broken + "/tokenizer_config.json") << "{\"bos_token\": ";
        expectError([&] { loadTokenizer(broken); }, broken + "/tokenizer_config.json", {"malformed JSON"});
    }

    void folderWithoutTokenizer() {
        const std::string dir = freshDir();
        std::filesystem::create_directories(dir);
        QCOMPARE(tokenizerFileIn(dir), std::string());
        expectError([&] { loadTokenizer(dir); }, dir, {"no tokenizer.json or tokenizer.model"});
        QCOMPARE(tokenizerFileIn(test::tokenizerFixture("byte-level-bpe")), test::tokenizerFixture("byte-level-bpe") + "/tokenizer.json");
        QCOMPARE(tokenizerSupportProblem(test::tokenizerFixture("byte-level-bpe") + "/tokenizer.json"), std::string());
    }
};

QTEST_GUILESS_MAIN(TestTokenizerFiles)
#include "tst_tokenizer_files.moc"
