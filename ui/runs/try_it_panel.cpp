#include "runs/try_it_panel.h"

#include "widgets/count_text.h"
#include "runs/generation_runner.h"
#include "widgets/palette_colors.h"


#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace l1ra::ui {

TryItPanel::TryItPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    source_ = new QLabel(this);
    source_->setObjectName(QStringLiteral("tryItSource"));
    source_->setWordWrap(true);
    source_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(source_);

    auto* split = new QSplitter(Qt::Vertical, this);
    auto* top = new QWidget(split);
    auto* topLayout = new QHBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    prompt_ = new QPlainTextEdit(top);
    prompt_->setObjectName(QStringLiteral("tryItPrompt"));
    prompt_->setPlaceholderText(tr("Type a prompt, e.g. \u201cWhat does the acronym ASAP stand for?\u201d (Ctrl+Enter generates)"));
    topLayout->addWidget(prompt_, 1);

    QFormLayout* controls = buildControls(top);
    topLayout->addLayout(controls);

    QWidget* outputs = buildOutputs(split);
    split->addWidget(top);
    split->addWidget(outputs);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("tryItStatus"));
    status_->setWordWrap(true);
    layout->addWidget(status_);

    connectRunner();
    setRun({}, {}, {});
}

// Instruction format, length, temperature and seed, with Generate and Cancel.
QFormLayout* TryItPanel::buildControls(QWidget* top) {
    auto* controls = new QFormLayout;
    useTemplate_ = new QCheckBox(tr("Format as an instruction"), top);
    useTemplate_->setObjectName(QStringLiteral("tryItTemplate"));
    useTemplate_->setToolTip(tr("Give the prompt as a user message in the prompt format the run was trained with: the "
                                "model's chat template, or \u201c### Instruction: \u2026 ### Response:\u201d for a "
                                "model without one"));
    maxTokens_ = new QSpinBox(top);
    maxTokens_->setObjectName(QStringLiteral("tryItMaxTokens"));
    maxTokens_->setRange(1, 4096);
    maxTokens_->setValue(64);
    temperature_ = new QDoubleSpinBox(top);
    temperature_->setObjectName(QStringLiteral("tryItTemperature"));
    temperature_->setRange(0, 2);
    temperature_->setSingleStep(0.1);
    temperature_->setDecimals(2);
    temperature_->setValue(0.0);
    temperature_->setSpecialValueText(tr("0 (greedy)"));
    seed_ = new QSpinBox(top);
    seed_->setObjectName(QStringLiteral("tryItSeed"));
    seed_->setRange(0, 1000000);
    seed_->setValue(1);
    seed_->setToolTip(tr("Same seed, same samples: both models draw with it"));
    controls->addRow(useTemplate_);
    controls->addRow(tr("Max new tokens"), maxTokens_);
    controls->addRow(tr("Temperature"), temperature_);
    controls->addRow(tr("Seed"), seed_);
    auto* buttons = new QHBoxLayout;
    generate_ = new QPushButton(tr("Generate"), top);
    generate_->setObjectName(QStringLiteral("tryItGenerate"));
    generate_->setDefault(true);
    cancel_ = new QPushButton(tr("Cancel"), top);
    cancel_->setObjectName(QStringLiteral("tryItCancel"));
    buttons->addWidget(generate_);
    buttons->addWidget(cancel_);
    controls->addRow(buttons);
    return controls;
}

// The two models' texts side by side.
QWidget* TryItPanel::buildOutputs(QWidget* split) {
    auto* outputs = new QWidget(split);
    auto* grid = new QGridLayout(outputs);
    grid->setContentsMargins(0, 0, 0, 0);
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (int side = 0; side < 2; ++side) {
        titles_[side] = new QLabel(outputs);
        outputs_[side] = new QPlainTextEdit(outputs);
        outputs_[side]->setObjectName(side == 0 ? QStringLiteral("tryItBaseOutput") : QStringLiteral("tryItTunedOutput"));
        outputs_[side]->setReadOnly(true);
        outputs_[side]->setFont(fixed);
        grid->addWidget(titles_[side], 0, side);
        grid->addWidget(outputs_[side], 1, side);
    }
    titles_[0]->setText(tr("<b>Base model</b>"));
    return outputs;
}

// The buttons and the prompt's Ctrl+Enter start and stop the runner; its text, status and end are shown.
void TryItPanel::connectRunner() {
    runner_ = new GenerationRunner(this);
    connect(generate_, &QPushButton::clicked, this, &TryItPanel::generate);
    connect(cancel_, &QPushButton::clicked, this, &TryItPanel::cancel);
    auto* shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), prompt_);
    shortcut->setContext(Qt::WidgetShortcut);
    connect(shortcut, &QShortcut::activated, this, &TryItPanel::generate);
    connect(prompt_, &QPlainTextEdit::textChanged, this, &TryItPanel::updateButtons);
    connect(runner_, &GenerationRunner::promptFormatted, this, [this](const QString& prompt, const QString& format) {
        formattedPrompt_ = prompt;
        promptFormat_ = format;
        prompt_->setToolTip(tr("Last given to the models (%1):\n%2").arg(format, prompt));
    });
    connect(runner_, &GenerationRunner::textChanged, this, [this](int side, const QString& text, int tokens) {
        outputs_[side]->setPlainText(text);
        outputs_[side]->moveCursor(QTextCursor::End);
        outputs_[side]->setToolTip(countText(tokens, tr("token"), tr("tokens")));
    });
    connect(runner_, &GenerationRunner::statusChanged, this, [this](const QString& text) {
        if (runner_->isRunning()) showStatus(text);
    });
    connect(runner_, &GenerationRunner::finished, this, [this](bool cancelled, const QString& error) {
        if (!error.isEmpty()) showStatus(error, true);
        else if (cancelled) showStatus(tr("Cancelled."));
        else
            showStatus(tr("Done: %1 and %2 new tokens.")
                           .arg(runner_->tokenCount(GenerationRunner::Base))
                           .arg(runner_->tokenCount(GenerationRunner::Tuned)));
        updateButtons();
        Q_EMIT generationFinished(error.isEmpty() && !cancelled);
    });
}

void TryItPanel::setRun(const QString& modelDir, const QString& adapterDir, const QString& title) {
    modelDir_ = modelDir;
    adapterDir_ = adapterDir;
    runTitle_ = title;
    if (modelDir.isEmpty()) {
        source_->setText(tr("Open or train a run first: its base model and adapter are what you try here."));
    } else {
        source_->setText(tr("Base model <b>%1</b>, adapter from <b>%2</b>")
                             .arg(QFileInfo(modelDir).fileName().toHtmlEscaped(), title.toHtmlEscaped()));
        source_->setToolTip(modelDir + QLatin1Char('\n') + adapterDir);
    }
    titles_[1]->setText(tr("<b>With the adapter</b> %1").arg(title.toHtmlEscaped()));
    updateButtons();
}

void TryItPanel::setPrompt(const QString& text) { prompt_->setPlainText(text); }
void TryItPanel::setUseTemplate(bool use) { useTemplate_->setChecked(use); }
void TryItPanel::setMaxNewTokens(int tokens) { maxTokens_->setValue(tokens); }
void TryItPanel::setTemperature(double temperature) { temperature_->setValue(temperature); }
void TryItPanel::setSeed(int seed) { seed_->setValue(seed); }

bool TryItPanel::useTemplate() const { return useTemplate_->isChecked(); }

bool TryItPanel::isGenerating() const { return runner_->isRunning(); }

QString TryItPanel::output(int side) const { return outputs_[side == 0 ? 0 : 1]->toPlainText(); }

QString TryItPanel::statusText() const { return status_->text(); }

void TryItPanel::generate() {
    if (runner_->isRunning() || modelDir_.isEmpty() || prompt_->toPlainText().trimmed().isEmpty()) return;
    GenerationRunner::Request request;
    request.modelDir = modelDir_;
    request.adapterDir = adapterDir_;
    request.text = prompt_->toPlainText();
    request.asInstruction = useTemplate_->isChecked();
    request.options.maxNewTokens = maxTokens_->value();
    request.options.temperature = temperature_->value();
    request.options.seed = uint64_t(seed_->value());
    for (QPlainTextEdit* output : outputs_) output->clear();
    runner_->start(request);
    updateButtons();
}

void TryItPanel::cancel() {
    runner_->cancel();
    showStatus(tr("Cancelling after the current token\u2026"));
}

void TryItPanel::updateButtons() {
    const bool running = runner_->isRunning();
    generate_->setEnabled(!running && !modelDir_.isEmpty() && !prompt_->toPlainText().trimmed().isEmpty());
    cancel_->setEnabled(running);
}

void TryItPanel::showStatus(const QString& text, bool isError) {
    QPalette pal = status_->palette();
    pal.setColor(QPalette::WindowText, isError ? errorColor(palette()) : mutedTextColor(palette()));
    status_->setPalette(pal);
    status_->setText(text);
}

}  // namespace l1ra::ui
