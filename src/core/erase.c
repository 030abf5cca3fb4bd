/* Cryptographic erase plus overwrite, and its proof: see erase.h. */
#include "erase.h"
#include "job-private.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The nonce that opens every sealed blob (fk_seal: nonce || ciphertext || tag). A blob's
 * nonce is random, so finding it anywhere means the blob (or a copy) survived. */
#define FK__NONCE_BYTES 24

typedef struct {
    unsigned char b[FK__NONCE_BYTES];
} fk__nonce;

struct fk_erasure {
    fk_job *job;
    fk_erased_item *items;
    size_t nitems, items_cap;
    fk__nonce *nonces;
    size_t nnonces, nonces_cap;
    fk_erasure_check check;
    fk_key *sign_seal; /* the subkey that seals the signing key */
    unsigned char sealed_sk[512];
    size_t sealed_sk_len;
};

static fk_status fk__oom(fk_err *err)
{
    return fk_failf(err, FK_ENOMEM, _("out of memory during erasure"));
}

static fk_status fk__add_item(fk_erasure *e, const char *what, const char *name, long count,
                              long long bytes, const char *sha, fk_err *err)
{
    if (e->nitems == e->items_cap) {
        size_t cap = e->items_cap ? 2 * e->items_cap : 16;
        fk_erased_item *items = fk_realloc(e->items, cap * sizeof *items);
        if (items == NULL)
            return fk__oom(err);
        e->items = items;
        e->items_cap = cap;
    }
    fk_erased_item *it = &e->items[e->nitems];
    it->what = what;
    snprintf(it->name, sizeof it->name, "%s", name != NULL ? name : "");
    it->count = count;
    it->bytes = bytes;
    snprintf(it->sha256, sizeof it->sha256, "%s", sha);
    e->nitems++;
    return FK_OK;
}

static fk_status fk__add_nonce(fk_erasure *e, const void *blob, size_t len, fk_err *err)
{
    if (len < FK__NONCE_BYTES)
        return FK_OK;
    if (e->nnonces == e->nonces_cap) {
        size_t cap = e->nonces_cap ? 2 * e->nonces_cap : 256;
        fk__nonce *n = fk_realloc(e->nonces, cap * sizeof *n);
        if (n == NULL)
            return fk__oom(err);
        e->nonces = n;
        e->nonces_cap = cap;
    }
    memcpy(e->nonces[e->nnonces++].b, blob, FK__NONCE_BYTES);
    return FK_OK;
}

/* Key slots: one item per user that holds one. */
static fk_status fk__inventory_slots(fk_erasure *e, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(e->job,
                                  "SELECT id, slot FROM users WHERE slot IS NOT NULL"
                                  " ORDER BY seq",
                                  &st, err);
    while (s == FK_OK && sqlite3_step(st) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        char sha[65];
        fk_sha256_hex(blob, n, sha);
        s = fk__add_item(e, "key slot", (const char *)sqlite3_column_text(st, 0), 1, (long long)n,
                         sha, err);
        if (s == FK_OK)
            s = fk__add_nonce(e, blob, n, err);
    }
    sqlite3_finalize(st);
    return s;
}

/* The sealed records: one item, the SHA-256 of every ciphertext in id order. */
static fk_status fk__inventory_records(fk_erasure *e, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(e->job,
                                  "SELECT sealed FROM records WHERE length(sealed) > 0"
                                  " ORDER BY id",
                                  &st, err);
    if (s != FK_OK)
        return s;
    fk_buf all;
    fk_buf_init(&all, (size_t)1 << 31);
    long count = 0;
    while (s == FK_OK && sqlite3_step(st) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        s = fk_buf_append(&all, blob, n);
        if (s == FK_OK)
            s = fk__add_nonce(e, blob, n, err);
        else
            s = fk_failf(err, s, _("sealed records: %s"), fk_strerror(s));
        count++;
    }
    sqlite3_finalize(st);
    char sha[65];
    fk_sha256_hex(all.data != NULL ? all.data : "", all.len, sha);
    if (s == FK_OK && count > 0)
        s = fk__add_item(e, "sealed records", "records", count, (long long)all.len, sha, err);
    fk_buf_free(&all);
    return s;
}

static fk_status fk__files_dir(fk_job *job, char *out, size_t size, fk_err *err)
{
    if (!fk_fs_join(out, size, job->dir, "files"))
        return fk_failf(err, FK_EINVAL, _("%s: path too long"), job->dir);
    return FK_OK;
}

/* Every file under JOBDIR/files (sealed print files and any leftover temporary file). */
static fk_status fk__inventory_files(fk_erasure *e, fk_err *err)
{
    char dir[4096];
    fk_status s = fk__files_dir(e->job, dir, sizeof dir, err);
    DIR *d = s == FK_OK ? opendir(dir) : NULL;
    if (d == NULL)
        return s == FK_OK && errno != ENOENT ? fk_failf(err, FK_EIO, "%s: %s", dir, strerror(errno))
                                             : s;
    struct dirent *de;
    while (s == FK_OK && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' && (de->d_name[1] == '\0' || strcmp(de->d_name, "..") == 0))
            continue;
        char path[4096];
        char *data;
        size_t len;
        if (!fk_fs_join(path, sizeof path, dir, de->d_name))
            s = fk_failf(err, FK_EINVAL, _("%s: path too long"), dir);
        if (s == FK_OK)
            s = fk_fs_read_file(path, (size_t)1 << 31, &data, &len, err);
        if (s != FK_OK)
            break;
        char sha[65];
        fk_sha256_hex(data, len, sha);
        s = fk__add_item(e, "sealed file", de->d_name, 1, (long long)len, sha, err);
        if (s == FK_OK)
            s = fk__add_nonce(e, data, len, err);
        fk_free(data);
    }
    closedir(d);
    return s;
}

static fk_status fk__inventory_signing_key(fk_erasure *e, fk_err *err)
{
    fk_status s = fk__job_meta_get(e->job, "sign_sk", e->sealed_sk, sizeof e->sealed_sk,
                                   &e->sealed_sk_len, err);
    if (s == FK_OK)
        s = fk__job_subkey(e->job, "auditsig", &e->sign_seal, err);
    char sha[65];
    fk_sha256_hex(e->sealed_sk, e->sealed_sk_len, sha);
    if (s == FK_OK)
        s = fk__add_item(e, "audit signing key", "sign_sk", 1, (long long)e->sealed_sk_len, sha,
                         err);
    if (s == FK_OK)
        s = fk__add_nonce(e, e->sealed_sk, e->sealed_sk_len, err);
    return s;
}

/* The store's part, in one transaction: slots, signing key, ciphertexts, tags. */
static fk_status fk__erase_store(fk_job *job, fk_err *err)
{
    char utc[32], local[40];
    fk__job_now(utc, local);
    fk_status s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    s = fk__job_exec(job,
                     "UPDATE users SET slot = NULL, salt = NULL, kdf_ops = NULL, kdf_mem = NULL;"
                     "DELETE FROM meta WHERE key = 'sign_sk';"
                     /* The tag is a keyed hash of the resident number: without the key it
                      * is meaningless, but it goes too; the clear columns stay for counts. */
                     "UPDATE records SET sealed = X'', tag = 'erased-' || id;"
                     "DELETE FROM acceptances;",
                     err);
    if (s == FK_OK)
        s = fk__job_meta_set(job, "erased_at", local, strlen(local), err);
    return fk_job_end(job, s, err);
}

/* Overwrites a file with zeros, syncs it and removes it. */
fk_status fk_erase_file(const char *path, fk_err *err)
{
    int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fk_failf(err, FK_EIO, "%s: %s", path, strerror(errno));
    struct stat sb;
    bool ok = fstat(fd, &sb) == 0;
    static const unsigned char zeros[65536];
    for (off_t done = 0; ok && done < sb.st_size;) {
        size_t chunk =
            (size_t)(sb.st_size - done) < sizeof zeros ? (size_t)(sb.st_size - done) : sizeof zeros;
        ssize_t n = write(fd, zeros, chunk);
        ok = n > 0;
        done += n > 0 ? n : 0;
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || unlink(path) != 0)
        return fk_failf(err, FK_EIO, _("%s: cannot overwrite and remove: %s"), path,
                        strerror(errno));
    return FK_OK;
}

static fk_status fk__shred_files(fk_job *job, fk_err *err)
{
    char dir[4096];
    fk_status s = fk__files_dir(job, dir, sizeof dir, err);
    DIR *d = s == FK_OK ? opendir(dir) : NULL;
    if (d == NULL)
        return s;
    struct dirent *de;
    while (s == FK_OK && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[4096];
        if (!fk_fs_join(path, sizeof path, dir, de->d_name))
            s = fk_failf(err, FK_EINVAL, _("%s: path too long"), dir);
        else
            s = fk_erase_file(path, err);
    }
    closedir(d);
    if (s == FK_OK && rmdir(dir) != 0)
        s = fk_failf(err, FK_EIO, "%s: %s", dir, strerror(errno));
    return s;
}

static int fk__nonce_cmp(const void *a, const void *b)
{
    return memcmp(a, b, FK__NONCE_BYTES);
}

/* Searches data for any of the sorted nonces; a 16-bit prefix filter keeps it linear. */
static long fk__scan(const fk_erasure *e, const unsigned char *filter, const unsigned char *data,
                     size_t len)
{
    long found = 0;
    for (size_t i = 0; i + FK__NONCE_BYTES <= len; i++) {
        unsigned p = (unsigned)data[i] << 8 | data[i + 1];
        if ((filter[p >> 3] & (1u << (p & 7))) == 0)
            continue;
        if (bsearch(data + i, e->nonces, e->nnonces, sizeof *e->nonces, fk__nonce_cmp) != NULL)
            found++;
    }
    return found;
}

static fk_status fk__scan_dir(fk_erasure *e, const unsigned char *filter, const char *dir,
                              int depth, fk_err *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return fk_failf(err, FK_EIO, "%s: %s", dir, strerror(errno));
    fk_status s = FK_OK;
    struct dirent *de;
    while (s == FK_OK && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char path[4096];
        struct stat sb;
        if (!fk_fs_join(path, sizeof path, dir, de->d_name) || lstat(path, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode) && depth < 8) {
            s = fk__scan_dir(e, filter, path, depth + 1, err);
        } else if (S_ISREG(sb.st_mode)) {
            char *data;
            size_t len;
            s = fk_fs_read_file(path, (size_t)1 << 31, &data, &len, err);
            if (s != FK_OK)
                break;
            e->check.files_scanned++;
            e->check.bytes_scanned += (long long)len;
            e->check.blobs_found += fk__scan(e, filter, (const unsigned char *)data, len);
            fk_free(data);
        }
    }
    closedir(d);
    return s;
}

static fk_status fk__prove(fk_erasure *e, const char *password, fk_err *err)
{
    fk_job *job = e->job;
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT count(*) FROM users WHERE slot IS NOT NULL"
                                  " OR salt IS NOT NULL",
                                  &st, err);
    if (s != FK_OK)
        return s;
    if (sqlite3_step(st) == SQLITE_ROW)
        e->check.slots_left = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    /* A fresh handle, as a later run of fukan would open it (beside this one, which holds the
     * job's lock for the whole erasure). */
    fk_job *again = NULL;
    fk_err ignored;
    fk_err_clear(&ignored);
    s = fk__job_open_beside(job, &again, err);
    if (s != FK_OK)
        return s;
    e->check.login_refused =
        fk_job_login(again, job->user, password, "erase verify", FK_ROLES_ALL, &ignored) != FK_OK;
    fk_job_close(again);
    qsort(e->nonces, e->nnonces, sizeof *e->nonces, fk__nonce_cmp);
    size_t distinct = 0;
    for (size_t i = 0; i < e->nnonces; i++)
        if (distinct == 0 || memcmp(e->nonces[distinct - 1].b, e->nonces[i].b, FK__NONCE_BYTES))
            e->nonces[distinct++] = e->nonces[i];
    e->nnonces = distinct;
    e->check.nonces_searched = (long)distinct;
    unsigned char *filter = fk_calloc(1, 65536 / 8);
    if (filter == NULL)
        return fk__oom(err);
    for (size_t i = 0; i < e->nnonces; i++) {
        unsigned p = (unsigned)e->nonces[i].b[0] << 8 | e->nonces[i].b[1];
        filter[p >> 3] |= (unsigned char)(1u << (p & 7));
    }
    s = fk__scan_dir(e, filter, job->dir, 0, err);
    fk_free(filter);
    e->check.passed = s == FK_OK && e->check.slots_left == 0 && e->check.login_refused &&
                      e->check.blobs_found == 0 && e->check.nonces_searched > 0;
    return s;
}

/* The erasure's phases, for progress: inventory (4), store, shredding, vacuum, proof. */
#define FK__ERASE_PHASES 8

static void fk__phase_done(fk_erase_progress_fn progress, void *ctx, size_t *done)
{
    if (progress != NULL)
        progress(ctx, N_("erasing the job"), ++*done, FK__ERASE_PHASES);
}

fk_status fk_job_erase(fk_job *job, const char *password, fk_erase_progress_fn progress, void *ctx,
                       fk_erasure **out, fk_err *err)
{
    if (job->role != FK_ROLE_MANAGER || job->key == NULL)
        return fk_failf(err, FK_EPERM,
                        _("only a logged-in 取扱責任者 may erase the job: log in as"
                          " a responsible manager with --user ID"));
    if (fk_job_is_erased(job, NULL, 0))
        return fk_failf(err, FK_ESTATE,
                        _("%s: the job is already erased: nothing is left to erase;"
                          " 'fukan report JOBDIR' writes the report for the ward"),
                        job->dir);
    fk_erasure *e = fk_calloc(1, sizeof *e);
    if (e == NULL)
        return fk__oom(err);
    e->job = job;
    size_t done = 0;
    fk_status s = fk__inventory_slots(e, err);
    fk__phase_done(progress, ctx, &done);
    if (s == FK_OK)
        s = fk__inventory_signing_key(e, err);
    fk__phase_done(progress, ctx, &done);
    if (s == FK_OK)
        s = fk__inventory_records(e, err);
    fk__phase_done(progress, ctx, &done);
    if (s == FK_OK)
        s = fk__inventory_files(e, err);
    fk__phase_done(progress, ctx, &done);
    if (s == FK_OK)
        s = fk__erase_store(job, err);
    fk__phase_done(progress, ctx, &done);
    if (s == FK_OK) {
        /* From here on no key is stored; the one in memory goes too. */
        fk_key_free(job->key);
        job->key = NULL;
        s = fk__shred_files(job, err);
    }
    fk__phase_done(progress, ctx, &done);
    if (s == FK_OK)
        s = fk__job_exec(job, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);", err);
    fk__phase_done(progress, ctx, &done);
    if (s == FK_OK)
        s = fk__prove(e, password, err);
    fk__phase_done(progress, ctx, &done);
    if (s != FK_OK) {
        fk_erasure_free(e);
        return s;
    }
    *out = e;
    return FK_OK;
}

const fk_erased_item *fk_erasure_items(const fk_erasure *e, size_t *n)
{
    *n = e->nitems;
    return e->items;
}

const fk_erasure_check *fk_erasure_check_result(const fk_erasure *e)
{
    return &e->check;
}

fk_status fk_erasure_sign(const fk_erasure *e, const void *msg, size_t n,
                          unsigned char sig[FK_SIGNATURE_BYTES], fk_err *err)
{
    return fk_sign(e->sign_seal, e->sealed_sk, e->sealed_sk_len, msg, n, sig, err);
}

void fk_erasure_free(fk_erasure *e)
{
    if (e == NULL)
        return;
    fk_free(e->items);
    fk_free(e->nonces);
    fk_key_free(e->sign_seal);
    fk_wipe(e->sealed_sk, sizeof e->sealed_sk);
    fk_free(e);
}

bool fk_job_is_erased(fk_job *job, char *at, size_t size)
{
    char value[64];
    size_t n;
    if (fk__job_meta_get(job, "erased_at", value, sizeof value - 1, &n, NULL) != FK_OK)
        return false;
    value[n] = '\0';
    if (at != NULL)
        snprintf(at, size, "%s", value);
    return true;
}

fk_status fk_job_act_on_erased(fk_job *job, const char *user_id, const char *command, fk_err *err)
{
    if (!fk_job_is_erased(job, NULL, 0))
        return fk_failf(err, FK_ESTATE, _("%s: the job is not erased; log in"), job->dir);
    if (user_id == NULL)
        return fk_failf(err, FK_EINVAL, _("who is this? give --user ID (or set FUKAN_USER)"));
    /* Not a login (none is possible), but the name must at least be one of the roster's. */
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "SELECT 1 FROM users WHERE id = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
    bool known = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!known)
        return fk_failf(err, FK_EAUTH, _("%s is not on the job's roster"), user_id);
    char who[96];
    snprintf(who, sizeof who, "%s (not authenticated: job erased)", user_id);
    char *u = fk_strdup(who), *c = fk_strdup(command);
    if (u == NULL || c == NULL) {
        fk_free(u);
        fk_free(c);
        return fk__oom(err);
    }
    fk_free(job->user);
    fk_free(job->command);
    job->user = u;
    job->command = c;
    return FK_OK;
}
