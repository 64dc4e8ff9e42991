// "Try it": the base model and the model with a trained adapter generate side by side on a worker thread,
// streamed into the two panes; the alpaca template wraps the prompt; Cancel stops a generation.
#include "studio_test_support.h"

#include "runs/generation_runner.h"
#include "live/training_controller.h"
#include "runs/try_it_panel.h"

#include "l1ra/prompt_template.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using l1ra::ui::GenerationRunner;
using l1ra::ui::TryItPanel;
using namespace l1ra::ui::test;

namespace {

constexpr int kWaitMs = 120000;

}  // namespace

class TryItTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void nothingToTryWithoutARun();
    void templateWrapsThePrompt();
    void generatesWithBaseAndAdapter();
    void cancelStopsAGeneration();
    void badAdapterIsReported();

private:
    QTemporaryDir temp_;
    QString runDir_;
};

void TryItTest::initTestCase() {
    QVERIFY(temp_.isValid());
    // A short run: its checkpoint is the adapter.
    l1ra::ui::TrainingController controller;
    QSignalSpy finished(&controller, &l1ra::ui::TrainingController::finished);
    runDir_ = temp_.filePath(QStringLiteral("run"));
    QVERIFY(controller.start(fixtureConfig(10), runDir_));
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(controller.state(), l1ra::RunState::Finished);
}

void TryItTest::nothingToTryWithoutARun() {
    TryItPanel panel;
    panel.setPrompt(QStringLiteral("Hello"));
    QVERIFY(!panel.findChild<QPushButton*>(QStringLiteral("tryItGenerate"))->isEnabled());
    panel.generate();
    QVERIFY(!panel.isGenerating());
}

// The engine formats the prompt with the run's prompt format: the fixture model has no chat template, so an
// instruction becomes the plain alpaca prompt; without the template the text goes as typed.
void TryItTest::templateWrapsThePrompt() {
    TryItPanel panel;
    panel.setRun(fixtureModel(), runDir_, QStringLiteral("run"));
    panel.setPrompt(QStringLiteral("Name a colour."));
    panel.setMaxNewTokens(1);
    QSignalSpy finished(&panel, &TryItPanel::generationFinished);
    panel.generate();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(panel.formattedPrompt(), QStringLiteral("Name a colour."));
    panel.setUseTemplate(true);
    panel.generate();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(panel.formattedPrompt(), QString::fromStdString(l1ra::alpacaPrompt("Name a colour.")));
    QVERIFY2(panel.promptFormat().contains(QStringLiteral("plain")), qPrintable(panel.promptFormat()));
}

void TryItTest::generatesWithBaseAndAdapter() {
    TryItPanel panel;
    panel.setRun(fixtureModel(), runDir_, QStringLiteral("run"));
    panel.setPrompt(QStringLiteral("The rank budget"));
    panel.setMaxNewTokens(12);
    QSignalSpy finished(&panel, &TryItPanel::generationFinished);
    panel.generate();
    QVERIFY(panel.isGenerating());
    QVERIFY(!panel.findChild<QPushButton*>(QStringLiteral("tryItGenerate"))->isEnabled());
    QVERIFY(panel.findChild<QPushButton*>(QStringLiteral("tryItCancel"))->isEnabled());
    QVERIFY(finished.wait(kWaitMs));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(panel.statusText()));
    QVERIFY(!panel.output(GenerationRunner::Base).isEmpty());
    QVERIFY(!panel.output(GenerationRunner::Tuned).isEmpty());
    QVERIFY2(panel.statusText().startsWith(QStringLiteral("Done")), qPrintable(panel.statusText()));

    // Greedy decoding is deterministic: the same prompt gives the same text again (models stay loaded).
    const QString base = panel.output(GenerationRunner::Base), tuned = panel.output(GenerationRunner::Tuned);
    panel.generate();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(panel.output(GenerationRunner::Base), base);
    QCOMPARE(panel.output(GenerationRunner::Tuned), tuned);
}

void TryItTest::cancelStopsAGeneration() {
    TryItPanel panel;
    panel.setRun(fixtureModel(), runDir_, QStringLiteral("run"));
    panel.setPrompt(QStringLiteral("Once"));
    panel.setMaxNewTokens(4096);
    QSignalSpy finished(&panel, &TryItPanel::generationFinished);
    panel.generate();
    panel.cancel();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(panel.statusText(), QStringLiteral("Cancelled."));
    QVERIFY(!panel.isGenerating());
}

void TryItTest::badAdapterIsReported() {
    TryItPanel panel;
    panel.setRun(fixtureModel(), temp_.filePath(QStringLiteral("no-such-run")), QStringLiteral("missing"));
    panel.setPrompt(QStringLiteral("Once"));
    panel.setMaxNewTokens(2);
    QSignalSpy finished(&panel, &TryItPanel::generationFinished);
    panel.generate();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QVERIFY2(panel.statusText().contains(QStringLiteral("no-such-run")), qPrintable(panel.statusText()));
    QVERIFY(!panel.output(GenerationRunner::Base).isEmpty());   // the base model still answered
}

QTEST_MAIN(TryItTest)
#include "tst_ui_try_it.moc"
