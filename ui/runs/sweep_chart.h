#pragma once
// A sweep's validation perplexity against one swept value: the mean over seeds with a bar of ± one standard
// deviation, and every seed as a dot. With more than one axis, each combination of the other axes' values is a
// series of its own. Numeric values get a numeric axis (logarithmic when they span a factor of ten or more);
// anything else is placed in grid order.
#include "l1ra/sweep.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QCustomPlot;

namespace l1ra::ui {

class SweepChart : public QWidget {
    Q_OBJECT
public:
    explicit SweepChart(QWidget* parent = nullptr);

    void setRecord(const l1ra::SweepRecord& record, int axis);
    void clear();

    int seriesCount() const { return int(series_.size()); }
    QString seriesName(int series) const;
    // Per series, the plotted x positions and means (finished points only), in grid order.
    std::vector<double> xs(int series) const;
    std::vector<double> means(int series) const;
    bool logarithmic() const { return logarithmic_; }
    bool categorical() const { return categorical_; }
    QString axisLabel() const;
    bool saveImage(const QString& path, int width = 900, int height = 500);

private:
    struct Series {
        QString name;
        std::vector<double> x, mean, sd;
        std::vector<std::pair<double, double>> seeds;   // (x, perplexity)
    };
    void draw();

    QCustomPlot* plot_ = nullptr;
    std::vector<Series> series_;
    QStringList categories_;
    bool logarithmic_ = false;
    bool categorical_ = false;
};

}  // namespace l1ra::ui
