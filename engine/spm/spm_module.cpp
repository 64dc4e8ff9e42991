// The sentencepiece module: a thin C wrapper, built as a CMake MODULE and loaded in its own namespace.
#include "spm_module.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstring>
#include <string>
#include <vector>

namespace {
void setError(char* err, size_t cap, const std::string& msg) {
    if (!err || cap == 0) return;
    std::strncpy(err, msg.c_str(), cap - 1);
    err[cap - 1] = '\0';
}
long copyOut(const std::string& s, char* out, size_t cap) {
    if (s.size() > cap) return -long(s.size());
    std::memcpy(out, s.data(), s.size());
    return long(s.size());
}
}  // namespace

extern "C" {

int l1ra_spm_abi_version(void) { return L1RA_SPM_ABI_VERSION; }

void* l1ra_spm_load(const char* path, char* err, size_t err_cap) {
    auto* sp = new sentencepiece::SentencePieceProcessor();
    const auto status = sp->Load(path);
    if (!status.ok()) {
        setError(err, err_cap, status.ToString());
        delete sp;
        return nullptr;
    }
    return sp;
}

void l1ra_spm_free(void* handle) { delete static_cast<sentencepiece::SentencePieceProcessor*>(handle); }

int l1ra_spm_vocab_size(void* handle) { return static_cast<sentencepiece::SentencePieceProcessor*>(handle)->GetPieceSize(); }

int l1ra_spm_special_id(void* handle, int which) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    switch (which) {
        case 0: return sp->bos_id();
        case 1: return sp->eos_id();
        case 2: return sp->unk_id();
        case 3: return sp->pad_id();
        default: return -1;
    }
}

long l1ra_spm_encode(void* handle, const char* text, size_t len, int* ids, size_t cap, char* err, size_t err_cap) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    std::vector<int> out;
    const auto status = sp->Encode(std::string(text, len), &out);
    if (!status.ok()) {
        setError(err, err_cap, status.ToString());
        return L1RA_SPM_ERROR;
    }
    if (out.size() > cap) return -long(out.size());
    std::memcpy(ids, out.data(), out.size() * sizeof(int));
    return long(out.size());
}

long l1ra_spm_encode_offsets(void* handle, const char* text, size_t len, int* ids, size_t* begins, size_t* ends,
                             size_t cap, char* err, size_t err_cap) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    sentencepiece::ImmutableSentencePieceText spt;
    const auto status = sp->Encode(absl::string_view(text, len), spt.mutable_proto());
    if (!status.ok()) {
        setError(err, err_cap, status.ToString());
        return L1RA_SPM_ERROR;
    }
    const auto pieces = spt.pieces();
    if (pieces.size() > cap) return -long(pieces.size());
    for (size_t i = 0; i < pieces.size(); ++i) {
        ids[i] = int(pieces[i].id());
        begins[i] = pieces[i].begin();
        ends[i] = pieces[i].end();
    }
    return long(pieces.size());
}

long l1ra_spm_decode(void* handle, const int* ids, size_t n, char* out, size_t cap, char* err, size_t err_cap) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    std::string text;
    const auto status = sp->Decode(std::vector<int>(ids, ids + n), &text);
    if (!status.ok()) {
        setError(err, err_cap, status.ToString());
        return L1RA_SPM_ERROR;
    }
    return copyOut(text, out, cap);
}

long l1ra_spm_id_to_piece(void* handle, int id, char* out, size_t cap) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    if (id < 0 || id >= sp->GetPieceSize()) return L1RA_SPM_ERROR;
    return copyOut(sp->IdToPiece(id), out, cap);
}

int l1ra_spm_piece_to_id(void* handle, const char* piece, size_t len) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    const std::string p(piece, len);
    const int id = sp->PieceToId(p);   // the unknown id for a piece it does not know
    return id >= 0 && id < sp->GetPieceSize() && sp->IdToPiece(id) == p ? id : -1;
}

int l1ra_spm_is_special(void* handle, int id) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    if (id < 0 || id >= sp->GetPieceSize()) return 0;
    return sp->IsControl(id) || sp->IsUnknown(id);
}

float l1ra_spm_score(void* handle, int id) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    return id >= 0 && id < sp->GetPieceSize() ? sp->GetScore(id) : 0.0f;
}

int l1ra_spm_piece_type(void* handle, int id) {
    auto* sp = static_cast<sentencepiece::SentencePieceProcessor*>(handle);
    if (id < 0 || id >= sp->GetPieceSize()) return 0;
    if (sp->IsUnknown(id)) return 2;
    if (sp->IsControl(id)) return 3;
    if (sp->IsUnused(id)) return 5;
    if (sp->IsByte(id)) return 6;
    return 1;
}

int l1ra_spm_train(const char* args, char* err, size_t err_cap) {
    const auto status = sentencepiece::SentencePieceTrainer::Train(args);
    if (!status.ok()) {
        setError(err, err_cap, status.ToString());
        return 1;
    }
    return 0;
}

}  // extern "C"
