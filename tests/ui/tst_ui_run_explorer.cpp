// After training: the run history, a run opened on the timeline (every snapshot of ranks.jsonl, scrubbing moves
// the heatmap, budget panel and charts), the comparison of two runs with its difference map, and the CSV writers.
// Run folders are synthetic, written with the engine's own JSON line writers.
#include "studio_test_support.h"

#include "widgets/budget_panel.h"
#include "runs/layer_rank_chart.h"
#include "shell/main_window.h"
#include "widgets/metrics_curves.h"
#include "runs/projection_rank_chart.h"
#include "widgets/rank_heatmap.h"
#include "runs/rank_timeline.h"
#include "widgets/reallocation_log.h"
#include "runs/run_comparison.h"
#include "runs/run_history_list.h"
#include "runs/run_listing.h"
#include "runs/run_view.h"
#include "l1ra/error.h"
#include "l1ra/run_tables.h"
#include "shell/log_pane.h"
#include "shell/studio_actions.h"
#include "shell/studio_app.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>

using l1ra::RankSnapshot;
using l1ra::ui::MainWindow;
using l1ra::ui::RunComparison;
using namespace l1ra::ui::test;

namespace {

constexpr int kWaitMs = 60000;

// Two layers; rank moves from k and v towards gate and up over three reallocations.
std::vector<RankSnapshot> historyA() {
    return {snapshotWithRanks(0, 2, {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}),
            snapshotWithRanks(10, 2, {4, 3, 4, 4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4}),
            snapshotWithRanks(20, 2, {4, 2, 3, 4, 6, 5, 4, 4, 4, 4, 4, 4, 4, 4}),
            snapshotWithRanks(30, 2, {4, 1, 2, 4, 7, 6, 4, 4, 4, 4, 4, 3, 5, 4})};
}

// The same start, the other way round: B gives rank to the attention projections.
std::vector<RankSnapshot> historyB() {
    return {snapshotWithRanks(0, 2, {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}),
            snapshotWithRanks(15, 2, {6, 5, 4, 4, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4})};
}

// Answers the window's folder question; records its error dialogs as "title: message" (they never block).
struct RecordedPrompts {
    QString folder;
    QStringList errors;

    l1ra::ui::UserPrompts make() {
        l1ra::ui::UserPrompts p = l1ra::ui::UserPrompts::dialogs();
        p.openFolder = [this](QWidget*, const QString&, const QString&) { return folder; };
        p.showError = [this](QWidget*, const QString& title, const QString& message) { errors << title + QStringLiteral(": ") + message; };
        return p;
    }
};

// Rewrites a run file's content.
void editFile(const QString& path, const std::function<void(QByteArray&)>& edit) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    QByteArray content = file.readAll();
    file.close();
    edit(content);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) qFatal("cannot write %s", qPrintable(path));
    file.write(content);
}

// Rewrites line `number` (1-based) of a JSON-lines file.
void editLine(const QString& path, int number, const std::function<void(QByteArray&)>& edit) {
    editFile(path, [&](QByteArray& content) {
        QList<QByteArray> lines = content.split('\n');
        edit(lines[number - 1]);
        content = lines.join('\n');
    });
}

// `json` (one object) with `key` set to `value`.
void setKey(QByteArray& json, const QString& key, const QJsonValue& value) {
    QJsonObject object = QJsonDocument::fromJson(json).object();
    object.insert(key, value);
    json = QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// One way a run folder can be damaged, and the start of the message that must name it (after the file's path).
struct Damage {
    const char* file;
    std::function<void(const QString& path)> apply;
    const char* expected;
};

std::vector<Damage> damages() {
    return {{"metrics.jsonl", [](const QString& f) { editLine(f, 2, [](QByteArray& l) { l.prepend("not json\n"); }); },
             ": line 2 is not valid JSON"},
            {"metrics.jsonl", [](const QString& f) { editLine(f, 2, [](QByteArray& l) { setKey(l, QStringLiteral("loss"), QStringLiteral("x")); }); },
             ": line 2: [json.exception.type_error.302] type must be number, but is string"},
            {"ranks.jsonl", [](const QString& f) { editLine(f, 1, [](QByteArray& l) { setKey(l, QStringLiteral("ranks"), QJsonArray{QJsonArray{4, 4}}); }); },
             ": line 1: 'ranks' rows must hold 7 projections"},
            {"summary.json", [](const QString& f) { writeLines(f, {"{ \"state\": "}); }, ": [json.exception.parse_error.101]"},
            {"summary.json", [](const QString& f) { editFile(f, [](QByteArray& j) { setKey(j, QStringLiteral("state"), QStringLiteral("finishd")); }); },
             ": 'state' is 'finishd', not one of idle, preparing, running, paused, stopping, finished, stopped, failed"}};
}

}  // namespace

class RunExplorerTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void historyListsRunsNewestFirst();
    void listingOfARunWithoutSummary();
    void openingShowsEverySnapshotAndScrubs();
    void openingABrokenRunSaysWhichFileAndWhy();
    void comparingWithABrokenRunSaysWhichFileAndWhy();
    void reallocationRowJumpsOnTheTimeline();
    void compareShowsTheDifference();
    void comparingARunWithItselfShowsNone();
    void metricsCsvJoinsEvaluations();
    void rankHistoryCsvHasARowPerAdapterAndSnapshot();

private:
    // A run like A, written afresh, with `damage` done to it.
    QString brokenRun(const Damage& damage, int index);

    QTemporaryDir temp_;
    QString runA_, runB_;
};

void RunExplorerTest::initTestCase() {
    QVERIFY(temp_.isValid());
    isolateSettings(temp_);
    l1ra::ui::setApplicationNames();
    const QString root = temp_.filePath(QStringLiteral("runs"));
    runA_ = root + QStringLiteral("/2025-01-01_100000_a");
    runB_ = root + QStringLiteral("/2025-01-02_100000_b");
    writeSyntheticRun(runA_, "run A", historyA(), 30);
    writeSyntheticRun(runB_, "run B", historyB(), 15);
    // config.json's time is when the run started: A first.
    QFile a(runA_ + QStringLiteral("/config.json")), b(runB_ + QStringLiteral("/config.json"));
    QVERIFY(a.open(QIODevice::ReadWrite) && b.open(QIODevice::ReadWrite));
    QVERIFY(a.setFileTime(QDateTime::currentDateTime().addDays(-2), QFileDevice::FileModificationTime));
    QVERIFY(b.setFileTime(QDateTime::currentDateTime().addDays(-1), QFileDevice::FileModificationTime));
    QDir().mkpath(root + QStringLiteral("/not-a-run"));
    qputenv("L1RA_RUNS_DIR", root.toUtf8());
}

void RunExplorerTest::historyListsRunsNewestFirst() {
    MainWindow w;
    l1ra::ui::RunHistoryList* history = w.runHistory();
    QCOMPARE(history->runCount(), 2);
    QCOMPARE(history->dirAt(0), runB_);
    QCOMPARE(history->dirAt(1), runA_);
    QCOMPARE(history->textAt(0, 0), QStringLiteral("run B"));
    QCOMPARE(history->textAt(1, 2), QStringLiteral("L1RA"));
    QCOMPARE(history->textAt(1, 3), QStringLiteral("30 / 30"));
    QCOMPARE(history->textAt(1, 4), QStringLiteral("4.2500"));
    QCOMPARE(history->textAt(1, 5), QStringLiteral("finished"));

    // Double-click (activation) opens the run.
    QSignalSpy opened(&w, &MainWindow::runOpened);
    Q_EMIT history->runActivated(history->dirAt(1));
    QVERIFY(opened.wait(kWaitMs));
    QCOMPARE(w.runView()->title(), QStringLiteral("run A"));
}

void RunExplorerTest::listingOfARunWithoutSummary() {
    const QString dir = temp_.filePath(QStringLiteral("elsewhere/interrupted"));
    writeSyntheticRun(dir, "interrupted", historyA(), 12);
    QFile::remove(dir + QStringLiteral("/summary.json"));
    const l1ra::ui::RunListing listing = l1ra::ui::describeRun(dir);
    QCOMPARE(listing.state, QStringLiteral("incomplete"));
    QCOMPARE(listing.steps, qint64(12));   // from the last metrics line
    QCOMPARE(listing.name, QStringLiteral("interrupted"));
    QVERIFY(!listing.hasValLoss);
}

void RunExplorerTest::openingShowsEverySnapshotAndScrubs() {
    MainWindow w;
    QSignalSpy opened(&w, &MainWindow::runOpened);
    w.openRun(runA_);
    QVERIFY(opened.wait(kWaitMs));
    l1ra::ui::RunView* view = w.runView();
    QCOMPARE(w.currentPage(), MainWindow::Page::Runs);
    QCOMPARE(view->snapshotCount(), 4);
    QCOMPARE(view->timeline()->count(), 4);
    QCOMPARE(view->timeline()->position(), 3);   // opens at the end
    l1ra::ui::RankHeatmap* heatmap = view->heatmap();
    QCOMPARE(heatmap->snapshot().step, int64_t(30));
    QCOMPARE(heatmap->cellValue(0, 4), 7.0);   // L0 gate
    QCOMPARE(view->budgetPanel()->projectionTotal(4), 7 + 3);
    QCOMPARE(view->layerChart()->layerTotal(0), 4 + 1 + 2 + 4 + 7 + 6 + 4);
    QCOMPARE(view->projectionChart()->pointCount(1), 4);
    QCOMPARE(view->projectionChart()->meanRank(1, 3), (1 + 4) / 2.0);
    QCOMPARE(view->curves()->lossPointCount(), 30);
    QCOMPARE(view->reallocationLog()->count(), 3);
    QVERIFY(view->configText().contains(QStringLiteral("\"run A\"")));
    QVERIFY(view->configText().contains(QStringLiteral("l1ra train")));

    // Scrub to the start: everything follows the slider.
    view->timeline()->setPosition(0);
    QCOMPARE(heatmap->snapshot().step, int64_t(0));
    QCOMPARE(heatmap->cellValue(0, 4), 4.0);
    QCOMPARE(view->budgetPanel()->projectionTotal(4), 8);
    QCOMPARE(view->layerChart()->layerTotal(0), 28);
    QCOMPARE(view->projectionChart()->cursorStep(), 0.0);
    view->timeline()->setPosition(2);
    QCOMPARE(heatmap->snapshot().step, int64_t(20));
    QCOMPARE(heatmap->cellValue(0, 1), 2.0);
    QVERIFY(heatmap->isHighlighted(0, 1));   // the reallocation that made this snapshot is outlined
    // Change since start compares against the run's first snapshot.
    heatmap->setMode(l1ra::ui::RankHeatmap::Mode::ChangeSinceStart);
    QCOMPARE(heatmap->cellValue(0, 4), 2.0);

    // Scrubbing with the keyboard, as a user would.
    view->timeline()->slider()->setFocus();
    QTest::keyClick(view->timeline()->slider(), Qt::Key_End);
    QCOMPARE(heatmap->snapshot().step, int64_t(30));
}

QString RunExplorerTest::brokenRun(const Damage& damage, int index) {
    const QString dir = temp_.filePath(QStringLiteral("broken/%1").arg(index));
    writeSyntheticRun(dir, "broken", historyA(), 30);
    damage.apply(dir + QLatin1Char('/') + QLatin1String(damage.file));
    return dir;
}

// File > Open run on a damaged folder: the "Open run" dialog and the log name the file and what is wrong, nothing
// opens, and the record is read on a worker (the failure arrives after the action has returned).
void RunExplorerTest::openingABrokenRunSaysWhichFileAndWhy() {
    const std::vector<Damage> cases = damages();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const QString dir = brokenRun(cases[i], int(i));
        const QString expected = dir + QLatin1Char('/') + QLatin1String(cases[i].file) + QLatin1String(cases[i].expected);
        MainWindow w;
        RecordedPrompts prompts;
        prompts.folder = dir;
        w.setPrompts(prompts.make());
        QSignalSpy failed(&w, &MainWindow::runOpenFailed);
        w.actions().openRun->trigger();
        QCOMPARE(failed.count(), 0);
        QVERIFY(w.isLoadingRun());
        QVERIFY(failed.wait(kWaitMs));
        QCOMPARE(prompts.errors.size(), 1);
        QVERIFY2(prompts.errors.first().startsWith(QStringLiteral("Open run: ") + expected), qPrintable(prompts.errors.first()));
        QVERIFY2(w.logPane()->plainText().contains(expected), qPrintable(w.logPane()->plainText()));
        QVERIFY(!w.runView()->hasRecord());
        QVERIFY(w.currentRunSource().isEmpty());
    }
}

// Compare with one damaged run: the "Compare runs" dialog, the log and the comparison's own summary line name
// the file and what is wrong; both records are read on a worker.
void RunExplorerTest::comparingWithABrokenRunSaysWhichFileAndWhy() {
    const Damage damage = damages().front();
    const QString dir = brokenRun(damage, 100);
    const QString expected = dir + QLatin1Char('/') + QLatin1String(damage.file) + QLatin1String(damage.expected);
    MainWindow w;
    RecordedPrompts prompts;
    w.setPrompts(prompts.make());
    RunComparison* compare = w.comparison();
    QSignalSpy failed(compare, &RunComparison::failed);
    compare->compare(runA_, dir);
    QCOMPARE(failed.count(), 0);
    QVERIFY(compare->isLoading());
    QVERIFY(failed.wait(kWaitMs));
    QCOMPARE(prompts.errors.size(), 1);
    QVERIFY2(prompts.errors.first().startsWith(QStringLiteral("Compare runs: ") + expected), qPrintable(prompts.errors.first()));
    QVERIFY2(w.logPane()->plainText().contains(expected), qPrintable(w.logPane()->plainText()));
    QVERIFY2(compare->summaryText().startsWith(expected), qPrintable(compare->summaryText()));
    QVERIFY(!compare->hasRecords());
}

void RunExplorerTest::reallocationRowJumpsOnTheTimeline() {
    l1ra::ui::RunView view;
    view.setRecord(l1ra::loadRunRecord(runA_.toStdString()), QStringLiteral("A"));
    Q_EMIT view.reallocationLog()->reallocationActivated(10);
    QCOMPARE(view.timeline()->position(), 1);
    QCOMPARE(view.heatmap()->snapshot().step, int64_t(10));
}

void RunExplorerTest::compareShowsTheDifference() {
    MainWindow w;
    RunComparison* compare = w.comparison();
    QSignalSpy compared(compare, &RunComparison::compared);
    compare->compare(runA_, runB_);
    QVERIFY(compared.wait(kWaitMs));
    QVERIFY(compare->shapesMatch());
    // At the end of both: A {4,1,2,4,7,6,4 | 4,4,4,4,3,5,4}, B {6,5,4,4,2,3,4 | 4,...}.
    QCOMPARE(compare->heatmapA()->snapshot().step, int64_t(30));
    QCOMPARE(compare->heatmapB()->snapshot().step, int64_t(15));
    QCOMPARE(compare->difference(0, 0), 2);
    QCOMPARE(compare->difference(0, 1), 4);
    QCOMPARE(compare->difference(0, 4), -5);
    QCOMPARE(compare->difference(1, 4), 1);
    QCOMPARE(compare->difference(1, 5), -1);
    QCOMPARE(compare->difference(1, 0), 0);
    QCOMPARE(compare->changedAdapters(), 7);
    QCOMPARE(compare->differenceHeatmap()->mode(), l1ra::ui::RankHeatmap::Mode::ChangeSinceStart);
    QVERIFY(compare->differenceHeatmap()->cellToolTip(0, 1).contains(QStringLiteral("A 1")));
    QVERIFY(compare->summaryText().contains(QStringLiteral("7 adapters differ")));

    // At the start both runs are alike.
    compare->setPosition(0);
    QCOMPARE(compare->changedAdapters(), 0);
    QCOMPARE(compare->heatmapA()->snapshot().step, int64_t(0));
}

void RunExplorerTest::comparingARunWithItselfShowsNone() {
    RunComparison compare;
    compare.setRecords(l1ra::loadRunRecord(runA_.toStdString()), l1ra::loadRunRecord(runA_.toStdString()));
    QCOMPARE(compare.changedAdapters(), 0);
    QVERIFY(compare.summaryText().contains(QStringLiteral("totals match")));
    QCOMPARE(RunComparison::snapshotIndexAt(4, 500), 2);   // halfway: rounds to the nearer snapshot
    QCOMPARE(RunComparison::snapshotIndexAt(4, 1000), 3);
    QCOMPARE(RunComparison::snapshotIndexAt(0, 1000), -1);
}

// The tables come from the engine (l1ra/run_tables.h); the synthetic runs of this suite have known values.
void RunExplorerTest::metricsCsvJoinsEvaluations() {
    const l1ra::RunRecord record = l1ra::loadRunRecord(runB_.toStdString());
    const QString table = QString::fromStdString(l1ra::metricsCsv(record));
    const QStringList lines = table.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 15);
    QCOMPARE(lines[0], QStringLiteral("step,loss,lr,grad_norm,lambda,tokens,tokens_per_s,step_s,elapsed_s,memory_bytes,total_rank,budget,val_loss,val_perplexity"));
    QVERIFY2(lines[1].startsWith(QStringLiteral("1,4.99,0.001,1.5,0.5,64,1000,")), qPrintable(lines[1]));
    QVERIFY(lines[1].endsWith(QStringLiteral(",,")));            // no evaluation at step 1
    QVERIFY2(lines[15].endsWith(QStringLiteral(",4.25,70.1")), qPrintable(lines[15]));   // joined on step 15
    for (const QString& line : lines) QCOMPARE(line.count(','), 13);

    // Written from the run folder; an existing file is kept unless replacing is asked for.
    const QString path = temp_.filePath(QStringLiteral("metrics.csv"));
    l1ra::exportMetricsCsv(runB_.toStdString(), path.toStdString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), table);
    const auto failure = [](const std::function<void()>& f) {
        try {
            f();
        } catch (const l1ra::Error& e) {
            return QString::fromStdString(e.what());
        }
        return QString();
    };
    QVERIFY(failure([&] { l1ra::exportMetricsCsv(runB_.toStdString(), path.toStdString()); }).contains(QStringLiteral("metrics.csv: exists")));
    QVERIFY(failure([&] { l1ra::exportMetricsCsv(runA_.toStdString(), path.toStdString(), true); }).isEmpty());
    const QString missingFolder = temp_.filePath(QStringLiteral("no/such/folder/m.csv"));
    QVERIFY(failure([&] { l1ra::exportMetricsCsv(runB_.toStdString(), missingFolder.toStdString()); }).contains(QStringLiteral("m.csv")));
    QVERIFY(failure([&] { l1ra::exportMetricsCsv(temp_.path().toStdString(), path.toStdString(), true); }).contains(QStringLiteral("no run record")));
}

void RunExplorerTest::rankHistoryCsvHasARowPerAdapterAndSnapshot() {
    l1ra::RunRecord record = l1ra::loadRunRecord(runA_.toStdString());
    const auto rows = [&] { return QString::fromStdString(l1ra::rankHistoryCsv(record)).split('\n', Qt::SkipEmptyParts); };
    QStringList lines = rows();
    QCOMPARE(lines.size(), 1 + 4 * 14);
    QCOMPARE(lines[0], QStringLiteral("step,layer,projection,rank,gate_mass"));
    QCOMPARE(lines[1], QStringLiteral("0,0,q_proj,4,2"));
    QVERIFY(lines.contains(QStringLiteral("30,0,gate_proj,7,3.5")));
    QVERIFY(lines.contains(QStringLiteral("30,1,down_proj,4,2")));
    // Untargeted projections have no adapter and no row.
    for (RankSnapshot& s : record.snapshots) s.targeted[6] = false;
    lines = rows();
    QCOMPARE(lines.size(), 1 + 4 * 13);
}

QTEST_MAIN(RunExplorerTest)
#include "tst_ui_run_explorer.moc"
