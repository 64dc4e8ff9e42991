#include "log/tensorboard_log.h"

#include "l1ra/training_events.h"
#include "log/rank_heatmap_png.h"
#include "l1ra/projections.h"

#include <nlohmann/json.hpp>

namespace l1ra {

using nlohmann::json;

namespace {

// [[q, k, v, o, gate, up, down], ...] per layer -> one flat list.
template <typename T>
std::vector<T> flatten(const json& perLayer) {
    std::vector<T> out;
    if (!perLayer.is_array()) return out;
    for (const json& layer : perLayer)
        if (layer.is_array())
            for (const json& v : layer) out.push_back(v.is_number() ? v.get<T>() : T{});
    return out;
}

}  // namespace

void TensorBoardLog::metricsLine(const std::string& line) {
    const json j = json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("step")) return;
    const int64_t step = j["step"].get<int64_t>();
    auto scalar = [&](const char* key, const char* tag) {
        if (j.contains(key) && j[key].is_number()) writer_.scalar(tag, step, j[key].get<double>());
    };
    if (j.contains("val_loss")) {
        scalar("val_loss", "val/loss");
        scalar("val_perplexity", "val/perplexity");
        return;
    }
    scalar("loss", "train/loss");
    scalar("lr", "train/learning_rate");
    scalar("lambda", "l1ra/lambda");
    if (j.value("budget", 0) > 0) writer_.scalar("l1ra/budget_use", step, j.value("total_rank", 0.0) / j["budget"].get<double>());
    scalar("tokens_per_s", "perf/tokens_per_s");
}

void TensorBoardLog::ranksLine(const std::string& line) {
    const json j = json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("step") || !j.contains("ranks")) return;
    RankSnapshot s;
    s.step = j["step"].get<int64_t>();
    s.ranks = flatten<int>(j["ranks"]);
    for (int t : flatten<int>(j.value("targeted", json::array()))) s.targeted.push_back(t != 0);
    s.numLayers = int(s.ranks.size() / kProjectionCount);
    if (s.numLayers == 0) return;
    writer_.image("ranks/heatmap", s.step, kProjectionCount * kHeatmapCellPixels, s.numLayers * kHeatmapCellPixels, rankHeatmapPng(s));
}

}  // namespace l1ra
