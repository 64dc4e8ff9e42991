#pragma once
// A scripted session: drives the main window from a small text file, one command per line, through the same
// actions a user triggers (file dialogs and confirmations are answered by the script). Used for the screenshot
// in docs/images/ and for smoke tests under xvfb-run. Commands (docs/studio.md has the list):
//   echo TEXT | config FILE | set KEY JSON | runs-dir DIR | start | pause | resume | stop | checkpoint
//   wait-state STATE | wait-step N | wait-finished | lambda X | budget N | wait-applied lambda|budget
//   export adapter|merged|metrics|ranks|heatmap PATH | open-run DIR | page setup|training|runs|compare|try
//   timeline INDEX|end | compare-newest | try PROMPT | wait-generated | resize W H | wait MS | timeout SECONDS
//   screenshot FILE | quit
// A failing command or an error dialog ends the session with exit status 1.
#include <QDeadlineTimer>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

class QTimer;

namespace l1ra::ui {

class MainWindow;

class StudioScript : public QObject {
    Q_OBJECT
public:
    explicit StudioScript(MainWindow& window, QObject* parent = nullptr);

    bool load(const QString& path, QString* error = nullptr);
    bool setText(const QString& text, QString* error = nullptr);
    void start();
    // Whether `quit` (or a failure) also ends the application's event loop; tests turn it off.
    void setExitApplication(bool exit) { exitApplication_ = exit; }

    bool isFinished() const { return finished_; }
    int exitCode() const { return exitCode_; }
    QString failure() const { return failure_; }

    // One line of a script.
    struct Command {
        int line = 0;
        QString name;
        QStringList args;
        QString rest;   // everything after the name, for free text
    };

Q_SIGNALS:
    void finished(int exitCode);

private:
    // One command of the language (studio_script_commands.cpp): its name, how many arguments it needs at least,
    // and what it does; false with `error` set when it fails.
    struct CommandSpec {
        const char* name;
        int minArgs;
        bool (*run)(StudioScript& script, const Command& command, QString* error);
    };
    static const std::vector<CommandSpec>& commands();
    static const CommandSpec* findCommand(const QString& name);

    void step();
    bool execute(const Command& command, QString* error);
    void waitFor(const QString& what, std::function<bool()> condition);
    void poll();
    void fail(const QString& message);
    void finish(int exitCode);
    void say(const QString& text);

    MainWindow& window_;
    std::vector<Command> commands_;
    std::size_t next_ = 0;
    QTimer* poll_ = nullptr;
    std::function<bool()> waitCondition_;
    QString waitWhat_;
    QDeadlineTimer deadline_;
    int timeoutSeconds_ = 600;
    QString answerPath_;      // what the next file dialog "chooses"
    QStringList errors_;      // error dialogs the window tried to show
    int exportResults_ = 0;   // exportFinished signals seen
    bool lastExportOk_ = false;
    int openedRuns_ = 0;
    int failedOpens_ = 0;
    bool generated_ = false;
    int compared_ = 0;
    int sweepsOpened_ = 0;
    bool quitting_ = false;
    bool exitApplication_ = true;
    bool finished_ = false;
    int exitCode_ = 0;
    QString failure_;
};

}  // namespace l1ra::ui
