#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/memory_plan.h"
#include "l1ra/run_config.h"

#include <algorithm>
#include <cctype>

namespace l1ra::cli {

namespace {

// "24G", "512M", "1048576": bytes, with K, M, G, T as powers of 1024 ("24GiB" and "24GB" read as 24G too).
int64_t parseBytes(const std::string& text) {
    std::size_t used = 0;
    double value = -1;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
    }
    std::string unit = text.substr(std::min(used, text.size()));
    if (unit.size() >= 2 && (unit.substr(unit.size() - 2) == "iB")) unit.resize(unit.size() - 2);
    else if (unit.size() >= 2 && unit.back() == 'B') unit.pop_back();
    const std::string units = "KMGT";
    const auto power = unit.size() == 1 ? units.find(char(std::toupper(unit[0]))) : std::string::npos;
    if (!(value >= 0) || (!unit.empty() && power == std::string::npos))
        throw Error("plan: --free '" + text + "' is not a size like 24G or 25769803776");
    double scale = 1;
    if (!unit.empty())
        for (std::size_t i = 0; i <= power; ++i) scale *= 1024;
    return int64_t(value * scale);
}

MemoryPlanRequest shapeRequest(const Arguments& a) {
    MemoryPlanRequest r;
    for (const char* required : {"--vocab", "--dim", "--layers", "--heads", "--ffn"})
        if (!a.has(required)) throw Error(std::string("plan: give --config RUN.json, or a shape with ") + required + " and the rest");
    r.vocab = a.integer("--vocab", 0);
    r.dim = a.integer("--dim", 0);
    r.layers = a.integer("--layers", 0);
    r.heads = a.integer("--heads", 0);
    r.kvHeads = a.integer("--kv-heads", int(r.heads));
    r.ffn = a.integer("--ffn", 0);
    if (r.vocab < 1 || r.dim < 1 || r.layers < 1 || r.heads < 1 || r.kvHeads < 1 || r.ffn < 1)
        throw Error("plan: the shape's sizes must be positive");
    r.headDim = a.integer("--head-dim", int(r.dim / r.heads));
    r.tiedEmbeddings = a.flag("--tied");
    r.seqLen = a.integer("--seq", 256);
    r.batchSize = a.integer("--batch", 4);
    r.rank = a.integer("--rank", 8);
    r.dropout = a.real("--dropout", 0.1);
    if (!parseMethod(a.value("--method").value_or("l1ra"), &r.method)) throw Error("plan: --method must be l1ra, lora or full");
    r.precision = a.value("--precision").value_or("bf16");
    r.baseDtype = a.value("--base-dtype").value_or("bf16");
    r.gradientCheckpointing = a.flag("--grad-checkpointing");
    r.device = a.value("--device").value_or("cpu");
    if (r.precision != "bf16" && r.precision != "f32") throw Error("plan: --precision must be bf16 or f32");
    if (r.baseDtype != "bf16" && r.baseDtype != "int8" && r.baseDtype != "nf4") throw Error("plan: --base-dtype must be bf16, int8 or nf4");
    if (r.seqLen < 2 || r.batchSize < 1 || r.rank < 1) throw Error("plan: --seq must be at least 2, --batch and --rank positive");
    return r;
}

}  // namespace

int runPlan(const Args& args, std::ostream& out, std::ostream&) {
    Arguments a("plan", args,
                {"--config", "--set", "--free", "--vocab", "--dim", "--layers", "--heads", "--kv-heads", "--head-dim", "--ffn", "--seq",
                 "--batch", "--rank", "--dropout", "--method", "--precision", "--base-dtype", "--device"},
                {"--json", "--grad-checkpointing", "--tied"});
    MemoryPlanRequest request;
    if (a.has("--config") || a.has("--set")) {
        RunConfig config;
        if (auto path = a.value("--config")) config = loadRunConfig(*path);
        for (const auto& assignment : a.all("--set")) applyRunConfigAssignment(config, assignment);
        if (config.model.path.empty()) throw Error("plan: the run config names no model folder ('model')");
        request = memoryPlanRequest(config);
    } else {
        request = shapeRequest(a);
    }
    const int64_t free = a.has("--free") ? parseBytes(*a.value("--free")) : deviceFreeBytes(request.device);
    const MemoryPlan plan = planMemory(request, free);
    out << (a.flag("--json") ? memoryPlanToJson(plan) + "\n" : memoryPlanText(plan));
    return plan.fits ? 0 : 4;
}

}  // namespace l1ra::cli
