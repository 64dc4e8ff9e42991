#pragma once
// The studio window. For now it lays out the presentation widgets (setup page, live training view, log);
// the controller that feeds them from a training session comes with the engine's session (phase 2).
#include <QMainWindow>

namespace l1ra::ui {

class BudgetPanel;
class LiveKnobs;
class LogPane;
class MetricsCurves;
class RankHeatmap;
class ReallocationLog;
class RunConfigForm;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    RunConfigForm* runConfigForm() const { return form_; }
    RankHeatmap* heatmap() const { return heatmap_; }
    MetricsCurves* curves() const { return curves_; }
    BudgetPanel* budgetPanel() const { return budget_; }
    ReallocationLog* reallocationLog() const { return reallocations_; }
    LiveKnobs* liveKnobs() const { return knobs_; }
    LogPane* logPane() const { return log_; }

private:
    QWidget* buildTrainingPage();

    RunConfigForm* form_ = nullptr;
    RankHeatmap* heatmap_ = nullptr;
    MetricsCurves* curves_ = nullptr;
    BudgetPanel* budget_ = nullptr;
    ReallocationLog* reallocations_ = nullptr;
    LiveKnobs* knobs_ = nullptr;
    LogPane* log_ = nullptr;
};

}  // namespace l1ra::ui
