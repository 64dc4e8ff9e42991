#pragma once
// Builds the studio's offline demo material from Debian packages (DESIGN.md section 5): a pretraining
// corpus (WordNet glosses and fortunes) and an instruction task (quiz questions, acronyms, word
// definitions), each split into train and validation, with a manifest and the sources' licences.
// Plain C++: no torch, no Qt.
#include <cstdint>
#include <string>
#include <vector>

namespace l1ra::demo {

struct DemoSources {
    std::string wordnetDir = "/usr/share/wordnet";           // wordnet-base: data.*, index.*, cntlist.rev
    std::string bsdgamesDir = "/usr/share/games/bsdgames";   // bsdgames: quiz/, acronyms, acronyms.comp
    std::string fortunesDir = "/usr/share/games/fortunes";   // fortunes-min, fortunes
    std::string docDir = "/usr/share/doc";                   // <package>/copyright, copied into NOTICE.md
};

struct DemoDataOptions {
    uint64_t seed = 1234;          // the same seed and sources give byte-identical files
    double valFraction = 0.1;      // share of corpus documents and of task items held out, in [0, 1)
    int64_t maxCorpusBytes = 0;    // both corpus files together at most this many bytes; 0 = everything
    // Task records per family at most (0 = no cap). A tiny model learns a few thousand records well.
    int64_t maxQuizRecords = 2000;
    int64_t maxAcronymRecords = 1000;
    int64_t maxDefinitionRecords = 1000;   // the most common words are kept
};

struct SplitCounts {
    int64_t train = 0;
    int64_t val = 0;
    int64_t total() const { return train + val; }
};

struct DemoDataReport {
    // Read from the sources.
    int64_t wordnetSynsets = 0;
    int64_t quizTopics = 0;
    int64_t quizRecords = 0;
    int64_t acronymEntries = 0;
    int64_t fortuneFiles = 0;
    int64_t fortuneRecords = 0;
    // Task items that passed the filters, before the caps.
    int64_t quizCandidates = 0;
    int64_t acronymCandidates = 0;
    int64_t definitionCandidates = 0;
    // Written.
    SplitCounts corpusWordnetDocuments;
    SplitCounts corpusFortuneDocuments;
    SplitCounts corpusBytes;
    SplitCounts taskQuiz;
    SplitCounts taskAcronym;
    SplitCounts taskDefinition;
    SplitCounts taskBytes;
    std::vector<std::string> filesWritten;   // full paths, in the order written; manifest.json last
};

// The files written into outDir (created if missing), each atomically (temporary file + rename):
inline constexpr const char* kCorpusTrainFile = "corpus_train.txt";   // documents separated by a blank line
inline constexpr const char* kCorpusValFile = "corpus_val.txt";
inline constexpr const char* kTaskTrainFile = "task_train.jsonl";     // alpaca: {"instruction", "input": "", "output"}
inline constexpr const char* kTaskValFile = "task_val.jsonl";
inline constexpr const char* kNoticeFile = "NOTICE.md";               // sources and their licences
inline constexpr const char* kManifestFile = "manifest.json";         // sources, options, counts, sizes; written last

// Task items are split by item: a question, acronym or word is in train or in validation, never both.
// Throws l1ra::Error naming the folder or file for missing sources, unreadable or malformed files, and
// for options out of range.
DemoDataReport buildDemoData(const DemoSources& sources, const std::string& outDir, const DemoDataOptions& options = {});

}  // namespace l1ra::demo
