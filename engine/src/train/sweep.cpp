#include "l1ra/sweep.h"

#include "io/file_util.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <stdexcept>

namespace l1ra {

using nlohmann::json;

namespace {

const char* kManifest = "/sweep.json";

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream s(text);
    std::string item;
    while (std::getline(s, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

// "l1ra.lambda" -> "lambda", unless another axis ends the same way.
std::string axisLabel(const std::vector<SweepAxis>& axes, std::size_t i) {
    auto shortName = [](const std::string& key) { return key.substr(key.find_last_of('.') + 1); };
    for (std::size_t j = 0; j < axes.size(); ++j)
        if (j != i && shortName(axes[j].key) == shortName(axes[i].key)) return axes[i].key;
    return shortName(axes[i].key);
}

std::string folderSafe(const std::string& s) {
    std::string out;
    for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) || std::string("._=,+-").find(c) != std::string::npos ? c : '_';
    return out;
}

std::string fmt(const char* f, double x) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), f, x);
    return buf;
}

}  // namespace

SweepAxis parseSweepAxis(const std::string& grid, const RunConfig& base) {
    const auto eq = grid.find('=');
    if (eq == std::string::npos || eq == 0) throw Error("--grid expects key=value1,value2,..., got '" + grid + "'");
    SweepAxis axis;
    axis.key = grid.substr(0, eq);
    axis.values = splitList(grid.substr(eq + 1));
    if (axis.values.empty()) throw Error("--grid " + axis.key + ": no values");
    if (axis.key == "seed") throw Error("--grid seed: give seeds with --seeds");
    std::set<std::string> seen;
    for (const auto& v : axis.values) {
        if (!seen.insert(v).second) throw Error("--grid " + axis.key + ": '" + v + "' is given twice");
        RunConfig scratch = base;
        try {
            setRunConfigValue(scratch, axis.key, v);   // throws, naming the key and the value
        } catch (const Error& e) {
            // Its messages name the option they came through: here that is --grid, not --set.
            const std::string message = e.what();
            throw Error(message.rfind("--set", 0) == 0 ? "--grid" + message.substr(5) : message);
        }
    }
    return axis;
}

std::vector<uint64_t> parseSweepSeeds(const std::string& text, uint64_t firstSeed) {
    std::vector<uint64_t> seeds;
    try {
        if (text.find(',') == std::string::npos) {
            const long n = std::stol(text);
            if (n < 1 || n > 1000) throw Error("--seeds " + text + ": give a count from 1 to 1000, or a list such as 1,2,3");
            for (long i = 0; i < n; ++i) seeds.push_back(firstSeed + uint64_t(i));
            return seeds;
        }
        for (const auto& item : splitList(text)) {
            // stoull reads "-1" as 2^64 - 1: a seed is written without a sign.
            if (item.find_first_not_of(" 0123456789") != std::string::npos) throw std::invalid_argument(item);
            seeds.push_back(std::stoull(item));
        }
    } catch (const std::logic_error&) {
        throw Error("--seeds '" + text + "' is neither a count nor a list of seeds");
    }
    std::set<uint64_t> unique(seeds.begin(), seeds.end());
    if (unique.size() != seeds.size()) throw Error("--seeds '" + text + "' names a seed twice");
    return seeds;
}

SweepPlan planSweep(const RunConfig& base, const std::vector<SweepAxis>& axes, const std::vector<uint64_t>& seeds) {
    if (seeds.empty()) throw Error("a sweep needs at least one seed");
    SweepPlan plan{base, axes, seeds, {}};
    std::vector<std::size_t> index(axes.size(), 0);
    while (true) {
        std::vector<std::string> values;
        std::string name;
        for (std::size_t a = 0; a < axes.size(); ++a) {
            values.push_back(axes[a].values[index[a]]);
            name += (name.empty() ? "" : ",") + axisLabel(axes, a) + "=" + values.back();
        }
        if (name.empty()) name = "base";
        for (uint64_t seed : seeds) plan.runs.push_back({values, seed, folderSafe(name) + "-seed" + std::to_string(seed)});
        // The next grid point, last axis fastest.
        std::size_t a = axes.size();
        while (a > 0 && ++index[a - 1] == axes[a - 1].values.size()) index[--a] = 0;
        if (a == 0) break;
    }
    return plan;
}

RunConfig sweepRunConfig(const SweepPlan& plan, const SweepRun& run) {
    RunConfig c = plan.base;
    for (std::size_t a = 0; a < plan.axes.size(); ++a) setRunConfigValue(c, plan.axes[a].key, run.values[a]);
    c.seed = run.seed;
    return c;
}

void writeSweepManifest(const std::string& dir, const SweepPlan& plan) {
    json axes = json::array(), runs = json::array();
    for (const auto& a : plan.axes) axes.push_back({{"key", a.key}, {"values", a.values}});
    for (const auto& r : plan.runs) runs.push_back({{"folder", r.folder}, {"values", r.values}, {"seed", r.seed}});
    const json j = {{"format", "l1ra-sweep"},
                    {"format_version", 1},
                    {"config", json::parse(runConfigToJson(plan.base))},
                    {"axes", axes},
                    {"seeds", plan.seeds},
                    {"runs", runs}};
    writeTextFileAtomically(dir + kManifest, j.dump(2) + "\n");
}

bool isSweepFolder(const std::string& dir) { return fileExists(dir + kManifest); }

SweepPlan readSweepManifest(const std::string& dir) {
    const std::string path = dir + kManifest;
    if (!fileExists(path)) throw Error(dir + ": not a sweep folder (no sweep.json)");
    SweepPlan plan;
    try {
        const json j = json::parse(readTextFile(path));
        if (j.value("format", "") != "l1ra-sweep") throw Error(path + ": not an L1RA sweep manifest");
        if (j.value("format_version", 0) != 1) throw Error(path + ": sweep format " + std::to_string(j.value("format_version", 0)) + " is not read by this build");
        plan.base = parseRunConfig(j.at("config").dump(), path);
        for (const auto& a : j.at("axes")) plan.axes.push_back({a.at("key").get<std::string>(), a.at("values").get<std::vector<std::string>>()});
        plan.seeds = j.at("seeds").get<std::vector<uint64_t>>();
        for (const auto& r : j.at("runs")) {
            SweepRun run{r.at("values").get<std::vector<std::string>>(), r.at("seed").get<uint64_t>(), r.at("folder").get<std::string>()};
            if (run.values.size() != plan.axes.size()) throw Error(path + ": run " + run.folder + " has " + std::to_string(run.values.size()) + " values for " + std::to_string(plan.axes.size()) + " axes");
            if (run.folder.empty() || run.folder.find('/') != std::string::npos || run.folder == "..") throw Error(path + ": bad run folder name '" + run.folder + "'");
            plan.runs.push_back(std::move(run));
        }
    } catch (const json::exception& e) {
        throw Error(path + ": " + e.what());
    }
    return plan;
}

namespace {

SweepOutcome readOutcome(const std::string& dir, const SweepRun& run) {
    SweepOutcome o;
    o.run = run;
    const std::string runDir = dir + "/" + run.folder;
    if (!isRunFolder(runDir)) return o;
    const RunRecord r = loadRunRecord(runDir);
    o.finished = r.hasSummary && r.summary.state == RunState::Finished && r.summary.finalValLoss > 0;
    o.valLoss = r.summary.finalValLoss;
    o.valPerplexity = std::exp(o.valLoss);
    o.wallSeconds = r.summary.wallSeconds;
    o.gated = r.config.method == Method::L1RA;
    if (o.gated) o.churn = summarizeChurn(r.reallocations, effectiveUpdateInterval(r.config), r.summary.steps);
    return o;
}

SweepPointSummary summarizePoint(const std::vector<const SweepOutcome*>& seeds) {
    SweepPointSummary p;
    p.values = seeds.front()->run.values;
    int pingPong = 0, eligible = 0;
    p.pingPongKnown = true;
    for (const SweepOutcome* o : seeds) {
        if (!o->finished) continue;
        p.perplexities.push_back(o->valPerplexity);
        p.wallMean += o->wallSeconds;
        p.gated = o->gated;
        p.movedPerReallocation += o->churn.movedPerReallocation;
        pingPong += o->churn.pingPong;
        eligible += o->churn.pingPongEligible;
        p.pingPongKnown = p.pingPongKnown && o->churn.agesKnown;
    }
    const double n = double(p.perplexities.size());
    if (n == 0) return p;
    for (double x : p.perplexities) p.mean += x / n;
    for (double x : p.perplexities) p.sd += n > 1 ? (x - p.mean) * (x - p.mean) / (n - 1) : 0.0;
    p.sd = std::sqrt(p.sd);
    p.wallMean /= n;
    p.movedPerReallocation /= n;
    p.pingPongShare = eligible > 0 ? double(pingPong) / eligible : 0.0;
    p.pingPongKnown = p.pingPongKnown && eligible > 0;   // no share when nothing was handed out
    return p;
}

}  // namespace

SweepRecord loadSweep(const std::string& dir) {
    SweepRecord r;
    r.dir = dir;
    r.plan = readSweepManifest(dir);
    for (const auto& run : r.plan.runs) r.outcomes.push_back(readOutcome(dir, run));
    // Runs of one grid point are consecutive in the plan (seeds vary fastest).
    const std::size_t perPoint = r.plan.seeds.size();
    for (std::size_t i = 0; i + perPoint <= r.outcomes.size(); i += perPoint) {
        std::vector<const SweepOutcome*> seeds;
        for (std::size_t k = 0; k < perPoint; ++k) seeds.push_back(&r.outcomes[i + k]);
        r.points.push_back(summarizePoint(seeds));
    }
    return r;
}

std::string sweepMarkdown(const SweepRecord& record) {
    std::ostringstream out;
    out << "| ";
    for (const auto& a : record.plan.axes) out << a.key << " | ";
    out << "seeds | validation perplexity (mean ± sd) | per seed | wall time s | ranks moved per reallocation | ping-pong |\n|";
    for (std::size_t i = 0; i < record.plan.axes.size() + 6; ++i) out << "---|";
    out << "\n";
    for (const auto& p : record.points) {
        out << "| ";
        for (const auto& v : p.values) out << v << " | ";
        out << p.perplexities.size() << "/" << record.plan.seeds.size() << " | ";
        if (p.perplexities.empty()) {
            out << "– | – | – | – | – |\n";
            continue;
        }
        out << fmt("%.3f", p.mean) << " ± " << fmt("%.3f", p.sd) << " | ";
        for (std::size_t i = 0; i < p.perplexities.size(); ++i) out << (i ? ", " : "") << fmt("%.3f", p.perplexities[i]);
        out << " | " << fmt("%.1f", p.wallMean) << " | ";
        if (p.gated)
            out << fmt("%.1f", p.movedPerReallocation) << " | " << (p.pingPongKnown ? fmt("%.0f %%", 100 * p.pingPongShare) : "–") << " |\n";
        else out << "– | – |\n";
    }
    return out.str();
}

}  // namespace l1ra
