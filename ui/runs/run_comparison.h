#pragma once
// Two runs side by side: run A's and run B's rank maps at the same point of their timelines (the end, or
// a fraction of the way through) and the difference B − A, with a summary of where rank differs.
#include "l1ra/run_record.h"
#include "runs/run_listing.h"

#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;

namespace l1ra::ui {

class BackgroundJob;
class RankHeatmap;

class RunComparison : public QWidget {
    Q_OBJECT
public:
    explicit RunComparison(QWidget* parent = nullptr);

    // The runs offered in the two pickers.
    void setRuns(const std::vector<RunListing>& runs);
    // Reads both records on a worker thread, then shows them (compared() or failed()).
    void compare(const QString& dirA, const QString& dirB);
    void setRecords(l1ra::RunRecord a, l1ra::RunRecord b);
    bool hasRecords() const { return hasRecords_; }
    bool isLoading() const;

    // 0..1000: how far through each run's snapshots (1000 = the last one).
    void setPosition(int permille);
    int position() const;

    RankHeatmap* heatmapA() const { return heatmapA_; }
    RankHeatmap* heatmapB() const { return heatmapB_; }
    RankHeatmap* differenceHeatmap() const { return difference_; }
    // B − A at the shown snapshots (0 where either has no adapter).
    int difference(int layer, int projection) const;
    int changedAdapters() const;
    bool shapesMatch() const;
    QString summaryText() const;

    // The snapshot a run shows at `permille` of its timeline.
    static int snapshotIndexAt(int snapshots, int permille);

Q_SIGNALS:
    void compared();
    void failed(const QString& error);

private:
    void refresh();
    QString selectedDir(QComboBox* combo) const;

    QComboBox* pickA_ = nullptr;
    QComboBox* pickB_ = nullptr;
    QPushButton* compareButton_ = nullptr;
    QSlider* slider_ = nullptr;
    QLabel* position_ = nullptr;
    QLabel* titleA_ = nullptr;
    QLabel* titleB_ = nullptr;
    QLabel* summary_ = nullptr;
    RankHeatmap* heatmapA_ = nullptr;
    RankHeatmap* heatmapB_ = nullptr;
    RankHeatmap* difference_ = nullptr;
    BackgroundJob* loader_ = nullptr;

    l1ra::RunRecord a_;
    l1ra::RunRecord b_;
    bool hasRecords_ = false;
};

}  // namespace l1ra::ui
