#pragma once
// Where the rank budget sits: a gauge of total rank used / budget, rank per projection against its start, and
// the prune threshold in force.
#include "l1ra/projections.h"
#include "l1ra/training_events.h"

#include <QString>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPBars;
class QCPItemText;
class QLabel;
class QProgressBar;

namespace l1ra::ui {

class BudgetPanel : public QWidget {
    Q_OBJECT
public:
    explicit BudgetPanel(QWidget* parent = nullptr);
    ~BudgetPanel() override;

    void setSnapshot(const l1ra::RankSnapshot& snapshot);
    // The prune threshold in force (it follows a live λ before the next snapshot shows it); 0 = none (LoRA).
    void setThreshold(double threshold);
    void clear();

    bool hasSnapshot() const { return hasSnapshot_; }
    int totalRank() const { return totalRank_; }
    int budget() const { return budget_; }
    double threshold() const { return threshold_; }
    QString detailText() const;
    double usedFraction() const;          // total / budget (can pass 1 right after the budget was lowered)
    int adapterCount() const { return adapterCount_; }
    int projectionTotal(int projection) const;
    int projectionStartTotal(int projection) const;   // initial rank x adapted layers
    double projectionMeanRank(int projection) const;  // per adapted layer
    QString gaugeText() const;
    QString projectionToolTip(int projection) const;

    bool saveImage(const QString& path, int width = 0, int height = 0);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    void styleBars();

    QProgressBar* gauge_ = nullptr;
    QLabel* detail_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QCPBars* startBars_ = nullptr;
    QCPBars* currentBars_ = nullptr;
    std::vector<QCPItemText*> barLabels_;

    bool hasSnapshot_ = false;
    int totalRank_ = 0;
    int budget_ = 0;
    double threshold_ = 0;
    int initialRank_ = 0;
    int adapterCount_ = 0;
    std::vector<int> totals_ = std::vector<int>(kProjectionCount, 0);
    std::vector<int> startTotals_ = std::vector<int>(kProjectionCount, 0);
    std::vector<int> adaptedLayers_ = std::vector<int>(kProjectionCount, 0);
};

}  // namespace l1ra::ui
