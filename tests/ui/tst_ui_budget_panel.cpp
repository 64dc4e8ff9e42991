// BudgetPanel: totals per projection against the start, gauge text and over/under-budget notes.
#include "widgets/budget_panel.h"
#include "ui_test_support.h"

#include <QLabel>
#include <QProgressBar>
#include <QtTest>

using l1ra::ui::BudgetPanel;
using namespace l1ra::ui::test;

class BudgetPanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void totalsPerProjection();
    void gaugeShowsUseOfBudget();
    void lowerBudgetIsFlagged();
    void clearResets();
    void thresholdInForceIsShown();
};

void BudgetPanelTest::thresholdInForceIsShown() {
    BudgetPanel panel;
    auto s = uniformSnapshot(4, 8);
    s.threshold = 0.010001;
    panel.setSnapshot(s);
    QVERIFY2(panel.detailText().contains(QStringLiteral("prune threshold 0.01:")), qPrintable(panel.detailText()));
    panel.setThreshold(0.090001);   // λ raised live: the next reallocation uses the new threshold
    QCOMPARE(panel.threshold(), 0.090001);
    QVERIFY2(panel.detailText().contains(QStringLiteral("prune threshold 0.09:")), qPrintable(panel.detailText()));
    auto lora = uniformSnapshot(4, 8);
    panel.setSnapshot(lora);
    QVERIFY(!panel.detailText().contains(QStringLiteral("threshold")));
}

void BudgetPanelTest::totalsPerProjection() {
    BudgetPanel panel;
    // 4 layers, r0 = 8, down_proj not adapted: 24 adapters, budget 192.
    auto s = uniformSnapshot(4, 8, {6});
    setRank(s, 0, 0, 2, 1.0);    // q loses 6
    setRank(s, 3, 4, 12, 10.0);  // gate gains 4
    setRank(s, 2, 5, 10, 9.0);   // up gains 2
    panel.setSnapshot(s);
    QCOMPARE(panel.adapterCount(), 24);
    QCOMPARE(panel.totalRank(), 192);
    QCOMPARE(panel.budget(), 192);
    QCOMPARE(panel.projectionTotal(0), 26);
    QCOMPARE(panel.projectionStartTotal(0), 32);
    QCOMPARE(panel.projectionTotal(4), 36);
    QCOMPARE(panel.projectionTotal(5), 34);
    QCOMPARE(panel.projectionTotal(6), 0);
    QCOMPARE(panel.projectionStartTotal(6), 0);
    QCOMPARE(panel.projectionMeanRank(4), 9.0);
    QCOMPARE(panel.projectionMeanRank(0), 6.5);
    QVERIFY(panel.projectionToolTip(4).contains(QStringLiteral("gate_proj: 36 ranks (start 32)")));
    QVERIFY(panel.projectionToolTip(6).contains(QStringLiteral("not adapted")));
    QCOMPARE(panel.projectionTotal(7), 0);   // out of range asks are harmless
}

void BudgetPanelTest::gaugeShowsUseOfBudget() {
    BudgetPanel panel;
    QCOMPARE(panel.gaugeText(), QStringLiteral("no run"));
    panel.setSnapshot(uniformSnapshot(2, 4));
    QCOMPARE(panel.gaugeText(), QStringLiteral("56 / 56 ranks (100 %)"));
    QCOMPARE(panel.usedFraction(), 1.0);
    auto* gauge = panel.findChild<QProgressBar*>(QStringLiteral("budgetGauge"));
    QVERIFY(gauge);
    QCOMPARE(gauge->maximum(), 56);
    QCOMPARE(gauge->value(), 56);
    QCOMPARE(gauge->format(), panel.gaugeText());
}

void BudgetPanelTest::lowerBudgetIsFlagged() {
    BudgetPanel panel;
    auto s = uniformSnapshot(2, 4);
    s.budget = 50;   // the user lowered it; the next reallocation prunes
    panel.setSnapshot(s);
    QCOMPARE(panel.gaugeText(), QStringLiteral("56 / 50 ranks (112 %)"));
    auto* detail = panel.findChild<QLabel*>(QStringLiteral("budgetDetail"));
    QVERIFY(detail->text().contains(QStringLiteral("prunes 6")));
    s.budget = 60;
    panel.setSnapshot(s);
    QVERIFY(detail->text().contains(QStringLiteral("adds 4")));
    s.budget = 56;
    panel.setSnapshot(s);
    QVERIFY(!detail->text().contains(QStringLiteral("budget:")));
}

void BudgetPanelTest::clearResets() {
    BudgetPanel panel;
    panel.setSnapshot(uniformSnapshot(2, 4));
    panel.clear();
    QVERIFY(!panel.hasSnapshot());
    QCOMPARE(panel.totalRank(), 0);
    QCOMPARE(panel.projectionTotal(0), 0);
}

QTEST_MAIN(BudgetPanelTest)
#include "tst_ui_budget_panel.moc"
