#include "l1ra/run_tables.h"

#include "l1ra/error.h"
#include "l1ra/projections.h"
#include "l1ra/run_config.h"
#include "io/file_util.h"

#include <cstdio>
#include <map>

namespace l1ra {

namespace {

std::string number(double value, int digits) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    return buffer;
}

std::string metric(double value) { return number(value, 10); }

std::string recordFolderOrThrow(const std::string& dir, const char* files) {
    const std::string folder = runRecordFolder(dir);
    if (folder.empty()) throw Error(dir + ": no run record (" + files + ") to export");
    return folder;
}

void writeTable(const std::string& outFile, const std::string& table, bool replace) {
    if (!replace && fileExists(outFile)) throw Error(outFile + ": exists; choose another file or replace it (--force)");
    writeTextFileAtomically(outFile, table);
}

}  // namespace

std::string metricsCsv(const RunRecord& record) {
    struct Row {
        const StepEvent* step = nullptr;
        const EvalEvent* eval = nullptr;
    };
    std::map<int64_t, Row> rows;   // ordered by step
    for (const StepEvent& s : record.steps) rows[s.step].step = &s;
    for (const EvalEvent& e : record.evals) rows[e.step].eval = &e;

    std::string out =
        "step,loss,lr,grad_norm,lambda,tokens,tokens_per_s,step_s,elapsed_s,memory_bytes,total_rank,budget,val_loss,val_perplexity\n";
    for (const auto& [step, row] : rows) {
        out += std::to_string(step);
        if (const StepEvent* s = row.step) {
            for (double v : {s->loss, s->lr, s->gradNorm, s->lambda}) out += "," + metric(v);
            out += "," + std::to_string(s->tokens);
            for (double v : {s->tokensPerSecond, s->stepSeconds, s->elapsedSeconds}) out += "," + metric(v);
            out += "," + std::to_string(s->memoryBytes) + "," + std::to_string(s->totalRank) + "," + std::to_string(s->budget);
        } else {
            out += std::string(11, ',');
        }
        if (const EvalEvent* e = row.eval) out += "," + metric(e->loss) + "," + metric(e->perplexity);
        else out += ",,";
        out += "\n";
    }
    return out;
}

std::string rankHistoryCsv(const RunRecord& record) {
    std::string out = "step,layer,projection,rank,gate_mass\n";
    const auto& names = projectionNames();
    for (const RankSnapshot& s : record.snapshots) {
        for (int layer = 0; layer < s.numLayers; ++layer) {
            for (int p = 0; p < kProjectionCount; ++p) {
                const std::size_t i = rankCell(layer, p);
                if (i >= s.ranks.size() || (i < s.targeted.size() && !s.targeted[i])) continue;
                const double mass = i < s.gateMass.size() ? s.gateMass[i] : double(s.ranks[i]);
                out += std::to_string(s.step) + "," + std::to_string(layer) + "," + names[std::size_t(p)] + "," +
                       std::to_string(s.ranks[i]) + "," + number(mass, 8) + "\n";
            }
        }
    }
    return out;
}

std::string runRecordFolder(const std::string& dir) {
    if (dir.empty()) return {};
    if (isRunFolder(dir)) return dir;
    const std::string embedded = dir + "/l1ra_run";
    return isRunFolder(embedded) ? embedded : std::string();
}

void exportMetricsCsv(const std::string& runDir, const std::string& outFile, bool replace) {
    const std::string folder = recordFolderOrThrow(runDir, "config.json, metrics.jsonl");
    writeTable(outFile, metricsCsv(loadRunRecord(folder)), replace);
}

void exportRankHistoryCsv(const std::string& runDir, const std::string& outFile, bool replace) {
    const std::string folder = recordFolderOrThrow(runDir, "config.json, ranks.jsonl");
    writeTable(outFile, rankHistoryCsv(loadRunRecord(folder)), replace);
}

}  // namespace l1ra
