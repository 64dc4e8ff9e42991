#include "runs/generation_runner.h"

#include "l1ra/prompt_template.h"

#include <QMetaObject>

#include <exception>
#include <stdexcept>
#include <vector>

namespace l1ra::ui {

GenerationRunner::GenerationRunner(QObject* parent) : QObject(parent), job_(new BackgroundJob(this)) {}

// The job's thread uses this object's members: it is cancelled and joined before they go (children are deleted
// only after the members).
GenerationRunner::~GenerationRunner() { delete job_; }

bool GenerationRunner::start(const Request& request) {
    if (job_->isRunning()) return false;
    {
        std::lock_guard<std::mutex> lock(shared_.mutex);
        for (int side = 0; side < 2; ++side) {
            shared_.text[side].clear();
            shared_.tokens[side] = 0;
        }
        shared_.status = tr("Loading\u2026");
    }
    if (!job_->start([this, request](const BackgroundJob::CancelFlag& cancelled) { work(request, cancelled); },
                     [this](const QString& error) { complete(job_->wasCancelled(), error); }))
        return false;
    flush();   // "Loading…" while running
    return true;
}

void GenerationRunner::cancel() { job_->cancel(); }

QString GenerationRunner::text(Side side) const { return shownText_[side]; }

int GenerationRunner::tokenCount(Side side) const { return shownTokens_[side]; }

void GenerationRunner::work(const Request& request, const BackgroundJob::CancelFlag& cancelled) {
    l1ra::LoadOptions options;
    options.device = request.device.toStdString();
    const std::string modelDir = request.modelDir.toStdString();
    const std::string adapterDir = request.adapterDir.toStdString();
    auto setStatus = [this](const QString& status) {
        {
            std::lock_guard<std::mutex> lock(shared_.mutex);
            shared_.status = status;
        }
        publish();
    };

    // Both models use the prompt format the run was trained with, so that the comparison is fair.
    options.chatTemplate = adapterDir.empty() ? std::string() : l1ra::trainedTemplateChoice(adapterDir);
    // Models stay loaded for the next prompt as long as the folders (and the format) are the same.
    const std::string baseKey = modelDir + "\n" + options.chatTemplate;
    if (!base_ || baseKey_ != baseKey) {
        setStatus(tr("Loading the base model\u2026"));
        base_.reset();
        base_ = l1ra::LanguageModel::load(modelDir, options);
        baseKey_ = baseKey;
    }
    if (!base_->hasTokenizer()) throw std::runtime_error(modelDir + ": no tokenizer.json or tokenizer.model, so no text can be generated");
    if (cancelled) return;
    const std::string text = request.text.toStdString();
    const std::string prompt = request.asInstruction ? base_->instructionPrompt(text) : text;
    const QString format = QString::fromStdString(request.asInstruction ? base_->promptFormat() : std::string("as typed"));
    QMetaObject::invokeMethod(this, [this, p = QString::fromStdString(prompt), format] { Q_EMIT promptFormatted(p, format); },
                              Qt::QueuedConnection);
    setStatus(tr("Generating with the base model\u2026"));
    generateSide(Base, *base_, prompt, request, cancelled);
    if (cancelled || adapterDir.empty()) return;

    const std::string tunedKey = baseKey + "\n" + adapterDir;
    if (!tuned_ || tunedKey_ != tunedKey) {
        setStatus(tr("Loading the model with the run's adapter\u2026"));
        tuned_.reset();
        options.adapter = adapterDir;
        tuned_ = l1ra::LanguageModel::load(modelDir, options);
        tunedKey_ = tunedKey;
    }
    if (cancelled) return;
    setStatus(tr("Generating with the adapter\u2026"));
    generateSide(Tuned, *tuned_, prompt, request, cancelled);
}

void GenerationRunner::generateSide(Side side, const l1ra::LanguageModel& model, const std::string& prompt, const Request& request,
                                    const BackgroundJob::CancelFlag& cancelled) {
    const std::vector<int64_t> ids = request.asInstruction ? model.encodePrompt(prompt) : model.encode(prompt);
    // Text as it completes (a character split over byte tokens waits for its last byte), stop tokens left out.
    l1ra::StreamingDecoder stream(model.tokenizer(), /*skipSpecial=*/true);
    stream.prime(ids);
    std::string text;
    int tokens = 0;
    model.generate(ids, request.options, [&](int64_t token) {
        ++tokens;
        if (!model.isStop(token)) text += stream.push(token);
        {
            std::lock_guard<std::mutex> lock(shared_.mutex);
            shared_.text[side] = QString::fromStdString(text);
            shared_.tokens[side] = tokens;
        }
        publish();
        return !cancelled.load();
    });
    text += stream.flush();
    {
        std::lock_guard<std::mutex> lock(shared_.mutex);
        shared_.text[side] = QString::fromStdString(text);
    }
    publish();
}

void GenerationRunner::publish() {
    // One flush in flight at a time; it reads whatever is newest when it runs. Queued by name, as
    // TrainingController::requestDrain, so that ThreadSanitizer sees no functor handed between threads.
    if (!flushPosted_.exchange(true)) QMetaObject::invokeMethod(this, "flush", Qt::QueuedConnection);
}

void GenerationRunner::flush() {
    flushPosted_ = false;
    QString text[2], status;
    int tokens[2];
    {
        std::lock_guard<std::mutex> lock(shared_.mutex);
        for (int side = 0; side < 2; ++side) {
            text[side] = shared_.text[side];
            tokens[side] = shared_.tokens[side];
        }
        status = shared_.status;
    }
    for (int side = 0; side < 2; ++side) {
        if (text[side] == shownText_[side] && tokens[side] == shownTokens_[side]) continue;
        shownText_[side] = text[side];
        shownTokens_[side] = tokens[side];
        Q_EMIT textChanged(side, text[side], tokens[side]);
    }
    Q_EMIT statusChanged(status);
}

void GenerationRunner::complete(bool cancelled, const QString& error) {
    flush();   // the last tokens
    Q_EMIT finished(cancelled, error);
}

}  // namespace l1ra::ui
