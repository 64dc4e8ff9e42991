#pragma once
// Where the studio keeps runs and looks for demo material.
//   runs root:  $L1RA_RUNS_DIR, else the "paths/runsRoot" setting, else Documents/L1RA Studio/runs
//   demo folder: --demo-dir, else $L1RA_DEMO_DIR, else AppDataLocation/demo (holding demo-run.json)
#include <QDateTime>
#include <QString>

namespace l1ra::ui {

QString defaultRunsRoot();
QString runsRoot();
void setRunsRootSetting(const QString& folder);   // empty = back to the default

// A new folder name under `root` for a run started at `time`: "2025-11-27_213012[_name]", with "-2", "-3", ...
// appended when taken. The folder itself is not created (the engine creates it).
QString newRunFolder(const QString& root, const QString& runName, const QDateTime& time = QDateTime::currentDateTime());

QString demoDir(const QString& commandLineValue = QString());
QString demoRunConfigPath(const QString& demoFolder);

// A run folder, or an exported adapter folder that carries its run record in l1ra_run/: the folder whose
// record loadRunRecord can read; empty when `dir` is neither.
QString runRecordFolder(const QString& dir);

}  // namespace l1ra::ui
