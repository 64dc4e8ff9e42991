#pragma once
// The Setup page's memory plan: the expected peak of a training step (weights, adapters with their optimizer
// state, activations, workspace) against the device's free memory, and the cheapest change that makes the run
// fit. Recomputed as fields change, a moment after the last change, on a worker thread (l1ra::planRunMemory reads
// the model's config.json and asks the device).
#include "l1ra/memory_plan.h"
#include "l1ra/run_config.h"

#include <QString>
#include <QWidget>

#include <functional>

class QLabel;
class QTimer;

namespace l1ra::ui {

class BackgroundJob;

class MemoryPlanView : public QWidget {
    Q_OBJECT
public:
    using PlanFunction = std::function<l1ra::MemoryPlan(const l1ra::RunConfig&)>;

    explicit MemoryPlanView(QWidget* parent = nullptr);

    // Replaces l1ra::planRunMemory (tests give a device of a chosen size).
    void setPlanFunction(PlanFunction function);
    // Plans this config a moment from now; a newer request replaces one not yet started, and a result that
    // arrives after a newer request is dropped.
    void request(const l1ra::RunConfig& config);

    QString text() const;
    bool hasPlan() const { return hasPlan_; }
    bool fits() const { return fits_; }

Q_SIGNALS:
    void planned(bool ok);

protected:
    void changeEvent(QEvent* event) override;

private:
    void start();
    void showPlan(const l1ra::MemoryPlan& plan);
    void showMessage(const QString& text, bool isError);
    void refreshColor();

    QLabel* label_ = nullptr;
    QTimer* delay_ = nullptr;
    BackgroundJob* job_ = nullptr;
    bool again_ = false;   // a request came while a plan was being computed
    PlanFunction function_;
    l1ra::RunConfig pending_;
    quint64 generation_ = 0;
    bool hasPlan_ = false;
    bool fits_ = true;
    bool isError_ = false;
};

// One paragraph for the label: the split, the verdict and, when it does not fit, the advice.
QString describeMemoryPlan(const l1ra::MemoryPlan& plan);

}  // namespace l1ra::ui
