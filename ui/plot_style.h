#pragma once
// Gives a QCustomPlot the widget palette's colours (QCustomPlot defaults to white/black, which glares on dark themes).
class QCustomPlot;
class QCPAxis;
class QPalette;

namespace l1ra::ui {

void applyPlotStyle(QCustomPlot* plot);
void styleAxis(QCPAxis* axis, const QPalette& palette);
// Shows the legend in a row of its own above the axis rect, `columns` entries wide: it never hides data.
void placeLegendAbove(QCustomPlot* plot, int columns);

}  // namespace l1ra::ui
