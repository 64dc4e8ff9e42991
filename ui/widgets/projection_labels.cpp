#include "widgets/projection_labels.h"

#include "l1ra/run_config.h"

namespace l1ra::ui {

QString shortProjectionName(int projection) {
    const auto& names = l1ra::projectionNames();
    if (projection < 0 || projection >= int(names.size())) return {};
    QString name = QString::fromStdString(names[std::size_t(projection)]);
    return name.endsWith(QLatin1String("_proj")) ? name.left(name.size() - 5) : name;
}

QColor projectionColor(int projection) {
    static const QRgb colors[kProjectionCount] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1};
    return QColor::fromRgb(colors[(projection % kProjectionCount + kProjectionCount) % kProjectionCount]);
}

}  // namespace l1ra::ui
