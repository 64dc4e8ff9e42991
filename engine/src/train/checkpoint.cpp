#include "train/checkpoint.h"

#include "io/crash_point.h"
#include "train/divergence.h"
#include "io/file_util.h"
#include "io/folder_swap.h"
#include "l1ra/error.h"
#include "io/model_folder.h"
#include "io/safetensors.h"
#include "io/tensor_io.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
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

static std::vector<std::string> completeCheckpoints(const std::string& runDir, const char* folder = "checkpoints") {
    std::vector<std::string> out;
    const std::string dir = runDir + "/" + folder;
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

// Where the data order stands: the samples consumed so far, whatever the world size (a data-parallel run's
// global batch is the per-process batch times the processes).
static json dataPosition(const Trainer& trainer, int64_t step) {
    json data = {{"samples_consumed", trainer.samplesBefore(step)}};
    if (trainer.worldSize() > 1) data["world_size"] = trainer.worldSize();
    return data;
}

static json stateJson(Trainer& trainer, const CheckpointState& state) {
    json steps = json::object();
    for (TrainableTensor* p : trainer.trainables()) steps[p->name] = p->steps;
    json adapters = json::array();
    if (trainer.hasAdapters()) {
        // Gates of L1RA runs are trainables and saved with the tensors; LoRA gates are constant ones.
        for (const Adapter& a : trainer.adapters().adapters())
            adapters.push_back({{"module", a.moduleName()}, {"rank", a.rank()}, {"scale", a.scale}, {"born", a.born}});
    }
    return {{"format_version", kCheckpointFormat},
            {"method", methodName(trainer.settings().method)},
            {"step", state.step},
            {"lambda", state.lambda},
            {"budget", state.budget},
            {"pending_budget", state.pendingBudget},
            {"last_loss", state.lastLoss},
            {"best_val_loss", state.bestValLoss},
            {"last_val_loss", state.lastValLoss},
            {"elapsed_s", state.elapsedSeconds},
            {"lr_scale", state.lrScale},
            {"diverged_in_a_row", state.divergedInARow},
            {"best_step", state.bestStep},
            {"best_step_val_loss", state.bestStepLoss},
            {"evals_since_best", state.evalsSinceBest},
            {"stopped_early", state.stoppedEarly},
            {"initial_rank", trainer.settings().adapter.rank},
            {"alpha", trainer.settings().adapter.alpha},
            {"adapters", adapters},
            {"optimizer_steps", steps},
            {"data", dataPosition(trainer, state.step)},
            {"rng", {{"seed", trainer.settings().seed}, {"scheme", "reseeded from (seed, step) every step"}}}};
}

// Writes one checkpoint folder atomically (a temporary sibling swapped in).
static void writeCheckpointFolder(const std::string& finalDir, Trainer& trainer, const CheckpointState& state) {
    const std::vector<TrainableTensor*> trainables = trainer.trainables();
    // A checkpoint is something to go back to: one holding NaN or infinities would only diverge again.
    if (const std::string bad = firstNonFiniteState(trainables); !bad.empty())
        throw Error("checkpoint " + finalDir + " not written: '" + bad + "' holds NaN or infinite values");
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    for (TrainableTensor* p : trainables) {
        tensors.emplace_back(p->name, p->value.detach());
        tensors.emplace_back(p->name + ".exp_avg", p->expAvg);
        tensors.emplace_back(p->name + ".exp_avg_sq", p->expAvgSq);
    }
    const json s = stateJson(trainer, state);
    try {
        // Filled in a temporary sibling and swapped in: a failed write leaves only the folders that were there.
        writeFolderAtomically(finalDir, true, [&](const std::string& dir) {
            saveTensors(dir + "/trainable.safetensors", tensors, {{"format", "l1ra-checkpoint"}});
            crashPoint("checkpoint-write");
            writeTextFileAtomically(dir + "/state.json", s.dump(2));
        });
    } catch (const std::exception& e) {
        throw Error("checkpoint " + finalDir + " not written: " + e.what());
    }
}

// Half-written checkpoints of a process that was killed (".step-N.tmp-PID") are never completed: drop them.
static void removeStaleTemporaries(const std::string& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(".step-", 0) == 0 && name.find(".tmp-") != std::string::npos) fs::remove_all(e.path(), ec);
    }
}

std::string saveCheckpoint(const std::string& runDir, Trainer& trainer, const CheckpointState& state, int keep) {
    const std::string finalDir = runDir + "/checkpoints/" + checkpointFolderName(state.step);
    writeCheckpointFolder(finalDir, trainer, state);
    std::error_code ec;
    auto all = completeCheckpoints(runDir);
    for (std::size_t i = 0; i + std::size_t(std::max(keep, 1)) < all.size(); ++i) fs::remove_all(all[i], ec);
    removeStaleTemporaries(runDir + "/checkpoints");
    return finalDir;
}

std::string saveBestCheckpoint(const std::string& runDir, Trainer& trainer, const CheckpointState& state) {
    const std::string finalDir = runDir + "/best/" + checkpointFolderName(state.step);
    writeCheckpointFolder(finalDir, trainer, state);
    std::error_code ec;
    for (const std::string& older : completeCheckpoints(runDir, "best"))
        if (older != finalDir) fs::remove_all(older, ec);
    removeStaleTemporaries(runDir + "/best");
    return finalDir;
}

std::string bestCheckpoint(const std::string& runDir) {
    const auto all = completeCheckpoints(runDir, "best");
    return all.empty() ? std::string() : all.back();
}

void removeBestCheckpointsAfter(const std::string& runDir, int64_t step) {
    std::error_code ec;
    for (const std::string& best : completeCheckpoints(runDir, "best"))
        if (best > runDir + "/best/" + checkpointFolderName(step)) fs::remove_all(best, ec);
}

// The numbers a resume trusts: a hand-edited or damaged state.json must not reach the trainer.
static CheckpointState readCheckpointState(const json& s, const std::string& statePath, Method method) {
    const int version = s.value("format_version", 1);
    if (version > kCheckpointFormat)
        throw Error(statePath + ": checkpoint format " + std::to_string(version) + " is newer than this build reads (" +
                    std::to_string(kCheckpointFormat) + "): update L1RA Studio");
    if (version < 1) throw Error(statePath + ": 'format_version' " + std::to_string(version) + " is not a checkpoint format (1 to " +
                                 std::to_string(kCheckpointFormat) + ")");
    if (s.at("method").get<std::string>() != methodName(method))
        throw Error(statePath + ": checkpoint of a '" + s.at("method").get<std::string>() + "' run");
    CheckpointState state;
    state.step = s.at("step").get<int64_t>();
    state.lambda = s.at("lambda").get<double>();
    state.budget = s.at("budget").get<int>();
    state.pendingBudget = s.value("pending_budget", 0);   // format 1 did not record one
    state.lastLoss = s.value("last_loss", 0.0);
    state.bestValLoss = s.value("best_val_loss", 0.0);
    state.lastValLoss = s.value("last_val_loss", 0.0);
    state.elapsedSeconds = s.value("elapsed_s", 0.0);
    state.lrScale = s.value("lr_scale", 1.0);   // checkpoints before divergence handling: no lowered rate
    state.divergedInARow = s.value("diverged_in_a_row", 0);
    state.bestStep = s.value("best_step", int64_t(0));   // checkpoints before early stopping: no best counted
    state.bestStepLoss = s.value("best_step_val_loss", 0.0);
    state.evalsSinceBest = s.value("evals_since_best", 0);
    state.stoppedEarly = s.value("stopped_early", false);
    auto require = [&](bool ok, const char* key, const std::string& value, const char* what) {
        if (!ok) throw Error(statePath + ": '" + key + "' is " + value + "; it must be " + what);
    };
    require(state.step >= 0, "step", std::to_string(state.step), "0 or more");
    require(std::isfinite(state.lambda) && state.lambda >= 0, "lambda", std::to_string(state.lambda), "a finite number, 0 or more");
    require(state.budget >= 0, "budget", std::to_string(state.budget), "0 or more");
    require(state.pendingBudget >= 0, "pending_budget", std::to_string(state.pendingBudget), "0 or more");
    require(std::isfinite(state.lrScale) && state.lrScale > 0 && state.lrScale <= 1, "lr_scale", std::to_string(state.lrScale),
            "in (0, 1]");
    require(state.divergedInARow >= 0, "diverged_in_a_row", std::to_string(state.divergedInARow), "0 or more");
    require(state.bestStep >= 0 && state.bestStep <= state.step, "best_step", std::to_string(state.bestStep),
            "between 0 and the checkpoint's step");
    require(std::isfinite(state.bestStepLoss) && state.bestStepLoss >= 0, "best_step_val_loss", std::to_string(state.bestStepLoss),
            "a finite number, 0 or more");
    require(state.evalsSinceBest >= 0, "evals_since_best", std::to_string(state.evalsSinceBest), "0 or more");
    return state;
}

// A saved tensor must have the shape of the one it replaces, except along the rank axis (-1: none), which
// reallocation changes; its Adam moments must have its own shape.
static void requireShape(const torch::Tensor& saved, const torch::Tensor& fresh, int rankAxis, const std::string& name,
                         const std::string& file) {
    bool ok = saved.dim() == fresh.dim();
    for (int64_t d = 0; ok && d < saved.dim(); ++d) ok = d == rankAxis || saved.size(d) == fresh.size(d);
    if (!ok) throw Error(file + ": '" + name + "' has shape " + shapeString(saved.sizes().vec()) + ", but the model needs " + shapeString(fresh.sizes().vec()) +
                         (rankAxis >= 0 ? " (any rank along axis " + std::to_string(rankAxis) + ")" : ""));
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
        state = readCheckpointState(s, statePath, trainer.settings().method);
    } catch (const json::exception& e) {
        throw Error(statePath + ": " + e.what());
    }
    int64_t samples = state.step * trainer.settings().train.gradAccum * trainer.settings().train.batchSize;   // before it was recorded
    try {
        if (s.contains("data")) samples = s.at("data").value("samples_consumed", samples);
    } catch (const json::exception& e) {
        throw Error(statePath + ": data: " + e.what());
    }
    if (samples < 0) throw Error(statePath + ": 'samples_consumed' is " + std::to_string(samples) + "; it must be 0 or more");
    trainer.setDataPosition(state.step, samples);
    const std::string tensorsPath = checkpointDir + "/trainable.safetensors";
    SafetensorsFile file(tensorsPath);
    const auto device = trainer.model().device();
    torch::NoGradGuard noGrad;
    auto load = [&](const std::string& name) { return loadTensor(file.tensor(name), torch::kFloat32, device); };
    auto restore = [&](TrainableTensor& p, int rankAxis) {
        auto value = load(p.name);
        requireShape(value, p.value, trainer.hasAdapters() ? rankAxis : -1, p.name, tensorsPath);
        if (trainer.hasAdapters()) p.value = value.requires_grad_(p.value.requires_grad());   // ranks may differ from a fresh adapter
        else p.value.copy_(value);
        p.expAvg = load(p.name + ".exp_avg");
        p.expAvgSq = load(p.name + ".exp_avg_sq");
        requireShape(p.expAvg, p.value, -1, p.name + ".exp_avg", tensorsPath);
        requireShape(p.expAvgSq, p.value, -1, p.name + ".exp_avg_sq", tensorsPath);
        try {
            p.steps = s.at("optimizer_steps").value(p.name, int64_t(0));
        } catch (const json::exception& e) {
            throw Error(statePath + ": optimizer_steps: " + e.what());
        }
    };
    if (trainer.hasAdapters()) {
        for (Adapter& a : trainer.adapters().adapters()) {
            restore(a.A, 0);   // A [rank, in]
            restore(a.B, 1);   // B [out, rank]
            if (trainer.adapters().gated()) restore(a.gate, 0);   // gate [rank]
            else a.gate.value = torch::ones({a.A.value.size(0)}, a.A.value.options()).requires_grad_(false);
            if (a.A.value.size(0) != a.B.value.size(1) || a.gate.value.size(0) != a.A.value.size(0))
                throw Error(tensorsPath + ": adapter " + a.moduleName() + " has inconsistent ranks");
            a.born = savedBirths(s, a.moduleName(), a.rank(), statePath);
        }
    } else {
        for (TrainableTensor* p : trainer.trainables()) restore(*p, -1);
    }
    return state;
}

}  // namespace l1ra
