#include "widgets/rank_heatmap.h"

#include "widgets/heatmap_cell_layer.h"
#include "widgets/palette_colors.h"
#include "widgets/plot_style.h"

#include "l1ra/run_config.h"

#include <QButtonGroup>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QVariantAnimation>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace l1ra::ui {

namespace {

constexpr int kDefaultHighlightMs = 1500;

QString shortProjectionName(int projection) {
    QString name = QString::fromStdString(l1ra::projectionNames()[std::size_t(projection)]);
    return name.endsWith(QLatin1String("_proj")) ? name.left(name.size() - 5) : name;
}

// Perceptually ordered, dark to bright (viridis stops), so more rank reads as "more" on any theme.
QCPColorGradient sequentialGradient() {
    QCPColorGradient g;
    g.setColorStops({{0.0, QColor(0x44, 0x01, 0x54)},
                     {0.25, QColor(0x3b, 0x52, 0x8b)},
                     {0.5, QColor(0x21, 0x91, 0x8c)},
                     {0.75, QColor(0x5e, 0xc9, 0x62)},
                     {1.0, QColor(0xfd, 0xe7, 0x25)}});
    return g;
}

// Blue for rank lost, red for rank gained, light grey for unchanged.
QCPColorGradient divergingGradient() {
    QCPColorGradient g;
    g.setColorStops({{0.0, QColor(0x21, 0x66, 0xac)},
                     {0.25, QColor(0x67, 0xa9, 0xcf)},
                     {0.5, QColor(0xf2, 0xf2, 0xf2)},
                     {0.75, QColor(0xef, 0x8a, 0x62)},
                     {1.0, QColor(0xb2, 0x18, 0x2b)}});
    return g;
}

QString signedNumber(int value) {
    if (value > 0) return QStringLiteral("+%1").arg(value);
    if (value < 0) return QStringLiteral("\u2212%1").arg(-value);
    return QStringLiteral("0");
}

}  // namespace

RankHeatmap::RankHeatmap(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(4);

    layout->addLayout(buildHeader());

    plot_ = new QCustomPlot(this);
    plot_->setObjectName(QStringLiteral("heatmapPlot"));
    plot_->setMinimumSize(260, 160);
    layout->addWidget(plot_, 1);

    setUpAxes();
    setUpColorMap();
    setUpZoom();
    setUpHighlightFade();
    applyPlotStyle(plot_);
    applyColors();
    rebuild();
}

// Mode buttons on the left, the summary on the right.
QHBoxLayout* RankHeatmap::buildHeader() {
    auto* header = new QHBoxLayout;
    header->setSpacing(2);
    modeButtons_ = new QButtonGroup(this);
    modeButtons_->setExclusive(true);
    const struct {
        Mode mode;
        const char* text;
        const char* tip;
    } modes[] = {
        {Mode::Rank, QT_TR_NOOP("Rank"), QT_TR_NOOP("Current rank of every adapter")},
        {Mode::GateMass, QT_TR_NOOP("Gate mass"), QT_TR_NOOP("Sum of the adapter's gates (how much of its rank is in use)")},
        {Mode::ChangeSinceStart, QT_TR_NOOP("Change since start"), QT_TR_NOOP("Rank gained (red) or lost (blue) since the run started")},
    };
    for (const auto& m : modes) {
        auto* button = new QToolButton(this);
        button->setText(tr(m.text));
        button->setToolTip(tr(m.tip));
        button->setCheckable(true);
        button->setChecked(m.mode == mode_);
        button->setAutoRaise(true);
        button->setObjectName(QStringLiteral("heatmapMode%1").arg(int(m.mode)));
        modeButtons_->addButton(button, int(m.mode));
        header->addWidget(button);
    }
    connect(modeButtons_, &QButtonGroup::idClicked, this, [this](int id) { setMode(Mode(id)); });
    header->addStretch(1);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("heatmapSummary"));
    summary_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    summary_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);   // may be cut in a narrow dock
    header->addWidget(summary_);
    return header;
}

void RankHeatmap::setUpAxes() {
    // Projections along the top axis, read like a table header; layer 0 at the top.
    plot_->xAxis->setVisible(false);
    plot_->xAxis2->setVisible(true);
    QSharedPointer<QCPAxisTickerText> projectionTicker(new QCPAxisTickerText);
    for (int p = 0; p < kProjectionCount; ++p) projectionTicker->addTick(p, shortProjectionName(p));
    plot_->xAxis2->setTicker(projectionTicker);
    plot_->xAxis2->setRange(-0.5, kProjectionCount - 0.5);
    plot_->xAxis2->grid()->setVisible(false);
    plot_->xAxis2->setSubTicks(false);
    plot_->xAxis2->setTickLength(0, 0);
    plot_->yAxis->setRangeReversed(true);
    plot_->yAxis->setLabel(tr("layer"));
    QSharedPointer<QCPAxisTickerFixed> layerTicker(new QCPAxisTickerFixed);
    layerTicker->setTickStep(1);
    layerTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    plot_->yAxis->setTicker(layerTicker);
    plot_->yAxis->grid()->setVisible(false);
    plot_->yAxis->setSubTicks(false);
}

void RankHeatmap::setUpColorMap() {
    map_ = new QCPColorMap(plot_->xAxis2, plot_->yAxis);
    map_->setInterpolate(false);
    map_->setTightBoundary(false);
    scale_ = new QCPColorScale(plot_);
    scale_->setType(QCPAxis::atRight);
    scale_->setBarWidth(10);
    scale_->setRangeDrag(false);
    scale_->setRangeZoom(false);
    QSharedPointer<QCPAxisTickerFixed> scaleTicker(new QCPAxisTickerFixed);
    scaleTicker->setTickStep(1);   // ranks and rank changes are whole numbers
    scaleTicker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    scale_->axis()->setTicker(scaleTicker);
    plot_->plotLayout()->addElement(0, 1, scale_);
    map_->setColorScale(scale_);
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    scale_->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    plot_->addLayer(QStringLiteral("cells"), plot_->layer(QStringLiteral("main")), QCustomPlot::limAbove);
    cells_ = new HeatmapCellLayer(plot_->xAxis2, plot_->yAxis);
    cells_->setLayer(QStringLiteral("cells"));
}

void RankHeatmap::setUpZoom() {
    // Tall models: the layer axis zooms and pans; the projection axis stays put.
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot_->axisRect()->setRangeDrag(Qt::Vertical);
    plot_->axisRect()->setRangeZoom(Qt::Vertical);
    connect(plot_->yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this](const QCPRange& range) {
        const double lower = -0.5, upper = std::max(0, snapshot_.numLayers) - 0.5;
        if (upper <= lower) return;
        QCPRange bounded = range;
        if (bounded.size() > upper - lower) bounded = QCPRange(lower, upper);
        if (bounded.lower < lower) bounded = QCPRange(lower, lower + bounded.size());
        if (bounded.upper > upper) bounded = QCPRange(upper - bounded.size(), upper);
        if (bounded != range) plot_->yAxis->setRange(bounded);
    });
    plot_->installEventFilter(this);
}

void RankHeatmap::setUpHighlightFade() {
    fade_ = new QVariantAnimation(this);
    fade_->setStartValue(1.0);
    fade_->setKeyValueAt(0.4, 1.0);   // hold, then fade: the eye needs a moment to find the cells
    fade_->setEndValue(0.0);
    fade_->setDuration(kDefaultHighlightMs);
    connect(fade_, &QVariantAnimation::valueChanged, this, [this](const QVariant& value) {
        // Ten shades are enough for the eye; replotting at the animation's 60 Hz would cost the GUI thread
        // (and a run on a busy machine) a full heatmap render every frame.
        const double strength = std::ceil(value.toDouble() * 10.0) / 10.0;
        if (strength == cells_->highlightStrength()) return;
        cells_->setHighlightStrength(strength);
        plot_->replot(QCustomPlot::rpQueuedReplot);
    });
    connect(fade_, &QVariantAnimation::finished, this, &RankHeatmap::clearHighlights);
}

RankHeatmap::~RankHeatmap() = default;

void RankHeatmap::setSnapshot(const l1ra::RankSnapshot& snapshot) {
    const bool shapeChanged = !hasSnapshot_ || snapshot.numLayers != snapshot_.numLayers;
    snapshot_ = snapshot;
    hasSnapshot_ = true;
    // Another model (a different layer count) starts a new comparison.
    if (!hasBaseline_ || !baselineMatches()) {
        baseline_ = snapshot;
        hasBaseline_ = true;
    }
    if (shapeChanged) {
        highlights_.assign(std::size_t(std::max(0, snapshot_.numLayers) * kProjectionCount), 0);
        cells_->setHighlights(highlights_);
        plot_->yAxis->setRange(-0.5, std::max(1, snapshot_.numLayers) - 0.5);
    }
    rebuild();
}

void RankHeatmap::setBaseline(const l1ra::RankSnapshot& baseline) {
    baseline_ = baseline;
    hasBaseline_ = true;
    rebuild();
}

void RankHeatmap::clear() {
    fade_->stop();
    snapshot_ = {};
    baseline_ = {};
    hasSnapshot_ = hasBaseline_ = false;
    highlights_.clear();
    cells_->setHighlights(highlights_);
    cells_->setHighlightStrength(0);
    rebuild();
}

void RankHeatmap::setMode(Mode mode) {
    if (auto* button = modeButtons_->button(int(mode))) button->setChecked(true);
    if (mode == mode_) return;
    mode_ = mode;
    rebuild();
    Q_EMIT modeChanged(mode_);
}

void RankHeatmap::setComparisonLabels(const QString& baselineName, const QString& changeLabel) {
    baselineName_ = baselineName;
    changeLabel_ = changeLabel;
    rebuild();
}

void RankHeatmap::setModeSwitchVisible(bool visible) {
    for (QAbstractButton* button : modeButtons_->buttons()) button->setVisible(visible);
}

void RankHeatmap::setRankScaleMinimum(double upper) {
    rankScaleMinimum_ = upper;
    rebuild();
}

void RankHeatmap::setHighlightDuration(int milliseconds) { fade_->setDuration(std::max(1, milliseconds)); }

int RankHeatmap::highlightDuration() const { return fade_->duration(); }

void RankHeatmap::highlightReallocation(const l1ra::ReallocationEvent& event) {
    if (!hasSnapshot_) return;
    std::fill(highlights_.begin(), highlights_.end(), 0);
    bool any = false;
    for (const l1ra::RankMove& move : event.moves) {
        if (!validCell(move.layer, move.projection)) continue;
        const int net = move.after - move.before;
        const int direction = net > 0 || (net == 0 && move.added > 0) ? 1 : -1;
        highlights_[std::size_t(move.layer * kProjectionCount + move.projection)] = direction;
        any = true;
    }
    fade_->stop();
    cells_->setHighlights(highlights_);
    cells_->setHighlightStrength(any ? 1.0 : 0.0);
    if (any) fade_->start();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void RankHeatmap::clearHighlights() {
    fade_->stop();
    std::fill(highlights_.begin(), highlights_.end(), 0);
    cells_->setHighlights(highlights_);
    cells_->setHighlightStrength(0);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool RankHeatmap::validCell(int layer, int projection) const {
    return hasSnapshot_ && layer >= 0 && layer < snapshot_.numLayers && projection >= 0 && projection < kProjectionCount &&
           snapshot_.ranks.size() >= std::size_t(snapshot_.numLayers * kProjectionCount);
}

bool RankHeatmap::targeted(int layer, int projection) const {
    const std::size_t i = std::size_t(layer * kProjectionCount + projection);
    return i < snapshot_.targeted.size() ? bool(snapshot_.targeted[i]) : true;
}

bool RankHeatmap::baselineMatches() const {
    return hasBaseline_ && baseline_.numLayers == snapshot_.numLayers && baseline_.ranks.size() == snapshot_.ranks.size();
}

int RankHeatmap::change(int layer, int projection) const {
    if (!baselineMatches()) return 0;
    return snapshot_.rank(layer, projection) - baseline_.rank(layer, projection);
}

double RankHeatmap::colorRangeUpper() const {
    // Rank and gate mass share one scale (twice the initial rank, or more if an adapter grew past it),
    // so switching modes compares like with like.
    int maxRank = 1;
    for (int r : snapshot_.ranks) maxRank = std::max(maxRank, r);
    return std::max({double(2 * snapshot_.initialRank), double(maxRank), rankScaleMinimum_});
}

double RankHeatmap::cellValue(int layer, int projection) const {
    if (!validCell(layer, projection) || !targeted(layer, projection)) return std::numeric_limits<double>::quiet_NaN();
    const std::size_t i = std::size_t(layer * kProjectionCount + projection);
    switch (mode_) {
        case Mode::Rank: return snapshot_.ranks[i];
        case Mode::GateMass: return i < snapshot_.gateMass.size() ? snapshot_.gateMass[i] : double(snapshot_.ranks[i]);
        case Mode::ChangeSinceStart: return change(layer, projection);
    }
    return 0;
}

QColor RankHeatmap::cellColor(int layer, int projection) const {
    const double value = cellValue(layer, projection);
    if (std::isnan(value)) return neutralCellColor(palette());
    QCPColorGradient gradient = map_->gradient();
    return QColor(gradient.color(value, map_->dataRange()));
}

QString RankHeatmap::cellText(int layer, int projection) const {
    if (!validCell(layer, projection)) return {};
    if (!targeted(layer, projection)) return QStringLiteral("\u2013");
    if (mode_ == Mode::ChangeSinceStart) return signedNumber(change(layer, projection));
    return QString::number(snapshot_.rank(layer, projection));
}

QString RankHeatmap::cellToolTip(int layer, int projection) const {
    if (!validCell(layer, projection)) return {};
    const QString title = tr("Layer %1 \u00b7 %2")
                              .arg(layer)
                              .arg(QString::fromStdString(l1ra::projectionNames()[std::size_t(projection)]));
    if (!targeted(layer, projection)) return title + QLatin1Char('\n') + tr("no adapter (not a target)");
    const std::size_t i = std::size_t(layer * kProjectionCount + projection);
    QStringList lines{title};
    QString rankLine = tr("rank %1").arg(snapshot_.ranks[i]);
    if (baselineMatches())
        rankLine += tr("  (%1 %2, change %3)")
                        .arg(baselineName_.isEmpty() ? tr("start") : baselineName_)
                        .arg(baseline_.ranks[i])
                        .arg(signedNumber(change(layer, projection)));
    lines << rankLine;
    if (i < snapshot_.gateMass.size()) {
        QString gateLine = tr("gate mass %1").arg(snapshot_.gateMass[i], 0, 'f', 2);
        if (i < snapshot_.gateMin.size() && i < snapshot_.gateMean.size())
            gateLine += tr("  (min %1, mean %2)").arg(snapshot_.gateMin[i], 0, 'f', 3).arg(snapshot_.gateMean[i], 0, 'f', 3);
        lines << gateLine;
    }
    return lines.join(QLatin1Char('\n'));
}

bool RankHeatmap::isHighlighted(int layer, int projection) const {
    if (!validCell(layer, projection)) return false;
    const std::size_t i = std::size_t(layer * kProjectionCount + projection);
    return i < highlights_.size() && highlights_[i] != 0;
}

bool RankHeatmap::cellTextsVisible() const { return cells_->textsVisible(); }

void RankHeatmap::applyColors() {
    styleAxis(scale_->axis(), palette());   // the colour scale's axis lives outside plot_->axisRects()
    QCPColorGradient gradient = mode_ == Mode::ChangeSinceStart ? divergingGradient() : sequentialGradient();
    gradient.setNanHandling(QCPColorGradient::nhNanColor);
    gradient.setNanColor(neutralCellColor(palette()));
    map_->setGradient(gradient);
    scale_->setGradient(gradient);
    const bool dark = isDarkPalette(palette());
    cells_->setHighlightColors(dark ? QColor(0xff, 0xab, 0x40) : QColor(0xff, 0x6d, 0x00),
                               dark ? QColor(0xea, 0x80, 0xfc) : QColor(0xaa, 0x00, 0xff));
}

void RankHeatmap::rebuild() {
    applyColors();
    const int layers = hasSnapshot_ ? std::max(0, snapshot_.numLayers) : 0;
    QCPColorMapData* data = map_->data();
    data->setSize(kProjectionCount, std::max(1, layers));
    // Ranges name the centres of the first and last cells; a single row has no extent that way, so give it
    // its full height (QCPColorMap then draws exactly that range).
    data->setRange(QCPRange(0, kProjectionCount - 1), layers > 1 ? QCPRange(0, layers - 1) : QCPRange(-0.5, 0.5));
    data->fill(std::numeric_limits<double>::quiet_NaN());

    std::vector<QString> texts;
    std::vector<QColor> textColors;
    texts.reserve(std::size_t(layers * kProjectionCount));
    textColors.reserve(texts.capacity());

    switch (mode_) {
        case Mode::Rank:
            map_->setDataRange(QCPRange(0, colorRangeUpper()));
            scale_->axis()->setLabel(tr("rank"));
            break;
        case Mode::GateMass:
            map_->setDataRange(QCPRange(0, colorRangeUpper()));
            scale_->axis()->setLabel(tr("gate mass"));
            break;
        case Mode::ChangeSinceStart: {
            int largest = 1;
            for (int l = 0; l < layers; ++l)
                for (int p = 0; p < kProjectionCount; ++p) largest = std::max(largest, std::abs(change(l, p)));
            map_->setDataRange(QCPRange(-largest, largest));
            scale_->axis()->setLabel(changeLabel_.isEmpty() ? tr("rank change") : changeLabel_);
            break;
        }
    }
    for (int l = 0; l < layers; ++l) {
        for (int p = 0; p < kProjectionCount; ++p) {
            data->setCell(p, l, cellValue(l, p));
            texts.push_back(cellText(l, p));
            textColors.push_back(contrastingTextColor(cellColor(l, p)));
        }
    }
    cells_->setCells(layers, kProjectionCount, std::move(texts), std::move(textColors));
    map_->setVisible(layers > 0);
    updateSummary();
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void RankHeatmap::updateSummary() {
    if (!hasSnapshot_) {
        summary_->setText(tr("no ranks yet"));
        return;
    }
    QString text = tr("step %1 \u00b7 %2 layers \u00b7 rank %3 / %4")
                       .arg(snapshot_.step)
                       .arg(snapshot_.numLayers)
                       .arg(snapshot_.total())
                       .arg(snapshot_.budget);
    if (std::find(snapshot_.targeted.begin(), snapshot_.targeted.end(), false) != snapshot_.targeted.end())
        text += tr(" \u00b7 grey: no adapter");
    summary_->setText(text);
    summary_->setToolTip(text);
}

bool RankHeatmap::cellAt(const QPoint& position, int* layer, int* projection) const {
    if (!hasSnapshot_ || !plot_->axisRect()->rect().contains(position)) return false;
    const int column = int(std::lround(plot_->xAxis2->pixelToCoord(position.x())));
    const int row = int(std::lround(plot_->yAxis->pixelToCoord(position.y())));
    if (!validCell(row, column)) return false;
    *layer = row;
    *projection = column;
    return true;
}

bool RankHeatmap::saveImage(const QString& path, int width, int height) {
    plot_->replot(QCustomPlot::rpImmediateRefresh);
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png")) return plot_->savePng(path, width, height);
    if (suffix == QLatin1String("pdf")) return plot_->savePdf(path, width, height);
    return false;
}

bool RankHeatmap::eventFilter(QObject* watched, QEvent* event) {
    if (watched != plot_) return QWidget::eventFilter(watched, event);
    int layer = 0, projection = 0;
    switch (event->type()) {
        case QEvent::ToolTip: {
            auto* help = static_cast<QHelpEvent*>(event);
            if (cellAt(help->pos(), &layer, &projection)) QToolTip::showText(help->globalPos(), cellToolTip(layer, projection), plot_);
            else QToolTip::hideText();
            return true;
        }
        case QEvent::MouseButtonPress:
            pressPosition_ = static_cast<QMouseEvent*>(event)->position().toPoint();
            break;
        case QEvent::MouseButtonRelease: {
            const QPoint position = static_cast<QMouseEvent*>(event)->position().toPoint();
            if ((position - pressPosition_).manhattanLength() < 4 && cellAt(position, &layer, &projection))
                Q_EMIT cellClicked(layer, projection);
            break;
        }
        case QEvent::MouseButtonDblClick:
            plot_->yAxis->setRange(-0.5, std::max(1, snapshot_.numLayers) - 0.5);
            plot_->replot(QCustomPlot::rpQueuedReplot);
            break;
        default:
            break;
    }
    return QWidget::eventFilter(watched, event);
}

void RankHeatmap::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        applyPlotStyle(plot_);
        rebuild();
    }
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
