#pragma once
// Names and colours for the seven projections in charts: "q" for q_proj, one distinct hue each.
#include <QColor>
#include <QString>

namespace l1ra::ui {

constexpr int kProjectionCount = 7;

QString shortProjectionName(int projection);
// Tableau 10 hues: distinct on light and dark backgrounds alike.
QColor projectionColor(int projection);

}  // namespace l1ra::ui
