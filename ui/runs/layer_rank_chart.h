#pragma once
// Total adapter rank of every layer at one snapshot, stacked by projection, against the layer's starting rank:
// which layers the reallocation favoured.
#include "l1ra/training_events.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPBars;
class QCPGraph;

namespace l1ra::ui {

class LayerRankChart : public QWidget {
    Q_OBJECT
public:
    explicit LayerRankChart(QWidget* parent = nullptr);
    ~LayerRankChart() override;

    void setSnapshot(const l1ra::RankSnapshot& snapshot);
    void clear();

    int layerCount() const { return int(totals_.size()); }
    int layerTotal(int layer) const;
    int64_t step() const { return step_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void style();

    QCustomPlot* plot_ = nullptr;
    std::vector<QCPBars*> stack_;   // one per projection, stacked
    QCPGraph* start_ = nullptr;     // starting total per layer
    std::vector<int> totals_;
    int64_t step_ = 0;
};

}  // namespace l1ra::ui
