#include "shell/studio_theme.h"

#include "shell/studio_settings.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace l1ra::ui {

QString resolveTheme(const QString& requested, const QPalette& system) {
    if (requested == QLatin1String("dark") || requested == QLatin1String("light")) return requested;
    return system.color(QPalette::Window).lightnessF() < 0.5 ? QStringLiteral("dark") : QStringLiteral("light");
}

QPalette darkPalette() {
    // Neutral greys with a blue accent; disabled text dimmed so greyed-out actions read as such.
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xdf, 0xe1, 0xe5), accent(0x3d, 0x8b, 0xd8);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x92));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x45, 0x48, 0x4d));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3d, 0x41));
    p.setColor(QPalette::Mid, QColor(0x25, 0x27, 0x2a));
    p.setColor(QPalette::Dark, QColor(0x19, 0x1a, 0x1c));
    p.setColor(QPalette::Shadow, QColor(0x0e, 0x0e, 0x10));
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x92, 0xf0));
    const QColor disabled(0x74, 0x77, 0x7c);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::HighlightedText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x44, 0x47, 0x4c));
    return p;
}

QPalette lightPalette(const QPalette& standard) {
    QPalette p = standard;
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

QString applyStudioTheme(QApplication& app) {
    QString requested = qEnvironmentVariable("L1RA_STUDIO_THEME");
    if (requested.isEmpty()) requested = settings::theme();
    const QString theme = resolveTheme(requested, QApplication::palette());
    // Fusion draws the same on every desktop and honours the whole palette, dark included.
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == QLatin1String("dark") ? darkPalette() : lightPalette(app.style()->standardPalette()));
    return theme;
}

}  // namespace l1ra::ui
