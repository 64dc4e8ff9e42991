#include "l1ra/demo.h"

#include "demo_data.h"
#include "io/file_util.h"
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "l1ra/training_session.h"
#include "model/llama_model.h"
#include "io/tensor_io.h"
#include "text/sentencepiece_tokenizer.h"

#include <nlohmann/json.hpp>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace l1ra {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string executableDir() {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) return ".";
    return fs::path(std::string(buf, std::size_t(n))).parent_path().string();
}

bool isModelFolder(const std::string& dir) {
    return fileExists(dir + "/config.json") && fileExists(dir + "/tokenizer.model") &&
           (fileExists(dir + "/model.safetensors") || fileExists(dir + "/model.safetensors.index.json"));
}

// The demo's base model: 256 wide, 4 layers, GQA 8/4, SwiGLU 688, tied embeddings, 2048-piece vocabulary.
json demoModelConfig(int vocab) {
    return {{"architectures", {"LlamaForCausalLM"}},
            {"model_type", "llama"},
            {"vocab_size", vocab},
            {"hidden_size", 256},
            {"intermediate_size", 688},
            {"num_hidden_layers", 4},
            {"num_attention_heads", 8},
            {"num_key_value_heads", 4},
            {"max_position_embeddings", 512},
            {"rms_norm_eps", 1e-5},
            {"rope_theta", 10000.0},
            {"tie_word_embeddings", true},
            {"hidden_act", "silu"},
            {"bos_token_id", 1},
            {"eos_token_id", 2},
            {"torch_dtype", "float32"}};
}

// L1RA on the demo task, sized so that the first reallocation shows within a minute or two on two CPU cores.
RunConfig demoRunConfig(const DemoFolder& d, Method method) {
    RunConfig c;
    c.name = method == Method::L1RA ? "Demo: L1RA on quiz, acronym and definition questions" : "Demo: LoRA baseline";
    c.model.path = d.model;
    c.data.train = d.data + "/" + demo::kTaskTrainFile;
    c.data.val = d.data + "/" + demo::kTaskValFile;
    c.method = method;
    c.adapter.rank = 8;
    c.adapter.alpha = 16;
    c.adapter.dropout = 0.05;
    c.l1ra.lambda = 0.1;
    c.l1ra.etaC = 0.02;   // the best of the configurations in docs/study (0.1 moved 20 % of the ranks per reallocation)
    c.l1ra.updateInterval = 25;
    c.train.steps = 400;
    c.train.batchSize = 16;
    c.train.seqLen = 128;
    c.train.lr = 2e-3;
    c.train.warmup = 20;
    c.train.minLrRatio = 0.1;
    c.eval.every = 50;
    c.eval.batches = 0;
    c.checkpoint.every = 100;
    c.checkpoint.keepBest = true;
    // One question of each family in the task, answered as the adapter learns (the Samples panel).
    c.samples.prompts = {"What is the capital of France?", "What does the acronym CPU stand for?", "Define the word: river"};
    c.samples.every = 100;
    c.samples.maxNewTokens = 24;
    c.seed = 1;
    return c;
}

}  // namespace

std::string findShippedDemoModel() {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("L1RA_DEMO_MODEL")) candidates.push_back(env);
    const std::string exe = executableDir();
    candidates.push_back(exe + "/../../resources/demo/model");        // build tree: build/bin/
    candidates.push_back(exe + "/../share/l1ra-studio/demo/model");   // installed
#ifdef L1RA_SOURCE_DIR
    candidates.push_back(std::string(L1RA_SOURCE_DIR) + "/resources/demo/model");
#endif
    for (const auto& c : candidates)
        if (isModelFolder(c)) return fs::weakly_canonical(c).string();
    return "";
}

DemoDataSummary buildDemoDataFolder(const std::string& outDir, uint64_t seed) {
    demo::DemoDataOptions options;
    options.seed = seed;
    const demo::DemoDataReport report = demo::buildDemoData(demo::DemoSources{}, outDir, options);
    DemoDataSummary s;
    s.corpusTrainBytes = report.corpusBytes.train;
    s.corpusValBytes = report.corpusBytes.val;
    s.taskRecords = report.taskQuiz.total() + report.taskAcronym.total() + report.taskDefinition.total();
    return s;
}

DemoFolder prepareDemo(const std::string& dir, const std::string& baseModel, const std::function<void(const std::string&)>& progress) {
    auto say = [&](const std::string& s) {
        if (progress) progress(s);
    };
    DemoFolder d;
    d.dir = fs::absolute(dir).lexically_normal().string();
    d.model = d.dir + "/model";
    d.data = d.dir + "/data";
    d.runConfig = d.dir + "/demo-run.json";
    d.loraConfig = d.dir + "/demo-lora.json";
    fs::create_directories(d.dir);
    if (!fileExists(d.data + "/" + demo::kManifestFile)) {
        say("building the demo data from Debian packages (WordNet, bsdgames, fortunes)");
        demo::buildDemoData(demo::DemoSources{}, d.data);
    }
    if (!isModelFolder(d.model)) {
        const std::string source = baseModel.empty() ? findShippedDemoModel() : baseModel;
        if (source.empty() || !isModelFolder(source))
            throw Error("no demo base model found (resources/demo/model is missing); rebuild it with: l1ra demo pretrain --data " +
                        d.data + " --out resources/demo/model");
        say("copying the base model from " + source);
        const std::string tmp = d.model + ".tmp";
        std::error_code ec;
        fs::remove_all(tmp, ec);
        fs::create_directories(tmp);
        for (const auto& e : fs::directory_iterator(source))
            if (e.is_regular_file()) fs::copy_file(e.path(), tmp + "/" + e.path().filename().string());
        fs::remove_all(d.model, ec);
        fs::rename(tmp, d.model);
    }
    writeTextFileAtomically(d.runConfig, runConfigToJson(demoRunConfig(d, Method::L1RA)) + "\n");
    writeTextFileAtomically(d.loraConfig, runConfigToJson(demoRunConfig(d, Method::LoRA)) + "\n");
    say("demo ready in " + d.dir);
    return d;
}

void pretrainDemoModel(const std::string& dataDir, const std::string& outModelDir, const DemoPretrainOptions& o, TrainingEventSink* sink) {
    const std::string corpus = dataDir + "/" + demo::kCorpusTrainFile;
    const std::string corpusVal = dataDir + "/" + demo::kCorpusValFile;
    if (!fileExists(corpus)) throw Error(corpus + " does not exist (build it with: l1ra demo data --out " + dataDir + ")");
    const std::string out = fs::absolute(outModelDir).lexically_normal().string();
    const std::string init = out + ".init";
    const std::string runDir = o.runDir.empty() ? out + ".pretrain-run" : o.runDir;
    std::error_code ec;
    fs::remove_all(init, ec);
    fs::create_directories(init);

    // 1. A byte-fallback BPE tokenizer on the corpus, LLaMA's conventions (unk 0, bos 1, eos 2, no pad).
    text::trainSentencepiece("--input=" + corpus + " --model_prefix=" + init + "/tokenizer --vocab_size=" + std::to_string(o.vocabSize) +
                       " --model_type=bpe --byte_fallback=true --split_digits=true --character_coverage=0.9995"
                       " --unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1 --normalization_rule_name=identity"
                       " --input_sentence_size=1000000 --shuffle_input_sentence=true --num_threads=2 --minloglevel=2");
    fs::remove(init + "/tokenizer.vocab", ec);

    // 2. Random initial weights in an HF folder.
    const json config = demoModelConfig(o.vocabSize);
    writeTextFileAtomically(init + "/config.json", config.dump(2) + "\n");
    {
        const LlamaConfig c = parseLlamaConfig(config.dump(), init + "/config.json");
        LlamaModel model(c, torch::kCPU, torch::kFloat32, o.seed);
        saveTensors(init + "/model.safetensors", model.hfTensors());
    }

    // 3. Pretraining: every weight, on the corpus.
    RunConfig r;
    r.name = "Demo base model pretraining";
    r.model.path = init;
    r.data.train = corpus;
    r.data.val = fileExists(corpusVal) ? corpusVal : "";
    r.method = Method::Full;
    r.train.steps = o.steps;
    r.train.batchSize = o.batchSize;
    r.train.seqLen = o.seqLen;
    r.train.lr = o.lr;
    r.train.warmup = std::max(1, o.steps / 20);
    r.train.weightDecay = 0.1;
    r.train.minLrRatio = 0.1;
    r.train.beta2 = 0.95;
    r.eval.every = std::max(1, o.steps / 6);
    r.eval.batches = 20;
    r.checkpoint.every = std::max(1, o.steps / 6);
    r.seed = o.seed;
    r.threads = o.threads;
    fs::remove_all(runDir, ec);
    const RunSummary s = TrainingSession(r, runDir, sink).run();
    if (s.state != RunState::Finished) throw Error("demo pretraining did not finish: " + (s.error.empty() ? runStateName(s.state) : s.error));

    // 4. The trained weights, stored in bf16.
    ExportOptions e;
    e.force = true;
    e.dtype = "bf16";
    exportMergedModel(runDir, out, e);
    fs::remove_all(init, ec);
}

}  // namespace l1ra
