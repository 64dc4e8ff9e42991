#include "runs/run_comparison.h"

#include "shell/background_job.h"
#include "widgets/count_text.h"
#include "widgets/palette_colors.h"
#include "widgets/projection_labels.h"
#include "widgets/rank_heatmap.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <memory>

namespace l1ra::ui {

namespace {

QString recordTitle(const l1ra::RunRecord& r) {
    return r.config.name.empty() ? QFileInfo(QString::fromStdString(r.dir)).fileName() : QString::fromStdString(r.config.name);
}

}  // namespace

RunComparison::RunComparison(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* pickers = new QHBoxLayout;
    pickA_ = new QComboBox(this);
    pickA_->setObjectName(QStringLiteral("compareRunA"));
    pickB_ = new QComboBox(this);
    pickB_->setObjectName(QStringLiteral("compareRunB"));
    for (QComboBox* combo : {pickA_, pickB_}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(24);
    }
    compareButton_ = new QPushButton(tr("Compare"), this);
    compareButton_->setObjectName(QStringLiteral("compareButton"));
    auto* labelA = new QLabel(tr("Run &A"), this);
    labelA->setBuddy(pickA_);
    pickers->addWidget(labelA);
    pickers->addWidget(pickA_, 1);
    auto* labelB = new QLabel(tr("Run &B"), this);
    labelB->setBuddy(pickB_);
    pickers->addWidget(labelB);
    pickers->addWidget(pickB_, 1);
    pickers->addWidget(compareButton_);
    layout->addLayout(pickers);

    auto* positionRow = new QHBoxLayout;
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("comparePosition"));
    slider_->setRange(0, 1000);
    slider_->setValue(1000);
    slider_->setToolTip(tr("How far through each run: both runs are shown at the same fraction of their rank history"));
    position_ = new QLabel(this);
    positionRow->addWidget(new QLabel(tr("Position"), this));
    positionRow->addWidget(slider_, 1);
    positionRow->addWidget(position_);
    layout->addLayout(positionRow);

    auto* grid = new QGridLayout;
    titleA_ = new QLabel(this);
    titleB_ = new QLabel(this);
    auto* titleDiff = new QLabel(tr("<b>Difference B \u2212 A</b>"), this);
    heatmapA_ = new RankHeatmap(this);
    heatmapA_->setObjectName(QStringLiteral("compareHeatmapA"));
    heatmapB_ = new RankHeatmap(this);
    heatmapB_->setObjectName(QStringLiteral("compareHeatmapB"));
    difference_ = new RankHeatmap(this);
    difference_->setObjectName(QStringLiteral("compareDifference"));
    difference_->setMode(RankHeatmap::Mode::ChangeSinceStart);
    difference_->setModeSwitchVisible(false);
    difference_->setComparisonLabels(tr("A"), tr("B \u2212 A"));
    grid->addWidget(titleA_, 0, 0);
    grid->addWidget(titleB_, 0, 1);
    grid->addWidget(titleDiff, 0, 2);
    grid->addWidget(heatmapA_, 1, 0);
    grid->addWidget(heatmapB_, 1, 1);
    grid->addWidget(difference_, 1, 2);
    for (int c = 0; c < 3; ++c) grid->setColumnStretch(c, 1);
    grid->setRowStretch(1, 1);
    layout->addLayout(grid, 1);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("compareSummary"));
    summary_->setWordWrap(true);
    layout->addWidget(summary_);

    loader_ = new BackgroundJob(this);
    connect(compareButton_, &QPushButton::clicked, this, [this] { compare(selectedDir(pickA_), selectedDir(pickB_)); });
    connect(slider_, &QSlider::valueChanged, this, &RunComparison::refresh);
    refresh();
}

void RunComparison::setRuns(const std::vector<RunListing>& runs) {
    const QString a = selectedDir(pickA_), b = selectedDir(pickB_);
    for (QComboBox* combo : {pickA_, pickB_}) {
        combo->clear();
        for (const RunListing& run : runs) {
            combo->addItem(QStringLiteral("%1 (%2, %3)").arg(run.name, run.method.toUpper(), run.started.toString(QStringLiteral("yyyy-MM-dd HH:mm"))), run.dir);
            combo->setItemData(combo->count() - 1, run.dir, Qt::ToolTipRole);
        }
    }
    // Keep what was picked; otherwise the two newest runs, older as A.
    const int ia = pickA_->findData(a), ib = pickB_->findData(b);
    pickA_->setCurrentIndex(ia >= 0 ? ia : std::min(1, pickA_->count() - 1));
    pickB_->setCurrentIndex(ib >= 0 ? ib : 0);
    compareButton_->setEnabled(pickA_->count() > 0);
}

QString RunComparison::selectedDir(QComboBox* combo) const { return combo->currentData().toString(); }

bool RunComparison::isLoading() const { return loader_->isRunning(); }

void RunComparison::compare(const QString& dirA, const QString& dirB) {
    if (dirA.isEmpty() || dirB.isEmpty()) {
        Q_EMIT failed(tr("Choose two runs to compare"));
        return;
    }
    auto records = std::make_shared<std::pair<l1ra::RunRecord, l1ra::RunRecord>>();
    const std::string a = dirA.toStdString(), b = dirB.toStdString();
    const bool started = loader_->start(
        [records, a, b] {
            records->first = l1ra::loadRunRecord(a);
            records->second = l1ra::loadRunRecord(b);
        },
        [this, records](const QString& error) {
            if (!error.isEmpty()) {
                summary_->setText(error);
                Q_EMIT failed(error);
                return;
            }
            setRecords(std::move(records->first), std::move(records->second));
        });
    if (started) summary_->setText(tr("Reading the two runs\u2026"));
}

void RunComparison::setRecords(l1ra::RunRecord a, l1ra::RunRecord b) {
    a_ = std::move(a);
    b_ = std::move(b);
    hasRecords_ = true;
    const int ia = pickA_->findData(QDir::cleanPath(QString::fromStdString(a_.dir)));
    if (ia >= 0) pickA_->setCurrentIndex(ia);
    const int ib = pickB_->findData(QDir::cleanPath(QString::fromStdString(b_.dir)));
    if (ib >= 0) pickB_->setCurrentIndex(ib);
    heatmapA_->clear();
    heatmapB_->clear();
    refresh();
    Q_EMIT compared();
}

int RunComparison::snapshotIndexAt(int snapshots, int permille) {
    if (snapshots <= 0) return -1;
    return int(std::lround(double(snapshots - 1) * std::clamp(permille, 0, 1000) / 1000.0));
}

void RunComparison::setPosition(int permille) { slider_->setValue(permille); }

int RunComparison::position() const { return slider_->value(); }

bool RunComparison::shapesMatch() const {
    if (!hasRecords_ || a_.snapshots.empty() || b_.snapshots.empty()) return false;
    return a_.snapshots.front().numLayers == b_.snapshots.front().numLayers;
}

int RunComparison::difference(int layer, int projection) const {
    if (!shapesMatch()) return 0;
    const double value = difference_->cellValue(layer, projection);
    return std::isnan(value) ? 0 : int(std::lround(value));
}

int RunComparison::changedAdapters() const {
    if (!shapesMatch()) return 0;
    int changed = 0;
    for (int layer = 0; layer < difference_->layerCount(); ++layer)
        for (int p = 0; p < kProjectionCount; ++p) changed += difference(layer, p) != 0 ? 1 : 0;
    return changed;
}

QString RunComparison::summaryText() const { return summary_->text(); }

void RunComparison::refresh() {
    position_->setText(slider_->value() == 1000 ? tr("end") : tr("%1 %").arg(slider_->value() / 10.0, 0, 'f', 1));
    if (!hasRecords_) {
        titleA_->setText(tr("<b>A</b>"));
        titleB_->setText(tr("<b>B</b>"));
        summary_->setText(tr("Pick two runs and press Compare. Runs of the same model compare cell by cell."));
        difference_->clear();
        return;
    }
    const int ia = snapshotIndexAt(int(a_.snapshots.size()), slider_->value());
    const int ib = snapshotIndexAt(int(b_.snapshots.size()), slider_->value());
    titleA_->setText(tr("<b>A</b> %1").arg(recordTitle(a_).toHtmlEscaped()));
    titleB_->setText(tr("<b>B</b> %1").arg(recordTitle(b_).toHtmlEscaped()));
    if (ia < 0 || ib < 0) {
        summary_->setText(tr("One of the runs has no rank snapshots (full fine-tuning has no adapters)."));
        difference_->clear();
        return;
    }
    const l1ra::RankSnapshot& sa = a_.snapshots[std::size_t(ia)];
    const l1ra::RankSnapshot& sb = b_.snapshots[std::size_t(ib)];
    // One colour scale for both maps, or equal colours would mean different ranks.
    int largest = 2 * std::max(sa.initialRank, sb.initialRank);
    for (const l1ra::RankSnapshot* s : {&sa, &sb})
        for (int rank : s->ranks) largest = std::max(largest, rank);
    heatmapA_->setRankScaleMinimum(largest);
    heatmapB_->setRankScaleMinimum(largest);
    heatmapA_->setSnapshot(sa);
    heatmapB_->setSnapshot(sb);
    difference_->clear();
    if (!shapesMatch()) {
        summary_->setText(tr("The runs adapt models of different depth (%1 and %2 layers): no cell-by-cell difference.")
                              .arg(sa.numLayers)
                              .arg(sb.numLayers));
        return;
    }
    difference_->setBaseline(sa);
    difference_->setSnapshot(sb);

    // Where B holds more or less rank than A, per projection.
    QStringList perProjection;
    int moved = 0;
    for (int p = 0; p < kProjectionCount; ++p) {
        int delta = 0;
        for (int layer = 0; layer < sa.numLayers; ++layer) delta += difference(layer, p);
        moved += std::abs(delta);
        if (delta != 0) perProjection << QStringLiteral("%1 %2%3").arg(shortProjectionName(p), delta > 0 ? QStringLiteral("+") : QStringLiteral("\u2212")).arg(std::abs(delta));
    }
    QString text = tr("A at step %1, B at step %2: %3 differ").arg(sa.step).arg(sb.step).arg(countText(changedAdapters(), tr("adapter"), tr("adapters")));
    text += perProjection.isEmpty() ? tr("; per projection the totals match.") : tr("; per projection B has %1.").arg(perProjection.join(QStringLiteral(", ")));
    text += tr(" Total rank A %1 / B %2.").arg(sa.total()).arg(sb.total());
    summary_->setText(text);
}

}  // namespace l1ra::ui
