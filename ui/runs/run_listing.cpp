#include "runs/run_listing.h"

#include "l1ra/run_config.h"
#include "l1ra/run_record.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <exception>

namespace l1ra::ui {

namespace {

QJsonObject readJsonObject(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// The last step line of metrics.jsonl, read from its end: runs without a summary (still going, or killed).
qint64 lastLoggedStep(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return 0;
    const qint64 tail = std::min<qint64>(file.size(), 16384);
    file.seek(file.size() - tail);
    const QList<QByteArray> lines = file.read(tail).split('\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QJsonObject line = QJsonDocument::fromJson(*it).object();
        if (line.contains(QLatin1String("loss")) && line.contains(QLatin1String("step")))
            return line.value(QLatin1String("step")).toInteger();
    }
    return 0;
}

}  // namespace

RunListing describeRun(const QString& dir) {
    RunListing r;
    r.dir = QDir::cleanPath(dir);
    r.name = QFileInfo(r.dir).fileName();
    const QString configPath = QDir(r.dir).filePath(QStringLiteral("config.json"));
    r.started = QFileInfo(configPath).lastModified();
    try {
        const l1ra::RunConfig config = l1ra::loadRunConfig(configPath.toStdString());
        if (!config.name.empty()) r.name = QString::fromStdString(config.name);
        r.method = QString::fromLatin1(l1ra::methodName(config.method));
        r.model = QString::fromStdString(config.model.path);
        r.totalSteps = config.train.steps;
    } catch (const std::exception& e) {
        r.error = QString::fromStdString(e.what());
    }
    const QJsonObject summary = readJsonObject(QDir(r.dir).filePath(QStringLiteral("summary.json")));
    if (!summary.isEmpty()) {
        r.state = summary.value(QLatin1String("state")).toString();
        r.steps = summary.value(QLatin1String("steps")).toInteger();
        const double val = summary.value(QLatin1String("final_val_loss")).toDouble();
        r.hasValLoss = val > 0;
        r.finalValLoss = val;
        const QString error = summary.value(QLatin1String("error")).toString();
        if (!error.isEmpty()) r.error = error;
    } else {
        r.state = QStringLiteral("incomplete");
        r.steps = lastLoggedStep(QDir(r.dir).filePath(QStringLiteral("metrics.jsonl")));
    }
    return r;
}

std::vector<RunListing> scanRuns(const QString& root) {
    std::vector<RunListing> runs;
    const QDir dir(root);
    for (const QFileInfo& entry : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (!l1ra::isRunFolder(entry.absoluteFilePath().toStdString())) continue;
        runs.push_back(describeRun(entry.absoluteFilePath()));
    }
    std::sort(runs.begin(), runs.end(), [](const RunListing& a, const RunListing& b) {
        if (a.started != b.started) return a.started > b.started;
        return a.dir > b.dir;   // the timestamped folder names order runs started within one second
    });
    return runs;
}

}  // namespace l1ra::ui
