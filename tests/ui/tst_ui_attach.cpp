// The studio attached to a run another process trains (a headless `l1ra train --nproc 2`): Run ▸ Attach follows
// it in the live view (heatmap, curves, reallocation log, the run's history first), the knobs and the pause,
// resume and stop actions steer it, Detach lets it go on, and a folder that cannot be followed gets an error
// that names it while the studio stays usable.
#include "studio_test_support.h"

#include "live/live_knobs.h"
#include "live/training_controller.h"
#include "shell/launch_options.h"
#include "shell/main_window.h"
#include "shell/studio_app.h"
#include "shell/studio_settings.h"
#include "shell/user_prompts.h"
#include "widgets/metrics_curves.h"
#include "widgets/rank_heatmap.h"
#include "widgets/reallocation_log.h"

#include "l1ra/run_config.h"
#include "l1ra/run_record.h"

#include <QAction>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using l1ra::RunState;
using l1ra::ui::MainWindow;
using l1ra::ui::TrainingController;
using namespace l1ra::ui::test;

namespace {

constexpr int kWaitMs = 120000;

}  // namespace

class AttachTest : public QObject {
    Q_OBJECT
    QTemporaryDir temp_;
    QString nextFolder_;
    QStringList errors_;

    std::unique_ptr<MainWindow> makeWindow() {
        auto w = std::make_unique<MainWindow>();
        l1ra::ui::UserPrompts p;
        p.openFolder = [this](QWidget*, const QString&, const QString&) { return nextFolder_; };
        p.confirm = [](QWidget*, const QString&, const QString&) { return true; };
        p.showError = [this](QWidget*, const QString&, const QString& message) { errors_ << message; };
        p.showInfo = [](QWidget*, const QString&, const QString&) {};
        w->setPrompts(p);
        w->show();
        return w;
    }

    // `l1ra train --nproc 2` on the fixture, long enough to be followed.
    QProcess* startHeadless(const QString& dir) {
        l1ra::RunConfig config = fixtureConfig(100000, 5);
        config.checkpoint.every = 20;
        const QString file = temp_.filePath(QStringLiteral("headless.json"));
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly)) return nullptr;
        out.write(QByteArray::fromStdString(l1ra::runConfigToJson(config)));
        out.close();
        auto* p = new QProcess(this);
        p->setStandardOutputFile(QProcess::nullDevice());
        p->setStandardErrorFile(QProcess::nullDevice());
        p->start(QStringLiteral(L1RA_BIN_DIR "/l1ra"), {QStringLiteral("train"), QStringLiteral("--config"), file, QStringLiteral("--out"), dir,
                                                        QStringLiteral("--nproc"), QStringLiteral("2")});
        return p->waitForStarted() ? p : nullptr;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(temp_.isValid());
        isolateSettings(temp_);
        qputenv("L1RA_RUNS_DIR", temp_.filePath(QStringLiteral("runs")).toUtf8());
        l1ra::ui::setApplicationNames();
    }

    void theCommandLineAttaches() {
        const auto options = l1ra::ui::parseLaunchOptions({QStringLiteral("l1ra-studio"), QStringLiteral("--attach"), QStringLiteral("/runs/dp")});
        QVERIFY(options.error.isEmpty());
        QCOMPARE(options.attach, QStringLiteral("/runs/dp"));
    }

    void aHeadlessRunIsFollowedSteeredAndLeft() {
        const QString dir = temp_.filePath(QStringLiteral("headless"));
        QProcess* trainer = startHeadless(dir);
        QVERIFY(trainer);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(dir + QStringLiteral("/process.json")), kWaitMs);
        QTest::qWait(1000);   // steps before attaching: shown from the run's history
        auto w = makeWindow();
        TrainingController* controller = w->controller();
        QVERIFY(w->actions().attachRun->isEnabled());
        QVERIFY(!w->actions().detachRun->isEnabled());
        nextFolder_ = dir;
        w->actions().attachRun->trigger();
        QVERIFY2(controller->isAttached(), qPrintable(errors_.join('\n') + controller->lastError()));
        QVERIFY(w->actions().detachRun->isEnabled());
        QVERIFY(!w->actions().start->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), RunState::Running, kWaitMs);
        QVERIFY(controller->deviceDescription().contains(QStringLiteral("followed")));
        QTRY_VERIFY_WITH_TIMEOUT(w->heatmap()->hasSnapshot(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(w->reallocationLog()->count() >= 2, kWaitMs);
        QVERIFY(w->curves()->lossPointCount() > 0);

        // The knobs reach the other process; their application comes back through its folder.
        l1ra::ui::LiveKnobs* knobs = w->liveKnobs();
        knobs->requestLambda(0.2);
        QTRY_VERIFY_WITH_TIMEOUT(!knobs->isPending(QStringLiteral("lambda")), kWaitMs);
        QCOMPARE(knobs->lambda(), 0.2);
        knobs->requestBudget(48);
        QTRY_VERIFY_WITH_TIMEOUT(!knobs->isPending(QStringLiteral("budget")), kWaitMs);
        QCOMPARE(knobs->budget(), 48);

        w->actions().pause->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), RunState::Paused, kWaitMs);
        QVERIFY(w->actions().resume->isEnabled());
        w->actions().resume->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), RunState::Running, kWaitMs);

        // Detach: the studio lets go, the run goes on; attach again and stop it from here.
        QSignalSpy finished(controller, &TrainingController::finished);
        w->actions().detachRun->trigger();
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(controller->state(), RunState::Idle);
        QVERIFY(!controller->isActive());
        QTest::qWait(300);
        QCOMPARE(trainer->state(), QProcess::Running);
        QVERIFY(w->attachToRun(dir));
        QTRY_COMPARE_WITH_TIMEOUT(controller->state(), RunState::Running, kWaitMs);
        w->actions().stop->trigger();
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(controller->state(), RunState::Stopped);
        QVERIFY(trainer->waitForFinished(kWaitMs));
        const l1ra::RunRecord record = l1ra::loadRunRecord(dir.toStdString());
        QCOMPARE(record.summary.state, RunState::Stopped);
        QCOMPARE(record.summary.worldSize, 2);
        QCOMPARE(record.snapshots.back().budget, 48);
        QVERIFY2(errors_.isEmpty(), qPrintable(errors_.join('\n')));

        // An ended run is not attachable: the error names the folder; the studio stays usable.
        QVERIFY(!w->attachToRun(dir));
        QCOMPARE(errors_.size(), 1);
        QVERIFY2(errors_.first().contains(dir) && errors_.first().contains(QStringLiteral("has ended")), qPrintable(errors_.first()));
        QVERIFY(!controller->isActive());
        QVERIFY(w->actions().start->isEnabled());
    }
};

QTEST_MAIN(AttachTest)
#include "tst_ui_attach.moc"
