#pragma once
// Writes a whole text file (UTF-8) atomically: readers never see half of it.
#include <QString>

namespace l1ra::ui {

bool writeTextFile(const QString& path, const QString& text, QString* error = nullptr);

}  // namespace l1ra::ui
