// LiveKnobs: requests from typing, Apply and the slider; pending until applied; setCurrent is silent.
#include "live/live_knobs.h"
#include "widgets/log_slider.h"
#include "widgets/real_spin_box.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QtTest>

using l1ra::ui::LiveKnobs;
using l1ra::ui::LogSlider;
using l1ra::ui::RealSpinBox;

class LiveKnobsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void setCurrentEmitsNothing();
    void lambdaTypedThenAppliedByEngine();
    void budgetAppliedWithButton();
    void repeatedRequestIsSentOnce();
    void newerRequestStaysPending();
    void sliderIsLogarithmic();
    void realSpinBoxKeepsSmallValuesAndSteps125();
};

void LiveKnobsTest::setCurrentEmitsNothing() {
    LiveKnobs knobs;
    QSignalSpy lambdas(&knobs, &LiveKnobs::lambdaRequested), budgets(&knobs, &LiveKnobs::budgetRequested);
    knobs.setCurrent(5e-3, 224);
    QCOMPARE(lambdas.count(), 0);
    QCOMPARE(budgets.count(), 0);
    QCOMPARE(knobs.lambda(), 5e-3);
    QCOMPARE(knobs.budget(), 224);
    QCOMPARE(knobs.findChild<QSpinBox*>(QStringLiteral("budgetSpin"))->value(), 224);
    QCOMPARE(knobs.findChild<RealSpinBox*>(QStringLiteral("lambdaSpin"))->value(), 5e-3);
    QCOMPARE(knobs.findChild<LogSlider*>(QStringLiteral("lambdaSlider"))->logValue(), 5e-3);
    QVERIFY(!knobs.isPending(QStringLiteral("lambda")));
    QCOMPARE(knobs.statusText(QStringLiteral("lambda")), QStringLiteral("\u03bb = 0.005"));
}

void LiveKnobsTest::lambdaTypedThenAppliedByEngine() {
    LiveKnobs knobs;
    knobs.setCurrent(5e-3, 224);
    QSignalSpy lambdas(&knobs, &LiveKnobs::lambdaRequested);
    auto* spin = knobs.findChild<RealSpinBox*>(QStringLiteral("lambdaSpin"));
    spin->selectAll();
    QTest::keyClicks(spin, QStringLiteral("0.05"));
    QCOMPARE(lambdas.count(), 0);   // nothing is sent while typing
    QTest::keyClick(spin, Qt::Key_Return);
    QCOMPARE(lambdas.count(), 1);
    QCOMPARE(lambdas.at(0).at(0).toDouble(), 0.05);
    QVERIFY(knobs.isPending(QStringLiteral("lambda")));
    QCOMPARE(knobs.pendingLambda(), 0.05);
    QCOMPARE(knobs.lambda(), 5e-3);   // still the old value in force
    auto* status = knobs.findChild<QLabel*>(QStringLiteral("lambdaStatus"));
    QVERIFY2(status->text().startsWith(QStringLiteral("pending: \u03bb = 0.05")), qPrintable(status->text()));
    QVERIFY(status->font().italic());

    knobs.markApplied(l1ra::ControlKind::Lambda, 0.05, 130);
    QVERIFY(!knobs.isPending(QStringLiteral("lambda")));
    QCOMPARE(knobs.lambda(), 0.05);
    QCOMPARE(status->text(), QStringLiteral("\u03bb = 0.05 applied at step 130"));
    QVERIFY(!status->font().italic());
    QCOMPARE(knobs.findChild<LogSlider*>(QStringLiteral("lambdaSlider"))->logValue(), 0.05);
}

void LiveKnobsTest::budgetAppliedWithButton() {
    LiveKnobs knobs;
    knobs.setCurrent(5e-3, 224);
    QSignalSpy budgets(&knobs, &LiveKnobs::budgetRequested);
    knobs.findChild<QSpinBox*>(QStringLiteral("budgetSpin"))->setValue(200);
    QCOMPARE(budgets.count(), 0);
    knobs.findChild<QPushButton*>(QStringLiteral("budgetApply"))->click();
    QCOMPARE(budgets.count(), 1);
    QCOMPARE(budgets.at(0).at(0).toInt(), 200);
    QVERIFY(knobs.isPending(QStringLiteral("budget")));
    QVERIFY(knobs.statusText(QStringLiteral("budget")).contains(QStringLiteral("pending: budget = 200")));
    knobs.markApplied(l1ra::ControlKind::Budget, 200, 150);
    QVERIFY(!knobs.isPending(QStringLiteral("budget")));
    QCOMPARE(knobs.budget(), 200);
    QCOMPARE(knobs.statusText(QStringLiteral("budget")), QStringLiteral("budget = 200 applied at step 150"));
}

void LiveKnobsTest::repeatedRequestIsSentOnce() {
    LiveKnobs knobs;
    knobs.setCurrent(5e-3, 224);
    QSignalSpy lambdas(&knobs, &LiveKnobs::lambdaRequested), budgets(&knobs, &LiveKnobs::budgetRequested);
    knobs.requestLambda(5e-3);   // already in force
    knobs.requestBudget(224);
    QCOMPARE(lambdas.count(), 0);
    QCOMPARE(budgets.count(), 0);
    knobs.requestLambda(0.1);
    knobs.requestLambda(0.1);
    QCOMPARE(lambdas.count(), 1);
}

void LiveKnobsTest::newerRequestStaysPending() {
    LiveKnobs knobs;
    knobs.setCurrent(5e-3, 224);
    knobs.requestLambda(0.01);
    knobs.requestLambda(0.02);
    knobs.markApplied(l1ra::ControlKind::Lambda, 0.01, 10);   // the first one landed
    QVERIFY(knobs.isPending(QStringLiteral("lambda")));
    QCOMPARE(knobs.lambda(), 0.01);
    knobs.markApplied(l1ra::ControlKind::Lambda, 0.02, 11);
    QVERIFY(!knobs.isPending(QStringLiteral("lambda")));
    // A new run's setCurrent forgets what was pending.
    knobs.requestBudget(100);
    knobs.setCurrent(1e-3, 56);
    QVERIFY(!knobs.isPending(QStringLiteral("budget")));
}

void LiveKnobsTest::sliderIsLogarithmic() {
    LogSlider slider(1e-5, 10, 20);
    QCOMPARE(slider.maximum() - slider.minimum(), 120);   // six decades
    slider.setLogValue(1e-3);
    QCOMPARE(slider.value(), 40);
    slider.setLogValue(1.0);
    QCOMPARE(slider.value(), 100);
    QCOMPARE(slider.logValue(), 1.0);
    slider.setLogValue(1000);   // clamped
    QCOMPARE(slider.logValue(), 10.0);

    LiveKnobs knobs;
    knobs.setCurrent(5e-3, 224);
    QSignalSpy lambdas(&knobs, &LiveKnobs::lambdaRequested);
    auto* knobSlider = knobs.findChild<LogSlider*>(QStringLiteral("lambdaSlider"));
    knobSlider->triggerAction(QAbstractSlider::SliderPageStepAdd);   // one decade up, by keyboard
    QCOMPARE(lambdas.count(), 1);
    QCOMPARE(lambdas.at(0).at(0).toDouble(), 0.05);
    QCOMPARE(knobs.findChild<RealSpinBox*>(QStringLiteral("lambdaSpin"))->value(), 0.05);
}

void LiveKnobsTest::realSpinBoxKeepsSmallValuesAndSteps125() {
    RealSpinBox spin;
    spin.setRange(0, 100);
    spin.setValue(1e-8);
    QCOMPARE(spin.value(), 1e-8);
    QCOMPARE(spin.text(), QStringLiteral("1e-08"));
    spin.setValue(2e-4);
    QCOMPARE(spin.text(), QStringLiteral("0.0002"));
    QCOMPARE(spin.valueFromText(QStringLiteral("5e-3")), 5e-3);
    spin.setLogarithmicSteps(true);
    spin.setValue(5e-3);
    spin.stepBy(1);
    QCOMPARE(spin.value(), 1e-2);
    spin.stepBy(1);
    QCOMPARE(spin.value(), 2e-2);
    spin.stepBy(-3);
    QCOMPARE(spin.value(), 2e-3);
    spin.setSmallestStep(1e-3);
    spin.stepBy(-2);
    QCOMPARE(spin.value(), 0.0);
    spin.stepBy(1);
    QCOMPARE(spin.value(), 1e-3);
    QString partial = QStringLiteral("1e-");
    int pos = 3;
    QCOMPARE(spin.validate(partial, pos), QValidator::Intermediate);
    QString junk = QStringLiteral("abc");
    QCOMPARE(spin.validate(junk, pos), QValidator::Invalid);
}

QTEST_MAIN(LiveKnobsTest)
#include "tst_ui_live_knobs.moc"
