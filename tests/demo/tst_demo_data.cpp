// buildDemoData end to end: on a hand-written source tree (exact counts, errors), and on the Debian
// packages installed on this machine (sizes, splits by item, valid alpaca lines, determinism).
#include "demo_data.h"
#include "demo_test_support.h"
#include "l1ra/error.h"
#include "text_clean.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>

using namespace l1ra;
using namespace l1ra::demo;

namespace {

const char* const kAllFiles[] = {kCorpusTrainFile, kCorpusValFile, kTaskTrainFile, kTaskValFile, kNoticeFile, kManifestFile};

bool installedPackagesPresent() {
    const DemoSources installed;
    return std::filesystem::is_directory(installed.wordnetDir) &&
           std::filesystem::is_directory(installed.bsdgamesDir + "/quiz") &&
           std::filesystem::is_directory(installed.fortunesDir) &&
           std::filesystem::is_regular_file(installed.docDir + "/wordnet-base/copyright");
}

std::set<std::string> instructions(const std::vector<test::AlpacaRecord>& records) {
    std::set<std::string> out;
    for (const auto& record : records) out.insert(record.instruction);
    return out;
}

// The item a question is about, as the split sees it: the acronym, the word, or the question itself.
std::string itemOf(const std::string& instruction) {
    const std::string acronymMark = "the acronym ";
    const std::size_t acronym = instruction.find(acronymMark);
    if (acronym != std::string::npos && instruction.find(" stand for?") != std::string::npos) {
        const std::size_t start = acronym + acronymMark.size();
        return "acronym:" + asciiUpper(instruction.substr(start, instruction.find(' ', start) - start));
    }
    const std::string define = "Define the word: ";
    if (instruction.rfind(define, 0) == 0) return "word:" + instruction.substr(define.size());
    return "question:" + instruction;
}

template <typename F>
std::string errorOf(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

class TestDemoData : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    DemoSources samples_;
    std::string path(const std::string& name) { return dir_.path().toStdString() + "/" + name; }

    // Structure checks shared by the sample and the real builds.
    void checkOutputFolder(const std::string& out, const DemoDataReport& report) {
        for (const char* name : kAllFiles) QVERIFY2(std::filesystem::is_regular_file(out + "/" + name), name);
        QCOMPARE(report.filesWritten.size(), std::size_t(6));
        QCOMPARE(report.filesWritten.back(), out + "/" + kManifestFile);
        for (const auto& entry : std::filesystem::directory_iterator(out))   // no temporary files left behind
            QVERIFY2(entry.path().filename().string().find(".tmp") == std::string::npos, entry.path().c_str());

        const auto train = test::readAlpacaFile(out + "/" + kTaskTrainFile);
        const auto val = test::readAlpacaFile(out + "/" + kTaskValFile);
        QCOMPARE(int64_t(train.size()), report.taskQuiz.train + report.taskAcronym.train + report.taskDefinition.train);
        QCOMPARE(int64_t(val.size()), report.taskQuiz.val + report.taskAcronym.val + report.taskDefinition.val);
        std::set<std::string> trainItems, valItems;
        for (const auto* split : {&train, &val}) {
            for (const auto& record : *split) {
                QVERIFY2(!record.instruction.empty() && !record.output.empty(), record.instruction.c_str());
                QCOMPARE(record.input, std::string());
                QVERIFY2(record.output.find('\n') == std::string::npos, record.output.c_str());
                QVERIFY2(record.output == collapseWhitespace(record.output), record.output.c_str());
                QVERIFY2(record.output.size() <= 100 && record.instruction.size() <= 300, record.instruction.c_str());
                (split == &train ? trainItems : valItems).insert(itemOf(record.instruction));
            }
        }
        // Split by item: no question, acronym or word on both sides.
        for (const std::string& item : valItems) QVERIFY2(!trainItems.count(item), item.c_str());
        QCOMPARE(instructions(train).size(), train.size());   // and no question twice

        for (const char* name : {kCorpusTrainFile, kCorpusValFile}) {
            const std::string text = test::readFile(out + "/" + name);
            QVERIFY2(text.empty() || text.back() == '\n', name);
            QVERIFY2(text.find("\n\n\n") == std::string::npos, name);
            QVERIFY2(!hasControlCharacters(text), name);
            QVERIFY2(toValidUtf8(text) == text, name);
        }
        QCOMPARE(int64_t(test::readFile(out + "/" + kCorpusTrainFile).size()), report.corpusBytes.train);
        QCOMPARE(int64_t(test::readFile(out + "/" + kCorpusValFile).size()), report.corpusBytes.val);

        const auto manifest = nlohmann::json::parse(test::readFile(out + "/" + kManifestFile));
        QCOMPARE(manifest["format"].get<std::string>(), std::string("l1ra-demo-data"));
        QCOMPARE(manifest["corpus"]["bytes"]["train"].get<int64_t>(), report.corpusBytes.train);
        QCOMPARE(manifest["task"]["records"]["quiz"]["val"].get<int64_t>(), report.taskQuiz.val);
        QCOMPARE(manifest["sources"]["wordnet"]["synsets"].get<int64_t>(), report.wordnetSynsets);
    }

    bool sameFiles(const std::string& a, const std::string& b) {
        for (const char* name : kAllFiles)
            if (test::readFile(a + "/" + name) != test::readFile(b + "/" + name)) return false;
        return true;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        samples_ = test::writeSampleSources(path("sources"));
    }

    void buildsFromSampleSources() {
        DemoDataOptions options;
        options.valFraction = 0.25;
        const std::string out = path("sample-out/nested");   // created when missing
        const DemoDataReport report = buildDemoData(samples_, out, options);
        QCOMPARE(report.wordnetSynsets, int64_t(9));
        QCOMPARE(report.quizTopics, int64_t(3));
        QCOMPARE(report.quizRecords, int64_t(8));
        QCOMPARE(report.acronymEntries, int64_t(6));
        QCOMPARE(report.fortuneFiles, int64_t(2));   // not the .dat, not the .u8 link, not off/
        QCOMPARE(report.fortuneRecords, int64_t(5));
        QCOMPARE(report.corpusFortuneDocuments.total(), int64_t(4));   // ASCII art left out
        QCOMPARE(report.corpusWordnetDocuments.total(), int64_t(9));
        QCOMPARE(report.taskQuiz.total(), int64_t(8));
        QCOMPARE(report.taskAcronym.total(), int64_t(5));
        QCOMPARE(report.taskDefinition.total(), int64_t(5));
        QVERIFY(report.taskQuiz.val > 0 && report.taskAcronym.val > 0 && report.taskDefinition.val > 0);
        checkOutputFolder(out, report);
        if (QTest::currentTestFailed()) return;

        const std::string corpus = test::readFile(out + "/" + kCorpusTrainFile) + test::readFile(out + "/" + kCorpusValFile);
        QVERIFY(corpus.find("A good day.") != std::string::npos);
        QVERIFY(corpus.find("NEVER READ THIS") == std::string::npos);
        QVERIFY(corpus.find("Also called domestic dog.") != std::string::npos);
        // The two George Washington questions that share an answer stay on one side.
        const auto val = test::readAlpacaFile(out + "/" + kTaskValFile);
        const auto train = test::readAlpacaFile(out + "/" + kTaskTrainFile);
        int washingtonTrain = 0, washingtonVal = 0;
        for (const auto& r : train) washingtonTrain += r.instruction.find("George Washington") != std::string::npos;
        for (const auto& r : val) washingtonVal += r.instruction.find("George Washington") != std::string::npos;
        QVERIFY(washingtonTrain == 0 || washingtonVal == 0);
        QCOMPARE(washingtonTrain + washingtonVal, 3);

        const std::string notice = test::readFile(out + "/" + kNoticeFile);
        QVERIFY(notice.find("WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved.") != std::string::npos);
        QVERIFY(notice.find("The Regents of the University of California") != std::string::npos);
        QVERIFY(notice.find("fortune-mod") != std::string::npos);
        QVERIFY(notice.find("is identical to the text above") != std::string::npos);
    }

    void capsAndValFractionZero() {
        DemoDataOptions options;
        options.valFraction = 0.0;
        options.maxQuizRecords = 4;
        options.maxAcronymRecords = 2;
        options.maxDefinitionRecords = 2;
        const DemoDataReport report = buildDemoData(samples_, path("capped"), options);
        QCOMPARE(report.taskQuiz.train, int64_t(4));
        QCOMPARE(report.taskAcronym.train, int64_t(2));
        QCOMPARE(report.taskDefinition.train, int64_t(2));
        QCOMPARE(report.quizCandidates, int64_t(8));
        QCOMPARE(report.taskQuiz.val + report.taskAcronym.val + report.taskDefinition.val, int64_t(0));
        QCOMPARE(report.corpusBytes.val, int64_t(0));
        // Definitions keep the most common words.
        const auto train = test::readAlpacaFile(path("capped") + "/" + kTaskTrainFile);
        std::set<std::string> words;
        for (const auto& r : train)
            if (r.instruction.rfind("Define the word: ", 0) == 0) words.insert(r.instruction.substr(17));
        QCOMPARE(words, (std::set<std::string>{"able", "dog"}));
    }

    void sampleBuildIsDeterministic() {
        DemoDataOptions options;
        options.valFraction = 0.3;
        buildDemoData(samples_, path("det-a"), options);
        buildDemoData(samples_, path("det-b"), options);
        QVERIFY(sameFiles(path("det-a"), path("det-b")));
    }

    void missingSourcesAreNamed() {
        DemoSources noWordnet = samples_;
        noWordnet.wordnetDir = path("nowhere/wordnet");
        std::string message = errorOf([&] { buildDemoData(noWordnet, path("err-out")); });
        QVERIFY2(message.find(noWordnet.wordnetDir) != std::string::npos, message.c_str());
        QVERIFY2(message.find("wordnet-base") != std::string::npos, message.c_str());
        QVERIFY(!std::filesystem::exists(path("err-out")));   // nothing written before the sources check out

        DemoSources noLicence = samples_;
        noLicence.docDir = path("nowhere/doc");
        message = errorOf([&] { buildDemoData(noLicence, path("err-out")); });
        QVERIFY2(message.find(path("nowhere/doc/wordnet-base/copyright")) != std::string::npos, message.c_str());

        const std::string brokenTree = path("broken");
        DemoSources noAcronyms = test::writeSampleSources(brokenTree);
        std::filesystem::remove(brokenTree + "/bsdgames/acronyms.comp");
        message = errorOf([&] { buildDemoData(noAcronyms, path("err-out")); });
        QVERIFY2(message.find(brokenTree + "/bsdgames/acronyms.comp") != std::string::npos, message.c_str());

        DemoDataOptions bad;
        bad.valFraction = 1.0;
        QVERIFY(errorOf([&] { buildDemoData(samples_, path("err-out"), bad); }).find("valFraction") != std::string::npos);
        QVERIFY(!errorOf([&] { buildDemoData(samples_, ""); }).empty());
    }

    void installedPackages() {
        if (!installedPackagesPresent())
            QSKIP("wordnet-base, bsdgames, fortunes not installed (packaging/install-deps.sh installs them)");
        const DemoSources installed;
        QElapsedTimer timer;
        timer.start();
        const DemoDataReport report = buildDemoData(installed, path("real-1234"));
        const qint64 elapsedMs = timer.elapsed();
        checkOutputFolder(path("real-1234"), report);
        if (QTest::currentTestFailed()) return;

        QVERIFY(report.wordnetSynsets > 100000);
        QVERIFY(report.quizTopics > 20 && report.quizRecords > 1000);
        QVERIFY(report.acronymEntries > 1000);
        QVERIFY(report.fortuneRecords > 1000);
        for (const SplitCounts* counts : {&report.corpusWordnetDocuments, &report.corpusFortuneDocuments, &report.corpusBytes,
                                          &report.taskQuiz, &report.taskAcronym, &report.taskDefinition})
            QVERIFY(counts->train > 0 && counts->val > 0);
        // Sized for a tiny model: a few thousand task records, each family capped.
        const int64_t taskRecords = report.taskQuiz.total() + report.taskAcronym.total() + report.taskDefinition.total();
        QVERIFY2(taskRecords >= 2000 && taskRecords <= 6000, std::to_string(taskRecords).c_str());
        QCOMPARE(report.taskDefinition.total(), DemoDataOptions{}.maxDefinitionRecords);
        const auto valShare = double(report.corpusWordnetDocuments.val + report.corpusFortuneDocuments.val) /
                              double(report.corpusWordnetDocuments.total() + report.corpusFortuneDocuments.total());
        QVERIFY(valShare > 0.09 && valShare < 0.11);

        const auto train = test::readAlpacaFile(path("real-1234") + "/" + kTaskTrainFile);
        const auto answers = [&] {
            std::map<std::string, std::string> out;
            for (const auto& r : train) out[r.instruction] = r.output;
            for (const auto& r : test::readAlpacaFile(path("real-1234") + "/" + kTaskValFile)) out[r.instruction] = r.output;
            return out;
        }();
        const auto expect = [&](const std::string& question, const std::string& answer) {
            const auto found = answers.find(question);
            if (found != answers.end()) QCOMPARE(found->second, answer);   // it may have been capped away
        };
        expect("What is the capital of Algeria?", "Algiers");
        expect("What does the acronym ASAP stand for?", "as soon as possible");
        expect("In computing, what does the acronym CPU stand for?", "central processing unit");
        QCOMPARE(answers.at("Define the word: person"), std::string("a human being"));
        const std::string notice = test::readFile(path("real-1234") + "/" + kNoticeFile);
        QVERIFY(notice.find("WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved.") != std::string::npos);

        // Same seed: byte-identical files.
        buildDemoData(installed, path("real-1234-again"));
        QVERIFY(sameFiles(path("real-1234"), path("real-1234-again")));

        // Another seed: another split of the same items; and the corpus byte cap holds.
        DemoDataOptions other;
        other.seed = 99;
        other.maxCorpusBytes = 2'000'000;
        const DemoDataReport otherReport = buildDemoData(installed, path("real-99"), other);
        checkOutputFolder(path("real-99"), otherReport);
        const auto val1234 = instructions(test::readAlpacaFile(path("real-1234") + "/" + kTaskValFile));
        const auto val99 = instructions(test::readAlpacaFile(path("real-99") + "/" + kTaskValFile));
        QVERIFY(val1234 != val99);
        QCOMPARE(otherReport.taskQuiz.total(), report.taskQuiz.total());   // the caps do not depend on the seed
        const int64_t corpusBytes = otherReport.corpusBytes.total();
        QVERIFY2(corpusBytes <= 2'000'000 && corpusBytes > 1'990'000, std::to_string(corpusBytes).c_str());

        qInfo("installed packages, seed 1234: built in %lld ms", static_cast<long long>(elapsedMs));
        qInfo("  read: %lld synsets, %lld quiz topics / %lld records, %lld acronyms, %lld fortune files / %lld fortunes",
              static_cast<long long>(report.wordnetSynsets), static_cast<long long>(report.quizTopics),
              static_cast<long long>(report.quizRecords), static_cast<long long>(report.acronymEntries),
              static_cast<long long>(report.fortuneFiles), static_cast<long long>(report.fortuneRecords));
        const auto line = [](const char* what, const SplitCounts& c) {
            qInfo("  %-22s train %8lld  val %7lld", what, static_cast<long long>(c.train), static_cast<long long>(c.val));
        };
        line("corpus wordnet docs", report.corpusWordnetDocuments);
        line("corpus fortune docs", report.corpusFortuneDocuments);
        line("corpus bytes", report.corpusBytes);
        line("task quiz", report.taskQuiz);
        line("task acronym", report.taskAcronym);
        line("task definition", report.taskDefinition);
        line("task bytes", report.taskBytes);
        qInfo("  candidates before caps: quiz %lld, acronym %lld, definition %lld",
              static_cast<long long>(report.quizCandidates), static_cast<long long>(report.acronymCandidates),
              static_cast<long long>(report.definitionCandidates));
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "tst_demo_data.moc"
