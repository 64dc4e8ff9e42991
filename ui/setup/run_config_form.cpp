#include "setup/run_config_form.h"

#include "shell/background_job.h"

#include "setup/config_field_editor.h"
#include "setup/dataset_preview_view.h"
#include "setup/memory_plan_view.h"
#include "setup/model_summary.h"
#include "widgets/palette_colors.h"
#include "setup/preset_bar.h"
#include "setup/preset_store.h"

#include "l1ra/error.h"
#include "l1ra/method.h"

#include <QApplication>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

namespace l1ra::ui {

namespace {

struct Section {
    const char* id;
    const char* title;
    int column;
};

// Files, method and the run's bookkeeping on the left; the algorithm and the training loop on the right.
const Section kSections[] = {
    {"model", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Model"), 0},
    {"data", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Data"), 0},
    {"method", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Method"), 0},
    {"adapter", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Adapter"), 0},
    {"l1ra", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "L1RA"), 1},
    {"train", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Training"), 1},
    {"eval", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Evaluation"), 0},
    {"checkpoint", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Checkpoints"), 0},
    {"samples", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Samples during training"), 1},
    {"other", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Other"), 1},
};

QString fieldLabel(const QString& key) {
    static const QMap<QString, const char*> labels = {
        {"model", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Model folder")},
        {"model.base_dtype", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Base weights")},
        {"model.double_quant", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Quantise the nf4 scales too")},
        {"name", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Run name")},
        {"data.train", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Training data")},
        {"data.val", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Validation data")},
        {"data.format", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Format")},
        {"data.val_fraction", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Held-out share")},
        {"method", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Method")},
        {"adapter.rank", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Initial rank r\u2080")},
        {"adapter.alpha", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Alpha")},
        {"adapter.dropout", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Dropout")},
        {"adapter.targets", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Projections")},
        {"l1ra.lambda", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "L1 strength \u03bb")},
        {"l1ra.eta_c", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Gate learning rate \u03b7c")},
        {"l1ra.update_interval", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Reallocate every")},
        {"l1ra.threshold", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Prune threshold")},
        {"l1ra.reassign", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Reassign pruned ranks")},
        {"l1ra.exclude_pruned", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Skip adapters that just lost rank")},
        {"l1ra.budget", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Rank budget")},
        {"train.steps", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Steps")},
        {"train.batch_size", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Batch size")},
        {"train.seq_len", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Sequence length")},
        {"train.grad_accum", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Gradient accumulation")},
        {"train.lr", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Learning rate")},
        {"train.weight_decay", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Weight decay")},
        {"train.beta1", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Adam \u03b21")},
        {"train.beta2", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Adam \u03b22")},
        {"train.eps", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Adam \u03b5")},
        {"train.warmup", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Warmup steps")},
        {"train.min_lr_ratio", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Final learning-rate share")},
        {"train.max_grad_norm", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Clip gradient norm")},
        {"train.precision", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Precision")},
        {"train.gradient_checkpointing", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Gradient checkpointing")},
        {"train.on_divergence", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "On NaN or infinite loss")},
        {"train.divergence_lr_factor", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Learning-rate factor per skipped step")},
        {"train.divergence_max_skips", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Skipped steps in a row before stopping")},
        {"eval.every", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Evaluate every")},
        {"eval.batches", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Batches per evaluation")},
        {"checkpoint.every", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Checkpoint every")},
        {"eval.patience", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Early stopping patience")},
        {"eval.min_delta", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Least improvement")},
        {"checkpoint.keep", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Checkpoints kept")},
        {"checkpoint.keep_best", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Keep the best checkpoint")},
        {"samples.prompts", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Prompts")},
        {"samples.every", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Sample every")},
        {"samples.max_new_tokens", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Longest answer (tokens)")},
        {"samples.temperature", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Temperature")},
        {"log.every", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Metrics line every")},
        {"logging.tensorboard", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "TensorBoard event file")},
        {"seed", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Seed")},
        {"device", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "Device")},
        {"threads", QT_TRANSLATE_NOOP("l1ra::ui::RunConfigForm", "CPU threads")},
    };
    if (const auto it = labels.find(key); it != labels.end()) return RunConfigForm::tr(it.value());
    // A field added to the schema later still gets a readable label.
    QString name = key.mid(key.lastIndexOf(QLatin1Char('.')) + 1).replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!name.isEmpty()) name[0] = name[0].toUpper();
    return name;
}

QString methodHelp(l1ra::Method method) {
    switch (method) {
    case l1ra::Method::L1RA:
        return RunConfigForm::tr("Gated LoRA: an L1 penalty drives unneeded ranks' gates to zero; pruned ranks move to the adapters "
                                 "that still need them, under a fixed total budget.");
    case l1ra::Method::LoRA: return RunConfigForm::tr("Plain LoRA: every adapter keeps its rank, no gates. The baseline.");
    case l1ra::Method::Full: return RunConfigForm::tr("Every weight of the model is trained; no adapters.");
    }
    return {};
}

// Engine messages for `--set` name the command-line flag; next to a form field the key and reason are enough.
QString fieldMessage(const std::exception& e) {
    QString text = QString::fromStdString(e.what());
    if (text.startsWith(QLatin1String("--set"))) text = text.mid(text.indexOf(QLatin1String(": ")) + 2);
    return text;
}

}  // namespace

RunConfigForm::RunConfigForm(QWidget* parent, const QString& presetFolder)
    : QWidget(parent), presets_(std::make_unique<PresetStore>(presetFolder)) {
    // Inspections follow what the user types: a newer request supersedes one still running.
    inspection_ = new BackgroundJob(this, BackgroundJob::Policy::Supersede);
    preview_ = new BackgroundJob(this, BackgroundJob::Policy::Supersede);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addWidget(buildHeader());
    message_ = new QLabel(this);
    message_->setObjectName(QStringLiteral("formMessage"));
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    message_->setVisible(false);
    layout->addWidget(message_);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* page = new QWidget(scroll);
    buildFields(page);
    scroll->setWidget(page);
    layout->addWidget(scroll, 1);
    memoryPlan_ = new MemoryPlanView(this);
    layout->addWidget(memoryPlan_);
    layout->addWidget(buildCommandRow());
    connect(this, &RunConfigForm::configChanged, memoryPlan_, [this] { memoryPlan_->request(config()); });

    setAcceptDrops(true);
    setConfig(l1ra::RunConfig{});
    if (!presets_->problems().isEmpty()) showMessage(tr("Some presets could not be read:\n%1").arg(presets_->problems().join('\n')), true);
}

RunConfigForm::~RunConfigForm() = default;

QWidget* RunConfigForm::buildHeader() {
    auto* header = new QWidget(this);
    auto* row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    presetBar_ = new PresetBar(presets_.get(), header);
    row->addWidget(presetBar_);
    row->addStretch(1);
    auto* open = new QPushButton(tr("Open config\u2026"), header);
    open->setObjectName(QStringLiteral("configOpen"));
    open->setToolTip(tr("Load a run config JSON (also: drop it on this page)"));
    auto* save = new QPushButton(tr("Save config\u2026"), header);
    save->setObjectName(QStringLiteral("configSave"));
    save->setToolTip(tr("Save these settings as a run config JSON, for the studio or `l1ra train --config`"));
    row->addWidget(open);
    row->addWidget(save);

    connect(presetBar_, &PresetBar::applyRequested, this, [this](const QString& name) {
        QString error;
        if (!applyPreset(name, &error)) showMessage(error, true);
    });
    connect(presetBar_, &PresetBar::saveRequested, this, [this](const QString& name, const QString& description) {
        QString error;
        if (!savePreset(name, description, &error)) showMessage(error, true);
    });
    connect(presetBar_, &PresetBar::deleteRequested, this, [this](const QString& name) {
        QString error;
        if (!deletePreset(name, &error)) showMessage(error, true);
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open run config"), QString(), tr("Run config (*.json);;All files (*)"));
        QString error;
        if (!path.isEmpty() && !loadConfigFile(path, &error)) showMessage(error, true);
    });
    connect(save, &QPushButton::clicked, this, [this] {
        QString path = QFileDialog::getSaveFileName(this, tr("Save run config"), QStringLiteral("run-config.json"), tr("Run config (*.json)"));
        if (path.isEmpty()) return;
        if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".json");
        QString error;
        if (!saveConfigFile(path, &error)) showMessage(error, true);
    });
    return header;
}

QWidget* RunConfigForm::buildCommandRow() {
    auto* box = new QWidget(this);
    auto* row = new QHBoxLayout(box);
    row->setContentsMargins(0, 0, 0, 0);
    auto* label = new QLabel(tr("Command"), box);
    label->setToolTip(tr("The same run from a terminal, without the studio"));
    command_ = new QLineEdit(box);
    command_->setObjectName(QStringLiteral("commandLine"));
    command_->setReadOnly(true);
    command_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* copy = new QToolButton(box);
    copy->setObjectName(QStringLiteral("copyCommand"));
    copy->setText(tr("Copy"));
    copy->setToolTip(tr("Copy the command line to the clipboard"));
    connect(copy, &QToolButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(command_->text()); });
    row->addWidget(label);
    row->addWidget(command_, 1);
    row->addWidget(copy);
    return box;
}

void RunConfigForm::buildFields(QWidget* page) {
    // Two independent columns, so a tall section on one side does not stretch its neighbour.
    auto* columns = new QHBoxLayout(page);
    columns->setContentsMargins(0, 0, 0, 0);
    columns->setSpacing(10);
    QVBoxLayout* column[2] = {new QVBoxLayout, new QVBoxLayout};
    for (QVBoxLayout* c : column) {
        c->setSpacing(8);
        columns->addLayout(c, 1);
    }
    QMap<QString, QFormLayout*> forms;
    for (const Section& section : kSections) {
        auto* group = new QGroupBox(tr(section.title), page);
        group->setObjectName(QStringLiteral("section_%1").arg(QLatin1String(section.id)));
        auto* form = new QFormLayout(group);
        // Numbers keep their natural width; paths and names take the room.
        form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
        form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
        column[section.column]->addWidget(group);
        sections_.insert(QLatin1String(section.id), group);
        forms.insert(QLatin1String(section.id), form);
    }
    for (QVBoxLayout* c : column) c->addStretch(1);

    for (const l1ra::RunConfigField& field : l1ra::runConfigFields()) {
        const QString key = QString::fromStdString(field.key);
        const QString section = sectionOf(key);
        QGroupBox* group = sections_.value(section);
        ConfigFieldEditor* editor = createFieldEditor(field, group);
        editors_.insert(key, editor);
        const QString tip = QStringLiteral("<b>%1</b><br>%2").arg(key, QString::fromStdString(field.help).toHtmlEscaped());

        auto* cell = new QWidget(group);
        auto* column = new QVBoxLayout(cell);
        column->setContentsMargins(0, 0, 0, 0);
        column->setSpacing(2);
        editor->widget()->setParent(cell);
        editor->widget()->setToolTip(tip);
        // The cell spans the field's width (so help and errors wrap there); numbers and combos keep their own.
        cell->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
        const bool wide = editor->widget()->sizePolicy().horizontalPolicy() & QSizePolicy::ExpandFlag;
        column->addWidget(editor->widget(), 0, wide ? Qt::Alignment() : Qt::AlignLeft);
        if (key == QLatin1String("model")) {
            modelSummary_ = new QLabel(cell);
            modelSummary_->setObjectName(QStringLiteral("modelSummary"));
            modelSummary_->setWordWrap(true);
            modelSummary_->setVisible(false);
            column->addWidget(modelSummary_);
        } else if (key == QLatin1String("data.train")) {
            datasetPreview_ = new DatasetPreviewView(cell);
            column->addWidget(datasetPreview_);
        } else if (key == QLatin1String("method")) {
            methodHelp_ = new QLabel(cell);
            methodHelp_->setObjectName(QStringLiteral("methodHelp"));
            methodHelp_->setWordWrap(true);
            column->addWidget(methodHelp_);
        }
        auto* error = new QLabel(cell);
        error->setObjectName(key + QStringLiteral(":error"));
        error->setWordWrap(true);
        error->setVisible(false);
        column->addWidget(error);
        errorLabels_.insert(key, error);

        auto* label = new QLabel(fieldLabel(key), group);
        label->setToolTip(tip);
        label->setBuddy(editor->widget());
        forms.value(section)->addRow(label, cell);
        connect(editor, &ConfigFieldEditor::changed, this, [this, editor] { fieldChanged(editor); });
    }
    refreshColors();
}

QString RunConfigForm::sectionOf(const QString& key) const {
    if (key == QLatin1String("model") || key == QLatin1String("name")) return QStringLiteral("model");
    if (key == QLatin1String("method")) return QStringLiteral("method");
    const QString prefix = key.section(QLatin1Char('.'), 0, 0);
    for (const Section& section : kSections)
        if (key.contains(QLatin1Char('.')) && prefix == QLatin1String(section.id)) return prefix;
    return QStringLiteral("other");
}

bool RunConfigForm::isSectionEnabled(const QString& section) const {
    const QGroupBox* group = sections_.value(section);
    return group && group->isEnabled();
}

QStringList RunConfigForm::fieldKeys() const {
    QStringList keys;
    for (const auto& field : l1ra::runConfigFields()) keys << QString::fromStdString(field.key);
    return keys;
}

QString RunConfigForm::fieldValueJson(const QString& key) const {
    const ConfigFieldEditor* editor = editors_.value(key);
    return editor ? editor->valueJson() : QString();
}

QWidget* RunConfigForm::fieldWidget(const QString& key) const {
    const ConfigFieldEditor* editor = editors_.value(key);
    return editor ? editor->widget() : nullptr;
}

QString RunConfigForm::fieldError(const QString& key) const {
    const QLabel* label = errorLabels_.value(key);
    return label && !label->isHidden() ? label->text() : QString();
}

bool RunConfigForm::setFieldValueJson(const QString& key, const QString& json) {
    ConfigFieldEditor* editor = editors_.value(key);
    if (!editor) return false;
    editor->setValueJson(json);
    fieldChanged(editor);
    return true;
}

QString RunConfigForm::checkField(const QString& key, const QString& json) const {
    l1ra::RunConfig scratch = base_;
    try {
        l1ra::setRunConfigValue(scratch, key.toStdString(), json.toStdString());
    } catch (const std::exception& e) {
        return fieldMessage(e);
    }
    // Data files must exist; the model folder is checked (more thoroughly) by inspectModel.
    if (key == QLatin1String("data.train") || key == QLatin1String("data.val")) {
        const QString path = parseJsonValue(json).toString();
        if (!path.isEmpty() && !QFileInfo(path).isFile()) return tr("No such file: %1").arg(path);
    }
    return {};
}

void RunConfigForm::showFieldError(const QString& key, const QString& error) {
    QLabel* label = errorLabels_.value(key);
    if (!label) return;
    label->setText(error);
    label->setVisible(!error.isEmpty());
}

void RunConfigForm::clearFieldErrors() {
    for (QLabel* label : std::as_const(errorLabels_)) {
        label->clear();
        label->setVisible(false);
    }
}

void RunConfigForm::fieldChanged(ConfigFieldEditor* editor) {
    const QString key = editor->key();
    const QString json = editor->valueJson();
    const QString error = checkField(key, json);
    showFieldError(key, error);
    if (error.isEmpty()) {
        // Keep the last valid value as the base, so config() never loses a field to a half-typed one.
        try {
            l1ra::setRunConfigValue(base_, key.toStdString(), json.toStdString());
        } catch (const std::exception&) {
        }
    }
    if (key == QLatin1String("model")) inspectModel(false);
    // The preview formats the data for the model with the chosen template: any of the four changes it.
    if (key == QLatin1String("data.train") || key == QLatin1String("data.format") || key == QLatin1String("model") ||
        key == QLatin1String("data.template"))
        previewDataset(false);
    if (key == QLatin1String("method")) updateSections();
    updateCommand();
    Q_EMIT configChanged();
}

l1ra::RunConfig RunConfigForm::config() const {
    l1ra::RunConfig config = base_;
    for (auto it = editors_.begin(); it != editors_.end(); ++it) {
        try {
            l1ra::setRunConfigValue(config, it.key().toStdString(), it.value()->valueJson().toStdString());
        } catch (const std::exception&) {
            // The field shows its error; config() keeps the last valid value.
        }
    }
    return config;
}

void RunConfigForm::setConfig(const l1ra::RunConfig& config) {
    base_ = config;
    for (auto it = editors_.begin(); it != editors_.end(); ++it)
        it.value()->setValueJson(QString::fromStdString(l1ra::runConfigValue(config, it.key().toStdString())));
    clearFieldErrors();
    for (const QString& key : {QStringLiteral("data.train"), QStringLiteral("data.val")})
        showFieldError(key, checkField(key, fieldValueJson(key)));
    inspectModel(false);
    previewDataset(false);
    updateSections();
    updateCommand();
    Q_EMIT configChanged();
}

bool RunConfigForm::loadConfigFile(const QString& path, QString* error) {
    try {
        setConfig(l1ra::loadRunConfig(path.toStdString()));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    showMessage(tr("Loaded %1").arg(QFileInfo(path).fileName()), false);
    return true;
}

bool RunConfigForm::saveConfigFile(const QString& path, QString* error) {
    QSaveFile out(path);
    const QByteArray json = QByteArray::fromStdString(l1ra::runConfigToJson(config())) + '\n';
    if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size() || !out.commit()) {
        if (error) *error = tr("Cannot write %1: %2").arg(path, out.errorString());
        return false;
    }
    showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), false);
    return true;
}

bool RunConfigForm::validateForRun() {
    clearFieldErrors();
    bool ok = true;
    for (auto it = editors_.begin(); it != editors_.end(); ++it) {
        const QString error = checkField(it.key(), it.value()->valueJson());
        if (!error.isEmpty()) {
            showFieldError(it.key(), error);
            ok = false;
        }
    }
    // The model folder is never read here (the GUI thread): the background inspection's verdict is used when it
    // is in; while it is still running the run's own load on the training thread reports a bad folder.
    const QString model = parseJsonValue(fieldValueJson(QStringLiteral("model"))).toString();
    if (!model.isEmpty() && model == inspectedModel_ && !inspectionPending_ && !modelError_.isEmpty()) {
        showFieldError(QStringLiteral("model"), modelError_);
        ok = false;
    }
    try {
        l1ra::validateRunConfig(config());
    } catch (const std::exception& e) {
        ok = false;
        // The engine's message names the key in quotes: put it next to that field.
        const QString text = QString::fromStdString(e.what());
        QString where;
        static const QRegularExpression quoted(QStringLiteral("'([A-Za-z0-9_.]+)'"));
        for (auto match = quoted.globalMatch(text); match.hasNext();) {
            const QString key = match.next().captured(1);
            if (editors_.contains(key)) {
                where = key;
                break;
            }
        }
        if (where.isEmpty()) showMessage(text, true);
        else showFieldError(where, text.startsWith(QLatin1String("run config: ")) ? text.mid(12) : text);
    }
    if (ok) showMessage(QString(), false);
    return ok;
}

void RunConfigForm::setOutputDir(const QString& dir) {
    outputDir_ = dir;
    updateCommand();
}

QString RunConfigForm::commandLine() const { return command_->text(); }

void RunConfigForm::updateCommand() {
    command_->setText(QString::fromStdString(l1ra::trainCommandLine(config(), outputDir_.toStdString())));
    command_->setCursorPosition(0);
}

void RunConfigForm::updateSections() {
    l1ra::Method method = l1ra::Method::LoRA;
    const bool known = l1ra::parseMethod(parseJsonValue(fieldValueJson(QStringLiteral("method"))).toString().toStdString(), &method);
    // Plain LoRA has no gates; full fine-tuning has no adapters. A misspelt method keeps the adapter section open.
    const bool adapters = !known || l1ra::hasAdapters(method);
    const bool gates = known && l1ra::hasGates(method);
    QGroupBox* adapter = sections_.value(QStringLiteral("adapter"));
    QGroupBox* l1ra = sections_.value(QStringLiteral("l1ra"));
    adapter->setEnabled(adapters);
    adapter->setTitle(adapters ? tr("Adapter") : tr("Adapter \u2014 not used by full fine-tuning"));
    l1ra->setEnabled(gates);
    l1ra->setTitle(gates ? tr("L1RA") : tr("L1RA \u2014 used by method l1ra only"));
    methodHelp_->setText(known ? methodHelp(method) : QString());
}

void RunConfigForm::setModelPath(const QString& path) { setFieldValueJson(QStringLiteral("model"), jsonString(path)); }

QString RunConfigForm::modelSummary() const { return modelSummary_->isHidden() ? QString() : modelSummary_->text(); }

void RunConfigForm::inspectModel(bool force) {
    const QString path = parseJsonValue(fieldValueJson(QStringLiteral("model"))).toString();
    if (!force && path == inspectedModel_) return;
    inspectedModel_ = path;
    if (path.isEmpty()) {
        inspection_->cancel();   // a result still on its way is for another folder
        inspectionPending_ = false;
        modelInfo_.reset();
        modelError_.clear();
        modelSummary_->setVisible(false);
        showFieldError(QStringLiteral("model"), QString());
        return;
    }
    // Loading a large tokenizer.json takes about a second: never on the GUI thread.
    inspectionPending_ = true;
    auto info = std::make_shared<std::optional<l1ra::ModelInfo>>();
    inspection_->start(
        [info, p = path.toStdString()] { *info = l1ra::inspectModel(p); },
        [this, info](const QString& error) {
            inspectionPending_ = false;
            modelInfo_ = error.isEmpty() ? *info : std::nullopt;
            modelError_ = error;
            modelSummary_->setText(modelInfo_ ? describeModel(*modelInfo_) : QString());
            modelSummary_->setVisible(modelInfo_.has_value());
            showFieldError(QStringLiteral("model"), modelError_);
            Q_EMIT modelInspected(modelInfo_.has_value());
        });
}

void RunConfigForm::setDatasetPreviewFunction(DatasetPreviewFunction function) {
    previewFunction_ = std::move(function);
    previewDataset(true);
}

void RunConfigForm::setTrainDataPath(const QString& path) { setFieldValueJson(QStringLiteral("data.train"), jsonString(path)); }

void RunConfigForm::previewDataset(bool force) {
    const QString path = parseJsonValue(fieldValueJson(QStringLiteral("data.train"))).toString();
    const QString format = parseJsonValue(fieldValueJson(QStringLiteral("data.format"))).toString();
    const QString model = parseJsonValue(fieldValueJson(QStringLiteral("model"))).toString();
    const QString chatTemplate = parseJsonValue(fieldValueJson(QStringLiteral("data.template"))).toString();
    const QString token = QStringList{path, format, model, chatTemplate}.join(QLatin1Char('|'));
    if (!force && token == previewedData_) return;
    previewedData_ = token;
    if (path.isEmpty() || !QFileInfo(path).isFile() || !previewFunction_) {
        preview_->cancel();
        datasetPreview_->clear();
        return;
    }
    datasetPreview_->showLoading(path);
    // Counting the records reads the whole file, formatting them may load the tokenizer: off the GUI thread.
    auto preview = std::make_shared<l1ra::DatasetPreview>();
    preview_->start(
        [preview, function = previewFunction_, p = path.toStdString(), f = format.toStdString(), m = model.toStdString(),
         t = chatTemplate.toStdString()] { *preview = function(p, f, m, t); },
        [this, preview](const QString& error) {
            if (error.isEmpty()) datasetPreview_->showPreview(*preview);
            else datasetPreview_->showError(error);
            Q_EMIT datasetPreviewed(error.isEmpty());
        });
}

void RunConfigForm::openDroppedPath(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) {
        setModelPath(info.absoluteFilePath());
        return;
    }
    if (info.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0) {
        try {
            setConfig(l1ra::loadRunConfig(info.absoluteFilePath().toStdString()));
            showMessage(tr("Loaded %1").arg(info.fileName()), false);
            return;
        } catch (const std::exception&) {
            // Not a run config: JSON training data, then.
        }
    }
    setTrainDataPath(info.absoluteFilePath());
}

void RunConfigForm::dragEnterEvent(QDragEnterEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && mime->urls().size() == 1 && mime->urls().first().isLocalFile()) event->acceptProposedAction();
}

void RunConfigForm::dropEvent(QDropEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (!mime->hasUrls() || mime->urls().isEmpty() || !mime->urls().first().isLocalFile()) return;
    event->acceptProposedAction();
    openDroppedPath(mime->urls().first().toLocalFile());
}

QStringList RunConfigForm::presetNames() const { return presets_->names(); }

bool RunConfigForm::applyPreset(const QString& name, QString* error) {
    const Preset* preset = presets_->find(name);
    if (!preset) {
        if (error) *error = tr("There is no preset named '%1'.").arg(name);
        return false;
    }
    try {
        setConfig(PresetStore::apply(*preset, config()));
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    presetBar_->setCurrentName(name);
    showMessage(tr("Applied the preset \u201c%1\u201d.").arg(name), false);
    return true;
}

bool RunConfigForm::savePreset(const QString& name, const QString& description, QString* error) {
    if (!presets_->saveUserPreset(name, description, config(), error)) return false;
    presetBar_->refresh();
    presetBar_->setCurrentName(name.trimmed());
    showMessage(tr("Saved the preset \u201c%1\u201d.").arg(name.trimmed()), false);
    return true;
}

bool RunConfigForm::deletePreset(const QString& name, QString* error) {
    if (!presets_->removeUserPreset(name, error)) return false;
    presetBar_->refresh();
    showMessage(tr("Deleted the preset \u201c%1\u201d.").arg(name), false);
    return true;
}

QString RunConfigForm::message() const { return message_->isHidden() ? QString() : message_->text(); }

void RunConfigForm::showMessage(const QString& text, bool isError) {
    messageIsError_ = isError;
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
    refreshColors();
}

void RunConfigForm::refreshColors() {
    const QPalette pal = palette();
    auto tint = [](QLabel* label, const QColor& color) {
        if (!label) return;
        QPalette p = label->palette();
        p.setColor(QPalette::WindowText, color);
        label->setPalette(p);
    };
    for (QLabel* label : std::as_const(errorLabels_)) tint(label, errorColor(pal));
    tint(message_, messageIsError_ ? errorColor(pal) : mutedTextColor(pal));
    tint(modelSummary_, successColor(pal));
    tint(methodHelp_, mutedTextColor(pal));
}

void RunConfigForm::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) refreshColors();
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
