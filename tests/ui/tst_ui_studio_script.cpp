// The script harness's command table: unknown commands are refused when the script is read, a command with too
// few arguments or a malformed number fails with the line and the reason, and a short session runs to `quit`;
// `l1ra-studio --script` with a script it cannot use exits with status 2 and says why.
#include "shell/main_window.h"
#include "shell/studio_app.h"
#include "shell/studio_script.h"
#include "setup/run_config_form.h"
#include "studio_test_support.h"

#include <QProcess>
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

    // `l1ra-studio --script FILE` as a user runs it: a script that cannot be read, or that names an unknown command,
    // ends the studio with status 2 (not a crash) and a message naming the file, before any command runs.
    void aScriptThatCannotBeUsedEndsTheStudio() {
        const QString missing = temp_.filePath(QStringLiteral("no-such-script.txt"));
        const QString unknown = temp_.filePath(QStringLiteral("unknown.txt"));
        test::writeLines(unknown, {"echo hello", "# a comment", "fly away", "quit"});
        const struct {
            QString script;
            QString expected;
        } cases[] = {{missing, QStringLiteral("l1ra-studio: cannot read the script %1: No such file or directory").arg(missing)},
                     {unknown, QStringLiteral("l1ra-studio: %1: script line 3: unknown command 'fly'").arg(unknown)}};
        for (const auto& c : cases) {
            QProcess studio;
            studio.setProcessEnvironment(studioEnvironment());
            studio.start(QStringLiteral(L1RA_BIN_DIR "/l1ra-studio"), {QStringLiteral("--script"), c.script});
            QVERIFY2(studio.waitForStarted(), qPrintable(studio.errorString()));
            if (!studio.waitForFinished(kExitMs)) {
                studio.kill();
                studio.waitForFinished();
                QFAIL("the studio did not exit");
            }
            const QString stderrText = QString::fromUtf8(studio.readAllStandardError());
            QCOMPARE(studio.exitStatus(), QProcess::NormalExit);
            QCOMPARE(studio.exitCode(), 2);
            QVERIFY2(stderrText.contains(c.expected), qPrintable(stderrText));
            QVERIFY2(!stderrText.contains(QStringLiteral("[studio script]")), qPrintable(stderrText));   // nothing ran
        }
    }

private:
    static constexpr int kExitMs = 60000;

    // The child studio's settings, data and runs under this suite's folder, not the user's; no display needed.
    QProcessEnvironment studioEnvironment() const {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        for (const char* name : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"})
            env.insert(QLatin1String(name), temp_.filePath(QStringLiteral("child/") + QLatin1String(name)));
        env.insert(QStringLiteral("L1RA_DEMO_DIR"), temp_.filePath(QStringLiteral("child/demo")));
        return env;
    }

    QTemporaryDir temp_;
};

QTEST_MAIN(StudioScriptTest)
#include "tst_ui_studio_script.moc"
