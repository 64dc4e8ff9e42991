#include "runs/projection_rank_chart.h"

#include "widgets/palette_colors.h"
#include "widgets/plot_style.h"
#include "widgets/projection_labels.h"

#include <qcustomplot.h>

#include <cmath>
#include <limits>

namespace l1ra::ui {

ProjectionRankChart::ProjectionRankChart(QWidget* parent) : QWidget(parent) {
    plot_ = addChartPlot(this, QStringLiteral("projectionRankPlot"));
    plot_->xAxis->setLabel(tr("step"));
    plot_->yAxis->setLabel(tr("mean rank per layer"));
    placeLegendAbove(plot_, kProjectionCount);
    for (int p = 0; p < kProjectionCount; ++p) {
        QCPGraph* graph = plot_->addGraph();
        graph->setName(shortProjectionName(p));
        graph->setLineStyle(QCPGraph::lsStepLeft);   // ranks change only at reallocations
        graphs_.push_back(graph);
    }
    cursor_ = new QCPItemStraightLine(plot_);
    cursor_->setVisible(false);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeDrag(Qt::Horizontal);
    plot_->axisRect()->setRangeZoom(Qt::Horizontal);
    applyPlotStyle(plot_);
    style();
}

ProjectionRankChart::~ProjectionRankChart() = default;

void ProjectionRankChart::style() {
    for (int p = 0; p < kProjectionCount; ++p) graphs_[std::size_t(p)]->setPen(QPen(projectionColor(p), 2));
    QColor cursor = palette().color(QPalette::WindowText);
    cursor.setAlphaF(0.6);
    cursor_->setPen(QPen(cursor, 1, Qt::DashLine));
}

double ProjectionRankChart::meanRank(const l1ra::RankSnapshot& s, int projection) {
    int total = 0, layers = 0;
    for (int layer = 0; layer < s.numLayers; ++layer) {
        const std::size_t i = rankCell(layer, projection);
        if (i >= s.ranks.size() || (i < s.targeted.size() && !s.targeted[i])) continue;
        total += s.ranks[i];
        ++layers;
    }
    return layers > 0 ? double(total) / layers : std::numeric_limits<double>::quiet_NaN();
}

void ProjectionRankChart::setSnapshots(const std::vector<l1ra::RankSnapshot>& snapshots) {
    snapshots_ = snapshots;
    double lowest = 0, highest = 1;
    for (int p = 0; p < kProjectionCount; ++p) {
        QVector<double> steps, means;
        for (const l1ra::RankSnapshot& s : snapshots_) {
            const double mean = meanRank(s, p);
            if (std::isnan(mean)) continue;
            steps << double(s.step);
            means << mean;
            highest = std::max(highest, mean);
        }
        QCPGraph* graph = graphs_[std::size_t(p)];
        graph->setData(steps, means, true);
        graph->setVisible(!steps.isEmpty());
        if (steps.isEmpty()) graph->removeFromLegend();
        else graph->addToLegend();
    }
    const double lastStep = snapshots_.empty() ? 1 : std::max<double>(1, double(snapshots_.back().step));
    plot_->xAxis->setRange(0, lastStep);
    plot_->yAxis->setRange(lowest, highest * 1.1 + 0.5);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ProjectionRankChart::setCursorStep(int64_t step) {
    cursor_->point1->setCoords(double(step), 0);
    cursor_->point2->setCoords(double(step), 1);
    cursor_->setVisible(!snapshots_.empty());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void ProjectionRankChart::clear() { setSnapshots({}); }

int ProjectionRankChart::lineCount() const {
    int n = 0;
    for (QCPGraph* graph : graphs_) n += graph->visible() ? 1 : 0;
    return n;
}

int ProjectionRankChart::pointCount(int projection) const {
    return projection >= 0 && projection < kProjectionCount ? graphs_[std::size_t(projection)]->dataCount() : 0;
}

double ProjectionRankChart::meanRank(int projection, int index) const {
    if (index < 0 || index >= int(snapshots_.size())) return std::numeric_limits<double>::quiet_NaN();
    return meanRank(snapshots_[std::size_t(index)], projection);
}

double ProjectionRankChart::cursorStep() const { return cursor_->point1->key(); }

void ProjectionRankChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        applyPlotStyle(plot_);
        style();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
