#include "runs/sweep_chart.h"

#include "widgets/plot_style.h"

#include <qcustomplot.h>

#include <algorithm>
#include <map>

namespace l1ra::ui {

namespace {

const QColor kSeriesColors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                                QColor(148, 103, 189), QColor(140, 86, 75)};

bool allNumeric(const std::vector<std::string>& values, std::vector<double>* out) {
    out->clear();
    for (const auto& v : values) {
        bool ok = false;
        const double x = QString::fromStdString(v).toDouble(&ok);
        if (!ok) return false;
        out->push_back(x);
    }
    return true;
}

}  // namespace

SweepChart::SweepChart(QWidget* parent) : QWidget(parent) {
    plot_ = addChartPlot(this, QStringLiteral("sweepPlot"));
    plot_->yAxis->setLabel(tr("validation perplexity"));
    plot_->legend->setVisible(false);
    placeLegendAbove(plot_, 3);
    applyPlotStyle(plot_);
}

void SweepChart::clear() {
    series_.clear();
    categories_.clear();
    plot_->xAxis->setLabel(QString());
    draw();
}

void SweepChart::setRecord(const l1ra::SweepRecord& record, int axis) {
    series_.clear();
    categories_.clear();
    const auto& axes = record.plan.axes;
    if (axes.empty() || axis < 0 || axis >= int(axes.size())) {
        draw();
        return;
    }
    std::vector<double> numeric;
    categorical_ = !allNumeric(axes[std::size_t(axis)].values, &numeric);
    logarithmic_ = false;
    if (!categorical_) {
        const auto [lo, hi] = std::minmax_element(numeric.begin(), numeric.end());
        logarithmic_ = *lo > 0 && *hi / *lo >= 10;
    }
    for (const auto& v : axes[std::size_t(axis)].values) categories_ << QString::fromStdString(v);
    plot_->xAxis->setLabel(QString::fromStdString(axes[std::size_t(axis)].key));
    // One series per combination of the other axes' values, in grid order.
    std::map<std::vector<std::string>, std::size_t> seriesOf;
    for (const auto& point : record.points) {
        std::vector<std::string> others = point.values;
        others.erase(others.begin() + axis);
        auto [it, fresh] = seriesOf.try_emplace(others, series_.size());
        if (fresh) {
            QStringList name;
            for (std::size_t a = 0, k = 0; a < axes.size(); ++a)
                if (int(a) != axis) name << QString::fromStdString(axes[a].key + "=" + others[k++]);
            series_.push_back({name.join(QStringLiteral(", ")), {}, {}, {}, {}});
        }
        if (point.perplexities.empty()) continue;
        const int index = int(categories_.indexOf(QString::fromStdString(point.values[std::size_t(axis)])));
        const double x = categorical_ ? double(index) : numeric[std::size_t(index)];
        Series& s = series_[it->second];
        s.x.push_back(x);
        s.mean.push_back(point.mean);
        s.sd.push_back(point.sd);
        for (double p : point.perplexities) s.seeds.push_back({x, p});
    }
    draw();
}

void SweepChart::draw() {
    plot_->clearPlottables();
    if (logarithmic_ && !categorical_) {
        plot_->xAxis->setScaleType(QCPAxis::stLogarithmic);
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    } else if (categorical_) {
        plot_->xAxis->setScaleType(QCPAxis::stLinear);
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (int i = 0; i < categories_.size(); ++i) ticker->addTick(i, categories_[i]);
        plot_->xAxis->setTicker(ticker);
    } else {
        plot_->xAxis->setScaleType(QCPAxis::stLinear);
        plot_->xAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    }
    const bool named = series_.size() > 1;
    plot_->legend->setVisible(named);
    for (std::size_t i = 0; i < series_.size(); ++i) {
        const Series& s = series_[i];
        const QColor color = kSeriesColors[i % std::size(kSeriesColors)];
        QCPGraph* mean = plot_->addGraph();
        mean->setName(named ? s.name : tr("mean"));
        mean->setPen(QPen(color, 2));
        mean->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 7));
        mean->setData(QVector<double>(s.x.begin(), s.x.end()), QVector<double>(s.mean.begin(), s.mean.end()), true);
        auto* bars = new QCPErrorBars(plot_->xAxis, plot_->yAxis);
        bars->removeFromLegend();
        bars->setDataPlottable(mean);
        bars->setData(QVector<double>(s.sd.begin(), s.sd.end()));
        bars->setPen(QPen(color, 1.2));
        QCPGraph* seeds = plot_->addGraph();
        seeds->removeFromLegend();
        seeds->setLineStyle(QCPGraph::lsNone);
        QColor faint = color;
        faint.setAlphaF(0.55);
        seeds->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, faint, 5));
        for (const auto& [x, p] : s.seeds) seeds->addData(x, p);
    }
    plot_->rescaleAxes();
    auto pad = [](QCPAxis* axis, bool log) {
        const QCPRange r = axis->range();
        if (log) axis->setRange(r.lower / 1.5, r.upper * 1.5);
        else {
            const double margin = r.size() > 0 ? r.size() * 0.08 : std::max(0.5, std::abs(r.center()) * 0.05);
            axis->setRange(r.lower - margin, r.upper + margin);
        }
    };
    pad(plot_->xAxis, logarithmic_ && !categorical_);
    pad(plot_->yAxis, false);
    plot_->replot();
}

QString SweepChart::seriesName(int series) const { return series >= 0 && series < seriesCount() ? series_[std::size_t(series)].name : QString(); }
std::vector<double> SweepChart::xs(int series) const { return series >= 0 && series < seriesCount() ? series_[std::size_t(series)].x : std::vector<double>{}; }
std::vector<double> SweepChart::means(int series) const { return series >= 0 && series < seriesCount() ? series_[std::size_t(series)].mean : std::vector<double>{}; }
QString SweepChart::axisLabel() const { return plot_->xAxis->label(); }

bool SweepChart::saveImage(const QString& path, int width, int height) { return plot_->savePng(path, width, height); }

}  // namespace l1ra::ui
