#include "setup/model_summary.h"

#include <QCoreApplication>
#include <QStringList>

namespace l1ra::ui {

QString formatCount(qint64 count) {
    const double c = double(count);
    if (count < 10000) return QString::number(count);
    if (count < 1000000) return QStringLiteral("%1 k").arg(c / 1e3, 0, 'f', 0);
    if (count < 1000000000) return QStringLiteral("%1 M").arg(c / 1e6, 0, 'f', c < 1e7 ? 2 : 1);
    return QStringLiteral("%1 B").arg(c / 1e9, 0, 'f', 1);
}

QString formatBytes(qint64 bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    return unit == 0 ? QStringLiteral("%1 B").arg(bytes) : QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(QLatin1String(units[unit]));
}

QString describeModel(const l1ra::ModelInfo& info) {
    auto tr = [](const char* text) { return QCoreApplication::translate("l1ra::ui::ModelSummary", text); };
    QStringList parts;
    parts << tr("%1 layers").arg(info.numLayers);
    parts << tr("hidden %1").arg(info.hiddenSize);
    if (info.numKvHeads > 0 && info.numKvHeads != info.numHeads)
        parts << tr("%1 heads (%2 KV)").arg(info.numHeads).arg(info.numKvHeads);
    else
        parts << tr("%1 heads").arg(info.numHeads);
    parts << tr("%1 parameters").arg(formatCount(info.parameters));
    parts << QString::fromStdString(info.storedDtype);
    parts << QString::fromStdString(info.modelType);
    if (info.tokenizer.empty()) parts << tr("no tokenizer");
    else if (!info.tokenizerKind.empty()) parts << QString::fromStdString(info.tokenizerKind);
    else parts << tr("tokenizer unreadable");
    // The chat template decides how instruction and chat data are rendered (data.template auto).
    if (info.chatTemplate.empty()) parts << tr("no chat template");
    else parts << tr("%1 chat template").arg(QString::fromStdString(info.chatTemplate));
    return parts.join(QStringLiteral(" \u00b7 "));
}

}  // namespace l1ra::ui
