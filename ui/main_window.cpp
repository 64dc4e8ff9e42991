#include "main_window.h"

#include "budget_panel.h"
#include "live_knobs.h"
#include "log_pane.h"
#include "metrics_curves.h"
#include "rank_heatmap.h"
#include "reallocation_log.h"
#include "run_config_form.h"
#include "studio_resources.h"

#include "l1ra/dataset_preview.h"

#include <QGroupBox>
#include <QIcon>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace l1ra::ui {

namespace {

QGroupBox* titled(const QString& title, QWidget* content, QWidget* parent) {
    auto* box = new QGroupBox(title, parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(6, 6, 6, 6);
    content->setParent(box);
    layout->addWidget(content);
    return box;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    ensureStudioResources();
    setWindowTitle(tr("L1RA Studio"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/l1ra-studio.png")));
    auto* tabs = new QTabWidget(this);
    tabs->setDocumentMode(true);

    form_ = new RunConfigForm(tabs);
    form_->setDatasetPreviewFunction(
        [](const std::string& path, const std::string& format) { return l1ra::previewDataset(path, format, 5); });
    tabs->addTab(form_, tr("Setup"));
    tabs->addTab(buildTrainingPage(), tr("Training"));
    log_ = new LogPane(tabs);
    tabs->addTab(log_, tr("Log"));

    setCentralWidget(tabs);
    resize(1280, 800);
}

QWidget* MainWindow::buildTrainingPage() {
    // Rank on the left (the point of the studio), curves under it; budget, knobs and history on the right.
    auto* page = new QSplitter(Qt::Horizontal, this);
    auto* left = new QSplitter(Qt::Vertical, page);
    heatmap_ = new RankHeatmap(left);
    curves_ = new MetricsCurves(left);
    left->addWidget(titled(tr("Rank per layer and projection"), heatmap_, left));
    left->addWidget(titled(tr("Curves"), curves_, left));
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);

    auto* right = new QWidget(page);
    auto* column = new QVBoxLayout(right);
    column->setContentsMargins(0, 0, 0, 0);
    knobs_ = new LiveKnobs(right);
    budget_ = new BudgetPanel(right);
    reallocations_ = new ReallocationLog(right);
    column->addWidget(titled(tr("Live controls"), knobs_, right));
    column->addWidget(titled(tr("Budget"), budget_, right), 2);
    column->addWidget(titled(tr("Reallocations"), reallocations_, right), 3);

    page->addWidget(left);
    page->addWidget(right);
    page->setStretchFactor(0, 3);
    page->setStretchFactor(1, 2);
    return page;
}

}  // namespace l1ra::ui
