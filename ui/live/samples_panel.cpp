#include "live/samples_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace l1ra::ui {

namespace {

enum Column { StepColumn, PromptColumn, AnswerColumn };
constexpr int kStepRole = Qt::UserRole + 1;

// One line in the tree; the whole answer is in the tooltip.
QString oneLine(const QString& text) {
    QString line = text.simplified();
    return line.size() > 300 ? line.left(300) + QStringLiteral("\u2026") : line;
}

}  // namespace

SamplesPanel::SamplesPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    hint_ = new QLabel(this);
    hint_->setObjectName(QStringLiteral("samplesHint"));
    hint_->setWordWrap(true);
    layout->addWidget(hint_);
    tree_ = new QTreeWidget(this);
    tree_->setObjectName(QStringLiteral("samplesTree"));
    tree_->setColumnCount(3);
    tree_->setHeaderLabels({tr("Step"), tr("Prompt"), tr("Answer")});
    tree_->setRootIsDecorated(true);
    tree_->setWordWrap(true);
    tree_->header()->setStretchLastSection(true);
    tree_->header()->setSectionResizeMode(StepColumn, QHeaderView::ResizeToContents);
    layout->addWidget(tree_, 1);
    updateHint();
}

QTreeWidgetItem* SamplesPanel::stepRow(qint64 step) {
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = tree_->topLevelItem(i);
        if (item->data(StepColumn, kStepRole).toLongLong() == step) return item;
    }
    // Newest first: a step goes above every older one.
    int at = 0;
    while (at < tree_->topLevelItemCount() && tree_->topLevelItem(at)->data(StepColumn, kStepRole).toLongLong() > step) ++at;
    auto* item = new QTreeWidgetItem;
    item->setText(StepColumn, QString::number(step));
    item->setData(StepColumn, kStepRole, step);
    tree_->insertTopLevelItem(at, item);
    // Only the newest step is open: it is the one to read.
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) tree_->topLevelItem(i)->setExpanded(i == 0);
    return item;
}

void SamplesPanel::addSample(const l1ra::SampleEvent& sample) {
    QTreeWidgetItem* row = stepRow(sample.step);
    auto* child = new QTreeWidgetItem;
    const QString prompt = QString::fromStdString(sample.prompt);
    QString answer = QString::fromStdString(sample.text);
    child->setText(StepColumn, QStringLiteral("#%1").arg(sample.index + 1));
    child->setText(PromptColumn, oneLine(prompt));
    child->setText(AnswerColumn, oneLine(answer));
    child->setData(PromptColumn, Qt::UserRole, prompt);
    child->setData(AnswerColumn, Qt::UserRole, answer);
    const QString ending = sample.ended ? tr("ended by the model after %n token(s)", nullptr, sample.tokens)
                                        : tr("cut at %n token(s) (samples.max_new_tokens)", nullptr, sample.tokens);
    child->setToolTip(AnswerColumn, answer.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")) +
                                        QStringLiteral("<br><i>%1</i>").arg(ending));
    child->setToolTip(PromptColumn, prompt.toHtmlEscaped());
    // Keep the prompts of one step in their configured order.
    int at = 0;
    while (at < row->childCount() && row->child(at)->text(StepColumn).mid(1).toInt() <= sample.index + 1) ++at;
    row->insertChild(at, child);
    row->setText(PromptColumn, tr("%n answer(s)", nullptr, row->childCount()));
    updateHint();
}

void SamplesPanel::setSamples(const std::vector<l1ra::SampleEvent>& samples) {
    tree_->clear();
    for (const l1ra::SampleEvent& s : samples) addSample(s);
    updateHint();
}

void SamplesPanel::clear() {
    tree_->clear();
    updateHint();
}

void SamplesPanel::setPromptCount(int prompts) {
    prompts_ = prompts;
    updateHint();
}

int SamplesPanel::stepCount() const { return tree_->topLevelItemCount(); }

qint64 SamplesPanel::stepAt(int row) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    return item ? item->data(StepColumn, kStepRole).toLongLong() : -1;
}

int SamplesPanel::sampleCount(int row) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    return item ? item->childCount() : 0;
}

QString SamplesPanel::answerAt(int row, int index) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    const QTreeWidgetItem* child = item ? item->child(index) : nullptr;
    return child ? child->data(AnswerColumn, Qt::UserRole).toString() : QString();
}

QString SamplesPanel::promptAt(int row, int index) const {
    const QTreeWidgetItem* item = tree_->topLevelItem(row);
    const QTreeWidgetItem* child = item ? item->child(index) : nullptr;
    return child ? child->data(PromptColumn, Qt::UserRole).toString() : QString();
}

QString SamplesPanel::hintText() const { return hint_->text(); }

void SamplesPanel::updateHint() {
    if (tree_->topLevelItemCount() > 0) {
        hint_->setText(tr("Answers with the adapter as it was at each step; hover an answer for all of it."));
    } else if (prompts_ > 0) {
        hint_->setText(tr("%n prompt(s): answers appear at each samples.every step and at the end.", nullptr, prompts_));
    } else {
        hint_->setText(tr("No samples: add prompts under Setup \u2192 Samples during training to watch the answers change as it trains."));
    }
}

}  // namespace l1ra::ui
