#include "widgets/log_slider.h"

#include <algorithm>
#include <cmath>

namespace l1ra::ui {

LogSlider::LogSlider(double minimum, double maximum, int stepsPerDecade, QWidget* parent)
    : QSlider(Qt::Horizontal, parent), minimum_(minimum), maximum_(maximum), stepsPerDecade_(stepsPerDecade) {
    const int steps = int(std::lround(std::log10(maximum_ / minimum_) * stepsPerDecade_));
    setRange(0, steps);
    setSingleStep(1);
    setPageStep(stepsPerDecade_);
    setTickInterval(stepsPerDecade_);   // one tick per decade
    setTickPosition(QSlider::TicksBelow);
    connect(this, &QSlider::valueChanged, this, [this](int) { Q_EMIT logValueChanged(logValue()); });
}

void LogSlider::setLogValue(double value) {
    const double clamped = std::clamp(value > 0 ? value : minimum_, minimum_, maximum_);
    setValue(int(std::lround(std::log10(clamped / minimum_) * stepsPerDecade_)));
}

double LogSlider::logValue() const {
    // Round to 2 significant digits: a slider position should read as a plain number (0.05, not 0.050118723).
    const double raw = minimum_ * std::pow(10.0, double(value()) / stepsPerDecade_);
    const double scale = std::pow(10.0, 1 - std::floor(std::log10(raw)));
    return std::round(raw * scale) / scale;
}

}  // namespace l1ra::ui
