#pragma once
// Every reallocation as one row, newest first: step, ranks pruned and added (and how many of the pruned ranks
// had only just been handed out: ping-pong), which adapters moved (expand a row for the full list), and above
// them the run's churn: ranks moved per reallocation, the ping-pong share, the age of pruned ranks.
#include "l1ra/churn.h"
#include "l1ra/training_events.h"

#include <QString>
#include <QWidget>

#include <vector>

class QLabel;
class QTreeWidget;

namespace l1ra::ui {

class ReallocationLog : public QWidget {
    Q_OBJECT
public:
    explicit ReallocationLog(QWidget* parent = nullptr);

    void addReallocation(const l1ra::ReallocationEvent& event);
    void setReallocations(const std::vector<l1ra::ReallocationEvent>& events);
    void clear();
    // The run's reallocation interval in steps: the ping-pong window is two of them.
    void setInterval(int steps);

    int count() const;
    // Row 0 is the newest reallocation.
    qint64 stepAt(int row) const;
    QString movesText(int row) const;
    QString countsText(int row) const;
    int movedRanks() const { return movedRanks_; }
    l1ra::ChurnSummary churn() const;
    QString summaryText() const;

    // "−3 from L1 k_proj, +1 to L5 gate_proj, …": losses first, then gains; at most maxMoves, then "and N more".
    static QString describeMoves(const l1ra::ReallocationEvent& event, int maxMoves = 6);
    // "L1 k_proj 8 → 5 (−3)"
    static QString describeMove(const l1ra::RankMove& move);

Q_SIGNALS:
    // The user picked a row: a timeline can jump to that step.
    void reallocationActivated(qint64 step);

private:
    void insertRow(const l1ra::ReallocationEvent& event);
    void updateSummary();

    QLabel* summary_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    int movedRanks_ = 0;
    int interval_ = 0;
    std::vector<l1ra::ReallocationEvent> events_;   // oldest first
};

}  // namespace l1ra::ui
