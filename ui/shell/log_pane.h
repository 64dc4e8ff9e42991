#pragma once
// The run's log lines and errors, time-stamped, coloured by level; keeps the newest maximumEntries().
#include "l1ra/training_events.h"

#include <QColor>
#include <QString>
#include <QWidget>

class QPlainTextEdit;
class QLabel;

namespace l1ra::ui {

class LogPane : public QWidget {
    Q_OBJECT
public:
    using Level = l1ra::LogEvent::Level;

    explicit LogPane(QWidget* parent = nullptr);

    void appendLog(const l1ra::LogEvent& event);
    void appendMessage(Level level, const QString& text);
    void appendError(const QString& text) { appendMessage(Level::Error, text); }
    void clear();

    void setMaximumEntries(int entries);
    int maximumEntries() const;
    int entryCount() const;
    QString entryText(int index) const;   // without the time stamp
    Level entryLevel(int index) const;
    QColor entryColor(int index) const;
    int warningCount() const { return warnings_; }
    int errorCount() const { return errors_; }
    QColor levelColor(Level level) const;
    QString plainText() const;

Q_SIGNALS:
    void errorLogged(const QString& text);

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateCounts();

    QPlainTextEdit* view_ = nullptr;
    QLabel* counts_ = nullptr;
    int warnings_ = 0;
    int errors_ = 0;
};

}  // namespace l1ra::ui
