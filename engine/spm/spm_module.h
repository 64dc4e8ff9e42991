/* C interface of the sentencepiece module. The module is loaded with dlmopen into its own link namespace,
 * because Debian's libsentencepiece carries a protobuf that clashes with LibTorch's (DESIGN.md section 4).
 * Only C types cross the boundary; memory is never freed on the other side. */
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define L1RA_SPM_ABI_VERSION 3

int l1ra_spm_abi_version(void);
/* Returns a handle or NULL with a message in err. */
void* l1ra_spm_load(const char* path, char* err, size_t err_cap);
void l1ra_spm_free(void* handle);
int l1ra_spm_vocab_size(void* handle);
int l1ra_spm_special_id(void* handle, int which); /* 0 bos, 1 eos, 2 unk, 3 pad; -1 when absent */
/* Encodes without BOS/EOS. Returns the number of ids, or -needed when cap is too small, or
 * L1RA_SPM_ERROR with a message in err. */
long l1ra_spm_encode(void* handle, const char* text, size_t len, int* ids, size_t cap, char* err, size_t err_cap);
/* As l1ra_spm_encode, with the bytes [begins[i], ends[i]) of the text each id came from. */
long l1ra_spm_encode_offsets(void* handle, const char* text, size_t len, int* ids, size_t* begins, size_t* ends,
                             size_t cap, char* err, size_t err_cap);
/* Decodes ids to UTF-8. Returns the byte count, -needed when cap is too small, or L1RA_SPM_ERROR. */
long l1ra_spm_decode(void* handle, const int* ids, size_t n, char* out, size_t cap, char* err, size_t err_cap);
/* The piece of one id ("▁the"); same return convention as decode. */
long l1ra_spm_id_to_piece(void* handle, int id, char* out, size_t cap);
/* The id of a piece, or -1 when the model has no such piece. */
int l1ra_spm_piece_to_id(void* handle, const char* piece, size_t len);
/* Nonzero for control pieces (<s>, </s>) and the unknown piece: what decoding may skip. */
int l1ra_spm_is_special(void* handle, int id);
/* The score of a piece (its log probability in a unigram model), 0 outside the vocabulary. */
float l1ra_spm_score(void* handle, int id);
/* The kind of a piece, numbered as sentencepiece's model and GGUF's token_type are: 1 normal, 2 unknown,
 * 3 control, 5 unused, 6 byte; 0 outside the vocabulary. */
int l1ra_spm_piece_type(void* handle, int id);
/* Trains a model with sentencepiece's command-line style arguments ("--input=... --model_prefix=..."). */
int l1ra_spm_train(const char* args, char* err, size_t err_cap);

#define L1RA_SPM_ERROR (-(1L << 40))

#ifdef __cplusplus
}
#endif
