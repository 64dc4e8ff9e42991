// The script harness's commands, one row each: name, the arguments it needs at least, and what it does. Each
// acts through the window's public operations and actions, as a user would; a wait sets the condition that
// StudioScript polls before the next line.
#include "shell/studio_script.h"

#include "live/live_knobs.h"
#include "live/training_controller.h"
#include "runs/rank_timeline.h"
#include "runs/run_comparison.h"
#include "runs/run_history_list.h"
#include "runs/run_view.h"
#include "runs/try_it_panel.h"
#include "setup/run_config_form.h"
#include "shell/main_window.h"
#include "widgets/count_text.h"

#include "l1ra/training_events.h"

#include <QAction>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QPixmap>

#include <algorithm>

namespace l1ra::ui {

namespace {

using Command = StudioScript::Command;

bool number(const Command& c, int i, double* value, QString* error) {
    bool ok = false;
    *value = c.args.value(i).toDouble(&ok);
    if (!ok) *error = StudioScript::tr("'%1' is not a number").arg(c.args.value(i));
    return ok;
}

// The action a name stands for in `export KIND PATH` and the live controls; nullptr for an unknown name.
QAction* exportAction(const StudioActions& a, const QString& kind) {
    if (kind == QLatin1String("adapter")) return a.exportAdapter;
    if (kind == QLatin1String("merged")) return a.exportMerged;
    if (kind == QLatin1String("gguf-lora")) return a.exportGgufLora;
    if (kind == QLatin1String("gguf")) return a.exportGgufModel;
    if (kind == QLatin1String("metrics")) return a.exportMetrics;
    if (kind == QLatin1String("ranks")) return a.exportRanks;
    if (kind == QLatin1String("heatmap")) return a.exportHeatmap;
    return nullptr;
}

QAction* controlAction(const StudioActions& a, const QString& name) {
    if (name == QLatin1String("pause")) return a.pause;
    if (name == QLatin1String("resume")) return a.resume;
    if (name == QLatin1String("stop")) return a.stop;
    return a.checkpoint;
}

}  // namespace

const std::vector<StudioScript::CommandSpec>& StudioScript::commands() {
    // A control button, as the toolbar would press it.
    static const auto control = [](StudioScript& s, const Command& c, QString* error) {
        QAction* action = controlAction(s.window_.actions(), c.name);
        if (!action->isEnabled()) {
            *error = tr("the action is disabled in state %1").arg(TrainingController::stateText(s.window_.controller()->state()));
            return false;
        }
        action->trigger();
        return true;
    };
    static const std::vector<CommandSpec> table = {
        {"echo", 0, [](StudioScript& s, const Command& c, QString*) {
             s.say(c.rest);
             return true;
         }},
        {"config", 1, [](StudioScript& s, const Command& c, QString* error) {
             if (s.window_.loadRunConfigFile(c.rest)) return true;
             *error = s.errors_.isEmpty() ? tr("cannot load %1").arg(c.rest) : s.errors_.takeLast();
             return false;
         }},
        {"set", 2, [](StudioScript& s, const Command& c, QString* error) {
             const QString json = c.rest.mid(c.args[0].size()).trimmed();
             RunConfigForm* form = s.window_.runConfigForm();
             if (form->setFieldValueJson(c.args[0], json)) return true;
             *error = tr("%1 = %2 refused: %3").arg(c.args[0], json, form->fieldError(c.args[0]));
             return false;
         }},
        {"runs-dir", 1, [](StudioScript& s, const Command& c, QString*) {
             s.window_.setRunsRoot(c.rest);
             return true;
         }},
        {"start", 0, [](StudioScript& s, const Command&, QString* error) {
             s.window_.actions().start->trigger();
             TrainingController* controller = s.window_.controller();
             if (controller->isActive()) return true;
             *error = s.errors_.isEmpty() ? controller->lastError() : s.errors_.takeLast();
             return false;
         }},
        {"attach", 1, [](StudioScript& s, const Command& c, QString* error) {
             if (s.window_.attachToRun(c.rest)) return true;
             *error = s.errors_.isEmpty() ? s.window_.controller()->lastError() : s.errors_.takeLast();
             return false;
         }},
        {"detach", 0, [](StudioScript& s, const Command&, QString* error) {
             QAction* action = s.window_.actions().detachRun;
             if (!action->isEnabled()) {
                 *error = tr("no run is attached");
                 return false;
             }
             action->trigger();
             TrainingController* controller = s.window_.controller();
             s.waitFor(tr("the follower to let go"), [controller] { return !controller->isActive(); });
             return true;
         }},
        {"pause", 0, control},
        {"resume", 0, control},
        {"stop", 0, control},
        {"checkpoint", 0, control},
        {"wait-state", 1, [](StudioScript& s, const Command& c, QString*) {
             TrainingController* controller = s.window_.controller();
             const QString wanted = c.args[0];
             s.waitFor(tr("state %1").arg(wanted),
                       [controller, wanted] { return QLatin1String(l1ra::runStateName(controller->state())) == wanted; });
             return true;
         }},
        {"wait-step", 1, [](StudioScript& s, const Command& c, QString* error) {
             double step = 0;
             if (!number(c, 0, &step, error)) return false;
             TrainingController* controller = s.window_.controller();
             s.waitFor(tr("step %1").arg(step), [controller, step] {
                 return (controller->hasStep() && double(controller->lastStep().step) >= step) || !controller->isActive();
             });
             return true;
         }},
        {"wait-finished", 0, [](StudioScript& s, const Command&, QString*) {
             TrainingController* controller = s.window_.controller();
             s.waitFor(tr("the run to end"),
                       [controller] { return !controller->isActive() && TrainingController::isEnded(controller->state()); });
             return true;
         }},
        {"lambda", 1, [](StudioScript& s, const Command& c, QString* error) {
             double value = 0;
             if (!number(c, 0, &value, error)) return false;
             s.window_.liveKnobs()->requestLambda(value);
             return true;
         }},
        {"budget", 1, [](StudioScript& s, const Command& c, QString* error) {
             double value = 0;
             if (!number(c, 0, &value, error)) return false;
             s.window_.liveKnobs()->requestBudget(int(value));
             return true;
         }},
        {"wait-applied", 1, [](StudioScript& s, const Command& c, QString*) {
             const QString what = c.args[0];
             LiveKnobs* knobs = s.window_.liveKnobs();
             s.waitFor(tr("%1 to be applied").arg(what), [knobs, what] { return !knobs->isPending(what); });
             return true;
         }},
        {"export", 2, [](StudioScript& s, const Command& c, QString* error) {
             const QString kind = c.args[0];
             s.answerPath_ = QFileInfo(c.rest.mid(kind.size()).trimmed()).absoluteFilePath();
             QAction* action = exportAction(s.window_.actions(), kind);
             if (!action) {
                 *error = tr("unknown export '%1' (adapter, merged, gguf-lora, gguf, metrics, ranks, heatmap)").arg(kind);
                 return false;
             }
             if (!action->isEnabled()) {
                 *error = tr("%1 is disabled").arg(action->text());
                 return false;
             }
             const int before = s.exportResults_;
             action->trigger();   // through the menu's action, as a user would
             // A refused export reports through the error prompt; poll() turns that into a failure.
             s.waitFor(tr("the export to %1").arg(s.answerPath_), [&s, before] { return s.exportResults_ > before; });
             return true;
         }},
        {"open-run", 1, [](StudioScript& s, const Command& c, QString*) {
             const int opened = s.openedRuns_, failed = s.failedOpens_;
             s.window_.openRun(c.rest);
             s.waitFor(tr("%1 to open").arg(c.rest), [&s, opened, failed] { return s.openedRuns_ > opened || s.failedOpens_ > failed; });
             return true;
         }},
        {"page", 1, [](StudioScript& s, const Command& c, QString* error) {
             static const QStringList pages{QStringLiteral("setup"), QStringLiteral("training"), QStringLiteral("runs"),
                                            QStringLiteral("compare"), QStringLiteral("try")};
             const int index = pages.indexOf(c.args[0]);
             if (index < 0) {
                 *error = tr("unknown page '%1' (%2)").arg(c.args[0], pages.join(QStringLiteral(", ")));
                 return false;
             }
             s.window_.showPage(MainWindow::Page(index));
             return true;
         }},
        {"timeline", 1, [](StudioScript& s, const Command& c, QString*) {
             RankTimeline* timeline = s.window_.runView()->timeline();
             timeline->setPosition(c.args[0] == QLatin1String("end") ? timeline->count() - 1 : c.args[0].toInt());
             return true;
         }},
        {"compare-newest", 0, [](StudioScript& s, const Command&, QString* error) {
             // The two newest runs of the runs folder, the older one as A.
             RunHistoryList* history = s.window_.runHistory();
             history->refresh();
             if (history->runCount() < 2) {
                 *error = tr("the runs folder has %1").arg(countText(history->runCount(), tr("run"), tr("runs")));
                 return false;
             }
             s.window_.showPage(MainWindow::Page::Compare);
             const int before = s.compared_;
             s.window_.comparison()->compare(history->dirAt(1), history->dirAt(0));
             s.waitFor(tr("the comparison"), [&s, before] { return s.compared_ > before; });
             return true;
         }},
        {"open-sweep", 1, [](StudioScript& s, const Command& c, QString*) {
             const int before = s.sweepsOpened_;
             s.window_.openSweep(c.rest);
             // A sweep that cannot be read reports through the error prompt; poll() turns that into a failure.
             s.waitFor(tr("the sweep %1 to open").arg(c.rest), [&s, before] { return s.sweepsOpened_ > before; });
             return true;
         }},
        {"try", 0, [](StudioScript& s, const Command& c, QString*) {
             s.window_.showPage(MainWindow::Page::TryIt);
             s.window_.tryIt()->setPrompt(c.rest);
             s.generated_ = false;
             s.window_.tryIt()->generate();
             return true;
         }},
        {"wait-generated", 0, [](StudioScript& s, const Command&, QString*) {
             TryItPanel* panel = s.window_.tryIt();
             s.waitFor(tr("generation"), [&s, panel] { return s.generated_ || !panel->isGenerating(); });
             return true;
         }},
        {"resize", 2, [](StudioScript& s, const Command& c, QString*) {
             s.window_.resize(c.args[0].toInt(), c.args[1].toInt());
             return true;
         }},
        {"wait", 1, [](StudioScript& s, const Command& c, QString* error) {
             double ms = 0;
             if (!number(c, 0, &ms, error)) return false;
             const QDeadlineTimer until{qint64(ms)};
             s.waitFor(tr("%1 ms").arg(ms), [until] { return until.hasExpired(); });
             return true;
         }},
        {"timeout", 1, [](StudioScript& s, const Command& c, QString* error) {
             double seconds = 0;
             if (!number(c, 0, &seconds, error)) return false;
             s.timeoutSeconds_ = std::max(1, int(seconds));
             return true;
         }},
        {"screenshot", 1, [](StudioScript& s, const Command& c, QString* error) {
             QDir().mkpath(QFileInfo(c.rest).absolutePath());
             if (!s.window_.grab().save(c.rest)) {
                 *error = tr("cannot write %1").arg(c.rest);
                 return false;
             }
             s.say(tr("screenshot saved to %1").arg(c.rest));
             return true;
         }},
        {"quit", 0, [](StudioScript& s, const Command&, QString*) {
             // A run still training is stopped first (the script answers the question with yes); the window
             // closes once it has stopped.
             s.quitting_ = true;
             s.window_.close();
             s.waitFor(tr("the window to close"), [&s] { return !s.window_.isVisible(); });
             return true;
         }},
    };
    return table;
}

const StudioScript::CommandSpec* StudioScript::findCommand(const QString& name) {
    for (const CommandSpec& spec : commands())
        if (name == QLatin1String(spec.name)) return &spec;
    return nullptr;
}

}  // namespace l1ra::ui
