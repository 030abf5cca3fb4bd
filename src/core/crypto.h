/*
 * The only door to libsodium. Keys live in guarded memory (sodium_malloc) and are wiped on
 * free. Personal data is sealed with XChaCha20-Poly1305 under subkeys derived from the job
 * key; each user's key slot wraps the job key under a key derived from the user's password
 * with Argon2id; the audit log is signed with Ed25519.
 */
#ifndef FK_CRYPTO_H
#define FK_CRYPTO_H

#include "util/buf.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FK_KEY_BYTES         32
#define FK_HASH_BYTES        32
#define FK_SALT_BYTES        16
#define FK_SIGN_PUBLIC_BYTES 32
#define FK_SIGN_SECRET_BYTES 64
#define FK_SIGNATURE_BYTES   64

/* A 32-byte secret key in guarded memory. */
typedef struct fk_key fk_key;

/* Argon2id cost of a key slot; stored beside the slot so it can be raised later. */
typedef struct fk_kdf_params {
    uint64_t ops;
    size_t mem;
} fk_kdf_params;

/* The default cost (documented in docs/security.md) and a cheap one for tests and demos. */
fk_kdf_params fk_kdf_default(void);
fk_kdf_params fk_kdf_interactive(void);

/* Must be called once before anything else here. */
fk_status fk_crypto_init(fk_err *err) FK_WARN_UNUSED;

/* A new random key; caller frees with fk_key_free. */
fk_status fk_key_new_random(fk_key **out, fk_err *err) FK_WARN_UNUSED;

/* A subkey of master for a purpose (8-character context, e.g. "records_"). */
fk_status fk_key_derive(const fk_key *master, uint64_t id, const char context[8], fk_key **out,
                        fk_err *err) FK_WARN_UNUSED;

/* Wipes and frees a key; NULL is a no-op. */
void fk_key_free(fk_key *key);

/*
 * Appends nonce || ciphertext || tag of plaintext under key, binding the associated data ad
 * (e.g. the record's row id) so a sealed blob cannot be moved to another place unnoticed.
 */
fk_status fk_seal(const fk_key *key, const void *ad, size_t ad_len, const void *plain, size_t n,
                  fk_buf *out) FK_WARN_UNUSED;

/* Reverses fk_seal; FK_ECRYPTO if the blob was altered, moved or sealed under another key. */
fk_status fk_unseal(const fk_key *key, const void *ad, size_t ad_len, const void *sealed, size_t n,
                    fk_buf *out, fk_err *err) FK_WARN_UNUSED;

/*
 * Seals a stream piece by piece into exactly what fk_seal makes of the whole (nonce ||
 * ciphertext || tag, XChaCha20-Poly1305 IETF), so that fk_unseal opens it and no whole
 * plaintext need ever be in memory. The state (with its derived key) lives in guarded
 * memory; several sealers may run in parallel threads.
 */
#define FK_SEAL_NONCE_BYTES 24
#define FK_SEAL_TAG_BYTES   16
typedef struct fk_sealer fk_sealer;

/* Starts a stream under key bound to ad (copied) and gives the nonce the stream starts with.
 * Caller frees with fk_sealer_free. */
fk_status fk_sealer_new(const fk_key *key, const void *ad, size_t ad_len,
                        unsigned char nonce[FK_SEAL_NONCE_BYTES], fk_sealer **out,
                        fk_err *err) FK_WARN_UNUSED;

/* Encrypts the next n bytes of the stream from in into out (which may be in). */
void fk_sealer_update(fk_sealer *s, const void *in, void *out, size_t n);

/* The tag that ends the stream; no update after it. */
void fk_sealer_final(fk_sealer *s, unsigned char tag[FK_SEAL_TAG_BYTES]);

/* Wipes and frees; NULL is a no-op. */
void fk_sealer_free(fk_sealer *s);

/*
 * Wraps the job key under password (a new random salt is written to salt), bound to the
 * associated data ad (the job, user, role and cost the slot belongs to) and the salt. The
 * slot starts with a check value of the password's key, so that unwrapping can tell a
 * wrong password from a slot that was moved or relabelled.
 */
fk_status fk_slot_wrap(const fk_key *job_key, const char *password, fk_kdf_params params,
                       const void *ad, size_t ad_len, unsigned char salt[FK_SALT_BYTES],
                       fk_buf *wrapped, fk_err *err) FK_WARN_UNUSED;

/* Opens a slot; FK_EAUTH when the password is wrong, FK_ETAMPER when the password is right
 * but the slot belongs to other associated data (copied, or its role or cost changed).
 * Caller frees *job_key. */
fk_status fk_slot_unwrap(const char *password, fk_kdf_params params,
                         const unsigned char salt[FK_SALT_BYTES], const void *ad, size_t ad_len,
                         const void *wrapped, size_t n, fk_key **job_key,
                         fk_err *err) FK_WARN_UNUSED;

/* A new Ed25519 key pair; the secret key is returned sealed under seal_key. */
fk_status fk_sign_keypair(const fk_key *seal_key, unsigned char pk[FK_SIGN_PUBLIC_BYTES],
                          fk_buf *sealed_sk, fk_err *err) FK_WARN_UNUSED;

/* Signs msg with the sealed secret key. */
fk_status fk_sign(const fk_key *seal_key, const void *sealed_sk, size_t sk_len, const void *msg,
                  size_t n, unsigned char sig[FK_SIGNATURE_BYTES], fk_err *err) FK_WARN_UNUSED;

/* True if sig is a valid signature of msg under pk. */
bool fk_sign_verify(const unsigned char pk[FK_SIGN_PUBLIC_BYTES],
                    const unsigned char sig[FK_SIGNATURE_BYTES], const void *msg, size_t n);

/* BLAKE2b-256 of data. */
void fk_hash(const void *data, size_t n, unsigned char out[FK_HASH_BYTES]);

/* SHA-256 of data: for checksums others compute with standard tools (package manifests). */
#define FK_SHA256_BYTES 32
void fk_sha256(const void *data, size_t n, unsigned char out[FK_SHA256_BYTES]);

/* The same as 64 hex digits (for package identities the ward can recompute). */
void fk_sha256_hex(const void *data, size_t n, char out[65]);

/* Keyed BLAKE2b (a MAC) of data, truncated to out_len bytes (16..32). */
void fk_mac(const fk_key *key, const void *data, size_t n, unsigned char *out, size_t out_len);

/* Constant-time comparison. */
bool fk_equal(const void *a, const void *b, size_t n);

/* Fills buf with random bytes. */
void fk_random_bytes(void *buf, size_t n);

/* A uniformly random integer below bound. */
uint32_t fk_random_below(uint32_t bound);

/* Wipes memory in a way the compiler cannot remove. */
void fk_wipe(void *p, size_t n);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void fk_hex(const unsigned char *data, size_t n, char *out);

/* Parses 2*n hex digits; false on malformed input. */
bool fk_unhex(const char *hex, unsigned char *out, size_t n);

#endif
