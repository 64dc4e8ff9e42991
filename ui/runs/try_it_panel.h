#pragma once
// "Try it": type a prompt and see what the base model and the model with the run's adapter make of it, side by side.
#include <QString>
#include <QWidget>

class QFormLayout;
class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace l1ra::ui {

class GenerationRunner;

class TryItPanel : public QWidget {
    Q_OBJECT
public:
    explicit TryItPanel(QWidget* parent = nullptr);

    // The model folder and the adapter (a run folder or an exported adapter) to try; `title` names the run.
    void setRun(const QString& modelDir, const QString& adapterDir, const QString& title);
    QString modelDir() const { return modelDir_; }
    QString adapterDir() const { return adapterDir_; }

    void setPrompt(const QString& text);
    void setUseTemplate(bool use);
    void setMaxNewTokens(int tokens);
    void setTemperature(double temperature);
    void setSeed(int seed);
    bool useTemplate() const;
    // The exact text the models were given last time, formatted by the engine with the run's prompt format (the
    // model's chat template or the plain ### format) when the template is on; and that format's description.
    QString formattedPrompt() const { return formattedPrompt_; }
    QString promptFormat() const { return promptFormat_; }

    bool isGenerating() const;
    QString output(int side) const;   // GenerationRunner::Side
    QString statusText() const;

public Q_SLOTS:
    void generate();
    void cancel();

Q_SIGNALS:
    void generationFinished(bool ok);

private:
    // The constructor's parts.
    QFormLayout* buildControls(QWidget* top);
    QWidget* buildOutputs(QWidget* split);
    void connectRunner();

    void updateButtons();
    void showStatus(const QString& text, bool isError = false);

    QLabel* source_ = nullptr;
    QPlainTextEdit* prompt_ = nullptr;
    QCheckBox* useTemplate_ = nullptr;
    QSpinBox* maxTokens_ = nullptr;
    QDoubleSpinBox* temperature_ = nullptr;
    QSpinBox* seed_ = nullptr;
    QPushButton* generate_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* titles_[2] = {nullptr, nullptr};
    QPlainTextEdit* outputs_[2] = {nullptr, nullptr};
    GenerationRunner* runner_ = nullptr;
    QString modelDir_;
    QString adapterDir_;
    QString runTitle_;
    QString formattedPrompt_;
    QString promptFormat_;
};

}  // namespace l1ra::ui
