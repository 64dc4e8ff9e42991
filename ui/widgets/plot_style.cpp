#include "widgets/plot_style.h"

#include "widgets/palette_colors.h"

#include <QVBoxLayout>

#include <qcustomplot.h>

namespace l1ra::ui {

void styleAxis(QCPAxis* axis, const QPalette& palette) {
    const QColor text = palette.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlphaF(0.12);
    QColor subGrid = text;
    subGrid.setAlphaF(0.05);
    axis->setBasePen(QPen(mutedTextColor(palette), 1));
    axis->setTickPen(QPen(mutedTextColor(palette), 1));
    axis->setSubTickPen(QPen(mutedTextColor(palette), 1));
    axis->setTickLabelColor(text);
    axis->setLabelColor(text);
    axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
    axis->grid()->setSubGridPen(QPen(subGrid, 1, Qt::DotLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
}

QCustomPlot* addChartPlot(QWidget* chart, const QString& objectName) {
    auto* layout = new QVBoxLayout(chart);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* plot = new QCustomPlot(chart);
    plot->setObjectName(objectName);
    plot->setMinimumSize(260, 160);
    layout->addWidget(plot);
    return plot;
}

void applyPlotStyle(QCustomPlot* plot) {
    const QPalette palette = plot->palette();
    plot->setBackground(palette.brush(QPalette::Base));
    for (QCPAxisRect* rect : plot->axisRects()) {
        rect->setBackground(palette.brush(QPalette::Base));
        for (QCPAxis* axis : rect->axes()) styleAxis(axis, palette);
    }
    if (plot->legend) {
        plot->legend->setBrush(palette.brush(QPalette::Base));
        plot->legend->setTextColor(palette.color(QPalette::WindowText));
        plot->legend->setBorderPen(QPen(mutedTextColor(palette)));
    }
    // Hover and replots should not pay for smoothing the dense parts.
    plot->setNotAntialiasedElements(QCP::aeAll);
    plot->setAntialiasedElements(QCP::aePlottables | QCP::aeItems);
}

void placeLegendAbove(QCustomPlot* plot, int columns) {
    plot->legend->setVisible(true);
    plot->legend->setFillOrder(QCPLegend::foColumnsFirst);
    plot->legend->setWrap(columns);
    auto* legendRow = new QCPLayoutGrid;
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, legendRow);
    legendRow->addElement(0, 0, plot->legend);
    legendRow->setMargins(QMargins(0, 0, 0, 0));
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
}

}  // namespace l1ra::ui
