#pragma once
// A small look at a training data file: detected format, record count, size and a few samples.
#include "l1ra/dataset_preview.h"

#include <QString>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace l1ra::ui {

class DatasetPreviewView : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPreviewView(QWidget* parent = nullptr);

    void showPreview(const l1ra::DatasetPreview& preview);
    void showLoading(const QString& path);
    void showError(const QString& message);
    void clear();

    QString summaryText() const;
    int sampleCount() const;
    QString sampleText(int row, int column) const;   // column 0 prompt (or text), 1 response
    bool hasError() const { return hasError_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void setSummaryColor();

    QLabel* summary_ = nullptr;
    QTableWidget* samples_ = nullptr;
    bool hasError_ = false;
};

}  // namespace l1ra::ui
