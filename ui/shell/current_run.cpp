#include "shell/current_run.h"

#include <QDir>

namespace l1ra::ui {

void CurrentRun::startLive(const QString& runDir) {
    liveDir_ = runDir;
    live_ = true;
    hasBest_ = false;
    liveHasSnapshot_ = false;
}

void CurrentRun::open(const QString& source, bool hasBestCheckpoint) {
    openedSource_ = QDir::cleanPath(source);
    live_ = false;
    hasBest_ = hasBestCheckpoint;
}

void CurrentRun::liveRunEnded(bool hasBestCheckpoint) {
    if (live_) hasBest_ = hasBestCheckpoint;
}

bool CurrentRun::takeFirstLiveSnapshot() {
    if (liveHasSnapshot_) return false;
    liveHasSnapshot_ = true;
    return true;
}

}  // namespace l1ra::ui
