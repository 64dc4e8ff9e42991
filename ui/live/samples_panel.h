#pragma once
// The answers to samples.prompts as the run trains, newest step first: one row per step with a child row per
// prompt (prompt, answer, whether generation ended by itself). Only presents what it is given.
#include "l1ra/training_events.h"

#include <QString>
#include <QWidget>

#include <vector>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace l1ra::ui {

class SamplesPanel : public QWidget {
    Q_OBJECT
public:
    explicit SamplesPanel(QWidget* parent = nullptr);

    void addSample(const l1ra::SampleEvent& sample);
    void setSamples(const std::vector<l1ra::SampleEvent>& samples);
    void clear();
    // Whether the run asked for samples: without prompts the panel says where to add them.
    void setPromptCount(int prompts);

    int stepCount() const;                 // top-level rows
    qint64 stepAt(int row) const;          // row 0 is the newest step
    int sampleCount(int row) const;        // prompts answered at that step
    QString answerAt(int row, int index) const;
    QString promptAt(int row, int index) const;
    QString hintText() const;

private:
    QTreeWidgetItem* stepRow(qint64 step);
    void updateHint();

    QLabel* hint_;
    QTreeWidget* tree_;
    int prompts_ = 0;
};

}  // namespace l1ra::ui
