#include "widgets/budget_panel.h"

#include "widgets/palette_colors.h"
#include "widgets/plot_style.h"

#include "l1ra/run_config.h"

#include <QFileInfo>
#include <QHelpEvent>
#include <QLabel>
#include <QProgressBar>
#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace l1ra::ui {

namespace {

constexpr int kProjections = 7;

QString shortProjectionName(int projection) {
    QString name = QString::fromStdString(l1ra::projectionNames()[std::size_t(projection)]);
    return name.endsWith(QLatin1String("_proj")) ? name.left(name.size() - 5) : name;
}

}  // namespace

BudgetPanel::BudgetPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(4);

    gauge_ = new QProgressBar(this);
    gauge_->setObjectName(QStringLiteral("budgetGauge"));
    gauge_->setTextVisible(true);
    gauge_->setMinimumHeight(22);
    layout->addWidget(gauge_);
    detail_ = new QLabel(this);
    detail_->setObjectName(QStringLiteral("budgetDetail"));
    detail_->setWordWrap(true);
    layout->addWidget(detail_);

    plot_ = new QCustomPlot(this);
    plot_->setObjectName(QStringLiteral("budgetPlot"));
    plot_->setMinimumSize(220, 150);
    layout->addWidget(plot_, 1);

    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int p = 0; p < kProjections; ++p) ticker->addTick(p, shortProjectionName(p));
    plot_->xAxis->setTicker(ticker);
    plot_->xAxis->setRange(-0.6, kProjections - 0.4);
    plot_->xAxis->grid()->setVisible(false);
    plot_->xAxis->setSubTicks(false);
    plot_->xAxis->setTickLength(0, 0);
    plot_->yAxis->setLabel(tr("rank per projection"));
    plot_->yAxis->ticker()->setTickCount(4);

    // The start totals are an outline behind the current bars: growth and shrinkage read at a glance.
    startBars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    startBars_->setWidth(0.78);
    startBars_->setName(tr("at start"));
    currentBars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
    currentBars_->setWidth(0.56);
    currentBars_->setName(tr("now"));
    for (int p = 0; p < kProjections; ++p) {
        auto* label = new QCPItemText(plot_);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
        label->setVisible(false);
        barLabels_.push_back(label);
    }
    plot_->installEventFilter(this);

    applyPlotStyle(plot_);
    styleBars();
    refresh();
}

BudgetPanel::~BudgetPanel() = default;

void BudgetPanel::styleBars() {
    const QPalette pal = palette();
    const bool dark = isDarkPalette(pal);
    const QColor fill = dark ? QColor(0x4d, 0xb6, 0xac) : QColor(0x00, 0x89, 0x7b);
    currentBars_->setBrush(fill);
    currentBars_->setPen(QPen(fill.darker(130)));
    QColor outline = pal.color(QPalette::WindowText);
    outline.setAlphaF(0.55);
    startBars_->setBrush(Qt::NoBrush);
    startBars_->setPen(QPen(outline, 1, Qt::DashLine));
    for (QCPItemText* label : barLabels_) label->setColor(pal.color(QPalette::WindowText));
}

void BudgetPanel::setSnapshot(const l1ra::RankSnapshot& snapshot) {
    hasSnapshot_ = true;
    totalRank_ = snapshot.total();
    budget_ = snapshot.budget;
    threshold_ = snapshot.threshold;
    initialRank_ = snapshot.initialRank;
    adapterCount_ = 0;
    std::fill(totals_.begin(), totals_.end(), 0);
    std::fill(adaptedLayers_.begin(), adaptedLayers_.end(), 0);
    for (int layer = 0; layer < snapshot.numLayers; ++layer) {
        for (int p = 0; p < kProjections; ++p) {
            const std::size_t i = std::size_t(layer * kProjections + p);
            if (i >= snapshot.ranks.size()) continue;
            const bool adapted = i < snapshot.targeted.size() ? bool(snapshot.targeted[i]) : true;
            if (!adapted) continue;
            totals_[std::size_t(p)] += snapshot.ranks[i];
            ++adaptedLayers_[std::size_t(p)];
            ++adapterCount_;
        }
    }
    for (int p = 0; p < kProjections; ++p) startTotals_[std::size_t(p)] = initialRank_ * adaptedLayers_[std::size_t(p)];
    refresh();
}

void BudgetPanel::setThreshold(double threshold) {
    if (threshold == threshold_) return;
    threshold_ = threshold;
    refresh();
}

QString BudgetPanel::detailText() const { return detail_->text(); }

void BudgetPanel::clear() {
    hasSnapshot_ = false;
    threshold_ = 0;
    totalRank_ = budget_ = initialRank_ = adapterCount_ = 0;
    std::fill(totals_.begin(), totals_.end(), 0);
    std::fill(startTotals_.begin(), startTotals_.end(), 0);
    std::fill(adaptedLayers_.begin(), adaptedLayers_.end(), 0);
    refresh();
}

double BudgetPanel::usedFraction() const { return budget_ > 0 ? double(totalRank_) / budget_ : 0.0; }

int BudgetPanel::projectionTotal(int projection) const {
    return projection >= 0 && projection < kProjections ? totals_[std::size_t(projection)] : 0;
}

int BudgetPanel::projectionStartTotal(int projection) const {
    return projection >= 0 && projection < kProjections ? startTotals_[std::size_t(projection)] : 0;
}

double BudgetPanel::projectionMeanRank(int projection) const {
    if (projection < 0 || projection >= kProjections || adaptedLayers_[std::size_t(projection)] == 0) return 0;
    return double(totals_[std::size_t(projection)]) / adaptedLayers_[std::size_t(projection)];
}

QString BudgetPanel::gaugeText() const {
    if (!hasSnapshot_) return tr("no run");
    return tr("%1 / %2 ranks (%3 %)").arg(totalRank_).arg(budget_).arg(std::lround(usedFraction() * 100));
}

QString BudgetPanel::projectionToolTip(int projection) const {
    if (!hasSnapshot_ || projection < 0 || projection >= kProjections) return {};
    const QString name = QString::fromStdString(l1ra::projectionNames()[std::size_t(projection)]);
    if (adaptedLayers_[std::size_t(projection)] == 0) return tr("%1: not adapted").arg(name);
    return tr("%1: %2 ranks (start %3)\nmean %4 per layer over %5 layers")
        .arg(name)
        .arg(projectionTotal(projection))
        .arg(projectionStartTotal(projection))
        .arg(projectionMeanRank(projection), 0, 'f', 1)
        .arg(adaptedLayers_[std::size_t(projection)]);
}

void BudgetPanel::refresh() {
    // QProgressBar cannot pass 100 %: a total above a just-lowered budget shows full, and the text says the rest.
    gauge_->setRange(0, std::max(1, budget_));
    gauge_->setValue(std::min(totalRank_, std::max(1, budget_)));
    gauge_->setFormat(gaugeText());
    gauge_->setToolTip(tr("Total adapter rank in use against the rank budget. Reallocation keeps the total equal to the budget."));

    QString detail;
    QPalette detailPalette = detail_->palette();
    detailPalette.setColor(QPalette::WindowText, mutedTextColor(palette()));
    if (hasSnapshot_) {
        detail = tr("%1 adapters \u00b7 initial rank %2 \u00b7 mean rank %3")
                     .arg(adapterCount_)
                     .arg(initialRank_)
                     .arg(adapterCount_ > 0 ? double(totalRank_) / adapterCount_ : 0.0, 0, 'f', 2);
        if (threshold_ > 0) detail += QLatin1Char('\n') + tr("prune threshold %1: gates below it go at the next reallocation").arg(threshold_, 0, 'g', 3);
        if (totalRank_ != budget_) {
            detail += QLatin1Char('\n') + (totalRank_ > budget_ ? tr("above budget: the next reallocation prunes %1")
                                                                 : tr("below budget: the next reallocation adds %1"))
                                              .arg(std::abs(totalRank_ - budget_));
            detailPalette.setColor(QPalette::WindowText, warningColor(palette()));
        }
    }
    detail_->setText(detail);
    detail_->setPalette(detailPalette);

    QVector<double> keys, current, start;
    double top = 1;
    for (int p = 0; p < kProjections; ++p) {
        keys << p;
        current << totals_[std::size_t(p)];
        start << startTotals_[std::size_t(p)];
        top = std::max({top, double(totals_[std::size_t(p)]), double(startTotals_[std::size_t(p)])});
        QCPItemText* label = barLabels_[std::size_t(p)];
        label->position->setCoords(p, std::max(totals_[std::size_t(p)], startTotals_[std::size_t(p)]));
        label->setText(QString::number(totals_[std::size_t(p)]));
        label->setVisible(hasSnapshot_ && adaptedLayers_[std::size_t(p)] > 0);
    }
    currentBars_->setData(keys, current, true);
    startBars_->setData(keys, start, true);
    plot_->yAxis->setRange(0, top * 1.18);   // headroom for the labels
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

bool BudgetPanel::saveImage(const QString& path, int width, int height) {
    plot_->replot(QCustomPlot::rpImmediateRefresh);
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png")) return plot_->savePng(path, width, height);
    if (suffix == QLatin1String("pdf")) return plot_->savePdf(path, width, height);
    return false;
}

bool BudgetPanel::eventFilter(QObject* watched, QEvent* event) {
    if (watched == plot_ && event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int projection = int(std::lround(plot_->xAxis->pixelToCoord(help->pos().x())));
        const QString tip = plot_->axisRect()->rect().contains(help->pos()) ? projectionToolTip(projection) : QString();
        if (tip.isEmpty()) QToolTip::hideText();
        else QToolTip::showText(help->globalPos(), tip, plot_);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void BudgetPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        applyPlotStyle(plot_);
        styleBars();
        refresh();
    }
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
