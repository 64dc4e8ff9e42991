// The script harness's command table: unknown commands are refused when the script is read, a command with too
// few arguments or a malformed number fails with the line and the reason, and a short session runs to `quit`.
#include "shell/main_window.h"
#include "shell/studio_app.h"
#include "shell/studio_script.h"
#include "setup/run_config_form.h"
#include "studio_test_support.h"

#include <QSignalSpy>
#include <QtTest>

using namespace l1ra::ui;

class StudioScriptTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(temp_.isValid());
        test::isolateSettings(temp_);
        qputenv("L1RA_RUNS_DIR", temp_.filePath(QStringLiteral("runs")).toUtf8());
        setApplicationNames();
    }

    void unknownCommandsAreRefusedWhenRead() {
        MainWindow w;
        StudioScript script(w);
        QString error;
        QVERIFY(!script.setText(QStringLiteral("echo hello\n# a comment\n\nfly away\n"), &error));
        QVERIFY2(error.contains(QStringLiteral("line 4")) && error.contains(QStringLiteral("'fly'")), qPrintable(error));
    }

    void badArgumentsFailWithTheLine() {
        const struct {
            const char* text;
            const char* expected;
        } cases[] = {{"set train.lr", "needs 2 arguments"}, {"lambda fast", "'fast' is not a number"},
                     {"page nowhere", "unknown page 'nowhere'"}, {"export onnx /tmp/x", "unknown export 'onnx'"},
                     {"pause", "disabled"}};
        for (const auto& c : cases) {
            MainWindow w;
            StudioScript script(w);
            script.setExitApplication(false);
            QString error;
            QVERIFY2(script.setText(QString::fromLatin1(c.text), &error), qPrintable(error));
            script.start();
            QTRY_VERIFY(script.isFinished());
            QCOMPARE(script.exitCode(), 1);
            QVERIFY2(script.failure().contains(QStringLiteral("line 1")) && script.failure().contains(QLatin1String(c.expected)),
                     qPrintable(script.failure()));
        }
    }

    void aShortSessionRunsToQuit() {
        MainWindow w;
        w.show();
        StudioScript script(w);
        script.setExitApplication(false);
        QString error;
        QVERIFY(script.setText(QStringLiteral("echo start\nset train.steps 7\npage runs\nwait 10\ntimeout 30\npage setup\nquit\n"), &error));
        script.start();
        QTRY_VERIFY_WITH_TIMEOUT(script.isFinished(), 30000);
        QCOMPARE(script.exitCode(), 0);
        QCOMPARE(w.runConfigForm()->config().train.steps, 7);
        QCOMPARE(w.currentPage(), MainWindow::Page::Setup);
    }

private:
    QTemporaryDir temp_;
};

QTEST_MAIN(StudioScriptTest)
#include "tst_ui_studio_script.moc"
