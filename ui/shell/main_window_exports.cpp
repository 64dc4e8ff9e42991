// MainWindow, part 3 of 3: the Export menu — where an export goes, what it replaces, and its result.
#include "shell/main_window.h"

#include "shell/background_job.h"
#include "widgets/budget_panel.h"
#include "live/live_knobs.h"
#include "shell/log_pane.h"
#include "widgets/metrics_curves.h"
#include "widgets/rank_heatmap.h"
#include "widgets/reallocation_log.h"
#include "live/samples_panel.h"
#include "runs/run_comparison.h"
#include "setup/run_config_form.h"
#include "runs/run_history_list.h"
#include "runs/run_view.h"
#include "shell/status_readout.h"
#include "shell/studio_paths.h"
#include "shell/studio_resources.h"
#include "shell/studio_settings.h"
#include "shell/studio_theme.h"
#include "runs/sweep_view.h"
#include "live/training_controller.h"
#include "runs/try_it_panel.h"
#include "live/update_throttle.h"

#include "l1ra/dataset_preview.h"
#include "l1ra/run_config.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDateTime>
#include <QDockWidget>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace l1ra::ui {

namespace {

bool existsAndNotEmpty(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists()) return false;
    if (!info.isDir()) return true;
    return !QDir(path).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// Exports

QString MainWindow::suggestedExportPath(RunExporter::Kind kind) const {
    return RunExporter::suggestedPath(kind, runsRoot_, currentRunSource());
}

bool MainWindow::confirmReplace(const QString& path) {
    return prompts_.confirm(this, tr("Replace?"), tr("%1 already exists. Replace it?").arg(QDir::toNativeSeparators(path)));
}

bool MainWindow::exportRun(RunExporter::Kind kind, const QString& target) {
    const QString source = currentRunSource();
    const QString what = RunExporter::describe(kind);
    const QString refusal = exporter_->refusal(kind, source, current_.isLive() && controller_->isActive());
    if (!refusal.isEmpty()) {
        reportError(tr("Export"), refusal);
        return false;
    }
    QString path = target;
    if (path.isEmpty()) {
        const QString suffix = RunExporter::fileSuffix(kind);
        const QString filter = suffix.isEmpty()            ? tr("Folder (*)")
                               : suffix == QLatin1String("gguf") ? tr("GGUF file (*.gguf)")
                                                                 : tr("CSV file (*.csv)");
        path = prompts_.savePath(this, tr("Export %1").arg(what), suggestedExportPath(kind), filter);
        if (path.isEmpty()) return false;
        if (!suffix.isEmpty() && QFileInfo(path).suffix().isEmpty()) path += QLatin1Char('.') + suffix;
    }
    bool force = false;
    if (existsAndNotEmpty(path)) {
        if (!confirmReplace(path)) return false;
        force = true;
    }
    const QString parent = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(parent)) {
        reportError(tr("Export"), tr("Cannot create the folder %1").arg(parent));
        return false;
    }
    const bool fromBest = RunExporter::readsCheckpoint(kind) && actions_.exportFromBest->isChecked() && current_.hasBestCheckpoint();
    if (fromBest) logInfo(tr("exporting the %1 from the best checkpoint").arg(what));
    return exporter_->start(kind, source, path, force, fromBest);
}

void MainWindow::exportFinishedHandler(RunExporter::Kind kind, const QString& target, const QString& error) {
    status_->setBusy({});
    updateActions();
    if (!error.isEmpty()) {
        if (!closeRequested_) reportError(tr("Export %1").arg(RunExporter::describe(kind)), error);
        else log_->appendError(error);
    } else {
        logInfo(tr("%1 exported to %2").arg(RunExporter::describe(kind), target));
        statusBar()->showMessage(tr("Exported the %1 to %2").arg(RunExporter::describe(kind), target), 10000);
    }
    Q_EMIT exportFinished(error.isEmpty(), target);
    if (closeRequested_) close();
}

bool MainWindow::exportHeatmapImage(const QString& target) {
    RankHeatmap* heatmap = currentHeatmap();
    if (!heatmap->hasSnapshot()) {
        reportError(tr("Export heatmap"), tr("There is no rank map to save yet."));
        return false;
    }
    QString path = target;
    if (path.isEmpty()) {
        path = prompts_.savePath(this, tr("Export heatmap image"), suggestedExportPath(RunExporter::Kind::MetricsCsv).replace(QStringLiteral("-metrics.csv"), QStringLiteral("-heatmap.png")),
                                 tr("PNG image (*.png);;PDF document (*.pdf)"));
        if (path.isEmpty()) return false;
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix.isEmpty()) path += QStringLiteral(".png");
    else if (suffix != QLatin1String("png") && suffix != QLatin1String("pdf")) {
        reportError(tr("Export heatmap"), tr("%1: choose a .png or .pdf file name").arg(path));
        return false;
    }
    if (QFileInfo::exists(path) && target.isEmpty() && !confirmReplace(path)) return false;
    QDir().mkpath(QFileInfo(path).absolutePath());
    // A heatmap on a hidden page has no useful size of its own.
    const int width = std::max(heatmap->width(), 900), height = std::max(heatmap->height(), 560);
    if (!heatmap->saveImage(path, width, height)) {
        reportError(tr("Export heatmap"), tr("Cannot write %1").arg(path));
        Q_EMIT exportFinished(false, path);
        return false;
    }
    logInfo(tr("heatmap saved to %1").arg(path));
    Q_EMIT exportFinished(true, path);
    return true;
}

}  // namespace l1ra::ui
