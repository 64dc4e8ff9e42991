#pragma once
// Every rank snapshot of a run as CSV, one row per adapter and snapshot (untargeted projections left out):
// step,layer,projection,rank,gate_mass
#include "l1ra/run_record.h"

#include <QString>

namespace l1ra::ui {

QString rankHistoryCsv(const l1ra::RunRecord& record);
bool writeRankHistoryCsv(const l1ra::RunRecord& record, const QString& path, QString* error = nullptr);

}  // namespace l1ra::ui
