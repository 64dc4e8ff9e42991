#pragma once
// The studio's command line:
//   l1ra-studio [PATH] [--run-config FILE] [--demo-dir DIR] [--runs-dir DIR] [--attach RUN] [--script FILE]
// PATH (also what a file manager passes through the .desktop entry): a run folder or exported adapter, or a run
// folder's config.json, opens the run in the explorer; a model folder's config.json chooses that model; any other
// file is a run config; --run-config preloads the setup page;
// --demo-dir says where `l1ra demo prepare` put demo-run.json (default: $L1RA_DEMO_DIR or AppDataLocation/demo);
// --attach follows a run another process trains (headless or data-parallel `l1ra train`) in the live view;
// --script runs a scripted session (docs/studio.md), e.g. for screenshots under xvfb-run.
#include <QString>
#include <QStringList>

namespace l1ra::ui {

struct LaunchOptions {
    QString runFolder;
    QString runConfig;
    QString model;       // a model folder for the setup page (PATH was its config.json)
    QString demoDir;     // resolved (never empty)
    QString runsDir;     // empty = the usual runs root
    QString script;
    QString attach;      // a run folder to follow from the start
    QString error;       // a bad command line: shown, and the studio exits with status 2
    bool helpShown = false;
};

// `arguments` as QCoreApplication::arguments() (program name first). Prints --help / --version itself.
LaunchOptions parseLaunchOptions(const QStringList& arguments);

// Sorts PATH into runFolder, model or runConfig (see above); a second run config is an error.
void assignLaunchPath(const QString& path, LaunchOptions& options);

}  // namespace l1ra::ui
