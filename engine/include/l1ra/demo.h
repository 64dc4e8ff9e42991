#pragma once
// The embedded demo: material from Debian packages, a tiny LLaMA base model that ships in resources/demo/model,
// and the run configs that fine-tune it with L1RA (and LoRA for comparison). docs/demo.md.
#include "l1ra/api.h"
#include "l1ra/training_events.h"

#include <cstdint>
#include <functional>
#include <string>

L1RA_API_BEGIN
namespace l1ra {

struct DemoFolder {
    std::string dir;
    std::string model;        // dir/model: the base model (HF layout)
    std::string data;         // dir/data: corpus and task files, NOTICE.md, manifest.json
    std::string runConfig;    // dir/demo-run.json: L1RA on the task, sized for two CPU cores
    std::string loraConfig;   // dir/demo-lora.json: the same with plain LoRA at the same rank budget
};

// The base model that ships with the project, looked up beside the executable (build tree or install);
// empty when absent.
std::string findShippedDemoModel();

// Builds (or completes) a demo folder: the data from the Debian packages, a copy of the base model (from
// `baseModel`, or the shipped one), and the run configs. Existing complete parts are kept. Throws l1ra::Error.
DemoFolder prepareDemo(const std::string& dir, const std::string& baseModel = "",
                       const std::function<void(const std::string&)>& progress = {});

// What the demo's data holds, as `l1ra demo data` reports it.
struct DemoDataSummary {
    int64_t corpusTrainBytes = 0;
    int64_t corpusValBytes = 0;
    int64_t taskRecords = 0;   // quiz, acronym and definition records, train and validation
};

// Builds the demo's data alone into outDir (corpus and task files, NOTICE.md, manifest.json) from the Debian
// packages; the same seed gives byte-identical files. Throws l1ra::Error naming a missing source.
DemoDataSummary buildDemoDataFolder(const std::string& outDir, uint64_t seed = 1234);

struct DemoPretrainOptions {
    int steps = 1000;
    int batchSize = 16;
    int seqLen = 256;
    double lr = 1e-3;
    int vocabSize = 2048;
    uint64_t seed = 1234;
    int threads = 0;
    std::string runDir;       // where the pretraining run is kept (default: <out>.pretrain-run)
};

// Reproduces the shipped base model: trains a sentencepiece tokenizer on dataDir/corpus_train.txt, creates a
// LLaMA (256 wide, 4 layers, 8 heads / 4 KV heads, FFN 688, tied embeddings), pretrains every weight on the
// corpus (full fine-tuning mode) and writes it to outModelDir in bf16.
void pretrainDemoModel(const std::string& dataDir, const std::string& outModelDir, const DemoPretrainOptions& options,
                       TrainingEventSink* sink = nullptr);

}  // namespace l1ra
L1RA_API_END
