#include "live/live_knobs.h"

#include "widgets/log_slider.h"
#include "widgets/palette_colors.h"
#include "widgets/real_spin_box.h"

#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>

#include <cmath>
#include <utility>

namespace l1ra::ui {

namespace {

QString lambdaText(double lambda) { return QString::number(lambda, 'g', 4); }

bool sameLambda(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b)); }

}  // namespace

LiveKnobs::LiveKnobs(QWidget* parent) : QWidget(parent) {
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(4, 4, 4, 4);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(2);
    grid->setColumnStretch(1, 1);

    auto* budgetLabel = new QLabel(tr("Rank &budget"), this);
    budgetSpin_ = new QSpinBox(this);
    budgetSpin_->setObjectName(QStringLiteral("budgetSpin"));
    budgetSpin_->setRange(1, 1000000);
    budgetSpin_->setKeyboardTracking(false);
    budgetSpin_->setAccelerated(true);
    budgetSpin_->setToolTip(tr("Total rank over all adapters. A change applies at the next reallocation: "
                               "raising it hands extra ranks to the adapters that need them, lowering it prunes the lowest gates."));
    budgetLabel->setBuddy(budgetSpin_);
    budgetApply_ = new QPushButton(tr("Apply"), this);
    budgetApply_->setObjectName(QStringLiteral("budgetApply"));
    budgetStatus_ = new QLabel(this);
    budgetStatus_->setObjectName(QStringLiteral("budgetStatus"));
    grid->addWidget(budgetLabel, 0, 0);
    grid->addWidget(budgetSpin_, 0, 1, 1, 2);
    grid->addWidget(budgetApply_, 0, 3);
    grid->addWidget(budgetStatus_, 1, 1, 1, 3);

    auto* lambdaLabel = new QLabel(tr("L1 strength &\u03bb"), this);
    lambdaSlider_ = new LogSlider(kLambdaMinimum, kLambdaMaximum, 20, this);
    lambdaSlider_->setObjectName(QStringLiteral("lambdaSlider"));
    lambdaSlider_->setToolTip(tr("Logarithmic: one tick per decade from %1 to %2").arg(kLambdaMinimum).arg(kLambdaMaximum));
    lambdaSpin_ = new RealSpinBox(this);
    lambdaSpin_->setObjectName(QStringLiteral("lambdaSpin"));
    lambdaSpin_->setRange(0, 100);
    lambdaSpin_->setLogarithmicSteps(true);
    lambdaSpin_->setSmallestStep(kLambdaMinimum);
    lambdaSpin_->setMinimumWidth(90);
    lambdaSpin_->setToolTip(tr("Gates shrink by eta_c \u00b7 \u03bb after every step; a change applies from the next step."));
    lambdaLabel->setBuddy(lambdaSpin_);
    lambdaApply_ = new QPushButton(tr("Apply"), this);
    lambdaApply_->setObjectName(QStringLiteral("lambdaApply"));
    lambdaStatus_ = new QLabel(this);
    lambdaStatus_->setObjectName(QStringLiteral("lambdaStatus"));
    grid->addWidget(lambdaLabel, 2, 0);
    grid->addWidget(lambdaSlider_, 2, 1);
    grid->addWidget(lambdaSpin_, 2, 2);
    grid->addWidget(lambdaApply_, 2, 3);
    grid->addWidget(lambdaStatus_, 3, 1, 1, 3);

    // Typing + Enter, the Apply button, or letting go of the slider sends a request; dragging only previews.
    // editingFinished also fires on focus loss; only Enter (or Apply) is a request.
    budgetSpin_->installEventFilter(this);
    lambdaSpin_->installEventFilter(this);
    connect(budgetSpin_, &QSpinBox::editingFinished, this, [this] {
        if (std::exchange(enterPressed_, false)) requestBudget(budgetSpin_->value());
    });
    connect(budgetApply_, &QPushButton::clicked, this, [this] { requestBudget(budgetSpin_->value()); });
    connect(lambdaSpin_, &QDoubleSpinBox::editingFinished, this, [this] {
        if (std::exchange(enterPressed_, false)) requestLambda(lambdaSpin_->value());
    });
    connect(lambdaApply_, &QPushButton::clicked, this, [this] { requestLambda(lambdaSpin_->value()); });
    connect(lambdaSlider_, &LogSlider::logValueChanged, this, [this](double value) {
        const QSignalBlocker block(lambdaSpin_);
        lambdaSpin_->setValue(value);
        if (!lambdaSlider_->isSliderDown()) requestLambda(value);   // keyboard or click on the groove
    });
    connect(lambdaSlider_, &QSlider::sliderReleased, this, [this] { requestLambda(lambdaSlider_->logValue()); });

    setCurrent(lambda_, budget_);
}

void LiveKnobs::setCurrent(double lambda, int budget) {
    lambda_ = lambda;
    budget_ = budget;
    lambdaPending_ = budgetPending_ = false;
    lambdaAppliedAt_ = budgetAppliedAt_ = -1;
    {
        const QSignalBlocker blockSpin(lambdaSpin_), blockSlider(lambdaSlider_), blockBudget(budgetSpin_);
        lambdaSpin_->setValue(lambda);
        lambdaSlider_->setLogValue(lambda);
        budgetSpin_->setValue(budget);
    }
    showLambdaStatus();
    showBudgetStatus();
}

void LiveKnobs::setBudgetRange(int minimum, int maximum) {
    const QSignalBlocker block(budgetSpin_);
    budgetSpin_->setRange(std::max(1, minimum), std::max(std::max(1, minimum), maximum));
}

void LiveKnobs::setLambdaEnabled(bool enabled) {
    for (QWidget* w : std::initializer_list<QWidget*>{lambdaSlider_, lambdaSpin_, lambdaApply_}) w->setEnabled(enabled);
}

void LiveKnobs::setBudgetEnabled(bool enabled) {
    for (QWidget* w : std::initializer_list<QWidget*>{budgetSpin_, budgetApply_}) w->setEnabled(enabled);
}

void LiveKnobs::requestLambda(double lambda) {
    {
        const QSignalBlocker blockSpin(lambdaSpin_), blockSlider(lambdaSlider_);
        lambdaSpin_->setValue(lambda);
        lambdaSlider_->setLogValue(lambda);
    }
    // Asking again for what is already pending (or already in force) sends nothing.
    if (lambdaPending_ ? sameLambda(lambda, pendingLambda_) : sameLambda(lambda, lambda_)) return;
    lambdaPending_ = true;
    pendingLambda_ = lambda;
    showLambdaStatus();
    Q_EMIT lambdaRequested(lambda);
}

void LiveKnobs::requestBudget(int budget) {
    {
        const QSignalBlocker block(budgetSpin_);
        budgetSpin_->setValue(budget);
    }
    if (budgetPending_ ? budget == pendingBudget_ : budget == budget_) return;
    budgetPending_ = true;
    pendingBudget_ = budget;
    showBudgetStatus();
    Q_EMIT budgetRequested(budget);
}

void LiveKnobs::markApplied(l1ra::ControlKind kind, double value, qint64 step) {
    if (kind == l1ra::ControlKind::Lambda) {
        lambda_ = value;
        lambdaAppliedAt_ = step;
        // A newer request than the one that just landed stays pending.
        if (lambdaPending_ && sameLambda(value, pendingLambda_)) lambdaPending_ = false;
        if (!lambdaPending_) {
            const QSignalBlocker blockSpin(lambdaSpin_), blockSlider(lambdaSlider_);
            lambdaSpin_->setValue(value);
            lambdaSlider_->setLogValue(value);
        }
        showLambdaStatus();
    } else if (kind == l1ra::ControlKind::Budget) {
        budget_ = int(std::lround(value));
        budgetAppliedAt_ = step;
        if (budgetPending_ && pendingBudget_ == budget_) budgetPending_ = false;
        if (!budgetPending_) {
            const QSignalBlocker block(budgetSpin_);
            budgetSpin_->setValue(budget_);
        }
        showBudgetStatus();
    }
}

bool LiveKnobs::isPending(const QString& what) const {
    if (what == QLatin1String("lambda")) return lambdaPending_;
    if (what == QLatin1String("budget")) return budgetPending_;
    return false;
}

QString LiveKnobs::statusText(const QString& what) const {
    if (what == QLatin1String("lambda")) return lambdaStatus_->text();
    if (what == QLatin1String("budget")) return budgetStatus_->text();
    return {};
}

void LiveKnobs::showStatus(QLabel* label, const QString& text, bool pending, bool applied) {
    QFont font = label->font();
    font.setItalic(pending);
    label->setFont(font);
    QPalette pal = label->palette();
    pal.setColor(QPalette::WindowText, pending ? warningColor(palette()) : applied ? successColor(palette()) : mutedTextColor(palette()));
    label->setPalette(pal);
    label->setText(text);
}

void LiveKnobs::showLambdaStatus() {
    if (lambdaPending_) {
        showStatus(lambdaStatus_, tr("pending: \u03bb = %1 (from the next step)").arg(lambdaText(pendingLambda_)), true, false);
    } else if (lambdaAppliedAt_ >= 0) {
        showStatus(lambdaStatus_, tr("\u03bb = %1 applied at step %2").arg(lambdaText(lambda_)).arg(lambdaAppliedAt_), false, true);
    } else {
        showStatus(lambdaStatus_, tr("\u03bb = %1").arg(lambdaText(lambda_)), false, false);
    }
}

void LiveKnobs::showBudgetStatus() {
    if (budgetPending_) {
        showStatus(budgetStatus_, tr("pending: budget = %1 (at the next reallocation)").arg(pendingBudget_), true, false);
    } else if (budgetAppliedAt_ >= 0) {
        showStatus(budgetStatus_, tr("budget = %1 applied at step %2").arg(budget_).arg(budgetAppliedAt_), false, true);
    } else {
        showStatus(budgetStatus_, budget_ > 0 ? tr("budget = %1").arg(budget_) : tr("budget set when the run starts"), false, false);
    }
}

bool LiveKnobs::eventFilter(QObject* watched, QEvent* event) {
    if ((watched == budgetSpin_ || watched == lambdaSpin_) && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        enterPressed_ = key == Qt::Key_Return || key == Qt::Key_Enter;
    }
    return QWidget::eventFilter(watched, event);
}

void LiveKnobs::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        showLambdaStatus();
        showBudgetStatus();
    }
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
