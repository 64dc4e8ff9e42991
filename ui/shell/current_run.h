#pragma once
// The run the window's exports, "Try it", title and heatmap image refer to: the one the controller trains (or
// trained last), or the folder opened in the explorer, whichever the user turned to last.
#include <QString>

namespace l1ra::ui {

class CurrentRun {
public:
    // A run started training: it becomes current, with no rank snapshot and no best checkpoint yet.
    void startLive(const QString& runDir);
    // A run folder or exported adapter was opened in the explorer: it becomes current.
    void open(const QString& source, bool hasBestCheckpoint);

    bool isLive() const { return live_; }
    QString liveDir() const { return liveDir_; }           // the run trained last ("" before the first)
    QString openedSource() const { return openedSource_; } // the folder opened last ("" before the first)
    QString source() const { return live_ ? liveDir_ : openedSource_; }
    bool isEmpty() const { return source().isEmpty(); }

    bool hasBestCheckpoint() const { return hasBest_; }
    // The live run ended: whether it kept a best checkpoint (an opened run keeps what its record said).
    void liveRunEnded(bool hasBestCheckpoint);

    // The live view's first snapshot of this run is its baseline.
    bool takeFirstLiveSnapshot();

private:
    QString liveDir_;
    QString openedSource_;
    bool live_ = false;
    bool hasBest_ = false;
    bool liveHasSnapshot_ = false;
};

}  // namespace l1ra::ui
