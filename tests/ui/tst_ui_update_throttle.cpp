// UpdateThrottle: the first request flushes at once, a burst during the interval becomes one flush at its end.
#include "live/update_throttle.h"

#include <QtTest>

using l1ra::ui::UpdateThrottle;

class UpdateThrottleTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstRequestFlushesAtOnce();
    void burstBecomesOneFlush();
    void flushNowRunsWhatIsPending();
};

void UpdateThrottleTest::firstRequestFlushesAtOnce() {
    int flushes = 0;
    UpdateThrottle throttle(50, [&] { ++flushes; });
    throttle.request();
    QCOMPARE(flushes, 1);
    QVERIFY(!throttle.isPending());
}

void UpdateThrottleTest::burstBecomesOneFlush() {
    int flushes = 0;
    UpdateThrottle throttle(50, [&] { ++flushes; });
    for (int i = 0; i < 20; ++i) throttle.request();
    QCOMPARE(flushes, 1);
    QVERIFY(throttle.isPending());
    QTRY_COMPARE(flushes, 2);   // the burst's newest values, once
    QVERIFY(!throttle.isPending());
}

void UpdateThrottleTest::flushNowRunsWhatIsPending() {
    int flushes = 0;
    UpdateThrottle throttle(10000, [&] { ++flushes; });
    throttle.request();
    throttle.request();
    QCOMPARE(flushes, 1);
    throttle.flushNow();
    QCOMPARE(flushes, 2);
    throttle.flushNow();   // nothing pending
    QCOMPARE(flushes, 2);
}

QTEST_MAIN(UpdateThrottleTest)
#include "tst_ui_update_throttle.moc"
