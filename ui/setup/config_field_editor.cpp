#include "setup/config_field_editor.h"

#include "setup/cached_model_button.h"
#include "setup/path_field.h"
#include "widgets/real_spin_box.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QSpinBox>

#include <climits>
#include <cmath>

namespace l1ra::ui {

QString jsonString(const QString& text) {
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

QString jsonStringList(const QStringList& items) {
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(items)).toJson(QJsonDocument::Compact));
}

QVariant parseJsonValue(const QString& json) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QStringLiteral("[%1]").arg(json).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || doc.array().size() != 1) return {};
    return doc.array().first().toVariant();
}

ConfigFieldEditor::ConfigFieldEditor(const l1ra::RunConfigField& field, QObject* parent) : QObject(parent), field_(field) {}

namespace {

// "…; 0 = 5 % of train.steps." -> "5 % of train.steps": what the special value of a spin box means.
QString specialMeaning(const std::string& help, const QString& marker) {
    const QString text = QString::fromStdString(help);
    const int at = text.indexOf(marker);
    if (at < 0) return {};
    QString meaning = text.mid(at + marker.size());
    // Stop at the sentence end, not at the dot inside "train.steps" or "1e-6".
    for (int dot = meaning.indexOf(QLatin1Char('.')); dot >= 0; dot = meaning.indexOf(QLatin1Char('.'), dot + 1)) {
        if (dot + 1 >= meaning.size() || meaning.at(dot + 1).isSpace()) {
            meaning = meaning.left(dot);
            break;
        }
    }
    return meaning.trimmed();
}

class IntegerEditor : public ConfigFieldEditor {
public:
    IntegerEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent), spin_(new QSpinBox(parent)) {
        spin_->setRange(int(std::max<double>(field.min, INT_MIN)), int(std::min<double>(field.max, INT_MAX)));
        spin_->setKeyboardTracking(false);
        spin_->setAccelerated(true);
        spin_->setGroupSeparatorShown(false);
        spin_->setMinimumWidth(110);
        if (field.min == 0) {
            const QString meaning = specialMeaning(field.help, QStringLiteral("0 = "));
            if (!meaning.isEmpty()) spin_->setSpecialValueText(QStringLiteral("0 (%1)").arg(meaning));
        }
        QObject::connect(spin_, &QSpinBox::valueChanged, this, &ConfigFieldEditor::changed);
    }
    QWidget* widget() const override { return spin_; }
    QString valueJson() const override { return QString::number(spin_->value()); }
    void setValueJson(const QString& json) override {
        bool ok = false;
        const qlonglong v = json.trimmed().toLongLong(&ok);
        if (!ok) return;
        const QSignalBlocker block(spin_);
        spin_->setValue(int(std::clamp<qlonglong>(v, spin_->minimum(), spin_->maximum())));
    }

private:
    QSpinBox* spin_;
};

// Unbounded integers (the seed is a uint64): digits in a line edit, exact beyond what a spin box holds.
class BigIntegerEditor : public ConfigFieldEditor {
public:
    BigIntegerEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent), edit_(new QLineEdit(parent)) {
        edit_->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,20}")), edit_));
        edit_->setMinimumWidth(110);
        edit_->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        QObject::connect(edit_, &QLineEdit::textEdited, this, &ConfigFieldEditor::changed);
    }
    QWidget* widget() const override { return edit_; }
    QString valueJson() const override { return edit_->text().isEmpty() ? QStringLiteral("0") : edit_->text(); }
    void setValueJson(const QString& json) override {
        const QSignalBlocker block(edit_);
        edit_->setText(json.trimmed());
    }

private:
    QLineEdit* edit_;
};

class RealEditor : public ConfigFieldEditor {
public:
    RealEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent), spin_(new RealSpinBox(parent)) {
        const bool bounded = field.min != 0 || field.max != 0;
        spin_->setRange(bounded ? field.min : -1e300, bounded ? field.max : 1e300);
        spin_->setLogarithmicSteps(field.logScale);
        spin_->setMinimumWidth(110);
        if (!field.logScale) {
            const double span = bounded ? field.max - field.min : 100;
            spin_->setSingleStep(span <= 1 ? 0.01 : span <= 10 ? 0.1 : 1);
        }
        if (field.min < 0) {
            const QString meaning = specialMeaning(field.help, QStringLiteral("negative = "));
            if (!meaning.isEmpty()) spin_->setSpecialValueText(QStringLiteral("auto (%1)").arg(meaning));
        }
        QObject::connect(spin_, &QDoubleSpinBox::valueChanged, this, &ConfigFieldEditor::changed);
    }
    QWidget* widget() const override { return spin_; }
    QString valueJson() const override {
        // Shortest text that reads back as the same double, and always a JSON number.
        return QString::number(spin_->value(), 'g', QLocale::FloatingPointShortest);
    }
    void setValueJson(const QString& json) override {
        bool ok = false;
        const double v = json.trimmed().toDouble(&ok);
        if (!ok) return;
        const QSignalBlocker block(spin_);
        spin_->setValue(v);
    }

private:
    RealSpinBox* spin_;
};

class BooleanEditor : public ConfigFieldEditor {
public:
    BooleanEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent), box_(new QCheckBox(parent)) {
        QObject::connect(box_, &QCheckBox::toggled, this, &ConfigFieldEditor::changed);
    }
    QWidget* widget() const override { return box_; }
    QString valueJson() const override { return box_->isChecked() ? QStringLiteral("true") : QStringLiteral("false"); }
    void setValueJson(const QString& json) override {
        const QString t = json.trimmed();
        if (t != QLatin1String("true") && t != QLatin1String("false")) return;
        const QSignalBlocker block(box_);
        box_->setChecked(t == QLatin1String("true"));
    }

private:
    QCheckBox* box_;
};

class TextEditor : public ConfigFieldEditor {
public:
    TextEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent), edit_(new QLineEdit(parent)) {
        QObject::connect(edit_, &QLineEdit::textEdited, this, &ConfigFieldEditor::changed);
    }
    QWidget* widget() const override { return edit_; }
    QString valueJson() const override { return jsonString(edit_->text()); }
    void setValueJson(const QString& json) override {
        const QVariant v = parseJsonValue(json);
        if (v.typeId() != QMetaType::QString) return;
        const QSignalBlocker block(edit_);
        edit_->setText(v.toString());
    }

private:
    QLineEdit* edit_;
};

class ChoiceEditor : public ConfigFieldEditor {
public:
    ChoiceEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent), combo_(new QComboBox(parent)) {
        for (const auto& choice : field.choices) combo_->addItem(QString::fromStdString(choice));
        QObject::connect(combo_, &QComboBox::currentIndexChanged, this, &ConfigFieldEditor::changed);
    }
    QWidget* widget() const override { return combo_; }
    QString valueJson() const override { return jsonString(combo_->currentText()); }
    void setValueJson(const QString& json) override {
        const int index = combo_->findText(parseJsonValue(json).toString());
        if (index < 0) return;
        const QSignalBlocker block(combo_);
        combo_->setCurrentIndex(index);
    }

private:
    QComboBox* combo_;
};

// adapter.targets: one check box per allowed name, in the schema's order.
class ListEditor : public ConfigFieldEditor {
public:
    ListEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent), box_(new QWidget(parent)) {
        auto* grid = new QGridLayout(box_);
        grid->setContentsMargins(0, 0, 0, 0);
        grid->setHorizontalSpacing(12);
        grid->setVerticalSpacing(2);
        const int columns = 4;
        for (std::size_t i = 0; i < field.choices.size(); ++i) {
            auto* check = new QCheckBox(QString::fromStdString(field.choices[i]), box_);
            check->setObjectName(QString::fromStdString(field.key + ":" + field.choices[i]));
            grid->addWidget(check, int(i) / columns, int(i) % columns);
            checks_.push_back(check);
            QObject::connect(check, &QCheckBox::toggled, this, &ConfigFieldEditor::changed);
        }
    }
    QWidget* widget() const override { return box_; }
    QString valueJson() const override {
        QStringList items;
        for (QCheckBox* check : checks_)
            if (check->isChecked()) items << check->text();
        return jsonStringList(items);
    }
    void setValueJson(const QString& json) override {
        const QVariant v = parseJsonValue(json);
        if (v.typeId() != QMetaType::QVariantList) return;
        const QStringList items = v.toStringList();
        for (QCheckBox* check : checks_) {
            const QSignalBlocker block(check);
            check->setChecked(items.contains(check->text()));
        }
    }

private:
    QWidget* box_;
    std::vector<QCheckBox*> checks_;
};

// Free texts (samples.prompts): one per line; empty lines are not texts.
class TextsEditor : public ConfigFieldEditor {
public:
    TextsEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent), edit_(new QPlainTextEdit(parent)) {
        edit_->setPlaceholderText(tr("One per line"));
        edit_->setTabChangesFocus(true);
        edit_->setMaximumHeight(edit_->fontMetrics().lineSpacing() * 5 + 12);
        QObject::connect(edit_, &QPlainTextEdit::textChanged, this, &ConfigFieldEditor::changed);
    }
    QWidget* widget() const override { return edit_; }
    QString valueJson() const override {
        QStringList items;
        for (const QString& line : edit_->toPlainText().split(QLatin1Char('\n')))
            if (!line.trimmed().isEmpty()) items << line;
        return jsonStringList(items);
    }
    void setValueJson(const QString& json) override {
        const QVariant v = parseJsonValue(json);
        if (v.typeId() != QMetaType::QVariantList) return;
        QStringList lines = v.toStringList();
        for (QString& line : lines) line.replace(QLatin1Char('\n'), QLatin1Char(' '));   // a line is one text
        const QSignalBlocker block(edit_);
        edit_->setPlainText(lines.join(QLatin1Char('\n')));
    }

private:
    QPlainTextEdit* edit_;
};

class PathEditor : public ConfigFieldEditor {
public:
    PathEditor(const l1ra::RunConfigField& field, QWidget* parent) : ConfigFieldEditor(field, parent) {
        const bool folder = field.key == "model";
        field_ = field;
        path_ = new PathField(folder ? PathField::Kind::Directory : PathField::Kind::File,
                              folder ? tr("Choose a model folder") : tr("Choose a data file"),
                              folder ? QString() : tr("Training data (*.jsonl *.json *.txt);;All files (*)"), parent);
        path_->setPlaceholder(folder ? tr("Hugging Face model folder or cache entry \u2014 browse, drop it here or pick a cached one")
                                     : tr(".jsonl or .txt \u2014 browse or drop it here"));
        QObject::connect(path_, &PathField::pathEdited, this, &ConfigFieldEditor::changed);
        if (folder) {
            auto* cached = new CachedModelButton;
            path_->addButton(cached);
            QObject::connect(cached, &CachedModelButton::modelChosen, path_, &PathField::choose);
        }
    }
    QWidget* widget() const override { return path_; }
    QString valueJson() const override { return jsonString(path_->path()); }
    void setValueJson(const QString& json) override {
        const QVariant v = parseJsonValue(json);
        if (v.typeId() != QMetaType::QString) return;
        path_->setPath(v.toString());
    }

private:
    PathField* path_ = nullptr;
};

}  // namespace

ConfigFieldEditor* createFieldEditor(const l1ra::RunConfigField& field, QWidget* parent) {
    ConfigFieldEditor* editor = nullptr;
    switch (field.kind) {
        case l1ra::FieldKind::Integer:
            if (field.min == 0 && field.max == 0) editor = new BigIntegerEditor(field, parent);
            else editor = new IntegerEditor(field, parent);
            break;
        case l1ra::FieldKind::Real: editor = new RealEditor(field, parent); break;
        case l1ra::FieldKind::Boolean: editor = new BooleanEditor(field, parent); break;
        case l1ra::FieldKind::Text: editor = new TextEditor(field, parent); break;
        case l1ra::FieldKind::Choice: editor = new ChoiceEditor(field, parent); break;
        case l1ra::FieldKind::TextList: editor = new ListEditor(field, parent); break;
        case l1ra::FieldKind::Texts: editor = new TextsEditor(field, parent); break;
        case l1ra::FieldKind::Path: editor = new PathEditor(field, parent); break;
    }
    editor->widget()->setObjectName(QString::fromStdString(field.key));
    editor->setValueJson(QString::fromStdString(field.defaultJson));
    return editor;
}

}  // namespace l1ra::ui
