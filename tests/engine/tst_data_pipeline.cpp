// Data files to training sequences: formats, loss masks, packing, splits, batches and the sample order.
#include "text/data_records.h"
#include "l1ra/dataset_preview.h"
#include "l1ra/error.h"
#include "l1ra/prompt_template.h"
#include "test_support.h"
#include "text/token_dataset.h"
#include "l1ra/text_tokenizer.h"

#include <QtTest>

#include <algorithm>
#include <set>

using namespace l1ra;

class TestDataPipeline : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::shared_ptr<const Tokenizer> tok_;

    std::string write(const char* name, const std::string& text) {
        const std::string p = tmp_.filePath(name).toStdString();
        test::writeFile(p, text);
        return p;
    }
    static void expectError(const std::function<void()>& fn, const std::vector<std::string>& fragments) {
        try {
            fn();
            QFAIL("no error");
        } catch (const Error& e) {
            for (const auto& f : fragments)
                QVERIFY2(std::string(e.what()).find(f) != std::string::npos, (std::string(e.what()) + " [expected: " + f + "]").c_str());
        }
    }
    std::string trainedText(const TokenSequence& s) {
        std::vector<int64_t> ids;
        for (std::size_t i = 0; i < s.ids.size(); ++i)
            if (s.trained[i] && s.ids[i] != tok_->eosId()) ids.push_back(s.ids[i]);
        return tok_->decode(ids);
    }

private Q_SLOTS:
    void initTestCase() { tok_ = loadTokenizer(test::fixtureModel()); }

    void detectsFormats() {
        QCOMPARE(detectDataFormat(test::dataPath("tiny-text.txt")), std::string("text"));
        QCOMPARE(detectDataFormat(test::dataPath("tiny-alpaca.jsonl")), std::string("alpaca"));
        QCOMPARE(detectDataFormat(test::dataPath("tiny-chat.jsonl")), std::string("chat"));
        QCOMPARE(detectDataFormat(write("t.jsonl", "\n{\"text\": \"hello\"}\n")), std::string("jsonl"));
        expectError([&] { detectDataFormat(write("bad.jsonl", "{\"foo\": 1}\n")); }, {"bad.jsonl", "line 1", "needs"});
        expectError([&] { detectDataFormat(write("empty.jsonl", "\n\n")); }, {"empty.jsonl", "empty"});
        expectError([&] { detectDataFormat(tmp_.filePath("none.txt").toStdString()); }, {"none.txt", "does not exist"});
    }

    void alpacaTrainsOnTheResponseOnly() {
        const std::string path = write("a.jsonl", R"({"instruction": "Name the dog", "input": "", "output": "the lazy dog"})" "\n");
        const auto records = readDataRecords(path, "auto");
        const TokenDataset d = tokenizeRecords(records, *tok_, 256);
        QCOMPARE(d.sequences.size(), std::size_t(1));
        const auto& s = d.sequences[0];
        QCOMPARE(int64_t(s.ids.front()), tok_->bosId());
        QCOMPARE(int64_t(s.ids.back()), tok_->eosId());
        QCOMPARE(int(s.trained.back()), 1);   // EOS is learnt: the model learns to stop
        QCOMPARE(trainedText(s), std::string("the lazy dog"));
        // The prompt is context only and uses the documented template.
        std::vector<int64_t> prompt;
        for (std::size_t i = 1; i < s.ids.size() && !s.trained[i]; ++i) prompt.push_back(s.ids[i]);
        QCOMPARE(tok_->decode(prompt), tok_->decode(tok_->encode(alpacaPrompt("Name the dog"), false)));
    }

    void chatTrainsOnAssistantTurns() {
        const std::string path = write("c.jsonl",
            R"({"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "the dog"}, {"role": "user", "content": "more"}, {"role": "assistant", "content": "the fox"}]})" "\n");
        const TokenDataset d = tokenizeRecords(readDataRecords(path, "auto"), *tok_, 256);
        const std::string trained = trainedText(d.sequences[0]);
        QVERIFY2(trained.find("the dog") != std::string::npos && trained.find("the fox") != std::string::npos, trained.c_str());
        QVERIFY(trained.find("hi") == std::string::npos && trained.find("more") == std::string::npos);
        QVERIFY(trained.find("User") == std::string::npos);
    }

    void shareGptTrainsOnTheAssistantTurns() {
        const std::string path = write("s.jsonl",
            R"({"system": "be terse", "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "the dog"}, {"from": "human", "value": "more"}, {"from": "gpt", "value": "the fox"}]})" "\n");
        QCOMPARE(detectDataFormat(path), std::string("sharegpt"));
        const auto examples = readTrainingExamples(path, "auto");
        QCOMPARE(examples[0].messages.size(), std::size_t(5));   // the system prompt beside the turns comes first
        QCOMPARE(examples[0].messages[0].role, std::string("system"));
        QCOMPARE(examples[0].messages[2].role, std::string("assistant"));
        const TokenDataset d = tokenizeRecords(readDataRecords(path, "auto"), *tok_, 256);
        const std::string trained = trainedText(d.sequences[0]);
        QVERIFY2(trained.find("the dog") != std::string::npos && trained.find("the fox") != std::string::npos, trained.c_str());
        QVERIFY(trained.find("hi") == std::string::npos && trained.find("terse") == std::string::npos);
        // The same conversation written as chat messages gives the same tokens.
        const std::string chat = write("s-chat.jsonl",
            R"({"messages": [{"role": "system", "content": "be terse"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "the dog"}, {"role": "user", "content": "more"}, {"role": "assistant", "content": "the fox"}]})" "\n");
        QCOMPARE(tokenizeRecords(readDataRecords(chat, "auto"), *tok_, 256).sequences[0].ids, d.sequences[0].ids);
        expectError([&] { readDataRecords(write("s-bad.jsonl", R"({"conversations": [{"from": "tool", "value": "x"}]})" "\n"), "auto"); },
                    {"s-bad.jsonl: line 1", "\"from\": \"tool\""});
        expectError([&] { readDataRecords(write("s-none.jsonl", R"({"conversations": [{"from": "human", "value": "x"}]})" "\n"), "auto"); },
                    {"s-none.jsonl: line 1", "no assistant message"});
    }

    void textIsPackedIntoFullSequences() {
        const auto records = readDataRecords(test::dataPath("tiny-text.txt"), "auto");
        QCOMPARE(records.size(), std::size_t(60));   // documents separated by blank lines
        const TokenDataset d = tokenizeRecords(records, *tok_, 64);
        QVERIFY(d.sequences.size() > 10);
        for (std::size_t i = 0; i + 1 < d.sequences.size(); ++i) QCOMPARE(d.sequences[i].ids.size(), std::size_t(64));
        // Documents are wrapped in BOS ... EOS inside the stream.
        const auto& first = d.sequences[0].ids;
        QCOMPARE(int64_t(first[0]), tok_->bosId());
        QVERIFY(std::count(first.begin(), first.end(), int32_t(tok_->eosId())) >= 1 || d.sequences.size() > 1);
        QCOMPARE(d.trainedTokens, d.tokens - int64_t(d.sequences.size()));   // all but each sequence's first token
    }

    void longRecordsAreCutAndEmptyOnesSkipped() {
        std::string longOut(3000, 'a');
        const std::string path = write("long.jsonl",
            std::string(R"({"instruction": ")") + std::string(2000, 'x') + R"(", "output": "y"})" "\n" +
            R"({"instruction": "q", "output": ")" + longOut + "\"}\n");
        const TokenDataset d = tokenizeRecords(readDataRecords(path, "alpaca"), *tok_, 32);
        QCOMPARE(d.skippedRecords, int64_t(1));   // the prompt alone fills the sequence
        QCOMPARE(d.sequences.size(), std::size_t(1));
        QCOMPARE(d.sequences[0].ids.size(), std::size_t(32));
    }

    void badRecordsNameFileAndLine() {
        expectError([&] { readDataRecords(write("b1.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": \"a\"}\n"), "alpaca"); },
                    {"b1.jsonl: line 2", "missing \"output\""});
        expectError([&] { readDataRecords(write("b2.jsonl", "{\"text\": \"a\"}\nnot json\n"), "jsonl"); }, {"b2.jsonl: line 2", "not valid JSON"});
        expectError([&] { readDataRecords(write("b3.jsonl", R"({"messages": [{"role": "robot", "content": "x"}]})" "\n"), "chat"); },
                    {"b3.jsonl: line 1", "role 'robot'"});
        expectError([&] { readDataRecords(write("b4.jsonl", R"({"messages": [{"role": "user", "content": "x"}]})" "\n"), "chat"); },
                    {"no assistant message"});
        expectError([&] { readDataRecords(write("b5.jsonl", "{\"text\": 3}\n"), "jsonl"); }, {"\"text\" must be a string"});
        expectError([&] { readDataRecords(test::dataPath("tiny-text.txt"), "csv"); }, {"format 'csv'"});
    }

    void splitIsDeterministicAndDisjoint() {
        auto records = readDataRecords(test::dataPath("tiny-alpaca.jsonl"), "auto");
        std::vector<DataRecord> t1, v1, t2, v2, t3, v3;
        splitRecords(records, 0.1, 5, &t1, &v1);
        splitRecords(records, 0.1, 5, &t2, &v2);
        splitRecords(records, 0.1, 6, &t3, &v3);
        QCOMPARE(v1.size(), std::size_t(4));
        QCOMPARE(t1.size() + v1.size(), records.size());
        auto key = [](const DataRecord& r) { return r.segments[0].text + r.segments[1].text; };
        QCOMPARE(key(v1[0]), key(v2[0]));
        std::set<std::string> seen;
        for (const auto& r : v3) seen.insert(key(r));
        bool differs = false;
        for (const auto& r : v1) differs = differs || !seen.count(key(r));
        QVERIFY(differs);
        std::vector<DataRecord> tiny = {records[0]}, t4, v4;
        splitRecords(tiny, 0.5, 1, &t4, &v4);
        QCOMPARE(t4.size(), std::size_t(1));   // one record is never all validation
    }

    void batchesPadAndShiftLabels() {
        TokenDataset d;
        d.sequences.push_back({{1, 10, 11, 12}, {0, 1, 1, 1}});
        d.sequences.push_back({{1, 20}, {0, 1}});
        const Batch b = makeBatch(d, {0, 1}, 2);
        QCOMPARE(b.cols, int64_t(4));
        QCOMPARE(b.ids, (std::vector<int64_t>{1, 10, 11, 12, 1, 20, 2, 2}));
        QCOMPARE(b.labels, (std::vector<int64_t>{10, 11, 12, -100, 20, -100, -100, -100}));
        QCOMPARE(b.lossTokens, int64_t(4));
        QCOMPARE(b.inputTokens, int64_t(6));
    }

    void sampleOrderIsAFunctionOfPosition() {
        SampleOrder a(10, 3), b(10, 3);
        const auto first = a.range(0, 25);
        // Each epoch is a permutation.
        std::vector<int64_t> epoch0(first.begin(), first.begin() + 10);
        std::sort(epoch0.begin(), epoch0.end());
        for (int i = 0; i < 10; ++i) QCOMPARE(epoch0[std::size_t(i)], int64_t(i));
        // Jumping straight to a position (as a resumed run does) gives the same samples.
        QCOMPARE(b.range(17, 8), std::vector<int64_t>(first.begin() + 17, first.end()));
        QVERIFY(std::vector<int64_t>(first.begin(), first.begin() + 10) != std::vector<int64_t>(first.begin() + 10, first.begin() + 20));
    }

    void previewShowsFormatCountAndSamples() {
        const DatasetPreview p = previewDataset(test::dataPath("tiny-alpaca.jsonl"));
        QCOMPARE(p.format, std::string("alpaca"));
        QCOMPARE(p.records, int64_t(40));
        QCOMPARE(p.samples.size(), std::size_t(5));
        QVERIFY(p.samples[0].prompt.rfind("### Instruction:", 0) == 0);
        QVERIFY(!p.samples[0].response.empty());
        QVERIFY(p.bytes > 1000);
        const DatasetPreview t = previewDataset(test::dataPath("tiny-text.txt"), "auto", 2);
        QCOMPARE(t.format, std::string("text"));
        QVERIFY(t.samples[0].prompt.empty());
    }

    void chatPromptEndsReadyForTheAssistant() {
        const std::string p = chatPrompt({{"system", "be brief"}, {"user", "hi"}});
        QCOMPARE(p, std::string("### System:\nbe brief\n\n### User:\nhi\n\n### Assistant:\n"));
    }
};

QTEST_GUILESS_MAIN(TestDataPipeline)
#include "tst_data_pipeline.moc"
