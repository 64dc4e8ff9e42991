#pragma once
// The run setup page: every run-config field, generated from l1ra::runConfigFields() and grouped by section,
// with the model folder checked (l1ra::inspectModel), a look at the training data (l1ra::previewDataset),
// presets, load/save of run-config JSON and the equivalent `l1ra train` command line.
#include "l1ra/dataset_preview.h"
#include "l1ra/model_info.h"
#include "l1ra/run_config.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QGroupBox;
class QLabel;
class QLineEdit;

namespace l1ra::ui {

class BackgroundJob;
class ConfigFieldEditor;
class DatasetPreviewView;
class MemoryPlanView;
class PresetBar;
class PresetStore;

class RunConfigForm : public QWidget {
    Q_OBJECT
public:
    // Reads a data file for the preview, formatted for the model (with its tokenizer and the data.template choice);
    // runs on a worker thread. Throws l1ra::Error for a bad file.
    using DatasetPreviewFunction = std::function<l1ra::DatasetPreview(const std::string& path, const std::string& format,
                                                                      const std::string& model, const std::string& chatTemplate)>;

    // An empty preset folder means PresetStore::defaultUserFolder().
    explicit RunConfigForm(QWidget* parent = nullptr, const QString& presetFolder = QString());
    ~RunConfigForm() override;

    void setConfig(const l1ra::RunConfig& config);
    // The form's values; a field showing an error keeps its last valid value.
    l1ra::RunConfig config() const;

    bool loadConfigFile(const QString& path, QString* error = nullptr);
    bool saveConfigFile(const QString& path, QString* error = nullptr);
    // Checks every field and the relations between them (l1ra::validateRunConfig); shows errors next to the fields.
    bool validateForRun();

    QString fieldError(const QString& key) const;
    QStringList fieldKeys() const;
    QString fieldValueJson(const QString& key) const;
    // As if the user had entered `json` into the field (emits configChanged, checks the value).
    bool setFieldValueJson(const QString& key, const QString& json);
    QWidget* fieldWidget(const QString& key) const;
    QString sectionOf(const QString& key) const;
    bool isSectionEnabled(const QString& section) const;

    // Where the command line says the run goes (`--out`); empty leaves it out.
    void setOutputDir(const QString& dir);
    QString commandLine() const;

    void setModelPath(const QString& path);
    // The inspection of the model folder (headers, tokenizer, chat template) runs on a worker thread: modelInspected
    // says when modelInfo() and modelSummary() describe the folder now in the field.
    const std::optional<l1ra::ModelInfo>& modelInfo() const { return modelInfo_; }
    QString modelSummary() const;

    void setDatasetPreviewFunction(DatasetPreviewFunction function);
    void setTrainDataPath(const QString& path);
    const DatasetPreviewView* datasetPreview() const { return datasetPreview_; }
    // The memory plan under the fields, recomputed as they change (memory_plan_view.h).
    MemoryPlanView* memoryPlanView() const { return memoryPlan_; }

    // A folder dropped on the form is the model, a run-config .json is loaded, any other file is the training data.
    void openDroppedPath(const QString& path);

    PresetStore& presetStore() { return *presets_; }
    QStringList presetNames() const;
    bool applyPreset(const QString& name, QString* error = nullptr);
    bool savePreset(const QString& name, const QString& description = QString(), QString* error = nullptr);
    bool deletePreset(const QString& name, QString* error = nullptr);

    QString message() const;

Q_SIGNALS:
    void configChanged();
    void modelInspected(bool ok);
    void datasetPreviewed(bool ok);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildFields(QWidget* page);
    QWidget* buildHeader();
    QWidget* buildCommandRow();
    void fieldChanged(ConfigFieldEditor* editor);
    QString checkField(const QString& key, const QString& json) const;
    void showFieldError(const QString& key, const QString& error);
    void clearFieldErrors();
    void inspectModel(bool force);
    void previewDataset(bool force);
    void updateSections();
    void updateCommand();
    void showMessage(const QString& text, bool isError);
    void refreshColors();

    std::unique_ptr<PresetStore> presets_;
    PresetBar* presetBar_ = nullptr;
    QLabel* message_ = nullptr;
    bool messageIsError_ = false;
    QLineEdit* command_ = nullptr;
    QLabel* modelSummary_ = nullptr;
    QLabel* methodHelp_ = nullptr;
    DatasetPreviewView* datasetPreview_ = nullptr;
    MemoryPlanView* memoryPlan_ = nullptr;

    QMap<QString, ConfigFieldEditor*> editors_;
    QMap<QString, QLabel*> errorLabels_;
    QMap<QString, QGroupBox*> sections_;

    l1ra::RunConfig base_;
    QString outputDir_;
    std::optional<l1ra::ModelInfo> modelInfo_;
    QString inspectedModel_;
    QString modelError_;
    bool inspectionPending_ = false;   // a worker is reading inspectedModel_
    DatasetPreviewFunction previewFunction_;
    QString previewedData_;     // "path|format|model|template" of the last preview started
    BackgroundJob* inspection_ = nullptr;   // reads the model folder's headers and tokenizer
    BackgroundJob* preview_ = nullptr;      // reads and formats the training data
};

}  // namespace l1ra::ui
