#pragma once
// Adapter rank per layer (rows, layer 0 at the top) x projection (columns q, k, v, o, gate, up, down), live.
#include "l1ra/training_events.h"

#include <QColor>
#include <QString>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QButtonGroup;
class QHBoxLayout;
class QLabel;
class QVariantAnimation;

namespace l1ra::ui {

class HeatmapCellLayer;

class RankHeatmap : public QWidget {
    Q_OBJECT
public:
    enum class Mode { Rank, GateMass, ChangeSinceStart };
    Q_ENUM(Mode)

    explicit RankHeatmap(QWidget* parent = nullptr);
    ~RankHeatmap() override;

    // The first snapshot after clear() also becomes the baseline unless setBaseline() gave one.
    void setSnapshot(const l1ra::RankSnapshot& snapshot);
    void setBaseline(const l1ra::RankSnapshot& baseline);
    // Outlines the adapters that gained or lost rank; the outlines fade out over highlightDuration().
    void highlightReallocation(const l1ra::ReallocationEvent& event);
    void clearHighlights();
    void clear();

    void setMode(Mode mode);
    Mode mode() const { return mode_; }
    // For a comparison (setBaseline = run A, setSnapshot = run B, mode ChangeSinceStart): what the baseline is
    // called in tooltips ("start" by default) and the colour scale's label in change mode ("rank change").
    void setComparisonLabels(const QString& baselineName, const QString& changeLabel);
    void setModeSwitchVisible(bool visible);
    // Side-by-side maps compare colours only on one scale: the rank (and gate mass) scale reaches at least this
    // (0 = automatic: twice the initial rank, or the largest rank).
    void setRankScaleMinimum(double upper);
    void setHighlightDuration(int milliseconds);
    int highlightDuration() const;

    bool hasSnapshot() const { return hasSnapshot_; }
    int layerCount() const { return snapshot_.numLayers; }
    const l1ra::RankSnapshot& snapshot() const { return snapshot_; }

    // What a cell shows in the current mode: rank, gate mass or rank change; NaN for cells without an adapter.
    double cellValue(int layer, int projection) const;
    QColor cellColor(int layer, int projection) const;
    QString cellText(int layer, int projection) const;
    QString cellToolTip(int layer, int projection) const;
    bool isHighlighted(int layer, int projection) const;
    // Whether the last replot had room for the cell texts.
    bool cellTextsVisible() const;

    // PNG or PDF, chosen by the file extension.
    bool saveImage(const QString& path, int width = 0, int height = 0);

Q_SIGNALS:
    void modeChanged(l1ra::ui::RankHeatmap::Mode mode);
    void cellClicked(int layer, int projection);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    // The constructor's parts.
    QHBoxLayout* buildHeader();
    void setUpAxes();
    void setUpColorMap();
    void setUpZoom();
    void setUpHighlightFade();

    bool validCell(int layer, int projection) const;
    bool targeted(int layer, int projection) const;
    bool baselineMatches() const;
    int change(int layer, int projection) const;
    double colorRangeUpper() const;
    void rebuild();
    void updateSummary();
    void applyColors();
    bool cellAt(const QPoint& position, int* layer, int* projection) const;

    QCustomPlot* plot_ = nullptr;
    QCPColorMap* map_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    HeatmapCellLayer* cells_ = nullptr;
    QButtonGroup* modeButtons_ = nullptr;
    QLabel* summary_ = nullptr;
    QVariantAnimation* fade_ = nullptr;

    Mode mode_ = Mode::Rank;
    l1ra::RankSnapshot snapshot_;
    l1ra::RankSnapshot baseline_;
    bool hasSnapshot_ = false;
    bool hasBaseline_ = false;
    std::vector<int> highlights_;   // [rankCell(layer, projection)]: +1 gained, -1 lost, 0 none
    QPoint pressPosition_;
    QString baselineName_;
    double rankScaleMinimum_ = 0;
    QString changeLabel_;
};

}  // namespace l1ra::ui
