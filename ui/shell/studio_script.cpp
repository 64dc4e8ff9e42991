#include "shell/studio_script.h"

#include "widgets/count_text.h"
#include "live/live_knobs.h"
#include "shell/main_window.h"
#include "runs/rank_timeline.h"
#include "runs/run_comparison.h"
#include "setup/run_config_form.h"
#include "runs/run_history_list.h"
#include "runs/run_view.h"
#include "runs/sweep_view.h"
#include "live/training_controller.h"
#include "runs/try_it_panel.h"

#include "l1ra/training_events.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPixmap>
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
    return setText(QString::fromUtf8(file.readAll()), error);
}

bool StudioScript::setText(const QString& text, QString* error) {
    static const QStringList known{QStringLiteral("echo"), QStringLiteral("config"), QStringLiteral("set"), QStringLiteral("runs-dir"),
                                   QStringLiteral("start"), QStringLiteral("pause"), QStringLiteral("resume"), QStringLiteral("stop"),
                                   QStringLiteral("checkpoint"), QStringLiteral("wait-state"), QStringLiteral("wait-step"),
                                   QStringLiteral("wait-finished"), QStringLiteral("lambda"), QStringLiteral("budget"),
                                   QStringLiteral("wait-applied"), QStringLiteral("export"), QStringLiteral("open-run"), QStringLiteral("page"),
                                   QStringLiteral("timeline"), QStringLiteral("compare-newest"), QStringLiteral("open-sweep"), QStringLiteral("try"), QStringLiteral("wait-generated"), QStringLiteral("resize"),
                                   QStringLiteral("wait"), QStringLiteral("timeout"), QStringLiteral("screenshot"), QStringLiteral("quit")};
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
        if (!known.contains(c.name)) {
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
    TrainingController* controller = window_.controller();
    const auto needArgs = [&](int n) {
        if (c.args.size() >= n) return true;
        *error = tr("needs %1").arg(countText(n, tr("argument"), tr("arguments")));
        return false;
    };
    const auto number = [&](int i, double* value) {
        bool ok = false;
        *value = c.args.value(i).toDouble(&ok);
        if (!ok) *error = tr("'%1' is not a number").arg(c.args.value(i));
        return ok;
    };

    if (c.name == QLatin1String("echo")) {
        say(c.rest);
    } else if (c.name == QLatin1String("config")) {
        if (!needArgs(1)) return false;
        if (!window_.loadRunConfigFile(c.rest)) {
            *error = errors_.isEmpty() ? tr("cannot load %1").arg(c.rest) : errors_.takeLast();
            return false;
        }
    } else if (c.name == QLatin1String("set")) {
        if (!needArgs(2)) return false;
        const QString json = c.rest.mid(c.args[0].size()).trimmed();
        if (!window_.runConfigForm()->setFieldValueJson(c.args[0], json)) {
            *error = tr("%1 = %2 refused: %3").arg(c.args[0], json, window_.runConfigForm()->fieldError(c.args[0]));
            return false;
        }
    } else if (c.name == QLatin1String("runs-dir")) {
        if (!needArgs(1)) return false;
        window_.setRunsRoot(c.rest);
    } else if (c.name == QLatin1String("start")) {
        window_.actions().start->trigger();
        if (!controller->isActive()) {
            *error = errors_.isEmpty() ? controller->lastError() : errors_.takeLast();
            return false;
        }
    } else if (c.name == QLatin1String("pause") || c.name == QLatin1String("resume") || c.name == QLatin1String("stop") ||
               c.name == QLatin1String("checkpoint")) {
        QAction* action = c.name == QLatin1String("pause")    ? window_.actions().pause
                          : c.name == QLatin1String("resume") ? window_.actions().resume
                          : c.name == QLatin1String("stop")   ? window_.actions().stop
                                                              : window_.actions().checkpoint;
        if (!action->isEnabled()) {
            *error = tr("the action is disabled in state %1").arg(TrainingController::stateText(controller->state()));
            return false;
        }
        action->trigger();
    } else if (c.name == QLatin1String("wait-state")) {
        if (!needArgs(1)) return false;
        const QString wanted = c.args[0];
        waitFor(tr("state %1").arg(wanted), [controller, wanted] { return QLatin1String(l1ra::runStateName(controller->state())) == wanted; });
    } else if (c.name == QLatin1String("wait-step")) {
        double step = 0;
        if (!needArgs(1) || !number(0, &step)) return false;
        waitFor(tr("step %1").arg(step), [controller, step] {
            return (controller->hasStep() && double(controller->lastStep().step) >= step) || !controller->isActive();
        });
    } else if (c.name == QLatin1String("wait-finished")) {
        waitFor(tr("the run to end"), [controller] { return !controller->isActive() && TrainingController::isEnded(controller->state()); });
    } else if (c.name == QLatin1String("lambda")) {
        double value = 0;
        if (!needArgs(1) || !number(0, &value)) return false;
        window_.liveKnobs()->requestLambda(value);
    } else if (c.name == QLatin1String("budget")) {
        double value = 0;
        if (!needArgs(1) || !number(0, &value)) return false;
        window_.liveKnobs()->requestBudget(int(value));
    } else if (c.name == QLatin1String("wait-applied")) {
        if (!needArgs(1)) return false;
        const QString what = c.args[0];
        LiveKnobs* knobs = window_.liveKnobs();
        waitFor(tr("%1 to be applied").arg(what), [knobs, what] { return !knobs->isPending(what); });
    } else if (c.name == QLatin1String("export")) {
        if (!needArgs(2)) return false;
        const QString kind = c.args[0];
        answerPath_ = QFileInfo(c.rest.mid(kind.size()).trimmed()).absoluteFilePath();
        const StudioActions& a = window_.actions();
        QAction* action = kind == QLatin1String("adapter")   ? a.exportAdapter
                          : kind == QLatin1String("merged")  ? a.exportMerged
                          : kind == QLatin1String("gguf-lora") ? a.exportGgufLora
                          : kind == QLatin1String("gguf")    ? a.exportGgufModel
                          : kind == QLatin1String("metrics") ? a.exportMetrics
                          : kind == QLatin1String("ranks")   ? a.exportRanks
                          : kind == QLatin1String("heatmap") ? a.exportHeatmap
                                                             : nullptr;
        if (!action) {
            *error = tr("unknown export '%1' (adapter, merged, gguf-lora, gguf, metrics, ranks, heatmap)").arg(kind);
            return false;
        }
        if (!action->isEnabled()) {
            *error = tr("%1 is disabled").arg(action->text());
            return false;
        }
        const int before = exportResults_;
        action->trigger();   // through the menu's action, as a user would
        const QString target = answerPath_;
        waitFor(tr("the export to %1").arg(target), [this, before] { return exportResults_ > before; });
        // A refused export reports through the error prompt; poll() turns that into a failure.
    } else if (c.name == QLatin1String("open-run")) {
        if (!needArgs(1)) return false;
        const int opened = openedRuns_, failed = failedOpens_;
        window_.openRun(c.rest);
        waitFor(tr("%1 to open").arg(c.rest), [this, opened, failed] { return openedRuns_ > opened || failedOpens_ > failed; });
    } else if (c.name == QLatin1String("page")) {
        if (!needArgs(1)) return false;
        static const QStringList pages{QStringLiteral("setup"), QStringLiteral("training"), QStringLiteral("runs"), QStringLiteral("compare"),
                                       QStringLiteral("try")};
        const int index = pages.indexOf(c.args[0]);
        if (index < 0) {
            *error = tr("unknown page '%1' (%2)").arg(c.args[0], pages.join(QStringLiteral(", ")));
            return false;
        }
        window_.showPage(MainWindow::Page(index));
    } else if (c.name == QLatin1String("timeline")) {
        if (!needArgs(1)) return false;
        RankTimeline* timeline = window_.runView()->timeline();
        timeline->setPosition(c.args[0] == QLatin1String("end") ? timeline->count() - 1 : c.args[0].toInt());
    } else if (c.name == QLatin1String("compare-newest")) {
        // The two newest runs of the runs folder, the older one as A.
        RunHistoryList* history = window_.runHistory();
        history->refresh();
        if (history->runCount() < 2) {
            *error = tr("the runs folder has %1").arg(countText(history->runCount(), tr("run"), tr("runs")));
            return false;
        }
        window_.showPage(MainWindow::Page::Compare);
        RunComparison* comparison = window_.comparison();
        const int before = compared_;
        comparison->compare(history->dirAt(1), history->dirAt(0));
        waitFor(tr("the comparison"), [this, before] { return compared_ > before; });
    } else if (c.name == QLatin1String("open-sweep")) {
        if (!needArgs(1)) return false;
        const int before = sweepsOpened_;
        window_.openSweep(c.rest);
        // A sweep that cannot be read reports through the error prompt; poll() turns that into a failure.
        waitFor(tr("the sweep %1 to open").arg(c.rest), [this, before] { return sweepsOpened_ > before; });
    } else if (c.name == QLatin1String("try")) {
        window_.showPage(MainWindow::Page::TryIt);
        window_.tryIt()->setPrompt(c.rest);
        generated_ = false;
        window_.tryIt()->generate();
    } else if (c.name == QLatin1String("wait-generated")) {
        TryItPanel* panel = window_.tryIt();
        waitFor(tr("generation"), [this, panel] { return generated_ || !panel->isGenerating(); });
    } else if (c.name == QLatin1String("resize")) {
        if (!needArgs(2)) return false;
        window_.resize(c.args[0].toInt(), c.args[1].toInt());
    } else if (c.name == QLatin1String("wait")) {
        double ms = 0;
        if (!needArgs(1) || !number(0, &ms)) return false;
        const QDeadlineTimer until{qint64(ms)};
        waitFor(tr("%1 ms").arg(ms), [until] { return until.hasExpired(); });
    } else if (c.name == QLatin1String("timeout")) {
        double seconds = 0;
        if (!needArgs(1) || !number(0, &seconds)) return false;
        timeoutSeconds_ = std::max(1, int(seconds));
    } else if (c.name == QLatin1String("screenshot")) {
        if (!needArgs(1)) return false;
        QDir().mkpath(QFileInfo(c.rest).absolutePath());
        if (!window_.grab().save(c.rest)) {
            *error = tr("cannot write %1").arg(c.rest);
            return false;
        }
        say(tr("screenshot saved to %1").arg(c.rest));
    } else if (c.name == QLatin1String("quit")) {
        // A run still training is stopped first (the script answers the question with yes); the window
        // closes once it has stopped.
        quitting_ = true;
        window_.close();
        waitFor(tr("the window to close"), [this] { return !window_.isVisible(); });
    }
    return true;
}

}  // namespace l1ra::ui
