#pragma once
// One editor per run-config field, chosen by the field's kind (spin box, check box, combo box, path, …).
// Values travel as JSON text, the same text l1ra::runConfigValue writes and l1ra::setRunConfigValue reads.
#include "l1ra/run_config.h"

#include <QObject>
#include <QString>

class QWidget;

namespace l1ra::ui {

class ConfigFieldEditor : public QObject {
    Q_OBJECT
public:
    ConfigFieldEditor(const l1ra::RunConfigField& field, QObject* parent);

    const l1ra::RunConfigField& field() const { return field_; }
    QString key() const { return QString::fromStdString(field_.key); }

    virtual QWidget* widget() const = 0;
    virtual QString valueJson() const = 0;
    // Shows a value without emitting changed(); text it cannot show is ignored.
    virtual void setValueJson(const QString& json) = 0;

Q_SIGNALS:
    // The user changed the value (programmatic setValueJson does not emit).
    void changed();

protected:
    l1ra::RunConfigField field_;
};

ConfigFieldEditor* createFieldEditor(const l1ra::RunConfigField& field, QWidget* parent);

// JSON text helpers shared by the editors, the form and the presets.
QString jsonString(const QString& text);        // "a\"b" with quotes and escapes
QString jsonStringList(const QStringList& items);
// The single JSON value in `json` as a QVariant (string, double, bool, list); invalid when it is not JSON.
QVariant parseJsonValue(const QString& json);

}  // namespace l1ra::ui
