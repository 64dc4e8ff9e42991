#include "l1ra/model_location.h"

#include "io/file_util.h"
#include "l1ra/error.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace l1ra {

namespace fs = std::filesystem;

namespace {

const char kEntryPrefix[] = "models--";

bool isCacheEntry(const fs::path& dir) {
    std::error_code ec;
    return dir.filename().string().rfind(kEntryPrefix, 0) == 0 && fs::is_directory(dir / "snapshots", ec) &&
           !fs::exists(dir / "config.json", ec);
}

std::string trimmed(std::string s) {
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    return s;
}

// The snapshot most recently written: what huggingface_hub fetched last when refs/main is gone.
fs::path newestSnapshot(const fs::path& snapshots) {
    fs::path best;
    fs::file_time_type bestTime;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(snapshots, ec)) {
        if (!e.is_directory(ec)) continue;
        const auto t = e.last_write_time(ec);
        if (ec) continue;
        if (best.empty() || t > bestTime) best = e.path(), bestTime = t;
    }
    return best;
}

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

}  // namespace

std::string resolveModelFolder(const std::string& path) {
    if (path.empty()) return path;
    fs::path dir(path);
    if (dir.filename().empty()) dir = dir.parent_path();   // "models--a--b/" names the entry too
    if (!isCacheEntry(dir)) return path;
    const fs::path snapshots = dir / "snapshots";
    const fs::path ref = dir / "refs" / "main";
    if (fileExists(ref.string())) {
        const std::string hash = trimmed(readTextFile(ref.string()));
        const fs::path snapshot = snapshots / hash;
        if (hash.empty() || hash.find('/') != std::string::npos || !isDirectory(snapshot.string()))
            throw Error(ref.string() + ": names snapshot '" + hash + "', which is not in " + snapshots.string() +
                        " (an unfinished download? fetch the model again)");
        return snapshot.string();
    }
    const fs::path newest = newestSnapshot(snapshots);
    if (newest.empty()) throw Error(dir.string() + ": a Hugging Face cache entry without any snapshot in snapshots/ (an unfinished download?)");
    return newest.string();
}

std::string huggingFaceHubCache() {
    if (const std::string hub = env("HF_HUB_CACHE"); !hub.empty()) return hub;
    if (const std::string home = env("HF_HOME"); !home.empty()) return home + "/hub";
    if (const std::string cache = env("XDG_CACHE_HOME"); !cache.empty()) return cache + "/huggingface/hub";
    return env("HOME") + "/.cache/huggingface/hub";
}

std::vector<CachedModel> findCachedModels(const std::string& hubCache) {
    std::vector<CachedModel> models;
    std::error_code ec;
    if (!fs::is_directory(hubCache, ec)) return models;
    for (const auto& e : fs::directory_iterator(hubCache, ec)) {
        if (!isCacheEntry(e.path())) continue;
        CachedModel m;
        m.entry = e.path().string();
        std::string name = e.path().filename().string().substr(sizeof(kEntryPrefix) - 1);
        if (const auto sep = name.find("--"); sep != std::string::npos) name.replace(sep, 2, "/");
        m.repoId = name;
        try {
            m.snapshot = resolveModelFolder(m.entry);
        } catch (const Error&) {
            continue;
        }
        if (fileExists(m.snapshot + "/config.json")) models.push_back(m);
    }
    std::sort(models.begin(), models.end(), [](const CachedModel& a, const CachedModel& b) { return a.repoId < b.repoId; });
    return models;
}

}  // namespace l1ra
