#pragma once
// File helpers for the demo builder. Every error is an l1ra::Error that names the file.
#include <string>
#include <vector>

namespace l1ra::demo {

std::string readWholeFile(const std::string& path);            // throws "cannot read <path>: <reason>"
void requireDirectory(const std::string& path, const std::string& why);  // throws "<why>: missing folder <path>"
void requireFile(const std::string& path, const std::string& why);
bool isRegularFile(const std::string& path);

// Regular files (symlinks followed) directly inside `dir`, sorted by name so output never depends on the
// order the file system lists them in.
std::vector<std::string> listFileNames(const std::string& dir);

std::string joinPath(const std::string& dir, const std::string& name);
std::string baseName(const std::string& path);

// Writes to a temporary file beside `path`, flushes it to disk and renames it into place: a reader (or a
// crash) sees the old file or the complete new one, never half of it.
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace l1ra::demo
