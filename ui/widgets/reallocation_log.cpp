#include "widgets/reallocation_log.h"

#include "widgets/palette_colors.h"

#include "l1ra/run_config.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

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
    if (event.pingPong > 0) counts += tr(" \u00b7 %1 back").arg(event.pingPong);
    if (event.budgetChanged) counts += tr("  budget \u2192 %1").arg(event.budget);
    item->setText(CountsColumn, counts);
    QString tip = tr("%1 ranks pruned, %2 handed out").arg(event.pruned).arg(event.added);
    if (event.threshold > 0) tip += tr("\ngates below %1 were pruned (\u03bb %2)").arg(event.threshold, 0, 'g', 3).arg(event.lambda, 0, 'g', 3);
    if (event.pingPong > 0) tip += tr("\n%1 of the pruned ranks had been handed out within the last two intervals (ping-pong)").arg(event.pingPong);
    if (event.capped > 0) tip += tr("\n%1 ranks under the threshold kept by the cap on moves").arg(event.capped);
    item->setToolTip(CountsColumn, tip);
    item->setText(MovesColumn, describeMoves(event));
    item->setToolTip(MovesColumn, describeMoves(event, 40));
    if (event.budgetChanged) item->setForeground(CountsColumn, warningColor(palette()));
    for (const l1ra::RankMove& move : event.moves) {
        auto* child = new QTreeWidgetItem(item);
        child->setText(MovesColumn, describeMove(move));
        child->setForeground(MovesColumn, move.after > move.before ? successColor(palette()) : errorColor(palette()));
    }
    tree_->insertTopLevelItem(0, item);
    movedRanks_ += event.added;
    events_.push_back(event);
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
    events_.clear();
    updateSummary();
}

void ReallocationLog::setInterval(int steps) {
    interval_ = steps;
    updateSummary();
}

l1ra::ChurnSummary ReallocationLog::churn() const {
    // The newest reallocation is as far as the run has got: later ping-pong cannot have happened yet.
    return l1ra::summarizeChurn(events_, interval_, events_.empty() ? 0 : events_.back().step);
}

QString ReallocationLog::summaryText() const { return summary_->text(); }

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
    QString text = (n == 1 ? tr("1 reallocation") : tr("%1 reallocations").arg(n)) + QStringLiteral(" \u00b7 ") +
                   (movedRanks_ == 1 ? tr("1 rank moved") : tr("%1 ranks moved").arg(movedRanks_)) +
                   tr(" (%1 a reallocation)").arg(double(movedRanks_) / n, 0, 'f', 1);
    const l1ra::ChurnSummary c = churn();
    if (interval_ > 0 && c.agesKnown && c.pingPongEligible > 0)
        text += tr(" \u00b7 ping-pong %1 %").arg(std::lround(100 * c.pingPongShare));
    if (c.agesKnown && c.pruned > 0) text += tr(" \u00b7 pruned at a median age of %1 steps").arg(c.prunedAgeMedian, 0, 'f', 0);
    summary_->setText(text);
    summary_->setToolTip(tr("Ping-pong: the share of ranks handed out that were pruned again within two reallocation intervals.\n"
                            "Age: steps from a rank's creation (or the start) to its pruning."));
}

}  // namespace l1ra::ui
