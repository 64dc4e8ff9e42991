// RankHeatmap: values, colours, texts and tooltips per mode, highlights, image export, large models.
#include "widgets/rank_heatmap.h"
#include "ui_test_support.h"

#include <QAbstractButton>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using l1ra::ui::RankHeatmap;
using namespace l1ra::ui::test;

namespace {

constexpr int Q = 0, K = 1, GATE = 4, DOWN = 6;

// Three layers at rank 4, down_proj not adapted; layer 1 k_proj shrank to 1, layer 2 gate_proj grew to 8.
l1ra::RankSnapshot movedSnapshot() {
    auto s = uniformSnapshot(3, 4, {DOWN}, 120);
    setRank(s, 1, K, 1, 0.5);
    setRank(s, 2, GATE, 7, 6.0);
    setRank(s, 0, Q, 4, 3.0);
    setRank(s, 2, Q, 5, 4.0);
    return s;
}

bool near(const QColor& a, const QColor& b, int tolerance = 3) {
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
           std::abs(a.blue() - b.blue()) <= tolerance;
}

}  // namespace

class RankHeatmapTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rankModeValuesAndColours();
    void gateMassMode();
    void changeSinceStartUsesFirstSnapshotAsBaseline();
    void explicitBaselineWins();
    void untargetedCellsAreNeutral();
    void toolTipNamesExactNumbers();
    void modeButtonsSwitchMode();
    void highlightSetAndCleared();
    void saveImageByExtension();
    void textsHideWhenCellsAreTooSmall();
    void clearForgetsEverything();
    void singleLayerModelIsDrawn();
};

void RankHeatmapTest::rankModeValuesAndColours() {
    RankHeatmap heatmap;
    QVERIFY(!heatmap.hasSnapshot());
    heatmap.setSnapshot(movedSnapshot());
    QCOMPARE(heatmap.layerCount(), 3);
    QCOMPARE(heatmap.cellValue(0, Q), 4.0);
    QCOMPARE(heatmap.cellValue(1, K), 1.0);
    QCOMPARE(heatmap.cellValue(2, GATE), 7.0);
    QCOMPARE(heatmap.cellText(2, GATE), QStringLiteral("7"));
    QCOMPARE(heatmap.cellText(1, K), QStringLiteral("1"));
    // Same rank, same colour; more rank, brighter colour (the scale runs dark to bright, 0 .. 2 x r0).
    QCOMPARE(heatmap.cellColor(0, Q), heatmap.cellColor(1, Q));
    QVERIFY(heatmap.cellColor(1, K).lightnessF() < heatmap.cellColor(0, Q).lightnessF());
    QVERIFY(heatmap.cellColor(0, Q).lightnessF() < heatmap.cellColor(2, GATE).lightnessF());
    // Rank 8 = 2 x r0 is the top of the scale.
    auto s = movedSnapshot();
    setRank(s, 2, GATE, 8, 6.0);
    heatmap.setSnapshot(s);
    QVERIFY(near(heatmap.cellColor(2, GATE), QColor(0xfd, 0xe7, 0x25)));
    // Out of range asks give no value rather than crashing.
    QVERIFY(std::isnan(heatmap.cellValue(3, Q)));
    QVERIFY(std::isnan(heatmap.cellValue(0, 7)));
}

void RankHeatmapTest::gateMassMode() {
    RankHeatmap heatmap;
    heatmap.setSnapshot(movedSnapshot());
    heatmap.setMode(RankHeatmap::Mode::GateMass);
    QCOMPARE(heatmap.cellValue(1, K), 0.5);
    QCOMPARE(heatmap.cellValue(2, GATE), 6.0);
    QCOMPARE(heatmap.cellValue(0, Q), 3.0);
    // The text stays the integer rank; the colour follows the gate mass.
    QCOMPARE(heatmap.cellText(2, GATE), QStringLiteral("7"));
    QVERIFY(heatmap.cellColor(0, Q) != heatmap.cellColor(1, Q));   // rank 4 both, gate mass 3 vs 4
}

void RankHeatmapTest::changeSinceStartUsesFirstSnapshotAsBaseline() {
    RankHeatmap heatmap;
    heatmap.setSnapshot(uniformSnapshot(3, 4, {DOWN}, 0));
    heatmap.setSnapshot(movedSnapshot());
    heatmap.setMode(RankHeatmap::Mode::ChangeSinceStart);
    QCOMPARE(heatmap.cellValue(1, K), -3.0);
    QCOMPARE(heatmap.cellValue(2, GATE), 3.0);
    QCOMPARE(heatmap.cellValue(1, Q), 0.0);
    QCOMPARE(heatmap.cellText(2, GATE), QStringLiteral("+3"));
    QCOMPARE(heatmap.cellText(1, K), QStringLiteral("\u22123"));
    // Diverging scale of +-3: gains red, losses blue, unchanged light grey.
    const QColor gained = heatmap.cellColor(2, GATE), lost = heatmap.cellColor(1, K), same = heatmap.cellColor(1, Q);
    QVERIFY(near(gained, QColor(0xb2, 0x18, 0x2b)));
    QVERIFY(near(lost, QColor(0x21, 0x66, 0xac)));
    QVERIFY(gained.red() > gained.blue());
    QVERIFY(lost.blue() > lost.red());
    QVERIFY(near(same, QColor(0xf2, 0xf2, 0xf2), 8));
}

void RankHeatmapTest::explicitBaselineWins() {
    RankHeatmap heatmap;
    auto start = uniformSnapshot(3, 4, {DOWN}, 0);
    setRank(start, 1, K, 2, 2.0);
    heatmap.setBaseline(start);
    heatmap.setSnapshot(movedSnapshot());
    heatmap.setMode(RankHeatmap::Mode::ChangeSinceStart);
    QCOMPARE(heatmap.cellValue(1, K), -1.0);
    QCOMPARE(heatmap.cellValue(2, GATE), 3.0);
}

void RankHeatmapTest::untargetedCellsAreNeutral() {
    RankHeatmap heatmap;
    heatmap.setSnapshot(movedSnapshot());
    for (auto mode : {RankHeatmap::Mode::Rank, RankHeatmap::Mode::GateMass, RankHeatmap::Mode::ChangeSinceStart}) {
        heatmap.setMode(mode);
        QVERIFY(std::isnan(heatmap.cellValue(0, DOWN)));
        const QColor grey = heatmap.cellColor(0, DOWN);
        QCOMPARE(grey.saturation(), 0);
        QCOMPARE(heatmap.cellColor(2, DOWN), grey);
        QCOMPARE(heatmap.cellText(0, DOWN), QStringLiteral("\u2013"));
    }
}

void RankHeatmapTest::toolTipNamesExactNumbers() {
    RankHeatmap heatmap;
    heatmap.setSnapshot(uniformSnapshot(3, 4, {DOWN}, 0));
    heatmap.setSnapshot(movedSnapshot());
    const QString tip = heatmap.cellToolTip(2, GATE);
    QVERIFY2(tip.contains(QStringLiteral("Layer 2")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("gate_proj")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("rank 7")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("start 4")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("+3")), qPrintable(tip));
    QVERIFY2(tip.contains(QStringLiteral("gate mass 6.00")), qPrintable(tip));
    const QString lost = heatmap.cellToolTip(1, K);
    QVERIFY2(lost.contains(QStringLiteral("rank 1")) && lost.contains(QStringLiteral("\u22123")), qPrintable(lost));
    QVERIFY(heatmap.cellToolTip(0, DOWN).contains(QStringLiteral("no adapter")));
    QVERIFY(heatmap.cellToolTip(5, Q).isEmpty());
}

void RankHeatmapTest::modeButtonsSwitchMode() {
    RankHeatmap heatmap;
    heatmap.setSnapshot(movedSnapshot());
    QSignalSpy spy(&heatmap, &RankHeatmap::modeChanged);
    auto* changeButton = heatmap.findChild<QAbstractButton*>(QStringLiteral("heatmapMode2"));
    QVERIFY(changeButton);
    changeButton->click();
    QCOMPARE(heatmap.mode(), RankHeatmap::Mode::ChangeSinceStart);
    QCOMPARE(spy.count(), 1);
    heatmap.setMode(RankHeatmap::Mode::Rank);
    QVERIFY(heatmap.findChild<QAbstractButton*>(QStringLiteral("heatmapMode0"))->isChecked());
    QVERIFY(!changeButton->isChecked());
    QCOMPARE(spy.count(), 2);
}

void RankHeatmapTest::highlightSetAndCleared() {
    RankHeatmap heatmap;
    heatmap.setSnapshot(uniformSnapshot(3, 4, {DOWN}));
    l1ra::ReallocationEvent event;
    event.step = 120;
    event.moves = {move(1, K, 4, 1), move(2, GATE, 4, 7)};
    event.after = movedSnapshot();
    heatmap.highlightReallocation(event);
    heatmap.setSnapshot(event.after);   // a new snapshot keeps the outlines
    QVERIFY(heatmap.isHighlighted(1, K));
    QVERIFY(heatmap.isHighlighted(2, GATE));
    QVERIFY(!heatmap.isHighlighted(0, Q));
    QVERIFY(!heatmap.isHighlighted(2, DOWN));
    QCOMPARE(heatmap.highlightDuration(), 1500);

    // The next reallocation replaces the outlines.
    l1ra::ReallocationEvent next;
    next.moves = {move(0, Q, 4, 5)};
    heatmap.highlightReallocation(next);
    QVERIFY(heatmap.isHighlighted(0, Q));
    QVERIFY(!heatmap.isHighlighted(1, K));

    heatmap.clearHighlights();
    QVERIFY(!heatmap.isHighlighted(0, Q));
}

void RankHeatmapTest::saveImageByExtension() {
    QTemporaryDir dir;
    RankHeatmap heatmap;
    heatmap.resize(500, 400);
    heatmap.setSnapshot(movedSnapshot());
    const QString png = dir.filePath(QStringLiteral("ranks.png")), pdf = dir.filePath(QStringLiteral("ranks.pdf"));
    QVERIFY(heatmap.saveImage(png, 600, 400));
    QVERIFY(heatmap.saveImage(pdf));
    QVERIFY(!heatmap.saveImage(dir.filePath(QStringLiteral("ranks.txt"))));
    QImage image(png);
    QCOMPARE(image.size(), QSize(600, 400));
    QVERIFY(QFileInfo(pdf).size() > 1000);
}

void RankHeatmapTest::textsHideWhenCellsAreTooSmall() {
    RankHeatmap heatmap;
    heatmap.resize(420, 320);
    heatmap.setSnapshot(uniformSnapshot(80, 8));
    heatmap.show();
    QVERIFY(QTest::qWaitForWindowExposed(&heatmap));
    QCoreApplication::processEvents();
    QVERIFY(!heatmap.cellTextsVisible());
    QVERIFY(!heatmap.cellToolTip(79, DOWN).isEmpty());   // still inspectable through the tooltip

    heatmap.setSnapshot(uniformSnapshot(4, 8));
    heatmap.resize(420, 500);
    QCoreApplication::processEvents();
    QVERIFY(heatmap.cellTextsVisible());
}

void RankHeatmapTest::clearForgetsEverything() {
    RankHeatmap heatmap;
    heatmap.setSnapshot(movedSnapshot());
    heatmap.clear();
    QVERIFY(!heatmap.hasSnapshot());
    QVERIFY(std::isnan(heatmap.cellValue(0, Q)));
    // After clear the next snapshot is the new baseline.
    heatmap.setSnapshot(movedSnapshot());
    heatmap.setMode(RankHeatmap::Mode::ChangeSinceStart);
    QCOMPARE(heatmap.cellValue(1, K), 0.0);
}

void RankHeatmapTest::singleLayerModelIsDrawn() {
    RankHeatmap heatmap;
    heatmap.resize(500, 200);
    heatmap.setSnapshot(uniformSnapshot(1, 4, {DOWN}));
    QCOMPARE(heatmap.cellValue(0, Q), 4.0);
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("one.png"));
    QVERIFY(heatmap.saveImage(png, 500, 200));
    // The six adapted cells cover a good part of the image in their colour, the seventh is grey.
    const QImage image = QImage(png).convertToFormat(QImage::Format_RGB32);
    const QRgb cell = heatmap.cellColor(0, Q).rgb(), grey = heatmap.cellColor(0, DOWN).rgb();
    int cellPixels = 0, greyPixels = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            cellPixels += image.pixel(x, y) == cell;
            greyPixels += image.pixel(x, y) == grey;
        }
    }
    QVERIFY2(cellPixels > 20000, qPrintable(QString::number(cellPixels)));
    QVERIFY2(greyPixels > 3000, qPrintable(QString::number(greyPixels)));
}

QTEST_MAIN(RankHeatmapTest)
#include "tst_ui_rank_heatmap.moc"
