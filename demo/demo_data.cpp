#include "demo_data.h"

#include "acronym_questions.h"
#include "acronym_reader.h"
#include "alpaca_jsonl.h"
#include "corpus_documents.h"
#include "definition_questions.h"
#include "file_io.h"
#include "fortune_reader.h"
#include "l1ra/error.h"
#include "notice.h"
#include "quiz_questions.h"
#include "quiz_reader.h"
#include "seeded_random.h"
#include "task_item.h"
#include "wordnet_reader.h"
#include "wordnet_senses.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace l1ra::demo {

namespace {

using ordered_json = nlohmann::ordered_json;

void checkOptions(const std::string& outDir, const DemoDataOptions& options) {
    if (outDir.empty()) throw Error("demo data: no output folder given");
    if (!(options.valFraction >= 0.0 && options.valFraction < 1.0))
        throw Error("demo data: valFraction must be in [0, 1), got " + std::to_string(options.valFraction));
    if (options.maxCorpusBytes < 0) throw Error("demo data: maxCorpusBytes must be 0 (all) or positive");
    if (options.maxQuizRecords < 0 || options.maxAcronymRecords < 0 || options.maxDefinitionRecords < 0)
        throw Error("demo data: task record caps must be 0 (no cap) or positive");
}

struct FamilyTasks {
    std::string family;
    std::vector<TaskItem> items;   // filtered and capped
    int64_t candidates = 0;        // before the cap
    TaskSplit split;
};

FamilyTasks cappedByKey(const std::string& family, std::vector<TaskItem> items, int64_t maxItems) {
    FamilyTasks tasks{family, keepLearnable(std::move(items)), 0, {}};
    tasks.candidates = int64_t(tasks.items.size());
    tasks.items = capByKey(tasks.items, std::size_t(maxItems));
    return tasks;
}

// Definitions are already ordered most common word first: the cap keeps the head of the list.
FamilyTasks cappedByOrder(const std::string& family, std::vector<TaskItem> items, int64_t maxItems) {
    FamilyTasks tasks{family, keepLearnable(std::move(items)), 0, {}};
    tasks.candidates = int64_t(tasks.items.size());
    if (maxItems > 0 && tasks.items.size() > std::size_t(maxItems)) tasks.items.resize(std::size_t(maxItems));
    return tasks;
}

SplitCounts countsOf(const TaskSplit& split) { return {int64_t(split.train.size()), int64_t(split.val.size())}; }

int64_t countSource(const std::vector<CorpusDocument>& documents, const std::string& source) {
    int64_t n = 0;
    for (const CorpusDocument& document : documents) n += document.source == source ? 1 : 0;
    return n;
}

ordered_json splitJson(const SplitCounts& counts) { return {{"train", counts.train}, {"val", counts.val}}; }

std::string manifestText(const DemoSources& sources, const DemoDataOptions& options, const DemoDataReport& report,
                         const std::vector<std::pair<std::string, int64_t>>& fileSizes) {
    ordered_json manifest;
    manifest["format"] = "l1ra-demo-data";
    manifest["version"] = 1;
    manifest["seed"] = options.seed;
    manifest["valFraction"] = options.valFraction;
    manifest["maxCorpusBytes"] = options.maxCorpusBytes;
    manifest["sources"] = {
        {"wordnet", {{"package", "wordnet-base"}, {"dir", sources.wordnetDir}, {"licence", "WordNet 3.0"},
                     {"synsets", report.wordnetSynsets}}},
        {"bsdgames", {{"package", "bsdgames"}, {"dir", sources.bsdgamesDir}, {"licence", "BSD"},
                      {"quizTopics", report.quizTopics}, {"quizRecords", report.quizRecords},
                      {"acronyms", report.acronymEntries}}},
        {"fortunes", {{"packages", {"fortunes-min", "fortunes"}}, {"dir", sources.fortunesDir}, {"licence", "BSD"},
                      {"files", report.fortuneFiles}, {"records", report.fortuneRecords}}},
    };
    manifest["corpus"] = {
        {"format", "text"},
        {"files", {{"train", kCorpusTrainFile}, {"val", kCorpusValFile}}},
        {"documents", {{"wordnet", splitJson(report.corpusWordnetDocuments)},
                       {"fortune", splitJson(report.corpusFortuneDocuments)}}},
        {"bytes", splitJson(report.corpusBytes)},
    };
    manifest["task"] = {
        {"format", "alpaca"},
        {"files", {{"train", kTaskTrainFile}, {"val", kTaskValFile}}},
        {"splitBy", "item: a question, acronym or word is in train or in val, never both"},
        {"records", {{"quiz", splitJson(report.taskQuiz)}, {"acronym", splitJson(report.taskAcronym)},
                     {"definition", splitJson(report.taskDefinition)}}},
        {"candidates", {{"quiz", report.quizCandidates}, {"acronym", report.acronymCandidates},
                        {"definition", report.definitionCandidates}}},
        {"caps", {{"quiz", options.maxQuizRecords}, {"acronym", options.maxAcronymRecords},
                  {"definition", options.maxDefinitionRecords}}},
        {"bytes", splitJson(report.taskBytes)},
    };
    ordered_json files = ordered_json::array();
    for (const auto& [name, bytes] : fileSizes) files.push_back({{"name", name}, {"bytes", bytes}});
    manifest["files"] = files;
    return manifest.dump(2) + "\n";
}

}  // namespace

DemoDataReport buildDemoData(const DemoSources& sources, const std::string& outDir, const DemoDataOptions& options) {
    checkOptions(outDir, options);
    // Every source is checked (licences included) before anything is written.
    requireDirectory(sources.wordnetDir, "WordNet database (package wordnet-base)");
    requireDirectory(sources.bsdgamesDir, "BSD games data (package bsdgames)");
    requireDirectory(sources.fortunesDir, "fortune files (packages fortunes-min, fortunes)");
    const std::string notice = noticeMarkdown(sources);

    DemoDataReport report;
    const std::vector<Synset> synsets = readWordNetSynsets(sources.wordnetDir);
    const std::vector<PrimarySense> senses = readPrimarySenses(sources.wordnetDir);
    report.wordnetSynsets = int64_t(synsets.size());

    const std::vector<QuizTopic> topics = readQuizTopics(joinPath(sources.bsdgamesDir, "quiz"));
    report.quizTopics = int64_t(topics.size());
    for (const QuizTopic& topic : topics) report.quizRecords += int64_t(topic.records.size());

    std::vector<AcronymEntry> acronyms;
    for (const char* name : {"acronyms", "acronyms.comp"}) {
        const std::string path = joinPath(sources.bsdgamesDir, name);
        requireFile(path, "acronym list (package bsdgames)");
        for (AcronymEntry& entry : readAcronymFile(path)) acronyms.push_back(std::move(entry));
    }
    report.acronymEntries = int64_t(acronyms.size());

    std::vector<std::string> fortunes;
    for (const std::string& name : fortuneFileNames(sources.fortunesDir)) {
        for (std::string& fortune : readFortuneFile(joinPath(sources.fortunesDir, name))) fortunes.push_back(std::move(fortune));
        ++report.fortuneFiles;
    }
    report.fortuneRecords = int64_t(fortunes.size());

    // The task: three families, each split by item with its own seed, then mixed.
    std::vector<FamilyTasks> families;
    families.push_back(cappedByKey("quiz", quizTaskItems(topics), options.maxQuizRecords));
    families.push_back(cappedByKey("acronym", acronymTaskItems(acronyms), options.maxAcronymRecords));
    families.push_back(cappedByOrder("definition", definitionTaskItems(synsets, senses), options.maxDefinitionRecords));
    std::vector<TaskItem> taskTrain, taskVal;
    for (FamilyTasks& tasks : families) {
        tasks.split = splitByKey(tasks.items, purposeSeed(options.seed, "task:" + tasks.family), options.valFraction);
        taskTrain.insert(taskTrain.end(), tasks.split.train.begin(), tasks.split.train.end());
        taskVal.insert(taskVal.end(), tasks.split.val.begin(), tasks.split.val.end());
    }
    seededShuffle(taskTrain, purposeSeed(options.seed, "task-order:train"));
    seededShuffle(taskVal, purposeSeed(options.seed, "task-order:val"));
    report.quizCandidates = families[0].candidates;
    report.acronymCandidates = families[1].candidates;
    report.definitionCandidates = families[2].candidates;
    report.taskQuiz = countsOf(families[0].split);
    report.taskAcronym = countsOf(families[1].split);
    report.taskDefinition = countsOf(families[2].split);

    // The corpus: WordNet paragraphs and fortunes, shuffled together.
    std::vector<CorpusDocument> documents = wordnetDocuments(synsets);
    for (CorpusDocument& document : fortuneDocuments(fortunes)) documents.push_back(std::move(document));
    const CorpusSplit corpus = splitCorpus(std::move(documents), options.seed, options.valFraction, options.maxCorpusBytes);
    report.corpusWordnetDocuments = {countSource(corpus.train, "wordnet"), countSource(corpus.val, "wordnet")};
    report.corpusFortuneDocuments = {countSource(corpus.train, "fortune"), countSource(corpus.val, "fortune")};

    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec) throw Error("cannot create output folder " + outDir + ": " + ec.message());

    std::vector<std::pair<std::string, int64_t>> fileSizes;
    const auto write = [&](const char* name, const std::string& content) {
        const std::string path = joinPath(outDir, name);
        writeFileAtomically(path, content);
        report.filesWritten.push_back(path);
        fileSizes.emplace_back(name, int64_t(content.size()));
        return int64_t(content.size());
    };
    report.corpusBytes.train = write(kCorpusTrainFile, corpusFileText(corpus.train));
    report.corpusBytes.val = write(kCorpusValFile, corpusFileText(corpus.val));
    report.taskBytes.train = write(kTaskTrainFile, alpacaJsonlText(taskTrain));
    report.taskBytes.val = write(kTaskValFile, alpacaJsonlText(taskVal));
    write(kNoticeFile, notice);
    write(kManifestFile, manifestText(sources, options, report, fileSizes));
    return report;
}

}  // namespace l1ra::demo
