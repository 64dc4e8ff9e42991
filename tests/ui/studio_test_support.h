#pragma once
// Shared by the studio's phase-2 suites: the fixture model and data, run configs sized for tests, settings kept
// out of the user's home, synthetic run folders written through the engine's public JSON writers.
#include "l1ra/run_config.h"
#include "l1ra/run_record.h"
#include "l1ra/training_events.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>

#include <string>
#include <vector>

namespace l1ra::ui::test {

inline QString fixtureModel() { return QStringLiteral(L1RA_TEST_DATA "/tiny-llama"); }
inline QString fixtureText() { return QStringLiteral(L1RA_TEST_DATA "/tiny-text.txt"); }

// L1RA on the fixture at a scale where gates cross the threshold within tens of steps (DESIGN.md section 1).
inline RunConfig fixtureConfig(int steps, int updateInterval = 5) {
    RunConfig c;
    c.model.path = fixtureModel().toStdString();
    c.data.train = fixtureText().toStdString();
    c.train.steps = steps;
    c.train.seqLen = 32;
    c.train.batchSize = 2;
    c.adapter.rank = 4;
    c.l1ra.etaC = 0.1;
    c.l1ra.lambda = 0.5;
    c.l1ra.updateInterval = updateInterval;
    c.train.lr = 0.01;
    c.eval.every = 0;
    c.eval.batches = 2;
    c.threads = 1;   // leave the GUI thread a core
    return c;
}

// QSettings and QStandardPaths under a temporary folder, so suites never read or write the user's settings.
inline void isolateSettings(const QTemporaryDir& dir) {
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.filePath(QStringLiteral("settings")));
    QSettings().clear();
}

inline void writeLines(const QString& path, const std::vector<std::string>& lines) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) qFatal("cannot write %s", qPrintable(path));
    for (const std::string& line : lines) {
        file.write(line.c_str());
        file.write("\n");
    }
}

inline RankSnapshot snapshotWithRanks(int64_t step, int layers, const std::vector<int>& ranks, int initialRank = 4) {
    RankSnapshot s;
    s.step = step;
    s.numLayers = layers;
    s.initialRank = initialRank;
    s.ranks = ranks;
    s.targeted.assign(ranks.size(), true);
    for (int r : ranks) {
        s.gateMass.push_back(r * 0.5);
        s.gateMin.push_back(r > 0 ? 0.25 : 0.0);
        s.gateMean.push_back(r > 0 ? 0.5 : 0.0);
    }
    s.budget = s.total();
    return s;
}

// A finished L1RA run folder with the given snapshots (one reallocation between consecutive ones), `steps`
// metric lines and an evaluation at the last step.
inline void writeSyntheticRun(const QString& dir, const std::string& name, const std::vector<RankSnapshot>& snapshots, int steps) {
    QDir().mkpath(dir);
    RunConfig config;
    config.name = name;
    config.model.path = fixtureModel().toStdString();
    config.data.train = fixtureText().toStdString();
    config.train.steps = steps;
    writeLines(dir + QStringLiteral("/config.json"), {runConfigToJson(config)});
    std::vector<std::string> metrics;
    for (int s = 1; s <= steps; ++s) {
        StepEvent e;
        e.step = s;
        e.totalSteps = steps;
        e.loss = 5.0 - 0.01 * s;
        e.lr = 1e-3;
        e.gradNorm = 1.5;
        e.lambda = 0.5;
        e.tokens = 64;
        e.tokensPerSecond = 1000;
        e.totalRank = snapshots.front().total();
        e.budget = snapshots.front().budget;
        metrics.push_back(stepEventToJson(e));
    }
    EvalEvent eval;
    eval.step = steps;
    eval.loss = 4.25;
    eval.perplexity = 70.1;
    eval.tokens = 100;
    metrics.push_back(evalEventToJson(eval));
    writeLines(dir + QStringLiteral("/metrics.jsonl"), metrics);
    std::vector<std::string> ranks, events;
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
        ranks.push_back(rankSnapshotToJson(snapshots[i]));
        if (i == 0) continue;
        ReallocationEvent r;
        r.step = snapshots[i].step;
        r.budget = snapshots[i].budget;
        for (std::size_t c = 0; c < snapshots[i].ranks.size(); ++c) {
            const int before = snapshots[i - 1].ranks[c], after = snapshots[i].ranks[c];
            if (before == after) continue;
            RankMove m;
            m.layer = int(c / 7);
            m.projection = int(c % 7);
            m.before = before;
            m.after = after;
            m.pruned = std::max(0, before - after);
            m.added = std::max(0, after - before);
            r.pruned += m.pruned;
            r.added += m.added;
            r.moves.push_back(m);
        }
        r.after = snapshots[i];
        events.push_back(reallocationEventToJson(r));
    }
    writeLines(dir + QStringLiteral("/ranks.jsonl"), ranks);
    writeLines(dir + QStringLiteral("/events.jsonl"), events);
    RunSummary summary;
    summary.runDir = dir.toStdString();
    summary.state = RunState::Finished;
    summary.steps = steps;
    summary.finalLoss = 5.0 - 0.01 * steps;
    summary.finalValLoss = summary.bestValLoss = 4.25;
    writeLines(dir + QStringLiteral("/summary.json"), {runSummaryToJson(summary)});
}

}  // namespace l1ra::ui::test
