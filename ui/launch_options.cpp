#include "launch_options.h"

#include "studio_paths.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

namespace l1ra::ui {

LaunchOptions parseLaunchOptions(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("launch", "Fine-tune LLaMA models with L1RA and watch the rank move."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption runConfig(QStringLiteral("run-config"), QCoreApplication::translate("launch", "Preload the setup page from a run-config JSON file."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption demoDir(QStringLiteral("demo-dir"),
                                     QCoreApplication::translate("launch", "Folder prepared by `l1ra demo prepare` (holds demo-run.json)."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption runsDir(QStringLiteral("runs-dir"), QCoreApplication::translate("launch", "Keep runs under DIR for this session."),
                                     QStringLiteral("DIR"));
    const QCommandLineOption script(QStringLiteral("script"), QCoreApplication::translate("launch", "Run a scripted session (see docs/studio.md)."),
                                    QStringLiteral("FILE"));
    parser.addOptions({runConfig, demoDir, runsDir, script});
    parser.addPositionalArgument(QStringLiteral("run"), QCoreApplication::translate("launch", "A run folder or exported adapter to open."),
                                 QStringLiteral("[RUN_FOLDER]"));

    LaunchOptions options;
    if (!parser.parse(arguments)) {
        options.error = parser.errorText();
        return options;
    }
    if (parser.isSet(help) || parser.isSet(version)) {
        options.helpShown = true;
        std::fputs(qPrintable(parser.isSet(help) ? parser.helpText()
                                                 : QCoreApplication::applicationName() + QLatin1Char(' ') + QCoreApplication::applicationVersion() + QLatin1Char('\n')),
                   stdout);
        return options;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        options.error = QCoreApplication::translate("launch", "one run folder at most, got: %1").arg(positional.join(QLatin1Char(' ')));
        return options;
    }
    if (!positional.isEmpty()) options.runFolder = positional.first();
    options.runConfig = parser.value(runConfig);
    options.demoDir = ui::demoDir(parser.value(demoDir));
    options.runsDir = parser.value(runsDir);
    options.script = parser.value(script);
    return options;
}

}  // namespace l1ra::ui
