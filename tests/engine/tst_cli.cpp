// The `l1ra` command line, run in-process: outputs, and a clear error with non-zero exit for bad input.
#include "l1ra/runtime.h"
#include "l1ra/text_tokenizer.h"
#include "l1ra/version.h"
#include "test_support.h"

#include <QProcess>
#include <QtTest>

#include <map>

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace l1ra;
using nlohmann::json;

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    static void expectFailure(const std::vector<std::string>& args, const std::string& fragment) {
        const auto r = test::runCli(args);
        QVERIFY2(r.code != 0, r.out.c_str());
        QVERIFY2(r.err.find(fragment) != std::string::npos, (r.err + "  [expected: " + fragment + "]").c_str());
    }

private Q_SLOTS:
    void help() {
        const auto r = test::runCli({"help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.find("logits") != std::string::npos);
        QVERIFY(test::runCli({}).code != 0);
    }

    // Bug reports need the version, the LibTorch it runs on and whether CUDA is there.
    void version() {
        const auto r = test::runCli({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.rfind("l1ra " + l1ra::projectVersion() + "\n", 0) == 0, r.out.c_str());
        QVERIFY2(r.out.find("\nLibTorch 1.") != std::string::npos || r.out.find("\nLibTorch 2.") != std::string::npos, r.out.c_str());
        QVERIFY2(r.out.find(l1ra::cudaAvailable() ? "CUDA: available" : "CUDA: not available") != std::string::npos, r.out.c_str());
        QCOMPARE(l1ra::projectVersion(), std::string(L1RA_PROJECT_VERSION));
    }

    void info() {
        const auto r = test::runCli({"info", "--model", test::fixtureModel()});
        QCOMPARE(r.code, 0);
        const json j = json::parse(r.out);
        QCOMPARE(j["architecture"].get<std::string>(), std::string("LlamaForCausalLM"));
        QCOMPARE(j["layers"].get<int>(), 2);
        QCOMPARE(j["heads"].get<int>(), 4);
        QCOMPARE(j["kv_heads"].get<int>(), 2);
        QCOMPARE(j["vocab_size"].get<int>(), 512);
        QCOMPARE(j["dtype"].get<std::string>(), std::string("F32"));
        QVERIFY(j["parameters"].get<int64_t>() > 100000);
        QVERIFY(j["tokenizer"].is_string());
        QCOMPARE(j["tokenizer_kind"].get<std::string>(), std::string("tokenizer.model (sentencepiece)"));
    }

    // `l1ra tokenize`: ids as the model's own tokenizer makes them (BOS included); --json is exactly
    // {"ids":[...],"tokens":[...]} with the vocabulary strings; the tokenizer used is named on stderr.
    void tokenizeWithATokenizerJson() {
        const std::string model = test::dataPath("tokenizers/byte-level-bpe");
        const std::string text = "Hi there<|eot_id|> 12345\n";
        const auto r = test::runCli({"tokenize", "--model", model, "--text", text, "--json"});
        QVERIFY2(r.code == 0, r.err.c_str());
        const auto tokenizer = loadTokenizer(model);
        const std::vector<int64_t> ids = tokenizer->encode(text, true);
        std::vector<std::string> tokens;
        for (int64_t id : ids) tokens.push_back(tokenizer->piece(id));
        QCOMPARE(r.out, json({{"ids", ids}, {"tokens", tokens}}).dump() + "\n");
        QVERIFY(r.out.rfind("{\"ids\":[506,", 0) == 0);
        QVERIFY(r.out.find("\"<|eot_id|>\",\"" "\xC4\xA0" "\"") != std::string::npos);   // the special token, then "Ġ"
        QVERIFY2(r.err.find(model + "/tokenizer.json (tokenizer.json (byte-level BPE))") != std::string::npos, r.err.c_str());

        const std::string file = tmp_.filePath("text.txt").toStdString();
        test::writeFile(file, text);
        const auto plain = test::runCli({"tokenize", "--model", model, "--file", file, "--no-special"});
        QVERIFY2(plain.code == 0, plain.err.c_str());
        std::string expected;
        for (std::size_t i = 1; i < ids.size(); ++i) expected += (i > 1 ? " " : "") + std::to_string(ids[i]);
        QCOMPARE(plain.out, expected + "\n");

        // A sentencepiece folder the same way: its BOS, then the reference ids.
        const json ref = json::parse(test::readFile(test::fixtureModel() + "/reference.json"));
        const auto spm = test::runCli({"tokenize", "--model", test::fixtureModel(), "--text", ref["text"].get<std::string>(), "--json"});
        QVERIFY2(spm.code == 0, spm.err.c_str());
        QCOMPARE(json::parse(spm.out)["ids"].get<std::vector<int64_t>>(), ref["input_ids"].get<std::vector<int64_t>>());

        expectFailure({"tokenize", "--model", model}, "give exactly one of --text and --file");
        expectFailure({"tokenize", "--model", model, "--file", tmp_.filePath("missing.txt").toStdString()}, "cannot read");
        expectFailure({"tokenize", "--model", tmp_.path().toStdString(), "--text", "x"}, "no tokenizer.json or tokenizer.model");
    }

    // A model folder with tokenizer.json: preferred over tokenizer.model, and text runs through it.
    void modelFolderWithTokenizerJson() {
        const std::string dir = tmp_.filePath("json-tokenizer").toStdString();
        test::copyFolder(test::fixtureModel(), dir);
        test::copyFolder(test::dataPath("tokenizers/byte-level-bpe"), dir);
        const auto r = test::runCli({"info", "--model", dir});
        QVERIFY2(r.code == 0, r.err.c_str());
        const json j = json::parse(r.out);
        QCOMPARE(j["tokenizer"].get<std::string>(), dir + "/tokenizer.json");
        QCOMPARE(j["tokenizer_kind"].get<std::string>(), std::string("tokenizer.json (byte-level BPE)"));
        QCOMPARE(j["tokenizer_vocab"].get<int>(), 510);
        std::filesystem::remove(dir + "/tokenizer.model");
        const std::string out = tmp_.filePath("json-logits.safetensors").toStdString();
        const auto logits = test::runCli({"logits", "--model", dir, "--text", "Hi<|eot_id|>", "--out", out});
        QVERIFY2(logits.code == 0, logits.err.c_str());
        QCOMPARE(test::readInt64s(out, "input_ids"), loadTokenizer(dir)->encode("Hi<|eot_id|>", true));
    }

    void logitsFromTextMatchReference() {
        const json ref = json::parse(test::readFile(test::fixtureModel() + "/reference.json"));
        const std::string out = tmp_.filePath("logits.safetensors").toStdString();
        const auto r = test::runCli({"logits", "--model", test::fixtureModel(), "--text", ref["text"].get<std::string>(), "--out", out});
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(test::readInt64s(out, "input_ids"), ref["input_ids"].get<std::vector<int64_t>>());
        const auto logits = test::readFloats(out, "logits");
        const auto expected = test::readFloats(test::fixtureModel() + "/reference_logits.safetensors", "logits");
        QVERIFY(test::maxAbsDiff(logits, expected) <= 1e-4 * test::maxAbs(expected));
    }

    void logitsFromIds() {
        const std::string out = tmp_.filePath("ids.safetensors").toStdString();
        const auto r = test::runCli({"logits", "--model", test::fixtureModel(), "--ids", "1,424,430", "--out", out});
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(test::readInt64s(out, "input_ids"), (std::vector<int64_t>{1, 424, 430}));
        QCOMPARE(test::readFloats(out, "logits").size(), std::size_t(3 * 512));
    }

    // A build without sentencepiece (the GPU check builds one against a pip LibTorch): token ids still work, and
    // text is refused with a message naming the tokenizer and the missing module. Simulated by a copy of the
    // binary and engine library in a folder without libl1ra_spm.so.
    void withoutTokenizerModuleIdsStillWork() {
        const QString bin = tmp_.filePath("bin-without-spm");
        QVERIFY(QDir().mkpath(bin));
        for (const char* file : {"l1ra", "libl1ra.so"}) {
            QFile::remove(bin + "/" + file);
            QVERIFY(QFile::copy(QString(L1RA_BIN_DIR) + "/" + file, bin + "/" + file));
        }
        QFile::setPermissions(bin + "/l1ra", QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        auto runCopy = [&](const QStringList& args) {
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(bin + "/l1ra", args);
            p.waitForFinished(120000);
            return std::make_pair(p.exitCode(), QString::fromUtf8(p.readAll()));
        };
        const QString model = QString::fromStdString(test::fixtureModel());
        const QString out = tmp_.filePath("no-spm.safetensors");
        auto [code, text] = runCopy({"logits", "--model", model, "--ids", "1,424,430", "--out", out});
        QVERIFY2(code == 0, qPrintable(text));
        QCOMPARE(test::readFloats(out.toStdString(), "logits").size(), std::size_t(3 * 512));
        std::tie(code, text) = runCopy({"logits", "--model", model, "--text", "hello", "--out", out});
        QVERIFY(code != 0);
        QVERIFY2(text.contains("tokenizer.model") && text.contains("libl1ra_spm.so") && text.contains("token ids"),
                 qPrintable(text));
    }

    // `l1ra bench` on a tiny shape: one JSON object with the figures docs/performance.md relies on; bad values refused.
    void benchReportsItsFigures() {
        const std::vector<std::string> shape = {"bench", "--vocab", "64", "--dim", "32", "--layers", "1", "--heads", "4",
                                                "--kv-heads", "2", "--ffn", "48", "--seq", "16", "--batch", "2",
                                                "--steps", "4", "--warmup", "1", "--threads", "1", "--json"};
        for (const std::string method : {"lora", "l1ra"}) {
            auto args = shape;
            args.insert(args.end(), {"--method", method, "--dropout", "0.2", "--realloc-every", "2"});
            const auto r = test::runCli(args);
            QVERIFY2(r.code == 0, r.err.c_str());
            const json j = json::parse(r.out);
            QCOMPARE(j["method"].get<std::string>(), method);
            QCOMPARE(j["dropout"].get<double>(), 0.2);
            QCOMPARE(j["shape"]["dim"].get<int>(), 32);
            for (const char* key : {"tokens_per_s", "median_step_s", "forward_s", "backward_s", "flops_per_step",
                                    "peak_gflops", "peak_memory_bytes", "trainable_parameters", "matmul_s"})
                QVERIFY2(j[key].get<double>() > 0, key);
            QCOMPARE(j["reallocation_s"].get<double>() > 0, method == std::string("l1ra"));
            // The matrix products' wall time is part of the step: a share, not more than the whole.
            QVERIFY(j["matmul_share"].get<double>() > 0 && j["matmul_share"].get<double>() <= 1.0);
        }
        // The fused kernels run on every thread asked for (they silently ran on one when built without OpenMP).
        auto twoThreads = shape;
        twoThreads[twoThreads.size() - 2] = "2";
        const auto r = test::runCli(twoThreads);
        QVERIFY2(r.code == 0, r.err.c_str());
        QCOMPARE(json::parse(r.out)["kernel_threads"].get<int>(), 2);
        QVERIFY(!json::parse(r.out).contains("operators"));

        // --operators: wall time per operator and step, the fused kernels' scopes included, backward nodes named.
        auto withOperators = shape;
        withOperators.push_back("--operators");
        const auto ops = test::runCli(withOperators);
        QVERIFY2(ops.code == 0, ops.err.c_str());
        std::map<std::string, json> byName;
        const json report = json::parse(ops.out);
        for (const auto& op : report["operators"]) byName[op["name"].get<std::string>()] = op;
        for (const char* name : {"aten::linear", "l1ra::attention_forward", "backward: CausalAttentionFunction",
                                 "backward: AdaptedProjectionFunction", "backward: AccumulateGrad"}) {
            QVERIFY2(byName.count(name), name);
            QVERIFY2(byName[name]["s_per_step"].get<double>() > 0, name);
            QVERIFY2(!byName[name]["nested"].get<bool>(), name);
        }
        QVERIFY(byName.count("l1ra::softmax_fwd") && byName["l1ra::softmax_fwd"]["nested"].get<bool>());
        QCOMPARE(byName["l1ra::attention_forward"]["calls_per_step"].get<double>(), 1.0);   // one layer
        QCOMPARE(byName["backward: AdaptedProjectionFunction"]["calls_per_step"].get<double>(), 4.0);   // 4 groups
        expectFailure({"bench", "--dropout", "1.5"}, "--dropout");

        // --against: both methods measured in one run, each with its own figures, and the ratio of their steps.
        auto sideBySide = shape;
        sideBySide.insert(sideBySide.end(), {"--method", "l1ra", "--against", "lora", "--realloc-every", "2"});
        const auto both = test::runCli(sideBySide);
        QVERIFY2(both.code == 0, both.err.c_str());
        const json pair = json::parse(both.out);
        QCOMPARE(pair["method"].get<std::string>(), std::string("l1ra"));
        QCOMPARE(pair["against"]["method"].get<std::string>(), std::string("lora"));
        QVERIFY(pair["reallocation_s"].get<double>() > 0 && pair["against"]["reallocation_s"].get<double>() == 0);
        QVERIFY(pair["trainable_parameters"].get<double>() > pair["against"]["trainable_parameters"].get<double>());   // gates
        const double ratio = pair["median_step_s"].get<double>() / pair["against"]["median_step_s"].get<double>();
        QVERIFY(std::abs(pair["step_ratio"].get<double>() - ratio) < 1e-9);
        QVERIFY(pair["paired_step_ratio"].get<double>() > 0);
        expectFailure({"bench", "--method", "l1ra", "--against", "lora", "--operators"}, "--operators times one method");
        expectFailure({"bench", "--method", "l1ra", "--against", "qlora"}, "--against must be lora, l1ra or full, not 'qlora'");
    }

    void generateIsDeterministic() {
        const std::vector<std::string> args = {"generate", "--model", test::fixtureModel(), "--prompt", "The quick",
                                               "--max-new-tokens", "8", "--temperature", "0.8", "--top-p", "0.9",
                                               "--seed", "5", "--json"};
        const auto a = test::runCli(args), b = test::runCli(args);
        QVERIFY2(a.code == 0, a.err.c_str());
        QCOMPARE(a.out, b.out);
        const json j = json::parse(a.out);
        QVERIFY(j["ids"].size() <= 8 && !j["ids"].empty());
        const auto plain = test::runCli({"generate", "--model", test::fixtureModel(), "--prompt", "The quick", "--max-new-tokens", "4"});
        QVERIFY2(plain.code == 0, plain.err.c_str());
        QVERIFY(plain.out.rfind("The quick", 0) == 0);
    }

    void errors() {
        const std::string m = test::fixtureModel();
        expectFailure({"frobnicate"}, "unknown command 'frobnicate'");
        expectFailure({"info"}, "--model is required");
        expectFailure({"info", "--model", "/no/such/model"}, "/no/such/model does not exist");
        expectFailure({"info", "--model", m, "--colour", "red"}, "unknown option '--colour'");
        expectFailure({"info", "--model"}, "--model needs a value");
        expectFailure({"logits", "--model", m, "--out", "x.safetensors"}, "exactly one of --text and --ids");
        expectFailure({"logits", "--model", m, "--ids", "1,x", "--out", "x.safetensors"}, "'x' is not a token id");
        expectFailure({"logits", "--model", m, "--ids", "1,9999", "--out", "x.safetensors"}, "token id 9999");
        expectFailure({"generate", "--model", m, "--prompt", "a", "--max-new-tokens", "many"}, "must be an integer");
        expectFailure({"generate", "--model", m, "--prompt", "a", "--top-p", "0"}, "top-p");
        expectFailure({"logits", "--model", m, "--ids", "1", "--out", tmp_.filePath("no/such/dir/x.safetensors").toStdString()},
                      "cannot write");
    }

    void corruptFilesThroughTheCli() {
        const std::string dir = tmp_.filePath("broken").toStdString();
        test::copyFolder(test::fixtureModel(), dir);
        test::writeFile(dir + "/config.json", "[]");
        expectFailure({"info", "--model", dir}, dir + "/config.json: not a JSON object");
        test::copyFolder(test::fixtureModel(), dir);
        test::writeFile(dir + "/tokenizer.model", "garbage");
        expectFailure({"logits", "--model", dir, "--text", "hi", "--out", tmp_.filePath("t.safetensors").toStdString()},
                      "not a valid sentencepiece model");
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
