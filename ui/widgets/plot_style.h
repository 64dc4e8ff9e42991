#pragma once
// Gives a QCustomPlot the widget palette's colours (QCustomPlot defaults to white/black, which glares on dark themes).
class QCustomPlot;
class QCPAxis;
class QPalette;
class QString;
class QWidget;

namespace l1ra::ui {

void applyPlotStyle(QCustomPlot* plot);
void styleAxis(QCPAxis* axis, const QPalette& palette);
// Shows the legend in a row of its own above the axis rect, `columns` entries wide: it never hides data.
void placeLegendAbove(QCustomPlot* plot, int columns);
// A chart widget's one plot: fills `chart` (thin margins), at least 260 × 160, named for tests.
QCustomPlot* addChartPlot(QWidget* chart, const QString& objectName);

}  // namespace l1ra::ui
