// RunConfigForm: generated editors, form -> config -> JSON -> form round trip with every field changed,
// errors next to fields, model inspection, method sections, dataset preview (with an injected reader), drops.
#include "setup/config_field_editor.h"
#include "setup/dataset_preview_view.h"
#include "setup/memory_plan_view.h"
#include "setup/path_field.h"
#include "setup/run_config_form.h"

#include "l1ra/run_config.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDropEvent>
#include <QGuiApplication>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QMimeData>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using l1ra::ui::RunConfigForm;

namespace {

const QString kModel = QStringLiteral(L1RA_TEST_DATA "/tiny-llama");

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& content) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
    file.write(content);
    return path;
}

// A value different from the field's default, inside its range, for every kind of field.
std::string otherValue(const l1ra::RunConfigField& f, const QTemporaryDir& dir) {
    using K = l1ra::FieldKind;
    switch (f.kind) {
        case K::Integer: {
            if (f.min == 0 && f.max == 0) return "12345678901";   // the seed: past what an int holds
            const long long def = std::stoll(f.defaultJson);
            return std::to_string(def + 1 <= f.max ? def + 1 : def - 1);
        }
        case K::Real: {
            const double def = std::stod(f.defaultJson);
            const double v = def < 0 ? 0.001 : def == 0 ? std::min(f.max > 0 ? f.max : 1.0, 0.125) : def * 0.5;
            return QString::number(v, 'g', 17).toStdString();
        }
        case K::Boolean: return f.defaultJson == "true" ? "false" : "true";
        case K::Text: return f.key == "device" ? "\"cpu\"" : "\"my run \\\"7\\\"\"";
        case K::Choice: return "\"" + f.choices.back() + "\"";
        case K::TextList: return "[\"k_proj\",\"gate_proj\"]";
        case K::Texts: return "[\"Name a colour, then a fruit.\",\"Say \\\"hi\\\"\"]";
        case K::Path:
            if (f.key == "model") return l1ra::ui::jsonString(kModel).toStdString();
            return l1ra::ui::jsonString(writeFile(dir, QString::fromStdString(f.key) + QStringLiteral(".jsonl"), "{\"text\": \"a\"}\n"))
                .toStdString();
    }
    return f.defaultJson;
}

void sendDrop(QWidget* target, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &drop);
}

}  // namespace

class RunConfigFormTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void editorsFollowTheSchema();
    void roundTripEveryFieldChanged();
    void editingAFieldUpdatesConfigAndCommand();
    void errorsShowNextToTheField();
    void modelFolderIsInspected();
    void methodEnablesSections();
    void datasetPreviewRunsTheReader();
    void dropsOpenModelDataAndConfigs();
    void copyCommand();
    void memoryPlanFollowsTheFields();
};

void RunConfigFormTest::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);   // presets under a test folder, never the user's
}

void RunConfigFormTest::editorsFollowTheSchema() {
    RunConfigForm form;
    QCOMPARE(form.fieldKeys().size(), int(l1ra::runConfigFields().size()));
    for (const auto& field : l1ra::runConfigFields()) {
        const QString key = QString::fromStdString(field.key);
        QWidget* w = form.fieldWidget(key);
        QVERIFY2(w, qPrintable(key));
        QVERIFY2(w->toolTip().contains(QString::fromStdString(field.help).toHtmlEscaped()), qPrintable(key));
        // A fresh form shows the defaults (compared as the engine writes them: "16" and "16.0" are one value).
        l1ra::RunConfig shown;
        l1ra::setRunConfigValue(shown, field.key, form.fieldValueJson(key).toStdString());
        QCOMPARE(l1ra::runConfigValue(shown, field.key), l1ra::runConfigValue(l1ra::RunConfig{}, field.key));
        switch (field.kind) {
            case l1ra::FieldKind::Integer:
                if (field.min == 0 && field.max == 0) QVERIFY2(qobject_cast<QLineEdit*>(w), qPrintable(key));
                else QCOMPARE(qobject_cast<QSpinBox*>(w)->maximum(), int(std::min<double>(field.max, INT_MAX)));
                break;
            case l1ra::FieldKind::Real: QVERIFY2(qobject_cast<QDoubleSpinBox*>(w), qPrintable(key)); break;
            case l1ra::FieldKind::Boolean: QVERIFY2(qobject_cast<QCheckBox*>(w), qPrintable(key)); break;
            case l1ra::FieldKind::Text: QVERIFY2(qobject_cast<QLineEdit*>(w), qPrintable(key)); break;
            case l1ra::FieldKind::Choice: QCOMPARE(qobject_cast<QComboBox*>(w)->count(), int(field.choices.size())); break;
            case l1ra::FieldKind::TextList: QCOMPARE(w->findChildren<QCheckBox*>().size(), int(field.choices.size())); break;
            case l1ra::FieldKind::Texts: QVERIFY2(qobject_cast<QPlainTextEdit*>(w), qPrintable(key)); break;
            case l1ra::FieldKind::Path: QVERIFY2(qobject_cast<l1ra::ui::PathField*>(w), qPrintable(key)); break;
        }
    }
    QCOMPARE(form.sectionOf(QStringLiteral("train.lr")), QStringLiteral("train"));
    QCOMPARE(form.sectionOf(QStringLiteral("model")), QStringLiteral("model"));
    QCOMPARE(form.sectionOf(QStringLiteral("method")), QStringLiteral("method"));
    QCOMPARE(form.sectionOf(QStringLiteral("seed")), QStringLiteral("other"));
    QCOMPARE(form.sectionOf(QStringLiteral("log.every")), QStringLiteral("other"));
    // "0 = ..." in the help becomes the spin box's text for 0.
    auto* interval = qobject_cast<QSpinBox*>(form.fieldWidget(QStringLiteral("l1ra.update_interval")));
    QCOMPARE(interval->specialValueText(), QStringLiteral("0 (l1ra.interval_share * train.steps)"));
}

void RunConfigFormTest::roundTripEveryFieldChanged() {
    QTemporaryDir dir;
    l1ra::RunConfig changed;
    for (const auto& field : l1ra::runConfigFields()) {
        l1ra::setRunConfigValue(changed, field.key, otherValue(field, dir));
        QVERIFY2(l1ra::runConfigValue(changed, field.key) != field.defaultJson, field.key.c_str());
    }
    const std::string expected = l1ra::runConfigToJson(changed);

    RunConfigForm form;
    QSignalSpy changes(&form, &RunConfigForm::configChanged);
    form.setConfig(changed);
    QVERIFY(changes.count() >= 1);
    QCOMPARE(QString::fromStdString(l1ra::runConfigToJson(form.config())), QString::fromStdString(expected));
    for (const auto& field : l1ra::runConfigFields())
        QVERIFY2(form.fieldError(QString::fromStdString(field.key)).isEmpty(), field.key.c_str());

    // Through a file and into a second form.
    const QString path = dir.filePath(QStringLiteral("run.json"));
    QString error;
    QVERIFY2(form.saveConfigFile(path, &error), qPrintable(error));
    QCOMPARE(QString::fromStdString(l1ra::runConfigToJson(l1ra::loadRunConfig(path.toStdString()))), QString::fromStdString(expected));
    RunConfigForm second;
    QVERIFY2(second.loadConfigFile(path, &error), qPrintable(error));
    QCOMPARE(QString::fromStdString(l1ra::runConfigToJson(second.config())), QString::fromStdString(expected));
    QVERIFY(second.message().contains(QStringLiteral("run.json")));

    QVERIFY(!second.loadConfigFile(dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY(error.contains(QStringLiteral("missing.json")));
}

void RunConfigFormTest::editingAFieldUpdatesConfigAndCommand() {
    RunConfigForm form;
    QSignalSpy changes(&form, &RunConfigForm::configChanged);
    auto* lr = qobject_cast<QDoubleSpinBox*>(form.fieldWidget(QStringLiteral("train.lr")));
    lr->setValue(1e-3);
    QCOMPARE(form.config().train.lr, 1e-3);
    QCOMPARE(changes.count(), 1);
    QVERIFY2(form.commandLine().contains(QStringLiteral("--set train.lr=0.001")), qPrintable(form.commandLine()));
    auto* reassign = qobject_cast<QCheckBox*>(form.fieldWidget(QStringLiteral("l1ra.reassign")));
    reassign->setChecked(false);
    QCOMPARE(form.config().l1ra.reassign, false);
    auto* targets = form.fieldWidget(QStringLiteral("adapter.targets"));
    targets->findChild<QCheckBox*>(QStringLiteral("adapter.targets:down_proj"))->setChecked(false);
    QCOMPARE(form.config().adapter.targets.size(), std::size_t(6));
    form.setOutputDir(QStringLiteral("runs/demo"));
    QVERIFY(form.commandLine().startsWith(QStringLiteral("l1ra train --out runs/demo")));
    QCOMPARE(form.commandLine(), QString::fromStdString(l1ra::trainCommandLine(form.config(), "runs/demo")));
}

void RunConfigFormTest::errorsShowNextToTheField() {
    QTemporaryDir dir;
    RunConfigForm form;
    // A data file that is not there: flagged at once.
    form.setTrainDataPath(dir.filePath(QStringLiteral("nope.jsonl")));
    QVERIFY2(form.fieldError(QStringLiteral("data.train")).contains(QStringLiteral("No such file")),
             qPrintable(form.fieldError(QStringLiteral("data.train"))));
    QVERIFY(form.fieldError(QStringLiteral("train.lr")).isEmpty());
    // Relations between fields are checked before a run, and land at the field they name.
    QVERIFY(!form.validateForRun());
    QVERIFY2(form.fieldError(QStringLiteral("model")).contains(QStringLiteral("empty")), qPrintable(form.fieldError(QStringLiteral("model"))));

    form.setModelPath(kModel);
    form.setTrainDataPath(writeFile(dir, QStringLiteral("train.txt"), "hello\n"));
    QVERIFY(form.fieldError(QStringLiteral("data.train")).isEmpty());
    form.setFieldValueJson(QStringLiteral("device"), QStringLiteral("\"tpu\""));
    QVERIFY(!form.validateForRun());
    QVERIFY2(form.fieldError(QStringLiteral("device")).contains(QStringLiteral("tpu")), qPrintable(form.fieldError(QStringLiteral("device"))));
    QVERIFY(form.fieldError(QStringLiteral("model")).isEmpty());
    form.setFieldValueJson(QStringLiteral("device"), QStringLiteral("\"cpu\""));
    form.setFieldValueJson(QStringLiteral("adapter.targets"), QStringLiteral("[]"));
    QVERIFY(!form.validateForRun());
    QVERIFY(!form.fieldError(QStringLiteral("adapter.targets")).isEmpty());
    form.setFieldValueJson(QStringLiteral("adapter.targets"), QStringLiteral("[\"q_proj\"]"));
    QVERIFY(form.validateForRun());
    QVERIFY(form.fieldError(QStringLiteral("device")).isEmpty());
}

void RunConfigFormTest::modelFolderIsInspected() {
    RunConfigForm form;
    QSignalSpy inspected(&form, &RunConfigForm::modelInspected);
    form.setModelPath(kModel);
    QVERIFY(inspected.wait());   // inspected on a worker thread
    QCOMPARE(inspected.count(), 1);
    QCOMPARE(inspected.at(0).at(0).toBool(), true);
    QVERIFY(form.modelInfo().has_value());
    QCOMPARE(form.modelInfo()->numLayers, int64_t(2));
    const QString summary = form.modelSummary();
    QVERIFY2(summary.contains(QStringLiteral("2 layers")) && summary.contains(QStringLiteral("hidden 64")) &&
                 summary.contains(QStringLiteral("4 heads (2 KV)")) && summary.contains(QStringLiteral("F32")) &&
                 summary.contains(QStringLiteral("tokenizer.model (sentencepiece)")) &&
                 summary.contains(QStringLiteral("no chat template")),
             qPrintable(summary));
    QVERIFY(form.fieldError(QStringLiteral("model")).isEmpty());

    QTemporaryDir empty;
    form.setModelPath(empty.path());
    QVERIFY(inspected.wait());
    QCOMPARE(inspected.last().at(0).toBool(), false);
    QVERIFY(!form.modelInfo().has_value());
    QVERIFY(form.modelSummary().isEmpty());
    QVERIFY2(form.fieldError(QStringLiteral("model")).contains(QStringLiteral("config.json")),
             qPrintable(form.fieldError(QStringLiteral("model"))));
    // Validation before a run uses the inspection's verdict instead of reading the folder on the GUI thread.
    QVERIFY(!form.validateForRun());
    QVERIFY(form.fieldError(QStringLiteral("model")).contains(QStringLiteral("config.json")));

    // While an inspection runs, validation does not wait for it: the verdict lands when the worker is done.
    QTemporaryDir other;
    form.setModelPath(other.path());
    form.validateForRun();
    QVERIFY2(form.fieldError(QStringLiteral("model")).isEmpty(), qPrintable(form.fieldError(QStringLiteral("model"))));
    QVERIFY(inspected.wait());
    QVERIFY(form.fieldError(QStringLiteral("model")).contains(QStringLiteral("config.json")));
}

void RunConfigFormTest::methodEnablesSections() {
    RunConfigForm form;
    QVERIFY(form.isSectionEnabled(QStringLiteral("l1ra")));
    QVERIFY(form.isSectionEnabled(QStringLiteral("adapter")));
    auto* method = qobject_cast<QComboBox*>(form.fieldWidget(QStringLiteral("method")));
    method->setCurrentText(QStringLiteral("lora"));
    QVERIFY(!form.isSectionEnabled(QStringLiteral("l1ra")));
    QVERIFY(form.isSectionEnabled(QStringLiteral("adapter")));
    method->setCurrentText(QStringLiteral("full"));
    QVERIFY(!form.isSectionEnabled(QStringLiteral("l1ra")));
    QVERIFY(!form.isSectionEnabled(QStringLiteral("adapter")));
    QVERIFY(form.isSectionEnabled(QStringLiteral("train")));
    l1ra::RunConfig config;
    config.method = l1ra::Method::L1RA;
    form.setConfig(config);
    QVERIFY(form.isSectionEnabled(QStringLiteral("l1ra")));
}

void RunConfigFormTest::datasetPreviewRunsTheReader() {
    QTemporaryDir dir;
    RunConfigForm form;
    std::string askedPath, askedFormat;
    form.setDatasetPreviewFunction([&](const std::string& path, const std::string& format, const std::string&, const std::string&) {
        askedPath = path;
        askedFormat = format;
        if (path.find("bad") != std::string::npos) throw std::runtime_error(path + ":3: not valid JSON");
        l1ra::DatasetPreview preview;
        preview.path = path;
        preview.format = "alpaca";
        preview.records = 1610;
        preview.bytes = 250000;
        preview.samples = {{"What is 2 + 2?", "4"}, {"Name a colour.", "Blue"}};
        return preview;
    });
    QSignalSpy previewed(&form, &RunConfigForm::datasetPreviewed);
    const QString good = writeFile(dir, QStringLiteral("quiz.jsonl"), "{}\n");
    form.setTrainDataPath(good);
    QVERIFY(previewed.wait());
    QCOMPARE(previewed.last().at(0).toBool(), true);
    QCOMPARE(QString::fromStdString(askedPath), good);
    QCOMPARE(QString::fromStdString(askedFormat), QStringLiteral("auto"));
    const auto* view = form.datasetPreview();
    QVERIFY2(view->summaryText().startsWith(QStringLiteral("alpaca \u00b7 1610 records")), qPrintable(view->summaryText()));
    QCOMPARE(view->sampleCount(), 2);
    QCOMPARE(view->sampleText(1, 1), QStringLiteral("Blue"));

    form.setTrainDataPath(writeFile(dir, QStringLiteral("bad.jsonl"), "{\n"));
    QVERIFY(previewed.wait());
    QCOMPARE(previewed.last().at(0).toBool(), false);
    QVERIFY(view->hasError());
    QVERIFY(view->summaryText().contains(QStringLiteral(":3: not valid JSON")));
}

void RunConfigFormTest::dropsOpenModelDataAndConfigs() {
    QTemporaryDir dir;
    RunConfigForm form;
    QSignalSpy inspected(&form, &RunConfigForm::modelInspected);
    sendDrop(&form, kModel);
    QCOMPARE(QString::fromStdString(form.config().model.path), QFileInfo(kModel).absoluteFilePath());
    QVERIFY(inspected.wait());
    QVERIFY(form.modelInfo().has_value());

    const QString data = writeFile(dir, QStringLiteral("data.jsonl"), "{\"text\": \"x\"}\n");
    sendDrop(&form, data);
    QCOMPARE(QString::fromStdString(form.config().data.train), data);

    l1ra::RunConfig saved;
    saved.name = "from a file";
    saved.train.steps = 77;
    const QString config = writeFile(dir, QStringLiteral("run.json"), QByteArray::fromStdString(l1ra::runConfigToJson(saved)));
    form.openDroppedPath(config);
    QCOMPARE(form.config().train.steps, 77);
    QCOMPARE(QString::fromStdString(form.config().name), QStringLiteral("from a file"));
}

void RunConfigFormTest::copyCommand() {
    RunConfigForm form;
    form.setFieldValueJson(QStringLiteral("train.steps"), QStringLiteral("321"));
    form.findChild<QToolButton*>(QStringLiteral("copyCommand"))->click();
    QCOMPARE(QGuiApplication::clipboard()->text(), form.commandLine());
    QVERIFY(form.commandLine().contains(QStringLiteral("train.steps=321")));
}


// The memory plan under the fields is recomputed off the GUI thread as they change: quantising the base shrinks
// the weights, a device too small for the run shows the advice.
void RunConfigFormTest::memoryPlanFollowsTheFields() {
    RunConfigForm form;
    l1ra::ui::MemoryPlanView* view = form.memoryPlanView();
    QVERIFY(view);
    int64_t freeBytes = int64_t(64) << 30;
    std::vector<l1ra::MemoryPlan> plans;
    view->setPlanFunction([&freeBytes, &plans](const l1ra::RunConfig& config) {
        auto plan = l1ra::planMemory(l1ra::memoryPlanRequest(config), freeBytes);
        plans.push_back(plan);   // the worker runs one request at a time here: the GUI thread waits for each below
        return plan;
    });
    QSignalSpy planned(view, &l1ra::ui::MemoryPlanView::planned);
    form.setModelPath(kModel);
    QVERIFY(planned.wait(5000));
    QVERIFY(view->hasPlan() && view->fits());
    QVERIFY2(view->text().contains(QStringLiteral("fits")), qPrintable(view->text()));
    const int64_t bf16Weights = plans.back().weightBytes;

    form.setFieldValueJson(QStringLiteral("model.base_dtype"), QStringLiteral("\"nf4\""));
    QVERIFY(planned.wait(5000));
    QCOMPARE(QString::fromStdString(plans.back().request.baseDtype), QStringLiteral("nf4"));
    QVERIFY(plans.back().weightBytes < bf16Weights);

    freeBytes = 1 << 20;   // a 1 MiB device
    form.setFieldValueJson(QStringLiteral("train.batch_size"), QStringLiteral("64"));
    QVERIFY(planned.wait(5000));
    QVERIFY(!view->fits());
    QVERIFY2(view->text().contains(QStringLiteral("does not fit")), qPrintable(view->text()));
}

QTEST_MAIN(RunConfigFormTest)
#include "tst_ui_run_config_form.moc"
