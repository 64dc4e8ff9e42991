#pragma once
// Runs a flush at most once per interval: the first request flushes at once, requests during the interval are
// merged into one flush at its end. The live view shows only the newest snapshot and step, so a fast run
// (hundreds of steps per second on a small model) costs the GUI thread a bounded number of repaints.
#include <QObject>

#include <functional>

class QTimer;

namespace l1ra::ui {

class UpdateThrottle : public QObject {
    Q_OBJECT
public:
    UpdateThrottle(int intervalMs, std::function<void()> flush, QObject* parent = nullptr);

    void request();
    // Runs a pending flush now (e.g. at the end of a run, so the last values are shown).
    void flushNow();
    bool isPending() const { return pending_; }

private:
    std::function<void()> flush_;
    QTimer* timer_ = nullptr;
    bool pending_ = false;
};

}  // namespace l1ra::ui
