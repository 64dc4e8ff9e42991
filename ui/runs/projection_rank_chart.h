#pragma once
// Mean rank per adapted layer of each projection over a run's snapshots: where the budget flowed, and when.
// A vertical cursor marks the timeline position.
#include "l1ra/training_events.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;

namespace l1ra::ui {

class ProjectionRankChart : public QWidget {
    Q_OBJECT
public:
    explicit ProjectionRankChart(QWidget* parent = nullptr);
    ~ProjectionRankChart() override;

    void setSnapshots(const std::vector<l1ra::RankSnapshot>& snapshots);
    void setCursorStep(int64_t step);
    void clear();

    // Projections with at least one adapter get a line.
    int lineCount() const;
    int pointCount(int projection) const;
    // Mean rank of `projection` in snapshot `index` (NaN when the projection has no adapter).
    double meanRank(int projection, int index) const;
    double cursorStep() const;

    static double meanRank(const l1ra::RankSnapshot& snapshot, int projection);

protected:
    void changeEvent(QEvent* event) override;

private:
    void style();

    QCustomPlot* plot_ = nullptr;
    std::vector<QCPGraph*> graphs_;
    QCPItemStraightLine* cursor_ = nullptr;
    std::vector<l1ra::RankSnapshot> snapshots_;
};

}  // namespace l1ra::ui
