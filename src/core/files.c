/* Sealed print files, check values and settings: see files.h. */
#include "files.h"
#include "job-private.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* files/STORED: the name a file set keeps on disk ("NAME.GEN.sealed"). */
static fk_status fk__stored_path(fk_job *job, const char *stored, char *out, size_t size,
                                 fk_err *err)
{
    int n = snprintf(out, size, "%s/files/%s", job->dir, stored);
    if (n < 0 || (size_t)n >= size)
        return fk_failf(err, FK_EINVAL, _("%s: path too long"), job->dir);
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
        return fk_failf(err, FK_EINVAL, _("%s: path too long"), job->dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return fk_failf(err, FK_EIO, "%s: %s", dir, strerror(errno));
    return fk_fs_check_private_dir(dir, err);
}

/* Sealed bytes gathered for one write(2); the plaintext never is. */
#define FK__WRITE_CHUNK (64 * 1024)

struct fk_job_file_writer {
    char name[104];
    char stored[160];
    char path[4096];
    int fd;
    bool finished;
    fk_sealer *sealer;
    size_t len; /* plaintext bytes so far */
    size_t fill;
    unsigned char chunk[FK__WRITE_CHUNK];
    int write_errno; /* the first failed write's errno, reported by finish */
};

static void fk__writer_flush(fk_job_file_writer *w)
{
    for (size_t at = 0; at < w->fill && w->write_errno == 0;) {
        ssize_t n = write(w->fd, w->chunk + at, w->fill - at);
        if (n < 0 && errno != EINTR)
            w->write_errno = errno;
        else if (n > 0)
            at += (size_t)n;
    }
    w->fill = 0;
}

fk_status fk_job_file_writer_new(fk_job *job, const char *name, fk_job_file_writer **out,
                                 fk_err *err)
{
    *out = NULL;
    if (!fk__is_file_name(name))
        return fk_failf(err, FK_EINVAL, _("'%s' is not a valid file name"), name);
    const fk_key *k = NULL;
    fk_status s = fk__job_key(job, "files___", &k, err);
    if (s == FK_OK)
        s = fk__ensure_files_dir(job, err);
    if (s != FK_OK)
        return s;
    fk_job_file_writer *w = fk_calloc(1, sizeof *w);
    if (w == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    w->fd = -1;
    snprintf(w->name, sizeof w->name, "%s", name);
    /* Never over an existing file: a name of its own, which only the row written in the same
     * transaction names. Until that commits, the old file stays complete and listed, and
     * an unlisted one (a crash, a rollback) is swept. */
    unsigned char gen[8];
    char gen_hex[2 * sizeof gen + 1];
    fk_random_bytes(gen, sizeof gen);
    fk_hex(gen, sizeof gen, gen_hex);
    snprintf(w->stored, sizeof w->stored, "%s.%s.sealed", name, gen_hex);
    s = fk__stored_path(job, w->stored, w->path, sizeof w->path, err);
    if (s == FK_OK && (w->fd = open(w->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
        s = fk_failf(err, FK_EIO, "%s: %s", w->path, strerror(errno));
    unsigned char ad[160];
    size_t ad_len = fk__file_ad(job, name, ad, sizeof ad);
    if (s == FK_OK)
        s = fk_sealer_new(k, ad, ad_len, w->chunk, &w->sealer, err);
    if (s != FK_OK) {
        fk_job_file_writer_abort(w);
        return s;
    }
    w->fill = FK_SEAL_NONCE_BYTES;
    *out = w;
    return FK_OK;
}

fk_status fk_job_file_write(fk_job_file_writer *w, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0 && w->write_errno == 0) {
        size_t n = sizeof w->chunk - w->fill < len ? sizeof w->chunk - w->fill : len;
        fk_sealer_update(w->sealer, p, w->chunk + w->fill, n);
        w->fill += n;
        w->len += n;
        p += n;
        len -= n;
        if (w->fill == sizeof w->chunk)
            fk__writer_flush(w);
    }
    return w->write_errno == 0 ? FK_OK : FK_EIO;
}

fk_status fk_job_file_writer_finish(fk_job_file_writer *w, fk_err *err)
{
    if (w->finished)
        return FK_OK;
    if (w->write_errno == 0) {
        if (sizeof w->chunk - w->fill < FK_SEAL_TAG_BYTES)
            fk__writer_flush(w);
        fk_sealer_final(w->sealer, w->chunk + w->fill);
        w->fill += FK_SEAL_TAG_BYTES;
        fk__writer_flush(w);
    }
    if (w->write_errno == 0 && fsync(w->fd) != 0)
        w->write_errno = errno;
    if (close(w->fd) != 0 && w->write_errno == 0)
        w->write_errno = errno;
    w->fd = -1;
    if (w->write_errno != 0)
        return fk_failf(err, FK_EIO, "%s: %s", w->path, strerror(w->write_errno));
    w->finished = true;
    return FK_OK;
}

void fk_job_file_writer_abort(fk_job_file_writer *w)
{
    if (w == NULL)
        return;
    if (w->fd >= 0)
        close(w->fd);
    if (w->path[0] != '\0')
        unlink(w->path);
    fk_sealer_free(w->sealer);
    fk_free(w);
}

fk_status fk_job_file_writer_commit(fk_job *job, fk_job_file_writer *w, const fk_job_file *file,
                                    fk_err *err)
{
    fk_status s = strcmp(file->name, w->name) == 0
                      ? fk_job_file_writer_finish(w, err)
                      : fk_failf(err, FK_EINVAL, _("'%s' is not the file written"), file->name);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK) {
        job->files_dirty = true;
        s = fk__job_cached(job,
                           "INSERT OR REPLACE INTO files (name, document, category, batch,"
                           " envelopes, sheets, bytes, created_at, stored)"
                           " VALUES (?,?,?,?,?,?,?,?,?)",
                           &st, err);
    }
    if (s == FK_OK) {
        char utc[32], local[40];
        fk__job_now(utc, local);
        sqlite3_bind_text(st, 1, file->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, file->document, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, file->category);
        sqlite3_bind_int(st, 4, file->batch);
        sqlite3_bind_int64(st, 5, file->envelopes);
        sqlite3_bind_int64(st, 6, file->sheets);
        sqlite3_bind_int64(st, 7, (sqlite3_int64)w->len);
        sqlite3_bind_text(st, 8, local, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 9, w->stored, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    fk__job_cached_done(st);
    if (s == FK_OK) {
        /* The directory entry is durable before the row that names it commits. */
        char dir[4096];
        int fd = fk_fs_join(dir, sizeof dir, job->dir, "files")
                     ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                     : -1;
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
        w->path[0] = '\0'; /* listed now: the writer no longer owns it */
    }
    fk_job_file_writer_abort(w);
    /* Outside a transaction the row is already committed: the replaced file goes now. */
    if (sqlite3_get_autocommit(job->db) && job->files_dirty) {
        job->files_dirty = false;
        fk__files_sweep(job);
    }
    return s;
}

fk_status fk_job_file_put(fk_job *job, const fk_job_file *file, const void *data, size_t len,
                          fk_err *err)
{
    fk_job_file_writer *w;
    fk_status s = fk_job_file_writer_new(job, file->name, &w, err);
    if (s == FK_OK && fk_job_file_write(w, data, len) != FK_OK)
        s = fk_job_file_writer_finish(w, err);
    if (s == FK_OK)
        return fk_job_file_writer_commit(job, w, file, err);
    fk_job_file_writer_abort(w);
    return s;
}

/* The stored name of a listed file; FK_ENOENT if none. */
static fk_status fk__stored_name(fk_job *job, const char *name, char *out, size_t size, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "SELECT stored FROM files WHERE name = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    const char *stored = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (rc == SQLITE_ROW &&
        (stored == NULL || strchr(stored, '/') != NULL || strncmp(stored, name, strlen(name)) != 0))
        s = fk_failf(err, FK_ETAMPER, _("%s: the file list is damaged at %s"), job->dir, name);
    else if (rc == SQLITE_ROW)
        snprintf(out, size, "%s", stored);
    else if (rc == SQLITE_DONE)
        s = fk_failf(err, FK_ENOENT, _("%s: no file %s"), job->dir, name);
    else
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_file_get(fk_job *job, const char *name, fk_buf *out, fk_err *err)
{
    char path[4096], stored[160];
    char *data = NULL;
    size_t len = 0;
    const fk_key *k = NULL;
    fk_status s = fk__is_file_name(name)
                      ? FK_OK
                      : fk_failf(err, FK_EINVAL, _("'%s' is not a valid file name"), name);
    if (s == FK_OK)
        s = fk__stored_name(job, name, stored, sizeof stored, err);
    if (s == FK_OK)
        s = fk__stored_path(job, stored, path, sizeof path, err);
    if (s == FK_OK)
        s = fk_fs_check_private_file(path, err);
    if (s == FK_OK)
        s = fk_fs_read_file(path, (size_t)1 << 31, &data, &len, err);
    if (s == FK_OK)
        s = fk__job_key(job, "files___", &k, err);
    unsigned char ad[160];
    size_t ad_len = fk__file_ad(job, name, ad, sizeof ad);
    if (s == FK_OK && fk_unseal(k, ad, ad_len, data, len, out, err) != FK_OK)
        s = fk_failf(err, FK_ETAMPER, _("%s: sealed file failed authentication"), path);
    fk_free(data);
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
            s = fk_failf(err, FK_ETAMPER, _("%s: the file list is damaged"), job->dir);
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

fk_status fk_job_files_clear(fk_job *job, fk_err *err)
{
    /* Serials are reassigned by composing again: results of the enclosure check would then
     * name other people's envelopes. */
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "SELECT count(*) FROM enclosure", &st, err);
    if (s != FK_OK)
        return s;
    long checked = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (checked > 0)
        return fk_failf(err, FK_ESTATE,
                        _("%ld envelopes have been through the enclosure check: composing again"
                          " would reassign their serials"),
                        checked);
    /* Only the rows: the files go when the transaction commits (fk__files_sweep), so that
     * a crash before then leaves the old set listed and complete. */
    s = fk__job_exec(job, "DELETE FROM files", err);
    if (s == FK_OK)
        job->files_dirty = true;
    return s;
}

void fk__files_sweep(fk_job *job)
{
    char dir[4096];
    if (!fk_fs_join(dir, sizeof dir, job->dir, "files"))
        return;
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    sqlite3_stmt *st = NULL;
    if (fk__job_prepare(job, "SELECT 1 FROM files WHERE stored = ?", &st, NULL) != FK_OK) {
        closedir(d);
        return;
    }
    struct dirent *e;
    bool removed = false;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        sqlite3_bind_text(st, 1, e->d_name, -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            continue; /* listed, or the store cannot say: kept */
        char path[4096];
        if (fk__stored_path(job, e->d_name, path, sizeof path, NULL) == FK_OK && unlink(path) == 0)
            removed = true;
    }
    sqlite3_finalize(st);
    closedir(d);
    if (removed) {
        int fd = open(dir, O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
            (void)fsync(fd);
            close(fd);
        }
    }
}

/* The prefix of an export's files until all are complete. */
#define FK__PART_PREFIX ".fukan-part-"

typedef struct {
    fk_job *job;
    const char *dir;
    size_t n, cap;
    char (*names)[104];
    char (*sha)[65];
    fk_status status;
    fk_err *err;
    void (*progress)(void *ctx, size_t done, size_t total);
    void *ctx;
    size_t total;
} fk__export;

static int fk__count_file(const fk_job_file *f, void *ctx)
{
    (void)f;
    ++*(size_t *)ctx;
    return 0;
}

static fk_status fk__part_path(const char *dir, const char *name, char *out, size_t size,
                               fk_err *err)
{
    int n = snprintf(out, size, "%s/" FK__PART_PREFIX "%s", dir, name);
    if (n < 0 || (size_t)n >= size)
        return fk_failf(err, FK_EINVAL, _("%s: path too long"), dir);
    return FK_OK;
}

static int fk__export_one(const fk_job_file *f, void *ctx)
{
    fk__export *x = ctx;
    if (x->n == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 32;
        void *names = fk_realloc(x->names, cap * sizeof *x->names);
        if (names != NULL)
            x->names = names;
        void *sha = names ? fk_realloc(x->sha, cap * sizeof *x->sha) : NULL;
        if (sha == NULL) {
            x->status = fk_failf(x->err, FK_ENOMEM, _("out of memory"));
            return 1;
        }
        x->sha = sha;
        x->cap = cap;
    }
    fk_buf data;
    fk_buf_init(&data, (size_t)1 << 31);
    char path[4096];
    x->status = fk_job_file_get(x->job, f->name, &data, x->err);
    if (x->status == FK_OK)
        x->status = fk__part_path(x->dir, f->name, path, sizeof path, x->err);
    if (x->status == FK_OK)
        x->status = fk_fs_write_atomic(path, data.data, data.len, x->err);
    if (x->status == FK_OK) {
        snprintf(x->names[x->n], sizeof x->names[x->n], "%s", f->name);
        fk_sha256_hex(data.data, data.len, x->sha[x->n]);
        x->n++;
        if (x->progress != NULL)
            x->progress(x->ctx, x->n, x->total);
    }
    if (data.data != NULL)
        fk_wipe(data.data, data.cap);
    fk_buf_free(&data);
    return x->status != FK_OK;
}

/* Removes what an interrupted export left: its partial files (and their temporaries). */
static void fk__remove_parts(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        if (strncmp(e->d_name, FK__PART_PREFIX, strlen(FK__PART_PREFIX)) == 0 &&
            fk_fs_join(path, sizeof path, dir, e->d_name))
            unlink(path);
    }
    closedir(d);
}

fk_status fk_job_files_export(fk_job *job, const char *dir,
                              void (*exported)(const char *path, const char *sha256_hex, void *),
                              void (*progress)(void *ctx, size_t done, size_t total), void *ctx,
                              long *count, fk_err *err)
{
    *count = 0;
    fk__export x = {.job = job, .dir = dir, .err = err, .progress = progress, .ctx = ctx};
    fk__remove_parts(dir);
    fk_status s = fk_job_files_foreach(job, fk__count_file, &x.total, err);
    if (s == FK_OK)
        s = fk_job_files_foreach(job, fk__export_one, &x, err);
    if (s == FK_OK)
        s = x.status;
    if (s == FK_OK && x.n == 0)
        s = fk_failf(err, FK_ESTATE, _("nothing to export: run 'fukan compose' first"));
    /* Every name and checksum is in the audit log before any clear copy takes its name. */
    if (s == FK_OK) {
        s = fk_job_begin(job, err);
        for (size_t i = 0; s == FK_OK && i < x.n; i++) {
            char details[128];
            snprintf(details, sizeof details, "exported in clear; sha256 %s", x.sha[i]);
            s = fk_job_audit(job, x.names[i], FK_OK, details, err);
        }
        if (s == FK_OK)
            s = fk_job_commit(job, err);
        else
            fk_job_rollback(job);
    }
    for (size_t i = 0; s == FK_OK && i < x.n; i++) {
        char part[4096], final[4096];
        s = fk__part_path(dir, x.names[i], part, sizeof part, err);
        if (s == FK_OK && !fk_fs_join(final, sizeof final, dir, x.names[i]))
            s = fk_failf(err, FK_EINVAL, _("%s: path too long"), dir);
        if (s == FK_OK && rename(part, final) != 0)
            s = fk_failf(err, FK_EIO, "%s: %s", final, strerror(errno));
        if (s == FK_OK) {
            if (exported != NULL)
                exported(final, x.sha[i], ctx);
            (*count)++;
        }
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    if (s != FK_OK)
        fk__remove_parts(dir);
    fk_free(x.names);
    fk_free(x.sha);
    return s;
}

static fk_status fk__check_value(fk_job *job, const char context[8], const fk_record *r,
                                 char out[FK_CHECK_VALUE_HEX], fk_err *err)
{
    const fk_key *k;
    fk_status s = fk__job_key(job, context, &k, err);
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
        s = fk_failf(err, s, _("out of memory"));
    }
    if (b.data != NULL)
        fk_wipe(b.data, b.cap);
    fk_buf_free(&b);
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
