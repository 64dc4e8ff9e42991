#include "runs/run_view.h"

#include "widgets/budget_panel.h"
#include "widgets/count_text.h"
#include "runs/layer_rank_chart.h"
#include "widgets/metrics_curves.h"
#include "runs/projection_rank_chart.h"
#include "widgets/rank_heatmap.h"
#include "runs/rank_timeline.h"
#include "widgets/reallocation_log.h"

#include "l1ra/run_config.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace l1ra::ui {

RunView::RunView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    header_ = new QLabel(this);
    header_->setObjectName(QStringLiteral("runViewHeader"));
    header_->setWordWrap(true);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(header_);
    timeline_ = new RankTimeline(this);
    layout->addWidget(timeline_);

    auto* split = new QSplitter(Qt::Vertical, this);
    auto* ranks = new QSplitter(Qt::Horizontal, split);
    heatmap_ = new RankHeatmap(ranks);
    budget_ = new BudgetPanel(ranks);
    ranks->addWidget(heatmap_);
    ranks->addWidget(budget_);
    ranks->setStretchFactor(0, 3);
    ranks->setStretchFactor(1, 2);

    tabs_ = new QTabWidget(split);
    tabs_->setDocumentMode(true);
    curves_ = new MetricsCurves(tabs_);
    projectionChart_ = new ProjectionRankChart(tabs_);
    layerChart_ = new LayerRankChart(tabs_);
    reallocations_ = new ReallocationLog(tabs_);
    config_ = new QPlainTextEdit(tabs_);
    config_->setObjectName(QStringLiteral("runConfigView"));
    config_->setReadOnly(true);
    config_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    config_->setLineWrapMode(QPlainTextEdit::NoWrap);
    tabs_->addTab(curves_, tr("Curves"));
    tabs_->addTab(projectionChart_, tr("Rank per projection"));
    tabs_->addTab(layerChart_, tr("Rank per layer"));
    tabs_->addTab(reallocations_, tr("Reallocations"));
    tabs_->addTab(config_, tr("Config"));
    split->addWidget(ranks);
    split->addWidget(tabs_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(timeline_, &RankTimeline::positionChanged, this, &RunView::showSnapshot);
    connect(reallocations_, &ReallocationLog::reallocationActivated, this,
            [this](qint64 step) { timeline_->setPosition(timeline_->indexForStep(step)); });
    clear();
}

QString RunView::describeRecord(const l1ra::RunRecord& r) {
    QStringList parts;
    parts << QString::fromLatin1(l1ra::methodName(r.config.method)).toUpper();
    if (r.hasSummary) {
        parts << QString::fromStdString(l1ra::runStateName(r.summary.state));
        parts << tr("%1 / %2 steps").arg(r.summary.steps).arg(r.config.train.steps);
        if (r.summary.finalValLoss > 0) parts << tr("val loss %1").arg(r.summary.finalValLoss, 0, 'f', 4);
    } else {
        parts << tr("no summary (running or interrupted)");
        parts << tr("%1 / %2 steps").arg(r.steps.empty() ? 0 : r.steps.back().step).arg(r.config.train.steps);
    }
    parts << countText(qint64(r.snapshots.size()), tr("snapshot"), tr("snapshots"));
    parts << countText(qint64(r.reallocations.size()), tr("reallocation"), tr("reallocations"));
    return parts.join(QStringLiteral(" \u00b7 "));
}

void RunView::setRecord(l1ra::RunRecord record, const QString& title) {
    record_ = std::move(record);
    hasRecord_ = true;
    title_ = title.isEmpty() ? QString::fromStdString(record_.config.name.empty() ? record_.dir : record_.config.name) : title;
    header_->setText(QStringLiteral("<b>%1</b> &nbsp; %2<br><span style='font-size:small'>%3</span>")
                         .arg(title_.toHtmlEscaped(), describeRecord(record_).toHtmlEscaped(),
                              QString::fromStdString(record_.dir).toHtmlEscaped()));
    curves_->setRecord(record_);
    reallocations_->setInterval(l1ra::effectiveUpdateInterval(record_.config));
    reallocations_->setReallocations(record_.reallocations);
    projectionChart_->setSnapshots(record_.snapshots);
    config_->setPlainText(configText());
    heatmap_->clear();
    budget_->clear();
    layerChart_->clear();
    if (!record_.snapshots.empty()) heatmap_->setBaseline(record_.snapshots.front());
    std::vector<int64_t> steps;
    steps.reserve(record_.snapshots.size());
    for (const l1ra::RankSnapshot& s : record_.snapshots) steps.push_back(s.step);
    timeline_->setSteps(std::move(steps));   // shows the last snapshot
}

void RunView::clear() {
    record_ = {};
    hasRecord_ = false;
    title_.clear();
    header_->setText(tr("No run open. Double-click a run in the list, or use File \u25b8 Open run\u2026"));
    curves_->clear();
    reallocations_->clear();
    projectionChart_->clear();
    layerChart_->clear();
    heatmap_->clear();
    budget_->clear();
    config_->clear();
    timeline_->setSteps({});
}

QString RunView::configText() const {
    if (!hasRecord_) return {};
    return QString::fromStdString(l1ra::runConfigToJson(record_.config)) + QStringLiteral("\n\n# reproduce from the command line:\n") +
           QString::fromStdString(l1ra::trainCommandLine(record_.config, record_.dir)) + QLatin1Char('\n');
}

void RunView::showSnapshot(int index) {
    if (index < 0 || index >= snapshotCount()) return;
    const l1ra::RankSnapshot& s = record_.snapshots[std::size_t(index)];
    heatmap_->setSnapshot(s);
    budget_->setSnapshot(s);
    layerChart_->setSnapshot(s);
    projectionChart_->setCursorStep(s.step);
    // Scrubbing onto a reallocation outlines what it moved, as it did live.
    const auto realloc = std::find_if(record_.reallocations.begin(), record_.reallocations.end(),
                                      [&](const l1ra::ReallocationEvent& e) { return e.step == s.step; });
    if (realloc != record_.reallocations.end() && index > 0) heatmap_->highlightReallocation(*realloc);
    else heatmap_->clearHighlights();
}

int RunView::snapshotIndex() const { return timeline_->position(); }

}  // namespace l1ra::ui
