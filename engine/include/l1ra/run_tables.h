#pragma once
// A run's records as CSV tables, for spreadsheets and plotting scripts (`l1ra export --format metrics-csv|ranks-csv`,
// the studio's File ▸ Export). Numbers as printf's %.10g (metrics) and %.8g (gate mass); empty cells where a row
// has no such value.
#include "l1ra/api.h"
#include "l1ra/run_record.h"

#include <string>

L1RA_API_BEGIN
namespace l1ra {

// One row per logged step, evaluations joined on their step:
// step,loss,lr,grad_norm,lambda,tokens,tokens_per_s,step_s,elapsed_s,memory_bytes,total_rank,budget,val_loss,val_perplexity
std::string metricsCsv(const RunRecord& record);
// One row per adapter and rank snapshot (untargeted projections left out): step,layer,projection,rank,gate_mass
std::string rankHistoryCsv(const RunRecord& record);

// The folder holding a run record: `dir` itself when it is a run folder, its l1ra_run/ when it is an adapter this
// project exported; "" when neither.
std::string runRecordFolder(const std::string& dir);

// Reads the record of `runDir` (a run folder or an exported adapter) and writes the table to `outFile` atomically.
// Throws l1ra::Error naming the folder when it holds no run record, or the file when it exists (without `replace`)
// or cannot be written.
void exportMetricsCsv(const std::string& runDir, const std::string& outFile, bool replace = false);
void exportRankHistoryCsv(const std::string& runDir, const std::string& outFile, bool replace = false);

}  // namespace l1ra
L1RA_API_END
