#include "text/sentencepiece_tokenizer.h"

#include "l1ra/error.h"
#include "../spm/spm_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <mutex>

namespace l1ra::text {

namespace {

struct SpmApi {
    void* lib = nullptr;
    std::string path;
    std::string error;
    int (*abiVersion)() = nullptr;
    void* (*load)(const char*, char*, size_t) = nullptr;
    void (*release)(void*) = nullptr;
    int (*vocabSize)(void*) = nullptr;
    int (*specialId)(void*, int) = nullptr;
    long (*encode)(void*, const char*, size_t, int*, size_t, char*, size_t) = nullptr;
    long (*encodeOffsets)(void*, const char*, size_t, int*, size_t*, size_t*, size_t, char*, size_t) = nullptr;
    long (*decode)(void*, const int*, size_t, char*, size_t, char*, size_t) = nullptr;
    long (*idToPiece)(void*, int, char*, size_t) = nullptr;
    int (*pieceToId)(void*, const char*, size_t) = nullptr;
    int (*isSpecial)(void*, int) = nullptr;
    int (*train)(const char*, char*, size_t) = nullptr;
    float (*score)(void*, int) = nullptr;
    int (*pieceType)(void*, int) = nullptr;
};

std::string executableDir() {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) return ".";
    std::string exe(buf, std::size_t(n));
    return exe.substr(0, exe.find_last_of('/'));
}

const SpmApi& spm() {
    static SpmApi api;
    static std::once_flag once;
    std::call_once(once, [] {
        std::vector<std::string> candidates;
        if (const char* env = std::getenv("L1RA_SPM_MODULE")) candidates.push_back(env);
        const std::string dir = executableDir();
        candidates.push_back(dir + "/libl1ra_spm.so");
        candidates.push_back(dir + "/../lib/l1ra/libl1ra_spm.so");
        for (const auto& c : candidates) {
            if (!std::filesystem::exists(c)) continue;
            // A new link namespace: the module's protobuf never meets LibTorch's.
            api.lib = ::dlmopen(LM_ID_NEWLM, c.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!api.lib) {
                api.error = "cannot load the tokenizer module " + c + ": " + ::dlerror();
                return;
            }
            api.path = c;
            break;
        }
        if (!api.lib) {
            api.error = "the tokenizer module libl1ra_spm.so was not found next to " + dir +
                        " (was the engine built with sentencepiece?)";
            return;
        }
        auto sym = [&](const char* name) { return ::dlsym(api.lib, name); };
        api.abiVersion = reinterpret_cast<int (*)()>(sym("l1ra_spm_abi_version"));
        api.load = reinterpret_cast<decltype(api.load)>(sym("l1ra_spm_load"));
        api.release = reinterpret_cast<decltype(api.release)>(sym("l1ra_spm_free"));
        api.vocabSize = reinterpret_cast<decltype(api.vocabSize)>(sym("l1ra_spm_vocab_size"));
        api.specialId = reinterpret_cast<decltype(api.specialId)>(sym("l1ra_spm_special_id"));
        api.encode = reinterpret_cast<decltype(api.encode)>(sym("l1ra_spm_encode"));
        api.encodeOffsets = reinterpret_cast<decltype(api.encodeOffsets)>(sym("l1ra_spm_encode_offsets"));
        api.decode = reinterpret_cast<decltype(api.decode)>(sym("l1ra_spm_decode"));
        api.idToPiece = reinterpret_cast<decltype(api.idToPiece)>(sym("l1ra_spm_id_to_piece"));
        api.pieceToId = reinterpret_cast<decltype(api.pieceToId)>(sym("l1ra_spm_piece_to_id"));
        api.isSpecial = reinterpret_cast<decltype(api.isSpecial)>(sym("l1ra_spm_is_special"));
        api.train = reinterpret_cast<decltype(api.train)>(sym("l1ra_spm_train"));
        api.score = reinterpret_cast<decltype(api.score)>(sym("l1ra_spm_score"));
        api.pieceType = reinterpret_cast<decltype(api.pieceType)>(sym("l1ra_spm_piece_type"));
        if (!api.abiVersion || api.abiVersion() != L1RA_SPM_ABI_VERSION || !api.load || !api.release || !api.vocabSize ||
            !api.specialId || !api.encode || !api.encodeOffsets || !api.decode || !api.idToPiece || !api.pieceToId ||
            !api.isSpecial || !api.train || !api.score || !api.pieceType) {
            api.error = "the tokenizer module " + api.path + " is from another version of L1RA Studio";
            api.lib = nullptr;
        }
    });
    if (!api.lib) throw Error(api.error);
    return api;
}

}  // namespace

std::string sentencepieceModulePath() {
    try {
        return spm().path;
    } catch (const Error& e) {
        return e.what();
    }
}

std::string sentencepieceModuleProblem() {
    try {
        spm();
        return {};
    } catch (const Error& e) {
        return e.what();
    }
}

std::shared_ptr<SentencepieceTokenizer> SentencepieceTokenizer::load(const std::string& path, const TokenizerConfig& config) {
    if (!std::filesystem::exists(path)) throw Error("tokenizer " + path + " does not exist");
    const SpmApi& api = spm();
    char err[512] = {0};
    void* handle = api.load(path.c_str(), err, sizeof(err));
    if (!handle) throw Error(path + ": not a valid sentencepiece model (" + err + ")");
    std::shared_ptr<SentencepieceTokenizer> t(new SentencepieceTokenizer());
    t->path_ = path;
    t->handle_ = handle;
    t->vocab_ = api.vocabSize(handle);
    t->bos_ = t->configuredId(config.bos, "bos_token", config.path, api.specialId(handle, 0));
    t->eos_ = t->configuredId(config.eos, "eos_token", config.path, api.specialId(handle, 1));
    for (int64_t id : {t->bos_, t->eos_, int64_t(api.specialId(handle, 2))})
        if (id >= 0) t->specialTexts_.emplace_back(t->piece(id), id);
    std::sort(t->specialTexts_.begin(), t->specialTexts_.end(),
              [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    t->specialTexts_.erase(std::unique(t->specialTexts_.begin(), t->specialTexts_.end()), t->specialTexts_.end());
    return t;
}

int64_t SentencepieceTokenizer::configuredId(const NamedToken& token, const char* key, const std::string& configPath,
                                             int64_t fallback) const {
    if (!token.given) return fallback;
    if (token.content.empty()) return -1;
    const int64_t id = tokenId(token.content);
    if (id < 0) throw Error(configPath + ": " + key + " \"" + token.content + "\" is not a piece of " + path_);
    return id;
}

SentencepieceTokenizer::~SentencepieceTokenizer() {
    if (handle_) spm().release(handle_);
}

std::size_t SentencepieceTokenizer::findSpecial(const std::string& text, std::size_t from, int64_t* id,
                                                std::size_t* length) const {
    std::size_t best = std::string::npos;
    for (const auto& [piece, pieceId] : specialTexts_) {
        const std::size_t at = text.find(piece, from);
        if (at < best) {   // earliest match; among equal starts the longest, which comes first
            best = at;
            *id = pieceId;
            *length = piece.size();
        }
    }
    return best;
}

std::vector<int64_t> SentencepieceTokenizer::encode(const std::string& text, bool addSpecial) const {
    int64_t id = -1;
    std::size_t length = 0;
    if (findSpecial(text, 0, &id, &length) != std::string::npos) return encodeWithOffsets(text, addSpecial).ids;
    const SpmApi& api = spm();
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<int> ids(text.size() + 16);
    char err[512] = {0};
    long n = api.encode(handle_, text.data(), text.size(), ids.data(), ids.size(), err, sizeof(err));
    if (n < 0 && n != L1RA_SPM_ERROR) {
        ids.resize(std::size_t(-n));
        n = api.encode(handle_, text.data(), text.size(), ids.data(), ids.size(), err, sizeof(err));
    }
    if (n < 0) throw Error(path_ + ": cannot encode text: " + err);
    std::vector<int64_t> out;
    out.reserve(std::size_t(n) + 1);
    if (addSpecial && bos_ >= 0) out.push_back(bos_);
    for (long i = 0; i < n; ++i) out.push_back(ids[std::size_t(i)]);
    return out;
}

TokenEncoding SentencepieceTokenizer::encodeWithOffsets(const std::string& text, bool addSpecial) const {
    TokenEncoding out;
    if (addSpecial && bos_ >= 0) {
        out.ids.push_back(bos_);
        out.offsets.push_back({0, 0});
    }
    auto append = [&](const TokenEncoding& part) {
        out.ids.insert(out.ids.end(), part.ids.begin(), part.ids.end());
        out.offsets.insert(out.offsets.end(), part.offsets.begin(), part.offsets.end());
    };
    std::size_t at = 0;
    while (at < text.size()) {
        int64_t id = -1;
        std::size_t length = 0;
        const std::size_t special = findSpecial(text, at, &id, &length);
        const std::size_t end = special == std::string::npos ? text.size() : special;
        if (end > at) append(encodePlain(text.substr(at, end - at), at));
        if (special == std::string::npos) break;
        out.ids.push_back(id);
        out.offsets.push_back({special, special + length});
        at = special + length;
    }
    return out;
}

TokenEncoding SentencepieceTokenizer::encodePlain(const std::string& text, std::size_t offset) const {
    const SpmApi& api = spm();
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t cap = text.size() + 16;
    std::vector<int> ids(cap);
    std::vector<std::size_t> begins(cap), ends(cap);
    char err[512] = {0};
    auto run = [&] { return api.encodeOffsets(handle_, text.data(), text.size(), ids.data(), begins.data(), ends.data(), cap, err, sizeof(err)); };
    long n = run();
    if (n < 0 && n != L1RA_SPM_ERROR) {
        cap = std::size_t(-n);
        ids.resize(cap);
        begins.resize(cap);
        ends.resize(cap);
        n = run();
    }
    if (n < 0) throw Error(path_ + ": cannot encode text: " + err);
    TokenEncoding out;
    for (long i = 0; i < n; ++i) {
        out.ids.push_back(ids[std::size_t(i)]);
        out.offsets.push_back({offset + begins[std::size_t(i)], offset + ends[std::size_t(i)]});
    }
    return out;
}

std::string SentencepieceTokenizer::decode(const std::vector<int64_t>& ids, bool skipSpecial) const {
    const SpmApi& api = spm();
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<int> in;
    in.reserve(ids.size());
    for (auto id : ids) {
        if (id < 0 || id >= vocab_) throw Error(path_ + ": token id " + std::to_string(id) + " is outside the vocabulary");
        if (!skipSpecial || !api.isSpecial(handle_, int(id))) in.push_back(int(id));
    }
    std::string out(ids.size() * 8 + 16, '\0');
    char err[512] = {0};
    long n = api.decode(handle_, in.data(), in.size(), out.data(), out.size(), err, sizeof(err));
    if (n < 0 && n != L1RA_SPM_ERROR) {
        out.resize(std::size_t(-n));
        n = api.decode(handle_, in.data(), in.size(), out.data(), out.size(), err, sizeof(err));
    }
    if (n < 0) throw Error(path_ + ": cannot decode ids: " + err);
    out.resize(std::size_t(n));
    return out;
}

std::string SentencepieceTokenizer::piece(int64_t id) const {
    const SpmApi& api = spm();
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out(64, '\0');
    long n = api.idToPiece(handle_, int(id), out.data(), out.size());
    if (n < 0 && n != L1RA_SPM_ERROR) {
        out.resize(std::size_t(-n));
        n = api.idToPiece(handle_, int(id), out.data(), out.size());
    }
    if (n < 0) throw Error(path_ + ": token id " + std::to_string(id) + " is outside the vocabulary");
    out.resize(std::size_t(n));
    return out;
}

int64_t SentencepieceTokenizer::tokenId(const std::string& token) const {
    const SpmApi& api = spm();
    std::lock_guard<std::mutex> lock(mutex_);
    return api.pieceToId(handle_, token.data(), token.size());
}

bool SentencepieceTokenizer::isSpecial(int64_t id) const {
    const SpmApi& api = spm();
    std::lock_guard<std::mutex> lock(mutex_);
    return id >= 0 && id < vocab_ && api.isSpecial(handle_, int(id)) != 0;
}

float SentencepieceTokenizer::score(int64_t id) const {
    const SpmApi& api = spm();
    std::lock_guard<std::mutex> lock(mutex_);
    return api.score(handle_, int(id));
}

int SentencepieceTokenizer::pieceType(int64_t id) const {
    const SpmApi& api = spm();
    std::lock_guard<std::mutex> lock(mutex_);
    return api.pieceType(handle_, int(id));
}

void trainSentencepiece(const std::string& args) {
    const SpmApi& api = spm();
    char err[1024] = {0};
    if (api.train(args.c_str(), err, sizeof(err)) != 0) throw Error(std::string("sentencepiece training failed: ") + err);
}

}  // namespace l1ra::text
