#include "l1ra/run_record.h"
#include "train/run_record_lines.h"

#include "train/checkpoint.h"
#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/projections.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

namespace l1ra {

using nlohmann::json;

const char* runStateName(RunState s) {
    switch (s) {
        case RunState::Idle: return "idle";
        case RunState::Preparing: return "preparing";
        case RunState::Running: return "running";
        case RunState::Paused: return "paused";
        case RunState::Stopping: return "stopping";
        case RunState::Finished: return "finished";
        case RunState::Stopped: return "stopped";
        case RunState::Failed: return "failed";
    }
    return "?";
}

const char* controlKindName(ControlKind k) {
    switch (k) {
        case ControlKind::Lambda: return "lambda";
        case ControlKind::Budget: return "budget";
        case ControlKind::BudgetRequest: return "budget_request";
        case ControlKind::Pause: return "pause";
        case ControlKind::Resume: return "resume";
        case ControlKind::Stop: return "stop";
        case ControlKind::Checkpoint: return "checkpoint";
        case ControlKind::EarlyStop: return "early_stop";
    }
    return "?";
}

bool parseControlKind(const std::string& name, ControlKind* kind) {
    for (ControlKind k : {ControlKind::Lambda, ControlKind::Budget, ControlKind::BudgetRequest, ControlKind::Pause,
                          ControlKind::Resume, ControlKind::Stop, ControlKind::Checkpoint, ControlKind::EarlyStop}) {
        if (name == controlKindName(k)) {
            *kind = k;
            return true;
        }
    }
    return false;
}

// summary.json's "state": a run that ended (finished, stopped, failed) or one of the states a live run passes.
RunState parseRunState(const std::string& s, const std::string& path) {
    std::string names;
    for (RunState r : {RunState::Idle, RunState::Preparing, RunState::Running, RunState::Paused, RunState::Stopping,
                       RunState::Finished, RunState::Stopped, RunState::Failed}) {
        if (s == runStateName(r)) return r;
        names += (names.empty() ? "" : ", ") + std::string(runStateName(r));
    }
    throw Error(path + ": 'state' is '" + s + "', not one of " + names);
}

int RankSnapshot::total() const {
    int n = 0;
    for (int r : ranks) n += r;
    return n;
}

namespace {

template <class T>
json perLayer(const std::vector<T>& flat, int layers) {
    json out = json::array();
    for (int l = 0; l < layers; ++l) {
        json row = json::array();
        for (int p = 0; p < kProjectionCount; ++p) row.push_back(flat[rankCell(l, p)]);
        out.push_back(row);
    }
    return out;
}

template <class T>
std::vector<T> flatten(const json& rows, const std::string& what) {
    std::vector<T> out;
    if (!rows.is_array()) throw Error("'" + what + "' is not a list of layers");
    for (const auto& row : rows) {
        if (!row.is_array() || row.size() != kProjectionCount)
            throw Error("'" + what + "' rows must hold " + std::to_string(kProjectionCount) + " projections");
        for (const auto& v : row) out.push_back(v.get<T>());
    }
    return out;
}

json snapshotJson(const RankSnapshot& s) {
    std::vector<int> targeted(s.targeted.begin(), s.targeted.end());
    json j = {{"step", s.step},         {"budget", s.budget},
              {"total", s.total()},     {"initial_rank", s.initialRank},
              {"ranks", perLayer(s.ranks, s.numLayers)},
              {"targeted", perLayer(targeted, s.numLayers)},
              {"gate_mass", perLayer(s.gateMass, s.numLayers)},
              {"gate_min", perLayer(s.gateMin, s.numLayers)},
              {"gate_mean", perLayer(s.gateMean, s.numLayers)}};
    if (s.threshold > 0) j["threshold"] = s.threshold;   // L1RA only: LoRA's lines stay as they were
    return j;
}

}  // namespace

RankSnapshot snapshotFrom(const json& j) {
    RankSnapshot s;
    s.step = j.at("step").get<int64_t>();
    s.budget = j.at("budget").get<int>();
    s.initialRank = j.value("initial_rank", 0);
    s.threshold = j.value("threshold", 0.0);
    s.ranks = flatten<int>(j.at("ranks"), "ranks");
    s.numLayers = int(s.ranks.size() / kProjectionCount);
    const std::size_t n = s.ranks.size();
    if (j.contains("targeted")) {
        const auto t = flatten<int>(j["targeted"], "targeted");
        s.targeted.assign(t.begin(), t.end());
    } else {
        for (int r : s.ranks) s.targeted.push_back(r > 0);
    }
    s.gateMass = j.contains("gate_mass") ? flatten<double>(j["gate_mass"], "gate_mass") : std::vector<double>(n, 0.0);
    s.gateMin = j.contains("gate_min") ? flatten<double>(j["gate_min"], "gate_min") : std::vector<double>(n, 0.0);
    s.gateMean = j.contains("gate_mean") ? flatten<double>(j["gate_mean"], "gate_mean") : std::vector<double>(n, 0.0);
    if (s.targeted.size() != n || s.gateMass.size() != n || s.gateMin.size() != n || s.gateMean.size() != n)
        throw Error("rank matrices of different sizes");
    return s;
}

std::string stepEventToJson(const StepEvent& e) {
    json j{{"step", e.step},
                {"total_steps", e.totalSteps},
                {"loss", e.loss},
                {"lr", e.lr},
                {"grad_norm", e.gradNorm},
                {"lambda", e.lambda},
                {"tokens", e.tokens},
                {"tokens_per_s", e.tokensPerSecond},
                {"step_s", e.stepSeconds},
                {"elapsed_s", e.elapsedSeconds},
                {"eta_s", e.etaSeconds},
                {"memory_bytes", e.memoryBytes},
                {"total_rank", e.totalRank},
                {"budget", e.budget}};
    if (e.threshold > 0) j["threshold"] = e.threshold;   // L1RA only
    return j.dump();
}

std::string evalEventToJson(const EvalEvent& e) {
    return json{{"step", e.step}, {"val_loss", e.loss}, {"val_perplexity", e.perplexity}, {"val_tokens", e.tokens}}.dump();
}

std::string rankSnapshotToJson(const RankSnapshot& s) { return snapshotJson(s).dump(); }

std::string reallocationEventToJson(const ReallocationEvent& e) {
    json moves = json::array();
    for (const auto& m : e.moves) {
        json move = {{"layer", m.layer}, {"projection", m.projection}, {"before", m.before}, {"after", m.after},
                     {"pruned", m.pruned}, {"added", m.added}};
        if (e.hasRankAges) move["pruned_born"] = m.prunedBorn;
        moves.push_back(std::move(move));
    }
    return json{{"type", "reallocation"}, {"step", e.step},   {"budget", e.budget},
                {"pruned", e.pruned},     {"added", e.added}, {"budget_changed", e.budgetChanged},
                {"lambda", e.lambda},     {"threshold", e.threshold}, {"capped", e.capped},
                {"ping_pong", e.pingPong}, {"moves", moves}}
        .dump();
}

std::string controlEventToJson(const ControlEvent& e) {
    return json{{"type", "control"}, {"step", e.step}, {"what", controlKindName(e.kind)}, {"value", e.value}, {"detail", e.detail}}.dump();
}

std::string divergenceEventToJson(const DivergenceEvent& e) {
    return json{{"event", "divergence"}, {"step", e.step},         {"tensor", e.tensor},
                {"action", e.action},    {"lr_scale", e.lrScale}, {"in_a_row", e.consecutive}}
        .dump();
}

std::string sampleEventToJson(const SampleEvent& e) {
    // An answer cut inside a multi-byte character is not valid UTF-8: written with U+FFFD, not a failed run.
    return json{{"step", e.step},     {"index", e.index}, {"prompt", e.prompt}, {"text", e.text},
                {"tokens", e.tokens}, {"ended", e.ended}, {"seconds", e.seconds}}
        .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string checkpointFailureToJson(int64_t step, const std::string& error) {
    return json{{"type", "checkpoint_failed"}, {"step", step}, {"error", error}}.dump();
}

std::string runSummaryToJson(const RunSummary& s) {
    json j{{"run_dir", s.runDir},
           {"state", runStateName(s.state)},
           {"steps", s.steps},
           {"final_loss", s.finalLoss},
           {"best_val_loss", s.bestValLoss},
           {"final_val_loss", s.finalValLoss},
           {"wall_s", s.wallSeconds},
           {"trainable_parameters", s.trainableParameters},
           {"error", s.error},
           {"stopped_early", s.stoppedEarly},
           {"best_step", s.bestStep},
           {"best_checkpoint", s.bestCheckpoint}};
    if (s.worldSize > 1) j["world_size"] = s.worldSize;   // data-parallel runs only: one-process summaries stay as they were
    return j.dump(2);
}

bool isRunFolder(const std::string& dir) { return fileExists(dir + "/config.json") && fileExists(dir + "/metrics.jsonl"); }

static void forEachLine(const std::string& path, const std::function<void(const json&)>& fn) {
    if (!fileExists(path)) return;
    std::ifstream in(path);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        json j = json::parse(line, nullptr, false);
        // A crash can leave the last line half-written: skip it rather than lose the run.
        if (j.is_discarded()) {
            if (in.peek() == EOF) break;
            throw Error(path + ": line " + std::to_string(number) + " is not valid JSON");
        }
        try {
            fn(j);
        } catch (const Error& e) {
            throw Error(path + ": line " + std::to_string(number) + ": " + e.what());
        } catch (const json::exception& e) {
            throw Error(path + ": line " + std::to_string(number) + ": " + e.what());
        }
    }
}

// metrics.jsonl: a step per line, evaluations (val_loss) and divergences (event) between them.
void addMetricsLine(const json& j, RunRecord& r) {
    if (j.contains("event")) {
        if (j.at("event") == "divergence")
            r.divergences.push_back({j.at("step").get<int64_t>(), j.value("tensor", ""), j.value("action", ""),
                                     j.value("lr_scale", 1.0), j.value("in_a_row", 0)});
        return;   // other kinds of event lines: from a newer version, not for these curves
    }
    if (j.contains("val_loss")) {
        EvalEvent e;
        e.step = j.at("step").get<int64_t>();
        e.loss = j.at("val_loss").get<double>();
        e.perplexity = j.value("val_perplexity", 0.0);
        e.tokens = j.value("val_tokens", int64_t(0));
        r.evals.push_back(e);
        return;
    }
    StepEvent e;
    e.step = j.at("step").get<int64_t>();
    e.loss = j.at("loss").get<double>();
    e.totalSteps = j.value("total_steps", int64_t(0));
    e.lr = j.value("lr", 0.0);
    e.gradNorm = j.value("grad_norm", 0.0);
    e.lambda = j.value("lambda", 0.0);
    e.tokens = j.value("tokens", int64_t(0));
    e.tokensPerSecond = j.value("tokens_per_s", 0.0);
    e.stepSeconds = j.value("step_s", 0.0);
    e.elapsedSeconds = j.value("elapsed_s", 0.0);
    e.etaSeconds = j.value("eta_s", 0.0);
    e.memoryBytes = j.value("memory_bytes", int64_t(0));
    e.totalRank = j.value("total_rank", 0);
    e.budget = j.value("budget", 0);
    e.threshold = j.value("threshold", 0.0);
    r.steps.push_back(e);
}

namespace {

ReallocationEvent reallocationFrom(const json& j) {
    ReallocationEvent e;
    e.step = j.at("step").get<int64_t>();
    e.budget = j.value("budget", 0);
    e.pruned = j.value("pruned", 0);
    e.added = j.value("added", 0);
    e.budgetChanged = j.value("budget_changed", false);
    e.lambda = j.value("lambda", 0.0);
    e.threshold = j.value("threshold", 0.0);
    e.capped = j.value("capped", 0);
    e.pingPong = j.value("ping_pong", 0);
    e.hasRankAges = true;
    for (const auto& m : j.at("moves")) {
        e.moves.push_back({m.at("layer").get<int>(), m.at("projection").get<int>(), m.at("before").get<int>(),
                           m.at("after").get<int>(), m.value("pruned", 0), m.value("added", 0), {}});
        if (m.contains("pruned_born")) e.moves.back().prunedBorn = m.at("pruned_born").get<std::vector<int64_t>>();
        else e.hasRankAges = false;   // recorded before rank ages were
    }
    return e;
}

}  // namespace

// events.jsonl: reallocations and live controls.
void addEventsLine(const json& j, RunRecord& r) {
    const std::string type = j.value("type", "");
    if (type == "reallocation") {
        r.reallocations.push_back(reallocationFrom(j));
    } else if (type == "control") {
        // A kind this version does not know (a newer writer's) is left out of the record.
        ControlKind kind;
        if (parseControlKind(j.value("what", ""), &kind))
            r.controls.push_back({j.at("step").get<int64_t>(), kind, j.value("value", 0.0), j.value("detail", "")});
    }
}

SampleEvent sampleFrom(const json& j) {
    SampleEvent e;
    e.step = j.at("step").get<int64_t>();
    e.index = j.value("index", 0);
    e.prompt = j.value("prompt", "");
    e.text = j.value("text", "");
    e.tokens = j.value("tokens", 0);
    e.ended = j.value("ended", false);
    e.seconds = j.value("seconds", 0.0);
    return e;
}

RunSummary summaryFrom(const json& j, const std::string& runDir, const std::string& path) {
    RunSummary summary;
    summary.runDir = runDir;
    summary.state = parseRunState(j.value("state", ""), path);
    summary.steps = j.value("steps", int64_t(0));
    summary.finalLoss = j.value("final_loss", 0.0);
    summary.bestValLoss = j.value("best_val_loss", 0.0);
    summary.finalValLoss = j.value("final_val_loss", 0.0);
    summary.wallSeconds = j.value("wall_s", 0.0);
    summary.trainableParameters = j.value("trainable_parameters", int64_t(0));
    summary.error = j.value("error", "");
    summary.stoppedEarly = j.value("stopped_early", false);
    summary.worldSize = j.value("world_size", 1);
    summary.bestStep = j.value("best_step", int64_t(0));
    summary.bestCheckpoint = j.value("best_checkpoint", "");
    return summary;
}

namespace {

void readMetrics(const std::string& runDir, RunRecord& r) {
    forEachLine(runDir + "/metrics.jsonl", [&](const json& j) { addMetricsLine(j, r); });
}

void readEvents(const std::string& runDir, RunRecord& r) {
    forEachLine(runDir + "/events.jsonl", [&](const json& j) { addEventsLine(j, r); });
}

void readSamples(const std::string& runDir, RunRecord& r) {
    forEachLine(runDir + "/samples.jsonl", [&](const json& j) { r.samples.push_back(sampleFrom(j)); });
}

// summary.json, written when the run ended; absent while it trains.
void readSummary(const std::string& runDir, RunRecord& r) {
    const std::string summaryPath = runDir + "/summary.json";
    if (!fileExists(summaryPath)) return;
    try {
        const json j = json::parse(readTextFile(summaryPath));
        r.summary = summaryFrom(j, runDir, summaryPath);
        r.hasSummary = true;
    } catch (const json::exception& e) {
        throw Error(summaryPath + ": " + e.what());
    }
}

}  // namespace

// checkpoints/step-N folders that hold a state.json, oldest first.
std::vector<std::string> checkpointFolders(const std::string& runDir) {
    std::vector<std::string> found;
    const std::string ckpt = runDir + "/checkpoints";
    if (!isDirectory(ckpt)) return found;
    for (const auto& entry : std::filesystem::directory_iterator(ckpt))
        if (entry.is_directory() && entry.path().filename().string().rfind("step-", 0) == 0 &&
            fileExists(entry.path().string() + "/state.json"))
            found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    return found;
}

RunRecord loadRunRecord(const std::string& runDir) {
    RunRecord r;
    r.dir = runDir;
    const std::string configPath = runDir + "/config.json";
    if (!fileExists(configPath)) throw Error(runDir + ": not a run folder (no config.json)");
    r.config = parseRunConfig(readTextFile(configPath), configPath);
    readMetrics(runDir, r);
    forEachLine(runDir + "/ranks.jsonl", [&](const json& j) { r.snapshots.push_back(snapshotFrom(j)); });
    readEvents(runDir, r);
    readSamples(runDir, r);
    // Reallocation events carry the snapshot after them: the one in ranks.jsonl at that step.
    for (auto& e : r.reallocations) {
        for (const auto& s : r.snapshots)
            if (s.step == e.step) e.after = s;
    }
    readSummary(runDir, r);
    r.checkpoints = checkpointFolders(runDir);
    r.bestCheckpoint = bestCheckpoint(runDir);
    return r;
}

}  // namespace l1ra
