#include "checkpoint.h"

#include "crash_point.h"
#include "file_util.h"
#include "l1ra/error.h"
#include "safetensors.h"
#include "tensor_io.h"
#include "trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace l1ra {

namespace fs = std::filesystem;
using nlohmann::json;

std::string checkpointFolderName(int64_t step) {
    char name[32];
    std::snprintf(name, sizeof(name), "step-%08lld", static_cast<long long>(step));
    return name;
}

// Format 2 adds the live budget request ("pending_budget") and each rank's creation step ("born" per adapter);
// format 1 checkpoints resume with no request and every rank counted from the start.
constexpr int kCheckpointFormat = 2;

// The creation steps of an adapter's ranks as saved, or all 0 (format 1).
static std::vector<int64_t> savedBirths(const json& state, const std::string& module, int rank, const std::string& path) {
    for (const auto& a : state.value("adapters", json::array())) {
        if (a.value("module", "") != module || !a.contains("born")) continue;
        auto born = a.at("born").get<std::vector<int64_t>>();
        if (int(born.size()) != rank) throw Error(path + ": adapter " + module + " records " + std::to_string(born.size()) +
                                                  " creation steps for " + std::to_string(rank) + " ranks");
        return born;
    }
    return std::vector<int64_t>(std::size_t(rank), 0);
}

static std::vector<std::string> completeCheckpoints(const std::string& runDir) {
    std::vector<std::string> out;
    const std::string dir = runDir + "/checkpoints";
    if (!isDirectory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (e.is_directory() && name.rfind("step-", 0) == 0 && fileExists(e.path().string() + "/state.json"))
            out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string newestCheckpoint(const std::string& runDir) {
    const auto all = completeCheckpoints(runDir);
    return all.empty() ? std::string() : all.back();
}

std::string saveCheckpoint(const std::string& runDir, Trainer& trainer, const CheckpointState& state, int keep) {
    const std::string parent = runDir + "/checkpoints";
    fs::create_directories(parent);
    const std::string finalDir = parent + "/" + checkpointFolderName(state.step);
    const std::string tmpDir = parent + "/.tmp-" + checkpointFolderName(state.step);
    std::error_code ec;
    fs::remove_all(tmpDir, ec);
    fs::create_directories(tmpDir);

    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    json steps = json::object();
    for (TrainableTensor* p : trainer.trainables()) {
        tensors.emplace_back(p->name, p->value.detach());
        tensors.emplace_back(p->name + ".exp_avg", p->expAvg);
        tensors.emplace_back(p->name + ".exp_avg_sq", p->expAvgSq);
        steps[p->name] = p->steps;
    }
    json adapters = json::array();
    if (trainer.hasAdapters()) {
        // Gates of L1RA runs are trainables and saved above; LoRA gates are constant ones.
        const AdapterSet& set = trainer.adapters();
        for (const Adapter& a : set.adapters())
            adapters.push_back({{"module", a.moduleName()}, {"rank", a.rank()}, {"scale", a.scale}, {"born", a.born}});
    }
    saveTensors(tmpDir + "/trainable.safetensors", tensors, {{"format", "l1ra-checkpoint"}});
    crashPoint("checkpoint-write");
    const json s = {{"format_version", kCheckpointFormat},
                    {"method", trainer.settings().method},
                    {"step", state.step},
                    {"lambda", state.lambda},
                    {"budget", state.budget},
                    {"pending_budget", state.pendingBudget},
                    {"last_loss", state.lastLoss},
                    {"best_val_loss", state.bestValLoss},
                    {"last_val_loss", state.lastValLoss},
                    {"elapsed_s", state.elapsedSeconds},
                    {"initial_rank", trainer.settings().adapter.rank},
                    {"alpha", trainer.settings().adapter.alpha},
                    {"adapters", adapters},
                    {"optimizer_steps", steps},
                    {"data", {{"samples_consumed", state.step * trainer.settings().gradAccum * trainer.settings().batchSize}}},
                    {"rng", {{"seed", trainer.settings().seed}, {"scheme", "reseeded from (seed, step) every step"}}}};
    writeTextFileAtomically(tmpDir + "/state.json", s.dump(2));
    fs::remove_all(finalDir, ec);
    fs::rename(tmpDir, finalDir);

    auto all = completeCheckpoints(runDir);
    for (std::size_t i = 0; i + std::size_t(std::max(keep, 1)) < all.size(); ++i) fs::remove_all(all[i], ec);
    return finalDir;
}

CheckpointState loadCheckpoint(const std::string& checkpointDir, Trainer& trainer) {
    const std::string statePath = checkpointDir + "/state.json";
    json s;
    try {
        s = json::parse(readTextFile(statePath));
    } catch (const json::exception& e) {
        throw Error(statePath + ": not valid JSON: " + e.what());
    }
    CheckpointState state;
    try {
        const int version = s.value("format_version", 1);
        if (version < 1 || version > kCheckpointFormat)
            throw Error(statePath + ": checkpoint format " + std::to_string(version) + " is newer than this build reads (" +
                        std::to_string(kCheckpointFormat) + "): update L1RA Studio");
        if (s.at("method").get<std::string>() != trainer.settings().method)
            throw Error(statePath + ": checkpoint of a '" + s.at("method").get<std::string>() + "' run");
        state.step = s.at("step").get<int64_t>();
        state.lambda = s.at("lambda").get<double>();
        state.budget = s.at("budget").get<int>();
        state.pendingBudget = s.value("pending_budget", 0);   // format 1 did not record one
        state.lastLoss = s.value("last_loss", 0.0);
        state.bestValLoss = s.value("best_val_loss", 0.0);
        state.lastValLoss = s.value("last_val_loss", 0.0);
        state.elapsedSeconds = s.value("elapsed_s", 0.0);
    } catch (const json::exception& e) {
        throw Error(statePath + ": " + e.what());
    }
    const std::string tensorsPath = checkpointDir + "/trainable.safetensors";
    SafetensorsFile file(tensorsPath);
    const auto device = trainer.model().device();
    torch::NoGradGuard noGrad;
    auto load = [&](const std::string& name) { return loadTensor(file.tensor(name), torch::kFloat32, device); };
    auto restore = [&](TrainableTensor& p) {
        auto value = load(p.name);
        if (trainer.hasAdapters()) {
            p.value = value.requires_grad_(p.value.requires_grad());   // ranks may differ from a fresh adapter
        } else {
            if (value.sizes() != p.value.sizes()) throw Error(tensorsPath + ": '" + p.name + "' has another shape than the model");
            p.value.copy_(value);
        }
        p.expAvg = load(p.name + ".exp_avg");
        p.expAvgSq = load(p.name + ".exp_avg_sq");
        p.steps = s.at("optimizer_steps").value(p.name, int64_t(0));
    };
    if (trainer.hasAdapters()) {
        for (Adapter& a : trainer.adapters().adapters()) {
            restore(a.A);
            restore(a.B);
            if (trainer.adapters().gated()) restore(a.gate);
            else a.gate.value = torch::ones({a.A.value.size(0)}, a.A.value.options()).requires_grad_(false);
            if (a.A.value.size(0) != a.B.value.size(1) || a.gate.value.size(0) != a.A.value.size(0))
                throw Error(tensorsPath + ": adapter " + a.moduleName() + " has inconsistent ranks");
            a.born = savedBirths(s, a.moduleName(), a.rank(), statePath);
        }
    } else {
        for (TrainableTensor* p : trainer.trainables()) restore(*p);
    }
    return state;
}

}  // namespace l1ra
