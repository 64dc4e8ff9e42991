#pragma once
// Light or dark. Qt 6.4 cannot ask the desktop for its colour scheme, so "auto" reads the lightness of the
// platform palette's window colour: a dark desktop theme hands Qt a dark palette. L1RA_STUDIO_THEME
// (dark | light | auto) overrides the "appearance/theme" setting.
#include <QPalette>
#include <QString>

class QApplication;

namespace l1ra::ui {

// "dark" or "light" for a requested theme ("auto", "dark", "light") on a desktop whose palette is `system`.
QString resolveTheme(const QString& requested, const QPalette& system);
QPalette darkPalette();
QPalette lightPalette(const QPalette& standard);   // the style's standard palette, our accent
// Applies the chosen theme (Fusion style, with a palette of ours) and returns "dark" or "light".
QString applyStudioTheme(QApplication& app);

}  // namespace l1ra::ui
