#pragma once
// Small file helpers whose errors name the file: reading whole files and writing atomically.
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace l1ra {

std::string readTextFile(const std::string& path);   // throws l1ra::Error "cannot read <path>: <reason>"
bool fileExists(const std::string& path);
bool isDirectory(const std::string& path);

// Writes through `fill` into a temporary file next to `path`, flushes it to disk and renames it into
// place: a crash leaves the old file or the complete new one. Every write, the flush, the close and the fsync
// are checked; on a failure the temporary is removed and the l1ra::Error names the path, the reason and, for a
// full disk or a file-size limit, the bytes needed (`bytes`, the size `fill` writes) and the bytes free.
void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& fill, uint64_t bytes = 0);
void writeTextFileAtomically(const std::string& path, const std::string& text);

// "cannot write PATH: disk full (needs 12.3 MiB, 1.2 MiB free)": the message for a write that failed with
// `error` (an errno value); the free space is that of the file system holding `path`.
std::string writeFailureMessage(const std::string& path, int error, uint64_t bytes);

}  // namespace l1ra
