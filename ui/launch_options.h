#pragma once
// The studio's command line:
//   l1ra-studio [RUN_FOLDER] [--run-config FILE] [--demo-dir DIR] [--runs-dir DIR] [--script FILE]
// RUN_FOLDER opens a run (or an exported adapter) in the explorer; --run-config preloads the setup page;
// --demo-dir says where `l1ra demo prepare` put demo-run.json (default: $L1RA_DEMO_DIR or AppDataLocation/demo);
// --script runs a scripted session (docs/studio.md), e.g. for screenshots under xvfb-run.
#include <QString>
#include <QStringList>

namespace l1ra::ui {

struct LaunchOptions {
    QString runFolder;
    QString runConfig;
    QString demoDir;     // resolved (never empty)
    QString runsDir;     // empty = the usual runs root
    QString script;
    QString error;       // a bad command line: shown, and the studio exits with status 2
    bool helpShown = false;
};

// `arguments` as QCoreApplication::arguments() (program name first). Prints --help / --version itself.
LaunchOptions parseLaunchOptions(const QStringList& arguments);

}  // namespace l1ra::ui
