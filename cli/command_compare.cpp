#include "arguments.h"
#include "commands.h"
#include "l1ra/churn.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "l1ra/run_record.h"
#include "l1ra/sweep.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>
#include <sstream>

namespace l1ra::cli {

namespace {

struct Stats {
    double mean = 0, sd = 0;
};

Stats stats(const std::vector<double>& v) {
    Stats s;
    if (v.empty()) return s;
    for (double x : v) s.mean += x;
    s.mean /= double(v.size());
    if (v.size() > 1) {
        for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
        s.sd = std::sqrt(s.sd / double(v.size() - 1));
    }
    return s;
}

std::string fmt(const char* f, double a) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), f, a);
    return buf;
}

std::string folderName(const RunRecord& r) { return r.dir.substr(r.dir.find_last_of('/') + 1); }
double perplexity(const RunRecord& r) { return std::exp(r.summary.finalValLoss); }
ChurnSummary churnOf(const RunRecord& r) { return summarizeChurn(r.reallocations, effectiveUpdateInterval(r.config), r.summary.steps); }

// One row per run, then mean ± sd of validation perplexity and wall time per method.
void writeRunsAndMethods(const std::vector<RunRecord>& runs, std::ostream& out) {
    out << "| run | method | seed | steps | val loss | val perplexity | wall time (s) | trainable parameters |\n"
        << "|---|---|---|---|---|---|---|---|\n";
    std::map<std::string, std::vector<double>> ppl, wall;
    std::map<std::string, std::pair<int64_t, int64_t>> params;   // min, max: L1RA's count moves with its ranks
    for (const auto& r : runs) {
        const std::string m = methodName(r.config.method);
        out << "| " << folderName(r) << " | " << m << " | " << r.config.seed << " | " << r.summary.steps << " | "
            << fmt("%.4f", r.summary.finalValLoss) << " | " << fmt("%.3f", perplexity(r)) << " | " << fmt("%.1f", r.summary.wallSeconds)
            << " | " << r.summary.trainableParameters << " |\n";
        ppl[m].push_back(perplexity(r));
        wall[m].push_back(r.summary.wallSeconds);
        auto [it, fresh] = params.try_emplace(m, r.summary.trainableParameters, r.summary.trainableParameters);
        it->second.first = std::min(it->second.first, r.summary.trainableParameters);
        it->second.second = std::max(it->second.second, r.summary.trainableParameters);
    }
    out << "\n| method | runs | val perplexity (mean ± sd) | wall time s (mean ± sd) | trainable parameters |\n|---|---|---|---|---|\n";
    for (const auto& [m, v] : ppl) {
        const Stats p = stats(v), w = stats(wall[m]);
        out << "| " << m << " | " << v.size() << " | " << fmt("%.3f", p.mean) << " ± " << fmt("%.3f", p.sd) << " | "
            << fmt("%.1f", w.mean) << " ± " << fmt("%.1f", w.sd) << " | " << params[m].first;
        if (params[m].second != params[m].first) out << "–" << params[m].second;
        out << " |\n";
    }
}

// Mean final rank per projection and per layer, per method (runs of one method share the model).
void writeRanks(const std::vector<RunRecord>& runs, std::ostream& out) {
    std::map<std::string, std::vector<std::vector<double>>> meanRanks, layerRanks;   // method -> per run -> values
    for (const auto& r : runs) {
        if (r.snapshots.empty()) continue;
        const RankSnapshot& s = r.snapshots.back();
        std::vector<double> mean(7, 0.0), perLayer(std::size_t(s.numLayers), 0.0);
        for (int p = 0; p < 7; ++p) {
            int n = 0;
            for (int l = 0; l < s.numLayers; ++l) {
                perLayer[std::size_t(l)] += s.rank(l, p);
                if (!s.targeted[std::size_t(l * 7 + p)]) continue;
                mean[std::size_t(p)] += s.rank(l, p);
                ++n;
            }
            if (n) mean[std::size_t(p)] /= n;
        }
        meanRanks[methodName(r.config.method)].push_back(mean);
        layerRanks[methodName(r.config.method)].push_back(perLayer);
    }
    auto table = [&](const std::map<std::string, std::vector<std::vector<double>>>& byMethod, const std::vector<std::string>& columns,
                     const char* format) {
        out << "| method |";
        for (const auto& c : columns) out << " " << c << " |";
        out << "\n|---|";
        for (std::size_t i = 0; i < columns.size(); ++i) out << "---|";
        out << "\n";
        for (const auto& [m, perRun] : byMethod) {
            out << "| " << m << " |";
            for (std::size_t c = 0; c < columns.size(); ++c) {
                std::vector<double> v;
                for (const auto& run : perRun)
                    if (c < run.size()) v.push_back(run[c]);
                out << " " << (v.empty() ? std::string("–") : fmt(format, stats(v).mean)) << " |";
            }
            out << "\n";
        }
    };
    std::vector<std::string> projections, layers;
    for (const auto& p : projectionNames()) projections.push_back(p.substr(0, p.find('_')));
    std::size_t depth = 0;
    for (const auto& [m, perRun] : layerRanks) depth = std::max(depth, perRun.front().size());
    for (std::size_t l = 0; l < depth; ++l) layers.push_back(std::to_string(l));
    out << "\nMean final rank per projection:\n\n";
    table(meanRanks, projections, "%.2f");
    out << "\nMean final rank per layer (all projections):\n\n";
    table(layerRanks, layers, "%.1f");
}

// Runs whose configs differ only in their seed, as one row: the configurations a study tried.
void writeConfigurations(const std::vector<RunRecord>& runs, std::ostream& out) {
    struct Group {
        std::string label, method;
        std::vector<const RunRecord*> runs;
    };
    std::vector<Group> groups;
    std::map<std::string, std::size_t> byConfig;
    static const std::regex seedSuffix("-seed[0-9]+$");
    for (const auto& r : runs) {
        RunConfig c = r.config;
        c.seed = 0;
        c.name.clear();
        auto [it, fresh] = byConfig.try_emplace(runConfigToJson(c, -1), groups.size());
        if (fresh) groups.push_back({std::regex_replace(folderName(r), seedSuffix, ""), methodName(r.config.method), {}});
        groups[it->second].runs.push_back(&r);
    }
    if (groups.size() == runs.size()) return;   // nothing repeats with another seed
    out << "\nBy configuration (runs that differ only in their seed):\n\n"
        << "| configuration | method | runs | val perplexity (mean ± sd) | per seed | ranks moved per reallocation | ping-pong |\n"
        << "|---|---|---|---|---|---|---|\n";
    for (const Group& g : groups) {
        std::vector<double> ppl;
        std::string seeds;
        double moved = 0;
        int pingPong = 0, eligible = 0;
        bool known = true;
        for (const RunRecord* r : g.runs) {
            ppl.push_back(perplexity(*r));
            seeds += (seeds.empty() ? "" : ", ") + fmt("%.2f", ppl.back());
            const ChurnSummary c = churnOf(*r);
            moved += c.movedPerReallocation / double(g.runs.size());
            pingPong += c.pingPong;
            eligible += c.pingPongEligible;
            known = known && c.agesKnown;
        }
        const Stats s = stats(ppl);
        out << "| " << g.label << " | " << g.method << " | " << g.runs.size() << " | " << fmt("%.3f", s.mean) << " ± " << fmt("%.3f", s.sd)
            << " | " << seeds << " | ";
        if (g.method != "l1ra") out << "– | – |\n";
        else out << fmt("%.1f", moved) << " | " << (known && eligible > 0 ? fmt("%.0f %%", 100.0 * pingPong / eligible) : std::string("–")) << " |\n";
    }
}

// Rank churn of the runs that reallocate (L1RA): what moved, what came straight back, how old pruned ranks were.
void writeChurn(const std::vector<RunRecord>& runs, std::ostream& out) {
    bool header = false;
    for (const auto& r : runs) {
        if (r.config.method != Method::L1RA) continue;
        if (!header) {
            out << "\nRank churn (ping-pong: ranks handed out that were pruned again within two intervals):\n\n"
                << "| run | reallocations | ranks moved | per reallocation (max) | ping-pong | age of pruned ranks, steps (median / mean) |\n"
                << "|---|---|---|---|---|---|\n";
            header = true;
        }
        const ChurnSummary c = churnOf(r);
        out << "| " << folderName(r) << " | " << c.reallocations << " | " << c.moved << " | " << fmt("%.1f", c.movedPerReallocation) << " ("
            << c.maxMoved << ") | ";
        if (!c.agesKnown) {
            out << "– | – |\n";   // recorded before rank ages were
            continue;
        }
        if (c.pingPongEligible > 0) out << c.pingPong << " of " << c.pingPongEligible << " (" << fmt("%.0f", 100 * c.pingPongShare) << " %) | ";
        else out << "– | ";   // nothing handed out
        if (c.pruned > 0) out << fmt("%.0f", c.prunedAgeMedian) << " / " << fmt("%.0f", c.prunedAgeMean) << " |\n";
        else out << "– |\n";   // nothing pruned
    }
}

}  // namespace

// A markdown report over finished runs: one row per run, the mean and spread of validation perplexity and wall
// time per method, the mean final rank per projection and per layer, configurations repeated over seeds, and
// L1RA's rank churn (docs/study uses it). A sweep folder gives the sweep's own table instead.
int runCompare(const Args& args, std::ostream& out, std::ostream&) {
    if (args.empty()) throw Error("compare: give one or more run folders, or a sweep folder");
    if (args.size() == 1 && isSweepFolder(args[0])) {
        out << sweepMarkdown(loadSweep(args[0]));
        return 0;
    }
    std::vector<RunRecord> runs;
    for (const auto& dir : args) {
        if (dir.rfind("--", 0) == 0) throw Error("compare: unknown option '" + dir + "'");
        runs.push_back(loadRunRecord(dir));
        if (!runs.back().hasSummary) throw Error(dir + ": the run has not ended (no summary.json)");
    }
    writeRunsAndMethods(runs, out);
    writeRanks(runs, out);
    writeConfigurations(runs, out);
    writeChurn(runs, out);
    return 0;
}

}  // namespace l1ra::cli
