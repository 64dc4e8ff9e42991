#include "shell/log_pane.h"

#include "widgets/palette_colors.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>
#include <QTime>
#include <QToolButton>
#include <QVBoxLayout>

namespace l1ra::ui {

namespace {

constexpr int kTimeStampLength = 10;   // "hh:mm:ss  "

QString levelTag(LogPane::Level level) {
    switch (level) {
        case LogPane::Level::Info: return QString();
        case LogPane::Level::Warning: return LogPane::tr("warning: ");
        case LogPane::Level::Error: return LogPane::tr("error: ");
    }
    return {};
}

}  // namespace

LogPane::LogPane(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* header = new QHBoxLayout;
    counts_ = new QLabel(this);
    counts_->setObjectName(QStringLiteral("logCounts"));
    header->addWidget(counts_, 1);
    auto* clearButton = new QToolButton(this);
    clearButton->setObjectName(QStringLiteral("logClear"));
    clearButton->setText(tr("Clear"));
    clearButton->setAutoRaise(true);
    connect(clearButton, &QToolButton::clicked, this, &LogPane::clear);
    header->addWidget(clearButton);
    layout->addLayout(header);

    view_ = new QPlainTextEdit(this);
    view_->setObjectName(QStringLiteral("logView"));
    view_->setReadOnly(true);
    view_->setUndoRedoEnabled(false);
    view_->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view_->setMaximumBlockCount(10000);   // a long run must not grow the document without end
    layout->addWidget(view_, 1);
    updateCounts();
}

QColor LogPane::levelColor(Level level) const {
    switch (level) {
        case Level::Info: return palette().color(QPalette::Text);
        case Level::Warning: return warningColor(palette());
        case Level::Error: return errorColor(palette());
    }
    return palette().color(QPalette::Text);
}

void LogPane::appendLog(const l1ra::LogEvent& event) { appendMessage(event.level, QString::fromStdString(event.text)); }

void LogPane::appendMessage(Level level, const QString& text) {
    QTextCharFormat format;
    format.setForeground(levelColor(level));
    format.setFontWeight(level == Level::Error ? QFont::Bold : QFont::Normal);
    const bool atBottom = view_->verticalScrollBar() == nullptr ||
                          view_->verticalScrollBar()->value() == view_->verticalScrollBar()->maximum();
    QTextCursor cursor(view_->document());
    cursor.movePosition(QTextCursor::End);
    if (!view_->document()->isEmpty()) cursor.insertBlock();
    cursor.insertText(QTime::currentTime().toString(QStringLiteral("hh:mm:ss")) + QStringLiteral("  ") + levelTag(level) + text,
                      format);
    cursor.block().setUserState(int(level));
    // Follow new lines only if the user has not scrolled up to read something.
    if (atBottom) view_->verticalScrollBar()->setValue(view_->verticalScrollBar()->maximum());
    if (level == Level::Warning) ++warnings_;
    if (level == Level::Error) {
        ++errors_;
        Q_EMIT errorLogged(text);
    }
    updateCounts();
}

void LogPane::clear() {
    view_->clear();
    warnings_ = errors_ = 0;
    updateCounts();
}

void LogPane::setMaximumEntries(int entries) { view_->setMaximumBlockCount(std::max(1, entries)); }

int LogPane::maximumEntries() const { return view_->maximumBlockCount(); }

int LogPane::entryCount() const { return view_->document()->isEmpty() ? 0 : view_->document()->blockCount(); }

QString LogPane::entryText(int index) const {
    const QTextBlock block = view_->document()->findBlockByNumber(index);
    if (!block.isValid() || index >= entryCount()) return {};
    QString text = block.text().mid(kTimeStampLength);
    const QString tag = levelTag(entryLevel(index));
    return text.startsWith(tag) ? text.mid(tag.size()) : text;
}

LogPane::Level LogPane::entryLevel(int index) const {
    const QTextBlock block = view_->document()->findBlockByNumber(index);
    return block.isValid() && block.userState() >= 0 ? Level(block.userState()) : Level::Info;
}

QColor LogPane::entryColor(int index) const {
    const QTextBlock block = view_->document()->findBlockByNumber(index);
    if (!block.isValid() || block.begin() == block.end()) return {};
    return block.begin().fragment().charFormat().foreground().color();
}

QString LogPane::plainText() const { return view_->toPlainText(); }

void LogPane::updateCounts() {
    QStringList parts;
    const int lines = entryCount();
    parts << (lines == 1 ? tr("1 line") : tr("%1 lines").arg(lines));
    if (warnings_ > 0) parts << (warnings_ == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings_));
    if (errors_ > 0) parts << (errors_ == 1 ? tr("1 error") : tr("%1 errors").arg(errors_));
    counts_->setText(parts.join(QStringLiteral(" \u00b7 ")));
    QPalette countsPalette = counts_->palette();
    countsPalette.setColor(QPalette::WindowText, errors_ > 0     ? errorColor(palette())
                                                 : warnings_ > 0 ? warningColor(palette())
                                                                 : mutedTextColor(palette()));
    counts_->setPalette(countsPalette);
}

void LogPane::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) {
        // Re-colour the lines so they stay legible after a theme switch.
        QTextCursor cursor(view_->document());
        for (QTextBlock block = view_->document()->begin(); block.isValid(); block = block.next()) {
            cursor.setPosition(block.position());
            cursor.setPosition(block.position() + block.length() - 1, QTextCursor::KeepAnchor);
            QTextCharFormat format;
            format.setForeground(levelColor(Level(std::max(0, block.userState()))));
            cursor.mergeCharFormat(format);
        }
        updateCounts();
    }
    QWidget::changeEvent(event);
}

}  // namespace l1ra::ui
