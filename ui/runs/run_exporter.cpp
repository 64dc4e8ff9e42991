#include "runs/run_exporter.h"

#include "shell/background_job.h"

#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/run_tables.h"

#include <QDir>
#include <QFileInfo>

namespace l1ra::ui {

RunExporter::RunExporter(QObject* parent) : QObject(parent) {
    job_ = new BackgroundJob(this);
    connect(job_, &BackgroundJob::runningChanged, this, &RunExporter::busyChanged);
}

bool RunExporter::isBusy() const { return job_->isRunning(); }

QString RunExporter::refusal(Kind kind, const QString& source, bool sourceIsTraining) const {
    const QString what = describe(kind);
    if (source.isEmpty()) return tr("Train or open a run first: the %1 comes from the current run.").arg(what);
    if (readsCheckpoint(kind) && sourceIsTraining)
        return tr("The run is still training. Export the %1 once it has finished or stopped.").arg(what);
    if (isBusy()) return tr("Another export is still running.");
    return {};
}

QString RunExporter::suggestedPath(Kind kind, const QString& runsRoot, const QString& source) {
    const QString exportsDir = QDir(runsRoot).absoluteFilePath(QStringLiteral("../exports"));
    const QString base = QDir::cleanPath(exportsDir) + QLatin1Char('/') + QFileInfo(QDir::cleanPath(source)).fileName();
    switch (kind) {
        case Kind::PeftAdapter: return base + QStringLiteral("-peft");
        case Kind::MergedModel: return base + QStringLiteral("-merged");
        case Kind::GgufLora: return base + QStringLiteral("-lora.gguf");
        case Kind::GgufModel: return base + QStringLiteral("-model.gguf");
        case Kind::MetricsCsv: return base + QStringLiteral("-metrics.csv");
        case Kind::RankHistoryCsv: return base + QStringLiteral("-ranks.csv");
    }
    return base;
}

QString RunExporter::describe(Kind kind) {
    switch (kind) {
        case Kind::PeftAdapter: return tr("peft adapter");
        case Kind::MergedModel: return tr("merged model");
        case Kind::GgufLora: return tr("GGUF LoRA adapter");
        case Kind::GgufModel: return tr("GGUF model");
        case Kind::MetricsCsv: return tr("metrics CSV");
        case Kind::RankHistoryCsv: return tr("rank history CSV");
    }
    return {};
}

bool RunExporter::writesFolder(Kind kind) { return kind == Kind::PeftAdapter || kind == Kind::MergedModel; }

bool RunExporter::readsCheckpoint(Kind kind) { return writesFolder(kind) || kind == Kind::GgufLora || kind == Kind::GgufModel; }

QString RunExporter::fileSuffix(Kind kind) {
    if (writesFolder(kind)) return {};
    return kind == Kind::GgufLora || kind == Kind::GgufModel ? QStringLiteral("gguf") : QStringLiteral("csv");
}

bool RunExporter::start(Kind kind, const QString& source, const QString& target, bool force, bool fromBest) {
    const std::string from = source.toStdString(), to = target.toStdString();
    const auto work = [kind, from, to, force, fromBest] {
        l1ra::ExportOptions options;
        options.force = force;
        if (fromBest) options.checkpoint = "best";
        switch (kind) {
            case Kind::PeftAdapter: l1ra::exportPeftAdapter(from, to, options); return;
            case Kind::MergedModel: l1ra::exportMergedModel(from, to, options); return;
            case Kind::GgufLora: l1ra::exportGgufLora(from, to, options); return;   // f32
            case Kind::GgufModel: l1ra::exportGgufModel(from, to, options); return; // f16
            // From the run folder or an exported adapter's l1ra_run/. The studio has asked before replacing a
            // file; an empty one it did not ask about is replaced too.
            case Kind::MetricsCsv: l1ra::exportMetricsCsv(from, to, /*replace=*/true); return;
            case Kind::RankHistoryCsv: l1ra::exportRankHistoryCsv(from, to, /*replace=*/true); return;
        }
    };
    const bool ok = job_->start(work, [this, kind, target](const QString& error) { Q_EMIT finished(kind, target, error); });
    if (ok) Q_EMIT started(kind, target);
    return ok;
}

}  // namespace l1ra::ui
