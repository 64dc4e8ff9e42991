#pragma once
// Draws the heatmap's cell texts and reallocation outlines in one pass over a QCPColorMap's cells.
// One layerable instead of hundreds of QCPItemText keeps replots cheap for 80-layer models.
#include <qcustomplot.h>

#include <QColor>
#include <QString>
#include <vector>

namespace l1ra::ui {

class HeatmapCellLayer : public QCPLayerable {
public:
    // The cells lie at integer coordinates: key = column 0..columns-1, value = row 0..rows-1.
    HeatmapCellLayer(QCPAxis* keyAxis, QCPAxis* valueAxis);

    void setCells(int rows, int columns, std::vector<QString> texts, std::vector<QColor> textColors);
    // Per cell: +1 gained rank, -1 lost rank, 0 unchanged. Strength 0..1 fades the outlines.
    void setHighlights(std::vector<int> directions);
    void setHighlightStrength(double strength) { highlightStrength_ = strength; }
    double highlightStrength() const { return highlightStrength_; }
    void setHighlightColors(const QColor& gained, const QColor& lost);

    // Whether the last draw had room for the texts (they are hidden when cells get too small).
    bool textsVisible() const { return textsVisible_; }

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override;
    void draw(QCPPainter* painter) override;
    QRect clipRect() const override;

private:
    QRectF cellRect(int row, int column) const;
    void drawTexts(QCPPainter* painter);
    void drawHighlights(QCPPainter* painter);

    QCPAxis* keyAxis_;
    QCPAxis* valueAxis_;
    int rows_ = 0;
    int columns_ = 0;
    std::vector<QString> texts_;
    std::vector<QColor> textColors_;
    std::vector<int> highlights_;
    double highlightStrength_ = 0;
    QColor gainedColor_{0xff, 0x91, 0x00};
    QColor lostColor_{0xe0, 0x40, 0xfb};
    bool textsVisible_ = false;
};

}  // namespace l1ra::ui
