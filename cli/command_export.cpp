#include "arguments.h"
#include "commands.h"
#include "l1ra/adapter_export.h"
#include "l1ra/error.h"
#include "l1ra/run_tables.h"

namespace l1ra::cli {

int runExport(const Args& args, std::ostream& out, std::ostream&) {
    Arguments a("export", args, {"--run", "--format", "--out", "--checkpoint", "--max-shard-size", "--dtype"}, {"--force"});
    const std::string format = a.required("--format");
    ExportOptions o;
    o.force = a.flag("--force");
    o.checkpoint = a.value("--checkpoint").value_or("");
    o.dtype = a.value("--dtype").value_or("");
    if (auto limit = a.value("--max-shard-size")) {
        char* end = nullptr;
        const long long n = std::strtoll(limit->c_str(), &end, 10);
        if (n <= 0 || *end != '\0') throw Error("--max-shard-size must be a positive number of bytes");
        o.maxShardBytes = n;
    }
    const std::string run = a.required("--run"), outDir = a.required("--out");
    std::string note;
    if (format == "peft") exportPeftAdapter(run, outDir, o);
    else if (format == "merged") note = exportMergedModel(run, outDir, o);
    else if (format == "gguf-lora") exportGgufLora(run, outDir, o);
    else if (format == "gguf") note = exportGgufModel(run, outDir, o);
    else if (format == "metrics-csv") exportMetricsCsv(run, outDir, o.force);
    else if (format == "ranks-csv") exportRankHistoryCsv(run, outDir, o.force);
    else throw Error("--format must be peft, merged, gguf-lora, gguf, metrics-csv or ranks-csv, not '" + format + "'");
    if (!note.empty()) out << note << "\n";
    out << "exported " << format << " to " << outDir << "\n";
    return 0;
}

}  // namespace l1ra::cli
