#include "arguments.h"
#include "commands.h"
#include "l1ra/error.h"
#include "l1ra/run_config.h"
#include "l1ra/run_record.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
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

}  // namespace

// A markdown report over finished runs: one row per run, then per method the mean and spread of validation
// perplexity and wall time, and the mean final rank per projection and per layer (docs/study uses it).
int runCompare(const Args& args, std::ostream& out, std::ostream&) {
    if (args.empty()) throw Error("compare: give one or more run folders");
    std::vector<RunRecord> runs;
    for (const auto& dir : args) {
        if (dir.rfind("--", 0) == 0) throw Error("compare: unknown option '" + dir + "'");
        runs.push_back(loadRunRecord(dir));
    }
    const auto& projections = projectionNames();
    out << "| run | method | seed | steps | val loss | val perplexity | wall time (s) | trainable parameters |\n"
        << "|---|---|---|---|---|---|---|---|\n";
    std::map<std::string, std::vector<double>> ppl, wall;
    std::map<std::string, std::vector<std::vector<double>>> meanRanks;   // method -> per run -> per projection
    std::map<std::string, std::vector<std::vector<double>>> layerRanks;  // method -> per run -> per layer (sum)
    std::map<std::string, std::pair<int64_t, int64_t>> params;   // min, max: L1RA's count moves with its ranks
    for (const auto& r : runs) {
        if (!r.hasSummary) throw Error(r.dir + ": the run has not ended (no summary.json)");
        const double valLoss = r.summary.finalValLoss;
        const double perplexity = std::exp(valLoss);
        const std::string& m = r.config.method;
        out << "| " << r.dir.substr(r.dir.find_last_of('/') + 1) << " | " << m << " | " << r.config.seed << " | " << r.summary.steps
            << " | " << fmt("%.4f", valLoss) << " | " << fmt("%.3f", perplexity) << " | " << fmt("%.1f", r.summary.wallSeconds)
            << " | " << r.summary.trainableParameters << " |\n";
        ppl[m].push_back(perplexity);
        wall[m].push_back(r.summary.wallSeconds);
        auto [it, fresh] = params.try_emplace(m, r.summary.trainableParameters, r.summary.trainableParameters);
        if (!fresh) {
            it->second.first = std::min(it->second.first, r.summary.trainableParameters);
            it->second.second = std::max(it->second.second, r.summary.trainableParameters);
        }
        if (!r.snapshots.empty()) {
            const RankSnapshot& s = r.snapshots.back();
            std::vector<double> mean(7, 0.0);
            for (int p = 0; p < 7; ++p) {
                int n = 0;
                for (int l = 0; l < s.numLayers; ++l)
                    if (s.targeted[std::size_t(l * 7 + p)]) {
                        mean[std::size_t(p)] += s.rank(l, p);
                        ++n;
                    }
                if (n) mean[std::size_t(p)] /= n;
            }
            meanRanks[m].push_back(mean);
            std::vector<double> perLayer(std::size_t(s.numLayers), 0.0);
            for (int l = 0; l < s.numLayers; ++l)
                for (int p = 0; p < 7; ++p) perLayer[std::size_t(l)] += s.rank(l, p);
            layerRanks[m].push_back(perLayer);
        }
    }
    out << "\n| method | runs | val perplexity (mean ± sd) | wall time s (mean ± sd) | trainable parameters |\n|---|---|---|---|---|\n";
    for (const auto& [m, v] : ppl) {
        const Stats p = stats(v), w = stats(wall[m]);
        out << "| " << m << " | " << v.size() << " | " << fmt("%.3f", p.mean) << " ± " << fmt("%.3f", p.sd) << " | "
            << fmt("%.1f", w.mean) << " ± " << fmt("%.1f", w.sd) << " | " << params[m].first;
        if (params[m].second != params[m].first) out << "–" << params[m].second;
        out << " |\n";
    }
    out << "\nMean final rank per projection:\n\n| method |";
    for (const auto& p : projections) out << " " << p.substr(0, p.find('_')) << " |";
    out << "\n|---|";
    for (std::size_t i = 0; i < projections.size(); ++i) out << "---|";
    out << "\n";
    for (const auto& [m, perRun] : meanRanks) {
        out << "| " << m << " |";
        for (std::size_t p = 0; p < 7; ++p) {
            std::vector<double> v;
            for (const auto& run : perRun) v.push_back(run[p]);
            out << " " << fmt("%.2f", stats(v).mean) << " |";
        }
        out << "\n";
    }
    // Where in depth the rank went (runs of one method share the model, so the layer counts agree).
    out << "\nMean final rank per layer (all projections):\n\n| method |";
    std::size_t layers = 0;
    for (const auto& [m, perRun] : layerRanks) layers = std::max(layers, perRun.front().size());
    for (std::size_t l = 0; l < layers; ++l) out << " " << l << " |";
    out << "\n|---|";
    for (std::size_t l = 0; l < layers; ++l) out << "---|";
    out << "\n";
    for (const auto& [m, perRun] : layerRanks) {
        out << "| " << m << " |";
        for (std::size_t l = 0; l < layers; ++l) {
            std::vector<double> v;
            for (const auto& run : perRun)
                if (l < run.size()) v.push_back(run[l]);
            out << " " << (v.empty() ? std::string("–") : fmt("%.1f", stats(v).mean)) << " |";
        }
        out << "\n";
    }
    return 0;
}

}  // namespace l1ra::cli
