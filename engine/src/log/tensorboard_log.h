#pragma once
// logging.tensorboard: the run's metrics.jsonl and ranks.jsonl lines mirrored into a TensorBoard event file in the
// run folder, as they are written (docs/run-folder.md). Scalars: train/loss, train/learning_rate, l1ra/lambda,
// l1ra/budget_use (total rank / budget), perf/tokens_per_s, val/loss, val/perplexity; images: ranks/heatmap at
// the start and at each reallocation.
#include "log/tensorboard_writer.h"

#include <string>

namespace l1ra {

class TensorBoardLog {
public:
    explicit TensorBoardLog(const std::string& runDir) : writer_(runDir) {}
    void metricsLine(const std::string& json);   // a metrics.jsonl line: a step or an evaluation
    void ranksLine(const std::string& json);     // a ranks.jsonl line
    const std::string& path() const { return writer_.path(); }

private:
    TensorBoardWriter writer_;
};

}  // namespace l1ra
