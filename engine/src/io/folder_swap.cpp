#include "io/folder_swap.h"

#include "l1ra/error.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace l1ra {

namespace fs = std::filesystem;

void writeFolderAtomically(const std::string& target, bool replace, const std::function<void(const std::string&)>& fill) {
    std::error_code ec;
    const fs::path path = fs::absolute(target).lexically_normal();
    const bool exists = fs::exists(path, ec);
    if (exists && !replace) throw Error(target + " already exists (use --force to replace it)");
    if (exists && !fs::is_directory(path, ec)) throw Error(target + " exists and is not a folder");
    fs::create_directories(path.parent_path(), ec);
    if (ec) throw Error("cannot create " + path.parent_path().string() + ": " + ec.message());
    const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
    fs::remove_all(tmp, ec);
    fs::create_directory(tmp, ec);
    if (ec) throw Error("cannot create " + tmp.string() + ": " + ec.message());
    try {
        fill(tmp.string());
    } catch (...) {
        fs::remove_all(tmp, ec);
        throw;
    }
    if (!exists) {
        if (std::rename(tmp.c_str(), path.c_str()) != 0) {
            const std::string why = std::strerror(errno);
            fs::remove_all(tmp, ec);
            throw Error("cannot move the new folder into " + target + ": " + why);
        }
        return;
    }
    // The old folder and the new one trade places in one step; the old one is then deleted.
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE) != 0) {
        const std::string why = std::strerror(errno);
        fs::remove_all(tmp, ec);
        throw Error("cannot replace " + target + ": " + why);
    }
    fs::remove_all(tmp, ec);
}

}  // namespace l1ra
