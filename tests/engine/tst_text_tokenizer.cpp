// tokenizer.json (byte-level and byte-fallback BPE) against independent references: ids, offsets, added tokens,
// round trips and streaming. Plain C++: this suite builds without torch.
#include "l1ra/error.h"
#include "l1ra/text_tokenizer.h"
#include "reference_bpe.h"
#include "text/pre_tokenizers.h"
#include "text_test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <random>

using namespace l1ra;
using nlohmann::json;

namespace {

const std::string kMeta = "\xE2\x96\x81";   // ▁

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
}

// What Llama 3's pipeline gives for ASCII text, computed with the references only.
std::vector<int64_t> referenceByteLevel(const test::ReferenceBpe& bpe, const std::string& text) {
    std::vector<int64_t> ids;
    for (const std::string& word : test::llama3Words(text)) {
        const auto part = bpe.encodeSymbols(test::utf8Chars(test::gpt2Chars(word)));
        ids.insert(ids.end(), part.begin(), part.end());
    }
    return ids;
}

// What Llama 2's legacy pipeline gives: "▁" in front, spaces as "▁", unknown characters as <0xNN> bytes.
std::vector<int64_t> referenceByteFallback(const test::ReferenceBpe& bpe, const std::string& text) {
    std::vector<std::string> symbols;
    for (const std::string& c : test::utf8Chars(kMeta + replaceAll(text, " ", kMeta))) {
        if (bpe.id(c) >= 0) {
            symbols.push_back(c);
            continue;
        }
        for (unsigned char b : c) {
            char name[8];
            std::snprintf(name, sizeof(name), "<0x%02X>", b);
            symbols.push_back(name);
        }
    }
    return bpe.encodeSymbols(symbols);
}

// The words a pre-tokenizer (given as JSON) cuts `text` into.
std::vector<std::string> preTokenize(const json& spec, const std::string& text) {
    const text::PreTokenizerSetup setup = text::makePreTokenizer(text::JsonField(spec, "test.json", "pre_tokenizer"));
    std::vector<text::AlignedText> pieces = {text::AlignedText::original(text, 0)};
    setup.pre->apply(pieces);
    std::vector<std::string> words;
    for (const auto& p : pieces) words.push_back(p.str());
    return words;
}

using Words = std::vector<std::string>;

std::string textOf(const std::string& text, const TextSpan& span) { return text.substr(span.begin, span.end - span.begin); }

}  // namespace

class TestTextTokenizer : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::shared_ptr<const Tokenizer> byteLevel_, legacy_, metaspace_;

    std::string dir(const char* name) const { return tmp_.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase() {
        byteLevel_ = loadTokenizer(test::tokenizerFixture("byte-level-bpe"));
        legacy_ = loadTokenizer(test::tokenizerFixture("byte-fallback-legacy"));
        metaspace_ = loadTokenizer(test::tokenizerFixture("byte-fallback-metaspace"));
    }

    void byteLevelMatchesTheReferenceBpe() {
        const test::ReferenceBpe bpe(test::tokenizerFixture("byte-level-bpe/tokenizer.json"));
        std::mt19937 rng(7);
        std::vector<std::string> texts = {"The lazy dog jumps over the heatmap.", "I'LL see it's 12345 dogs'", "a  b   c\n\n  d \r\n\te",
                                          " leading", "trailing  ", "x'y 'S 're 've", "(x){};#!?...\n\n\n", "1234567 89"};
        for (int i = 0; i < 300; ++i) texts.push_back(test::randomTrickyAscii(rng, 1 + int(rng() % 12)));
        for (const std::string& text : texts) QCOMPARE(byteLevel_->encode(text, false), referenceByteLevel(bpe, text));
        QVERIFY(byteLevel_->encode("the lazy dog", false).size() < std::string("the lazy dog").size());   // merges happened
    }

    void preTokenizerSteps() {
        const json space = {{"String", " "}};
        auto split = [&](const char* behavior) { return json{{"type", "Split"}, {"pattern", space}, {"behavior", behavior}, {"invert", false}}; };
        QCOMPARE(preTokenize(split("Removed"), "How are you"), (Words{"How", "are", "you"}));
        QCOMPARE(preTokenize(split("Isolated"), "How are you"), (Words{"How", " ", "are", " ", "you"}));
        QCOMPARE(preTokenize(split("MergedWithPrevious"), "How are you"), (Words{"How ", "are ", "you"}));
        QCOMPARE(preTokenize(split("MergedWithNext"), "How are you"), (Words{"How", " are", " you"}));
        QCOMPARE(preTokenize(split("Contiguous"), "a  b"), (Words{"a", "  ", "b"}));
        const json words = {{"type", "Split"}, {"pattern", {{"Regex", "\\w+"}}}, {"behavior", "Removed"}, {"invert", true}};
        QCOMPARE(preTokenize(words, "hi, you"), (Words{"hi", "you"}));   // inverted: the words are kept
        QCOMPARE(preTokenize({{"type", "Digits"}, {"individual_digits", false}}, "a123b45"), (Words{"a", "123", "b", "45"}));
        QCOMPARE(preTokenize({{"type", "Digits"}, {"individual_digits", true}}, "a12"), (Words{"a", "1", "2"}));
        QCOMPARE(preTokenize({{"type", "Punctuation"}}, "Hey, you!"), (Words{"Hey", ",", " you", "!"}));
        QCOMPARE(preTokenize({{"type", "Whitespace"}}, "Hey  you!?"), (Words{"Hey", "you", "!?"}));
        QCOMPARE(preTokenize({{"type", "WhitespaceSplit"}}, "Hey  you!?"), (Words{"Hey", "you!?"}));
        const json metaspace = {{"type", "Metaspace"}, {"replacement", kMeta}, {"prepend_scheme", "always"}, {"split", true}};
        QCOMPARE(preTokenize(metaspace, "Hey you"), (Words{kMeta + "Hey", kMeta + "you"}));
        json never = metaspace;
        never["prepend_scheme"] = "never";
        QCOMPARE(preTokenize(never, "Hey you"), (Words{"Hey", kMeta + "you"}));
        const json gpt2 = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
        QCOMPARE(preTokenize(gpt2, "Hey you's  12"), (Words{" Hey", " you", "'s", " ", " 12"}));   // bytes are mapped later
    }

    void byteLevelAddsBosAndMatchesSpecialTokensInText() {
        const int64_t bos = byteLevel_->tokenId("<|begin_of_text|>"), eot = byteLevel_->tokenId("<|eot_id|>");
        QCOMPARE(bos, int64_t(506));
        QCOMPARE(eot, int64_t(508));
        const auto ids = byteLevel_->encode("Hi<|eot_id|>there", true);
        QCOMPARE(ids.front(), bos);
        QCOMPARE(std::count(ids.begin(), ids.end(), eot), long(1));
        QCOMPARE(byteLevel_->encode("<|eot_id|><|eot_id|>", false), (std::vector<int64_t>{eot, eot}));
        const auto partial = byteLevel_->encode("<|eot_id", false);
        QVERIFY(std::find(partial.begin(), partial.end(), eot) == partial.end());
        QCOMPARE(byteLevel_->encode("", true), std::vector<int64_t>{bos});
        QCOMPARE(byteLevel_->encode("", false), std::vector<int64_t>{});
    }

    void ignoreMergesKeepsAVocabularyWordWhole() {
        json j = test::readJson(test::tokenizerFixture("byte-level-bpe/tokenizer.json"));
        const std::string word = test::gpt2Chars(" zqzq");
        j["model"]["vocab"][word] = 510;
        auto whole = loadTokenizer(test::editedFixture(dir("ignore-merges"), "byte-level-bpe", j));
        QCOMPARE(whole->encode(" zqzq", false), std::vector<int64_t>{510});
        j["model"]["ignore_merges"] = false;
        auto merged = loadTokenizer(test::editedFixture(dir("with-merges"), "byte-level-bpe", j));
        QVERIFY(merged->encode(" zqzq", false).size() > 1);
    }

    void byteFallbackMatchesTheReferenceBpe() {
        const test::ReferenceBpe bpe(test::tokenizerFixture("byte-fallback-legacy/tokenizer.json"));
        std::mt19937 rng(11);
        std::vector<std::string> texts = {"The lazy dog", "naïve café 你好 😀", "tabs\tand\nnewlines", "  two leading", "x"};
        for (int i = 0; i < 200; ++i) texts.push_back(test::randomTrickyAscii(rng, 1 + int(rng() % 10)) + test::randomUtf8(rng, int(rng() % 4)));
        for (const std::string& text : texts) {
            QCOMPARE(legacy_->encode(text, false), referenceByteFallback(bpe, text));
            if (text[0] != ' ') QCOMPARE(metaspace_->encode(text, false), legacy_->encode(text, false));
        }
        // The newer Metaspace layout does not put a second "▁" before text that starts with a space; legacy does.
        QCOMPARE(legacy_->encode(" dog", false).size(), metaspace_->encode(" dog", false).size() + 1);
        QCOMPARE(legacy_->encode("dog", true).front(), int64_t(1));
    }

    // Words past the cache limit are cut where no merge can join the two sides: the ids must not change.
    void longWordsGiveTheSameIds() {
        json j = test::readJson(test::tokenizerFixture("byte-level-bpe/tokenizer.json"));
        j["model"]["ignore_merges"] = false;
        const std::string folder = test::editedFixture(dir("long-words"), "byte-level-bpe", j);
        auto tok = loadTokenizer(folder);
        std::string word, prose;
        for (int i = 0; i < 40; ++i) word += "thelazydogjumpsover";
        for (int i = 0; i < 30; ++i) prose += "The lazy dog jumps over the heatmap. ";
        QCOMPARE(tok->encode(word, false), referenceByteLevel(test::ReferenceBpe(folder + "/tokenizer.json"), word));
        const test::ReferenceBpe legacy(test::tokenizerFixture("byte-fallback-legacy/tokenizer.json"));
        QCOMPARE(legacy_->encode(prose + "caf\xC3\xA9  " + prose, false), referenceByteFallback(legacy, prose + "caf\xC3\xA9  " + prose));
    }

    void decodeInvertsEncodeOnRandomUtf8() {
        std::mt19937 rng(3);
        for (int i = 0; i < 200; ++i) {
            const std::string text = test::randomUtf8(rng, 1 + int(rng() % 40));
            QCOMPARE(byteLevel_->decode(byteLevel_->encode(text, false)), text);
            QCOMPARE(legacy_->decode(legacy_->encode(text, false)), text);
        }
        const std::string special = "a<|eot_id|>b<tool>";
        QCOMPARE(byteLevel_->decode(byteLevel_->encode(special, true)), "<|begin_of_text|>" + special);
        QCOMPARE(byteLevel_->decode(byteLevel_->encode(special, true), /*skipSpecial=*/true), std::string("ab<tool>"));
        QCOMPARE(legacy_->decode({1, legacy_->tokenId(kMeta + "the")}), std::string("<s> the"));
    }

    void decodeReplacesBrokenBytes() {
        const int64_t e2 = byteLevel_->tokenId(test::gpt2Chars("\xE2")), a = byteLevel_->tokenId("a");
        QCOMPARE(byteLevel_->decode({e2, a}), std::string("\xEF\xBF\xBD" "a"));
        const int64_t fe2 = legacy_->tokenId("<0xE2>"), f82 = legacy_->tokenId("<0x82>"), fAC = legacy_->tokenId("<0xAC>");
        QCOMPARE(legacy_->decode({fe2, f82, fAC}), std::string("\xE2\x82\xAC"));
        QCOMPARE(legacy_->decode({fe2, f82}), std::string("\xEF\xBF\xBD\xEF\xBF\xBD"));   // one U+FFFD per byte, as HF
        QVERIFY_THROWS_EXCEPTION(Error, byteLevel_->decode({510}));
    }

    void offsetsAreTheBytesEachTokenCameFrom() {
        std::mt19937 rng(5);
        for (int i = 0; i < 100; ++i) {
            const std::string text = test::randomUtf8(rng, 5) + "<|eot_id|>" + test::randomTrickyAscii(rng, 4) + "<tool>" + test::randomUtf8(rng, 3);
            const TokenEncoding enc = byteLevel_->encodeWithOffsets(text, true);
            QCOMPARE(enc.ids.size(), enc.offsets.size());
            QCOMPARE(enc.offsets[0].begin, std::size_t(0));   // the BOS the post-processor adds: empty
            QCOMPARE(enc.offsets[0].end, std::size_t(0));
            std::size_t at = 0;
            for (std::size_t k = 1; k < enc.ids.size(); ++k) {
                const std::string piece = byteLevel_->piece(enc.ids[k]);
                const std::string bytes = enc.ids[k] >= 506 ? piece : test::gpt2Bytes(piece);
                QCOMPARE(enc.offsets[k].begin, at);
                QCOMPARE(textOf(text, enc.offsets[k]), bytes);
                at = enc.offsets[k].end;
            }
            QCOMPARE(at, text.size());
        }
    }

    void offsetsThroughTheNormalizer() {
        const std::string text = "The dog\ncafé";
        const TokenEncoding enc = legacy_->encodeWithOffsets(text, false);
        for (std::size_t k = 0; k < enc.ids.size(); ++k) {
            const std::string piece = legacy_->piece(enc.ids[k]);
            if (piece.size() == 6 && piece.compare(0, 3, "<0x") == 0) {   // one byte each
                QCOMPARE(enc.offsets[k].end - enc.offsets[k].begin, std::size_t(1));
                QCOMPARE(int(static_cast<unsigned char>(text[enc.offsets[k].begin])), std::stoi(piece.substr(3, 2), nullptr, 16));
                continue;
            }
            const std::string spaced = replaceAll(piece, kMeta, " ");
            // The "▁" put in front of the text stands for its first character.
            QCOMPARE(k == 0 ? " " + textOf(text, enc.offsets[k]) : textOf(text, enc.offsets[k]), spaced);
        }
        // NFC: a decomposed é becomes one character whose tokens point at both original characters.
        json j = test::readJson(test::tokenizerFixture("byte-level-bpe/tokenizer.json"));
        j["normalizer"] = {{"type", "NFC"}};
        auto nfc = loadTokenizer(test::editedFixture(dir("nfc"), "byte-level-bpe", j));
        const std::string decomposed = "Cafe\xCC\x81 x";
        const TokenEncoding n = nfc->encodeWithOffsets(decomposed, false);
        QCOMPARE(nfc->decode(n.ids), std::string("Caf\xC3\xA9 x"));
        QCOMPARE(n.offsets.back().end, decomposed.size());
        bool coversAccent = false;
        for (const TextSpan& s : n.offsets) coversAccent = coversAccent || (s.begin <= 3 && s.end >= 6);
        QVERIFY(coversAccent);
    }

    void streamingNeverSplitsACharacter() {
        for (const auto& tok : {byteLevel_, legacy_, metaspace_}) {
            const std::string text = "añ 你好😀👨‍👩‍👧 ok";
            const std::vector<int64_t> ids = tok->encode(text, false);
            StreamingDecoder stream(tok);
            std::string joined;
            int heldBack = 0;
            for (int64_t id : ids) {
                const std::string piece = stream.push(id);
                QVERIFY2(test::validUtf8(piece), piece.c_str());
                heldBack += piece.empty();
                joined += piece;
            }
            joined += stream.flush();
            QCOMPARE(joined, tok->decode(ids));
            QCOMPARE(joined, text);
            QVERIFY(heldBack > 0);   // 😀 alone takes four byte tokens in these small vocabularies
        }
        StreamingDecoder stream(byteLevel_);   // bytes still missing at the end come out replaced
        QCOMPARE(stream.push(byteLevel_->tokenId(test::gpt2Chars("\xF0"))), std::string());
        QCOMPARE(stream.flush(), std::string("\xEF\xBF\xBD"));
    }

    void addedTokenFlags() {
        json j = test::readJson(test::tokenizerFixture("byte-level-bpe/tokenizer.json"));
        j["added_tokens"][2]["lstrip"] = true;   // <|eot_id|>
        j["added_tokens"][2]["rstrip"] = true;
        j["added_tokens"][3]["single_word"] = true;   // <tool>
        j["added_tokens"].push_back({{"id", 510}, {"content", "<|eot"}, {"special", true}, {"normalized", false}});
        auto tok = loadTokenizer(test::editedFixture(dir("flags"), "byte-level-bpe", j));
        const std::string text = "a  <|eot_id|>  b";
        const TokenEncoding enc = tok->encodeWithOffsets(text, false);
        std::vector<int64_t> expected = tok->encode("a", false);
        expected.push_back(508);
        for (int64_t id : tok->encode("b", false)) expected.push_back(id);
        QCOMPARE(enc.ids, expected);
        QCOMPARE(enc.offsets[1].begin, std::size_t(1));   // the spaces on both sides belong to the token
        QCOMPARE(enc.offsets[1].end, std::size_t(15));
        auto has = [&](const std::string& t, int64_t id) {
            const auto ids = tok->encode(t, false);
            return std::find(ids.begin(), ids.end(), id) != ids.end();
        };
        QVERIFY(!has("x<tool>y", 509));   // single_word: not inside a word
        QVERIFY(has("x <tool> y", 509));
        QVERIFY(has("<|eotx", 510));      // the longest token wins where several start
        QVERIFY(!has("<|eot_id|>", 510));
        QVERIFY(tok->isSpecial(508) && !tok->isSpecial(509) && !tok->isSpecial(100));
    }

    void normalizedAddedTokenIsMatchedInNormalizedText() {
        json j = test::readJson(test::tokenizerFixture("byte-fallback-legacy/tokenizer.json"));
        j["added_tokens"].push_back({{"id", 510}, {"content", "lazy dog"}, {"special", false}, {"normalized", true}});
        auto tok = loadTokenizer(test::editedFixture(dir("normalized"), "byte-fallback-legacy", j));
        const auto ids = tok->encode("the lazy dog", false);
        QCOMPARE(ids.back(), int64_t(510));   // "▁lazy▁dog" in "▁the▁lazy▁dog"
        QCOMPARE(tok->decode(ids), std::string("the lazy dog"));
    }

    void vocabularyAndSpecialTokens() {
        QCOMPARE(byteLevel_->kind(), std::string("tokenizer.json (byte-level BPE)"));
        QCOMPARE(legacy_->kind(), std::string("tokenizer.json (BPE, byte fallback)"));
        QCOMPARE(byteLevel_->vocabSize(), int64_t(510));
        QCOMPARE(byteLevel_->bosId(), int64_t(506));
        QCOMPARE(byteLevel_->eosId(), int64_t(508));   // tokenizer_config.json's eos_token
        QCOMPARE(legacy_->bosId(), int64_t(1));
        QCOMPARE(legacy_->eosId(), int64_t(2));
        QCOMPARE(metaspace_->eosId(), int64_t(-1));    // no tokenizer_config.json and no EOS in the post-processor
        QCOMPARE(byteLevel_->piece(508), std::string("<|eot_id|>"));
        QCOMPARE(byteLevel_->tokenId(test::gpt2Chars(" the")), byteLevel_->encode(" the", false).front());
        QCOMPARE(byteLevel_->tokenId("not a token"), int64_t(-1));
        QCOMPARE(byteLevel_->path(), test::tokenizerFixture("byte-level-bpe") + "/tokenizer.json");
        QVERIFY_THROWS_EXCEPTION(Error, byteLevel_->piece(510));
        const json none = {{"bos_token", nullptr}, {"eos_token", {{"content", "<|end_of_text|>"}}}};
        auto qwenLike = loadTokenizer(test::editedFixture(dir("no-bos"), "byte-level-bpe",
                                                          test::readJson(test::tokenizerFixture("byte-level-bpe/tokenizer.json")), &none));
        QCOMPARE(qwenLike->bosId(), int64_t(-1));
        QCOMPARE(qwenLike->eosId(), int64_t(507));
    }

    void llamaClassTakesAddBosAndAddEosFromTheConfig() {
        const json tokenizer = test::readJson(test::tokenizerFixture("byte-fallback-legacy/tokenizer.json"));
        json config = test::readJson(test::tokenizerFixture("byte-fallback-legacy/tokenizer_config.json"));
        config["add_bos_token"] = false;
        config["add_eos_token"] = true;
        auto tok = loadTokenizer(test::editedFixture(dir("llama-eos"), "byte-fallback-legacy", tokenizer, &config));
        const auto ids = tok->encode("dog", true);
        QCOMPARE(ids.back(), int64_t(2));
        QVERIFY(ids.front() != 1);
        QCOMPARE(tok->encodeWithOffsets("dog", true).offsets.back().begin, std::size_t(3));   // after the text
        config["tokenizer_class"] = "PreTrainedTokenizerFast";   // other classes keep the file's post-processor
        auto plain = loadTokenizer(test::editedFixture(dir("plain-eos"), "byte-fallback-legacy", tokenizer, &config));
        QCOMPARE(plain->encode("dog", true).front(), int64_t(1));
        QVERIFY(plain->encode("dog", true).back() != 2);
    }
};

QTEST_GUILESS_MAIN(TestTextTokenizer)
#include "tst_text_tokenizer.moc"
