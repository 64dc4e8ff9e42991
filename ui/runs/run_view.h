#pragma once
// One recorded run, read back: its rank map at any snapshot (timeline slider over ranks.jsonl), the budget at
// that point, curves, mean rank per projection over time, rank per layer, reallocations and the exact config.
#include "l1ra/run_record.h"

#include <QString>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace l1ra::ui {

class BudgetPanel;
class LayerRankChart;
class MetricsCurves;
class ProjectionRankChart;
class RankHeatmap;
class RankTimeline;
class ReallocationLog;

class RunView : public QWidget {
    Q_OBJECT
public:
    explicit RunView(QWidget* parent = nullptr);

    void setRecord(l1ra::RunRecord record, const QString& title = QString());
    void clear();
    bool hasRecord() const { return hasRecord_; }
    const l1ra::RunRecord& record() const { return record_; }
    QString title() const { return title_; }

    // Shows snapshot `index` of ranks.jsonl on the heatmap, budget panel and layer chart.
    void showSnapshot(int index);
    int snapshotIndex() const;
    int snapshotCount() const { return int(record_.snapshots.size()); }

    RankTimeline* timeline() const { return timeline_; }
    RankHeatmap* heatmap() const { return heatmap_; }
    BudgetPanel* budgetPanel() const { return budget_; }
    MetricsCurves* curves() const { return curves_; }
    ProjectionRankChart* projectionChart() const { return projectionChart_; }
    LayerRankChart* layerChart() const { return layerChart_; }
    ReallocationLog* reallocationLog() const { return reallocations_; }
    QString configText() const;
    QTabWidget* tabs() const { return tabs_; }

    static QString describeRecord(const l1ra::RunRecord& record);

private:
    QLabel* header_ = nullptr;
    RankTimeline* timeline_ = nullptr;
    RankHeatmap* heatmap_ = nullptr;
    BudgetPanel* budget_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    MetricsCurves* curves_ = nullptr;
    ProjectionRankChart* projectionChart_ = nullptr;
    LayerRankChart* layerChart_ = nullptr;
    ReallocationLog* reallocations_ = nullptr;
    QPlainTextEdit* config_ = nullptr;

    l1ra::RunRecord record_;
    QString title_;
    bool hasRecord_ = false;
};

}  // namespace l1ra::ui
