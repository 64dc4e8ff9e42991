#include "shell/studio_settings.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace l1ra::ui::settings {

QStringList recentRuns() {
    QStringList runs;
    for (const QString& dir : QSettings().value(QStringLiteral("runs/recent")).toStringList())
        if (QFileInfo(dir).isDir()) runs << dir;
    return runs;
}

void addRecentRun(const QString& dir) {
    const QString clean = QDir::cleanPath(dir);
    QStringList runs = QSettings().value(QStringLiteral("runs/recent")).toStringList();
    runs.removeAll(clean);
    runs.prepend(clean);
    while (runs.size() > kMaximumRecentRuns) runs.removeLast();
    QSettings().setValue(QStringLiteral("runs/recent"), runs);
}

void clearRecentRuns() { QSettings().remove(QStringLiteral("runs/recent")); }

QString lastConfigJson() { return QSettings().value(QStringLiteral("setup/lastConfig")).toString(); }

void setLastConfigJson(const QString& json) { QSettings().setValue(QStringLiteral("setup/lastConfig"), json); }

QString theme() {
    const QString value = QSettings().value(QStringLiteral("appearance/theme"), QStringLiteral("auto")).toString();
    return value == QLatin1String("dark") || value == QLatin1String("light") ? value : QStringLiteral("auto");
}

void setTheme(const QString& theme) { QSettings().setValue(QStringLiteral("appearance/theme"), theme); }

QByteArray windowGeometry() { return QSettings().value(QStringLiteral("window/geometry")).toByteArray(); }

QByteArray windowState() { return QSettings().value(QStringLiteral("window/state")).toByteArray(); }

QByteArray trainingPageState() { return QSettings().value(QStringLiteral("window/trainingPageState")).toByteArray(); }

void setWindowLayout(const QByteArray& geometry, const QByteArray& state, const QByteArray& trainingPageState) {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), geometry);
    settings.setValue(QStringLiteral("window/state"), state);
    settings.setValue(QStringLiteral("window/trainingPageState"), trainingPageState);
}

}  // namespace l1ra::ui::settings
