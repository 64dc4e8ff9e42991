#include "widgets/real_spin_box.h"

#include <QLocale>
#include <QRegularExpression>

#include <cfloat>
#include <cmath>

namespace l1ra::ui {

namespace {

bool parseNumber(QString text, double* value) {
    text = text.trimmed().replace(QLatin1Char(','), QLatin1Char('.'));
    bool ok = false;
    *value = QLocale::c().toDouble(text, &ok);
    return ok && std::isfinite(*value);
}

}  // namespace

RealSpinBox::RealSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    // QDoubleSpinBox rounds every value to `decimals`; the most it allows keeps tiny values such as 1e-8 exact.
    setDecimals(DBL_MAX_10_EXP + DBL_DIG);
    setRange(-1e300, 1e300);
    setAccelerated(true);
    setKeyboardTracking(false);
}

QString RealSpinBox::textFromValue(double value) const {
    // Plain decimals where they stay short ("0.0002", "16"), exponents beyond ("1e-08"); always the exact value.
    const double magnitude = std::abs(value);
    const bool plain = value == 0 || (magnitude >= 1e-4 && magnitude < 1e7);
    return QLocale::c().toString(value, plain ? 'f' : 'e', QLocale::FloatingPointShortest);
}

double RealSpinBox::valueFromText(const QString& text) const {
    if (!specialValueText().isEmpty() && text == specialValueText()) return minimum();
    double value = 0;
    return parseNumber(text, &value) ? value : this->value();
}

QValidator::State RealSpinBox::validate(QString& input, int& /*position*/) const {
    if (!specialValueText().isEmpty() && input == specialValueText()) return QValidator::Acceptable;
    double value = 0;
    if (parseNumber(input, &value)) return value >= minimum() && value <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    // Half-typed numbers ("", "-", "1e", "2.5e-") may still become valid.
    static const QRegularExpression partial(QStringLiteral("^\\s*[+-]?\\d*[.,]?\\d*([eE][+-]?\\d*)?\\s*$"));
    return partial.match(input).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

void RealSpinBox::fixup(QString& input) const {
    double value = 0;
    if (parseNumber(input, &value)) input = textFromValue(std::clamp(value, minimum(), maximum()));
}

double RealSpinBox::nextOnScale(double value, bool up) {
    // The 1-2-5 sequence: 1e-3, 2e-3, 5e-3, 1e-2, ...
    const double decade = std::pow(10.0, std::floor(std::log10(value)));
    const double mantissas[] = {1, 2, 5, 10};
    const double m = value / decade;
    if (up) {
        for (double candidate : mantissas)
            if (candidate > m * (1 + 1e-9)) return candidate * decade;
        return 20 * decade;
    }
    for (int i = 3; i >= 0; --i)
        if (mantissas[i] < m * (1 - 1e-9)) return mantissas[i] * decade;
    return 0.5 * decade;
}

void RealSpinBox::stepBy(int steps) {
    if (!logarithmic_) {
        QDoubleSpinBox::stepBy(steps);
        return;
    }
    double v = value();
    for (int i = 0; i < std::abs(steps); ++i) {
        if (steps > 0) v = v <= 0 ? smallest_ : nextOnScale(v, true);
        else v = v <= smallest_ * (1 + 1e-9) ? 0 : nextOnScale(v, false);
    }
    setValue(std::clamp(v, minimum(), maximum()));
    selectAll();
}

}  // namespace l1ra::ui
