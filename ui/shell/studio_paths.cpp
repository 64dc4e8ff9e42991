#include "shell/studio_paths.h"

#include "l1ra/run_tables.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

namespace l1ra::ui {

namespace {

const char kRunsRootKey[] = "paths/runsRoot";

// Folder names stay portable and shell-friendly: letters, digits, '-' and '_' only.
QString slug(const QString& text) {
    QString s = text.trimmed().toLower();
    s.replace(QRegularExpression(QStringLiteral("[^a-z0-9_-]+")), QStringLiteral("-"));
    s.remove(QRegularExpression(QStringLiteral("^-+|-+$")));
    return s.left(40);
}

}  // namespace

QString defaultRunsRoot() {
    return QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/L1RA Studio/runs");
}

QString runsRoot() {
    const QString env = qEnvironmentVariable("L1RA_RUNS_DIR");
    if (!env.isEmpty()) return QDir::cleanPath(env);
    const QString setting = QSettings().value(QLatin1String(kRunsRootKey)).toString();
    return setting.isEmpty() ? defaultRunsRoot() : QDir::cleanPath(setting);
}

void setRunsRootSetting(const QString& folder) {
    QSettings settings;
    if (folder.isEmpty()) settings.remove(QLatin1String(kRunsRootKey));
    else settings.setValue(QLatin1String(kRunsRootKey), folder);
}

QString newRunFolder(const QString& root, const QString& runName, const QDateTime& time) {
    QString base = time.toString(QStringLiteral("yyyy-MM-dd_HHmmss"));
    const QString name = slug(runName);
    if (!name.isEmpty()) base += QLatin1Char('_') + name;
    QString candidate = QDir(root).filePath(base);
    for (int n = 2; QFileInfo::exists(candidate); ++n) candidate = QDir(root).filePath(base + QStringLiteral("-%1").arg(n));
    return candidate;
}

QString demoDir(const QString& commandLineValue) {
    if (!commandLineValue.isEmpty()) return QDir::cleanPath(commandLineValue);
    const QString env = qEnvironmentVariable("L1RA_DEMO_DIR");
    if (!env.isEmpty()) return QDir::cleanPath(env);
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
}

QString demoRunConfigPath(const QString& demoFolder) { return QDir(demoFolder).filePath(QStringLiteral("demo-run.json")); }

QString runRecordFolder(const QString& dir) {
    if (dir.isEmpty()) return {};
    return QString::fromStdString(l1ra::runRecordFolder(QDir::cleanPath(dir).toStdString()));
}

}  // namespace l1ra::ui
