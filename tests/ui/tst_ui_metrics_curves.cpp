// MetricsCurves: point counts per curve, markers (live and from a run record), hover text, 100k steps, export.
#include "widgets/metrics_curves.h"

#include <QFileInfo>
#include <QTabBar>
#include <QTemporaryDir>
#include <QtTest>

using l1ra::ui::MetricsCurves;

namespace {

l1ra::StepEvent step(int64_t n, double loss) {
    l1ra::StepEvent e;
    e.step = n;
    e.totalSteps = 1000;
    e.loss = loss;
    e.lr = 2e-4;
    e.gradNorm = 0.5;
    e.lambda = 5e-3;
    e.tokensPerSecond = 1500;
    e.memoryBytes = int64_t(512) * 1024 * 1024;
    return e;
}

l1ra::EvalEvent eval(int64_t n, double loss) {
    l1ra::EvalEvent e;
    e.step = n;
    e.loss = loss;
    return e;
}

}  // namespace

class MetricsCurvesTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void countsStepsAndEvals();
    void markersFromLiveChanges();
    void recordReplacesEverything();
    void divergencesAreMarkedAndDescribed();
    void metricTabsSwitchTheLowerPlot();
    void describeStepShowsNearestValues();
    void hundredThousandSteps();
    void clearEmptiesEverything();
    void saveImage();
};

void MetricsCurvesTest::countsStepsAndEvals() {
    MetricsCurves curves;
    for (int i = 1; i <= 50; ++i) curves.addStep(step(i, 3.0 - i * 0.01));
    curves.addEval(eval(25, 2.9));
    curves.addEval(eval(50, 2.7));
    QCOMPARE(curves.lossPointCount(), 50);
    QCOMPARE(curves.valLossPointCount(), 2);
    for (auto metric : {MetricsCurves::Metric::LearningRate, MetricsCurves::Metric::TokensPerSecond, MetricsCurves::Metric::Memory,
                        MetricsCurves::Metric::GradNorm, MetricsCurves::Metric::Lambda})
        QCOMPARE(curves.metricPointCount(metric), 50);
    QVERIFY(curves.followsLatest());
    QVERIFY(curves.replotInterval() > 0);   // replots are batched, never one per event
}

void MetricsCurvesTest::markersFromLiveChanges() {
    MetricsCurves curves;
    curves.addStep(step(1, 3.0));
    curves.addMarker(40, QStringLiteral("\u03bb = 0.05"));
    curves.addMarker(60, QStringLiteral("budget = 200"));
    QCOMPARE(curves.markerCount(), 2);
    QCOMPARE(curves.markerLabel(0), QStringLiteral("\u03bb = 0.05"));
    QCOMPARE(curves.markerLabel(1), QStringLiteral("budget = 200"));
    QVERIFY(curves.markerLabel(2).isEmpty());

    l1ra::ControlEvent lambda;
    lambda.kind = l1ra::ControlKind::Lambda;
    lambda.value = 0.05;
    QCOMPARE(MetricsCurves::markerLabelFor(lambda), QStringLiteral("\u03bb = 0.05"));
    l1ra::ControlEvent budget;
    budget.kind = l1ra::ControlKind::Budget;
    budget.value = 200;
    QCOMPARE(MetricsCurves::markerLabelFor(budget), QStringLiteral("budget = 200"));
    l1ra::ControlEvent pause;
    pause.kind = l1ra::ControlKind::Pause;
    QVERIFY(MetricsCurves::markerLabelFor(pause).isEmpty());
}

void MetricsCurvesTest::recordReplacesEverything() {
    MetricsCurves curves;
    curves.addStep(step(1, 9.0));
    curves.addMarker(1, QStringLiteral("old"));
    l1ra::RunRecord record;
    for (int i = 1; i <= 120; ++i) record.steps.push_back(step(i, 3.0 - i * 0.005));
    record.evals = {eval(40, 2.9), eval(80, 2.8), eval(120, 2.7)};
    l1ra::ControlEvent lambda;
    lambda.step = 30;
    lambda.kind = l1ra::ControlKind::Lambda;
    lambda.value = 0.01;
    l1ra::ControlEvent pause;
    pause.step = 50;
    pause.kind = l1ra::ControlKind::Pause;
    l1ra::ControlEvent budget;
    budget.step = 60;
    budget.kind = l1ra::ControlKind::Budget;
    budget.value = 150;
    record.controls = {lambda, pause, budget};
    curves.setRecord(record);
    QCOMPARE(curves.lossPointCount(), 120);
    QCOMPARE(curves.valLossPointCount(), 3);
    QCOMPARE(curves.markerCount(), 2);   // λ and budget; a pause does not move the curves
    QCOMPARE(curves.markerLabel(0), QStringLiteral("\u03bb = 0.01"));
    QCOMPARE(curves.markerLabel(1), QStringLiteral("budget = 150"));
}

void MetricsCurvesTest::divergencesAreMarkedAndDescribed() {
    MetricsCurves curves;
    for (int i = 1; i <= 20; ++i)
        if (i != 7) curves.addStep(step(i, 3.0));
    curves.addDivergence({7, "model.layers.1.mlp.up_proj.lora_B", "skip", 0.5, 1});
    QCOMPARE(curves.divergenceCount(), 1);
    QCOMPARE(curves.markerCount(), 1);
    QCOMPARE(curves.markerLabel(0), QStringLiteral("NaN: skipped"));
    // The skipped step has no point: hovering at it (or a neighbour) names the tensor and what was done.
    const QString hover = curves.describeStep(7);
    QVERIFY2(hover.contains(QStringLiteral("step 7: the gradient of model.layers.1.mlp.up_proj.lora_B was not finite; skipped")),
             qPrintable(hover));
    QVERIFY(!curves.describeStep(15).contains(QStringLiteral("not finite")));

    // A past run's divergences come back with its record; clear() drops them.
    l1ra::RunRecord record;
    for (int i = 1; i <= 9; ++i) record.steps.push_back(step(i, 3.0));
    record.divergences = {{10, "loss", "stop", 1.0, 1}};
    curves.setRecord(record);
    QCOMPARE(curves.divergenceCount(), 1);
    QCOMPARE(curves.markerLabel(0), QStringLiteral("NaN: stopped"));
    QVERIFY(curves.describeStep(9).contains(QStringLiteral("step 10: the loss was not finite; the run stopped")));
    curves.clear();
    QCOMPARE(curves.divergenceCount(), 0);
}

void MetricsCurvesTest::metricTabsSwitchTheLowerPlot() {
    MetricsCurves curves;
    auto* tabs = curves.findChild<QTabBar*>(QStringLiteral("metricTabs"));
    QVERIFY(tabs);
    QCOMPARE(tabs->count(), 5);
    tabs->setCurrentIndex(int(MetricsCurves::Metric::Memory));
    QCOMPARE(curves.metric(), MetricsCurves::Metric::Memory);
    curves.setMetric(MetricsCurves::Metric::TokensPerSecond);
    QCOMPARE(tabs->currentIndex(), int(MetricsCurves::Metric::TokensPerSecond));
}

void MetricsCurvesTest::describeStepShowsNearestValues() {
    MetricsCurves curves;
    for (int i = 10; i <= 100; i += 10) curves.addStep(step(i, i / 10.0));
    curves.addEval(eval(50, 4.25));
    curves.setMetric(MetricsCurves::Metric::Memory);
    const QString text = curves.describeStep(42);   // nearest logged step is 40
    QVERIFY2(text.contains(QStringLiteral("step 40")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("loss 4.0000")), qPrintable(text));
    QVERIFY2(!text.contains(QStringLiteral("val loss")), qPrintable(text));   // no evaluation yet at step 40
    QVERIFY2(text.contains(QStringLiteral("512 MiB")), qPrintable(text));
    const QString later = curves.describeStep(71);
    QVERIFY2(later.contains(QStringLiteral("val loss 4.2500 at step 50")), qPrintable(later));
    QVERIFY(MetricsCurves().describeStep(5).isEmpty());
}

void MetricsCurvesTest::hundredThousandSteps() {
    MetricsCurves curves;
    curves.resize(800, 500);
    curves.show();
    QVERIFY(QTest::qWaitForWindowExposed(&curves));
    for (int i = 1; i <= 100000; ++i) {
        curves.addStep(step(i, 3.0 + std::sin(i * 0.01)));
        if (i % 1000 == 0) curves.addEval(eval(i, 3.0));
        if (i % 20000 == 0) QCoreApplication::processEvents();   // as the GUI thread would between event batches
    }
    QCOMPARE(curves.lossPointCount(), 100000);
    QCOMPARE(curves.valLossPointCount(), 100);
    QVERIFY(!curves.describeStep(99999.4).isEmpty());
}

void MetricsCurvesTest::clearEmptiesEverything() {
    MetricsCurves curves;
    curves.addStep(step(1, 3.0));
    curves.addEval(eval(1, 3.0));
    curves.addMarker(1, QStringLiteral("x"));
    curves.clear();
    QCOMPARE(curves.lossPointCount(), 0);
    QCOMPARE(curves.valLossPointCount(), 0);
    QCOMPARE(curves.markerCount(), 0);
    QCOMPARE(curves.metricPointCount(MetricsCurves::Metric::LearningRate), 0);
}

void MetricsCurvesTest::saveImage() {
    QTemporaryDir dir;
    MetricsCurves curves;
    for (int i = 1; i <= 20; ++i) curves.addStep(step(i, 3.0 - i * 0.01));
    const QString png = dir.filePath(QStringLiteral("curves.png"));
    QVERIFY(curves.saveImage(png, 640, 400));
    QCOMPARE(QImage(png).size(), QSize(640, 400));
    QVERIFY(!curves.saveImage(dir.filePath(QStringLiteral("curves.bmp"))));
}

QTEST_MAIN(MetricsCurvesTest)
#include "tst_ui_metrics_curves.moc"
