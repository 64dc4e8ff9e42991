#include "widgets/heatmap_cell_layer.h"

#include <algorithm>
#include <cmath>

namespace l1ra::ui {

namespace {
constexpr double kMinimumPointSize = 6.0;
}

HeatmapCellLayer::HeatmapCellLayer(QCPAxis* keyAxis, QCPAxis* valueAxis)
    : QCPLayerable(keyAxis->parentPlot(), QString(), keyAxis->axisRect()), keyAxis_(keyAxis), valueAxis_(valueAxis) {}

void HeatmapCellLayer::setCells(int rows, int columns, std::vector<QString> texts, std::vector<QColor> textColors) {
    rows_ = rows;
    columns_ = columns;
    texts_ = std::move(texts);
    textColors_ = std::move(textColors);
    if (highlights_.size() != texts_.size()) highlights_.assign(texts_.size(), 0);
}

void HeatmapCellLayer::setHighlights(std::vector<int> directions) { highlights_ = std::move(directions); }

void HeatmapCellLayer::setHighlightColors(const QColor& gained, const QColor& lost) {
    gainedColor_ = gained;
    lostColor_ = lost;
}

void HeatmapCellLayer::applyDefaultAntialiasingHint(QCPPainter* painter) const {
    applyAntialiasingHint(painter, true, QCP::aeItems);
}

QRect HeatmapCellLayer::clipRect() const { return keyAxis_->axisRect()->rect(); }

QRectF HeatmapCellLayer::cellRect(int row, int column) const {
    const double x0 = keyAxis_->coordToPixel(column - 0.5), x1 = keyAxis_->coordToPixel(column + 0.5);
    const double y0 = valueAxis_->coordToPixel(row - 0.5), y1 = valueAxis_->coordToPixel(row + 0.5);
    return QRectF(QPointF(std::min(x0, x1), std::min(y0, y1)), QPointF(std::max(x0, x1), std::max(y0, y1)));
}

void HeatmapCellLayer::draw(QCPPainter* painter) {
    if (rows_ <= 0 || columns_ <= 0 || int(texts_.size()) != rows_ * columns_) {
        textsVisible_ = false;
        return;
    }
    drawTexts(painter);
    if (highlightStrength_ > 0) drawHighlights(painter);
}

void HeatmapCellLayer::drawTexts(QCPPainter* painter) {
    const QRectF probe = cellRect(0, 0);
    QFont font = parentPlot()->font();
    QFontMetricsF metrics(font);
    // Shrink the font to the cell height; below a readable size the colours speak alone.
    const double wanted = probe.height() * 0.8;
    if (metrics.height() > wanted) {
        const double pointSize = font.pointSizeF() * wanted / metrics.height();
        if (pointSize < kMinimumPointSize) {
            textsVisible_ = false;
            return;
        }
        font.setPointSizeF(pointSize);
        metrics = QFontMetricsF(font);
    }
    if (metrics.horizontalAdvance(QStringLiteral("+88")) > probe.width()) {
        textsVisible_ = false;
        return;
    }
    textsVisible_ = true;
    painter->setFont(font);
    const QRect visible = clipRect();
    for (int row = 0; row < rows_; ++row) {
        for (int column = 0; column < columns_; ++column) {
            const QRectF rect = cellRect(row, column);
            if (!visible.intersects(rect.toAlignedRect())) continue;
            const std::size_t i = std::size_t(row * columns_ + column);
            painter->setPen(textColors_[i]);
            painter->drawText(rect, Qt::AlignCenter, texts_[i]);
        }
    }
}

void HeatmapCellLayer::drawHighlights(QCPPainter* painter) {
    painter->setBrush(Qt::NoBrush);
    const int alpha = int(std::lround(255 * std::clamp(highlightStrength_, 0.0, 1.0)));
    QColor shadow(0, 0, 0, alpha);
    for (int row = 0; row < rows_; ++row) {
        for (int column = 0; column < columns_; ++column) {
            const int direction = highlights_[std::size_t(row * columns_ + column)];
            if (direction == 0) continue;
            const QRectF rect = cellRect(row, column).adjusted(1.5, 1.5, -1.5, -1.5);
            QColor color = direction > 0 ? gainedColor_ : lostColor_;
            color.setAlpha(alpha);
            // A dark halo under the coloured line keeps it visible on every cell colour.
            painter->setPen(QPen(shadow, 4));
            painter->drawRect(rect);
            painter->setPen(QPen(color, 2));
            painter->drawRect(rect);
        }
    }
}

}  // namespace l1ra::ui
