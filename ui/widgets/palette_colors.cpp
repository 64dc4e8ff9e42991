#include "widgets/palette_colors.h"

namespace l1ra::ui {

bool isDarkPalette(const QPalette& palette) {
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

QColor warningColor(const QPalette& palette) {
    return isDarkPalette(palette) ? QColor(0xf0, 0xb4, 0x29) : QColor(0xb2, 0x6a, 0x00);
}

QColor errorColor(const QPalette& palette) {
    return isDarkPalette(palette) ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
}

QColor successColor(const QPalette& palette) {
    return isDarkPalette(palette) ? QColor(0x6f, 0xcf, 0x7c) : QColor(0x2e, 0x7d, 0x32);
}

QColor mutedTextColor(const QPalette& palette) {
    QColor text = palette.color(QPalette::WindowText);
    const QColor window = palette.color(QPalette::Window);
    // Halfway between text and background keeps the hue of the theme.
    return QColor::fromRgbF((text.redF() + window.redF()) / 2, (text.greenF() + window.greenF()) / 2,
                            (text.blueF() + window.blueF()) / 2);
}

QColor neutralCellColor(const QPalette& palette) {
    return isDarkPalette(palette) ? QColor(0x4a, 0x4a, 0x4a) : QColor(0xc4, 0xc4, 0xc4);
}

QColor contrastingTextColor(const QColor& background) {
    // Relative luminance (sRGB weights) is a good enough legibility test for small labels.
    const double luminance = 0.2126 * background.redF() + 0.7152 * background.greenF() + 0.0722 * background.blueF();
    return luminance > 0.5 ? QColor(Qt::black) : QColor(Qt::white);
}

}  // namespace l1ra::ui
