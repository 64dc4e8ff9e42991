#pragma once
// A horizontal slider over a logarithmic range (e.g. λ from 1e-5 to 10): equal travel for each decade.
#include <QSlider>

namespace l1ra::ui {

class LogSlider : public QSlider {
    Q_OBJECT
public:
    explicit LogSlider(double minimum, double maximum, int stepsPerDecade = 20, QWidget* parent = nullptr);

    void setLogValue(double value);   // clamped into the range; values <= 0 go to the minimum
    double logValue() const;
    double logMinimum() const { return minimum_; }
    double logMaximum() const { return maximum_; }

Q_SIGNALS:
    void logValueChanged(double value);

private:
    double minimum_;
    double maximum_;
    int stepsPerDecade_;
};

}  // namespace l1ra::ui
