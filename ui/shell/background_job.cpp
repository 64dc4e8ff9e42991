#include "shell/background_job.h"

#include <QMetaObject>

#include <exception>
#include <utility>

namespace l1ra::ui {

BackgroundJob::BackgroundJob(QObject* parent) : QObject(parent) {}

BackgroundJob::~BackgroundJob() {
    if (thread_.joinable()) thread_.join();
}

bool BackgroundJob::start(std::function<void()> work, std::function<void(const QString& error)> done) {
    if (running_) return false;
    if (thread_.joinable()) thread_.join();   // finished, its completion not yet delivered: returns at once
    running_ = true;
    done_ = std::move(done);
    Q_EMIT runningChanged(true);
    thread_ = std::thread([this, work = std::move(work)] {
        QString error;
        try {
            work();
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
            if (error.isEmpty()) error = tr("unknown error");
        } catch (...) {
            error = tr("unknown error");
        }
        // `this` outlives the thread (the destructor joins); a completion posted to a destroyed object is dropped.
        QMetaObject::invokeMethod(this, [this, error] { complete(error); }, Qt::QueuedConnection);
    });
    return true;
}

void BackgroundJob::complete(const QString& error) {
    if (thread_.joinable()) thread_.join();
    running_ = false;
    auto done = std::move(done_);
    done_ = nullptr;
    Q_EMIT runningChanged(false);
    if (done) done(error);
}

}  // namespace l1ra::ui
