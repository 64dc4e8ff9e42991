#include "shell/studio_app.h"

#include "shell/background_job.h"
#include "shell/gui_stall_watchdog.h"
#include "shell/launch_options.h"
#include "shell/log_pane.h"
#include "shell/main_window.h"
#include "shell/studio_paths.h"
#include "shell/studio_script.h"
#include "shell/studio_theme.h"
#include "setup/run_config_form.h"
#include "live/training_controller.h"

#include "l1ra/demo.h"
#include "l1ra/run_config.h"
#include "l1ra/version.h"

#include <QApplication>
#include <QFileInfo>

#include <cstdio>
#include <memory>

namespace l1ra::ui {

void setApplicationNames() {
    QCoreApplication::setOrganizationName(QStringLiteral("L1RA"));
    QCoreApplication::setApplicationName(QStringLiteral("L1RA Studio"));
    QCoreApplication::setApplicationVersion(QString::fromStdString(l1ra::projectVersion()));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.l1ra.Studio"));   // packaging/linux/org.l1ra.Studio.desktop
}

namespace {

void announceDemo(MainWindow& window, const QString& runConfig) {
    window.logPane()->appendMessage(LogPane::Level::Info,
                                    QObject::tr("The demo run is set up (%1): press Start (Ctrl+R) to train it.").arg(runConfig));
}

// The first launch without `l1ra demo prepare`: build the demo folder off the GUI thread, then select it.
void prepareDemoInBackground(MainWindow& window, const QString& folder) {
    auto* job = new BackgroundJob(&window);
    const std::string untouched = l1ra::runConfigToJson(window.runConfigForm()->config());
    window.logPane()->appendMessage(LogPane::Level::Info, QObject::tr("Preparing the demo in %1\u2026").arg(folder));
    job->start([dir = folder.toStdString()] { l1ra::prepareDemo(dir); },
               [&window, job, folder, untouched](const QString& error) {
                   job->deleteLater();
                   if (!error.isEmpty()) {
                       window.logPane()->appendMessage(LogPane::Level::Error, QObject::tr("The demo could not be prepared: %1").arg(error));
                       return;
                   }
                   const QString demo = demoRunConfigPath(folder);
                   // The user may have started filling in a run meanwhile: then the demo only waits in its folder.
                   if (window.controller()->isActive() || l1ra::runConfigToJson(window.runConfigForm()->config()) != untouched) {
                       window.logPane()->appendMessage(LogPane::Level::Info, QObject::tr("The demo is ready: File \u2192 Open run config\u2026 %1").arg(demo));
                       return;
                   }
                   if (window.loadRunConfigFile(demo)) announceDemo(window, demo);
               });
}

}  // namespace

QString applyLaunchOptions(MainWindow& window, const LaunchOptions& options) {
    if (!options.runsDir.isEmpty()) window.setRunsRoot(options.runsDir);
    QString used = QStringLiteral("defaults");
    if (!options.runConfig.isEmpty()) {
        if (window.loadRunConfigFile(options.runConfig)) used = QStringLiteral("run-config");
    } else if (window.restoreLastConfig()) {
        used = QStringLiteral("last");
    } else {
        const QString demo = demoRunConfigPath(options.demoDir);
        if (QFileInfo::exists(demo) && window.loadRunConfigFile(demo)) {
            used = QStringLiteral("demo");
            announceDemo(window, demo);
        } else if (!QFileInfo::exists(demo) && !options.demoDir.isEmpty() && !l1ra::findShippedDemoModel().empty()) {
            prepareDemoInBackground(window, options.demoDir);
            used = QStringLiteral("demo-preparing");
        }
    }
    if (!options.model.isEmpty()) window.runConfigForm()->setModelPath(options.model);
    if (!options.runFolder.isEmpty()) window.openRun(options.runFolder);
    if (!options.attach.isEmpty()) window.attachToRun(options.attach);   // refused: the error is shown, the studio stays
    return used;
}

int runStudio(int argc, char** argv) {
    QApplication app(argc, argv);
    setApplicationNames();
    const LaunchOptions options = parseLaunchOptions(QCoreApplication::arguments());
    if (options.helpShown) return 0;
    if (!options.error.isEmpty()) {
        std::fprintf(stderr, "l1ra-studio: %s\n", qPrintable(options.error));
        return 2;
    }
    applyStudioTheme(app);
    installDebugGuiWatchdog(&app);
    MainWindow window;
    applyLaunchOptions(window, options);
    window.show();
    std::unique_ptr<StudioScript> script;
    if (!options.script.isEmpty()) {
        script = std::make_unique<StudioScript>(window);
        QString error;
        if (!script->load(options.script, &error)) {
            std::fprintf(stderr, "l1ra-studio: %s\n", qPrintable(error));
            return 2;
        }
        script->start();
    }
    return app.exec();
}

}  // namespace l1ra::ui
