/*
 * AES ZIP reading and writing through libzip. Each entry's encryption method is checked
 * before anything is decrypted, so that a clear or ZipCrypto package is refused for what it
 * is rather than by a confusing password error. The CSV is decrypted twice, chunk by chunk:
 * the first pass authenticates it and checks it against the manifest, the second hands it
 * out and must find the same bytes. Decrypted bytes pass only through fixed buffers that are
 * wiped after use.
 *
 * libzip before 1.8 checks the CRC of AE-2 entries, whose CRC field is zero by design, and so
 * fails every AE-2 entry (7-Zip's) at its end with a CRC error (libzip issue #261). AE-2's
 * integrity check is the HMAC-SHA1 over the ciphertext; fk__verify_aes checks it here, from
 * the raw entry, so that the spurious CRC error can be told from real damage.
 */
#include "ingest/package.h"

#include "core/crypto.h"
#include "ingest/csv.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <zip.h>

struct fk_package {
    zip_t *za;
    char *path;
    char *name;
    zip_uint64_t idx;
    char *password; /* for the second pass; wiped on free */
    size_t max;
    size_t len;                            /* the first pass's length ... */
    unsigned char sha256[FK_SHA256_BYTES]; /* ... and digest, which the second must repeat */
    struct fk__entry *pass;                /* the second pass, once started */
    EVP_MD_CTX *md;
    bool done;
};

const char *fk_package_csv_name(const fk_package *p)
{
    return p->name;
}

static bool fk__ends_with_csv(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".csv") == 0;
}

static const char *fk__method_name(zip_uint16_t m)
{
    switch (m) {
    case ZIP_EM_NONE:
        return _("not encrypted");
    case ZIP_EM_TRAD_PKWARE:
        return _("encrypted with legacy ZipCrypto, not AES-256");
    case ZIP_EM_AES_128:
        return _("encrypted with AES-128, not AES-256");
    case ZIP_EM_AES_192:
        return _("encrypted with AES-192, not AES-256");
    default:
        return _("encrypted with an unsupported method, not AES-256");
    }
}

/* WinZip AES-256 entry layout: salt, password verifier, ciphertext, authentication code. */
#define FK__AES_SALT   16
#define FK__AES_PWV    2
#define FK__AES_MAC    10
#define FK__AES_KEY    32
#define FK__AES_ROUNDS 1000
#define FK__AES_HEAD   (FK__AES_SALT + FK__AES_PWV)

#define FK__CHUNK 65536

/*
 * The authentication of an AES-256 entry, fed its raw bytes in order: the header derives the
 * keys, everything but the last FK__AES_MAC bytes (held back until the end) goes through the
 * HMAC-SHA1, and those last bytes are the code to compare.
 */
typedef struct fk__aes_check {
    unsigned char head[FK__AES_HEAD];
    unsigned char tail[FK__AES_MAC];
    size_t head_len, tail_len, total;
    unsigned char keys[2 * FK__AES_KEY + FK__AES_PWV];
    bool derive_failed, mac_failed;
    EVP_MAC *mac;
    EVP_MAC_CTX *ctx;
} fk__aes_check;

static void fk__aes_mac(fk__aes_check *a, const unsigned char *data, size_t n)
{
    if (n && a->ctx && EVP_MAC_update(a->ctx, data, n) != 1)
        a->mac_failed = true;
}

static void fk__aes_keyed(fk__aes_check *a, const char *password)
{
    if (PKCS5_PBKDF2_HMAC_SHA1(password, (int)strlen(password), a->head, FK__AES_SALT,
                               FK__AES_ROUNDS, (int)sizeof a->keys, a->keys) != 1) {
        a->derive_failed = true;
        return;
    }
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA1", 0),
                           OSSL_PARAM_construct_end()};
    a->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    a->ctx = a->mac ? EVP_MAC_CTX_new(a->mac) : NULL;
    if (!a->ctx || EVP_MAC_init(a->ctx, a->keys + FK__AES_KEY, FK__AES_KEY, params) != 1)
        a->mac_failed = true;
}

static void fk__aes_feed(fk__aes_check *a, const char *password, const unsigned char *data,
                         size_t n)
{
    a->total += n;
    while (n && a->head_len < FK__AES_HEAD) {
        a->head[a->head_len++] = *data++;
        n--;
        if (a->head_len == FK__AES_HEAD)
            fk__aes_keyed(a, password);
    }
    if (n >= FK__AES_MAC) {
        fk__aes_mac(a, a->tail, a->tail_len);
        fk__aes_mac(a, data, n - FK__AES_MAC);
        memcpy(a->tail, data + n - FK__AES_MAC, FK__AES_MAC);
        a->tail_len = FK__AES_MAC;
        return;
    }
    size_t over = a->tail_len + n > FK__AES_MAC ? a->tail_len + n - FK__AES_MAC : 0;
    fk__aes_mac(a, a->tail, over);
    memmove(a->tail, a->tail + over, a->tail_len - over);
    a->tail_len -= over;
    memcpy(a->tail + a->tail_len, data, n);
    a->tail_len += n;
}

static fk_status fk__aes_finish(fk__aes_check *a, const char *path, const char *name, fk_err *err)
{
    fk_status st = FK_OK;
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;
    if (a->total < FK__AES_HEAD + FK__AES_MAC)
        st = fk_failf(err, FK_EFORMAT, _("%s: entry %s is truncated"), path, name);
    else if (a->derive_failed)
        st = fk_failf(err, FK_ECRYPTO, _("%s: key derivation failed"), path);
    else if (memcmp(a->keys + 2 * FK__AES_KEY, a->head + FK__AES_SALT, FK__AES_PWV) != 0)
        st = fk_failf(err, FK_EAUTH, _("%s: wrong package password"), path);
    else if (a->mac_failed || EVP_MAC_final(a->ctx, mac, &mac_len, sizeof mac) != 1 ||
             mac_len < FK__AES_MAC)
        st = fk_failf(err, FK_ECRYPTO, _("%s: HMAC failed"), path);
    else if (CRYPTO_memcmp(mac, a->tail, FK__AES_MAC) != 0)
        st = fk_failf(err, FK_EAUTH,
                      _("%s: entry %s fails authentication: damaged archive or wrong "
                        "package password"),
                      path, name);
    EVP_MAC_CTX_free(a->ctx);
    EVP_MAC_free(a->mac);
    memset(a, 0, sizeof *a);
    return st;
}

/*
 * Verifies the password verifier and the HMAC-SHA1 of an AES-256 entry from its raw bytes,
 * read in chunks. FK_EAUTH when either does not match.
 */
static fk_status fk__verify_aes(zip_t *za, const char *path, zip_uint64_t idx, const char *name,
                                const char *password, size_t comp_size, fk_err *err)
{
    zip_file_t *zf = zip_fopen_index(za, idx, ZIP_FL_ENCRYPTED);
    if (!zf)
        return fk_failf(err, FK_EFORMAT, _("%s: entry %s cannot be read: %s"), path, name,
                        zip_strerror(za));
    fk__aes_check a;
    memset(&a, 0, sizeof a);
    fk_status st = FK_OK;
    unsigned char chunk[FK__CHUNK];
    for (;;) {
        zip_int64_t n = zip_fread(zf, chunk, sizeof chunk);
        if (n < 0) {
            /* The same spurious CRC check runs over raw stored entries, after the last byte. */
            if (zip_error_code_zip(zip_file_get_error(zf)) == ZIP_ER_CRC && a.total == comp_size)
                break;
            st = fk_failf(err, FK_EFORMAT, _("%s: entry %s is damaged (%s)"), path, name,
                          zip_file_strerror(zf));
            break;
        }
        if (n == 0)
            break;
        if (a.total + (size_t)n > comp_size) {
            st = fk_failf(err, FK_ETOOBIG, _("%s: entry %s longer than its directory entry says"),
                          path, name);
            break;
        }
        fk__aes_feed(&a, password, chunk, (size_t)n);
    }
    zip_fclose(zf);
    fk_status verdict = fk__aes_finish(&a, path, name, err);
    return st != FK_OK ? st : verdict;
}

/* One entry being decrypted, chunk by chunk, never more than max bytes. */
typedef struct fk__entry {
    zip_t *za;
    const char *path, *name, *password;
    zip_uint64_t idx;
    zip_file_t *zf;
    zip_stat_t sb;
    bool ae2, done;
    bool trusted; /* its bytes are proved by another means: no second authentication */
    size_t max, len;
} fk__entry;

static fk_status fk__entry_open(fk__entry *e, zip_t *za, const char *path, zip_uint64_t idx,
                                const char *name, const char *password, size_t max, fk_err *err)
{
    *e = (fk__entry){
        .za = za, .path = path, .name = name, .password = password, .idx = idx, .max = max};
    if (zip_stat_index(za, idx, 0, &e->sb) != 0)
        return fk_failf(err, FK_EFORMAT, _("%s: entry %s unreadable"), path, name);
    if ((e->sb.valid & ZIP_STAT_SIZE) && e->sb.size > max)
        return fk_failf(err, FK_ETOOBIG, _("%s: entry %s larger than %zu bytes"), path, name, max);
    /* A CRC field of zero marks AE-2 (see the top of this file). */
    e->ae2 = (e->sb.valid & ZIP_STAT_CRC) && e->sb.crc == 0;
    if ((e->sb.valid & ZIP_STAT_COMP_SIZE) && e->sb.comp_size > max + 64)
        return fk_failf(err, FK_ETOOBIG, _("%s: entry %s larger than %zu bytes"), path, name, max);
    e->zf = zip_fopen_index_encrypted(za, idx, 0, password);
    if (!e->zf) {
        int code = zip_error_code_zip(zip_get_error(za));
        if (code == ZIP_ER_WRONGPASSWD)
            return fk_failf(err, FK_EAUTH, _("%s: wrong package password"), path);
        if (code == ZIP_ER_MEMORY)
            return fk_failf(err, FK_ENOMEM, _("%s: out of memory"), path);
        return fk_failf(err, FK_EFORMAT, _("%s: entry %s cannot be read: %s"), path, name,
                        zip_strerror(za));
    }
    return FK_OK;
}

static void fk__entry_close(fk__entry *e)
{
    if (e->zf)
        zip_fclose(e->zf);
    e->zf = NULL;
}

/* The next decrypted bytes (*got 0 at the end, once the entry has authenticated). */
static fk_status fk__entry_read(fk__entry *e, char *buf, size_t cap, size_t *got, fk_err *err)
{
    *got = 0;
    if (e->done)
        return FK_OK;
    zip_int64_t n = zip_fread(e->zf, buf, cap);
    if (n < 0) {
        e->done = true;
        int code = zip_error_code_zip(zip_file_get_error(e->zf));
        const zip_stat_t *sb = &e->sb;
        bool at_end = code == ZIP_ER_CRC && e->ae2 && (sb->valid & ZIP_STAT_SIZE) &&
                      e->len == sb->size && (sb->valid & ZIP_STAT_COMP_SIZE);
        if (at_end && e->trusted)
            return FK_OK;
        if (at_end)
            return fk__verify_aes(e->za, e->path, e->idx, e->name, e->password,
                                  (size_t)sb->comp_size, err);
        return fk_failf(err, code == ZIP_ER_CRC ? FK_EAUTH : FK_EFORMAT,
                        code == ZIP_ER_CRC ? _("%s: entry %s fails authentication: damaged "
                                               "archive or wrong package password (%s)")
                                           : _("%s: entry %s is damaged (%s)"),
                        e->path, e->name, zip_file_strerror(e->zf));
    }
    if (n == 0) {
        e->done = true;
        return FK_OK;
    }
    if ((size_t)n > e->max - e->len) {
        e->done = true;
        return fk_failf(err, FK_ETOOBIG, _("%s: entry %s larger than %zu bytes"), e->path, e->name,
                        e->max);
    }
    e->len += (size_t)n;
    *got = (size_t)n;
    return FK_OK;
}

/* Reads entry idx (decrypting) into a new buffer of at most max bytes. */
static fk_status fk__read_entry(zip_t *za, const char *path, zip_uint64_t idx, const char *name,
                                const char *password, size_t max, char **out, size_t *out_len,
                                fk_err *err)
{
    fk__entry e;
    fk_status st = fk__entry_open(&e, za, path, idx, name, password, max, err);
    if (st != FK_OK)
        return st;
    fk_buf b;
    fk_buf_init(&b, max);
    char chunk[FK__CHUNK];
    size_t got = 0;
    while ((st = fk__entry_read(&e, chunk, sizeof chunk, &got, err)) == FK_OK && got > 0)
        if ((st = fk_buf_append(&b, chunk, got)) != FK_OK) {
            fk_failf(err, st, _("%s: out of memory"), path);
            break;
        }
    memset(chunk, 0, sizeof chunk);
    fk__entry_close(&e);
    if (st != FK_OK) {
        if (b.data)
            memset(b.data, 0, b.cap);
        fk_buf_free(&b);
        return st;
    }
    *out_len = b.len;
    *out = fk_buf_take(&b);
    if (!*out)
        *out = fk_strdup("");
    if (!*out)
        return fk_failf(err, FK_ENOMEM, _("%s: out of memory"), path);
    return FK_OK;
}

static void fk__hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Data rows of a CSV (lines after the header; quoted line breaks do not count). */
static fk_status fk__count_rows(fk_stream_read_fn read, void *ctx, long *rows, fk_err *err)
{
    fk_csv_reader *r = fk_csv_reader_new(read, ctx, NULL);
    if (!r)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    long n = -1;
    bool has = true;
    fk_status st = FK_OK;
    while (has && (st = fk_csv_reader_next(r, &has, err)) == FK_OK)
        if (has)
            n++;
    fk_csv_reader_free(r);
    *rows = n < 0 ? 0 : n;
    return st;
}

typedef struct fk__manifest {
    char csv[256];
    long rows; /* -1: not given */
    char sha256[2 * FK_SHA256_BYTES + 1];
} fk__manifest;

/*
 * Parses "key: value" lines (csv, rows, sha256); '#' starts a comment line. Unknown keys
 * are errors, so that a typo does not silently skip a check.
 */
static fk_status fk__manifest_parse(const char *path, const char *text, size_t len, fk__manifest *m,
                                    fk_err *err)
{
    memset(m, 0, sizeof *m);
    m->rows = -1;
    size_t pos = 0;
    long line = 0;
    while (pos < len) {
        line++;
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (n && start[n - 1] == '\r')
            n--;
        if (n == 0 || start[0] == '#')
            continue;
        const char *colon = memchr(start, ':', n);
        if (!colon)
            return fk_failf(err, FK_EFORMAT, _("%s: %s:%ld: expected 'key: value'"), path,
                            FK_PACKAGE_MANIFEST, line);
        size_t klen = (size_t)(colon - start);
        const char *v = colon + 1;
        size_t vlen = n - klen - 1;
        while (vlen && (*v == ' ' || *v == '\t')) {
            v++;
            vlen--;
        }
        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
            vlen--;
        if (klen == 3 && memcmp(start, "csv", 3) == 0 && vlen > 0 && vlen < sizeof m->csv) {
            memcpy(m->csv, v, vlen);
            m->csv[vlen] = '\0';
        } else if (klen == 4 && memcmp(start, "rows", 4) == 0 && vlen > 0 && vlen < 12) {
            long rows = 0;
            for (size_t i = 0; i < vlen; i++) {
                if (v[i] < '0' || v[i] > '9')
                    return fk_failf(err, FK_EFORMAT, _("%s: %s:%ld: rows is not a number"), path,
                                    FK_PACKAGE_MANIFEST, line);
                rows = rows * 10 + (v[i] - '0');
            }
            m->rows = rows;
        } else if (klen == 6 && memcmp(start, "sha256", 6) == 0 && vlen == 64) {
            for (size_t i = 0; i < vlen; i++) {
                char c = v[i];
                if (c >= 'A' && c <= 'F')
                    c = (char)(c - 'A' + 'a');
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                    return fk_failf(err, FK_EFORMAT, _("%s: %s:%ld: sha256 is not hexadecimal"),
                                    path, FK_PACKAGE_MANIFEST, line);
                m->sha256[i] = c;
            }
        } else {
            return fk_failf(err, FK_EFORMAT, _("%s: %s:%ld: unknown key or bad value"), path,
                            FK_PACKAGE_MANIFEST, line);
        }
    }
    if (!m->csv[0])
        return fk_failf(err, FK_EFORMAT, _("%s: %s names no csv"), path, FK_PACKAGE_MANIFEST);
    return FK_OK;
}

/* What the first pass over the CSV found. */
typedef struct fk__pass {
    fk__entry entry;
    EVP_MD_CTX *md;
    fk_package_chunk_fn on_chunk;
    void *ctx;
} fk__pass;

/* The stream of the first pass: every chunk also goes to the digest and to on_chunk. */
static fk_status fk__pass_read(void *ctx, char *buf, size_t cap, size_t *got, fk_err *err)
{
    fk__pass *pass = ctx;
    fk_status st = fk__entry_read(&pass->entry, buf, cap, got, err);
    if (st != FK_OK || *got == 0)
        return st;
    if (EVP_DigestUpdate(pass->md, buf, *got) != 1)
        return fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), pass->entry.path);
    if (pass->on_chunk)
        pass->on_chunk(pass->ctx, buf, *got);
    return FK_OK;
}

/*
 * Decrypts the CSV once to its end: its SHA-256 and length into p, its rows counted when the
 * manifest gives them. A malformed CSV is reported only once the entry has authenticated,
 * so that damage is named as damage.
 */
static fk_status fk__first_pass(fk_package *p, const fk__manifest *m, fk_package_chunk_fn on_chunk,
                                void *ctx, long *rows, fk_err *err)
{
    fk__pass pass = {.on_chunk = on_chunk, .ctx = ctx};
    fk_status st =
        fk__entry_open(&pass.entry, p->za, p->path, p->idx, p->name, p->password, p->max, err);
    if (st == FK_OK &&
        (!(pass.md = EVP_MD_CTX_new()) || EVP_DigestInit_ex(pass.md, EVP_sha256(), NULL) != 1))
        st = fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), p->path);
    fk_err count_err;
    fk_status count_st = FK_OK;
    *rows = -1;
    if (st == FK_OK && m && m->rows >= 0)
        count_st = fk__count_rows(fk__pass_read, &pass, rows, &count_err);
    char chunk[FK__CHUNK];
    size_t got = 0;
    while (st == FK_OK && (st = fk__pass_read(&pass, chunk, sizeof chunk, &got, err)) == FK_OK &&
           got > 0)
        ;
    memset(chunk, 0, sizeof chunk);
    unsigned int len = 0;
    if (st == FK_OK && EVP_DigestFinal_ex(pass.md, p->sha256, &len) != 1)
        st = fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), p->path);
    p->len = pass.entry.len;
    EVP_MD_CTX_free(pass.md);
    fk__entry_close(&pass.entry);
    if (st != FK_OK)
        return st;
    if (m && m->sha256[0]) {
        char hex[2 * FK_SHA256_BYTES + 1];
        fk__hex(p->sha256, sizeof p->sha256, hex);
        if (strcmp(hex, m->sha256) != 0)
            return fk_failf(err, FK_EFORMAT, _("%s: %s does not match %s's SHA-256"), p->path,
                            m->csv, FK_PACKAGE_MANIFEST);
    }
    if (count_st != FK_OK) {
        *err = count_err;
        return count_st;
    }
    if (m && m->rows >= 0 && *rows != m->rows)
        return fk_failf(err, FK_EFORMAT, _("%s: %s has %ld rows, %s says %ld"), p->path, m->csv,
                        *rows, FK_PACKAGE_MANIFEST, m->rows);
    return FK_OK;
}

static fk_status fk__open_error(const char *path, int code, fk_err *err)
{
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    fk_status st;
    switch (code) {
    case ZIP_ER_NOENT:
        st = fk_failf(err, FK_ENOENT, _("%s: cannot read: no such file"), path);
        break;
    case ZIP_ER_OPEN:
    case ZIP_ER_READ:
    case ZIP_ER_SEEK:
        st = fk_failf(err, errno == ENOENT ? FK_ENOENT : FK_EIO, _("%s: cannot read: %s"), path,
                      zip_error_strerror(&ze));
        break;
    case ZIP_ER_MEMORY:
        st = fk_failf(err, FK_ENOMEM, _("%s: out of memory"), path);
        break;
    default:
        st = fk_failf(err, FK_EFORMAT, _("%s: damaged or truncated archive: %s"), path,
                      zip_error_strerror(&ze));
    }
    zip_error_fini(&ze);
    return st;
}

fk_status fk_package_read_entry(const char *path, const char *password, const char *name,
                                size_t max, char **data, size_t *len, fk_err *err)
{
    int code = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!za)
        return fk__open_error(path, code, err);
    fk_status st = FK_OK;
    zip_int64_t idx = zip_name_locate(za, name, 0);
    zip_stat_t sb;
    if (idx < 0)
        st = fk_failf(err, FK_ENOENT, _("%s: no %s in the archive"), path, name);
    else if (zip_stat_index(za, (zip_uint64_t)idx, 0, &sb) != 0 ||
             !(sb.valid & ZIP_STAT_ENCRYPTION_METHOD) || sb.encryption_method != ZIP_EM_AES_256)
        st = fk_failf(err, FK_EFORMAT, _("%s: entry %s is not encrypted with AES-256"), path, name);
    if (st == FK_OK)
        st = fk__read_entry(za, path, (zip_uint64_t)idx, name, password, max, data, len, err);
    zip_discard(za);
    return st;
}

fk_status fk_package_open(const char *path, const char *password, size_t max_csv,
                          fk_package_chunk_fn on_chunk, void *ctx, fk_package **out, fk_err *err)
{
    *out = NULL;
    if (!max_csv)
        max_csv = FK_PACKAGE_MAX_CSV;
    int code = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!za)
        return fk__open_error(path, code, err);
    fk_status st = FK_OK;
    zip_int64_t count = zip_get_num_entries(za, 0);
    zip_int64_t csv_idx = -1, manifest_idx = -1;
    long csv_count = 0;
    for (zip_int64_t i = 0; i < count && st == FK_OK; i++) {
        zip_stat_t sb;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &sb) != 0 || !(sb.valid & ZIP_STAT_NAME)) {
            st = fk_failf(err, FK_EFORMAT, _("%s: damaged archive: entry %lld unreadable"), path,
                          (long long)i + 1);
            break;
        }
        size_t nlen = strlen(sb.name);
        if (nlen && sb.name[nlen - 1] == '/')
            continue; /* directories hold no data and 7-Zip does not encrypt them */
        if (!(sb.valid & ZIP_STAT_ENCRYPTION_METHOD) || sb.encryption_method != ZIP_EM_AES_256) {
            st = fk_failf(err, FK_EFORMAT, _("%s: entry %s is %s"), path, sb.name,
                          fk__method_name((sb.valid & ZIP_STAT_ENCRYPTION_METHOD)
                                              ? sb.encryption_method
                                              : ZIP_EM_UNKNOWN));
            break;
        }
        if (strcmp(sb.name, FK_PACKAGE_MANIFEST) == 0) {
            manifest_idx = i;
        } else if (fk__ends_with_csv(sb.name)) {
            csv_count++;
            csv_idx = i;
        }
    }
    fk__manifest m;
    char *manifest = NULL;
    size_t manifest_len = 0;
    if (st == FK_OK && manifest_idx >= 0) {
        st = fk__read_entry(za, path, (zip_uint64_t)manifest_idx, FK_PACKAGE_MANIFEST, password,
                            64 * 1024, &manifest, &manifest_len, err);
        if (st == FK_OK)
            st = fk__manifest_parse(path, manifest, manifest_len, &m, err);
        if (st == FK_OK) {
            csv_idx = zip_name_locate(za, m.csv, 0);
            if (csv_idx < 0)
                st = fk_failf(err, FK_EFORMAT, _("%s: %s names %s, which is not in the archive"),
                              path, FK_PACKAGE_MANIFEST, m.csv);
        }
    } else if (st == FK_OK && csv_count == 0) {
        st = fk_failf(err, FK_EFORMAT, _("%s: no .csv entry in the archive"), path);
    } else if (st == FK_OK && csv_count > 1) {
        st = fk_failf(err, FK_EFORMAT, _("%s: %ld .csv entries and no %s saying which one to open"),
                      path, csv_count, FK_PACKAGE_MANIFEST);
    }
    fk_free(manifest);
    fk_package *p = NULL;
    if (st == FK_OK) {
        p = fk_calloc(1, sizeof *p);
        const char *name = zip_get_name(za, (zip_uint64_t)csv_idx, 0);
        if (!p || !name || !(p->name = fk_strdup(name)) || !(p->path = fk_strdup(path)) ||
            !(p->password = fk_strdup(password)))
            st = fk_failf(err, FK_ENOMEM, _("%s: out of memory"), path);
    }
    if (p) {
        p->za = za;
        p->idx = (zip_uint64_t)csv_idx;
        p->max = max_csv;
    } else {
        zip_discard(za);
    }
    long rows;
    if (st == FK_OK)
        st = fk__first_pass(p, manifest_idx >= 0 ? &m : NULL, on_chunk, ctx, &rows, err);
    if (st != FK_OK) {
        fk_package_free(p);
        return st;
    }
    *out = p;
    return FK_OK;
}

fk_status fk_package_read(void *package, char *buf, size_t cap, size_t *got, fk_err *err)
{
    fk_package *p = package;
    *got = 0;
    if (p->done)
        return FK_OK;
    fk_status st = FK_OK;
    if (!p->pass) {
        p->pass = fk_calloc(1, sizeof *p->pass);
        p->md = EVP_MD_CTX_new();
        if (!p->pass || !p->md)
            st = fk_failf(err, FK_ENOMEM, _("%s: out of memory"), p->path);
        if (st == FK_OK)
            st = fk__entry_open(p->pass, p->za, p->path, p->idx, p->name, p->password, p->max, err);
        /* The first pass's SHA-256, taken over authenticated bytes, is the second's proof. */
        p->pass->trusted = true;
        if (st == FK_OK && EVP_DigestInit_ex(p->md, EVP_sha256(), NULL) != 1)
            st = fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), p->path);
    }
    if (st == FK_OK)
        st = fk__entry_read(p->pass, buf, cap, got, err);
    if (st == FK_OK && *got > 0) {
        if (EVP_DigestUpdate(p->md, buf, *got) == 1)
            return FK_OK;
        st = fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), p->path);
    }
    p->done = true;
    *got = 0;
    unsigned char digest[FK_SHA256_BYTES];
    unsigned int len = 0;
    if (st == FK_OK && EVP_DigestFinal_ex(p->md, digest, &len) != 1)
        st = fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), p->path);
    if (st == FK_OK && (p->pass->len != p->len || memcmp(digest, p->sha256, sizeof digest) != 0))
        st = fk_failf(err, FK_EFORMAT, _("%s: entry %s changed while it was read"), p->path,
                      p->name);
    return st;
}

void fk_package_free(fk_package *p)
{
    if (!p)
        return;
    if (p->pass)
        fk__entry_close(p->pass);
    fk_free(p->pass);
    EVP_MD_CTX_free(p->md);
    if (p->za)
        zip_discard(p->za);
    if (p->password)
        fk_wipe(p->password, strlen(p->password));
    fk_free(p->password);
    fk_free(p->path);
    fk_free(p->name);
    fk_free(p);
}

fk_status fk_package_file_sha256(const char *path, char hex[65], fk_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fk_failf(err, errno == ENOENT ? FK_ENOENT : FK_EIO, "%s: %s", path, strerror(errno));
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    fk_status st = FK_OK;
    if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
        st = fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), path);
    char chunk[FK__CHUNK];
    size_t n;
    while (st == FK_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (EVP_DigestUpdate(md, chunk, n) != 1)
            st = fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), path);
    if (st == FK_OK && ferror(f))
        st = fk_failf(err, FK_EIO, _("%s: read error"), path);
    unsigned char digest[FK_SHA256_BYTES];
    unsigned int len = 0;
    if (st == FK_OK && EVP_DigestFinal_ex(md, digest, &len) != 1)
        st = fk_failf(err, FK_ECRYPTO, _("%s: SHA-256 failed"), path);
    if (st == FK_OK)
        fk__hex(digest, sizeof digest, hex);
    EVP_MD_CTX_free(md);
    fclose(f);
    return st;
}

fk_status fk_package_password_new(char *out, size_t size, fk_err *err)
{
    static const char alphabet[] = FK_PACKAGE_PASSWORD_ALPHABET;
    const unsigned n = sizeof alphabet - 1;
    /* Bytes at or above the largest multiple of n are drawn again: no character is likelier. */
    const unsigned limit = 256 - 256 % n;
    if (size < FK_PACKAGE_PASSWORD_LEN + 1)
        return fk_failf(err, FK_EINVAL, _("password buffer too small"));
    size_t have = 0;
    unsigned char pool[64];
    while (have < FK_PACKAGE_PASSWORD_LEN) {
        ssize_t got = getrandom(pool, sizeof pool, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return fk_failf(err, FK_EENV, _("random source failed: %s"), strerror(errno));
        }
        for (ssize_t i = 0; i < got && have < FK_PACKAGE_PASSWORD_LEN; i++)
            if (pool[i] < limit)
                out[have++] = alphabet[pool[i] % n];
    }
    memset(pool, 0, sizeof pool);
    out[have] = '\0';
    return FK_OK;
}

static fk_status fk__add_entry(zip_t *za, const char *path, const char *name, const char *data,
                               size_t len, const char *password, fk_err *err)
{
    zip_source_t *src = zip_source_buffer(za, data, len, 0);
    if (!src)
        return fk_failf(err, FK_ENOMEM, "%s: %s", path, zip_strerror(za));
    zip_int64_t idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        return fk_failf(err, FK_EIO, _("%s: cannot add %s: %s"), path, name, zip_strerror(za));
    }
    if (zip_file_set_encryption(za, (zip_uint64_t)idx, ZIP_EM_AES_256, password) != 0)
        return fk_failf(err, FK_ECRYPTO, _("%s: cannot encrypt %s: %s"), path, name,
                        zip_strerror(za));
    return FK_OK;
}

fk_status fk_package_write(const char *path, const char *csv_name, const char *csv, size_t len,
                           const char *password, fk_err *err)
{
    if (!password || !password[0])
        return fk_failf(err, FK_EINVAL, _("empty package password"));
    if (!csv_name[0] || strchr(csv_name, '/') || strcmp(csv_name, FK_PACKAGE_MANIFEST) == 0)
        return fk_failf(err, FK_EINVAL, _("bad entry name for the CSV"));
    if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1))
        return fk_failf(err, FK_ECRYPTO, _("libzip was built without AES-256 support"));
    long rows = 0;
    fk_stream_mem in = {csv, len, 0, 0};
    fk_status st = fk__count_rows(fk_stream_mem_read, &in, &rows, err);
    if (st != FK_OK)
        return st;
    unsigned char digest[FK_SHA256_BYTES];
    char hex[2 * FK_SHA256_BYTES + 1];
    fk_sha256(csv, len, digest);
    fk__hex(digest, sizeof digest, hex);
    char manifest[512];
    int mlen = snprintf(manifest, sizeof manifest, "csv: %s\nrows: %ld\nsha256: %s\n", csv_name,
                        rows, hex);
    if (mlen < 0 || (size_t)mlen >= sizeof manifest)
        return fk_failf(err, FK_EINVAL, _("CSV entry name too long"));

    int code = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_EXCL, &code);
    if (!za) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        st = fk_failf(err, code == ZIP_ER_EXISTS ? FK_EEXIST : FK_EIO, "%s: %s", path,
                      code == ZIP_ER_EXISTS ? "already exists" : zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return st;
    }
    st = fk__add_entry(za, path, csv_name, csv, len, password, err);
    if (st == FK_OK)
        st = fk__add_entry(za, path, FK_PACKAGE_MANIFEST, manifest, (size_t)mlen, password, err);
    if (st == FK_OK && zip_close(za) != 0) {
        st = fk_failf(err, FK_EIO, _("%s: cannot write: %s"), path, zip_strerror(za));
        zip_discard(za);
        unlink(path);
    } else if (st != FK_OK) {
        zip_discard(za);
    }
    return st;
}
