/* Sealed print files, check values and settings: see files.h. */
#include "files.h"
#include "job-private.h"
#include "util/fsutil.h"
#include "util/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool fk__is_file_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 100 || name[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static fk_status fk__file_path(fk_job *job, const char *name, char *out, size_t size, fk_err *err)
{
    if (!fk__is_file_name(name))
        return fk_failf(err, FK_EINVAL, "'%s' is not a valid file name", name);
    int n = snprintf(out, size, "%s/files/%s.sealed", job->dir, name);
    if (n < 0 || (size_t)n >= size)
        return fk_failf(err, FK_EINVAL, "%s: path too long", job->dir);
    return FK_OK;
}

static size_t fk__file_ad(const fk_job *job, const char *name, unsigned char *ad, size_t size)
{
    size_t n = strlen(name);
    if (n > size - FK_JOB_ID_BYTES)
        n = size - FK_JOB_ID_BYTES;
    memcpy(ad, job->id, FK_JOB_ID_BYTES);
    memcpy(ad + FK_JOB_ID_BYTES, name, n);
    return FK_JOB_ID_BYTES + n;
}

static fk_status fk__ensure_files_dir(fk_job *job, fk_err *err)
{
    char dir[4096];
    if (!fk_fs_join(dir, sizeof dir, job->dir, "files"))
        return fk_failf(err, FK_EINVAL, "%s: path too long", job->dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return fk_failf(err, FK_EIO, "%s: %s", dir, strerror(errno));
    return fk_fs_check_private_dir(dir, err);
}

fk_status fk_job_file_put(fk_job *job, const fk_job_file *file, const void *data, size_t len,
                          fk_err *err)
{
    char path[4096];
    fk_key *k = NULL;
    fk_buf sealed;
    fk_buf_init(&sealed, len + 1024);
    fk_status s = fk__file_path(job, file->name, path, sizeof path, err);
    if (s == FK_OK)
        s = fk__ensure_files_dir(job, err);
    if (s == FK_OK)
        s = fk__job_subkey(job, "files___", &k, err);
    unsigned char ad[160];
    size_t ad_len = fk__file_ad(job, file->name, ad, sizeof ad);
    if (s == FK_OK && fk_seal(k, ad, ad_len, data, len, &sealed) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, "out of memory sealing %s", file->name);
    if (s == FK_OK)
        s = fk_fs_write_atomic(path, sealed.data, sealed.len, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT OR REPLACE INTO files (name, document, category, batch,"
                            " envelopes, sheets, bytes, created_at) VALUES (?,?,?,?,?,?,?,?)",
                            &st, err);
    if (s == FK_OK) {
        char utc[32], local[40];
        fk__job_now(utc, local);
        sqlite3_bind_text(st, 1, file->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, file->document, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, file->category);
        sqlite3_bind_int(st, 4, file->batch);
        sqlite3_bind_int64(st, 5, file->envelopes);
        sqlite3_bind_int64(st, 6, file->sheets);
        sqlite3_bind_int64(st, 7, (sqlite3_int64)len);
        sqlite3_bind_text(st, 8, local, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    fk_buf_free(&sealed);
    fk_key_free(k);
    return s;
}

fk_status fk_job_file_get(fk_job *job, const char *name, fk_buf *out, fk_err *err)
{
    char path[4096];
    char *data = NULL;
    size_t len = 0;
    fk_key *k = NULL;
    fk_status s = fk__file_path(job, name, path, sizeof path, err);
    if (s == FK_OK)
        s = fk_fs_read_file(path, (size_t)1 << 31, &data, &len, err);
    if (s == FK_OK)
        s = fk__job_subkey(job, "files___", &k, err);
    unsigned char ad[160];
    size_t ad_len = fk__file_ad(job, name, ad, sizeof ad);
    if (s == FK_OK && fk_unseal(k, ad, ad_len, data, len, out, err) != FK_OK)
        s = fk_failf(err, FK_ETAMPER, "%s: sealed file failed authentication", path);
    fk_free(data);
    fk_key_free(k);
    return s;
}

fk_status fk_job_files_foreach(fk_job *job, int (*visit)(const fk_job_file *, void *), void *ctx,
                               fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT name, document, category, batch, envelopes, sheets, state"
                                  " FROM files ORDER BY rowid",
                                  &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_job_file f = {(const char *)sqlite3_column_text(st, 0),
                         (const char *)sqlite3_column_text(st, 1),
                         sqlite3_column_int(st, 2),
                         sqlite3_column_int(st, 3),
                         (long)sqlite3_column_int64(st, 4),
                         (long)sqlite3_column_int64(st, 5),
                         FK_FILE_COMPOSED};
        if (f.name == NULL || f.document == NULL ||
            !fk_file_state_parse((const char *)sqlite3_column_text(st, 6), &f.state)) {
            s = fk_failf(err, FK_ETAMPER, "%s: the file list is damaged", job->dir);
            break;
        }
        if (visit(&f, ctx) != 0)
            break;
    }
    if (s == FK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

static int fk__unlink_file(const fk_job_file *f, void *ctx)
{
    fk_job *job = ctx;
    char path[4096];
    if (fk__file_path(job, f->name, path, sizeof path, NULL) == FK_OK)
        unlink(path);
    return 0;
}

fk_status fk_job_files_clear(fk_job *job, fk_err *err)
{
    fk_status s = fk_job_files_foreach(job, fk__unlink_file, job, err);
    return s == FK_OK ? fk__job_exec(job, "DELETE FROM files", err) : s;
}

static fk_status fk__check_value(fk_job *job, const char context[8], const fk_record *r,
                                 char out[FK_CHECK_VALUE_HEX], fk_err *err)
{
    fk_key *k;
    fk_status s = fk__job_subkey(job, context, &k, err);
    if (s != FK_OK)
        return s;
    fk_buf b;
    fk_buf_init(&b, 1 << 12);
    /* Fields joined with a separator no field may hold, so no two identities collide. */
    const char *ids[] = {r->name, r->address, r->building, r->voucher_no, r->resident_no};
    for (size_t i = 0; s == FK_OK && i < sizeof ids / sizeof ids[0]; i++) {
        s = fk_buf_append_str(&b, ids[i] ? ids[i] : "");
        if (s == FK_OK)
            s = fk_buf_append_byte(&b, 0x1f);
    }
    unsigned char mac[16];
    if (s == FK_OK) {
        fk_mac(k, b.data, b.len, mac, sizeof mac);
        char hex[33];
        fk_hex(mac, sizeof mac, hex);
        memcpy(out, hex, FK_CHECK_VALUE_HEX - 1);
        out[FK_CHECK_VALUE_HEX - 1] = '\0';
    } else {
        s = fk_failf(err, s, "out of memory");
    }
    if (b.data != NULL)
        fk_wipe(b.data, b.cap);
    fk_buf_free(&b);
    fk_key_free(k);
    return s;
}

fk_status fk_job_check_value(fk_job *job, const fk_record *r, char out[FK_CHECK_VALUE_HEX],
                             fk_err *err)
{
    return fk__check_value(job, "insertck", r, out, err);
}

fk_status fk_job_specimen_check_value(fk_job *job, const fk_record *r, char out[FK_CHECK_VALUE_HEX],
                                      fk_err *err)
{
    return fk__check_value(job, "specimck", r, out, err);
}

fk_status fk_job_setting_set(fk_job *job, const char *key, const char *value, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                  &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_setting_get(fk_job *job, const char *key, char *out, size_t size, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "SELECT value FROM settings WHERE key = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    else
        s = FK_ENOENT;
    sqlite3_finalize(st);
    return s;
}
