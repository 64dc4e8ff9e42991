#include "shell/launch_options.h"

#include "shell/studio_paths.h"

#include "l1ra/version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cstdio>

namespace l1ra::ui {

namespace {

bool isModelFolder(const QString& folder) {
    const QDir dir(folder);
    return QFileInfo::exists(dir.filePath(QStringLiteral("model.safetensors"))) ||
           QFileInfo::exists(dir.filePath(QStringLiteral("model.safetensors.index.json")));
}

}  // namespace

void assignLaunchPath(const QString& path, LaunchOptions& options) {
    const QFileInfo info(path);
    if (!info.isFile()) {
        options.runFolder = path;   // a folder, or nothing: the explorer says what it found there
        return;
    }
    const QString folder = info.absolutePath();
    if (!runRecordFolder(folder).isEmpty()) {
        options.runFolder = folder;
    } else if (info.fileName() == QLatin1String("config.json") && isModelFolder(folder)) {
        options.model = folder;
    } else if (!options.runConfig.isEmpty()) {
        options.error = QCoreApplication::translate("launch", "two run configs given: %1 and %2").arg(options.runConfig, path);
    } else {
        options.runConfig = info.absoluteFilePath();
    }
}

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
    const QCommandLineOption attach(QStringLiteral("attach"),
                                    QCoreApplication::translate("launch", "Follow and steer a run another process trains (headless or data-parallel l1ra train)."),
                                    QStringLiteral("RUN"));
    parser.addOptions({runConfig, demoDir, runsDir, attach, script});
    parser.addPositionalArgument(QStringLiteral("path"),
                                 QCoreApplication::translate("launch", "A run folder or exported adapter to open, a run folder's or model "
                                                                       "folder's config.json, or a run config file."),
                                 QStringLiteral("[PATH]"));

    LaunchOptions options;
    if (!parser.parse(arguments)) {
        options.error = parser.errorText();
        return options;
    }
    if (parser.isSet(help) || parser.isSet(version)) {
        options.helpShown = true;
        std::fputs(parser.isSet(help) ? qPrintable(parser.helpText()) : l1ra::versionReport("l1ra-studio").c_str(), stdout);
        return options;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        options.error = QCoreApplication::translate("launch", "one path at most, got: %1").arg(positional.join(QLatin1Char(' ')));
        return options;
    }
    options.runConfig = parser.value(runConfig);
    if (!positional.isEmpty()) assignLaunchPath(positional.first(), options);
    options.demoDir = ui::demoDir(parser.value(demoDir));
    options.runsDir = parser.value(runsDir);
    options.script = parser.value(script);
    options.attach = parser.value(attach);
    return options;
}

}  // namespace l1ra::ui
