#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/evaluation.h"
#include "l1ra/run_config.h"
#include "l1ra/runtime.h"

#include <nlohmann/json.hpp>

namespace l1ra::cli {

int runEval(const Args& args, std::ostream& out, std::ostream&) {
    Arguments a("eval", args,
                {"--model", "--adapter", "--run", "--data", "--format", "--template", "--seq-len", "--batch-size", "--max-batches", "--device",
                 "--dtype", "--threads", "--base-dtype"},
                {"--json"});
    if (a.has("--adapter") && a.has("--run")) throw Error("give at most one of --adapter and --run");
    setThreadCount(a.threads());
    EvaluationOptions o;
    o.adapter = a.value("--adapter").value_or(a.value("--run").value_or(""));
    o.format = a.value("--format").value_or("auto");
    o.chatTemplate = a.value("--template").value_or("");
    o.seqLen = a.integer("--seq-len", 512);
    o.batchSize = a.integer("--batch-size", 4);
    o.maxBatches = a.integer("--max-batches", 0);
    o.device = a.value("--device").value_or("cpu");
    o.dtype = a.value("--dtype").value_or("auto");
    std::string model = a.value("--model").value_or("");
    o.baseDtype = a.value("--base-dtype").value_or("bf16");
    if (a.has("--run")) {   // the run's base model, quantised as it trained
        const RunConfig run = loadRunConfig(*a.value("--run") + "/config.json");
        if (model.empty()) model = run.model.path;
        if (!a.has("--base-dtype")) o.baseDtype = run.model.baseDtype;
    }
    if (model.empty()) throw Error("eval: option --model is required (or --run, whose config names the model)");
    const EvaluationResult r = evaluateModel(model, a.required("--data"), o);
    const nlohmann::json j = {{"model", model},       {"adapter", o.adapter},   {"data", *a.value("--data")},
                              {"format", r.format},   {"loss", r.loss},         {"perplexity", r.perplexity},
                              {"tokens", r.tokens},   {"sequences", r.sequences}};
    if (a.flag("--json")) {
        out << j.dump() << "\n";
    } else {
        char line[160];
        std::snprintf(line, sizeof(line), "loss %.4f  perplexity %.3f  (%lld tokens, %lld sequences, %s)", r.loss, r.perplexity,
                      (long long)r.tokens, (long long)r.sequences, r.format.c_str());
        out << line << "\n";
    }
    return 0;
}

}  // namespace l1ra::cli
