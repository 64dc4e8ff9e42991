#pragma once
// The files of a run folder (docs/run-folder.md): config.json, metrics.jsonl, ranks.jsonl, events.jsonl,
// samples.jsonl, summary.json. JSON lines are appended and flushed as they happen; a resumed run first cuts them back to
// its checkpoint so that nothing after it appears twice.
#include <fstream>
#include <memory>
#include <string>

namespace l1ra {

struct RunConfig;
class TensorBoardLog;

class RunFiles {
public:
    // A new run: the folder must not exist or be empty. Writes config.json.
    static RunFiles create(const std::string& dir, const RunConfig& config);
    // An existing run continued after step `step`: lines with a larger step are removed.
    static RunFiles reopen(const std::string& dir, int64_t step);
    // The files of a data-parallel process other than rank 0: only rank 0 writes the run folder, so every
    // append here does nothing.
    static RunFiles none();

    RunFiles(RunFiles&&) noexcept;
    ~RunFiles();

    // Each throws l1ra::Error naming the file (and, for a full disk, the bytes) when the line cannot be written.
    // Metrics and rank lines also go to the TensorBoard event file when the run config asks for one.
    void appendMetrics(const std::string& line);
    void appendRanks(const std::string& line);
    void appendEvent(const std::string& line) { append(events_, "events.jsonl", line); }   // all do nothing for none()
    void appendSample(const std::string& line);   // samples.jsonl is created with the first sample
    void writeSummary(const std::string& json);
    const std::string& dir() const { return dir_; }

private:
    RunFiles(const std::string& dir, bool tensorboard);
    void append(std::ofstream& out, const char* name, const std::string& line);
    RunFiles() = default;
    std::string dir_;
    bool writes_ = true;
    std::ofstream metrics_, ranks_, events_, samples_;
    std::unique_ptr<TensorBoardLog> tensorboard_;
};

}  // namespace l1ra
