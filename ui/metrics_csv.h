#pragma once
// A run's training metrics as CSV, one row per logged step (evaluations joined on their step):
// step,loss,lr,grad_norm,lambda,tokens,tokens_per_s,step_s,elapsed_s,memory_bytes,total_rank,budget,val_loss,val_perplexity
// Empty cells where a row has no such value (an evaluation at a step that was not logged).
#include "l1ra/run_record.h"

#include <QString>

namespace l1ra::ui {

QString metricsCsv(const l1ra::RunRecord& record);
bool writeMetricsCsv(const l1ra::RunRecord& record, const QString& path, QString* error = nullptr);

}  // namespace l1ra::ui
