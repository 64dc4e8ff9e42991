#pragma once
// Named partial run configs: built-in ones shipped in the resources (:/presets/*.json) and the user's own, saved
// as JSON files under QStandardPaths::AppDataLocation/presets/. A preset sets only the keys it names; applying it
// leaves every other field (the model and data paths, say) as it is.
//
// File format: {"name": "...", "description": "...", "config": { run config subset, nested or flat }}
#include "l1ra/run_config.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace l1ra::ui {

struct Preset {
    QString name;
    QString description;
    bool builtIn = false;
    QString filePath;
    QStringList keys;        // the run config keys this preset sets, e.g. "train.lr"
    l1ra::RunConfig values;  // parsed and checked like any run config; only `keys` are used
};

class PresetStore {
public:
    // An empty folder means defaultUserFolder().
    explicit PresetStore(const QString& userFolder = QString());

    static QString defaultUserFolder();
    // The keys a preset saved from a form holds: every field except the files (model, data) and the run's name.
    static QStringList savedKeys();

    void reload();
    const std::vector<Preset>& presets() const { return presets_; }
    QStringList names() const;
    const Preset* find(const QString& name) const;
    QString userFolder() const { return userFolder_; }
    // Files in the user folder that could not be read, with the reason (shown once, not fatal).
    const QStringList& problems() const { return problems_; }

    // Throws l1ra::Error (from the engine's checks) only for a preset that was edited into something invalid.
    static l1ra::RunConfig apply(const Preset& preset, l1ra::RunConfig config);
    // Parses a preset file's content; errors name `source` and the bad key.
    static bool parse(const QByteArray& json, const QString& source, Preset* preset, QString* error);
    static QByteArray toJson(const Preset& preset);

    // Saves (or replaces) a user preset holding savedKeys() of `config`. Built-in names are refused.
    bool saveUserPreset(const QString& name, const QString& description, const l1ra::RunConfig& config, QString* error = nullptr);
    bool removeUserPreset(const QString& name, QString* error = nullptr);

private:
    QString fileNameFor(const QString& name) const;

    QString userFolder_;
    std::vector<Preset> presets_;
    QStringList problems_;
};

}  // namespace l1ra::ui
