// Presets: built-ins from the resources, apply over a config, user presets saved/loaded/deleted under a
// test AppDataLocation, bad files reported, and the form's preset actions.
#include "setup/preset_store.h"
#include "setup/run_config_form.h"

#include <QComboBox>
#include <QDir>
#include <QStandardPaths>
#include <QtTest>

using l1ra::ui::Preset;
using l1ra::ui::PresetStore;
using l1ra::ui::RunConfigForm;

class PresetsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void builtInPresetsLoad();
    void quickDemoSetsItsKeysOnly();
    void loraBaselineKeepsTheRest();
    void saveReloadApplyDelete();
    void builtInsAreProtected();
    void badUserFilesAreReported();
    void presetsWithoutANameOrConfigAreShownOnTheForm();
    void formPresetActions();
};

void PresetsTest::initTestCase() { QStandardPaths::setTestModeEnabled(true); }

void PresetsTest::init() {
    // Every test starts with no user presets.
    QDir(PresetStore::defaultUserFolder()).removeRecursively();
}

void PresetsTest::builtInPresetsLoad() {
    PresetStore store;
    QVERIFY2(store.problems().isEmpty(), qPrintable(store.problems().join('\n')));
    const QStringList names = store.names();
    QVERIFY(names.size() >= 3);
    QCOMPARE(names.first(), QStringLiteral("Quick demo (CPU)"));
    QVERIFY(names.contains(QStringLiteral("Paper defaults (L1RA)")));
    QVERIFY(names.contains(QStringLiteral("LoRA baseline")));
    for (const Preset& preset : store.presets()) {
        QVERIFY(preset.builtIn);
        QVERIFY(!preset.description.isEmpty());
        // Presets never carry files: they apply to whatever model and data are chosen.
        QVERIFY(!preset.keys.contains(QStringLiteral("model")));
        QVERIFY(!preset.keys.contains(QStringLiteral("data.train")));
    }
    QVERIFY(store.userFolder().endsWith(QStringLiteral("/presets")));
}

void PresetsTest::quickDemoSetsItsKeysOnly() {
    PresetStore store;
    l1ra::RunConfig base;
    base.model.path = "/models/tiny";
    base.data.train = "/data/train.jsonl";
    base.seed = 7;
    const l1ra::RunConfig c = PresetStore::apply(*store.find(QStringLiteral("Quick demo (CPU)")), base);
    QVERIFY(c.method == l1ra::Method::L1RA);
    QCOMPARE(c.adapter.rank, 4);
    QCOMPARE(c.l1ra.lambda, 0.5);
    QCOMPARE(c.l1ra.etaC, 0.1);
    QCOMPARE(c.l1ra.updateInterval, 10);
    QCOMPARE(c.train.steps, 120);
    QCOMPARE(c.train.batchSize, 4);
    QCOMPARE(c.train.seqLen, 64);
    QCOMPARE(c.model.path, std::string("/models/tiny"));
    QCOMPARE(c.data.train, std::string("/data/train.jsonl"));
    QCOMPARE(c.seed, uint64_t(7));
}

void PresetsTest::loraBaselineKeepsTheRest() {
    PresetStore store;
    l1ra::RunConfig base;
    base.train.steps = 999;
    base.l1ra.lambda = 0.25;
    const l1ra::RunConfig c = PresetStore::apply(*store.find(QStringLiteral("LoRA baseline")), base);
    QVERIFY(c.method == l1ra::Method::LoRA);
    QCOMPARE(c.adapter.rank, 16);
    QCOMPARE(c.train.steps, 999);
    QCOMPARE(c.l1ra.lambda, 0.25);
    const l1ra::RunConfig paper = PresetStore::apply(*store.find(QStringLiteral("Paper defaults (L1RA)")), c);
    QVERIFY(paper.method == l1ra::Method::L1RA);
    QCOMPARE(paper.l1ra.lambda, 5e-3);
    QCOMPARE(paper.l1ra.etaC, 2e-2);
}

void PresetsTest::saveReloadApplyDelete() {
    l1ra::RunConfig mine;
    mine.model.path = "/models/not-saved";
    mine.name = "not saved either";
    mine.adapter.rank = 12;
    mine.l1ra.lambda = 0.0125;
    mine.adapter.targets = {"q_proj", "v_proj"};
    mine.l1ra.reassign = false;
    mine.seed = 12345678901ULL;
    {
        PresetStore store;
        QString error;
        QVERIFY2(store.saveUserPreset(QStringLiteral("My sweep / v2"), QStringLiteral("rank 12"), mine, &error), qPrintable(error));
        QVERIFY(store.find(QStringLiteral("My sweep / v2")));
    }
    QDir folder(PresetStore::defaultUserFolder());
    QCOMPARE(folder.entryList({QStringLiteral("*.json")}, QDir::Files).size(), 1);

    PresetStore reloaded;   // a new session reads it back from disk
    const Preset* preset = reloaded.find(QStringLiteral("My sweep / v2"));
    QVERIFY(preset);
    QVERIFY(!preset->builtIn);
    QCOMPARE(preset->description, QStringLiteral("rank 12"));
    QCOMPARE(reloaded.names().last(), QStringLiteral("My sweep / v2"));   // after the built-ins
    l1ra::RunConfig target;
    target.model.path = "/models/kept";
    const l1ra::RunConfig applied = PresetStore::apply(*preset, target);
    QCOMPARE(applied.model.path, std::string("/models/kept"));
    QCOMPARE(applied.name, std::string());
    for (const QString& key : PresetStore::savedKeys())
        QCOMPARE(QString::fromStdString(l1ra::runConfigValue(applied, key.toStdString())),
                 QString::fromStdString(l1ra::runConfigValue(mine, key.toStdString())));

    // Saving under the same name replaces it, in the same file.
    mine.adapter.rank = 3;
    QVERIFY(reloaded.saveUserPreset(QStringLiteral("My sweep / v2"), QString(), mine));
    QCOMPARE(folder.entryList({QStringLiteral("*.json")}, QDir::Files).size(), 1);
    QCOMPARE(PresetStore::apply(*reloaded.find(QStringLiteral("My sweep / v2")), {}).adapter.rank, 3);

    QString error;
    QVERIFY2(reloaded.removeUserPreset(QStringLiteral("My sweep / v2"), &error), qPrintable(error));
    QVERIFY(!reloaded.find(QStringLiteral("My sweep / v2")));
    QCOMPARE(folder.entryList({QStringLiteral("*.json")}, QDir::Files).size(), 0);
    QVERIFY(!PresetStore().find(QStringLiteral("My sweep / v2")));
}

void PresetsTest::builtInsAreProtected() {
    PresetStore store;
    QString error;
    QVERIFY(!store.saveUserPreset(QStringLiteral("LoRA baseline"), QString(), {}, &error));
    QVERIFY(error.contains(QStringLiteral("built-in")));
    QVERIFY(!store.removeUserPreset(QStringLiteral("LoRA baseline"), &error));
    QVERIFY(store.find(QStringLiteral("LoRA baseline")));
    QVERIFY(!store.saveUserPreset(QStringLiteral("   "), QString(), {}, &error));
    QVERIFY(!store.removeUserPreset(QStringLiteral("no such preset"), &error));
}

void PresetsTest::badUserFilesAreReported() {
    QDir().mkpath(PresetStore::defaultUserFolder());
    auto write = [](const QString& name, const QByteArray& content) {
        QFile file(QDir(PresetStore::defaultUserFolder()).filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    };
    write(QStringLiteral("broken.json"), "{ not json");
    write(QStringLiteral("unknown-key.json"), R"({"name": "Odd", "config": {"train": {"learning_rate": 1}}})");
    write(QStringLiteral("out-of-range.json"), R"({"name": "Huge", "config": {"adapter.rank": 100000}})");
    write(QStringLiteral("good.json"), R"({"name": "Good", "config": {"train": {"steps": 50}}})");
    PresetStore store;
    QCOMPARE(store.problems().size(), 3);
    const QString problems = store.problems().join('\n');
    QVERIFY2(problems.contains(QStringLiteral("broken.json")), qPrintable(problems));
    QVERIFY2(problems.contains(QStringLiteral("train.learning_rate")), qPrintable(problems));
    QVERIFY2(problems.contains(QStringLiteral("adapter.rank")), qPrintable(problems));
    QVERIFY(store.find(QStringLiteral("Good")));
    QCOMPARE(PresetStore::apply(*store.find(QStringLiteral("Good")), {}).train.steps, 50);
}

// The setup page is where a user learns that a preset file was skipped: each file named with what it lacks.
void PresetsTest::presetsWithoutANameOrConfigAreShownOnTheForm() {
    const QDir folder(PresetStore::defaultUserFolder());
    QVERIFY(QDir().mkpath(folder.path()));
    auto write = [&](const QString& name, const QByteArray& content) {
        QFile file(folder.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    };
    write(QStringLiteral("no-name.json"), R"({"description": "forgot it", "config": {"train": {"steps": 10}}})");
    write(QStringLiteral("blank-name.json"), R"({"name": "  ", "config": {}})");
    write(QStringLiteral("config-list.json"), R"({"name": "Listed", "config": [1, 2]})");
    write(QStringLiteral("config-missing.json"), R"({"name": "Bare"})");
    write(QStringLiteral("good.json"), R"({"name": "Good", "config": {"train": {"steps": 50}}})");

    RunConfigForm form;
    const QString message = form.message();
    QVERIFY2(message.startsWith(QStringLiteral("Some presets could not be read")), qPrintable(message));
    for (const char* file : {"no-name.json", "blank-name.json"})
        QVERIFY2(message.contains(folder.filePath(QLatin1String(file)) + QStringLiteral(": 'name' is missing or empty")), qPrintable(message));
    for (const char* file : {"config-list.json", "config-missing.json"})
        QVERIFY2(message.contains(folder.filePath(QLatin1String(file)) + QStringLiteral(": 'config' must be an object")), qPrintable(message));
    // Skipped, not half-loaded; the good preset is still offered.
    QVERIFY(!form.presetNames().contains(QStringLiteral("Listed")));
    QVERIFY(!form.presetNames().contains(QStringLiteral("Bare")));
    QVERIFY(form.presetNames().contains(QStringLiteral("Good")));
}

void PresetsTest::formPresetActions() {
    RunConfigForm form;
    auto* combo = form.findChild<QComboBox*>(QStringLiteral("presetCombo"));
    QVERIFY(combo);
    QCOMPARE(combo->currentText(), QStringLiteral("Quick demo (CPU)"));
    QVERIFY(combo->findText(QStringLiteral("LoRA baseline")) >= 0);

    form.setFieldValueJson(QStringLiteral("train.steps"), QStringLiteral("500"));
    QString error;
    QVERIFY2(form.applyPreset(QStringLiteral("Quick demo (CPU)"), &error), qPrintable(error));
    QCOMPARE(form.fieldValueJson(QStringLiteral("adapter.rank")), QStringLiteral("4"));
    QCOMPARE(form.fieldValueJson(QStringLiteral("l1ra.lambda")), QStringLiteral("0.5"));
    QCOMPARE(form.config().train.steps, 120);
    QVERIFY(!form.applyPreset(QStringLiteral("nothing like it"), &error));

    form.setFieldValueJson(QStringLiteral("adapter.rank"), QStringLiteral("6"));
    QVERIFY2(form.savePreset(QStringLiteral("Rank six"), QString(), &error), qPrintable(error));
    QVERIFY(form.presetNames().contains(QStringLiteral("Rank six")));
    QVERIFY(combo->findText(QStringLiteral("Rank six")) >= 0);
    QCOMPARE(combo->currentText(), QStringLiteral("Rank six"));
    form.applyPreset(QStringLiteral("LoRA baseline"));
    QCOMPARE(form.config().adapter.rank, 16);
    form.applyPreset(QStringLiteral("Rank six"));
    QCOMPARE(form.config().adapter.rank, 6);
    QVERIFY(form.config().method == l1ra::Method::L1RA);
    QVERIFY2(form.deletePreset(QStringLiteral("Rank six"), &error), qPrintable(error));
    QCOMPARE(combo->findText(QStringLiteral("Rank six")), -1);
}

QTEST_MAIN(PresetsTest)
#include "tst_ui_presets.moc"
