#pragma once
// The status bar's permanent part: a busy indicator for background work (exports, loading), the run's step
// out of its total with a progress bar, ETA, tokens per second, device and state.
#include "l1ra/training_events.h"

#include <QString>
#include <QWidget>

class QLabel;
class QProgressBar;

namespace l1ra::ui {

class StatusReadout : public QWidget {
    Q_OBJECT
public:
    explicit StatusReadout(QWidget* parent = nullptr);

    void setState(l1ra::RunState state, const QString& detail = QString());
    void setStep(const l1ra::StepEvent& step);
    void setDevice(const QString& device);
    void resetRun(qint64 totalSteps);
    // Background work the user may wait for; an empty text hides the indicator.
    void setBusy(const QString& text);

    QString stateText() const;
    QString stepText() const;
    QString etaText() const;
    QString speedText() const;
    QString deviceText() const;
    QString busyText() const;
    bool isBusy() const;

    static QString formatDuration(double seconds);     // "0:42", "12:05", "1:02:03"
    static QString formatRate(double tokensPerSecond); // "850 tok/s", "13.2 k tok/s"

protected:
    void changeEvent(QEvent* event) override;

private:
    void colorState();

    QProgressBar* busyBar_ = nullptr;
    QLabel* busy_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* step_ = nullptr;
    QLabel* eta_ = nullptr;
    QLabel* speed_ = nullptr;
    QLabel* device_ = nullptr;
    QLabel* state_ = nullptr;
    l1ra::RunState runState_ = l1ra::RunState::Idle;
};

}  // namespace l1ra::ui
