#pragma once
// A spin box for real numbers that span decades (1e-8 … 10): shows the shortest exact text ("0.0002", "1e-08"),
// accepts scientific input, and with logarithmic steps walks 1-2-5 per decade instead of adding a fixed step.
#include <QDoubleSpinBox>

namespace l1ra::ui {

class RealSpinBox : public QDoubleSpinBox {
    Q_OBJECT
public:
    explicit RealSpinBox(QWidget* parent = nullptr);

    void setLogarithmicSteps(bool enabled) { logarithmic_ = enabled; }
    bool logarithmicSteps() const { return logarithmic_; }
    // Where a logarithmic step up from zero lands (and below which a step down goes to zero).
    void setSmallestStep(double value) { smallest_ = value; }

    QString textFromValue(double value) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& input, int& position) const override;
    void fixup(QString& input) const override;
    void stepBy(int steps) override;

private:
    static double nextOnScale(double value, bool up);

    bool logarithmic_ = false;
    double smallest_ = 1e-6;
};

}  // namespace l1ra::ui
