// CurrentRun (which run exports and "Try it" use) and the exporter's own checks: what it refuses and why, and
// where an export goes by default.
#include "runs/run_exporter.h"
#include "shell/current_run.h"

#include <QtTest>

using namespace l1ra::ui;

class CurrentRunTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void liveAndOpenedRunsTakeTurns() {
        CurrentRun run;
        QVERIFY(run.isEmpty() && !run.isLive());
        run.startLive(QStringLiteral("/runs/a"));
        QVERIFY(run.isLive());
        QCOMPARE(run.source(), QStringLiteral("/runs/a"));
        QVERIFY(run.takeFirstLiveSnapshot());    // the first snapshot is the baseline
        QVERIFY(!run.takeFirstLiveSnapshot());
        run.liveRunEnded(true);
        QVERIFY(run.hasBestCheckpoint());

        run.open(QStringLiteral("/exports/b-peft/"), false);   // opening makes the opened folder current
        QVERIFY(!run.isLive());
        QCOMPARE(run.source(), QStringLiteral("/exports/b-peft"));
        QCOMPARE(run.liveDir(), QStringLiteral("/runs/a"));   // the live run is remembered
        QVERIFY(!run.hasBestCheckpoint());
        run.liveRunEnded(true);                 // a live run ending in the background leaves the opened one as it is
        QVERIFY(!run.hasBestCheckpoint());

        run.startLive(QStringLiteral("/runs/c"));   // a new run starts afresh
        QVERIFY(run.isLive() && !run.hasBestCheckpoint() && run.takeFirstLiveSnapshot());
    }

    void exporterSaysWhyItCannotStart() {
        RunExporter exporter;
        using K = RunExporter::Kind;
        QVERIFY(exporter.refusal(K::PeftAdapter, QString(), false).contains(QStringLiteral("Train or open a run first")));
        QVERIFY(exporter.refusal(K::PeftAdapter, QStringLiteral("/runs/a"), true).contains(QStringLiteral("still training")));
        QVERIFY(exporter.refusal(K::MetricsCsv, QStringLiteral("/runs/a"), true).isEmpty());   // CSVs read the record, not a checkpoint
        QVERIFY(exporter.refusal(K::GgufModel, QStringLiteral("/runs/a"), false).isEmpty());
    }

    void exportsGoBesideTheRunsFolder() {
        using K = RunExporter::Kind;
        QCOMPARE(RunExporter::suggestedPath(K::PeftAdapter, QStringLiteral("/home/u/L1RA/runs"), QStringLiteral("/home/u/L1RA/runs/first/")),
                 QStringLiteral("/home/u/L1RA/exports/first-peft"));
        QCOMPARE(RunExporter::suggestedPath(K::GgufLora, QStringLiteral("/r"), QStringLiteral("/r/x")), QStringLiteral("/exports/x-lora.gguf"));
        QCOMPARE(RunExporter::suggestedPath(K::RankHistoryCsv, QStringLiteral("/a/runs"), QStringLiteral("/a/runs/x")),
                 QStringLiteral("/a/exports/x-ranks.csv"));
    }
};

QTEST_MAIN(CurrentRunTest)
#include "tst_ui_current_run.moc"
