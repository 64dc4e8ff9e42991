#include "runs/sweep_view.h"

#include "shell/background_job.h"
#include "runs/sweep_chart.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <memory>

namespace l1ra::ui {

SweepView::SweepView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* header = new QHBoxLayout;
    title_ = new QLabel(this);
    title_->setObjectName(QStringLiteral("sweepTitle"));
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    openButton_ = new QPushButton(tr("Open sweep\u2026"), this);
    openButton_->setObjectName(QStringLiteral("openSweepButton"));
    openButton_->setToolTip(tr("A folder written by `l1ra sweep` (it holds sweep.json)"));
    axisPicker_ = new QComboBox(this);
    axisPicker_->setObjectName(QStringLiteral("sweepAxis"));
    axisPicker_->setToolTip(tr("The swept key along the horizontal axis"));
    header->addWidget(title_, 1);
    header->addWidget(new QLabel(tr("x axis"), this));
    header->addWidget(axisPicker_);
    header->addWidget(openButton_);
    layout->addLayout(header);

    auto* split = new QSplitter(Qt::Vertical, this);
    chart_ = new SweepChart(split);
    table_ = new QTableWidget(split);
    table_->setObjectName(QStringLiteral("sweepTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setStretchLastSection(true);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("sweepSummary"));
    summary_->setWordWrap(true);
    layout->addWidget(summary_);

    loader_ = new BackgroundJob(this);
    connect(openButton_, &QPushButton::clicked, this, &SweepView::openRequested);
    connect(axisPicker_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int axis) {
        if (hasRecord_) chart_->setRecord(record_, axis);
    });
    title_->setText(tr("<b>Sweep</b>: none open"));
    summary_->setText(tr("Open a folder written by <tt>l1ra sweep --config RUN.json --grid KEY=V1,V2 --seeds 3</tt> to see "
                         "validation perplexity against the swept value, with the spread over seeds."));
}

bool SweepView::isLoading() const { return loader_->isRunning(); }

void SweepView::openSweep(const QString& dir) {
    auto record = std::make_shared<l1ra::SweepRecord>();
    const std::string path = QDir::cleanPath(dir).toStdString();
    const bool started = loader_->start([record, path] { *record = l1ra::loadSweep(path); },
                                        [this, record](const QString& error) {
                                            if (!error.isEmpty()) {
                                                summary_->setText(error);
                                                Q_EMIT failed(error);
                                                return;
                                            }
                                            setRecord(std::move(*record));
                                        });
    if (started) summary_->setText(tr("Reading the sweep\u2026"));
}

void SweepView::setRecord(l1ra::SweepRecord record) {
    record_ = std::move(record);
    hasRecord_ = true;
    title_->setText(tr("<b>Sweep</b> %1").arg(QDir::toNativeSeparators(folder()).toHtmlEscaped()));
    {
        const QSignalBlocker block(axisPicker_);
        axisPicker_->clear();
        for (const auto& a : record_.plan.axes) axisPicker_->addItem(QString::fromStdString(a.key));
        axisPicker_->setEnabled(axisPicker_->count() > 1);
    }
    chart_->setRecord(record_, 0);
    fillTable();
    Q_EMIT loaded();
}

void SweepView::setAxis(int axis) { axisPicker_->setCurrentIndex(axis); }
int SweepView::axis() const { return axisPicker_->currentIndex(); }
QString SweepView::summaryText() const { return summary_->text(); }

void SweepView::fillTable() {
    const auto& axes = record_.plan.axes;
    QStringList headers;
    for (const auto& a : axes) headers << QString::fromStdString(a.key);
    headers << tr("seeds") << tr("perplexity (mean \u00b1 sd)") << tr("per seed") << tr("moved / reallocation") << tr("ping-pong");
    table_->clear();
    table_->setColumnCount(headers.size());
    table_->setHorizontalHeaderLabels(headers);
    table_->setRowCount(int(record_.points.size()));
    const l1ra::SweepPointSummary* best = nullptr;
    for (int row = 0; row < int(record_.points.size()); ++row) {
        const auto& p = record_.points[std::size_t(row)];
        QStringList cells;
        for (const auto& v : p.values) cells << QString::fromStdString(v);
        cells << QStringLiteral("%1/%2").arg(p.perplexities.size()).arg(record_.plan.seeds.size());
        QStringList seeds;
        for (double x : p.perplexities) seeds << QString::number(x, 'f', 2);
        const bool any = !p.perplexities.empty();
        cells << (any ? QStringLiteral("%1 \u00b1 %2").arg(p.mean, 0, 'f', 2).arg(p.sd, 0, 'f', 2) : QStringLiteral("\u2013"));
        cells << seeds.join(QStringLiteral(", "));
        cells << (any && p.gated ? QString::number(p.movedPerReallocation, 'f', 1) : QStringLiteral("\u2013"));
        cells << (any && p.gated && p.pingPongKnown ? QStringLiteral("%1 %").arg(100 * p.pingPongShare, 0, 'f', 0) : QStringLiteral("\u2013"));
        for (int c = 0; c < cells.size(); ++c) table_->setItem(row, c, new QTableWidgetItem(cells[c]));
        if (any && (!best || p.mean < best->mean)) best = &p;
    }
    table_->resizeColumnsToContents();
    int finished = 0;
    for (const auto& o : record_.outcomes) finished += o.finished ? 1 : 0;
    QString text = tr("%1 of %2 runs finished.").arg(finished).arg(record_.outcomes.size());
    if (best) {
        QStringList where;
        for (std::size_t a = 0; a < axes.size(); ++a) where << QString::fromStdString(axes[a].key + "=" + best->values[a]);
        text += tr(" Lowest mean validation perplexity: %1 \u00b1 %2 at %3.").arg(best->mean, 0, 'f', 2).arg(best->sd, 0, 'f', 2).arg(where.join(QStringLiteral(", ")));
    }
    summary_->setText(text);
}

}  // namespace l1ra::ui
