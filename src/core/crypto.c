/* libsodium behind fukan's own names: see crypto.h. */
#include "crypto.h"
#include "util/i18n.h"

#include <sodium.h>
#include <string.h>

struct fk_key {
    unsigned char bytes[FK_KEY_BYTES];
};

#define FK__NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define FK__TAG   crypto_aead_xchacha20poly1305_ietf_ABYTES

fk_kdf_params fk_kdf_default(void)
{
    /* libsodium's "moderate": 3 passes over 256 MiB, about 0.4 s per login on the 2-core
     * reference machine (docs/security.md), within the 1 s a login may cost. */
    return (fk_kdf_params){crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

fk_kdf_params fk_kdf_interactive(void)
{
    return (fk_kdf_params){crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

fk_status fk_crypto_init(fk_err *err)
{
    if (sodium_init() < 0)
        return fk_failf(err, FK_EENV, _("libsodium could not be initialised"));
    return FK_OK;
}

static fk_key *fk__key_alloc(void)
{
    return sodium_malloc(sizeof(fk_key));
}

fk_status fk_key_new_random(fk_key **out, fk_err *err)
{
    fk_key *k = fk__key_alloc();
    if (k == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory for a key"));
    randombytes_buf(k->bytes, sizeof k->bytes);
    *out = k;
    return FK_OK;
}

fk_status fk_key_derive(const fk_key *master, uint64_t id, const char context[8], fk_key **out,
                        fk_err *err)
{
    fk_key *k = fk__key_alloc();
    if (k == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory for a key"));
    if (crypto_kdf_derive_from_key(k->bytes, sizeof k->bytes, id, context, master->bytes) != 0) {
        sodium_free(k);
        return fk_failf(err, FK_ECRYPTO, _("key derivation failed"));
    }
    *out = k;
    return FK_OK;
}

void fk_key_free(fk_key *key)
{
    if (key != NULL)
        sodium_free(key); /* sodium_free wipes before releasing */
}

fk_status fk_seal(const fk_key *key, const void *ad, size_t ad_len, const void *plain, size_t n,
                  fk_buf *out)
{
    char *dst;
    fk_status s = fk_buf_extend(out, FK__NONCE + n + FK__TAG, &dst);
    if (s != FK_OK)
        return s;
    unsigned char *nonce = (unsigned char *)dst;
    randombytes_buf(nonce, FK__NONCE);
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + FK__NONCE, NULL, plain, n, ad, ad_len, NULL,
                                               nonce, key->bytes);
    return FK_OK;
}

fk_status fk_unseal(const fk_key *key, const void *ad, size_t ad_len, const void *sealed, size_t n,
                    fk_buf *out, fk_err *err)
{
    if (n < FK__NONCE + FK__TAG)
        return fk_failf(err, FK_ECRYPTO, _("sealed data is truncated"));
    size_t plain_len = n - FK__NONCE - FK__TAG;
    size_t start = out->len;
    char *dst;
    fk_status s = fk_buf_extend(out, plain_len, &dst);
    if (s != FK_OK)
        return fk_failf(err, s, _("no room to unseal data"));
    const unsigned char *in = sealed;
    unsigned long long got;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)dst, &got, NULL, in + FK__NONCE,
                                                   n - FK__NONCE, ad, ad_len, in,
                                                   key->bytes) != 0) {
        sodium_memzero(dst, plain_len);
        out->len = start;
        out->data[start] = '\0';
        return fk_failf(err, FK_ECRYPTO, _("sealed data failed authentication"));
    }
    return FK_OK;
}

/* The IETF construction of XChaCha20-Poly1305 (as libsodium's aead_xchacha20poly1305.c),
 * with the Poly1305 state updated as the ciphertext comes. */
struct fk_sealer {
    unsigned char key[crypto_stream_chacha20_ietf_KEYBYTES]; /* HChaCha20 of key and nonce */
    unsigned char nonce[crypto_stream_chacha20_ietf_NONCEBYTES];
    unsigned char keystream[64]; /* of block `counter - 1`, its first `used` bytes spent */
    size_t used;
    uint32_t counter;
    uint64_t ad_len, len;
    crypto_onetimeauth_poly1305_state mac;
};

static const unsigned char fk__zeros[64];

fk_status fk_sealer_new(const fk_key *key, const void *ad, size_t ad_len,
                        unsigned char nonce[FK_SEAL_NONCE_BYTES], fk_sealer **out, fk_err *err)
{
    _Static_assert(FK_SEAL_NONCE_BYTES == FK__NONCE && FK_SEAL_TAG_BYTES == FK__TAG,
                   "the stream is fk_seal's format");
    fk_sealer *s = sodium_malloc(sizeof *s);
    if (s == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory for a key"));
    randombytes_buf(nonce, FK__NONCE);
    crypto_core_hchacha20(s->key, nonce, key->bytes, NULL);
    memset(s->nonce, 0, 4);
    memcpy(s->nonce + 4, nonce + crypto_core_hchacha20_INPUTBYTES, 8);
    unsigned char block0[64];
    crypto_stream_chacha20_ietf(block0, sizeof block0, s->nonce, s->key);
    crypto_onetimeauth_poly1305_init(&s->mac, block0);
    sodium_memzero(block0, sizeof block0);
    crypto_onetimeauth_poly1305_update(&s->mac, ad, ad_len);
    crypto_onetimeauth_poly1305_update(&s->mac, fk__zeros, (0x10 - ad_len) & 0xf);
    s->used = sizeof s->keystream; /* none left: the next block is 1 */
    s->counter = 1;
    s->ad_len = ad_len;
    s->len = 0;
    *out = s;
    return FK_OK;
}

void fk_sealer_update(fk_sealer *s, const void *in, void *out, size_t n)
{
    const unsigned char *src = in;
    unsigned char *dst = out, *start = out;
    size_t total = n;
    for (; n > 0 && s->used < sizeof s->keystream; n--)
        *dst++ = *src++ ^ s->keystream[s->used++];
    size_t whole = n / 64 * 64;
    if (whole > 0) {
        crypto_stream_chacha20_ietf_xor_ic(dst, src, whole, s->nonce, s->counter, s->key);
        s->counter += (uint32_t)(whole / 64);
        dst += whole;
        src += whole;
        n -= whole;
    }
    if (n > 0) {
        crypto_stream_chacha20_ietf_xor_ic(s->keystream, fk__zeros, sizeof s->keystream, s->nonce,
                                           s->counter++, s->key);
        for (s->used = 0; n > 0; n--)
            *dst++ = *src++ ^ s->keystream[s->used++];
    }
    crypto_onetimeauth_poly1305_update(&s->mac, start, total);
    s->len += total;
}

void fk_sealer_final(fk_sealer *s, unsigned char tag[FK_SEAL_TAG_BYTES])
{
    unsigned char lengths[16];
    crypto_onetimeauth_poly1305_update(&s->mac, fk__zeros, (0x10 - s->len) & 0xf);
    for (int i = 0; i < 8; i++) {
        lengths[i] = (unsigned char)(s->ad_len >> (8 * i));
        lengths[8 + i] = (unsigned char)(s->len >> (8 * i));
    }
    crypto_onetimeauth_poly1305_update(&s->mac, lengths, sizeof lengths);
    crypto_onetimeauth_poly1305_final(&s->mac, tag);
}

void fk_sealer_free(fk_sealer *s)
{
    if (s != NULL)
        sodium_free(s); /* sodium_free wipes before releasing */
}

static fk_status fk__derive_kek(const char *password, fk_kdf_params params,
                                const unsigned char salt[FK_SALT_BYTES],
                                unsigned char kek[FK_KEY_BYTES], fk_err *err)
{
    if (crypto_pwhash(kek, FK_KEY_BYTES, password, strlen(password), salt, params.ops, params.mem,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return fk_failf(err, FK_ENOMEM, _("not enough memory for the password hash"));
    return FK_OK;
}

/* The slot's check value: a keyed hash of a constant under the password's key. It tells a
 * wrong password (the check differs) from a slot moved or relabelled in the store (the check
 * matches but the associated data does not). It costs a guesser the same Argon2id run as
 * the slot itself, so it makes offline guessing no cheaper. */
#define FK__CHECK 16

static void fk__slot_check(const fk_key *kek, unsigned char out[FK__CHECK])
{
    static const char label[] = "fukan key slot check v2";
    crypto_generichash(out, FK__CHECK, (const unsigned char *)label, sizeof label - 1, kek->bytes,
                       sizeof kek->bytes);
}

/* The AEAD's associated data: the caller's (job, user, role, cost) and the salt. */
static fk_status fk__slot_ad(const void *ad, size_t ad_len, const unsigned char salt[FK_SALT_BYTES],
                             fk_buf *out)
{
    fk_status s = fk_buf_append(out, ad, ad_len);
    return s == FK_OK ? fk_buf_append(out, salt, FK_SALT_BYTES) : s;
}

fk_status fk_slot_wrap(const fk_key *job_key, const char *password, fk_kdf_params params,
                       const void *ad, size_t ad_len, unsigned char salt[FK_SALT_BYTES],
                       fk_buf *wrapped, fk_err *err)
{
    randombytes_buf(salt, FK_SALT_BYTES);
    fk_key *kek = fk__key_alloc();
    if (kek == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory for a key"));
    fk_buf full;
    fk_buf_init(&full, ad_len + FK_SALT_BYTES + 1);
    fk_status s = fk__derive_kek(password, params, salt, kek->bytes, err);
    unsigned char check[FK__CHECK];
    if (s == FK_OK) {
        fk__slot_check(kek, check);
        if (fk__slot_ad(ad, ad_len, salt, &full) != FK_OK ||
            fk_buf_append(wrapped, check, sizeof check) != FK_OK ||
            fk_seal(kek, full.data, full.len, job_key->bytes, FK_KEY_BYTES, wrapped) != FK_OK)
            s = fk_failf(err, FK_ENOMEM, _("out of memory wrapping a key"));
    }
    fk_buf_free(&full);
    sodium_free(kek);
    return s;
}

fk_status fk_slot_unwrap(const char *password, fk_kdf_params params,
                         const unsigned char salt[FK_SALT_BYTES], const void *ad, size_t ad_len,
                         const void *wrapped, size_t n, fk_key **job_key, fk_err *err)
{
    fk_key *kek = fk__key_alloc();
    fk_key *key = fk__key_alloc();
    fk_buf plain, full;
    fk_buf_init(&plain, FK_KEY_BYTES + 1);
    fk_buf_init(&full, ad_len + FK_SALT_BYTES + 1);
    fk_status s = kek && key ? fk__derive_kek(password, params, salt, kek->bytes, err)
                             : fk_failf(err, FK_ENOMEM, _("out of memory for a key"));
    if (s == FK_OK && fk__slot_ad(ad, ad_len, salt, &full) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory for a key"));
    if (s == FK_OK) {
        unsigned char check[FK__CHECK];
        fk__slot_check(kek, check);
        /* Only a failed check means a wrong password: running out of memory must not count
         * as a failed login (five of those lock the user), and a slot that opens under the
         * password but not here was moved or relabelled. */
        if (n < FK__CHECK || sodium_memcmp(check, wrapped, FK__CHECK) != 0)
            s = fk_failf(err, FK_EAUTH, _("wrong password"));
    }
    if (s == FK_OK) {
        s = fk_unseal(kek, full.data, full.len, (const unsigned char *)wrapped + FK__CHECK,
                      n - FK__CHECK, &plain, err);
        if (s == FK_ECRYPTO || (s == FK_OK && plain.len != FK_KEY_BYTES))
            s = fk_failf(err, FK_ETAMPER,
                         _("the key slot does not belong to this user, role or job: the store was"
                           " altered"));
    }
    if (s == FK_OK) {
        memcpy(key->bytes, plain.data, FK_KEY_BYTES);
        *job_key = key;
        key = NULL;
    }
    if (plain.data != NULL)
        sodium_memzero(plain.data, plain.cap);
    fk_buf_free(&plain);
    fk_buf_free(&full);
    if (kek != NULL)
        sodium_free(kek);
    if (key != NULL)
        sodium_free(key);
    return s;
}

fk_status fk_sign_keypair(const fk_key *seal_key, unsigned char pk[FK_SIGN_PUBLIC_BYTES],
                          fk_buf *sealed_sk, fk_err *err)
{
    unsigned char *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
    if (sk == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory for a key"));
    crypto_sign_keypair(pk, sk);
    fk_status s = fk_seal(seal_key, "signing", 7, sk, crypto_sign_SECRETKEYBYTES, sealed_sk);
    sodium_free(sk);
    return s == FK_OK ? FK_OK : fk_failf(err, s, _("could not seal the signing key"));
}

fk_status fk_sign(const fk_key *seal_key, const void *sealed_sk, size_t sk_len, const void *msg,
                  size_t n, unsigned char sig[FK_SIGNATURE_BYTES], fk_err *err)
{
    fk_buf sk;
    fk_buf_init(&sk, crypto_sign_SECRETKEYBYTES + 1);
    fk_status s = fk_unseal(seal_key, "signing", 7, sealed_sk, sk_len, &sk, err);
    if (s == FK_OK && sk.len != crypto_sign_SECRETKEYBYTES)
        s = fk_failf(err, FK_ECRYPTO, _("signing key has a wrong size"));
    if (s == FK_OK)
        crypto_sign_detached(sig, NULL, msg, n, (const unsigned char *)sk.data);
    if (sk.data != NULL)
        sodium_memzero(sk.data, sk.cap);
    fk_buf_free(&sk);
    return s;
}

bool fk_sign_verify(const unsigned char pk[FK_SIGN_PUBLIC_BYTES],
                    const unsigned char sig[FK_SIGNATURE_BYTES], const void *msg, size_t n)
{
    return crypto_sign_verify_detached(sig, msg, n, pk) == 0;
}

void fk_hash(const void *data, size_t n, unsigned char out[FK_HASH_BYTES])
{
    crypto_generichash(out, FK_HASH_BYTES, data, n, NULL, 0);
}

void fk_sha256(const void *data, size_t n, unsigned char out[FK_SHA256_BYTES])
{
    crypto_hash_sha256(out, data, n);
}

void fk_sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char h[FK_SHA256_BYTES];
    fk_sha256(data, n, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

void fk_mac(const fk_key *key, const void *data, size_t n, unsigned char *out, size_t out_len)
{
    crypto_generichash(out, out_len, data, n, key->bytes, sizeof key->bytes);
}

bool fk_equal(const void *a, const void *b, size_t n)
{
    return sodium_memcmp(a, b, n) == 0;
}

void fk_random_bytes(void *buf, size_t n)
{
    randombytes_buf(buf, n);
}

uint32_t fk_random_below(uint32_t bound)
{
    return randombytes_uniform(bound);
}

void fk_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}

void fk_hex(const unsigned char *data, size_t n, char *out)
{
    sodium_bin2hex(out, 2 * n + 1, data, n);
}

bool fk_unhex(const char *hex, unsigned char *out, size_t n)
{
    size_t got;
    return strlen(hex) == 2 * n && sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 &&
           got == n;
}
