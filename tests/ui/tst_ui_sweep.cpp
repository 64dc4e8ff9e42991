// The Compare page's sweep tab: a sweep folder read back, perplexity against the swept value (numeric, log-scaled
// or categorical axes, one series per combination of the other axes), the table, and the main window opening it.
#include "shell/main_window.h"
#include "studio_test_support.h"
#include "runs/sweep_chart.h"
#include "runs/sweep_view.h"

#include "l1ra/sweep.h"

#include <QSignalSpy>
#include <QTableWidget>
#include <QTabWidget>
#include <QtTest>

#include <cmath>

using namespace l1ra;
using namespace l1ra::ui;
using namespace l1ra::ui::test;

namespace {

// A sweep folder whose runs finished with the validation losses `loss(run)` (no training happens).
QString writeSweep(const QTemporaryDir& tmp, const QString& name, const std::vector<SweepAxis>& axes, int seeds,
                   const std::function<double(const SweepRun&)>& loss) {
    const QString dir = tmp.filePath(name);
    QDir().mkpath(dir);
    RunConfig base = fixtureConfig(10);
    std::vector<uint64_t> seedList;
    for (int s = 1; s <= seeds; ++s) seedList.push_back(uint64_t(s));
    const SweepPlan plan = planSweep(base, axes, seedList);
    writeSweepManifest(dir.toStdString(), plan);
    for (const SweepRun& run : plan.runs) {
        const QString runDir = dir + QLatin1Char('/') + QString::fromStdString(run.folder);
        QDir().mkpath(runDir);
        writeLines(runDir + QStringLiteral("/config.json"), {runConfigToJson(sweepRunConfig(plan, run))});
        EvalEvent eval;
        eval.step = 10;
        eval.loss = loss(run);
        eval.perplexity = std::exp(eval.loss);
        writeLines(runDir + QStringLiteral("/metrics.jsonl"), {evalEventToJson(eval)});
        RunSummary summary;
        summary.state = RunState::Finished;
        summary.steps = 10;
        summary.finalValLoss = eval.loss;
        summary.wallSeconds = 2;
        writeLines(runDir + QStringLiteral("/summary.json"), {runSummaryToJson(summary)});
    }
    return dir;
}

}  // namespace

class SweepTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private Q_SLOTS:
    void initTestCase() { isolateSettings(tmp_); }

    void perplexityAgainstANumericValue() {
        // λ 0.01, 0.1, 1 (a factor of 100: logarithmic), seeds 1 and 2: loss 3 + λ + seed/100.
        const QString dir = writeSweep(tmp_, QStringLiteral("numeric"), {{"l1ra.lambda", {"0.01", "0.1", "1"}}}, 2,
                                       [](const SweepRun& r) { return 3 + std::stod(r.values[0]) + double(r.seed) / 100; });
        SweepView view;
        QSignalSpy loaded(&view, &SweepView::loaded);
        view.openSweep(dir);
        QVERIFY(loaded.wait(5000));
        SweepChart* chart = view.chart();
        QCOMPARE(chart->seriesCount(), 1);
        QVERIFY(chart->logarithmic());
        QVERIFY(!chart->categorical());
        QCOMPARE(chart->axisLabel(), QStringLiteral("l1ra.lambda"));
        QCOMPARE(chart->xs(0), (std::vector<double>{0.01, 0.1, 1}));
        const double expected = (std::exp(3.11) + std::exp(3.12)) / 2;   // λ 0.1
        QVERIFY(std::abs(chart->means(0)[1] - expected) < 1e-9);
        QCOMPARE(view.table()->rowCount(), 3);
        QCOMPARE(view.table()->item(0, 0)->text(), QStringLiteral("0.01"));
        QCOMPARE(view.table()->item(0, 1)->text(), QStringLiteral("2/2"));
        // No reallocation handed out a rank: ranks moved 0, and no ping-pong share (not "0 %").
        QCOMPARE(view.table()->item(0, 4)->text(), QStringLiteral("0.0"));
        QCOMPARE(view.table()->item(0, 5)->text(), QStringLiteral("\u2013"));
        QVERIFY(sweepMarkdown(loadSweep(dir.toStdString())).find("| 0.0 | – |\n") != std::string::npos);
        QVERIFY2(view.summaryText().contains(QStringLiteral("l1ra.lambda=0.01")), qPrintable(view.summaryText()));
        QVERIFY(chart->saveImage(tmp_.filePath(QStringLiteral("sweep.png"))));
    }

    void choicesAreCategoriesAndOtherAxesAreSeries() {
        const QString dir = writeSweep(tmp_, QStringLiteral("two-axes"),
                                       {{"l1ra.new_rank_init", {"fresh", "donor"}}, {"l1ra.eta_c", {"0.02", "0.05"}}}, 1,
                                       [](const SweepRun& r) { return r.values[0] == "donor" ? 3.2 : 3.1; });
        SweepView view;
        view.setRecord(loadSweep(dir.toStdString()));
        QVERIFY(view.chart()->categorical());
        QCOMPARE(view.chart()->seriesCount(), 2);
        QCOMPARE(view.chart()->seriesName(1), QStringLiteral("l1ra.eta_c=0.05"));
        QCOMPARE(view.chart()->xs(0), (std::vector<double>{0, 1}));
        view.setAxis(1);   // η_c along x, one series per initialisation
        QVERIFY(!view.chart()->categorical());
        QCOMPARE(view.chart()->seriesName(0), QStringLiteral("l1ra.new_rank_init=fresh"));
        QCOMPARE(view.chart()->means(1), (std::vector<double>{std::exp(3.2), std::exp(3.2)}));
    }

    void aFolderWithoutASweepFailsClearly() {
        SweepView view;
        QSignalSpy failed(&view, &SweepView::failed);
        view.openSweep(tmp_.filePath(QStringLiteral("nothing")));
        QVERIFY(failed.wait(5000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("sweep.json")), qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(!view.hasRecord());
    }

    void theWindowOpensASweepOnTheComparePage() {
        const QString dir = writeSweep(tmp_, QStringLiteral("window"), {{"l1ra.lambda", {"0.1", "0.3"}}}, 1,
                                       [](const SweepRun&) { return 3.0; });
        MainWindow window(nullptr, tmp_.filePath(QStringLiteral("runs")));
        UserPrompts prompts = window.prompts();
        prompts.openFolder = [dir](QWidget*, const QString&, const QString&) { return dir; };
        window.setPrompts(prompts);
        QSignalSpy loaded(window.sweepView(), &SweepView::loaded);
        Q_EMIT window.sweepView()->openRequested();   // the "Open sweep…" button
        QVERIFY(loaded.wait(5000));
        QCOMPARE(window.currentPage(), MainWindow::Page::Compare);
        auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("compareTabs"));
        QVERIFY(tabs && tabs->currentWidget() == window.sweepView());
        QCOMPARE(window.sweepView()->table()->rowCount(), 2);
    }
};

QTEST_MAIN(SweepTest)
#include "tst_ui_sweep.moc"
