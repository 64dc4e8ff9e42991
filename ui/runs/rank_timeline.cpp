#include "runs/rank_timeline.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <algorithm>

namespace l1ra::ui {

namespace {

constexpr int kFrameMs = 120;   // fast enough to see the flow, slow enough to read the cells

}  // namespace

RankTimeline::RankTimeline(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    play_ = new QToolButton(this);
    play_->setObjectName(QStringLiteral("timelinePlay"));
    play_->setCheckable(true);
    play_->setAutoRaise(true);
    play_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    play_->setToolTip(tr("Play the rank history"));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("timelineSlider"));
    slider_->setTickPosition(QSlider::TicksBelow);
    slider_->setPageStep(5);
    slider_->setToolTip(tr("Scrub through the rank snapshots (arrow keys step one reallocation)"));
    label_ = new QLabel(this);
    label_->setObjectName(QStringLiteral("timelineLabel"));
    label_->setMinimumWidth(label_->fontMetrics().horizontalAdvance(QStringLiteral("step 000000 (000/000)")));
    layout->addWidget(play_);
    layout->addWidget(slider_, 1);
    layout->addWidget(label_);

    timer_ = new QTimer(this);
    timer_->setInterval(kFrameMs);
    connect(timer_, &QTimer::timeout, this, [this] {
        if (position() + 1 >= count()) setPlaying(false);
        else setPosition(position() + 1);
    });
    connect(play_, &QToolButton::toggled, this, &RankTimeline::setPlaying);
    connect(slider_, &QSlider::valueChanged, this, [this](int index) {
        updateLabel();
        Q_EMIT positionChanged(index);
    });
    setSteps({});
}

void RankTimeline::setSteps(std::vector<int64_t> steps) {
    setPlaying(false);
    steps_ = std::move(steps);
    {
        const QSignalBlocker block(slider_);
        slider_->setRange(0, std::max(0, count() - 1));
        slider_->setTickInterval(std::max(1, count() / 20));
        slider_->setValue(slider_->maximum());
    }
    setEnabled(count() > 1);
    updateLabel();
    if (count() > 0) Q_EMIT positionChanged(position());
}

int RankTimeline::position() const { return slider_->value(); }

int64_t RankTimeline::stepAt(int index) const {
    return index >= 0 && index < count() ? steps_[std::size_t(index)] : 0;
}

int RankTimeline::indexForStep(int64_t step) const {
    const auto it = std::upper_bound(steps_.begin(), steps_.end(), step);
    return it == steps_.begin() ? 0 : int(it - steps_.begin()) - 1;
}

bool RankTimeline::isPlaying() const { return timer_->isActive(); }

void RankTimeline::setPosition(int index) { slider_->setValue(std::clamp(index, 0, std::max(0, count() - 1))); }

void RankTimeline::setPlaying(bool playing) {
    if (playing && count() > 1) {
        if (position() + 1 >= count()) setPosition(0);   // play from the start after reaching the end
        timer_->start();
    } else {
        timer_->stop();
        playing = false;
    }
    const QSignalBlocker block(play_);
    play_->setChecked(playing);
    play_->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

void RankTimeline::updateLabel() {
    if (count() == 0) {
        label_->setText(tr("no snapshots"));
        return;
    }
    label_->setText(tr("step %1 (%2/%3)").arg(stepAt(position())).arg(position() + 1).arg(count()));
}

}  // namespace l1ra::ui
