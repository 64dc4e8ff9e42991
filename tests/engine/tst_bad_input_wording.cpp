// The rows of the bad-input matrix (docs/reliability.md, "Bad-input matrix (every other input)") that no suite
// asserted: a damaged model folder or tokenizer side file, a data file, a run folder, a checkpoint, an adapter, an
// export target, the command line and a sweep manifest. Each test drives the product path that reads the input
// and checks the documented message: the file or option at fault, and what is wrong with it.
#include "l1ra/error.h"
#include "l1ra/run_record.h"
#include "l1ra/training_session.h"
#include "io/safetensors.h"
#include "test_support.h"
#include "training_test_support.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <sstream>

using namespace l1ra;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Fails the test unless `text` holds every part.
void expectParts(const std::string& text, const std::vector<std::string>& parts) {
    for (const auto& part : parts) QVERIFY2(contains(text, part), (text + " lacks: " + part).c_str());
}

void editJson(const std::string& path, const std::function<void(json&)>& change) {
    json j = json::parse(test::readFile(path));
    change(j);
    test::writeFile(path, j.dump(2));
}

// Rewrites line `number` (from 1) of a JSON-lines file.
void editLine(const std::string& path, int number, const std::function<void(std::string&)>& change) {
    std::istringstream in(test::readFile(path));
    std::string line, out;
    for (int n = 1; std::getline(in, line); ++n) {
        if (n == number) change(line);
        out += line + "\n";
    }
    test::writeFile(path, out);
}

void editJsonLine(const std::string& path, int number, const std::function<void(json&)>& change) {
    editLine(path, number, [&](std::string& line) {
        json j = json::parse(line);
        change(j);
        line = j.dump();
    });
}

struct Blob {
    std::string name;
    DType dtype;
    std::vector<int64_t> shape;
    std::vector<std::uint8_t> bytes;
};

// Rewrites a safetensors file after `change` has edited its tensors (renamed, reshaped or dropped them).
void editTensors(const std::string& path, const std::function<void(std::vector<Blob>&)>& change) {
    std::vector<Blob> blobs;
    {
        SafetensorsFile file(path);
        for (const auto& [name, v] : file.tensors()) blobs.push_back({name, v.dtype, v.shape, {v.data, v.data + v.nbytes}});
    }
    change(blobs);
    std::vector<TensorBlob> out;
    for (const auto& b : blobs) out.push_back({b.name, b.dtype, b.shape, b.bytes.data(), b.bytes.size()});
    writeSafetensors(path, out);
}

// Zeros of another shape in place of the tensors named (each must be in the file).
void reshape(const std::string& path, const std::vector<std::string>& names, const std::vector<int64_t>& shape) {
    std::size_t found = 0;
    editTensors(path, [&](std::vector<Blob>& blobs) {
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        for (Blob& b : blobs)
            if (std::find(names.begin(), names.end(), b.name) != names.end()) {
                b.shape = shape;
                b.bytes.assign(std::size_t(n) * dtypeSize(b.dtype), 0);
                ++found;
            }
    });
    QCOMPARE(found, names.size());
}

void dropTensor(const std::string& path, const std::string& name) {
    editTensors(path, [&](std::vector<Blob>& blobs) {
        const auto kept = std::remove_if(blobs.begin(), blobs.end(), [&](const Blob& b) { return b.name == name; });
        QCOMPARE(std::size_t(blobs.end() - kept), std::size_t(1));
        blobs.erase(kept, blobs.end());
    });
}

// The one checkpoint of the runs made here.
std::string checkpointOf(const std::string& run) {
    for (const auto& entry : fs::directory_iterator(run + "/checkpoints")) return entry.path().string();
    return {};
}

}  // namespace

class TestBadInputWording : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string finished_;   // an L1RA run of 2 steps, finished, with its checkpoint at step 2
    std::string stopped_;    // an L1RA run stopped at step 4 of 12, with its checkpoint there
    std::string full_;       // a full fine-tuning run of 2 steps, finished
    int counter_ = 0;

    std::string path(const std::string& name) { return tmp_.filePath(QString::fromStdString(name)).toStdString(); }
    std::string fresh(const std::string& stem) { return path(stem + std::to_string(counter_++)); }
    std::string copyOf(const std::string& dir) {
        const std::string to = fresh("copy");
        fs::copy(dir, to, fs::copy_options::recursive);
        return to;
    }
    std::string modelCopy() {
        const std::string to = fresh("model");
        test::copyFolder(test::fixtureModel(), to);
        return to;
    }

    // `args` must fail, and not as an internal error (exit 3), with a message holding every part.
    static void expectCliError(const std::vector<std::string>& args, const std::vector<std::string>& parts) {
        const auto r = test::runCli(args);
        QVERIFY2(r.code != 0 && r.code != 3, (args.front() + " exited with " + std::to_string(r.code) + ": " + r.err).c_str());
        expectParts(r.err, parts);
    }
    // The error a new run of `config` fails with ("" when it does not fail).
    std::string runError(const RunConfig& config) {
        try {
            const RunSummary s = TrainingSession(config, fresh("run")).run();
            return s.state == RunState::Failed ? s.error : std::string();
        } catch (const Error& e) {
            return e.what();
        }
    }
    static std::string resumeError(const std::string& run) {
        try {
            const RunSummary s = TrainingSession::resume(run)->run();
            return s.state == RunState::Failed ? s.error : std::string();
        } catch (const Error& e) {
            return e.what();
        }
    }
    static std::string recordError(const std::string& run) {
        try {
            loadRunRecord(run);
            return {};
        } catch (const Error& e) {
            return e.what();
        }
    }
    std::vector<std::string> generateWith(const std::string& adapter) {
        return {"generate", "--model", test::fixtureModel(), "--prompt", "hi", "--max-new-tokens", "2", "--adapter", adapter};
    }
    std::vector<std::string> sweepPlan(const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"sweep",  "--set",  "model=" + test::fixtureModel(), "--set", "data.train=" + test::dataPath("tiny-text.txt"),
                                         "--plan", "--out", fresh("sweep")};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        finished_ = path("finished");
        QCOMPARE(TrainingSession(test::fixtureRunConfig(2), finished_).run().state, RunState::Finished);
        RunConfig full = test::fixtureRunConfig(2);
        full.method = Method::Full;
        full_ = path("full");
        QCOMPARE(TrainingSession(full, full_).run().state, RunState::Finished);
        RunConfig config = test::fixtureRunConfig(12);
        config.eval.every = 0;
        stopped_ = path("stopped");
        test::Recorder rec;
        TrainingSession session(config, stopped_, &rec);
        rec.onEachStep = [&](const StepEvent& e) {
            if (e.step == 4) session.stop();
        };
        QCOMPARE(session.run().state, RunState::Stopped);
    }

    // ---- model folder

    // A run's config.json names its base model: when that folder has moved, each command that needs it names it.
    void aMovedBaseModelIsNamed() {
        const std::string moved = path("moved-model");
        const auto relocated = [&](const std::string& run) {
            editJson(run + "/config.json", [&](json& j) { j["model"] = moved; });
            return run;
        };
        const std::string gone = "model folder " + moved + " does not exist";
        expectCliError({"eval", "--run", relocated(copyOf(finished_)), "--data", test::dataPath("tiny-text.txt")}, {gone});
        expectCliError({"export", "--run", relocated(copyOf(finished_)), "--format", "peft", "--out", fresh("peft")}, {gone});
        expectParts(resumeError(relocated(copyOf(stopped_))), {gone});
    }

    void shardIndexWithoutAUsableWeightMap() {
        const std::string model = modelCopy();
        fs::rename(model + "/model.safetensors", model + "/model-00001-of-00001.safetensors");
        const std::string index = model + "/model.safetensors.index.json";
        const std::pair<const char*, const char*> cases[] = {
            {R"({"metadata": {}})", "'weight_map' is missing"},
            {R"({"weight_map": {"a": 3}})", "weight_map entry 'a' is not a file name"},
            {R"({"weight_map": {"a": "../x"}})", "weight_map entry 'a' names '../x', not a file in the folder"}};
        for (const auto& [text, expected] : cases) {
            test::writeFile(index, text);
            expectCliError({"info", "--model", model}, {index + ": " + expected});
        }
    }

    // Without a tokenizer a model still takes token ids, but there is no text to train or evaluate on.
    void trainingAndEvaluationNeedATokenizer() {
        RunConfig c = test::fixtureRunConfig(2);
        c.model.path = modelCopy();
        fs::remove(c.model.path + "/tokenizer.model");
        expectParts(runError(c), {c.model.path + ": no tokenizer.json or tokenizer.model; training needs the model's tokenizer"});
        expectCliError({"eval", "--model", c.model.path, "--data", test::dataPath("tiny-text.txt")},
                       {c.model.path + ": no tokenizer.json or tokenizer.model; evaluation needs the model's tokenizer"});
    }

    // generation_config.json adds end-of-sequence ids (generate, info, Try it).
    void generationConfigThatIsNotUsable() {
        const std::string model = modelCopy();
        const std::string file = model + "/generation_config.json";
        test::writeFile(file, "[1]");
        expectCliError({"info", "--model", model}, {file + ": not a valid JSON object"});
        test::writeFile(file, R"({"eos_token_id": "x"})");
        expectCliError({"generate", "--model", model, "--prompt", "hi", "--max-new-tokens", "2"},
                       {file + ": 'eos_token_id' must be a token id or a list of token ids"});
    }

    // ---- tokenizer side files

    void tokenizerConfigOfTheWrongShape() {
        const std::string model = modelCopy();
        const std::string file = model + "/tokenizer_config.json";
        test::writeFile(file, "[1]");
        expectCliError({"tokenize", "--model", model, "--text", "hi"}, {file + ": the top level must be a JSON object"});
        test::writeFile(file, R"({"add_bos_token": "yes"})");
        expectCliError({"tokenize", "--model", model, "--text", "hi"}, {file + ": add_bos_token must be true or false"});
        // A LLaMA tokenizer.json puts BOS first unless told not to: it needs one.
        const std::string tokenizer = fresh("tokenizer");
        test::copyFolder(test::dataPath("tokenizers/byte-fallback-legacy"), tokenizer);
        test::writeFile(tokenizer + "/tokenizer_config.json", R"({"bos_token": null, "add_bos_token": true, "tokenizer_class": "LlamaTokenizer"})");
        expectCliError({"tokenize", "--model", tokenizer, "--text", "hi"},
                       {tokenizer + "/tokenizer_config.json: add_bos_token is on but there is no bos_token"});
    }

    // Every run reads them for its prompt format: a wrong type stops training even on plain text.
    void legacyTokenFilesStopTraining() {
        RunConfig c = test::fixtureRunConfig(2);
        c.model.path = modelCopy();
        test::writeFile(c.model.path + "/special_tokens_map.json", R"({"eos_token": 5})");
        expectParts(runError(c), {c.model.path + "/special_tokens_map.json: field eos_token must be a string or an object with a string \"content\""});
        c.model.path = modelCopy();
        test::writeFile(c.model.path + "/chat_template.json", R"({"template": "{{ x }}"})");
        expectParts(runError(c), {c.model.path + "/chat_template.json: field chat_template must be a string"});
    }

    // ---- data files

    void jsonlLineThatIsNotAnObject() {
        RunConfig c = test::fixtureRunConfig(2);
        c.data.train = path("array.jsonl");
        test::writeFile(c.data.train, "[1, 2]\n");
        expectParts(runError(c), {c.data.train + ": line 1 is not a JSON object (expected JSON lines)"});
    }

    void aMissingOrEmptyValidationFile() {
        RunConfig c = test::fixtureRunConfig(2);
        c.data.val = path("no-such-val.txt");
        expectParts(runError(c), {"data file " + c.data.val + " does not exist"});
        c.data.val = path("empty-val.txt");
        test::writeFile(c.data.val, "\n\n");
        expectParts(runError(c), {c.data.val + ": no records"});
    }

    // Every record's prompt fills --seq-len: no answer token is left to score.
    void evalWithNothingToScore() {
        const std::string data = path("long.jsonl");
        test::writeFile(data, "{\"instruction\": \"" + std::string(400, 'x') + "\", \"input\": \"\", \"output\": \"y\"}\n");
        expectCliError({"eval", "--model", test::fixtureModel(), "--data", data, "--seq-len", "16"}, {data + ": no tokens to evaluate"});
    }

    // ---- run folders

    void resumeWithNothingToResume() {
        const std::string model = test::fixtureModel();   // a config.json, but no checkpoints
        expectCliError({"resume", "--run", model}, {model + ": the run has no checkpoint to resume from"});
        const std::string run = copyOf(finished_);
        expectCliError({"resume", "--run", run}, {run + ": the run already finished its 2 steps"});
    }

    void resumeWithACorruptRunConfig() {
        const std::string run = copyOf(stopped_);
        test::writeFile(run + "/config.json", "{\"model\": ");
        expectCliError({"resume", "--run", run}, {run + "/config.json: not valid JSON", "parse_error"});
    }

    // Resuming cuts metrics, ranks and events back to the checkpoint's step; lines that do not parse go with them.
    void resumeDropsLinesThatDoNotParse() {
        const std::string run = copyOf(stopped_);
        for (const char* name : {"/metrics.jsonl", "/ranks.jsonl", "/events.jsonl"})
            test::writeFile(run + name, test::readFile(run + name) + "not json\n{\"step\": 5, \"lo");
        QCOMPARE(resumeError(run), std::string());
        const RunRecord record = loadRunRecord(run);   // throws at a line that is not JSON before the last
        QCOMPARE(record.steps.size(), std::size_t(12));
        QCOMPARE(record.steps.back().step, int64_t(12));
    }

    // A crash can leave the last line half-written: the run is read without it.
    void runRecordIgnoresAHalfWrittenLastLine() {
        const std::string run = copyOf(finished_);
        test::writeFile(run + "/metrics.jsonl", test::readFile(run + "/metrics.jsonl") + "{\"step\": 3, \"lo");
        QCOMPARE(loadRunRecord(run).steps.size(), std::size_t(2));
    }

    void runRecordLinesThatDoNotParse() {
        const struct {
            const char* file;
            std::function<void(const std::string&)> damage;
            const char* expected;
        } cases[] = {
            {"metrics.jsonl", [](const std::string& f) { editLine(f, 2, [](std::string& l) { l = "not json\n" + l; }); },
             ": line 2 is not valid JSON"},
            {"metrics.jsonl", [](const std::string& f) { editJsonLine(f, 2, [](json& j) { j["loss"] = "x"; }); },
             ": line 2: [json.exception.type_error.302] type must be number, but is string"},
            {"ranks.jsonl", [](const std::string& f) { editJsonLine(f, 1, [](json& j) { j.erase("budget"); }); },
             ": line 1: [json.exception.out_of_range.403] key 'budget' not found"},
            {"ranks.jsonl", [](const std::string& f) { editJsonLine(f, 1, [](json& j) { j["ranks"] = {{4, 4}}; }); },
             ": line 1: 'ranks' rows must hold 7 projections"}};
        for (const auto& c : cases) {
            const std::string run = copyOf(finished_);
            const std::string file = run + "/" + c.file;
            c.damage(file);
            expectParts(recordError(run), {file + c.expected});
        }
    }

    // The run-config parser's message: it names the file and the key, though not that the folder is a model.
    void compareGivenAModelFolder() {
        const std::string model = test::fixtureModel();
        expectCliError({"compare", finished_, model}, {model + "/config.json: unknown key 'architectures'"});
    }

    // ---- checkpoints (resume)

    void stateJsonThatCannotBeRead() {
        const std::pair<std::function<void(const std::string&)>, const char*> cases[] = {
            {[](const std::string& f) { test::writeFile(f, "{\"step\": "); }, ": not valid JSON: [json.exception.parse_error.101]"},
            {[](const std::string& f) { test::writeFile(f, "[1]"); }, ": [json.exception.type_error.306] cannot use value() with array"},
            {[](const std::string& f) { editJson(f, [](json& j) { j.erase("step"); }); }, ": [json.exception.out_of_range.403] key 'step' not found"}};
        for (const auto& [damage, expected] : cases) {
            const std::string run = copyOf(stopped_);
            const std::string state = checkpointOf(run) + "/state.json";
            damage(state);
            expectParts(resumeError(run), {state + expected});
        }
    }

    void checkpointOfAnotherMethodOrRankCount() {
        std::string run = copyOf(stopped_);
        std::string state = checkpointOf(run) + "/state.json";
        editJson(state, [](json& j) { j["method"] = "lora"; });
        expectParts(resumeError(run), {state + ": checkpoint of a 'lora' run"});
        run = copyOf(stopped_);
        state = checkpointOf(run) + "/state.json";
        editJson(state, [](json& j) { j["adapters"][0]["born"] = {0}; });
        expectParts(resumeError(run), {state + ": adapter model.layers.0.self_attn.q_proj records 1 creation steps for 4 ranks"});
    }

    void trainableTensorsMissingOrTruncated() {
        const std::string gateMoment = "model.layers.0.mlp.down_proj.gate.exp_avg";
        const std::pair<std::function<void(const std::string&)>, std::string> cases[] = {
            {[](const std::string& f) { fs::remove(f); }, "cannot open {}: No such file or directory"},
            {[](const std::string& f) { fs::resize_file(f, 100); }, "{}: header length"},
            {[&](const std::string& f) { dropTensor(f, gateMoment); }, "{}: no tensor named '" + gateMoment + "'"}};
        for (const auto& [damage, expected] : cases) {
            const std::string run = copyOf(stopped_);
            const std::string tensors = checkpointOf(run) + "/trainable.safetensors";
            damage(tensors);
            std::string message = expected;
            message.replace(message.find("{}"), 2, tensors);
            expectParts(resumeError(run), {message});
        }
    }

    void inconsistentRanksAndFullWeightsOfTheWrongShape() {
        const std::string a = "model.layers.0.self_attn.q_proj.lora_A";   // [4, 64]; lora_B [64, 4]
        std::string run = copyOf(stopped_);
        std::string tensors = checkpointOf(run) + "/trainable.safetensors";
        reshape(tensors, {a, a + ".exp_avg", a + ".exp_avg_sq"}, {3, 64});
        expectParts(resumeError(run), {tensors + ": adapter model.layers.0.self_attn.q_proj has inconsistent ranks"});
        const std::string w = "model.layers.0.self_attn.o_proj.weight";   // full fine-tuning fuses q, k and v
        run = copyOf(full_);
        tensors = checkpointOf(run) + "/trainable.safetensors";
        reshape(tensors, {w}, {64, 32});
        expectParts(resumeError(run), {tensors + ": '" + w + "' has shape [64, 32], but the model needs [64, 64]"});
    }

    // ---- adapters (--adapter) and exports

    void adapterFoldersWithoutAnAdapter() {
        const std::string run = copyOf(finished_);
        fs::remove_all(checkpointOf(run));
        expectCliError(generateWith(run), {run + ": the run has no checkpoint yet"});
        const std::string full = copyOf(full_);
        expectCliError(generateWith(full), {checkpointOf(full) + ": a full fine-tuning checkpoint has no adapter; export it as a merged model"});
    }

    void adapterCheckpointStateNotJson() {
        const std::string run = copyOf(finished_);
        const std::string state = checkpointOf(run) + "/state.json";
        test::writeFile(state, "{\"adapters\": ");
        expectCliError(generateWith(run), {state + ": not valid JSON: [json.exception.parse_error.101]"});
    }

    void adapterCheckpointModulesThatDoNotFit() {
        const std::string q = "model.layers.0.self_attn.q_proj", far = "model.layers.5.self_attn.q_proj";
        const std::pair<std::function<void(const std::string&)>, std::string> cases[] = {
            {[&](const std::string& ckpt) { editJson(ckpt + "/state.json", [](json& j) { j["adapters"][0]["module"] = "lm_head"; }); },
             "/state.json: 'lm_head' is not a LLaMA projection"},
            {[&](const std::string& ckpt) {
                 editJson(ckpt + "/state.json", [&](json& j) { j["adapters"][0]["module"] = far; });
                 editTensors(ckpt + "/trainable.safetensors", [&](std::vector<Blob>& blobs) {
                     for (Blob& b : blobs)
                         if (b.name.rfind(q + ".", 0) == 0) b.name = far + b.name.substr(q.size());
                 });
             },
             ": adapter for " + far + ", but the model has 2 layers"},
            {[&](const std::string& ckpt) { editJson(ckpt + "/state.json", [](json& j) { j["adapters"][1] = j["adapters"][0]; }); },
             ": two adapters for " + q},
            {[&](const std::string& ckpt) { editJson(ckpt + "/state.json", [](json& j) { j["adapters"] = json::array(); }); },
             ": holds no adapter weights"}};
        for (const auto& [damage, expected] : cases) {
            const std::string run = copyOf(finished_);
            damage(checkpointOf(run));
            expectCliError(generateWith(run), {checkpointOf(run) + expected});
        }
    }

    void adapterCheckpointTensorsThatDoNotFit() {
        std::string run = copyOf(finished_);
        reshape(checkpointOf(run) + "/trainable.safetensors", {"model.layers.0.mlp.down_proj.lora_A"}, {4, 32});
        expectCliError(generateWith(run), {checkpointOf(run) + ": model.layers.0.mlp.down_proj lora_A has shape [4, 32], expected [r, 176]"});
        run = copyOf(finished_);
        reshape(checkpointOf(run) + "/trainable.safetensors", {"model.layers.0.self_attn.q_proj.gate"}, {3});
        expectCliError(generateWith(run), {checkpointOf(run) + ": model.layers.0.self_attn.q_proj gate has shape [3], expected [4]"});
    }

    // The prompt format an adapter trained with is read from its run's config.json (or an export's l1ra_run/).
    void adapterRunConfigThatIsCorrupt() {
        std::string run = copyOf(finished_);
        test::writeFile(run + "/config.json", "{\"data\": ");
        expectCliError(generateWith(run), {run + "/config.json: not valid JSON"});
        run = copyOf(finished_);
        editJson(run + "/config.json", [](json& j) { j["data"]["template"] = 3; });
        expectCliError(generateWith(run), {run + "/config.json: 'data.template' must be a string"});
        const std::string exported = fresh("peft");
        QCOMPARE(test::runCli({"export", "--run", finished_, "--format", "peft", "--out", exported}).code, 0);
        test::writeFile(exported + "/l1ra_run/config.json", "{");
        expectCliError(generateWith(exported), {exported + "/l1ra_run/config.json: not valid JSON"});
    }

    void exportOutThatCannotBeAFolder() {
        const std::string file = path("a-file");
        test::writeFile(file, "x");
        expectCliError({"export", "--run", finished_, "--format", "peft", "--out", file, "--force"}, {file + " exists and is not a folder"});
        expectCliError({"export", "--run", finished_, "--format", "peft", "--out", file + "/sub/peft"}, {"cannot create " + file + "/sub: "});
    }

    // ---- command line and live settings

    void flagsWithValuesAndStrayArguments() {
        const std::string model = test::fixtureModel();
        expectCliError({"tokenize", "--model", model, "--text", "hi", "--json=1"}, {"tokenize: option --json takes no value"});
        expectCliError({"info", "--model", model, "m"}, {"info: unexpected argument 'm'"});
    }

    void planRefusesBadSizes() {
        const std::vector<std::string> shape = {"--vocab", "96", "--dim", "64", "--layers", "2", "--heads", "4", "--ffn", "160"};
        std::vector<std::string> args = {"plan", "--free", "lots"};
        args.insert(args.end(), shape.begin(), shape.end());
        expectCliError(args, {"plan: --free 'lots' is not a size like 24G or 25769803776"});
        args = {"plan", "--free", "24G"};
        args.insert(args.end(), shape.begin(), shape.end());
        args[4] = "0";   // --vocab 0
        expectCliError(args, {"plan: the shape's sizes must be positive"});
    }

    void liveBudgetMustBePositive() {
        TrainingSession session(test::fixtureRunConfig(2), fresh("run"));
        for (int budget : {0, -3}) {
            try {
                session.setBudget(budget);
                QFAIL(("a budget of " + std::to_string(budget) + " was taken").c_str());
            } catch (const Error& e) {
                QCOMPARE(std::string(e.what()), std::string("the rank budget must be positive"));
            }
        }
    }

    // ---- sweeps

    void gridAxesWithoutValuesOrWithOneTwice() {
        expectCliError(sweepPlan({"--grid", "l1ra.lambda="}), {"--grid l1ra.lambda: no values"});
        expectCliError(sweepPlan({"--grid", "l1ra.lambda=0.1,0.1"}), {"--grid l1ra.lambda: '0.1' is given twice"});
    }

    void seedsThatAreNotSeeds() {
        expectCliError(sweepPlan({"--seeds", "0"}), {"--seeds 0: give a count from 1 to 1000, or a list such as 1,2,3"});
        expectCliError(sweepPlan({"--seeds", "x"}), {"--seeds 'x' is neither a count nor a list of seeds"});
        expectCliError(sweepPlan({"--seeds", "1,1"}), {"--seeds '1,1' names a seed twice"});
    }

    void sweepJobsOnlyAndOut() {
        expectCliError(sweepPlan({"--jobs", "0"}), {"sweep --jobs must be from 1 to 64"});
        const std::string dir = path("two-runs");
        QCOMPARE(test::runCli({"sweep", "--set", "model=" + test::fixtureModel(), "--set", "data.train=" + test::dataPath("tiny-text.txt"),
                               "--grid", "l1ra.lambda=0.1,0.2", "--plan", "--out", dir}).code, 0);
        expectCliError({"sweep", "--out", dir, "--only", "9"}, {"sweep --only 9: the sweep has 2 runs"});
        const std::string busy = path("busy");
        fs::create_directories(busy);
        test::writeFile(busy + "/notes.txt", "mine");
        expectCliError(sweepPlan({"--out", busy}), {busy + " is not empty and holds no sweep: choose a new folder"});
    }

    void sweepManifestsThatCannotBeRead() {
        const std::string dir = path("manifest");
        QCOMPARE(test::runCli({"sweep", "--set", "model=" + test::fixtureModel(), "--set", "data.train=" + test::dataPath("tiny-text.txt"),
                               "--grid", "l1ra.lambda=0.1,0.2", "--plan", "--out", dir}).code, 0);
        const std::string manifest = dir + "/sweep.json";
        const std::string good = test::readFile(manifest);
        const std::string first = json::parse(good)["runs"][0]["folder"];
        const std::pair<std::function<void(json&)>, std::string> cases[] = {
            {[](json& j) { j.erase("runs"); }, ": [json.exception.out_of_range.403] key 'runs' not found"},
            {[](json& j) { j["format"] = "other"; }, ": not an L1RA sweep manifest"},
            {[](json& j) { j["format_version"] = 2; }, ": sweep format 2 is not read by this build"},
            {[](json& j) { j["runs"][0]["folder"] = "../x"; }, ": bad run folder name '../x'"},
            {[](json& j) { j["runs"][0]["values"] = json::array(); }, ": run " + first + " has 0 values for 1 axes"},
            {[](json& j) { j["config"]["train"]["stepz"] = 3; }, ": unknown key 'train.stepz'"}};
        for (const auto& [damage, expected] : cases) {
            test::writeFile(manifest, good);
            editJson(manifest, damage);
            expectCliError({"compare", dir}, {manifest + expected});
        }
        test::writeFile(manifest, "{\"runs\": ");
        expectCliError({"compare", dir}, {manifest + ": [json.exception.parse_error.101]"});
    }
};

QTEST_GUILESS_MAIN(TestBadInputWording)
#include "tst_bad_input_wording.moc"
