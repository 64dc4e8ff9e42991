#include "runs/run_history_list.h"

#include "widgets/count_text.h"
#include "widgets/palette_colors.h"

#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace l1ra::ui {

namespace {

enum Column { kName, kDate, kMethod, kSteps, kValLoss, kState, kColumns };

}  // namespace

RunHistoryList::RunHistoryList(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    auto* top = new QHBoxLayout;
    header_ = new QLabel(this);
    header_->setObjectName(QStringLiteral("runHistoryRoot"));
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    header_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* refreshButton = new QToolButton(this);
    refreshButton->setText(tr("Refresh"));
    refreshButton->setToolTip(tr("Read the runs folder again"));
    refreshButton->setAutoRaise(true);
    connect(refreshButton, &QToolButton::clicked, this, &RunHistoryList::refresh);
    top->addWidget(header_, 1);
    top->addWidget(refreshButton);
    layout->addLayout(top);

    tree_ = new QTreeWidget(this);
    tree_->setObjectName(QStringLiteral("runHistoryTree"));
    tree_->setRootIsDecorated(false);
    tree_->setUniformRowHeights(true);
    tree_->setAlternatingRowColors(true);
    tree_->setSortingEnabled(false);   // newest first is the order that matters
    tree_->setHeaderLabels({tr("Run"), tr("Started"), tr("Method"), tr("Steps"), tr("Val loss"), tr("State")});
    tree_->header()->setSectionResizeMode(kName, QHeaderView::Stretch);
    tree_->header()->setStretchLastSection(false);
    for (int c = kDate; c < kColumns; ++c) tree_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    layout->addWidget(tree_, 1);
    connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        Q_EMIT runActivated(item->data(kName, Qt::UserRole).toString());
    });
}

void RunHistoryList::setRoot(const QString& root) {
    root_ = root;
    refresh();
}

void RunHistoryList::setLiveRun(const QString& dir, const QString& state) {
    liveDir_ = QDir::cleanPath(dir);
    liveState_ = state;
    fill();
}

void RunHistoryList::refresh() {
    runs_ = root_.isEmpty() ? std::vector<RunListing>{} : scanRuns(root_);
    fill();
    Q_EMIT runsChanged();
}

void RunHistoryList::fill() {
    const QString selected = selectedDir();
    header_->setText(tr("%1 in %2").arg(countText(qint64(runs_.size()), tr("run"), tr("runs")), QDir::toNativeSeparators(root_)));
    header_->setToolTip(root_);
    tree_->clear();
    const QLocale locale;
    for (const RunListing& run : runs_) {
        auto* item = new QTreeWidgetItem(tree_);
        item->setText(kName, run.name);
        item->setData(kName, Qt::UserRole, run.dir);
        item->setToolTip(kName, run.dir + (run.model.isEmpty() ? QString() : tr("\nmodel: %1").arg(run.model)));
        item->setText(kDate, run.started.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        item->setToolTip(kDate, locale.toString(run.started, QLocale::LongFormat));
        item->setText(kMethod, run.method.toUpper());
        item->setText(kSteps, run.totalSteps > 0 ? QStringLiteral("%1 / %2").arg(run.steps).arg(run.totalSteps) : QString::number(run.steps));
        item->setTextAlignment(kSteps, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(kValLoss, run.hasValLoss ? QString::number(run.finalValLoss, 'f', 4) : QStringLiteral("\u2013"));
        item->setTextAlignment(kValLoss, Qt::AlignRight | Qt::AlignVCenter);
        const bool live = !liveDir_.isEmpty() && run.dir == liveDir_ && run.state == QLatin1String("incomplete");
        item->setText(kState, live ? liveState_ : run.state);
        if (!run.error.isEmpty()) {
            item->setToolTip(kState, run.error);
            item->setForeground(kState, errorColor(palette()));
        } else if (live) {
            item->setForeground(kState, successColor(palette()));
        }
        if (run.dir == selected) tree_->setCurrentItem(item);
    }
}

QString RunHistoryList::dirAt(int row) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    return item ? item->data(kName, Qt::UserRole).toString() : QString();
}

QString RunHistoryList::textAt(int row, int column) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    return item ? item->text(column) : QString();
}

QString RunHistoryList::selectedDir() const {
    const QTreeWidgetItem* item = tree_->currentItem();
    return item ? item->data(kName, Qt::UserRole).toString() : QString();
}

void RunHistoryList::selectDir(const QString& dir) {
    const QString clean = QDir::cleanPath(dir);
    for (int row = 0; row < tree_->topLevelItemCount(); ++row)
        if (dirAt(row) == clean) tree_->setCurrentItem(tree_->topLevelItem(row));
}

}  // namespace l1ra::ui
