#include "setup/dataset_preview_view.h"

#include "setup/model_summary.h"
#include "widgets/palette_colors.h"

#include <QEvent>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace l1ra::ui {

namespace {

constexpr int kShownCharacters = 160;

QTableWidgetItem* sampleItem(const std::string& text) {
    const QString full = QString::fromStdString(text);
    QString shown = full.simplified();
    if (shown.size() > kShownCharacters) shown = shown.left(kShownCharacters) + QStringLiteral("\u2026");
    auto* item = new QTableWidgetItem(shown);
    item->setToolTip(full.size() > 2000 ? full.left(2000) + QStringLiteral("\u2026") : full);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

}  // namespace

DatasetPreviewView::DatasetPreviewView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("datasetSummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(summary_);
    samples_ = new QTableWidget(this);
    samples_->setObjectName(QStringLiteral("datasetSamples"));
    samples_->setColumnCount(2);
    samples_->setHorizontalHeaderLabels({tr("Prompt"), tr("Response")});
    samples_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    samples_->verticalHeader()->setVisible(false);
    samples_->setWordWrap(false);
    samples_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    samples_->setSelectionBehavior(QAbstractItemView::SelectRows);
    layout->addWidget(samples_);
    clear();
}

namespace {

// Conversations interleave context and trained turns: two columns would tear them apart.
bool interleaves(const l1ra::DatasetSample& sample) {
    bool trainedSeen = false;
    for (const auto& seg : sample.segments) {
        if (seg.trained) {
            if (trainedSeen) return true;
            trainedSeen = true;
        } else if (trainedSeen && QString::fromStdString(seg.text).trimmed().size() > 0) {
            return true;
        }
    }
    return false;
}

// The sample's text in one cell: trained parts in bold, the whole text (line breaks kept) in the tooltip.
QLabel* conversationLabel(const l1ra::DatasetSample& sample, const QColor& muted) {
    QString shown, tip;
    for (const auto& seg : sample.segments) {
        const QString text = QString::fromStdString(seg.text);
        const QString cell = text.simplified().toHtmlEscaped(), full = text.toHtmlEscaped();
        auto styled = [&](const QString& t) {
            return seg.trained ? QStringLiteral("<b>%1</b>").arg(t) : QStringLiteral("<span style=\"color:%1\">%2</span>").arg(muted.name(), t);
        };
        shown += styled(cell) + QLatin1Char(' ');
        tip += styled(full);
    }
    auto* label = new QLabel(shown);
    label->setTextFormat(Qt::RichText);
    label->setToolTip(QStringLiteral("<pre style=\"white-space: pre-wrap\">%1</pre>").arg(tip));
    return label;
}

}  // namespace

void DatasetPreviewView::showPreview(const l1ra::DatasetPreview& preview) {
    hasError_ = false;
    QString summary = tr("%1 \u00b7 %2 records \u00b7 %3")
                          .arg(QString::fromStdString(preview.format), formatCount(preview.records), formatBytes(preview.bytes));
    // Plain text records are never templated: the format only matters for instructions and conversations.
    if (!preview.promptFormat.empty() && preview.format != "text" && preview.format != "jsonl")
        summary += tr(" \u00b7 rendered with %1").arg(QString::fromStdString(preview.promptFormat));
    if (!preview.promptFormatWarning.empty()) summary += QStringLiteral("\n") + QString::fromStdString(preview.promptFormatWarning);
    summary_->setText(summary);
    setSummaryColor();
    // Plain text has no prompt: everything is trained on, so one column says it better; so do conversations.
    const bool plain = preview.format == "text";
    const bool conversation = std::any_of(preview.samples.begin(), preview.samples.end(), interleaves);
    const bool single = plain || conversation;
    samples_->setColumnCount(single ? 1 : 2);
    samples_->setHorizontalHeaderLabels(plain ? QStringList{tr("Text")}
                                        : conversation ? QStringList{tr("Conversation (trained text in bold)")}
                                                       : QStringList{tr("Prompt"), tr("Response")});
    samples_->setRowCount(int(preview.samples.size()));
    for (int row = 0; row < int(preview.samples.size()); ++row) {
        const l1ra::DatasetSample& sample = preview.samples[std::size_t(row)];
        if (plain) {
            samples_->setItem(row, 0, sampleItem(sample.response.empty() ? sample.prompt : sample.response));
        } else if (conversation) {
            std::string whole;
            for (const auto& seg : sample.segments) whole += seg.text;
            samples_->setItem(row, 0, sampleItem(whole));
            samples_->item(row, 0)->setText(QString());   // the label shows it, with the trained parts marked
            samples_->setCellWidget(row, 0, conversationLabel(sample, mutedTextColor(palette())));
        } else {
            samples_->setItem(row, 0, sampleItem(sample.prompt));
            samples_->setItem(row, 1, sampleItem(sample.response));
        }
    }
    samples_->resizeRowsToContents();
    // Just tall enough for the samples: no empty table area under a short preview.
    int height = samples_->horizontalHeader()->sizeHint().height() + 2 * samples_->frameWidth();
    for (int row = 0; row < samples_->rowCount(); ++row) height += samples_->rowHeight(row);
    samples_->setFixedHeight(std::min(height, 170));
    samples_->setVisible(!preview.samples.empty());
    summary_->setVisible(true);
}

void DatasetPreviewView::showLoading(const QString& path) {
    hasError_ = false;
    summary_->setText(tr("Reading %1 \u2026").arg(QFileInfo(path).fileName()));
    setSummaryColor();
    summary_->setVisible(true);
    samples_->setRowCount(0);
    samples_->setVisible(false);
}

void DatasetPreviewView::showError(const QString& message) {
    hasError_ = true;
    summary_->setText(message);
    setSummaryColor();
    summary_->setVisible(true);
    samples_->setRowCount(0);
    samples_->setVisible(false);
}

void DatasetPreviewView::clear() {
    hasError_ = false;
    summary_->clear();
    summary_->setVisible(false);
    samples_->setRowCount(0);
    samples_->setVisible(false);
}

QString DatasetPreviewView::summaryText() const { return summary_->text(); }

int DatasetPreviewView::sampleCount() const { return samples_->rowCount(); }

QString DatasetPreviewView::sampleText(int row, int column) const {
    const QTableWidgetItem* item = samples_->item(row, column);
    return item ? item->toolTip() : QString();
}

void DatasetPreviewView::setSummaryColor() {
    QPalette pal = summary_->palette();
    pal.setColor(QPalette::WindowText, hasError_ ? errorColor(palette()) : mutedTextColor(palette()));
    summary_->setPalette(pal);
}

void DatasetPreviewView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) setSummaryColor();
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
