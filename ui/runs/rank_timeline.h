#pragma once
// A slider over a run's rank snapshots (one position per line of ranks.jsonl), with the step it stands for
// and a play button that steps through them.
#include <QWidget>

#include <cstdint>
#include <vector>

class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace l1ra::ui {

class RankTimeline : public QWidget {
    Q_OBJECT
public:
    explicit RankTimeline(QWidget* parent = nullptr);

    // The snapshots' steps, oldest first; moves to the last one.
    void setSteps(std::vector<int64_t> steps);
    int count() const { return int(steps_.size()); }
    int position() const;
    int64_t stepAt(int index) const;
    // The last snapshot at or before `step` (0 when none is).
    int indexForStep(int64_t step) const;
    bool isPlaying() const;
    QSlider* slider() const { return slider_; }

public Q_SLOTS:
    void setPosition(int index);
    void setPlaying(bool playing);

Q_SIGNALS:
    void positionChanged(int index);

private:
    void updateLabel();

    QSlider* slider_ = nullptr;
    QLabel* label_ = nullptr;
    QToolButton* play_ = nullptr;
    QTimer* timer_ = nullptr;
    std::vector<int64_t> steps_;
};

}  // namespace l1ra::ui
