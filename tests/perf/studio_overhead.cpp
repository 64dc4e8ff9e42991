// What the studio costs a training run: the same run headless (the engine on its thread, no window) and with
// the main window attached (offscreen), alternating. Reports
//   - training throughput (input tokens per second from the Running state to the run's end) in each mode;
//   - GUI-thread stalls: a 5 ms timer on the GUI thread, the gaps between its ticks (max and 99th percentile).
//     The headless mode runs the same timer in a bare event loop: the machine's own jitter, for reference.
//   - the GUI thread's CPU time while training, as a share of a core: what the window costs whatever else the
//     machine is doing (on a shared machine the throughput comparison drowns in noise; this does not).
// Targets: no stall over 50 ms with the window; attached throughput within 3 % of headless.
// Not a ctest: run it on a quiet machine (docs/performance.md, "Studio overhead").
//
//   QT_QPA_PLATFORM=offscreen studio_overhead [--steps N] [--seq-len N] [--batch N] [--threads N] [--rounds N]
//                                             [--warmup N] [--model DIR] [--data FILE]
#include "shell/main_window.h"
#include "setup/run_config_form.h"
#include "shell/studio_app.h"
#include "live/training_controller.h"

#include "l1ra/run_config.h"
#include "l1ra/training_session.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
    int steps = 150;
    int seqLen = 128;
    int batch = 8;
    int threads = 0;
    int rounds = 2;
    int warmup = 10;   // steps left out of the throughput: the first ones pay for allocations
    std::string model = L1RA_TEST_DATA "/tiny-llama";
    std::string data = L1RA_TEST_DATA "/tiny-text.txt";
};

struct Measurement {
    double tokensPerSecond = 0;
    double maxGapMs = 0;
    double p99GapMs = 0;
    int ticks = 0;
    double guiCpuShare = 0;   // GUI-thread CPU time / wall time while training (1 = one core busy)
};

// CPU time the calling thread has used: what the GUI costs, whatever else the machine is doing.
double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

l1ra::RunConfig benchConfig(const Options& o) {
    l1ra::RunConfig c;
    c.name = "studio overhead";
    c.model.path = o.model;
    c.data.train = o.data;
    c.train.steps = o.steps;
    c.train.seqLen = o.seqLen;
    c.train.batchSize = o.batch;
    c.adapter.rank = 8;
    c.l1ra.etaC = 0.1;
    c.l1ra.lambda = 0.5;
    c.l1ra.updateInterval = 10;   // a reallocation (and snapshot) every 10 steps: the heatmap keeps moving
    c.train.lr = 0.01;
    c.eval.every = 0;
    c.eval.batches = 1;
    c.threads = o.threads;
    return c;
}

// Gaps between the ticks of a 5 ms timer on the calling thread's event loop, while `active` says so.
class StallMeter {
public:
    StallMeter() {
        timer_.setTimerType(Qt::PreciseTimer);
        timer_.setInterval(5);
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            const qint64 now = clock_.nsecsElapsed();
            if (measuring_ && last_ >= 0) gaps_.push_back(double(now - last_) / 1e6);
            last_ = now;
        });
        clock_.start();
        timer_.start();
    }
    void setMeasuring(bool on) {
        measuring_ = on;
        last_ = -1;
    }
    void fill(Measurement& m) const {
        std::vector<double> g = gaps_;
        std::sort(g.begin(), g.end());
        m.ticks = int(g.size());
        if (g.empty()) return;
        m.maxGapMs = g.back();
        m.p99GapMs = g[std::min(g.size() - 1, std::size_t(double(g.size()) * 0.99))];
    }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = -1;
    bool measuring_ = false;
    std::vector<double> gaps_;
};

// From the end of the warm-up step to the end of the run (its last evaluation and checkpoint included: the
// same in both modes).
double tokensPerSecond(const Options& o, double seconds) { return double(o.steps - o.warmup) * o.batch * o.seqLen / seconds; }

// The engine alone: its events go to a sink that only notes when the warm-up ended.
Measurement headless(const Options& o, const QString& runDir) {
    struct Sink : l1ra::TrainingEventSink {
        std::atomic<qint64> runningAt{-1};
        QElapsedTimer* clock = nullptr;
        int64_t warmup = 0;
        void onStep(const l1ra::StepEvent& e) override {
            if (e.step == warmup) runningAt = clock->nsecsElapsed();
        }
    } sink;
    sink.warmup = o.warmup;
    QElapsedTimer clock;
    clock.start();
    sink.clock = &clock;
    l1ra::TrainingSession session(benchConfig(o), runDir.toStdString(), &sink);
    StallMeter meter;
    meter.setMeasuring(true);
    const double cpuStart = threadCpuSeconds();
    std::atomic<qint64> endedAt{-1};
    std::thread worker([&] {
        session.run();
        endedAt = clock.nsecsElapsed();
        QMetaObject::invokeMethod(qApp, [] { QCoreApplication::exit(0); }, Qt::QueuedConnection);
    });
    QCoreApplication::exec();
    worker.join();
    Measurement m;
    meter.fill(m);
    m.tokensPerSecond = tokensPerSecond(o, double(endedAt - sink.runningAt) / 1e9);
    m.guiCpuShare = (threadCpuSeconds() - cpuStart) / (double(clock.nsecsElapsed()) / 1e9);
    return m;
}

// The whole studio: the run started from the setup page with the Start action, every widget live.
Measurement attached(const Options& o, const QString& runsRoot) {
    l1ra::ui::MainWindow window(nullptr, runsRoot);
    window.resize(1440, 900);
    window.show();
    window.runConfigForm()->setConfig(benchConfig(o));
    StallMeter meter;
    QElapsedTimer clock;
    qint64 runningAt = -1, endedAt = -1, measuringFrom = -1;
    double cpuAtRunning = 0, cpuAtEnd = 0;
    l1ra::ui::TrainingController* controller = window.controller();
    QObject::connect(controller, &l1ra::ui::TrainingController::stateChanged, [&](l1ra::RunState s) {
        if (s == l1ra::RunState::Running && measuringFrom < 0) {
            meter.setMeasuring(true);
            measuringFrom = clock.nsecsElapsed();
            cpuAtRunning = threadCpuSeconds();
        }
    });
    QObject::connect(controller, &l1ra::ui::TrainingController::stepReceived, [&](const l1ra::StepEvent& e) {
        if (e.step == o.warmup) runningAt = clock.nsecsElapsed();
    });
    QObject::connect(controller, &l1ra::ui::TrainingController::finished, [&] {
        endedAt = clock.nsecsElapsed();
        cpuAtEnd = threadCpuSeconds();
        meter.setMeasuring(false);
        QCoreApplication::exit(0);
    });
    clock.start();
    window.actions().start->trigger();
    if (!controller->isActive()) {
        std::fprintf(stderr, "studio_overhead: the run did not start: %s\n", qPrintable(controller->lastError()));
        std::exit(1);
    }
    QCoreApplication::exec();
    Measurement m;
    meter.fill(m);
    m.tokensPerSecond = tokensPerSecond(o, double(endedAt - runningAt) / 1e9);
    m.guiCpuShare = (cpuAtEnd - cpuAtRunning) / (double(endedAt - measuringFrom) / 1e9);
    return m;
}

bool parse(int argc, char** argv, Options* o) {
    for (int i = 1; i < argc; ++i) {
        const auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
        if (!std::strcmp(argv[i], "--steps")) o->steps = std::atoi(value());
        else if (!std::strcmp(argv[i], "--seq-len")) o->seqLen = std::atoi(value());
        else if (!std::strcmp(argv[i], "--batch")) o->batch = std::atoi(value());
        else if (!std::strcmp(argv[i], "--threads")) o->threads = std::atoi(value());
        else if (!std::strcmp(argv[i], "--rounds")) o->rounds = std::atoi(value());
        else if (!std::strcmp(argv[i], "--warmup")) o->warmup = std::atoi(value());
        else if (!std::strcmp(argv[i], "--model")) o->model = value();
        else if (!std::strcmp(argv[i], "--data")) o->data = value();
        else return false;
    }
    return o->steps > o->warmup && o->warmup > 0 && o->seqLen > 0 && o->batch > 0 && o->rounds > 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, &o)) {
        std::fprintf(stderr, "usage: studio_overhead [--steps N] [--seq-len N] [--batch N] [--threads N] [--rounds N] [--warmup N] [--model DIR] [--data FILE]\n");
        return 2;
    }
    QApplication app(argc, argv);
    l1ra::ui::setApplicationNames();
    QTemporaryDir temp;
    // Keep the user's settings out of it (and the window's saved layout out of the measurement).
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, temp.filePath(QStringLiteral("settings")));

    std::printf("studio_overhead: %s, %d steps of %d x %d tokens, threads %d, %d rounds (headless, attached alternating)\n",
                o.model.c_str(), o.steps, o.batch, o.seqLen, o.threads, o.rounds);
    std::vector<Measurement> bare, studio;
    for (int r = 0; r < o.rounds; ++r) {
        bare.push_back(headless(o, temp.filePath(QStringLiteral("headless-%1").arg(r))));
        std::printf("  round %d headless: %8.0f tok/s, timer gap max %6.1f ms, p99 %5.1f ms (%d ticks), event loop CPU %4.1f %% of a core\n",
                    r + 1, bare.back().tokensPerSecond, bare.back().maxGapMs, bare.back().p99GapMs, bare.back().ticks,
                    100 * bare.back().guiCpuShare);
        std::fflush(stdout);
        studio.push_back(attached(o, temp.filePath(QStringLiteral("attached-%1").arg(r))));
        std::printf("  round %d attached: %8.0f tok/s, GUI stall max %6.1f ms, p99 %5.1f ms (%d ticks), GUI thread CPU %4.1f %% of a core\n",
                    r + 1, studio.back().tokensPerSecond, studio.back().maxGapMs, studio.back().p99GapMs, studio.back().ticks,
                    100 * studio.back().guiCpuShare);
        std::fflush(stdout);
    }
    const auto mean = [](const std::vector<Measurement>& v, double Measurement::*field) {
        double sum = 0;
        for (const Measurement& m : v) sum += m.*field;
        return sum / double(v.size());
    };
    const auto worst = [](const std::vector<Measurement>& v, double Measurement::*field) {
        double w = 0;
        for (const Measurement& m : v) w = std::max(w, m.*field);
        return w;
    };
    const double headlessTps = mean(bare, &Measurement::tokensPerSecond), attachedTps = mean(studio, &Measurement::tokensPerSecond);
    const double slowdown = 100.0 * (headlessTps - attachedTps) / headlessTps;
    const double maxStall = worst(studio, &Measurement::maxGapMs), p99Stall = worst(studio, &Measurement::p99GapMs);
    std::printf("\nthroughput: headless %.0f tok/s, attached %.0f tok/s, slowdown %.1f %% (target <= 3 %%)\n", headlessTps, attachedTps, slowdown);
    std::printf("GUI stalls with the window: max %.1f ms, p99 %.1f ms (target: none over 50 ms); bare event loop: max %.1f ms, p99 %.1f ms\n",
                maxStall, p99Stall, worst(bare, &Measurement::maxGapMs), worst(bare, &Measurement::p99GapMs));
    // Load-independent view of the cost: the GUI thread's CPU time, as a share of the cores training uses.
    const double guiShare = mean(studio, &Measurement::guiCpuShare);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::printf("GUI thread CPU while training: %.1f %% of one core = %.1f %% of the machine's %u cores "
                "(the slowdown to expect when training uses every core)\n",
                100 * guiShare, 100 * guiShare / cores, cores);
    std::printf("%s\n", maxStall <= 50 && slowdown <= 3 ? "targets met" : "targets NOT met");
    return 0;
}
