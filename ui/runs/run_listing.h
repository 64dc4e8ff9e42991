#pragma once
// What the run history shows of one run folder, read cheaply (config.json, summary.json and the tail of
// metrics.jsonl; never the whole record).
#include <QDateTime>
#include <QString>

#include <vector>

namespace l1ra::ui {

struct RunListing {
    QString dir;
    QString name;            // the config's name, else the folder name
    QString method;          // l1ra | lora | full
    QString model;
    QDateTime started;       // when config.json was written
    qint64 steps = 0;        // steps done (summary, else the last logged step)
    qint64 totalSteps = 0;   // train.steps
    bool hasValLoss = false;
    double finalValLoss = 0;
    QString state;           // finished | stopped | failed | incomplete (no summary: running, or killed)
    QString error;           // why the config could not be read, or the run's error
};

// Throws nothing: an unreadable folder comes back with `error` set.
RunListing describeRun(const QString& dir);
// Run folders directly under `root`, newest first.
std::vector<RunListing> scanRuns(const QString& root);

}  // namespace l1ra::ui
