#pragma once
// Semantic colours that read well on both light and dark palettes (levels, pending/applied, neutral cells).
#include <QColor>
#include <QPalette>

namespace l1ra::ui {

bool isDarkPalette(const QPalette& palette);

QColor warningColor(const QPalette& palette);   // amber: warnings, pending changes
QColor errorColor(const QPalette& palette);     // red: errors, invalid fields
QColor successColor(const QPalette& palette);   // green: applied changes
QColor mutedTextColor(const QPalette& palette); // secondary text
QColor neutralCellColor(const QPalette& palette);   // heatmap cells without an adapter

// Black or white, whichever is more legible on `background`.
QColor contrastingTextColor(const QColor& background);

}  // namespace l1ra::ui
