#include "metrics_csv.h"

#include "text_file.h"

#include <QStringList>

#include <map>

namespace l1ra::ui {

namespace {

QString number(double value) { return QString::number(value, 'g', 10); }

}  // namespace

QString metricsCsv(const l1ra::RunRecord& record) {
    struct Row {
        const l1ra::StepEvent* step = nullptr;
        const l1ra::EvalEvent* eval = nullptr;
    };
    std::map<int64_t, Row> rows;   // ordered by step
    for (const l1ra::StepEvent& s : record.steps) rows[s.step].step = &s;
    for (const l1ra::EvalEvent& e : record.evals) rows[e.step].eval = &e;

    QString out = QStringLiteral(
        "step,loss,lr,grad_norm,lambda,tokens,tokens_per_s,step_s,elapsed_s,memory_bytes,total_rank,budget,val_loss,val_perplexity\n");
    for (const auto& [step, row] : rows) {
        QStringList cells{QString::number(step)};
        if (const l1ra::StepEvent* s = row.step) {
            cells << number(s->loss) << number(s->lr) << number(s->gradNorm) << number(s->lambda) << QString::number(s->tokens)
                  << number(s->tokensPerSecond) << number(s->stepSeconds) << number(s->elapsedSeconds)
                  << QString::number(s->memoryBytes) << QString::number(s->totalRank) << QString::number(s->budget);
        } else {
            for (int i = 0; i < 11; ++i) cells << QString();
        }
        if (const l1ra::EvalEvent* e = row.eval) cells << number(e->loss) << number(e->perplexity);
        else cells << QString() << QString();
        out += cells.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

bool writeMetricsCsv(const l1ra::RunRecord& record, const QString& path, QString* error) {
    return writeTextFile(path, metricsCsv(record), error);
}

}  // namespace l1ra::ui
