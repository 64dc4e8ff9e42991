#include "training_progress.h"

#include "l1ra/run_config.h"
#include "l1ra/run_record.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace l1ra::cli {

namespace {

std::string clock(double seconds) {
    const long s = long(seconds + 0.5);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else std::snprintf(buf, sizeof(buf), "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

std::string withType(const std::string& json, const char* type) {
    auto j = nlohmann::json::parse(json);
    j["type"] = type;
    return j.dump();
}

}  // namespace

void TrainingProgress::endBar() {
    if (barShown_) out_ << "\n";
    barShown_ = false;
}

void TrainingProgress::onState(RunState s, const std::string& detail) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) {
        out_ << nlohmann::json{{"type", "state"}, {"state", runStateName(s)}, {"detail", detail}}.dump() << std::endl;
        return;
    }
    if (s == RunState::Paused || s == RunState::Stopping || s == RunState::Finished || s == RunState::Stopped) {
        endBar();
        out_ << runStateName(s) << (detail.empty() ? "" : ": " + detail) << std::endl;
    }
}

void TrainingProgress::onStep(const StepEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) {
        out_ << withType(stepEventToJson(e), "step") << std::endl;
        return;
    }
    char stats[160];
    std::snprintf(stats, sizeof(stats), "step %lld/%lld  loss %.4f  lr %.2e  %.0f tok/s  ETA %s", (long long)e.step,
                  (long long)e.totalSteps, e.loss, e.lr, e.tokensPerSecond, clock(e.etaSeconds).c_str());
    if (style_ == Style::Bar) {
        const int width = 24;
        const int filled = e.totalSteps > 0 ? int(width * e.step / e.totalSteps) : 0;
        out_ << "\r[" << std::string(std::size_t(filled), '#') << std::string(std::size_t(width - filled), ' ') << "] " << stats
             << "\033[K" << std::flush;
        barShown_ = true;
        return;
    }
    // Plain lines: about twenty per run, and the last step.
    const int64_t every = std::max<int64_t>(1, e.totalSteps / 20);
    if (e.step - lastLineStep_ >= every || e.step == e.totalSteps || e.step == 1) {
        out_ << stats << std::endl;
        lastLineStep_ = e.step;
    }
}

void TrainingProgress::onEval(const EvalEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) {
        out_ << withType(evalEventToJson(e), "eval") << std::endl;
        return;
    }
    endBar();
    char buf[128];
    std::snprintf(buf, sizeof(buf), "step %lld  validation loss %.4f  perplexity %.3f", (long long)e.step, e.loss, e.perplexity);
    out_ << buf << std::endl;
}

void TrainingProgress::onReallocation(const ReallocationEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) {
        out_ << reallocationEventToJson(e) << std::endl;
        return;
    }
    if (e.moves.empty()) return;
    endBar();
    out_ << "step " << e.step << "  reallocation: " << e.pruned << " ranks pruned, " << e.added << " added, budget " << e.budget;
    int shown = 0;
    for (const auto& m : e.moves) {
        if (shown++ == 6) {
            out_ << " ...";
            break;
        }
        out_ << "  L" << m.layer << "." << projectionNames()[std::size_t(m.projection)] << " " << m.before << "->" << m.after;
    }
    out_ << std::endl;
}

void TrainingProgress::onControl(const ControlEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) {
        out_ << controlEventToJson(e) << std::endl;
        return;
    }
    endBar();
    out_ << "step " << e.step << "  " << controlKindName(e.kind) << (e.detail.empty() ? "" : " (" + e.detail + ")") << std::endl;
}

void TrainingProgress::onCheckpoint(const CheckpointEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) {
        out_ << nlohmann::json{{"type", "checkpoint"}, {"step", e.step}, {"path", e.path}, {"best", e.best}}.dump() << std::endl;
        return;
    }
    endBar();
    out_ << "step " << e.step << "  " << (e.best ? "best checkpoint " : "checkpoint ") << e.path << std::endl;
}

void TrainingProgress::onSnapshot(const RankSnapshot& s) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) out_ << withType(rankSnapshotToJson(s), "ranks") << std::endl;
}

void TrainingProgress::onDivergence(const DivergenceEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) out_ << withType(divergenceEventToJson(e), "divergence") << std::endl;
}

void TrainingProgress::onSample(const SampleEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) out_ << withType(sampleEventToJson(e), "sample") << std::endl;
}

void TrainingProgress::onLog(const LogEvent& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    const char* level = e.level == LogEvent::Level::Error ? "error" : e.level == LogEvent::Level::Warning ? "warning" : "info";
    if (style_ == Style::Json) {
        out_ << nlohmann::json{{"type", "log"}, {"level", level}, {"text", e.text}}.dump() << std::endl;
        return;
    }
    endBar();
    (e.level == LogEvent::Level::Info ? out_ : err_) << (e.level == LogEvent::Level::Info ? "" : std::string(level) + ": ") << e.text << std::endl;
}

void TrainingProgress::message(const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (style_ == Style::Json) {
        out_ << nlohmann::json{{"type", "log"}, {"level", "info"}, {"text", text}}.dump() << std::endl;
        return;
    }
    endBar();
    out_ << text << std::endl;
}

}  // namespace l1ra::cli
