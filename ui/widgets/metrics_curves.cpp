#include "widgets/metrics_curves.h"

#include "widgets/palette_colors.h"
#include "widgets/plot_style.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QTabBar>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace l1ra::ui {

namespace {

constexpr int kMetricCount = 5;
constexpr double kSmoothing = 0.9;   // EMA weight of the smoothed loss
constexpr double kMiB = 1024.0 * 1024.0;
const QString kHoverLayer = QStringLiteral("hover");
const QString kMarkerLayer = QStringLiteral("markers");

// The data point nearest to `key`, or end() when the graph is empty.
QCPGraphDataContainer::const_iterator nearestPoint(const QCPGraph* graph, double key) {
    const auto data = graph->data();
    auto begin = data->constBegin(), end = data->constEnd();
    if (begin == end) return end;
    auto it = std::lower_bound(begin, end, key, [](const QCPGraphData& d, double k) { return d.key < k; });
    if (it == end) return end - 1;
    if (it != begin && key - (it - 1)->key < it->key - key) return it - 1;
    return it;
}

// The last point at or before `key`, or end().
QCPGraphDataContainer::const_iterator pointAtOrBefore(const QCPGraph* graph, double key) {
    const auto data = graph->data();
    auto begin = data->constBegin(), end = data->constEnd();
    auto it = std::upper_bound(begin, end, key, [](double k, const QCPGraphData& d) { return k < d.key; });
    return it == begin ? end : it - 1;
}

QString metricValueText(MetricsCurves::Metric metric, double value) {
    switch (metric) {
        case MetricsCurves::Metric::LearningRate: return QString::number(value, 'g', 3);
        case MetricsCurves::Metric::TokensPerSecond: return QString::number(value, 'f', 0);
        case MetricsCurves::Metric::Memory: return QStringLiteral("%1 MiB").arg(value, 0, 'f', 0);
        case MetricsCurves::Metric::GradNorm: return QString::number(value, 'g', 4);
        case MetricsCurves::Metric::Lambda: return QString::number(value, 'g', 3);
    }
    return QString::number(value);
}

void padValueRange(QCPAxis* axis) {
    const QCPRange range = axis->range();
    const double pad = range.size() > 0 ? range.size() * 0.06 : std::max(1e-12, std::abs(range.center()) * 0.05);
    axis->setRange(range.lower - pad, range.upper + pad);
}

}  // namespace

QString MetricsCurves::metricName(Metric metric) {
    switch (metric) {
        case Metric::LearningRate: return tr("Learning rate");
        case Metric::TokensPerSecond: return tr("Tokens/s");
        case Metric::Memory: return tr("Memory");
        case Metric::GradNorm: return tr("Grad norm");
        case Metric::Lambda: return tr("\u03bb");
    }
    return {};
}

QString MetricsCurves::markerLabelFor(const l1ra::ControlEvent& control) {
    switch (control.kind) {
    case l1ra::ControlKind::Lambda: return tr("\u03bb = %1").arg(control.value, 0, 'g', 3);
    case l1ra::ControlKind::Budget: return tr("budget = %1").arg(qint64(std::llround(control.value)));
    default: return {};
    }
}

MetricsCurves::MetricsCurves(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);

    layout->addLayout(buildHeader());

    plot_ = new QCustomPlot(this);
    plot_->setObjectName(QStringLiteral("curvesPlot"));
    plot_->setMinimumSize(300, 220);
    plot_->setMouseTracking(true);
    plot_->setAutoAddPlottableToLegend(false);
    layout->addWidget(plot_, 1);

    setUpAxisRects();

    addGraphs();

    setUpHover();
    plot_->installEventFilter(this);

    replotTimer_ = new QTimer(this);
    replotTimer_->setSingleShot(true);
    replotTimer_->setInterval(100);
    connect(replotTimer_, &QTimer::timeout, this, &MetricsCurves::replotNow);

    applyPlotStyle(plot_);
    styleGraphs();
    setMetric(metric_);
}

// The metric tabs and the navigation hint.
QHBoxLayout* MetricsCurves::buildHeader() {
    auto* header = new QHBoxLayout;
    metricTabs_ = new QTabBar(this);
    metricTabs_->setObjectName(QStringLiteral("metricTabs"));
    metricTabs_->setDocumentMode(true);
    metricTabs_->setExpanding(false);
    metricTabs_->setDrawBase(false);
    for (int m = 0; m < kMetricCount; ++m) metricTabs_->addTab(metricName(Metric(m)));
    metricTabs_->setToolTip(tr("Metric shown under the loss"));
    connect(metricTabs_, &QTabBar::currentChanged, this, [this](int index) { setMetric(Metric(index)); });
    header->addWidget(metricTabs_);
    header->addStretch(1);
    auto* hint = new QLabel(tr("drag to pan \u00b7 wheel to zoom \u00b7 double-click to fit"), this);
    hint->setObjectName(QStringLiteral("curvesHint"));
    header->addWidget(hint);
    return header;
}

void MetricsCurves::setUpAxisRects() {
    // Two axis rects share the step axis: loss above (always), the chosen metric below.
    plot_->plotLayout()->clear();
    lossRect_ = new QCPAxisRect(plot_);
    metricRect_ = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(0, 0, lossRect_);
    plot_->plotLayout()->addElement(1, 0, metricRect_);
    plot_->plotLayout()->setRowStretchFactors({3, 2});
    plot_->plotLayout()->setRowSpacing(0);
    auto* margins = new QCPMarginGroup(plot_);
    for (QCPAxisRect* rect : {lossRect_, metricRect_}) {
        // New rects land on the current layer ("main"); their opaque background belongs below the markers.
        rect->setLayer(QStringLiteral("background"));
        for (QCPAxis* axis : rect->axes()) {
            axis->setLayer(QStringLiteral("axes"));
            axis->grid()->setLayer(QStringLiteral("grid"));
        }
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
        rect->setRangeDrag(Qt::Horizontal | Qt::Vertical);
        rect->setRangeZoom(Qt::Horizontal);
        rect->axis(QCPAxis::atLeft)->ticker()->setTickCount(4);
    }
    lossRect_->axis(QCPAxis::atBottom)->setTickLabels(false);
    lossRect_->axis(QCPAxis::atLeft)->setLabel(tr("loss"));
    metricRect_->axis(QCPAxis::atBottom)->setLabel(tr("step"));
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);

    plot_->addLayer(kMarkerLayer, plot_->layer(QStringLiteral("grid")), QCustomPlot::limAbove);
    plot_->addLayer(kHoverLayer, plot_->layer(QStringLiteral("overlay")), QCustomPlot::limAbove);
    plot_->layer(kHoverLayer)->setMode(QCPLayer::lmBuffered);   // hover redraws only this layer
}

// The loss graphs with their legend, one graph per metric, and the two rects' shared step axis.
void MetricsCurves::addGraphs() {
    QCPAxis* lossX = lossRect_->axis(QCPAxis::atBottom);
    QCPAxis* lossY = lossRect_->axis(QCPAxis::atLeft);
    QCPAxis* metricX = metricRect_->axis(QCPAxis::atBottom);
    QCPAxis* metricY = metricRect_->axis(QCPAxis::atLeft);
    loss_ = plot_->addGraph(lossX, lossY);
    loss_->setName(tr("train"));
    smoothedLoss_ = plot_->addGraph(lossX, lossY);
    smoothedLoss_->setName(tr("train (smoothed)"));
    valLoss_ = plot_->addGraph(lossX, lossY);
    valLoss_->setName(tr("validation"));
    for (int m = 0; m < kMetricCount; ++m) {
        QCPGraph* graph = plot_->addGraph(metricX, metricY);
        graph->setName(metricName(Metric(m)));
        graph->setVisible(Metric(m) == metric_);
        metricGraphs_.push_back(graph);
    }

    auto* legend = new QCPLegend;
    lossRect_->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer(QStringLiteral("legend"));
    plot_->legend = legend;
    for (QCPGraph* graph : {loss_, smoothedLoss_, valLoss_}) graph->addToLegend(legend);

    // Panning one rect pans the other: one step axis.
    auto sync = [this](QCPAxis* other) {
        return [this, other](const QCPRange& range) {
            if (syncingRanges_) return;
            syncingRanges_ = true;
            other->setRange(range);
            syncingRanges_ = false;
        };
    };
    connect(lossX, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, sync(metricX));
    connect(metricX, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, sync(lossX));
    // Any zoom or pan by the user stops the view from following new points.
    connect(plot_, &QCustomPlot::mousePress, this, [this](QMouseEvent*) { follow_ = false; });
    connect(plot_, &QCustomPlot::mouseWheel, this, [this](QWheelEvent*) { follow_ = false; });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this](QMouseEvent*) { resetView(); });
}

// The point and value under the mouse.
void MetricsCurves::setUpHover() {
    tracer_ = new QCPItemTracer(plot_);
    tracer_->setLayer(kHoverLayer);
    tracer_->setStyle(QCPItemTracer::tsCircle);
    tracer_->setSize(7);
    tracer_->setVisible(false);
    hoverLabel_ = new QCPItemText(plot_);
    hoverLabel_->setLayer(kHoverLayer);
    hoverLabel_->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    hoverLabel_->setTextAlignment(Qt::AlignLeft);
    hoverLabel_->setPadding(QMargins(6, 4, 6, 4));
    hoverLabel_->setVisible(false);
}

MetricsCurves::~MetricsCurves() = default;

void MetricsCurves::styleGraphs() {
    const QPalette pal = palette();
    const bool dark = isDarkPalette(pal);
    const QColor lossColor = dark ? QColor(0x64, 0xb5, 0xf6) : QColor(0x15, 0x65, 0xc0);
    QColor raw = lossColor;
    raw.setAlphaF(0.35);
    loss_->setPen(QPen(raw, 1));
    smoothedLoss_->setPen(QPen(lossColor, 2));
    const QColor valColor = dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xe6, 0x51, 0x00);
    valLoss_->setPen(QPen(valColor, 2));
    valLoss_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, valColor, pal.color(QPalette::Base), 6));
    const QColor metricColor = dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32);
    for (QCPGraph* graph : metricGraphs_) graph->setPen(QPen(metricColor, 1.5));
    tracer_->setPen(QPen(pal.color(QPalette::WindowText), 1.5));
    tracer_->setBrush(pal.brush(QPalette::Base));
    QColor box = pal.color(QPalette::ToolTipBase);
    box.setAlphaF(0.92);
    hoverLabel_->setBrush(box);
    hoverLabel_->setColor(pal.color(QPalette::ToolTipText));
    hoverLabel_->setPen(QPen(mutedTextColor(pal)));
    for (const Marker& marker : markers_) {
        for (QCPAbstractItem* item : marker.items) {
            if (auto* line = qobject_cast<QCPItemStraightLine*>(item)) line->setPen(QPen(warningColor(pal), 1, Qt::DashLine));
            if (auto* text = qobject_cast<QCPItemText*>(item)) text->setColor(warningColor(pal));
        }
    }
    if (auto* label = findChild<QLabel*>(QStringLiteral("curvesHint"))) {
        QPalette hintPalette = label->palette();
        hintPalette.setColor(QPalette::WindowText, mutedTextColor(pal));
        label->setPalette(hintPalette);
    }
}

QCPGraph* MetricsCurves::metricGraph(Metric metric) const { return metricGraphs_[std::size_t(metric)]; }

double MetricsCurves::metricValue(const l1ra::StepEvent& step, Metric metric) const {
    switch (metric) {
        case Metric::LearningRate: return step.lr;
        case Metric::TokensPerSecond: return step.tokensPerSecond;
        case Metric::Memory: return double(step.memoryBytes) / kMiB;
        case Metric::GradNorm: return step.gradNorm;
        case Metric::Lambda: return step.lambda;
    }
    return 0;
}

void MetricsCurves::appendStep(const l1ra::StepEvent& step) {
    const double key = double(step.step);
    loss_->addData(key, step.loss);
    smoothingWeight_ *= kSmoothing;
    smoothed_ = kSmoothing * smoothed_ + (1 - kSmoothing) * step.loss;
    smoothedLoss_->addData(key, smoothed_ / (1 - smoothingWeight_));   // bias-corrected like Adam's moments
    for (int m = 0; m < kMetricCount; ++m) metricGraphs_[std::size_t(m)]->addData(key, metricValue(step, Metric(m)));
}

void MetricsCurves::addStep(const l1ra::StepEvent& step) {
    appendStep(step);
    scheduleReplot();
}

void MetricsCurves::addEval(const l1ra::EvalEvent& eval) {
    valLoss_->addData(double(eval.step), eval.loss);
    scheduleReplot();
}

void MetricsCurves::addMarker(qint64 step, const QString& label) { addMarkerItems(step, label, warningColor(palette())); }

void MetricsCurves::addDivergence(const l1ra::DivergenceEvent& divergence) {
    divergences_.push_back(divergence);
    addMarkerItems(divergence.step, divergenceLabel(divergence), errorColor(palette()));
}

QString MetricsCurves::divergenceLabel(const l1ra::DivergenceEvent& divergence) {
    return divergence.action == "skip" ? tr("NaN: skipped") : tr("NaN: stopped");
}

QString MetricsCurves::describeDivergence(const l1ra::DivergenceEvent& d) {
    const QString what = d.tensor == "loss" ? tr("the loss") : tr("the gradient of %1").arg(QString::fromStdString(d.tensor));
    const QString action = d.action == "skip" ? tr("skipped, learning rate \u00d7 %1 from here").arg(d.lrScale) : tr("the run stopped");
    return tr("step %1: %2 was not finite; %3").arg(d.step).arg(what, action);
}

void MetricsCurves::addMarkerItems(qint64 step, const QString& label, const QColor& color) {
    Marker marker{step, label, {}};
    for (QCPAxisRect* rect : {lossRect_, metricRect_}) {
        auto* line = new QCPItemStraightLine(plot_);
        line->setLayer(kMarkerLayer);
        line->setClipAxisRect(rect);
        for (QCPItemPosition* point : {line->point1, line->point2}) {
            point->setAxes(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            point->setAxisRect(rect);
        }
        line->point1->setCoords(double(step), 0);
        line->point2->setCoords(double(step), 1);
        line->setPen(QPen(color, 1, Qt::DashLine));
        marker.items.push_back(line);
    }
    auto* text = new QCPItemText(plot_);
    text->setLayer(kMarkerLayer);
    text->setClipAxisRect(lossRect_);
    text->position->setAxes(lossRect_->axis(QCPAxis::atBottom), lossRect_->axis(QCPAxis::atLeft));
    text->position->setAxisRect(lossRect_);
    text->position->setTypeX(QCPItemPosition::ptPlotCoords);
    text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    // Stagger consecutive labels so changes made in quick succession stay readable.
    text->position->setCoords(double(step), 0.02 + 0.08 * double(markers_.size() % 3));
    text->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    text->setPadding(QMargins(4, 0, 0, 0));
    text->setText(label);
    text->setColor(color);
    marker.items.push_back(text);
    markers_.push_back(std::move(marker));
    scheduleReplot();
}

void MetricsCurves::setRecord(const l1ra::RunRecord& record) {
    clear();
    for (const l1ra::StepEvent& step : record.steps) appendStep(step);
    for (const l1ra::EvalEvent& eval : record.evals) valLoss_->addData(double(eval.step), eval.loss);
    for (const l1ra::ControlEvent& control : record.controls) {
        const QString label = markerLabelFor(control);
        if (!label.isEmpty()) addMarker(control.step, label);
    }
    for (const l1ra::DivergenceEvent& divergence : record.divergences) addDivergence(divergence);
    resetView();
}

void MetricsCurves::clear() {
    for (QCPGraph* graph : {loss_, smoothedLoss_, valLoss_}) graph->data()->clear();
    for (QCPGraph* graph : metricGraphs_) graph->data()->clear();
    for (Marker& marker : markers_)
        for (QCPAbstractItem* item : marker.items) plot_->removeItem(item);
    markers_.clear();
    divergences_.clear();
    smoothed_ = 0;
    smoothingWeight_ = 1;
    hideHover();
    resetView();
}

void MetricsCurves::setMetric(Metric metric) {
    metric_ = metric;
    if (metricTabs_->currentIndex() != int(metric)) metricTabs_->setCurrentIndex(int(metric));
    for (int m = 0; m < kMetricCount; ++m) metricGraphs_[std::size_t(m)]->setVisible(Metric(m) == metric);
    static const char* const units[] = {"learning rate", "tokens/s", "memory (MiB)", "grad norm", "\u03bb"};
    metricRect_->axis(QCPAxis::atLeft)->setLabel(tr(units[int(metric)]));
    // Learning rate and λ span decades: print them as powers of ten.
    const bool scientific = metric == Metric::LearningRate || metric == Metric::Lambda;
    metricRect_->axis(QCPAxis::atLeft)->setNumberFormat(scientific ? QStringLiteral("gb") : QStringLiteral("g"));
    metricRect_->axis(QCPAxis::atLeft)->setNumberPrecision(scientific ? 2 : 6);
    // The chosen metric gets its own fitted value range even when the user has panned the steps.
    metricGraph(metric)->rescaleValueAxis(false, true);
    padValueRange(metricRect_->axis(QCPAxis::atLeft));
    hideHover();
    scheduleReplot();
}

void MetricsCurves::resetView() {
    follow_ = true;
    scheduleReplot();
}

void MetricsCurves::setReplotInterval(int milliseconds) { replotTimer_->setInterval(std::max(0, milliseconds)); }

int MetricsCurves::replotInterval() const { return replotTimer_->interval(); }

int MetricsCurves::lossPointCount() const { return loss_->dataCount(); }

int MetricsCurves::valLossPointCount() const { return valLoss_->dataCount(); }

int MetricsCurves::metricPointCount(Metric metric) const { return metricGraph(metric)->dataCount(); }

QString MetricsCurves::markerLabel(int index) const {
    return index >= 0 && index < markerCount() ? markers_[std::size_t(index)].label : QString();
}

void MetricsCurves::scheduleReplot() {
    if (!replotTimer_->isActive()) replotTimer_->start();
}

void MetricsCurves::fitView() {
    bool any = false;
    QCPRange keys;
    for (QCPGraph* graph : {loss_, valLoss_}) {
        bool found = false;
        const QCPRange range = graph->getKeyRange(found);
        if (!found) continue;
        keys = any ? QCPRange(std::min(keys.lower, range.lower), std::max(keys.upper, range.upper)) : range;
        any = true;
    }
    if (!any) keys = QCPRange(0, 10);
    if (keys.size() <= 0) keys = QCPRange(keys.lower - 1, keys.upper + 1);
    lossRect_->axis(QCPAxis::atBottom)->setRange(keys);   // the metric rect follows through the range sync

    bool first = true;
    for (QCPGraph* graph : {loss_, smoothedLoss_, valLoss_}) {
        if (graph->dataCount() == 0) continue;
        graph->rescaleValueAxis(!first, true);
        first = false;
    }
    if (!first) padValueRange(lossRect_->axis(QCPAxis::atLeft));
    if (metricGraph(metric_)->dataCount() > 0) {
        metricGraph(metric_)->rescaleValueAxis(false, true);
        padValueRange(metricRect_->axis(QCPAxis::atLeft));
    }
}

void MetricsCurves::replotNow() {
    if (follow_) fitView();
    plot_->replot(QCustomPlot::rpRefreshHint);
}

QString MetricsCurves::describeStep(double step) const {
    QStringList lines;
    const auto end = loss_->data()->constEnd();
    const auto point = nearestPoint(loss_, step);
    double at = step;
    if (point != end) {
        at = point->key;
        lines << tr("step %1").arg(qint64(std::llround(at)));
        QString lossLine = tr("loss %1").arg(point->value, 0, 'f', 4);
        const auto smooth = nearestPoint(smoothedLoss_, at);
        if (smooth != smoothedLoss_->data()->constEnd()) lossLine += tr("  (smoothed %1)").arg(smooth->value, 0, 'f', 4);
        lines << lossLine;
    }
    const auto val = pointAtOrBefore(valLoss_, at);
    if (val != valLoss_->data()->constEnd())
        lines << tr("val loss %1 at step %2").arg(val->value, 0, 'f', 4).arg(qint64(std::llround(val->key)));
    const QCPGraph* metric = metricGraph(metric_);
    const auto m = nearestPoint(metric, at);
    if (m != metric->data()->constEnd()) lines << tr("%1 %2").arg(metricName(metric_), metricValueText(metric_, m->value));
    // A skipped step has no point of its own: its neighbours' hover names it.
    for (const l1ra::DivergenceEvent& d : divergences_)
        if (std::abs(double(d.step) - step) <= 1.0 || std::abs(double(d.step) - at) <= 1.0) lines << describeDivergence(d);
    return lines.join(QLatin1Char('\n'));
}

void MetricsCurves::showHover(const QPoint& position) {
    QCPAxisRect* rect = lossRect_->rect().contains(position) ? lossRect_ : metricRect_->rect().contains(position) ? metricRect_ : nullptr;
    QCPGraph* graph = rect == lossRect_ ? smoothedLoss_ : rect == metricRect_ ? metricGraph(metric_) : nullptr;
    if (!graph || graph->dataCount() == 0) {
        hideHover();
        return;
    }
    const double key = rect->axis(QCPAxis::atBottom)->pixelToCoord(position.x());
    const auto point = nearestPoint(graph, key);
    tracer_->setClipAxisRect(rect);
    tracer_->setGraph(graph);
    tracer_->setGraphKey(point->key);
    tracer_->setVisible(true);
    // The box sits beside the pointer, on the side with more room, and may overflow into the other rect.
    hoverLabel_->setClipToAxisRect(false);
    hoverLabel_->position->setType(QCPItemPosition::ptAbsolute);
    const QRect area = plot_->viewport();
    const bool leftOfPointer = position.x() > area.center().x();
    const bool abovePointer = position.y() > area.center().y();
    hoverLabel_->position->setCoords(position.x() + (leftOfPointer ? -14 : 14), position.y() + (abovePointer ? -14 : 14));
    hoverLabel_->setPositionAlignment((leftOfPointer ? Qt::AlignRight : Qt::AlignLeft) | (abovePointer ? Qt::AlignBottom : Qt::AlignTop));
    hoverLabel_->setText(describeStep(point->key));
    hoverLabel_->setVisible(true);
    plot_->layer(kHoverLayer)->replot();
}

void MetricsCurves::hideHover() {
    if (!tracer_->visible() && !hoverLabel_->visible()) return;
    tracer_->setVisible(false);
    hoverLabel_->setVisible(false);
    plot_->layer(kHoverLayer)->replot();
}

bool MetricsCurves::saveImage(const QString& path, int width, int height) {
    hideHover();
    if (follow_) fitView();
    plot_->replot(QCustomPlot::rpImmediateRefresh);
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png")) return plot_->savePng(path, width, height);
    if (suffix == QLatin1String("pdf")) return plot_->savePdf(path, width, height);
    return false;
}

bool MetricsCurves::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_) {
        if (event->type() == QEvent::MouseMove) {
            auto* mouse = static_cast<QMouseEvent*>(event);
            if (mouse->buttons() == Qt::NoButton) showHover(mouse->position().toPoint());
            else hideHover();
        } else if (event->type() == QEvent::Leave) {
            hideHover();
        }
    }
    return QWidget::eventFilter(watched, event);
}

void MetricsCurves::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        applyPlotStyle(plot_);
        styleGraphs();
        scheduleReplot();
    }
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
