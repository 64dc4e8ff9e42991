#include "reallocation_log.h"

#include "palette_colors.h"

#include "l1ra/run_config.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace l1ra::ui {

namespace {

enum Column { StepColumn, CountsColumn, MovesColumn };
constexpr int kStepRole = Qt::UserRole + 1;
const QString kMinus = QStringLiteral("\u2212");

QString adapterName(const l1ra::RankMove& move) {
    const auto& names = l1ra::projectionNames();
    const QString projection = move.projection >= 0 && move.projection < int(names.size())
                                   ? QString::fromStdString(names[std::size_t(move.projection)])
                                   : QStringLiteral("?");
    return QStringLiteral("L%1 %2").arg(move.layer).arg(projection);
}

}  // namespace

QString ReallocationLog::describeMove(const l1ra::RankMove& move) {
    const int net = move.after - move.before;
    const QString change = net > 0 ? QStringLiteral("+%1").arg(net) : net < 0 ? kMinus + QString::number(-net) : QStringLiteral("0");
    return tr("%1 %2 \u2192 %3 (%4)").arg(adapterName(move)).arg(move.before).arg(move.after).arg(change);
}

QString ReallocationLog::describeMoves(const l1ra::ReallocationEvent& event, int maxMoves) {
    std::vector<const l1ra::RankMove*> losses, gains;
    for (const l1ra::RankMove& move : event.moves) {
        if (move.after < move.before) losses.push_back(&move);
        else if (move.after > move.before) gains.push_back(&move);
    }
    // Biggest moves first: they are the story of the round.
    auto bySize = [](const l1ra::RankMove* a, const l1ra::RankMove* b) {
        return std::abs(a->after - a->before) > std::abs(b->after - b->before);
    };
    std::stable_sort(losses.begin(), losses.end(), bySize);
    std::stable_sort(gains.begin(), gains.end(), bySize);
    QStringList parts;
    int shown = 0;
    for (const auto* move : losses) {
        if (shown++ >= maxMoves) break;
        parts << tr("%1%2 from %3").arg(kMinus).arg(move->before - move->after).arg(adapterName(*move));
    }
    for (const auto* move : gains) {
        if (shown++ >= maxMoves) break;
        parts << tr("+%1 to %2").arg(move->after - move->before).arg(adapterName(*move));
    }
    const int total = int(losses.size() + gains.size());
    if (total == 0) return tr("no adapter changed");
    QString text = parts.join(QStringLiteral(", "));
    if (total > maxMoves) text += tr(", and %1 more").arg(total - maxMoves);
    return text;
}

ReallocationLog::ReallocationLog(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("reallocationSummary"));
    layout->addWidget(summary_);
    tree_ = new QTreeWidget(this);
    tree_->setObjectName(QStringLiteral("reallocationTree"));
    tree_->setColumnCount(3);
    tree_->setHeaderLabels({tr("Step"), tr("Pruned / added"), tr("Moves")});
    tree_->setRootIsDecorated(true);
    tree_->setUniformRowHeights(true);
    tree_->setAlternatingRowColors(true);
    tree_->header()->setSectionResizeMode(StepColumn, QHeaderView::ResizeToContents);
    tree_->header()->setSectionResizeMode(CountsColumn, QHeaderView::ResizeToContents);
    tree_->header()->setStretchLastSection(true);
    layout->addWidget(tree_, 1);
    connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        while (item->parent()) item = item->parent();
        Q_EMIT reallocationActivated(item->data(StepColumn, kStepRole).toLongLong());
    });
    updateSummary();
}

void ReallocationLog::insertRow(const l1ra::ReallocationEvent& event) {
    auto* item = new QTreeWidgetItem;
    item->setText(StepColumn, QString::number(event.step));
    item->setData(StepColumn, kStepRole, qint64(event.step));
    item->setTextAlignment(StepColumn, Qt::AlignRight | Qt::AlignVCenter);
    QString counts = tr("%1%2 / +%3").arg(kMinus).arg(event.pruned).arg(event.added);
    if (event.budgetChanged) counts += tr("  budget \u2192 %1").arg(event.budget);
    item->setText(CountsColumn, counts);
    item->setText(MovesColumn, describeMoves(event));
    item->setToolTip(MovesColumn, describeMoves(event, 40));
    if (event.budgetChanged) item->setForeground(CountsColumn, warningColor(palette()));
    for (const l1ra::RankMove& move : event.moves) {
        auto* child = new QTreeWidgetItem(item);
        child->setText(MovesColumn, describeMove(move));
        child->setForeground(MovesColumn, move.after > move.before ? successColor(palette()) : errorColor(palette()));
    }
    tree_->insertTopLevelItem(0, item);
    for (const l1ra::RankMove& move : event.moves) movedRanks_ += std::max(0, move.after - move.before);
}

void ReallocationLog::addReallocation(const l1ra::ReallocationEvent& event) {
    insertRow(event);
    updateSummary();
}

void ReallocationLog::setReallocations(const std::vector<l1ra::ReallocationEvent>& events) {
    clear();
    tree_->setUpdatesEnabled(false);
    for (const auto& event : events) insertRow(event);
    tree_->setUpdatesEnabled(true);
    updateSummary();
}

void ReallocationLog::clear() {
    tree_->clear();
    movedRanks_ = 0;
    updateSummary();
}

int ReallocationLog::count() const { return tree_->topLevelItemCount(); }

qint64 ReallocationLog::stepAt(int row) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    return item ? item->data(StepColumn, kStepRole).toLongLong() : -1;
}

QString ReallocationLog::movesText(int row) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    return item ? item->text(MovesColumn) : QString();
}

QString ReallocationLog::countsText(int row) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    return item ? item->text(CountsColumn) : QString();
}

void ReallocationLog::updateSummary() {
    const int n = count();
    if (n == 0) {
        summary_->setText(tr("No reallocations yet"));
        return;
    }
    summary_->setText((n == 1 ? tr("1 reallocation") : tr("%1 reallocations").arg(n)) + QStringLiteral(" \u00b7 ") +
                      (movedRanks_ == 1 ? tr("1 rank moved") : tr("%1 ranks moved").arg(movedRanks_)));
}

}  // namespace l1ra::ui
