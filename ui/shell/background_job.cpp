#include "shell/background_job.h"

#include <QMetaObject>

#include <algorithm>
#include <exception>
#include <utility>

namespace l1ra::ui {

BackgroundJob::BackgroundJob(QObject* parent, Policy policy) : QObject(parent), policy_(policy) {}

BackgroundJob::~BackgroundJob() {
    for (Thread& t : threads_) *t.cancelled = true;
    for (Thread& t : threads_)
        if (t.thread.joinable()) t.thread.join();
}

bool BackgroundJob::start(std::function<void()> work, Done done) {
    return start([work = std::move(work)](const CancelFlag&) { work(); }, std::move(done));
}

bool BackgroundJob::start(Work work, Done done) {
    if (running_ && policy_ == Policy::Refuse) return false;
    const bool wasRunning = running_;
    flagCurrent();   // Supersede: its completion finds a newer id and is dropped
    const quint64 id = ++nextId_;
    currentId_ = id;
    done_ = std::move(done);
    auto cancelled = std::make_shared<CancelFlag>(false);
    running_ = true;
    threads_.push_back({id, cancelled, std::thread([this, id, cancelled, work = std::move(work)] {
                            QString error;
                            try {
                                work(*cancelled);
                            } catch (const std::exception& e) {
                                error = QString::fromStdString(e.what());
                                if (error.isEmpty()) error = tr("unknown error");
                            } catch (...) {
                                error = tr("unknown error");
                            }
                            // `this` outlives the thread (the destructor joins); a completion posted to a
                            // destroyed object is dropped.
                            QMetaObject::invokeMethod(this, [this, id, error] { complete(id, error); }, Qt::QueuedConnection);
                        })});
    if (!wasRunning) Q_EMIT runningChanged(true);
    return true;
}

void BackgroundJob::flagCurrent() {
    for (Thread& t : threads_)
        if (t.id == currentId_) *t.cancelled = true;
}

void BackgroundJob::cancel() {
    flagCurrent();
    if (policy_ == Policy::Supersede && running_) {
        currentId_ = 0;   // no job's result is wanted now
        done_ = nullptr;
        running_ = false;
        Q_EMIT runningChanged(false);
    }
}

void BackgroundJob::complete(quint64 id, const QString& error) {
    const auto it = std::find_if(threads_.begin(), threads_.end(), [id](const Thread& t) { return t.id == id; });
    if (it == threads_.end()) return;
    it->thread.join();   // it has posted this call: returns at once
    const bool cancelled = *it->cancelled;
    threads_.erase(it);
    if (id != currentId_) return;   // superseded
    lastCancelled_ = cancelled;
    running_ = false;
    auto done = std::move(done_);
    done_ = nullptr;
    Q_EMIT runningChanged(false);
    if (done) done(error);
}

}  // namespace l1ra::ui
