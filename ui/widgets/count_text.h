#pragma once
// "1 run", "3 runs": English plurals without a translation file (Qt's "%n run(s)" needs one to read well).
#include <QString>

namespace l1ra::ui {

inline QString countText(qint64 n, const QString& singular, const QString& plural) {
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? singular : plural);
}

}  // namespace l1ra::ui
