#include "l1ra/projections.h"
#include "rank_history_csv.h"

#include "text_file.h"

#include "l1ra/run_config.h"

namespace l1ra::ui {

QString rankHistoryCsv(const l1ra::RunRecord& record) {
    QString out = QStringLiteral("step,layer,projection,rank,gate_mass\n");
    const auto& names = l1ra::projectionNames();
    for (const l1ra::RankSnapshot& s : record.snapshots) {
        for (int layer = 0; layer < s.numLayers; ++layer) {
            for (int p = 0; p < int(names.size()); ++p) {
                const std::size_t i = rankCell(layer, p);
                if (i >= s.ranks.size() || (i < s.targeted.size() && !s.targeted[i])) continue;
                const double mass = i < s.gateMass.size() ? s.gateMass[i] : double(s.ranks[i]);
                out += QStringLiteral("%1,%2,%3,%4,%5\n")
                           .arg(s.step)
                           .arg(layer)
                           .arg(QString::fromStdString(names[std::size_t(p)]))
                           .arg(s.ranks[i])
                           .arg(QString::number(mass, 'g', 8));
            }
        }
    }
    return out;
}

bool writeRankHistoryCsv(const l1ra::RunRecord& record, const QString& path, QString* error) {
    return writeTextFile(path, rankHistoryCsv(record), error);
}

}  // namespace l1ra::ui
