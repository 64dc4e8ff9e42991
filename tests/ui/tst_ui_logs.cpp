// ReallocationLog (rows, texts, order, churn) and LogPane (levels, colours, counts).
#include "shell/log_pane.h"
#include "widgets/reallocation_log.h"
#include "ui_test_support.h"

#include <QSignalSpy>
#include <QTreeWidget>
#include <QtTest>

using l1ra::ui::LogPane;
using l1ra::ui::ReallocationLog;
using namespace l1ra::ui::test;

namespace {

l1ra::ReallocationEvent reallocation(int64_t step, std::vector<l1ra::RankMove> moves) {
    l1ra::ReallocationEvent e;
    e.step = step;
    e.moves = std::move(moves);
    for (const auto& m : e.moves) {
        e.pruned += m.pruned;
        e.added += m.added;
    }
    e.budget = 224;
    return e;
}

}  // namespace

class LogsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void describesMovesLossesFirst();
    void longMoveListsAreShortened();
    void newestRowFirst();
    void budgetChangeIsNoted();
    void setReallocationsReplaces();
    void churnIsSummarised();
    void logLevelsAndColours();
    void logKeepsNewestEntries();
};

void LogsTest::describesMovesLossesFirst() {
    const auto e = reallocation(120, {move(5, 4, 8, 9), move(1, 1, 8, 5), move(2, 2, 8, 7), move(7, 5, 8, 10)});
    QCOMPARE(ReallocationLog::describeMoves(e),
             QStringLiteral("\u22123 from L1 k_proj, \u22121 from L2 v_proj, +2 to L7 up_proj, +1 to L5 gate_proj"));
    QCOMPARE(ReallocationLog::describeMove(e.moves[1]), QStringLiteral("L1 k_proj 8 \u2192 5 (\u22123)"));
    QCOMPARE(ReallocationLog::describeMoves(reallocation(5, {})), QStringLiteral("no adapter changed"));
}

void LogsTest::longMoveListsAreShortened() {
    std::vector<l1ra::RankMove> moves;
    for (int l = 0; l < 10; ++l) moves.push_back(move(l, 0, 8, 7));
    const QString text = ReallocationLog::describeMoves(reallocation(10, moves), 3);
    QVERIFY2(text.endsWith(QStringLiteral(", and 7 more")), qPrintable(text));
    QCOMPARE(text.count(QStringLiteral("from")), 3);
}

void LogsTest::newestRowFirst() {
    ReallocationLog log;
    QSignalSpy activated(&log, &ReallocationLog::reallocationActivated);
    log.addReallocation(reallocation(60, {move(1, 1, 8, 6), move(3, 4, 8, 10)}));
    log.addReallocation(reallocation(120, {move(2, 0, 8, 7), move(4, 6, 8, 9)}));
    QCOMPARE(log.count(), 2);
    QCOMPARE(log.stepAt(0), qint64(120));
    QCOMPARE(log.stepAt(1), qint64(60));
    QCOMPARE(log.countsText(1), QStringLiteral("\u22122 / +2"));
    QVERIFY(log.movesText(0).startsWith(QStringLiteral("\u22121 from L2 q_proj")));
    QCOMPARE(log.movedRanks(), 3);
    QCOMPARE(log.stepAt(5), qint64(-1));
    // Each row expands into its moves; activating a row names its step.
    auto* tree = log.findChild<QTreeWidget*>(QStringLiteral("reallocationTree"));
    QCOMPARE(tree->topLevelItem(1)->childCount(), 2);
    Q_EMIT tree->itemActivated(tree->topLevelItem(1)->child(0), 0);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toLongLong(), qint64(60));
}

void LogsTest::budgetChangeIsNoted() {
    ReallocationLog log;
    auto e = reallocation(200, {move(0, 0, 8, 4)});
    e.budgetChanged = true;
    e.budget = 220;
    log.addReallocation(e);
    QVERIFY2(log.countsText(0).contains(QStringLiteral("budget \u2192 220")), qPrintable(log.countsText(0)));
}

void LogsTest::setReallocationsReplaces() {
    ReallocationLog log;
    log.addReallocation(reallocation(1, {move(0, 0, 8, 7)}));
    log.setReallocations({reallocation(10, {}), reallocation(20, {}), reallocation(30, {})});
    QCOMPARE(log.count(), 3);
    QCOMPARE(log.stepAt(0), qint64(30));
    log.clear();
    QCOMPARE(log.count(), 0);
}

void LogsTest::churnIsSummarised() {
    // Interval 10. Step 10: two ranks from the start go to adapter (1, 4). Step 20: one of them (created at 10)
    // and one from the start are pruned: one ping-pong. Step 30: a rank created at 20 is pruned: another.
    auto withBirths = [](int64_t step, std::vector<l1ra::RankMove> moves, std::vector<std::vector<int64_t>> born) {
        auto e = reallocation(step, std::move(moves));
        for (std::size_t i = 0; i < born.size(); ++i) e.moves[i].prunedBorn = born[i];
        e.hasRankAges = true;
        e.pingPong = l1ra::pingPongCount(e, 10);
        return e;
    };
    ReallocationLog log;
    log.setInterval(10);
    log.addReallocation(withBirths(10, {move(0, 0, 8, 6), move(1, 4, 8, 10)}, {{0, 0}, {}}));
    log.addReallocation(withBirths(20, {move(1, 4, 10, 9), move(0, 1, 8, 7), move(2, 5, 8, 10)}, {{10}, {0}, {}}));
    log.addReallocation(withBirths(30, {move(2, 5, 10, 9), move(3, 6, 8, 9)}, {{20}, {}}));
    log.addReallocation(withBirths(40, {}, {}));
    QCOMPARE(log.countsText(2), QStringLiteral("\u22122 / +2 \u00b7 1 back"));
    const l1ra::ChurnSummary c = log.churn();
    QCOMPARE(c.moved, 5);
    QCOMPARE(c.pingPong, 2);
    QCOMPARE(c.pingPongEligible, 4);   // the rank created at 30 has no complete window by step 40
    QCOMPARE(c.prunedAgeMedian, 10.0);
    QCOMPARE(c.prunedFromStart, 3);
    QCOMPARE(log.summaryText(), QStringLiteral("4 reallocations \u00b7 5 ranks moved (%1 a reallocation) \u00b7 ping-pong 50 % "
                                               "\u00b7 pruned at a median age of 10 steps").arg(1.25, 0, 'f', 1));
    // Events recorded before rank ages were: no ping-pong figure rather than a wrong one.
    ReallocationLog old;
    old.setInterval(10);
    auto e = reallocation(10, {move(0, 0, 8, 6), move(1, 4, 8, 10)});
    e.hasRankAges = false;
    old.addReallocation(e);
    QVERIFY2(!old.summaryText().contains(QStringLiteral("ping-pong")), qPrintable(old.summaryText()));
}

void LogsTest::logLevelsAndColours() {
    LogPane pane;
    QSignalSpy errors(&pane, &LogPane::errorLogged);
    l1ra::LogEvent info;
    info.text = "loaded model";
    pane.appendLog(info);
    l1ra::LogEvent warning;
    warning.level = l1ra::LogEvent::Level::Warning;
    warning.text = "sequence cut to 256 tokens";
    pane.appendLog(warning);
    pane.appendError(QStringLiteral("data.jsonl:3: not valid JSON"));
    QCOMPARE(pane.entryCount(), 3);
    QCOMPARE(pane.entryText(0), QStringLiteral("loaded model"));
    QCOMPARE(pane.entryText(1), QStringLiteral("sequence cut to 256 tokens"));
    QCOMPARE(pane.entryLevel(1), LogPane::Level::Warning);
    QCOMPARE(pane.entryLevel(2), LogPane::Level::Error);
    QCOMPARE(pane.entryColor(0), pane.levelColor(LogPane::Level::Info));
    QCOMPARE(pane.entryColor(1), pane.levelColor(LogPane::Level::Warning));
    QCOMPARE(pane.entryColor(2), pane.levelColor(LogPane::Level::Error));
    QVERIFY(pane.levelColor(LogPane::Level::Error) != pane.levelColor(LogPane::Level::Info));
    QVERIFY(pane.levelColor(LogPane::Level::Warning) != pane.levelColor(LogPane::Level::Error));
    QVERIFY(pane.plainText().contains(QStringLiteral("error: data.jsonl:3")));
    QCOMPARE(pane.warningCount(), 1);
    QCOMPARE(pane.errorCount(), 1);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.at(0).at(0).toString(), QStringLiteral("data.jsonl:3: not valid JSON"));
    pane.clear();
    QCOMPARE(pane.entryCount(), 0);
    QCOMPARE(pane.errorCount(), 0);
}

void LogsTest::logKeepsNewestEntries() {
    LogPane pane;
    pane.setMaximumEntries(100);
    for (int i = 0; i < 250; ++i) pane.appendMessage(LogPane::Level::Info, QStringLiteral("line %1").arg(i));
    QCOMPARE(pane.entryCount(), 100);
    QCOMPARE(pane.entryText(99), QStringLiteral("line 249"));
    QCOMPARE(pane.entryText(0), QStringLiteral("line 150"));
}

QTEST_MAIN(LogsTest)
#include "tst_ui_logs.moc"
