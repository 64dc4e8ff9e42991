// Demo material readers on small hand-written inputs: quiz patterns and records, WordNet glosses and
// senses, acronyms, fortunes, text clean-up, the task split rules and atomic writing.
#include "acronym_questions.h"
#include "acronym_reader.h"
#include "corpus_documents.h"
#include "definition_questions.h"
#include "demo_test_support.h"
#include "file_io.h"
#include "fortune_reader.h"
#include "l1ra/error.h"
#include "quiz_pattern.h"
#include "quiz_questions.h"
#include "quiz_reader.h"
#include "task_item.h"
#include "text_clean.h"
#include "wordnet_reader.h"
#include "wordnet_senses.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <map>
#include <set>

using namespace l1ra;
using namespace l1ra::demo;

namespace {

// instruction -> output, to look answers up by question.
std::map<std::string, std::string> byInstruction(const std::vector<TaskItem>& items) {
    std::map<std::string, std::string> out;
    for (const TaskItem& item : items) out[item.instruction] = item.output;
    return out;
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

class TestDemoReaders : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    DemoSources sources_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        sources_ = test::writeSampleSources(dir_.path().toStdString() + "/sources");
    }

    void quizPatternTakesFirstAlternativeWithOptionalText() {
        QCOMPARE(renderQuizPattern("{G{eorge} }Washington"), std::string("George Washington"));
        QCOMPARE(renderQuizPattern("Alabama|Ala|AL"), std::string("Alabama"));
        QCOMPARE(renderQuizPattern("Hen[ry|] [I|1]"), std::string("Henry I"));
        QCOMPARE(renderQuizPattern("{I }[injure|thwart]"), std::string("I injure"));
        QCOMPARE(renderQuizPattern("1801-{{18}0}9"), std::string("1801-1809"));
        QCOMPARE(renderQuizPattern("forget{-| }me{-| }not"), std::string("forget-me-not"));
        QCOMPARE(renderQuizPattern("{the }Federation|federation"), std::string("the Federation"));
        // Optional hints can be left out of answers.
        QCOMPARE(renderQuizPattern("7{(integers)}", OptionalText::Omit), std::string("7"));
        QCOMPARE(renderQuizPattern("{John {F{.} }}Kennedy|JFK", OptionalText::Omit), std::string("Kennedy"));
    }

    void quizPatternEscapesAndOddCases() {
        QCOMPARE(renderQuizPattern("To be{,} or not to be{\\:}"), std::string("To be, or not to be:"));
        QCOMPARE(renderQuizPattern(".,/stop\\\\./m$"), std::string(".,/stop\\./m$"));   // "\\" is one backslash
        QCOMPARE(renderQuizPattern("\\[x\\]"), std::string("[x]"));
        // Accented letters spelled several ways: the plain letter wins.
        QCOMPARE(renderQuizPattern("Yaound['e|e'|e]"), std::string("Yaounde"));
        QCOMPARE(renderQuizPattern("C[^o|o^|o]te d'Ivoire"), std::string("Cote d'Ivoire"));
        QCOMPARE(renderQuizPattern("[\xC2\xB0" "A|A\xC2\xB0|A]land Islands"), std::string("Aland Islands"));
        QCOMPARE(renderQuizPattern("Bahr[a|e]in"), std::string("Bahrain"));
        // Alternatives drawn with backspaces are passed over.
        QCOMPARE(renderQuizPattern("T['\bo|o\b'|o]rshavn"), std::string("Torshavn"));
        // Unbalanced brackets are read leniently; whitespace collapses.
        QCOMPARE(renderQuizPattern("abc{def"), std::string("abcdef"));
        QCOMPARE(renderQuizPattern("a]b"), std::string("a]b"));
        QCOMPARE(renderQuizPattern("  two   words "), std::string("two words"));
        QCOMPARE(renderQuizPattern("{only optional}", OptionalText::Omit), std::string());
    }

    void quizFieldsSplitAtUnescapedColons() {
        QCOMPARE(splitQuizFields("a:b\\:c:d"), (std::vector<std::string>{"a", "b\\:c", "d"}));
        QCOMPARE(splitQuizFields("202:washington d c|DC:"), (std::vector<std::string>{"202", "washington d c|DC", ""}));
        QCOMPARE(splitQuizFields("x"), (std::vector<std::string>{"x"}));
    }

    void quizContinuationLinesJoin() {
        const std::string text = "line one:\\\nline two:\\\nwork\nsecond:x\n\nthird:\\\n";
        QCOMPARE(joinQuizContinuations(text), (std::vector<std::string>{"line one:line two:work", "second:x", "third:"}));
        // A blank line inside a record is an empty field, as in bsdgames' "bard".
        QCOMPARE(joinQuizContinuations("a:\\\n\nb:c\n"), (std::vector<std::string>{"a:", "b:c"}));
    }

    void quizReaderFollowsTheIndex() {
        const std::vector<QuizTopic> topics = readQuizTopics(sources_.bsdgamesDir + "/quiz");
        QCOMPARE(topics.size(), std::size_t(3));
        QCOMPARE(topics[0].name, std::string("africa"));
        QCOMPARE(topics[0].path, sources_.bsdgamesDir + "/quiz/africa");
        QCOMPARE(topics[0].columnNames, (std::vector<std::string>{"African", "capital"}));
        QCOMPARE(topics[0].records.size(), std::size_t(4));
        QCOMPARE(topics[1].records.size(), std::size_t(1));   // continuation joined
        QCOMPARE(topics[1].records[0].size(), std::size_t(4));
        QCOMPARE(topics[2].columnNames, (std::vector<std::string>{"colour name", "mood"}));   // '-' read as a space
    }

    void quizQuestionsStandAlone() {
        const auto items = quizTaskItems(readQuizTopics(sources_.bsdgamesDir + "/quiz"));
        const auto answers = byInstruction(items);
        QCOMPARE(answers.at("What is the capital of Algeria?"), std::string("Algiers"));
        QCOMPARE(answers.at("What is the capital of Cote d'Ivoire?"), std::string("Yamoussoukro"));
        QCOMPARE(answers.at("What is the capital of Cameroon?"), std::string("Yaounde"));
        QVERIFY(!answers.count("What is the capital of Atlantis?"));   // empty answer
        QCOMPARE(answers.at("In which years was George Washington President of the United States?"),
                 std::string("1789-1797"));
        QCOMPARE(answers.at("Who was Vice President under President George Washington?"), std::string("John Adams"));
        QCOMPARE(answers.at("Who succeeded George Washington as President of the United States?"),
                 std::string("John Adams"));
        // No phrasing for this topic: the topic and both column names make the question answerable.
        QCOMPARE(answers.at("Quiz topic \"colours\": what is the mood for the colour name \"red\"?"), std::string("angry"));
        QCOMPARE(answers.at("Quiz topic \"colours\": what is the mood for the colour name \"blue\"?"), std::string("sad"));
        QCOMPARE(answers.size(), std::size_t(8));   // "green:gok" is not an answer
        // Every question about one record shares its key.
        std::set<std::string> presidentKeys;
        for (const TaskItem& item : items)
            if (item.instruction.find("Washington") != std::string::npos) presidentKeys.insert(item.key);
        QCOMPARE(presidentKeys, (std::set<std::string>{"quiz:george washington"}));
        for (const TaskItem& item : items) QCOMPARE(item.family, std::string("quiz"));
    }

    void quizMissingFilesAreNamed() {
        const std::string quizDir = dir_.path().toStdString() + "/broken-quiz";
        test::writeFile(quizDir + "/index", "/usr/share/games/bsdgames/quiz/nothere:a:b\n");
        const std::string message = errorOf([&] { readQuizTopics(quizDir); });
        QVERIFY2(message.find(quizDir + "/nothere") != std::string::npos, message.c_str());
        const std::string noIndex = errorOf([&] { readQuizTopics(dir_.path().toStdString() + "/no-such-quiz"); });
        QVERIFY2(noIndex.find("no-such-quiz") != std::string::npos, noIndex.c_str());
    }

    void wordnetGlossSplitsDefinitionAndExamples() {
        Gloss g = splitGloss("a member of the genus Canis; occurs in many breeds; \"the dog barked all night\"  ");
        QCOMPARE(g.definition, std::string("a member of the genus Canis; occurs in many breeds"));
        QCOMPARE(g.examples, (std::vector<std::string>{"the dog barked all night"}));

        g = splitGloss("sparing; \"never of much consequence\"- John Galsworthy; \"a spartan diet\"");
        QCOMPARE(g.definition, std::string("sparing"));
        QCOMPARE(g.examples, (std::vector<std::string>{"never of much consequence", "a spartan diet"}));

        g = splitGloss("able to absorb; \"an assimilative substance  ");   // unclosed quote runs to the end
        QCOMPARE(g.examples, (std::vector<std::string>{"an assimilative substance"}));

        g = splitGloss("a language user's knowledge of words  ");
        QCOMPARE(g.definition, std::string("a language user's knowledge of words"));
        QVERIFY(g.examples.empty());
    }

    void wordnetSynsetLines() {
        QVERIFY(!parseSynsetLine("  1 This software and database is being provided", 'n', "x").has_value());
        QVERIFY(!parseSynsetLine("", 'n', "x").has_value());
        const auto synset = parseSynsetLine(
            "00019731 00 s 02 handy 0 ready_to_hand(p) 0 001 & 00019131 a 0000 | easy to reach; \"a handy spot\"  ",
            'a', "data.adj:7");
        QVERIFY(synset.has_value());
        QCOMPARE(synset->offset, std::string("00019731"));
        QCOMPARE(synset->partOfSpeech, 'a');
        QCOMPARE(synset->lemmas, (std::vector<std::string>{"handy", "ready to hand"}));
        QCOMPARE(synset->gloss.definition, std::string("easy to reach"));
        // w_cnt is hexadecimal.
        std::string line = "00000001 00 n 0a";
        for (int i = 0; i < 10; ++i) line += " w" + std::to_string(i) + " 0";
        line += " 000 | ten words  ";
        QCOMPARE(parseSynsetLine(line, 'n', "x")->lemmas.size(), std::size_t(10));

        const std::string message = errorOf([] { parseSynsetLine("00000001 00 n 03 a 0 | too few words", 'n', "data.noun:9"); });
        QVERIFY2(message.find("data.noun:9") != std::string::npos, message.c_str());
        QVERIFY(!errorOf([] { parseSynsetLine("00000001 00 n 01 a 0 000 no gloss bar", 'n', "data.noun:3"); }).empty());
    }

    void wordnetReaderSkipsTheLicenceHeader() {
        const std::vector<Synset> synsets = readWordNetSynsets(sources_.wordnetDir);
        QCOMPARE(synsets.size(), std::size_t(9));
        QCOMPARE(synsets[1].lemmas, (std::vector<std::string>{"dog", "domestic dog"}));
        QCOMPARE(wordnetDocumentText(synsets[1]),
                 std::string("dog: a member of the genus Canis that has been domesticated by man; occurs in many breeds.\n"
                             "Also called domestic dog.\n"
                             "The dog barked all night."));
        const std::string missing = errorOf([&] { readWordNetSynsets(dir_.path().toStdString()); });
        QVERIFY2(missing.find("data.noun") != std::string::npos, missing.c_str());
    }

    void definitionsPickCommonWordsWithShortGlosses() {
        const auto synsets = readWordNetSynsets(sources_.wordnetDir);
        const auto senses = readPrimarySenses(sources_.wordnetDir);
        QCOMPARE(senses.size(), std::size_t(10));
        const auto items = definitionTaskItems(synsets, senses);
        std::vector<std::string> words;
        for (const TaskItem& item : items) words.push_back(item.key);
        // Most tagged first; lexicon (untagged), entity (long), chair (uses itself), two-word lemmas: out.
        QCOMPARE(words, (std::vector<std::string>{"word:able", "word:dog", "word:run", "word:quickly", "word:handy"}));
        const auto answers = byInstruction(items);
        QCOMPARE(answers.at("Define the word: dog"), std::string("a member of the genus Canis that has been domesticated by man"));
        QCOMPARE(answers.at("Define the word: run"), std::string("move fast by using one's feet"));
        QCOMPARE(answers.at("Define the word: handy"), std::string("easy to reach"));   // a satellite adjective
    }

    void acronymsRenderAndAsk() {
        QCOMPARE(renderAcronymExpansion("authentication, authorization, [and] accounting"),
                 std::string("authentication, authorization, and accounting"));
        QCOMPARE(renderAcronymExpansion("{automated,automatic} teller machine"), std::string("automated teller machine"));
        QCOMPARE(renderAcronymExpansion("bit error {rate,ratio}"), std::string("bit error rate"));
        QCOMPARE(renderAcronymExpansion("broken {brace"), std::string("broken {brace"));

        const auto general = readAcronymFile(sources_.bsdgamesDir + "/acronyms");
        QCOMPARE(general.size(), std::size_t(3));   // the $NetBSD line is not an acronym
        QCOMPARE(general[1].expansion, std::string("I'll be right back"));
        const auto computing = readAcronymFile(sources_.bsdgamesDir + "/acronyms.comp");
        QCOMPARE(computing.size(), std::size_t(3));
        QCOMPARE(computing[2].acronym, std::string("GVFS"));   // no tab on that line
        QCOMPARE(computing[2].expansion, std::string("git virtual file system"));

        std::vector<AcronymEntry> all = general;
        all.insert(all.end(), computing.begin(), computing.end());
        const auto items = acronymTaskItems(all);
        const auto answers = byInstruction(items);
        QCOMPARE(answers.at("What does the acronym ATM stand for?"), std::string("at the moment"));
        QCOMPARE(answers.at("In computing, what does the acronym ATM stand for?"), std::string("asynchronous transfer mode"));
        QVERIFY(!answers.count("What does the acronym PITA stand for?"));   // swear word
        QCOMPARE(items.size(), std::size_t(5));
        for (const TaskItem& item : items)
            if (item.instruction.find(" ATM ") != std::string::npos) QCOMPARE(item.key, std::string("acronym:ATM"));
    }

    void fortunesSplitAtPercentLines() {
        QCOMPARE(parseFortunes("one\n%\ntwo\n\n\tlines  here\n%\n%\n   \n%\nlast"),
                 (std::vector<std::string>{"one", "two\nlines here", "last"}));
        QCOMPARE(parseFortunes("A _\bg_\bo_\bo_\bd day.\r\n%\r\n"), (std::vector<std::string>{"A good day."}));
        // Only text files directly in the folder: no .dat, no .u8 link, nothing from off/.
        QCOMPARE(fortuneFileNames(sources_.fortunesDir), (std::vector<std::string>{"art", "wisdom"}));
        QCOMPARE(readFortuneFile(sources_.fortunesDir + "/wisdom").size(), std::size_t(3));
        // ASCII art is not corpus material.
        const auto documents = fortuneDocuments(readFortuneFile(sources_.fortunesDir + "/art"));
        QCOMPARE(documents.size(), std::size_t(1));
        QCOMPARE(documents[0].text, std::string("Art is long, and time is fleeting."));
    }

    void textCleanUp() {
        QCOMPARE(plainTerminalText("_\bh_\bi"), std::string("hi"));
        QCOMPARE(plainTerminalText("h\b_i\b_"), std::string("hi"));
        QCOMPARE(plainTerminalText("___\b\b\bfoo bar"), std::string("foo bar"));
        QCOMPARE(plainTerminalText("caf'\be"), std::string("cafe"));
        QCOMPARE(plainTerminalText("ring\a the bell\nnext\b\b\b\bNEXT"), std::string("ring the bell\nNEXT"));
        QCOMPARE(toValidUtf8("caf\xE9"), std::string("caf\xC3\xA9"));                 // Latin-1 e-acute
        QCOMPARE(toValidUtf8("caf\xC3\xA9"), std::string("caf\xC3\xA9"));             // already UTF-8
        QCOMPARE(toValidUtf8("\xED\xA0\x80"), std::string("\xC3\xAD\xC2\xA0\xC2\x80"));   // a surrogate is not UTF-8
        QCOMPARE(collapseWhitespace(" \ta \n b  "), std::string("a b"));
        QCOMPARE(asSentence("the dog barked"), std::string("The dog barked."));
        QCOMPARE(asSentence("why?"), std::string("Why?"));
        QCOMPARE(titleCase("northern new jersey"), std::string("Northern New Jersey"));
        QVERIFY(containsWord("a seat with a Chair back", "chair"));
        QVERIFY(!containsWord("chairman", "chair"));
        QVERIFY(letterShare("( o.o )") < kMinFortuneLetterShare);
    }

    void taskItemsAreFilteredAndSplitByKey() {
        std::vector<TaskItem> items = {
            {"quiz", "k1", "Q one?", "  answer\n one "},
            {"quiz", "k1", "Q one again?", "a"},
            {"quiz", "k2", "Q one?", "another answer"},   // repeated question: dropped
            {"quiz", "k3", "Q three?", ""},               // empty answer: dropped
            {"quiz", "", "Q four?", "x"},                 // no key: dropped
            {"quiz", "k5", "Q five?", std::string(kMaxOutputChars + 1, 'x')},
        };
        for (int i = 0; i < 40; ++i) items.push_back({"quiz", "n" + std::to_string(i), "Question " + std::to_string(i), "a"});
        const auto kept = keepLearnable(items);
        QCOMPARE(kept.size(), std::size_t(42));
        QCOMPARE(kept[0].output, std::string("answer one"));

        const TaskSplit split = splitByKey(kept, 7, 0.25);
        QCOMPARE(split.train.size() + split.val.size(), kept.size());
        std::set<std::string> trainKeys, valKeys;
        for (const TaskItem& item : split.train) trainKeys.insert(item.key);
        for (const TaskItem& item : split.val) valKeys.insert(item.key);
        QCOMPARE(valKeys.size(), std::size_t(10));   // round(0.25 x 41 keys)
        for (const std::string& key : valKeys) QVERIFY2(!trainKeys.count(key), key.c_str());
        // k1's two questions travel together.
        QVERIFY(trainKeys.count("k1") != valKeys.count("k1"));
        // Same seed, same split; another seed, another split.
        QCOMPARE(splitByKey(kept, 7, 0.25).val.size(), split.val.size());
        std::set<std::string> otherValKeys;
        for (const TaskItem& item : splitByKey(kept, 8, 0.25).val) otherValKeys.insert(item.key);
        QVERIFY(otherValKeys != valKeys);
        QVERIFY(splitByKey(kept, 7, 0.0).val.empty());

        // The cap keeps whole keys and does not depend on input order.
        const auto capped = capByKey(kept, 10);
        QCOMPARE(capped.size(), std::size_t(10));
        std::vector<TaskItem> reversed(kept.rbegin(), kept.rend());
        std::set<std::string> a, b;
        for (const TaskItem& item : capped) a.insert(item.key);
        for (const TaskItem& item : capByKey(reversed, 10)) b.insert(item.key);
        QCOMPARE(a, b);
    }

    void corpusSplitRespectsTheByteCap() {
        std::vector<CorpusDocument> documents;
        for (int i = 0; i < 100; ++i) documents.push_back({"wordnet", "document number " + std::to_string(i)});
        const CorpusSplit all = splitCorpus(documents, 1, 0.1, 0);
        QCOMPARE(all.train.size(), std::size_t(90));
        QCOMPARE(all.val.size(), std::size_t(10));
        const CorpusSplit capped = splitCorpus(documents, 1, 0.1, 500);
        const std::size_t bytes = corpusFileText(capped.train).size() + corpusFileText(capped.val).size();
        QVERIFY2(bytes <= 500 && bytes > 400, std::to_string(bytes).c_str());
        QCOMPARE(corpusFileText({{"x", "a"}, {"x", "b\nc"}}), std::string("a\n\nb\nc\n"));
        QCOMPARE(corpusFileText({}), std::string());
    }

    void atomicWriteReplacesWholeFiles() {
        const std::string path = dir_.path().toStdString() + "/atomic/out.txt";
        std::filesystem::create_directories(dir_.path().toStdString() + "/atomic");
        writeFileAtomically(path, "first");
        writeFileAtomically(path, "second version");
        QCOMPARE(test::readFile(path), std::string("second version"));
        QCOMPARE(listFileNames(dir_.path().toStdString() + "/atomic"), (std::vector<std::string>{"out.txt"}));
        const std::string bad = dir_.path().toStdString() + "/no-such-folder/out.txt";
        const std::string message = errorOf([&] { writeFileAtomically(bad, "x"); });
        QVERIFY2(message.find(bad) != std::string::npos, message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestDemoReaders)
#include "tst_demo_readers.moc"
