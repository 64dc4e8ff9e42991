#include "live/update_throttle.h"

#include <QTimer>

#include <utility>

namespace l1ra::ui {

UpdateThrottle::UpdateThrottle(int intervalMs, std::function<void()> flush, QObject* parent)
    : QObject(parent), flush_(std::move(flush)) {
    timer_ = new QTimer(this);
    timer_->setSingleShot(true);
    timer_->setInterval(intervalMs);
    connect(timer_, &QTimer::timeout, this, [this] {
        if (!pending_) return;
        pending_ = false;
        flush_();
        timer_->start();   // keep the pace while requests keep coming
    });
}

void UpdateThrottle::request() {
    if (timer_->isActive()) {
        pending_ = true;
        return;
    }
    pending_ = false;
    flush_();
    timer_->start();
}

void UpdateThrottle::flushNow() {
    if (!pending_) return;
    pending_ = false;
    flush_();
}

}  // namespace l1ra::ui
