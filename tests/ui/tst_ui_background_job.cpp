// BackgroundJob, the one helper for slow work off the GUI thread: results come back on the GUI thread, Refuse
// turns a second job away, Supersede drops a superseded job's result, cancel() reaches the work, and the
// destructor waits for work still running.
#include "shell/background_job.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using l1ra::ui::BackgroundJob;

namespace {

// Work that runs until `release` is set or the job is cancelled.
BackgroundJob::Work heldWork(std::shared_ptr<std::atomic<bool>> release, std::shared_ptr<std::atomic<bool>> sawCancel = {}) {
    return [release, sawCancel](const BackgroundJob::CancelFlag& cancelled) {
        while (!*release && !cancelled) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (sawCancel) *sawCancel = cancelled.load();
    };
}

}  // namespace

class BackgroundJobTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void resultComesBackOnTheGuiThread() {
        BackgroundJob job;
        QSignalSpy running(&job, &BackgroundJob::runningChanged);
        QThread* doneOn = nullptr;
        QString error = QStringLiteral("not yet");
        QVERIFY(job.start([] { throw std::runtime_error("disk on fire"); }, [&](const QString& e) {
            doneOn = QThread::currentThread();
            error = e;
        }));
        QVERIFY(job.isRunning());
        QTRY_VERIFY(!job.isRunning());
        QCOMPARE(doneOn, QCoreApplication::instance()->thread());
        QCOMPARE(error, QStringLiteral("disk on fire"));
        QCOMPARE(running.count(), 2);   // true, then false
    }

    void refuseTurnsASecondJobAway() {
        BackgroundJob job;
        auto release = std::make_shared<std::atomic<bool>>(false);
        int done = 0;
        QVERIFY(job.start(heldWork(release), [&](const QString&) { ++done; }));
        QVERIFY(!job.start([] {}, [&](const QString&) { done += 100; }));
        *release = true;
        QTRY_COMPARE(done, 1);
        QVERIFY(!job.wasCancelled());
    }

    void supersedeDeliversOnlyTheNewestResult() {
        BackgroundJob job(nullptr, BackgroundJob::Policy::Supersede);
        QSignalSpy running(&job, &BackgroundJob::runningChanged);
        auto release = std::make_shared<std::atomic<bool>>(false);
        auto firstSawCancel = std::make_shared<std::atomic<bool>>(false);
        QStringList delivered;
        QVERIFY(job.start(heldWork(release, firstSawCancel), [&](const QString&) { delivered << QStringLiteral("first"); }));
        QVERIFY(job.start([] {}, [&](const QString&) { delivered << QStringLiteral("second"); }));
        QTRY_COMPARE(delivered, QStringList{QStringLiteral("second")});
        QTRY_VERIFY(firstSawCancel->load());   // the superseded work was told to stop
        QTest::qWait(20);                      // its completion arrives and is dropped
        QCOMPARE(delivered, QStringList{QStringLiteral("second")});
        QCOMPARE(running.count(), 2);          // one busy period, not two
    }

    void cancelReachesTheWork() {
        BackgroundJob refuse;
        auto release = std::make_shared<std::atomic<bool>>(false);
        bool done = false;
        QVERIFY(refuse.start(heldWork(release), [&](const QString&) { done = true; }));
        refuse.cancel();
        QTRY_VERIFY(done);   // Refuse: the job ends early and still reports
        QVERIFY(refuse.wasCancelled());

        BackgroundJob supersede(nullptr, BackgroundJob::Policy::Supersede);
        bool delivered = false;
        QVERIFY(supersede.start(heldWork(release), [&](const QString&) { delivered = true; }));
        supersede.cancel();
        QVERIFY(!supersede.isRunning());   // Supersede: nothing is wanted any more
        QTest::qWait(20);
        QVERIFY(!delivered);
    }

    void destructorWaitsForTheWork() {
        auto finished = std::make_shared<std::atomic<bool>>(false);
        {
            BackgroundJob job;
            QVERIFY(job.start(
                [finished](const BackgroundJob::CancelFlag&) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(30));
                    *finished = true;
                },
                [](const QString&) {}));
        }
        QVERIFY(finished->load());
    }
};

QTEST_MAIN(BackgroundJobTest)
#include "tst_ui_background_job.moc"
