#pragma once
// The two settings a user may change while training runs: the total rank budget and the L1 strength λ.
// A request is shown as pending until the engine reports that it took effect (markApplied).
#include "l1ra/training_events.h"

#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;

namespace l1ra::ui {

class LogSlider;
class RealSpinBox;

class LiveKnobs : public QWidget {
    Q_OBJECT
public:
    static constexpr double kLambdaMinimum = 1e-5;
    static constexpr double kLambdaMaximum = 10.0;

    explicit LiveKnobs(QWidget* parent = nullptr);

    // The run's values, without emitting requests; clears anything pending.
    void setCurrent(double lambda, int budget);
    // `what` is a ControlEvent name: "lambda" or "budget".
    void markApplied(l1ra::ControlKind kind, double value, qint64 step);
    // The budget cannot go below one rank per adapter.
    void setBudgetRange(int minimum, int maximum);
    void setLambdaEnabled(bool enabled);
    void setBudgetEnabled(bool enabled);

    double lambda() const { return lambda_; }
    int budget() const { return budget_; }
    bool isPending(const QString& what) const;
    double pendingLambda() const { return pendingLambda_; }
    int pendingBudget() const { return pendingBudget_; }
    QString statusText(const QString& what) const;

public Q_SLOTS:
    // As if the user had entered the value and applied it.
    void requestLambda(double lambda);
    void requestBudget(int budget);

Q_SIGNALS:
    void lambdaRequested(double lambda);
    void budgetRequested(int budget);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void showLambdaStatus();
    void showBudgetStatus();
    void showStatus(QLabel* label, const QString& text, bool pending, bool applied);

    QSpinBox* budgetSpin_ = nullptr;
    QPushButton* budgetApply_ = nullptr;
    QLabel* budgetStatus_ = nullptr;
    LogSlider* lambdaSlider_ = nullptr;
    RealSpinBox* lambdaSpin_ = nullptr;
    QPushButton* lambdaApply_ = nullptr;
    QLabel* lambdaStatus_ = nullptr;

    double lambda_ = 5e-3;
    int budget_ = 0;
    bool lambdaPending_ = false;
    bool budgetPending_ = false;
    double pendingLambda_ = 0;
    int pendingBudget_ = 0;
    qint64 lambdaAppliedAt_ = -1;   // step of the last applied change, -1 = the run's start value
    qint64 budgetAppliedAt_ = -1;
    bool enterPressed_ = false;
};

}  // namespace l1ra::ui
