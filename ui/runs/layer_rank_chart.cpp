#include "runs/layer_rank_chart.h"

#include "widgets/palette_colors.h"
#include "widgets/plot_style.h"
#include "widgets/projection_labels.h"

#include <qcustomplot.h>

namespace l1ra::ui {

LayerRankChart::LayerRankChart(QWidget* parent) : QWidget(parent) {
    plot_ = addChartPlot(this, QStringLiteral("layerRankPlot"));
    plot_->xAxis->setLabel(tr("layer"));
    plot_->yAxis->setLabel(tr("total rank"));
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->grid()->setVisible(false);
    plot_->xAxis->setSubTicks(false);
    placeLegendAbove(plot_, 8);

    QCPBars* below = nullptr;
    for (int p = 0; p < kProjectionCount; ++p) {
        auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
        bars->setName(shortProjectionName(p));
        bars->setWidth(0.7);
        if (below) bars->moveAbove(below);
        below = bars;
        stack_.push_back(bars);
    }
    start_ = plot_->addGraph();
    start_->setName(tr("start"));
    start_->setLineStyle(QCPGraph::lsStepCenter);
    applyPlotStyle(plot_);
    style();
}

LayerRankChart::~LayerRankChart() = default;

void LayerRankChart::style() {
    for (int p = 0; p < kProjectionCount; ++p) {
        const QColor color = projectionColor(p);
        stack_[std::size_t(p)]->setBrush(color);
        stack_[std::size_t(p)]->setPen(QPen(color.darker(140), 0.5));
    }
    QColor outline = palette().color(QPalette::WindowText);
    outline.setAlphaF(0.7);
    start_->setPen(QPen(outline, 1.5, Qt::DashLine));
}

void LayerRankChart::setSnapshot(const l1ra::RankSnapshot& s) {
    step_ = s.step;
    totals_.assign(std::size_t(std::max(0, s.numLayers)), 0);
    QVector<double> layers, starts;
    std::vector<QVector<double>> values(kProjectionCount);
    for (int layer = 0; layer < s.numLayers; ++layer) {
        int adapters = 0;
        layers << layer;
        for (int p = 0; p < kProjectionCount; ++p) {
            const std::size_t i = rankCell(layer, p);
            const bool adapted = i < s.ranks.size() && (i >= s.targeted.size() || s.targeted[i]);
            const int rank = adapted ? s.ranks[i] : 0;
            values[std::size_t(p)] << rank;
            totals_[std::size_t(layer)] += rank;
            adapters += adapted ? 1 : 0;
        }
        starts << double(adapters * s.initialRank);
    }
    int highest = 1;
    for (int total : totals_) highest = std::max(highest, total);
    for (double start : starts) highest = std::max(highest, int(start));
    for (int p = 0; p < kProjectionCount; ++p) stack_[std::size_t(p)]->setData(layers, values[std::size_t(p)], true);
    start_->setData(layers, starts, true);
    plot_->xAxis->setRange(-0.6, std::max(1, s.numLayers) - 0.4);
    plot_->yAxis->setRange(0, highest * 1.15);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void LayerRankChart::clear() {
    totals_.clear();
    step_ = 0;
    for (QCPBars* bars : stack_) bars->data()->clear();
    start_->data()->clear();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

int LayerRankChart::layerTotal(int layer) const {
    return layer >= 0 && layer < layerCount() ? totals_[std::size_t(layer)] : 0;
}

void LayerRankChart::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        applyPlotStyle(plot_);
        style();
        plot_->replot(QCustomPlot::rpQueuedReplot);
    }
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
