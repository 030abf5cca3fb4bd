/* Sealed records, rejects and counts: see records.h. */
#include "records.h"
#include "files.h"
#include "job-private.h"
#include "util/mem.h"
#include "util/proc.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

fk_status fk_job_tag(fk_job *job, const char *resident_no, char out[FK_TAG_HEX], fk_err *err)
{
    const fk_key *k;
    fk_status s = fk__job_key(job, "resident", &k, err);
    if (s != FK_OK)
        return s;
    unsigned char mac[16];
    fk_mac(k, resident_no, strlen(resident_no), mac, sizeof mac);
    fk_hex(mac, sizeof mac, out);
    return FK_OK;
}

/* Changes to the records need the job key, like the records themselves (see records.h). */
static fk_status fk__need_key(const fk_job *job, fk_err *err)
{
    return job->key != NULL
               ? FK_OK
               : fk_failf(err, FK_EPERM,
                          _("the job key is not open: log in as a responsible manager or handler"
                            " with --user ID"));
}

/* Runs a statement with one text and up to two integer parameters, expecting no rows. */
static fk_status fk__run(fk_job *job, const char *sql, const char *text, long a, long b,
                         fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, sql, &st, err);
    if (s != FK_OK)
        return s;
    if (text != NULL)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, a);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, b);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_package_seen(fk_job *job, const char *sha256_hex, bool *opened, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job, "SELECT count(*) FROM packages WHERE sha256 = ? AND replaced_at IS NULL", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, sha256_hex, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        s = fk__job_db_fail(job, err);
    else
        *opened = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return s;
}

static fk_status fk__current_package(fk_job *job, long *id, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job, "SELECT coalesce(max(id), 0) FROM packages WHERE replaced_at IS NULL", &st, err);
    if (s != FK_OK)
        return s;
    if (sqlite3_step(st) != SQLITE_ROW)
        s = fk__job_db_fail(job, err);
    else
        *id = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_package_start(fk_job *job, const char *sha256_hex, bool replace, long *package,
                               fk_err *err)
{
    if (job->key == NULL)
        return fk_failf(err, FK_EPERM,
                        _("the job key is not open: log in as a responsible manager or handler"
                          " with --user ID"));
    long current = 0;
    fk_status s = fk__current_package(job, &current, err);
    if (s == FK_OK && current != 0 && !replace)
        return fk_failf(
            err, FK_ESTATE,
            _("%s: a package is already open in this job; give --replace to replace it"), job->dir);
    char utc[32], local[40];
    fk__job_now(utc, local);
    if (s == FK_OK && current != 0) {
        s = fk__run(job, "DELETE FROM records", NULL, 0, 0, err);
        if (s == FK_OK)
            s = fk__run(job, "DELETE FROM rejects", NULL, 0, 0, err);
        /* The replaced package's print files and quality-gate decisions go in the same
         * transaction: nothing of it can be exported or carried over afterwards. */
        if (s == FK_OK)
            s = fk_job_files_clear(job, err);
        if (s == FK_OK)
            s = fk__run(job, "DELETE FROM acceptances", NULL, 0, 0, err);
        if (s == FK_OK)
            s = fk__run(job, "UPDATE packages SET replaced_at = ? WHERE replaced_at IS NULL", local,
                        0, 0, err);
    }
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO packages (sha256, opened_at, opened_by, received,"
                            " accepted, rejected) VALUES (?, ?, ?, 0, 0, 0)",
                            &st, err);
    if (s == FK_OK) {
        sqlite3_bind_text(st, 1, sha256_hex, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, local, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, job->user, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
        else
            *package = (long)sqlite3_last_insert_rowid(job->db);
    }
    sqlite3_finalize(st);
    return s;
}

/* Associated data binding a sealed record to this job and this person's tag. */
static size_t fk__record_ad(const fk_job *job, const char *tag, unsigned char *ad)
{
    memcpy(ad, job->id, FK_JOB_ID_BYTES);
    memcpy(ad + FK_JOB_ID_BYTES, tag, FK_TAG_HEX - 1);
    return FK_JOB_ID_BYTES + FK_TAG_HEX - 1;
}

fk_status fk_job_record_add(fk_job *job, long package, const fk_record *r, long line, fk_err *err)
{
    char tag[FK_TAG_HEX];
    const fk_key *k = NULL;
    fk_buf *plain = NULL, sealed;
    fk_buf_init(&sealed, 1 << 17);
    /* The test of crash hygiene crashes here, with a package's records in clear in memory. */
    fk_proc_crash_point("record-add");
    fk_status s = fk_job_tag(job, r->resident_no, tag, err);
    if (s == FK_OK)
        s = fk__job_key(job, "records_", &k, err);
    if (s == FK_OK)
        s = fk__job_plain(job, &plain, err);
    if (s == FK_OK && fk_record_encode(r, plain) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory sealing a record"));
    unsigned char ad[64];
    size_t ad_len = fk__record_ad(job, tag, ad);
    if (s == FK_OK && fk_seal(k, ad, ad_len, plain->data, plain->len, &sealed) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory sealing a record"));
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO records (package_id, line, category, tag, sealed)"
                            " VALUES (?, ?, ?, ?, ?)",
                            &st, err);
    if (s == FK_OK) {
        sqlite3_bind_int64(st, 1, package);
        sqlite3_bind_int64(st, 2, line);
        sqlite3_bind_int(st, 3, (int)r->category);
        sqlite3_bind_text(st, 4, tag, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 5, sealed.data, (int)sealed.len, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_CONSTRAINT)
            s = fk_failf(err, FK_EEXIST, _("line %ld: resident number already in this job"), line);
        else if (rc != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    fk__job_plain_done(job);
    fk_buf_free(&sealed);
    return s;
}

fk_status fk_job_reject_add(fk_job *job, long package, long line, long column,
                            const char *column_name, const char *reason, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__need_key(job, err);
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO rejects (package_id, line, col, column_name,"
                            " reason) VALUES (?, ?, ?, ?, ?)",
                            &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int64(st, 1, package);
    sqlite3_bind_int64(st, 2, line);
    sqlite3_bind_int64(st, 3, column);
    sqlite3_bind_text(st, 4, column_name ? column_name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_package_finish(fk_job *job, long package, long received, long accepted,
                                long rejected, fk_err *err)
{
    if (received != accepted + rejected)
        return fk_failf(err, FK_EINVAL, _("counts do not add up: %ld received, %ld + %ld"),
                        received, accepted, rejected);
    sqlite3_stmt *st;
    fk_status s = fk__need_key(job, err);
    if (s == FK_OK)
        s = fk__job_prepare(
            job, "UPDATE packages SET received = ?, accepted = ?, rejected = ? WHERE id = ?", &st,
            err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int64(st, 1, received);
    sqlite3_bind_int64(st, 2, accepted);
    sqlite3_bind_int64(st, 3, rejected);
    sqlite3_bind_int64(st, 4, package);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

static fk_status fk__unseal_row(fk_job *job, const fk_key *k, sqlite3_stmt *st, fk_record_meta *m,
                                fk_record *r, fk_buf *plain, fk_err *err)
{
    m->id = (long)sqlite3_column_int64(st, 0);
    m->line = (long)sqlite3_column_int64(st, 1);
    m->category = (fk_category)sqlite3_column_int(st, 2);
    const char *tag = (const char *)sqlite3_column_text(st, 3);
    m->serial = (long)sqlite3_column_int64(st, 4);
    bool known = fk_record_state_parse((const char *)sqlite3_column_text(st, 5), &m->state);
    m->held = m->state == FK_REC_HELD;
    if (tag == NULL || strlen(tag) != FK_TAG_HEX - 1 || !known)
        return fk_failf(err, FK_ETAMPER, _("%s: record %ld is damaged"), job->dir, m->id);
    memcpy(m->tag, tag, FK_TAG_HEX);
    unsigned char ad[64];
    size_t ad_len = fk__record_ad(job, m->tag, ad);
    fk_buf_reset(plain);
    fk_status s = fk_unseal(k, ad, ad_len, sqlite3_column_blob(st, 7),
                            (size_t)sqlite3_column_bytes(st, 7), plain, err);
    if (s == FK_ECRYPTO)
        return fk_failf(err, FK_ETAMPER, _("%s: record %ld failed authentication"), job->dir,
                        m->id);
    if (s != FK_OK)
        return s; /* out of memory is not tampering */
    s = fk_record_decode(plain->data, plain->len, r, err);
    if (s == FK_OK && r->category != m->category) {
        fk_record_clear(r);
        s = fk_failf(err, FK_ETAMPER, _("%s: record %ld's category was altered"), job->dir, m->id);
    }
    return s;
}

/* What unsealing records needs: the subkey and a buffer for the plaintext (wiped after). */
typedef struct {
    const fk_key *key;
    fk_buf plain;
} fk__unsealer;

static fk_status fk__unsealer_open(fk_job *job, fk__unsealer *u, fk_err *err)
{
    fk_buf_init(&u->plain, 1 << 16);
    /* Reserved whole and kept out of core dumps: reused for every record it unseals. */
    char *where;
    if (fk_buf_extend(&u->plain, (1 << 16) - 1, &where) != FK_OK)
        return fk_failf(err, FK_ENOMEM, _("out of memory for a record buffer"));
    fk_proc_dontdump(u->plain.data, u->plain.cap);
    fk_buf_reset(&u->plain);
    return fk__job_key(job, "records_", &u->key, err);
}

static void fk__unsealer_close(fk__unsealer *u)
{
    if (u->plain.data != NULL)
        fk_wipe(u->plain.data, u->plain.cap);
    fk_buf_free(&u->plain);
}

#define FK__SELECT_RECORDS                                                                         \
    "SELECT id, line, category, tag, coalesce(serial, 0), stage, held, sealed FROM records"

fk_status fk_job_records_foreach(fk_job *job,
                                 int (*visit)(const fk_record *, const fk_record_meta *, void *),
                                 void *ctx, fk_err *err)
{
    fk__unsealer u;
    fk_status s = fk__unsealer_open(job, &u, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job, FK__SELECT_RECORDS " ORDER BY line", &st, err);
    int rc = SQLITE_DONE;
    while (s == FK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_record r;
        fk_record_meta m;
        fk_record_init(&r);
        s = fk__unseal_row(job, u.key, st, &m, &r, &u.plain, err);
        int stop = s == FK_OK ? visit(&r, &m, ctx) : 0;
        fk_record_clear(&r);
        if (stop)
            break;
    }
    if (s == FK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    fk__unsealer_close(&u);
    return s;
}

fk_status fk_job_record_get(fk_job *job, long id, fk_record *out, fk_err *err)
{
    /* Called once per record while composing: the job's buffer, not one per call. */
    const fk_key *key = NULL;
    fk_buf *plain = NULL;
    fk_status s = fk__job_key(job, "records_", &key, err);
    if (s == FK_OK)
        s = fk__job_plain(job, &plain, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_cached(job, FK__SELECT_RECORDS " WHERE id = ?", &st, err);
    if (s == FK_OK) {
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        fk_record_meta m;
        if (rc == SQLITE_ROW)
            s = fk__unseal_row(job, key, st, &m, out, plain, err);
        else if (rc == SQLITE_DONE)
            s = fk_failf(err, FK_ENOENT, _("no record %ld"), id);
        else
            s = fk__job_db_fail(job, err);
    }
    fk__job_cached_done(st);
    fk__job_plain_done(job);
    return s;
}

struct fk_job_reader {
    fk_job *job;
    sqlite3 *db;
    sqlite3_stmt *st;
    fk__unsealer u;
};

fk_status fk_job_reader_new(fk_job *job, fk_job_reader **out, fk_err *err)
{
    *out = NULL;
    fk_job_reader *r = fk_calloc(1, sizeof *r);
    if (r == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    r->job = job;
    fk_status s = fk__unsealer_open(job, &r->u, err);
    const char *path = sqlite3_db_filename(job->db, "main");
    if (s == FK_OK && (path == NULL ||
                       sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                                       NULL) != SQLITE_OK ||
                       sqlite3_prepare_v3(r->db, FK__SELECT_RECORDS " WHERE id = ?", -1,
                                          SQLITE_PREPARE_PERSISTENT, &r->st, NULL) != SQLITE_OK))
        s = fk_failf(err, FK_EDB, _("%s: cannot read the job store: %s"), job->dir,
                     r->db ? sqlite3_errmsg(r->db) : _("out of memory"));
    if (s == FK_OK)
        sqlite3_busy_timeout(r->db, 2000);
    if (s != FK_OK) {
        fk_job_reader_free(r);
        return s;
    }
    *out = r;
    return FK_OK;
}

fk_status fk_job_reader_get(fk_job_reader *r, long id, fk_record *out, fk_err *err)
{
    sqlite3_bind_int64(r->st, 1, id);
    int rc = sqlite3_step(r->st);
    fk_record_meta m;
    fk_status s = FK_OK;
    if (rc == SQLITE_ROW)
        s = fk__unseal_row(r->job, r->u.key, r->st, &m, out, &r->u.plain, err);
    else if (rc == SQLITE_DONE)
        s = fk_failf(err, FK_ENOENT, _("no record %ld"), id);
    else
        s = fk_failf(err, FK_EDB, _("%s: %s"), r->job->dir, sqlite3_errmsg(r->db));
    sqlite3_reset(r->st);
    fk_wipe(r->u.plain.data, r->u.plain.len);
    fk_buf_reset(&r->u.plain);
    return s;
}

void fk_job_reader_free(fk_job_reader *r)
{
    if (r == NULL)
        return;
    sqlite3_finalize(r->st);
    sqlite3_close(r->db);
    fk__unsealer_close(&r->u);
    fk_free(r);
}

fk_status fk_job_rejects_foreach(fk_job *job, int (*visit)(const fk_reject *, void *), void *ctx,
                                 fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job, "SELECT line, col, column_name, reason FROM rejects ORDER BY line, col, id", &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_reject r = {(long)sqlite3_column_int64(st, 0), (long)sqlite3_column_int64(st, 1),
                       (const char *)sqlite3_column_text(st, 2),
                       (const char *)sqlite3_column_text(st, 3)};
        if (visit(&r, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_counts_get(fk_job *job, fk_job_counts *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT received, accepted, rejected FROM packages"
                                  " WHERE replaced_at IS NULL ORDER BY id DESC LIMIT 1",
                                  &st, err);
    if (s != FK_OK)
        return s;
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->opened = true;
        out->received = (long)sqlite3_column_int64(st, 0);
        out->accepted = (long)sqlite3_column_int64(st, 1);
        out->rejected = (long)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    s = fk__job_prepare(job, "SELECT category, count(*), sum(held) FROM records GROUP BY category",
                        &st, err);
    if (s != FK_OK)
        return s;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int c = sqlite3_column_int(st, 0);
        if (c >= 0 && c < FK_CAT_COUNT)
            out->by_category[c] = (long)sqlite3_column_int64(st, 1);
        out->held += (long)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    s = fk__job_prepare(job, "SELECT count(DISTINCT line) FROM rejects", &st, err);
    if (s != FK_OK)
        return s;
    if (sqlite3_step(st) == SQLITE_ROW)
        out->rejected_rows_stored = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return FK_OK;
}

fk_status fk_job_acceptance_add(fk_job *job, const char *tag, const char *kind, const char *reason,
                                fk_err *err)
{
    if (job->role != FK_ROLE_MANAGER)
        return fk_failf(err, FK_EPERM,
                        _("only a responsible manager (取扱責任者) may accept: log in as"
                          " one with --user ID"));
    char utc[32], local[40];
    fk__job_now(utc, local);
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "INSERT OR REPLACE INTO acceptances (tag, kind, reason,"
                                  " accepted_by, accepted_at) VALUES (?, ?, ?, ?, ?)",
                                  &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, job->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, local, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_acceptance_get(fk_job *job, const char *tag, const char *kind, bool *accepted,
                                fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job, "SELECT count(*) FROM acceptances WHERE tag = ? AND kind = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        s = fk__job_db_fail(job, err);
    else
        *accepted = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return s;
}
