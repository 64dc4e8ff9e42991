// The studio as an installed desktop application: what a file manager's double click passes it (the .desktop
// entry's %f), where it keeps its files (XDG folders, never beside the executable), and the models it offers from
// the Hugging Face cache.
#include "setup/cached_model_button.h"
#include "setup/config_field_editor.h"
#include "shell/launch_options.h"
#include "setup/preset_store.h"
#include "shell/studio_app.h"
#include "shell/studio_paths.h"

#include "l1ra/run_config.h"

#include <QAction>
#include <QFile>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QtTest>

class DesktopIntegrationTest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

    QString makeFolder(const QString& name, const QStringList& files) const {
        const QString dir = tmp_.filePath(name);
        QDir().mkpath(dir);
        for (const QString& f : files) {
            QFile file(QDir(dir).filePath(f));
            if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(file.fileName()));
            file.write("{}\n");
        }
        return dir;
    }

    static l1ra::ui::LaunchOptions launch(const QStringList& rest) { return l1ra::ui::parseLaunchOptions(QStringList{QStringLiteral("l1ra-studio")} + rest); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        // Before anything asks QStandardPaths or QSettings: a user whose XDG folders are here.
        qputenv("HOME", tmp_.filePath(QStringLiteral("home")).toUtf8());
        qputenv("XDG_CONFIG_HOME", tmp_.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", tmp_.filePath(QStringLiteral("data")).toUtf8());
        qunsetenv("L1RA_DEMO_DIR");
        qunsetenv("L1RA_RUNS_DIR");
        l1ra::ui::setApplicationNames();
    }

    // A run folder's config.json opens the run; so does the one inside an exported adapter's l1ra_run/.
    void runConfigJsonOpensTheRun() {
        const QString run = makeFolder(QStringLiteral("runs/a"), {QStringLiteral("config.json"), QStringLiteral("metrics.jsonl")});
        l1ra::ui::LaunchOptions o = launch({run + QStringLiteral("/config.json")});
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(o.runFolder, run);
        QVERIFY(o.runConfig.isEmpty() && o.model.isEmpty());
        const QString embedded = makeFolder(QStringLiteral("adapter/l1ra_run"), {QStringLiteral("config.json"), QStringLiteral("metrics.jsonl")});
        QCOMPARE(launch({embedded + QStringLiteral("/config.json")}).runFolder, embedded);
        QCOMPARE(launch({run}).runFolder, run);   // a folder, as before
    }

    void modelConfigJsonChoosesTheModel() {
        const QString model = makeFolder(QStringLiteral("model"), {QStringLiteral("config.json"), QStringLiteral("model.safetensors")});
        const l1ra::ui::LaunchOptions o = launch({model + QStringLiteral("/config.json")});
        QCOMPARE(o.model, model);
        QVERIFY(o.runFolder.isEmpty() && o.runConfig.isEmpty());
    }

    // Any other JSON is a run config for the setup page; two of them cannot both be loaded.
    void otherJsonIsARunConfig() {
        const QString dir = makeFolder(QStringLiteral("configs"), {QStringLiteral("run.json"), QStringLiteral("config.json")});
        QCOMPARE(launch({dir + QStringLiteral("/run.json")}).runConfig, dir + QStringLiteral("/run.json"));
        QCOMPARE(launch({dir + QStringLiteral("/config.json")}).runConfig, dir + QStringLiteral("/config.json"));
        const l1ra::ui::LaunchOptions both = launch({dir + QStringLiteral("/run.json"), QStringLiteral("--run-config"), QStringLiteral("other.json")});
        QVERIFY2(both.error.contains(QStringLiteral("two run configs")), qPrintable(both.error));
    }

    // Settings, presets and the demo go to the XDG folders; runs to Documents; nothing beside the executable.
    void filesGoToXdgFolders() {
        const QString config = tmp_.filePath(QStringLiteral("config"));
        const QString data = tmp_.filePath(QStringLiteral("data"));
        QVERIFY2(QSettings().fileName().startsWith(config + QLatin1Char('/')), qPrintable(QSettings().fileName()));
        QVERIFY2(l1ra::ui::demoDir().startsWith(data + QLatin1Char('/')), qPrintable(l1ra::ui::demoDir()));
        QVERIFY2(l1ra::ui::PresetStore::defaultUserFolder().startsWith(data + QLatin1Char('/')), qPrintable(l1ra::ui::PresetStore::defaultUserFolder()));
        QVERIFY2(l1ra::ui::defaultRunsRoot().startsWith(tmp_.filePath(QStringLiteral("home")) + QLatin1Char('/')), qPrintable(l1ra::ui::defaultRunsRoot()));
        const QString exeDir = QCoreApplication::applicationDirPath();
        for (const QString& path : {QSettings().fileName(), l1ra::ui::demoDir(), l1ra::ui::PresetStore::defaultUserFolder(), l1ra::ui::runsRoot()})
            QVERIFY2(!path.startsWith(exeDir), qPrintable(path));
    }

    // The model field's "Cached" menu lists the hub cache's models; picking one fills the field as an edit.
    void cachedModelsAreOffered() {
        const QString hub = tmp_.filePath(QStringLiteral("hub"));
        const QString entry = makeFolder(QStringLiteral("hub/models--org--tiny"), {});
        makeFolder(QStringLiteral("hub/models--org--tiny/snapshots/abc"), {QStringLiteral("config.json")});
        qputenv("HF_HUB_CACHE", hub.toUtf8());
        QWidget parent;
        const l1ra::RunConfigField* field = nullptr;
        for (const auto& f : l1ra::runConfigFields())
            if (f.key == "model") field = &f;
        QVERIFY(field);
        l1ra::ui::ConfigFieldEditor* editor = l1ra::ui::createFieldEditor(*field, &parent);
        auto* button = editor->widget()->findChild<l1ra::ui::CachedModelButton*>();
        QVERIFY(button);
        button->refresh();
        QList<QAction*> actions = button->menu()->actions();
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions.first()->text(), QStringLiteral("org/tiny"));
        QSignalSpy changed(editor, &l1ra::ui::ConfigFieldEditor::changed);
        actions.first()->trigger();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(editor->valueJson(), QStringLiteral("\"%1\"").arg(entry));
        qputenv("HF_HUB_CACHE", tmp_.filePath(QStringLiteral("empty-hub")).toUtf8());
        button->refresh();
        actions = button->menu()->actions();
        QCOMPARE(actions.size(), 1);
        QVERIFY(!actions.first()->isEnabled());
        qunsetenv("HF_HUB_CACHE");
    }
};

QTEST_MAIN(DesktopIntegrationTest)
#include "tst_ui_desktop_integration.moc"
