#pragma once
// One-line descriptions of a model folder and of large counts, for the setup page and status bars.
#include "l1ra/model_info.h"

#include <QString>

namespace l1ra::ui {

// "2 layers · hidden 64 · 4 heads (2 KV) · 0.1 M parameters · F32 · llama"
QString describeModel(const l1ra::ModelInfo& info);
// 950 -> "950", 123456 -> "123 k", 6738415616 -> "6.7 B"
QString formatCount(qint64 count);
// 2048 -> "2.0 KiB", 3 << 30 -> "3.0 GiB"
QString formatBytes(qint64 bytes);

}  // namespace l1ra::ui
