#pragma once
// "Try it"'s engine side: loads the base model and the model with the run's adapter (kept for the next prompt)
// and generates from both, one after the other, on a BackgroundJob. Text is streamed back token by token;
// updates are coalesced (one queued call in flight at a time) so a fast model cannot flood the GUI.
#include "l1ra/language_model.h"
#include "shell/background_job.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace l1ra::ui {

class GenerationRunner : public QObject {
    Q_OBJECT
public:
    enum Side { Base = 0, Tuned = 1 };

    struct Request {
        QString modelDir;
        QString adapterDir;   // run folder or exported adapter; empty = base model only
        QString text;         // what the user typed
        bool asInstruction = false;   // format it as an instruction the way the run was trained (its prompt format)
        l1ra::GenerationOptions options;
        QString device = QStringLiteral("cpu");
    };

    explicit GenerationRunner(QObject* parent = nullptr);
    ~GenerationRunner() override;   // cancels and waits for the thread (it stops at the next token)

    bool start(const Request& request);   // false while a generation runs
    void cancel();
    bool isRunning() const { return job_->isRunning(); }
    QString text(Side side) const;
    int tokenCount(Side side) const;

Q_SIGNALS:
    // The exact text both models continue, and the prompt format that made it (sent once the base model is loaded).
    void promptFormatted(const QString& prompt, const QString& format);
    void textChanged(int side, const QString& text, int tokens);
    void statusChanged(const QString& status);
    void finished(bool cancelled, const QString& error);

private:
    struct Shared {
        std::mutex mutex;
        QString text[2];
        int tokens[2] = {0, 0};
        QString status;
    };

    void work(const Request& request, const BackgroundJob::CancelFlag& cancelled);
    void generateSide(Side side, const l1ra::LanguageModel& model, const std::string& prompt, const Request& request,
                      const BackgroundJob::CancelFlag& cancelled);
    void publish();
    Q_INVOKABLE void flush();
    void complete(bool cancelled, const QString& error);

    BackgroundJob* job_ = nullptr;
    std::atomic<bool> flushPosted_{false};
    Shared shared_;
    QString shownText_[2];
    int shownTokens_[2] = {0, 0};

    // Touched only by the job's thread while it runs, otherwise by nobody.
    std::unique_ptr<l1ra::LanguageModel> base_;
    std::unique_ptr<l1ra::LanguageModel> tuned_;
    std::string baseKey_;
    std::string tunedKey_;
};

}  // namespace l1ra::ui
