#pragma once
// The studio's start-up, kept out of app/studio_main.cpp so tests can drive it: the application object's
// names, the theme, the command line, what the setup page starts with, an optional scripted session.
#include <QString>

namespace l1ra::ui {

class MainWindow;
struct LaunchOptions;

// What the setup page starts with, first match wins: --run-config FILE; the config of the last run started
// (settings); the demo's demo-run.json when the demo folder has one; otherwise the form's defaults.
// Returns what was used: "run-config", "last", "demo" or "defaults". With the defaults, when the demo folder
// is missing but the base model ships beside the studio, the demo is prepared in the background (a few
// seconds) and loaded when ready unless the user has edited the form meanwhile: "demo-preparing".
QString applyLaunchOptions(MainWindow& window, const LaunchOptions& options);

void setApplicationNames();

// The whole studio: returns the application's exit status.
int runStudio(int argc, char** argv);

}  // namespace l1ra::ui
