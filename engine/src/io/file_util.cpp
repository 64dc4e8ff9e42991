#include "io/file_util.h"

#include "l1ra/error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace l1ra {

std::string readTextFile(const std::string& path) {
    // An ifstream opens a folder and reads nothing: say what it is instead of returning "".
    if (isDirectory(path)) throw Error("cannot read " + path + ": it is a folder, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw Error("cannot read " + path + ": read error");
    return ss.str();
}

bool fileExists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool isDirectory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Bytes an unprivileged writer may still use on the file system holding `path` (or its nearest existing
// parent); -1 when unknown.
static int64_t freeBytes(const std::string& path) {
    std::filesystem::path p = std::filesystem::absolute(path);
    struct statvfs fs {};
    while (!p.empty()) {
        if (::statvfs(p.c_str(), &fs) == 0) return int64_t(fs.f_bavail) * int64_t(fs.f_frsize);
        if (p == p.parent_path()) break;
        p = p.parent_path();
    }
    return -1;
}

static std::string byteText(uint64_t bytes) {
    char text[32];
    if (bytes < 1024) std::snprintf(text, sizeof(text), "%llu bytes", static_cast<unsigned long long>(bytes));
    else if (bytes < (1ull << 20)) std::snprintf(text, sizeof(text), "%.1f KiB", double(bytes) / 1024.0);
    else if (bytes < (1ull << 30)) std::snprintf(text, sizeof(text), "%.1f MiB", double(bytes) / double(1ull << 20));
    else std::snprintf(text, sizeof(text), "%.2f GiB", double(bytes) / double(1ull << 30));
    return text;
}

std::string writeFailureMessage(const std::string& path, int error, uint64_t bytes) {
    std::string reason = error == ENOSPC ? "disk full" : error == EFBIG ? "file size limit exceeded" : error == EDQUOT ? "disk quota exceeded"
                         : error != 0    ? std::strerror(error)
                                         : "write failed";
    std::string sizes;
    if (bytes > 0) sizes = "needs " + byteText(bytes);
    const int64_t free = freeBytes(path);
    if (free >= 0 && (bytes > 0 || error == ENOSPC || error == EFBIG || error == EDQUOT))
        sizes += (sizes.empty() ? "" : ", ") + byteText(uint64_t(free)) + " free";
    return "cannot write " + path + ": " + reason + (sizes.empty() ? "" : " (" + sizes + ")");
}

// Flushes a written file to the disk: a delayed-allocation file system may only report a full disk here.
static int syncFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return errno;
    const int result = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return result;
}

void writeFileAtomically(const std::string& path, const std::function<void(std::ostream&)>& fill, uint64_t bytes) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    auto fail = [&](int error) {
        std::error_code ec;
        std::filesystem::remove(tmp, ec);
        return Error(writeFailureMessage(path, error, bytes));
    };
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw fail(errno);
        errno = 0;
        fill(out);
        // errno is read right after the failing call: the stream keeps no error code of its own.
        if (!out) throw fail(errno);
        out.flush();
        if (!out) throw fail(errno);
        out.close();
        if (!out) throw fail(errno);
    }
    if (const int error = syncFile(tmp)) throw fail(error);
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw fail(errno);
}

void writeTextFileAtomically(const std::string& path, const std::string& text) {
    writeFileAtomically(path, [&](std::ostream& out) { out.write(text.data(), std::streamsize(text.size())); }, text.size());
}

}  // namespace l1ra
