#include "shell/status_readout.h"

#include "widgets/palette_colors.h"
#include "live/training_controller.h"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include <cmath>

namespace l1ra::ui {

namespace {

QFrame* separator(QWidget* parent) {
    auto* line = new QFrame(parent);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    return line;
}

}  // namespace

StatusReadout::StatusReadout(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 4, 0);
    layout->setSpacing(8);
    busyBar_ = new QProgressBar(this);
    busyBar_->setObjectName(QStringLiteral("busyIndicator"));
    busyBar_->setRange(0, 0);   // indeterminate
    busyBar_->setMaximumSize(80, 14);
    busyBar_->setTextVisible(false);
    busy_ = new QLabel(this);
    busy_->setObjectName(QStringLiteral("busyText"));
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("runProgress"));
    progress_->setMaximumSize(120, 14);
    progress_->setTextVisible(false);
    step_ = new QLabel(this);
    step_->setObjectName(QStringLiteral("statusStep"));
    eta_ = new QLabel(this);
    eta_->setObjectName(QStringLiteral("statusEta"));
    eta_->setToolTip(tr("Estimated time to the last step"));
    speed_ = new QLabel(this);
    speed_->setObjectName(QStringLiteral("statusSpeed"));
    speed_->setToolTip(tr("Training throughput (input tokens per second, smoothed)"));
    device_ = new QLabel(this);
    device_->setObjectName(QStringLiteral("statusDevice"));
    state_ = new QLabel(this);
    state_->setObjectName(QStringLiteral("statusState"));
    state_->setMinimumWidth(state_->fontMetrics().horizontalAdvance(QStringLiteral("\u25cf Preparing")) + 8);
    for (QWidget* w : std::initializer_list<QWidget*>{busyBar_, busy_}) layout->addWidget(w);
    layout->addWidget(separator(this));
    for (QWidget* w : std::initializer_list<QWidget*>{progress_, step_, eta_, speed_}) layout->addWidget(w);
    layout->addWidget(separator(this));
    layout->addWidget(device_);
    layout->addWidget(separator(this));
    layout->addWidget(state_);
    setBusy({});
    resetRun(0);
    setDevice({});
    setState(l1ra::RunState::Idle);
}

QString StatusReadout::formatDuration(double seconds) {
    if (!(seconds >= 0) || std::isinf(seconds)) return QStringLiteral("\u2013");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600) return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString StatusReadout::formatRate(double tokensPerSecond) {
    if (tokensPerSecond >= 1e6) return tr("%1 M tok/s").arg(tokensPerSecond / 1e6, 0, 'f', 2);
    if (tokensPerSecond >= 1e4) return tr("%1 k tok/s").arg(tokensPerSecond / 1e3, 0, 'f', 1);
    return tr("%1 tok/s").arg(qint64(std::llround(tokensPerSecond)));
}

void StatusReadout::setState(l1ra::RunState state, const QString& detail) {
    runState_ = state;
    state_->setText(QStringLiteral("\u25cf ") + TrainingController::stateText(state));
    state_->setToolTip(detail);
    colorState();
}

void StatusReadout::colorState() {
    const QPalette pal = palette();
    QColor color = mutedTextColor(pal);
    switch (runState_) {
        case l1ra::RunState::Preparing:
        case l1ra::RunState::Running: color = successColor(pal); break;
        case l1ra::RunState::Paused:
        case l1ra::RunState::Stopping: color = warningColor(pal); break;
        case l1ra::RunState::Failed: color = errorColor(pal); break;
        default: break;
    }
    QPalette labelPalette = state_->palette();
    labelPalette.setColor(QPalette::WindowText, color);
    state_->setPalette(labelPalette);
}

void StatusReadout::setStep(const l1ra::StepEvent& step) {
    progress_->setRange(0, int(std::max<int64_t>(1, step.totalSteps)));
    progress_->setValue(int(step.step));
    step_->setText(tr("step %1 / %2").arg(step.step).arg(step.totalSteps));
    eta_->setText(tr("ETA %1").arg(formatDuration(step.etaSeconds)));
    speed_->setText(formatRate(step.tokensPerSecond));
}

void StatusReadout::resetRun(qint64 totalSteps) {
    progress_->setRange(0, int(std::max<qint64>(1, totalSteps)));
    progress_->setValue(0);
    step_->setText(totalSteps > 0 ? tr("step 0 / %1").arg(totalSteps) : tr("no run"));
    eta_->setText(tr("ETA \u2013"));
    speed_->setText(tr("\u2013 tok/s"));
}

void StatusReadout::setDevice(const QString& device) { device_->setText(device.isEmpty() ? tr("device: \u2013") : device); }

void StatusReadout::setBusy(const QString& text) {
    busy_->setText(text);
    busyBar_->setVisible(!text.isEmpty());
    busy_->setVisible(!text.isEmpty());
}

QString StatusReadout::stateText() const { return state_->text(); }
QString StatusReadout::stepText() const { return step_->text(); }
QString StatusReadout::etaText() const { return eta_->text(); }
QString StatusReadout::speedText() const { return speed_->text(); }
QString StatusReadout::deviceText() const { return device_->text(); }
QString StatusReadout::busyText() const { return busy_->text(); }
bool StatusReadout::isBusy() const { return !busy_->text().isEmpty(); }

void StatusReadout::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) colorState();
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
