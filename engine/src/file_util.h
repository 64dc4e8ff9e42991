#pragma once
// Small file helpers whose errors name the file: reading whole files and writing atomically.
#include <functional>
#include <ostream>
#include <string>

namespace l1ra {

std::string readTextFile(const std::string& path);   // throws l1ra::Error "cannot read <path>: <reason>"
bool fileExists(const std::string& path);
bool isDirectory(const std::string& path);

// Writes through `fill` into a temporary file next to `path`, flushes it to disk and renames it into
// place: a crash leaves the old file or the complete new one.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& fill);
void writeTextFileAtomically(const std::string& path, const std::string& text);

}  // namespace l1ra
