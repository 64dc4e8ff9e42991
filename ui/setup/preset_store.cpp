#include "setup/preset_store.h"

#include "setup/config_field_editor.h"
#include "shell/studio_resources.h"

#include "l1ra/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>

namespace l1ra::ui {

namespace {

const QString kBuiltInFolder = QStringLiteral(":/presets");

// {"train": {"lr": 1}} and {"train.lr": 1} both name "train.lr".
QStringList flatKeys(const QJsonObject& config) {
    QStringList keys;
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (it.value().isObject()) {
            const QJsonObject inner = it.value().toObject();
            for (auto in = inner.begin(); in != inner.end(); ++in) keys << it.key() + QLatin1Char('.') + in.key();
        } else {
            keys << it.key();
        }
    }
    return keys;
}

}  // namespace

PresetStore::PresetStore(const QString& userFolder) : userFolder_(userFolder.isEmpty() ? defaultUserFolder() : userFolder) {
    ensureStudioResources();
    reload();
}

QString PresetStore::defaultUserFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/presets");
}

QStringList PresetStore::savedKeys() {
    QStringList keys;
    for (const auto& field : l1ra::runConfigFields()) {
        if (field.kind == l1ra::FieldKind::Path || field.key == "name") continue;
        keys << QString::fromStdString(field.key);
    }
    return keys;
}

bool PresetStore::parse(const QByteArray& json, const QString& source, Preset* preset, QString* error) {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QStringLiteral("%1: not valid JSON: %2").arg(source, parseError.errorString()));
    const QJsonObject root = doc.object();
    const QString name = root.value(QStringLiteral("name")).toString().trimmed();
    if (name.isEmpty()) return fail(QStringLiteral("%1: 'name' is missing or empty").arg(source));
    if (!root.value(QStringLiteral("config")).isObject()) return fail(QStringLiteral("%1: 'config' must be an object").arg(source));
    const QJsonObject config = root.value(QStringLiteral("config")).toObject();
    Preset p;
    p.name = name;
    p.description = root.value(QStringLiteral("description")).toString();
    p.keys = flatKeys(config);
    try {
        // The engine's parser checks names, types and ranges and names the bad key.
        p.values = l1ra::parseRunConfig(QJsonDocument(config).toJson(QJsonDocument::Compact).toStdString(), source.toStdString());
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    *preset = p;
    return true;
}

QByteArray PresetStore::toJson(const Preset& preset) {
    QJsonObject config;
    for (const QString& key : preset.keys) {
        const QVariant value = parseJsonValue(QString::fromStdString(l1ra::runConfigValue(preset.values, key.toStdString())));
        const int dot = key.indexOf(QLatin1Char('.'));
        if (dot < 0) {
            config.insert(key, QJsonValue::fromVariant(value));
        } else {
            QJsonObject section = config.value(key.left(dot)).toObject();
            section.insert(key.mid(dot + 1), QJsonValue::fromVariant(value));
            config.insert(key.left(dot), section);
        }
    }
    QJsonObject root;
    root.insert(QStringLiteral("name"), preset.name);
    if (!preset.description.isEmpty()) root.insert(QStringLiteral("description"), preset.description);
    root.insert(QStringLiteral("config"), config);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

void PresetStore::reload() {
    presets_.clear();
    problems_.clear();
    auto readFolder = [this](const QString& folder, bool builtIn) {
        std::vector<Preset> found;
        const QDir dir(folder);
        for (const QString& file : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
            const QString path = dir.filePath(file);
            QFile in(path);
            Preset preset;
            QString error;
            if (!in.open(QIODevice::ReadOnly)) {
                problems_ << QStringLiteral("%1: %2").arg(path, in.errorString());
                continue;
            }
            if (!parse(in.readAll(), path, &preset, &error)) {
                problems_ << error;
                continue;
            }
            preset.builtIn = builtIn;
            preset.filePath = path;
            found.push_back(preset);
        }
        return found;
    };
    // Built-ins keep their file order (numbered files); user presets follow, sorted by name.
    presets_ = readFolder(kBuiltInFolder, true);
    std::vector<Preset> user = readFolder(userFolder_, false);
    std::sort(user.begin(), user.end(), [](const Preset& a, const Preset& b) { return a.name.localeAwareCompare(b.name) < 0; });
    for (Preset& preset : user) {
        if (find(preset.name)) {
            problems_ << QStringLiteral("%1: the name '%2' is already taken").arg(preset.filePath, preset.name);
            continue;
        }
        presets_.push_back(preset);
    }
}

QStringList PresetStore::names() const {
    QStringList names;
    for (const Preset& preset : presets_) names << preset.name;
    return names;
}

const Preset* PresetStore::find(const QString& name) const {
    for (const Preset& preset : presets_)
        if (preset.name == name) return &preset;
    return nullptr;
}

l1ra::RunConfig PresetStore::apply(const Preset& preset, l1ra::RunConfig config) {
    for (const QString& key : preset.keys) {
        const std::string k = key.toStdString();
        l1ra::setRunConfigValue(config, k, l1ra::runConfigValue(preset.values, k));
    }
    return config;
}

QString PresetStore::fileNameFor(const QString& name) const {
    // A readable, portable file name; the preset's real name lives inside the file.
    QString stem;
    for (const QChar c : name.toLower()) stem += c.isLetterOrNumber() && c.unicode() < 128 ? c : QLatin1Char('-');
    while (stem.contains(QStringLiteral("--"))) stem.replace(QStringLiteral("--"), QStringLiteral("-"));
    stem = stem.mid(stem.startsWith(QLatin1Char('-')) ? 1 : 0);
    if (stem.endsWith(QLatin1Char('-'))) stem.chop(1);
    if (stem.isEmpty()) stem = QStringLiteral("preset");
    const QDir dir(userFolder_);
    QString file = stem + QStringLiteral(".json");
    for (int n = 2; QFileInfo::exists(dir.filePath(file)); ++n) file = QStringLiteral("%1-%2.json").arg(stem).arg(n);
    return dir.filePath(file);
}

bool PresetStore::saveUserPreset(const QString& name, const QString& description, const l1ra::RunConfig& config, QString* error) {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty()) return fail(QObject::tr("A preset needs a name."));
    const Preset* existing = find(trimmed);
    if (existing && existing->builtIn) return fail(QObject::tr("'%1' is a built-in preset; choose another name.").arg(trimmed));
    if (!QDir().mkpath(userFolder_)) return fail(QObject::tr("Cannot create the preset folder %1.").arg(userFolder_));

    Preset preset;
    preset.name = trimmed;
    preset.description = description;
    preset.keys = savedKeys();
    preset.values = config;
    // Replacing a user preset rewrites its own file.
    const QString path = existing ? existing->filePath : fileNameFor(trimmed);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(toJson(preset)) < 0 || !out.commit())
        return fail(QObject::tr("Cannot write %1: %2").arg(path, out.errorString()));
    reload();
    return true;
}

bool PresetStore::removeUserPreset(const QString& name, QString* error) {
    auto fail = [&](const QString& why) {
        if (error) *error = why;
        return false;
    };
    const Preset* preset = find(name);
    if (!preset) return fail(QObject::tr("There is no preset named '%1'.").arg(name));
    if (preset->builtIn) return fail(QObject::tr("'%1' is built in and cannot be deleted.").arg(name));
    if (!QFile::remove(preset->filePath)) return fail(QObject::tr("Cannot delete %1.").arg(preset->filePath));
    reload();
    return true;
}

}  // namespace l1ra::ui
