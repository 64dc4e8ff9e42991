#pragma once
// Where a model folder really is. Besides plain Hugging Face folders, the engine accepts an entry of the Hugging
// Face hub cache as huggingface_hub leaves it (`models--org--name/{refs,snapshots,blobs}`), so a model that is
// already downloaded can be named without digging out its snapshot hash.
#include "l1ra/api.h"

#include <string>
#include <vector>

L1RA_API_BEGIN
namespace l1ra {

// `models--org--name` -> its snapshots/<hash> named by refs/main, else its only or newest snapshot. Any other
// path comes back unchanged (existing or not: the caller reports what is missing). Throws l1ra::Error naming the
// entry when it has no snapshot, or refs/main names one that is not there.
std::string resolveModelFolder(const std::string& path);

// The hub cache as huggingface_hub finds it: $HF_HUB_CACHE, else $HF_HOME/hub, else
// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. The folder may not exist.
std::string huggingFaceHubCache();

struct CachedModel {
    std::string repoId;     // "org/name"
    std::string entry;      // <cache>/models--org--name: what the studio's model field shows
    std::string snapshot;   // the folder resolveModelFolder(entry) gives
};

// The model entries of a hub cache whose resolved snapshot holds a config.json, sorted by repoId; entries that
// do not resolve are skipped (a listing must not fail on one broken download). Empty when `hubCache` is absent.
std::vector<CachedModel> findCachedModels(const std::string& hubCache);

}  // namespace l1ra
L1RA_API_END
