#pragma once
// Training curves: loss (train, smoothed, validation) always on top, one chosen metric below, sharing the step axis.
// Events are appended as they come; the plot redraws at most every replotInterval() ms, so 100k steps stay smooth.
#include "l1ra/run_record.h"
#include "l1ra/training_events.h"

#include <QString>
#include <QWidget>

#include <vector>

class QHBoxLayout;
class QCustomPlot;
class QCPAxisRect;
class QCPGraph;
class QCPItemTracer;
class QCPItemText;
class QCPAbstractItem;
class QTabBar;
class QTimer;

namespace l1ra::ui {

class MetricsCurves : public QWidget {
    Q_OBJECT
public:
    enum class Metric { LearningRate, TokensPerSecond, Memory, GradNorm, Lambda };
    Q_ENUM(Metric)

    explicit MetricsCurves(QWidget* parent = nullptr);
    ~MetricsCurves() override;

    void addStep(const l1ra::StepEvent& step);
    void addEval(const l1ra::EvalEvent& eval);
    // A vertical line where a live change (λ, budget) took effect.
    void addMarker(qint64 step, const QString& label);
    // A red line where a step's loss or gradient was not finite; hovering near it says which tensor and what was done.
    void addDivergence(const l1ra::DivergenceEvent& divergence);
    // Replaces everything with a past run's curves and its λ/budget changes as markers.
    void setRecord(const l1ra::RunRecord& record);
    void clear();

    void setMetric(Metric metric);
    Metric metric() const { return metric_; }

    // Shows every point and follows new ones again (also on double-click).
    void resetView();
    // False once the user has zoomed or panned; new points then no longer move the view.
    bool followsLatest() const { return follow_; }
    void setReplotInterval(int milliseconds);
    int replotInterval() const;

    int lossPointCount() const;
    int valLossPointCount() const;
    int metricPointCount(Metric metric) const;
    int markerCount() const { return int(markers_.size()); }
    int divergenceCount() const { return int(divergences_.size()); }
    QString markerLabel(int index) const;
    // What hovering over `step` shows: the nearest logged step's loss and the chosen metric.
    QString describeStep(double step) const;

    bool saveImage(const QString& path, int width = 0, int height = 0);

    // "λ = 0.05" / "budget = 200" for a control event that moves the curves; empty for others (pause, ...).
    static QString markerLabelFor(const l1ra::ControlEvent& control);
    // "NaN: skipped" / "NaN: stopped", and the longer text of the hover.
    static QString divergenceLabel(const l1ra::DivergenceEvent& divergence);
    static QString describeDivergence(const l1ra::DivergenceEvent& divergence);
    static QString metricName(Metric metric);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    // The constructor's parts.
    QHBoxLayout* buildHeader();
    void setUpAxisRects();
    void addGraphs();
    void setUpHover();

    struct Marker {
        qint64 step;
        QString label;
        std::vector<QCPAbstractItem*> items;
    };

    void addMarkerItems(qint64 step, const QString& label, const QColor& color);
    QCPGraph* metricGraph(Metric metric) const;
    double metricValue(const l1ra::StepEvent& step, Metric metric) const;
    void appendStep(const l1ra::StepEvent& step);
    void scheduleReplot();
    void replotNow();
    void fitView();
    void showHover(const QPoint& position);
    void hideHover();
    void styleGraphs();

    QCustomPlot* plot_ = nullptr;
    QCPAxisRect* lossRect_ = nullptr;
    QCPAxisRect* metricRect_ = nullptr;
    QCPGraph* loss_ = nullptr;
    QCPGraph* smoothedLoss_ = nullptr;
    QCPGraph* valLoss_ = nullptr;
    std::vector<QCPGraph*> metricGraphs_;   // indexed by Metric
    QCPItemTracer* tracer_ = nullptr;
    QCPItemText* hoverLabel_ = nullptr;
    QTabBar* metricTabs_ = nullptr;
    QTimer* replotTimer_ = nullptr;

    Metric metric_ = Metric::LearningRate;
    std::vector<Marker> markers_;
    std::vector<l1ra::DivergenceEvent> divergences_;
    double smoothed_ = 0;      // exponential moving average of the loss, bias-corrected
    double smoothingWeight_ = 1;   // kSmoothing^n, for the bias correction
    bool follow_ = true;
    bool syncingRanges_ = false;
};

}  // namespace l1ra::ui
