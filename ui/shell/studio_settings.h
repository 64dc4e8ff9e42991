#pragma once
// What the studio remembers between sessions (QSettings, organisation "L1RA", application "L1RA Studio"):
// recent runs, the last run config on the setup page, the theme, window geometry and dock layout.
#include <QByteArray>
#include <QString>
#include <QStringList>

namespace l1ra::ui::settings {

constexpr int kMaximumRecentRuns = 10;

QStringList recentRuns();                 // newest first; folders that no longer exist are left out
void addRecentRun(const QString& dir);
void clearRecentRuns();

QString lastConfigJson();                 // empty when the user never started or saved a run config
void setLastConfigJson(const QString& json);

QString theme();                          // "auto" (default), "dark" or "light"
void setTheme(const QString& theme);

QByteArray windowGeometry();
QByteArray windowState();
QByteArray trainingPageState();           // the live docks on the Training page
void setWindowLayout(const QByteArray& geometry, const QByteArray& state, const QByteArray& trainingPageState);

}  // namespace l1ra::ui::settings
