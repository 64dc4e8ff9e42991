#include "run_exporter.h"

#include "background_job.h"
#include "metrics_csv.h"
#include "rank_history_csv.h"
#include "studio_paths.h"

#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/run_record.h"

namespace l1ra::ui {

RunExporter::RunExporter(QObject* parent) : QObject(parent) {
    job_ = new BackgroundJob(this);
    connect(job_, &BackgroundJob::runningChanged, this, &RunExporter::busyChanged);
}

bool RunExporter::isBusy() const { return job_->isRunning(); }

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
    // CSVs come from the run record: the run folder itself, or l1ra_run/ inside an exported adapter.
    const QString recordDir = runRecordFolder(source);
    const std::string record = recordDir.toStdString();
    const auto work = [kind, from, to, record, force, fromBest, target] {
        l1ra::ExportOptions options;
        options.force = force;
        if (fromBest) options.checkpoint = "best";
        QString error;
        switch (kind) {
            case Kind::PeftAdapter: l1ra::exportPeftAdapter(from, to, options); return;
            case Kind::MergedModel: l1ra::exportMergedModel(from, to, options); return;
            case Kind::GgufLora: l1ra::exportGgufLora(from, to, options); return;   // f32
            case Kind::GgufModel: l1ra::exportGgufModel(from, to, options); return; // f16
            case Kind::MetricsCsv:
                if (record.empty()) throw l1ra::Error(from + ": no run record (config.json, metrics.jsonl) to export");
                if (!writeMetricsCsv(l1ra::loadRunRecord(record), target, &error)) throw l1ra::Error(error.toStdString());
                return;
            case Kind::RankHistoryCsv:
                if (record.empty()) throw l1ra::Error(from + ": no run record (config.json, ranks.jsonl) to export");
                if (!writeRankHistoryCsv(l1ra::loadRunRecord(record), target, &error)) throw l1ra::Error(error.toStdString());
                return;
        }
    };
    const bool ok = job_->start(work, [this, kind, target](const QString& error) { Q_EMIT finished(kind, target, error); });
    if (ok) Q_EMIT started(kind, target);
    return ok;
}

}  // namespace l1ra::ui
