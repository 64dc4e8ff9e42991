#pragma once
// The Export menu's work, one export at a time on a worker thread: the peft adapter, the merged model and the
// two llama.cpp GGUF files (l1ra::exportPeftAdapter / exportMergedModel / exportGgufLora / exportGgufModel, which
// read the run's newest checkpoint) and the two CSV files (l1ra::exportMetricsCsv / exportRankHistoryCsv, from the
// run record). It also says when an export cannot start and where one goes by default.
#include <QObject>
#include <QString>

namespace l1ra::ui {

class BackgroundJob;

class RunExporter : public QObject {
    Q_OBJECT
public:
    enum class Kind { PeftAdapter, MergedModel, GgufLora, GgufModel, MetricsCsv, RankHistoryCsv };
    Q_ENUM(Kind)

    explicit RunExporter(QObject* parent = nullptr);

    // `source`: a run folder or an exported adapter folder. `force` replaces an existing output folder.
    // `fromBest`: exports that read a checkpoint take the run's best one (l1ra::ExportOptions::checkpoint "best").
    // False while another export runs.
    bool start(Kind kind, const QString& source, const QString& target, bool force, bool fromBest = false);
    bool isBusy() const;
    // Why an export of `source` cannot start now, "" when it can: no run to export, a checkpoint export while
    // that run still trains, another export running.
    QString refusal(Kind kind, const QString& source, bool sourceIsTraining) const;
    // Where an export of `source` goes unless the user chooses: <runs root>/../exports/<run>-<kind suffix>.
    static QString suggestedPath(Kind kind, const QString& runsRoot, const QString& source);

    static QString describe(Kind kind);          // "peft adapter", ...
    static bool writesFolder(Kind kind);         // adapter and merged model: a folder; GGUF and CSVs: a file
    static bool readsCheckpoint(Kind kind);      // adapter, merged model and GGUF: from the newest checkpoint
    static QString fileSuffix(Kind kind);        // "gguf", "csv"; empty for folders

Q_SIGNALS:
    void started(l1ra::ui::RunExporter::Kind kind, const QString& target);
    // `error` is empty on success.
    void finished(l1ra::ui::RunExporter::Kind kind, const QString& target, const QString& error);
    void busyChanged(bool busy);

private:
    BackgroundJob* job_ = nullptr;
};

}  // namespace l1ra::ui
