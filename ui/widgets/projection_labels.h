#pragma once
// Names and colours for the seven projections (kProjectionCount, l1ra/projections.h) in charts: "q" for q_proj, one distinct hue each.
#include "l1ra/projections.h"

#include <QColor>
#include <QString>

namespace l1ra::ui {

QString shortProjectionName(int projection);
// Tableau 10 hues: distinct on light and dark backgrounds alike.
QColor projectionColor(int projection);

}  // namespace l1ra::ui
