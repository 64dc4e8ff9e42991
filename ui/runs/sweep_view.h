#pragma once
// The Compare page's sweep tab: a sweep folder (`l1ra sweep`) read on a worker thread, its validation
// perplexity against the swept value (SweepChart) and its table, one row per grid point.
#include "l1ra/sweep.h"

#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace l1ra::ui {

class BackgroundJob;
class SweepChart;

class SweepView : public QWidget {
    Q_OBJECT
public:
    explicit SweepView(QWidget* parent = nullptr);

    void openSweep(const QString& dir);   // asynchronous: loaded() or failed()
    void setRecord(l1ra::SweepRecord record);
    bool hasRecord() const { return hasRecord_; }
    bool isLoading() const;
    const l1ra::SweepRecord& record() const { return record_; }
    QString folder() const { return QString::fromStdString(record_.dir); }

    void setAxis(int axis);   // which swept key is the chart's x axis
    int axis() const;
    SweepChart* chart() const { return chart_; }
    QTableWidget* table() const { return table_; }
    QString summaryText() const;

Q_SIGNALS:
    void openRequested();     // the "Open sweep…" button: the window asks for a folder
    void loaded();
    void failed(const QString& error);

private:
    void fillTable();

    QLabel* title_ = nullptr;
    QPushButton* openButton_ = nullptr;
    QComboBox* axisPicker_ = nullptr;
    SweepChart* chart_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* summary_ = nullptr;
    BackgroundJob* loader_ = nullptr;
    l1ra::SweepRecord record_;
    bool hasRecord_ = false;
};

}  // namespace l1ra::ui
