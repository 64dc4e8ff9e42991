#include "l1ra/memory_plan.h"

#include "perf/memory_plan_model.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace l1ra {

namespace {

MemoryPlan estimate(const MemoryPlanRequest& r, int64_t freeBytes) {
    MemoryPlan p;
    p.request = r;
    const MemoryEstimate e = estimateTrainingMemory(r);
    p.weightBytes = e.weights;
    p.adapterBytes = e.adapters;
    p.activationBytes = e.activations;
    p.workspaceBytes = e.workspace;
    p.peakBytes = e.weights + e.adapters + e.activations + e.workspace;
    p.overheadBytes = processOverheadBytes(r.device);
    p.freeBytes = freeBytes;
    p.fits = freeBytes < 0 || fitsIn(p.peakBytes, p.overheadBytes, freeBytes);
    return p;
}

// Ways to need less memory, cheapest first: exact ones before those that change the weights, those before the
// ones that change what a step trains on.
std::vector<std::pair<std::string, std::vector<std::string>>> candidateChanges(const MemoryPlanRequest& r) {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    const bool quantisable = r.method != Method::Full;
    const std::string ckpt = "train.gradient_checkpointing=true";
    if (!r.gradientCheckpointing) out.push_back({"gradient checkpointing", {ckpt}});
    if (quantisable && r.baseDtype == "bf16") out.push_back({"int8 base weights", {"model.base_dtype=int8"}});
    if (quantisable && r.baseDtype != "nf4") out.push_back({"nf4 base weights", {"model.base_dtype=nf4"}});
    std::vector<std::string> both;
    if (!r.gradientCheckpointing) both.push_back(ckpt);
    if (quantisable && r.baseDtype != "nf4") both.push_back("model.base_dtype=nf4");
    if (both.size() == 2) out.push_back({"nf4 base weights and gradient checkpointing", both});
    // Then, on top of those: fewer sequences a micro-batch (the same tokens a step through accumulation), and last
    // shorter sequences (they change what is trained).
    for (int64_t batch = r.batchSize / 2, accum = r.gradAccum * 2; batch >= 1; batch /= 2, accum *= 2) {
        auto settings = both;
        settings.push_back("train.batch_size=" + std::to_string(batch));
        settings.push_back("train.grad_accum=" + std::to_string(accum));
        out.push_back({"batch " + std::to_string(batch) + " with accumulation " + std::to_string(accum) +
                           (both.empty() ? "" : ", nf4 and checkpointing"),
                       settings});
    }
    for (int64_t seq = r.seqLen / 2; seq >= 128; seq /= 2) {
        auto settings = both;
        if (r.batchSize > 1) {
            settings.push_back("train.batch_size=1");
            settings.push_back("train.grad_accum=" + std::to_string(r.gradAccum * r.batchSize));
        }
        settings.push_back("train.seq_len=" + std::to_string(seq));
        out.push_back({"sequences of " + std::to_string(seq) + " tokens" + (r.batchSize > 1 ? ", batch 1 with accumulation" : ""),
                       settings});
    }
    return out;
}

MemoryPlanRequest applied(MemoryPlanRequest r, const std::vector<std::string>& settings) {
    for (const auto& s : settings) {
        const auto eq = s.find('=');
        const std::string key = s.substr(0, eq), value = s.substr(eq + 1);
        if (key == "train.gradient_checkpointing") r.gradientCheckpointing = value == "true";
        else if (key == "model.base_dtype") r.baseDtype = value;
        else if (key == "train.batch_size") r.batchSize = std::stoll(value);
        else if (key == "train.grad_accum") r.gradAccum = std::stoll(value);
        else if (key == "train.seq_len") r.seqLen = std::stoll(value);
    }
    return r;
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : separator) + s;
    return out;
}

}  // namespace

std::string formatBytes(int64_t bytes) {
    char buf[32];
    const double b = double(bytes);
    if (b >= double(1LL << 30)) std::snprintf(buf, sizeof(buf), "%.2f GiB", b / double(1LL << 30));
    else std::snprintf(buf, sizeof(buf), "%.1f MiB", b / double(1 << 20));
    return buf;
}

MemoryPlan planMemory(const MemoryPlanRequest& request, int64_t freeBytes) {
    MemoryPlan plan = estimate(request, freeBytes);
    for (const auto& [what, settings] : candidateChanges(request)) {
        const MemoryPlan changed = estimate(applied(request, settings), freeBytes);
        plan.changes.push_back({what, joined(settings, " "), changed.peakBytes, changed.fits});
    }
    if (!plan.fits) {
        for (const auto& c : plan.changes) {
            if (!c.fits) continue;
            plan.advice = "it fits with " + c.what + " (" + c.settings + "): " + formatBytes(c.peakBytes + plan.overheadBytes) + " of " +
                          formatBytes(freeBytes) + " free";
            break;
        }
        if (plan.advice.empty()) plan.advice = "no change tried here makes it fit (" + formatBytes(freeBytes) + " free): choose a smaller model or a larger device";
    }
    return plan;
}

MemoryPlan planRunMemory(const RunConfig& config) {
    const MemoryPlanRequest request = memoryPlanRequest(config);
    return planMemory(request, deviceFreeBytes(request.device));
}

std::string memoryPlanToJson(const MemoryPlan& p, int indent) {
    const auto& r = p.request;
    nlohmann::json changes = nlohmann::json::array();
    for (const auto& c : p.changes)
        changes.push_back({{"what", c.what}, {"settings", c.settings}, {"peak_bytes", c.peakBytes}, {"fits", c.fits}});
    nlohmann::json j{{"device", r.device},
                     {"precision", r.precision},
                     {"method", methodName(r.method)},
                     {"base_dtype", r.baseDtype},
                     {"gradient_checkpointing", r.gradientCheckpointing},
                     {"shape", {{"vocab", r.vocab}, {"dim", r.dim}, {"layers", r.layers}, {"heads", r.heads}, {"kv_heads", r.kvHeads},
                                {"head_dim", r.headDim}, {"ffn", r.ffn}, {"seq", r.seqLen}, {"batch", r.batchSize}, {"rank", r.rank}}},
                     {"weights_bytes", p.weightBytes},
                     {"adapters_bytes", p.adapterBytes},
                     {"activations_bytes", p.activationBytes},
                     {"workspace_bytes", p.workspaceBytes},
                     {"peak_bytes", p.peakBytes},
                     {"overhead_bytes", p.overheadBytes},
                     {"free_bytes", p.freeBytes < 0 ? nlohmann::json() : nlohmann::json(p.freeBytes)},
                     {"fits", p.fits},
                     {"advice", p.advice},
                     {"changes", changes}};
    return j.dump(indent);
}

std::string memoryPlanText(const MemoryPlan& p) {
    const auto& r = p.request;
    std::ostringstream out;
    out << "memory plan: " << r.device << ", " << r.precision << ", " << methodName(r.method) << ", base " << r.baseDtype
        << (r.gradientCheckpointing ? ", gradient checkpointing" : "") << ", batch " << r.batchSize << " x " << r.seqLen << " tokens\n";
    auto row = [&](const char* name, int64_t bytes) {
        char buf[96];
        std::snprintf(buf, sizeof(buf), "  %-26s %12s\n", name, formatBytes(bytes).c_str());
        out << buf;
    };
    row("weights", p.weightBytes);
    row("adapters + optimizer state", p.adapterBytes);
    row("activations", p.activationBytes);
    row("workspace", p.workspaceBytes);
    row("peak (tensors)", p.peakBytes);
    row(r.device.rfind("cuda", 0) == 0 ? "+ CUDA context (estimate)" : "+ process (estimate)", p.overheadBytes);
    if (p.freeBytes < 0) out << "  free memory unknown: no verdict\n";
    else out << "  " << (p.fits ? "fits: " : "does not fit: ") << formatBytes(p.peakBytes + p.overheadBytes) << " of " << formatBytes(p.freeBytes) << " free\n";
    if (!p.advice.empty()) out << "  " << p.advice << "\n";
    return out.str();
}

}  // namespace l1ra
