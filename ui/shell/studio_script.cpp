#include "shell/studio_script.h"

#include "runs/run_comparison.h"
#include "runs/sweep_view.h"
#include "runs/try_it_panel.h"
#include "shell/main_window.h"
#include "widgets/count_text.h"

#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QTimer>

#include <cstdio>

namespace l1ra::ui {

namespace {

constexpr int kPollMs = 50;

}  // namespace

StudioScript::StudioScript(MainWindow& window, QObject* parent) : QObject(parent), window_(window) {
    poll_ = new QTimer(this);
    poll_->setInterval(kPollMs);
    connect(poll_, &QTimer::timeout, this, &StudioScript::poll);

    // The script answers every question the window would ask.
    UserPrompts prompts;
    prompts.openFile = [this](QWidget*, const QString&, const QString&, const QString&) { return answerPath_; };
    prompts.openFolder = [this](QWidget*, const QString&, const QString&) { return answerPath_; };
    prompts.savePath = [this](QWidget*, const QString&, const QString&, const QString&) { return answerPath_; };
    prompts.confirm = [](QWidget*, const QString&, const QString&) { return true; };
    prompts.showError = [this](QWidget*, const QString& title, const QString& message) { errors_ << title + QStringLiteral(": ") + message; };
    prompts.showInfo = [this](QWidget*, const QString&, const QString& message) { say(message); };
    window_.setPrompts(prompts);

    connect(&window_, &MainWindow::exportFinished, this, [this](bool ok, const QString&) {
        ++exportResults_;
        lastExportOk_ = ok;
    });
    connect(&window_, &MainWindow::runOpened, this, [this] { ++openedRuns_; });
    connect(&window_, &MainWindow::runOpenFailed, this, [this] { ++failedOpens_; });
    connect(window_.tryIt(), &TryItPanel::generationFinished, this, [this] { generated_ = true; });
    connect(window_.comparison(), &RunComparison::compared, this, [this] { ++compared_; });
    connect(window_.sweepView(), &SweepView::loaded, this, [this] { ++sweepsOpened_; });
}

bool StudioScript::load(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        if (error) *error = tr("cannot read the script %1: %2").arg(path, file.errorString());
        return false;
    }
    QString why;
    if (!setText(QString::fromUtf8(file.readAll()), &why)) {
        if (error) *error = tr("%1: %2").arg(path, why);   // the line number alone does not say which file
        return false;
    }
    return true;
}

bool StudioScript::setText(const QString& text, QString* error) {
    commands_.clear();
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) continue;
        Command c;
        c.line = i + 1;
        const int space = line.indexOf(QRegularExpression(QStringLiteral("\\s")));
        c.name = space < 0 ? line : line.left(space);
        c.rest = space < 0 ? QString() : line.mid(space + 1).trimmed();
        c.args = c.rest.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
        if (!findCommand(c.name)) {
            if (error) *error = tr("script line %1: unknown command '%2'").arg(c.line).arg(c.name);
            return false;
        }
        commands_.push_back(c);
    }
    return true;
}

void StudioScript::start() {
    next_ = 0;
    QTimer::singleShot(0, this, &StudioScript::step);
}

void StudioScript::say(const QString& text) {
    std::fprintf(stdout, "[studio script] %s\n", qPrintable(text));
    std::fflush(stdout);
}

void StudioScript::waitFor(const QString& what, std::function<bool()> condition) {
    waitWhat_ = what;
    waitCondition_ = std::move(condition);
    deadline_ = QDeadlineTimer(std::chrono::seconds(timeoutSeconds_));
}

void StudioScript::step() {
    while (!finished_ && next_ < commands_.size()) {
        if (!errors_.isEmpty()) return fail(errors_.join(QLatin1Char('\n')));
        const Command& command = commands_[next_++];
        QString error;
        if (!execute(command, &error)) return fail(tr("line %1 (%2): %3").arg(command.line).arg(command.name, error));
        if (finished_) return;
        if (waitCondition_) {
            poll_->start();
            return;
        }
    }
    if (!finished_ && !errors_.isEmpty()) return fail(errors_.join(QLatin1Char('\n')));
    if (!finished_ && quitting_) finish(0);
    // Without `quit` the window stays open for the user.
}

void StudioScript::poll() {
    if (!errors_.isEmpty()) {
        poll_->stop();
        return fail(errors_.join(QLatin1Char('\n')));
    }
    if (waitCondition_ && waitCondition_()) {
        poll_->stop();
        waitCondition_ = nullptr;
        step();
    } else if (deadline_.hasExpired()) {
        poll_->stop();
        fail(tr("timed out after %1 s waiting for %2").arg(timeoutSeconds_).arg(waitWhat_));
    }
}

void StudioScript::fail(const QString& message) {
    failure_ = message;
    std::fprintf(stderr, "[studio script] FAILED: %s\n", qPrintable(message));
    finish(1);
}

void StudioScript::finish(int exitCode) {
    if (finished_) return;
    finished_ = true;
    exitCode_ = exitCode;
    waitCondition_ = nullptr;
    poll_->stop();
    Q_EMIT finished(exitCode);
    if (exitApplication_) QCoreApplication::exit(exitCode);
}

bool StudioScript::execute(const Command& c, QString* error) {
    const CommandSpec* spec = findCommand(c.name);
    if (c.args.size() < spec->minArgs) {
        *error = tr("needs %1").arg(countText(spec->minArgs, tr("argument"), tr("arguments")));
        return false;
    }
    return spec->run(*this, c, error);
}

}  // namespace l1ra::ui
