#pragma once
// The runs under the runs root, newest first: name, date, method, steps, final validation loss, state.
// Double-click (or Enter) opens one.
#include "runs/run_listing.h"

#include <QString>
#include <QWidget>

#include <vector>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace l1ra::ui {

class RunHistoryList : public QWidget {
    Q_OBJECT
public:
    explicit RunHistoryList(QWidget* parent = nullptr);

    void setRoot(const QString& root);
    QString root() const { return root_; }
    // The run being trained shows its live state instead of "incomplete".
    void setLiveRun(const QString& dir, const QString& state);

    int runCount() const { return int(runs_.size()); }
    const std::vector<RunListing>& runs() const { return runs_; }
    QString dirAt(int row) const;
    QString textAt(int row, int column) const;
    QString selectedDir() const;
    void selectDir(const QString& dir);

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void runActivated(const QString& dir);
    void runsChanged();

private:
    void fill();

    QLabel* header_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    QString root_;
    QString liveDir_;
    QString liveState_;
    std::vector<RunListing> runs_;
};

}  // namespace l1ra::ui
