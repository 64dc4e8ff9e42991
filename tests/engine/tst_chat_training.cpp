// Chat templates end to end: a Llama 3 shaped model (vocabulary 128256, a byte-level tokenizer.json with Llama 3's
// special tokens and its chat template) trains on conversations rendered by the template, tokenized as transformers
// tokenizes them (the whole rendering at once, no added BOS), with only the assistant turns and their <|eot_id|>
// trained; it exports to peft and, prompted with the template, answers and stops at <|eot_id|>.
#include "text/data_records.h"
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/language_model.h"
#include "l1ra/runtime.h"
#include "l1ra/text_tokenizer.h"
#include "l1ra/training_session.h"
#include "io/model_config.h"
#include "io/model_folder.h"
#include "text/prompt_format.h"
#include "io/tensor_io.h"
#include "test_support.h"
#include "text/chat_family.h"
#include "text/token_dataset.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace l1ra;
using nlohmann::json;

namespace {

constexpr int64_t kBeginOfText = 128000, kEndOfText = 128001, kStartHeader = 128006, kEndHeader = 128007, kEotId = 128009;

// The byte-level fixture tokenizer with its added tokens moved to Llama 3's ids (128000..128255, the reserved ones
// filled in), so that ids, the BOS template and the vocabulary size are Llama 3's.
json llama3Tokenizer() {
    json j = json::parse(test::readFile(test::dataPath("tokenizers/byte-level-bpe/tokenizer.json")));
    const std::map<int64_t, std::string> named = {{kBeginOfText, "<|begin_of_text|>"}, {kEndOfText, "<|end_of_text|>"},
                                                  {kStartHeader, "<|start_header_id|>"}, {kEndHeader, "<|end_header_id|>"},
                                                  {kEotId, "<|eot_id|>"}};
    json added = json::array();
    for (int64_t id = 128000; id < 128256; ++id) {
        const auto it = named.find(id);
        const std::string content = it != named.end() ? it->second : "<|reserved_special_token_" + std::to_string(id - 128000) + "|>";
        added.push_back({{"id", id}, {"content", content}, {"single_word", false}, {"lstrip", false}, {"rstrip", false},
                         {"normalized", false}, {"special", true}});
    }
    j["added_tokens"] = added;
    j["post_processor"]["special_tokens"] = {
        {"<|begin_of_text|>", {{"id", "<|begin_of_text|>"}, {"ids", {kBeginOfText}}, {"tokens", {"<|begin_of_text|>"}}}}};
    return j;
}

void writeLlama3Model(const std::string& dir) {
    std::filesystem::create_directories(dir);
    const json config = {{"architectures", {"LlamaForCausalLM"}}, {"model_type", "llama"}, {"vocab_size", 128256},
                         {"hidden_size", 64}, {"intermediate_size", 128}, {"num_hidden_layers", 2},
                         {"num_attention_heads", 4}, {"num_key_value_heads", 2}, {"rope_theta", 500000.0},
                         {"rms_norm_eps", 1e-5}, {"max_position_embeddings", 256}, {"tie_word_embeddings", false},
                         {"bos_token_id", kBeginOfText}, {"eos_token_id", kEndOfText}, {"torch_dtype", "float32"}};
    test::writeFile(dir + "/config.json", config.dump(2));
    const LlamaConfig c = parseLlamaConfig(config.dump(), "config.json");
    torch::manual_seed(5);
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    // A unit-scale output head: with a frozen head of small weights the logits of 128256 tokens cannot separate one
    // answer from the rest, however the adapters move the hidden state (its RMS norm is fixed by the final norm).
    for (const auto& [name, shape] : ModelFolder::expectedShapes(c)) {
        const bool norm = name.find("norm") != std::string::npos, head = name == "lm_head.weight";
        tensors.emplace_back(name, norm ? torch::ones(shape) : torch::randn(shape) * (head ? 1.0 : 0.05));
    }
    saveTensors(dir + "/model.safetensors", tensors);
    test::writeFile(dir + "/tokenizer.json", llama3Tokenizer().dump());
    // The model's own template: the built-in llama3 one, as a Llama 3 folder would carry its own.
    const json tokenizerConfig = {{"bos_token", "<|begin_of_text|>"}, {"eos_token", "<|eot_id|>"},
                                  {"tokenizer_class", "PreTrainedTokenizerFast"},
                                  {"chat_template", builtinChatTemplate(ChatFamily::Llama3)}};
    test::writeFile(dir + "/tokenizer_config.json", tokenizerConfig.dump(2));
}

std::vector<int64_t> trainedIds(const TokenSequence& s) {
    std::vector<int64_t> out;
    for (std::size_t i = 0; i < s.ids.size(); ++i)
        if (s.trained[i]) out.push_back(s.ids[i]);
    return out;
}

}  // namespace

class TestChatTraining : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string model_, data_;
    std::string path(const std::string& name) { return tmp_.filePath(QString::fromStdString(name)).toStdString(); }

    static void expectError(const std::function<void()>& fn, const std::vector<std::string>& fragments) {
        try {
            fn();
            QFAIL("no error");
        } catch (const Error& e) {
            for (const auto& f : fragments) QVERIFY2(std::string(e.what()).find(f) != std::string::npos, e.what());
        }
    }

private Q_SLOTS:
    void initTestCase() {
        setThreadCount(2);
        model_ = path("llama3-shaped");
        writeLlama3Model(model_);
        std::string lines;
        for (int i = 0; i < 16; ++i)
            lines += R"({"messages": [{"role": "user", "content": "Say yes"}, {"role": "assistant", "content": "yes"}]})" "\n";
        data_ = path("yes.jsonl");
        test::writeFile(data_, lines);
    }

    void theFolderIsLlama3Shaped() {
        const ModelInfo info = inspectModel(model_);
        QCOMPARE(info.vocabSize, int64_t(128256));
        QCOMPARE(info.tokenizerKind, std::string("tokenizer.json (byte-level BPE)"));
        QCOMPARE(info.chatTemplate, std::string("llama3"));
        const auto tok = loadTokenizer(model_);
        QCOMPARE(tok->vocabSize(), int64_t(128256));
        QCOMPARE(tok->tokenId("<|eot_id|>"), kEotId);
        QCOMPARE(tok->encode("hi", true).front(), kBeginOfText);
    }

    // The rendering is tokenized whole, without an added BOS (the template writes it), exactly as encoding the
    // rendered text; the trained tokens are the answer and its <|eot_id|>.
    void recordsAreTokenizedAsTheRenderedText() {
        const auto tok = loadTokenizer(model_);
        const ResolvedPromptFormat f = resolvePromptFormat(model_, "auto", *tok);
        QCOMPARE(f.format->name(), std::string("llama3"));
        QVERIFY(f.warning.empty());
        const std::vector<ChatMessage> messages = {{"system", "Be brief."}, {"user", "Say yes"}, {"assistant", "yes"},
                                                   {"user", "Again?"}, {"assistant", "yes again"}};
        const DataRecord record = f.format->conversation(messages);
        std::string text;
        for (const auto& s : record.segments) text += s.text;
        QCOMPARE(text, std::string("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                                   "<|start_header_id|>user<|end_header_id|>\n\nSay yes<|eot_id|>"
                                   "<|start_header_id|>assistant<|end_header_id|>\n\nyes<|eot_id|>"
                                   "<|start_header_id|>user<|end_header_id|>\n\nAgain?<|eot_id|>"
                                   "<|start_header_id|>assistant<|end_header_id|>\n\nyes again<|eot_id|>"));
        const TokenDataset d = tokenizeRecords({record}, *tok, 256);
        QCOMPARE(d.sequences.size(), std::size_t(1));
        const TokenSequence& s = d.sequences[0];
        const std::vector<int64_t> whole = tok->encode(text, false);
        QCOMPARE(std::vector<int64_t>(s.ids.begin(), s.ids.end()), whole);
        QCOMPARE(whole.front(), kBeginOfText);   // once: from the template, not added again
        QCOMPARE(std::count(whole.begin(), whole.end(), kBeginOfText), 1L);
        std::vector<int64_t> want = tok->encode("yes", false);
        want.push_back(kEotId);
        const auto again = tok->encode("yes again", false);
        want.insert(want.end(), again.begin(), again.end());
        want.push_back(kEotId);
        QCOMPARE(trainedIds(s), want);
    }

    void templatesNeedTheirTokens() {
        // The sentencepiece fixture has no <|eot_id|>: forcing llama3 on it is refused, naming the token.
        const auto spm = loadTokenizer(test::fixtureModel());
        expectError([&] { resolvePromptFormat(test::fixtureModel(), "llama3", *spm); }, {"<|start_header_id|>", "not a token"});
        // Llama 2's format writes <s> and </s> as text: the sentencepiece tokenizer turns them into BOS/EOS ids.
        const ResolvedPromptFormat llama2 = resolvePromptFormat(test::fixtureModel(), "llama2", *spm);
        const DataRecord r = llama2.format->conversation({{"user", "hi"}, {"assistant", "the dog"}});
        const TokenSequence s = tokenizeRecords({r}, *spm, 256).sequences.at(0);
        QCOMPARE(int64_t(s.ids.front()), spm->bosId());
        QCOMPARE(int64_t(s.ids.back()), spm->eosId());
        QCOMPARE(std::count(s.ids.begin(), s.ids.end(), int32_t(spm->bosId())), 1L);
        QVERIFY(s.trained.back());   // </s> ends the answer and is trained
        QVERIFY(!s.trained[1]);
    }

    void trainsExportsAndStopsAtEndOfTurn() {
        RunConfig c;
        c.model.path = model_;
        c.data.train = data_;
        c.data.valFraction = 0;
        c.method = l1ra::Method::LoRA;
        c.adapter.rank = 8;
        c.adapter.alpha = 16;
        c.adapter.dropout = 0;
        c.train.steps = 120;
        c.train.batchSize = 4;
        c.train.seqLen = 64;
        c.train.lr = 0.02;
        c.train.precision = "f32";
        c.eval.every = 0;
        const std::string run = path("run");
        const RunSummary summary = TrainingSession(c, run).run();
        QVERIFY2(summary.state == RunState::Finished, summary.error.c_str());
        qInfo("final loss %.4f", summary.finalLoss);
        QVERIFY(summary.finalLoss < 0.05);

        exportPeftAdapter(run, path("peft"));
        LoadOptions o;
        o.adapter = path("peft");
        auto tuned = LanguageModel::load(model_, o);
        QCOMPARE(trainedTemplateChoice(path("peft")), std::string("auto"));
        QVERIFY2(tuned->promptFormat().find("llama3") != std::string::npos, tuned->promptFormat().c_str());
        QVERIFY(tuned->isStop(kEotId));
        const std::string prompt = tuned->chatPrompt({{"user", "Say yes"}});
        QCOMPARE(prompt, std::string("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nSay yes<|eot_id|>"
                                     "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        GenerationOptions g;
        g.maxNewTokens = 12;
        const auto out = tuned->generate(tuned->encodePrompt(prompt), g);
        QVERIFY2(!out.empty() && out.back() == kEotId && out.size() < 12, tuned->decode(out).c_str());
        QCOMPARE(tuned->decode(std::vector<int64_t>(out.begin(), out.end() - 1)), std::string("yes"));
    }
};

QTEST_GUILESS_MAIN(TestChatTraining)
#include "tst_chat_training.moc"
