#pragma once
// Writing a whole folder so that a crash leaves either the old folder or the complete new one.
#include <functional>
#include <string>

namespace l1ra {

// Calls fill(tempDir) on an empty sibling folder of `target`, then moves it into place: a plain rename when
// `target` does not exist, an atomic exchange (renameat2 RENAME_EXCHANGE) when it does and `replace` is set.
// Throws l1ra::Error when `target` exists and `replace` is not set, or on any I/O failure (the temp is removed).
void writeFolderAtomically(const std::string& target, bool replace, const std::function<void(const std::string&)>& fill);

}  // namespace l1ra
