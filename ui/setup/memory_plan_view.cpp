#include "setup/memory_plan_view.h"

#include "shell/background_job.h"
#include "widgets/palette_colors.h"

#include <QEvent>
#include <QLabel>
#include <QTimer>
#include <QVBoxLayout>

#include <memory>

namespace l1ra::ui {

namespace {

QString bytes(int64_t n) { return QString::fromStdString(l1ra::formatBytes(n)); }

}  // namespace

QString describeMemoryPlan(const l1ra::MemoryPlan& p) {
    const auto& r = p.request;
    QString text = MemoryPlanView::tr("Memory at the peak of a step: %1 (weights %2, adapters and optimizer %3, activations %4, workspace %5)")
                       .arg(bytes(p.peakBytes), bytes(p.weightBytes), bytes(p.adapterBytes), bytes(p.activationBytes), bytes(p.workspaceBytes));
    const bool cuda = r.device.rfind("cuda", 0) == 0;
    text += cuda ? MemoryPlanView::tr(" + about %1 for the CUDA context").arg(bytes(p.overheadBytes))
                 : MemoryPlanView::tr(" + about %1 for the process").arg(bytes(p.overheadBytes));
    if (p.freeBytes < 0) return text + MemoryPlanView::tr("; the free memory of %1 is unknown.").arg(QString::fromStdString(r.device));
    text += p.fits ? MemoryPlanView::tr("; %1 free on %2: fits.").arg(bytes(p.freeBytes), QString::fromStdString(r.device))
                   : MemoryPlanView::tr("; only %1 free on %2: does not fit.").arg(bytes(p.freeBytes), QString::fromStdString(r.device));
    if (!p.advice.empty()) {
        QString advice = QString::fromStdString(p.advice);
        advice[0] = advice[0].toUpper();
        text += QLatin1Char(' ') + advice + QLatin1Char('.');
    }
    return text;
}

MemoryPlanView::MemoryPlanView(QWidget* parent) : QWidget(parent), function_(&l1ra::planRunMemory) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    label_ = new QLabel(this);
    label_->setObjectName(QStringLiteral("memoryPlan"));
    label_->setWordWrap(true);
    label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label_->setToolTip(tr("Tensor memory a training step needs at its peak, estimated from the model's shape and these settings "
                          "(l1ra plan prints the same). Quantising the base (model.base_dtype) shrinks the weights; gradient "
                          "checkpointing the activations."));
    layout->addWidget(label_);
    delay_ = new QTimer(this);
    delay_->setSingleShot(true);
    delay_->setInterval(150);
    connect(delay_, &QTimer::timeout, this, &MemoryPlanView::start);
    job_ = new BackgroundJob(this);
}

void MemoryPlanView::setPlanFunction(PlanFunction function) { function_ = std::move(function); }

void MemoryPlanView::request(const l1ra::RunConfig& config) {
    pending_ = config;
    ++generation_;   // a result still on its way is now stale
    delay_->start();
}

QString MemoryPlanView::text() const { return label_->text(); }

void MemoryPlanView::start() {
    if (pending_.model.path.empty()) {
        hasPlan_ = false;
        showMessage(tr("Memory plan: choose a model folder."), false);
        return;
    }
    if (job_->isRunning()) {   // one plan at a time: this request starts when the running one ends
        again_ = true;
        return;
    }
    const quint64 generation = generation_;
    auto plan = std::make_shared<l1ra::MemoryPlan>();
    job_->start([plan, function = function_, config = pending_] { *plan = function(config); },
                [this, plan, generation](const QString& error) {
                    if (again_) {
                        again_ = false;
                        delay_->start();
                    }
                    if (generation != generation_) return;   // the fields changed since: a newer plan is on its way
                    if (error.isEmpty()) showPlan(*plan);
                    else showMessage(tr("Memory plan: %1").arg(error), true);
                    Q_EMIT planned(error.isEmpty());
                });
}

void MemoryPlanView::showPlan(const l1ra::MemoryPlan& plan) {
    hasPlan_ = true;
    fits_ = plan.fits;
    label_->setText(describeMemoryPlan(plan));
    isError_ = !plan.fits;
    refreshColor();
}

void MemoryPlanView::showMessage(const QString& text, bool isError) {
    if (isError) hasPlan_ = false;
    fits_ = true;
    label_->setText(text);
    isError_ = isError;
    refreshColor();
}

void MemoryPlanView::refreshColor() {
    QPalette p = label_->palette();
    p.setColor(QPalette::WindowText, isError_ ? errorColor(palette()) : mutedTextColor(palette()));
    label_->setPalette(p);
}

void MemoryPlanView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) refreshColor();
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
