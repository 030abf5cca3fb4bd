/* Receipts, incidents, finished documents and stage counts in the store: see custody.h. */
#include "custody.h"
#include "job-private.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <string.h>

static fk_status fk__need_staff(fk_job *job, fk_err *err)
{
    if ((job->role & FK_ROLES_STAFF) == 0)
        return fk_failf(err, FK_EPERM,
                        _("a logged-in 取扱責任者 or 取扱者 is needed: log in as one"
                          " with --user ID (an auditor only reads)"));
    return FK_OK;
}

static void fk__bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static const char *fk__col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static const char *fk__col_str(sqlite3_stmt *st, int i)
{
    const char *s = fk__col(st, i);
    return s != NULL ? s : "";
}

fk_status fk_job_receipt_add(fk_job *job, fk_receipt *r, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__need_staff(job, err);
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO receipts (kind, at_iso, at_wareki, handler, handler_name,"
                            " ward_staff, content, quantity, package_sha256, checkpoint, counts,"
                            " document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &st, err);
    if (s != FK_OK)
        return s;
    const char *v[] = {r->kind,           r->at_iso,     r->at_wareki, r->handler,
                       r->handler_name,   r->ward_staff, r->content,   r->quantity,
                       r->package_sha256, r->checkpoint, r->counts,    r->document};
    for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++)
        fk__bind_text(st, i + 1, v[i] != NULL || i == 8 || i == 10 ? v[i] : "");
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    else
        r->id = (long)sqlite3_last_insert_rowid(job->db);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_receipts_foreach(fk_job *job, int (*visit)(const fk_receipt *, void *), void *ctx,
                                  fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT id, kind, at_iso, at_wareki, handler, handler_name,"
                                  " ward_staff, content, quantity, package_sha256, checkpoint,"
                                  " counts, document FROM receipts ORDER BY id",
                                  &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_receipt r = {.id = (long)sqlite3_column_int64(st, 0),
                        .kind = fk__col_str(st, 1),
                        .at_iso = fk__col_str(st, 2),
                        .at_wareki = fk__col_str(st, 3),
                        .handler = fk__col_str(st, 4),
                        .handler_name = fk__col_str(st, 5),
                        .ward_staff = fk__col_str(st, 6),
                        .content = fk__col_str(st, 7),
                        .quantity = fk__col_str(st, 8),
                        .package_sha256 = fk__col(st, 9),
                        .checkpoint = fk__col_str(st, 10),
                        .counts = fk__col(st, 11),
                        .document = fk__col_str(st, 12)};
        if (visit(&r, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_incident_add(fk_job *job, fk_incident *in, fk_err *err)
{
    char utc[32], local[40];
    fk__job_now(utc, local);
    sqlite3_stmt *st;
    fk_status s = fk__need_staff(job, err);
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO incidents (opened_at, opened_by, occurred_at, what,"
                            " serials, actions, notified, notified_at, followup)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &st, err);
    if (s != FK_OK)
        return s;
    const char *v[] = {local,       job->user,    in->occurred_at, in->what,    in->serials,
                       in->actions, in->notified, in->notified_at, in->followup};
    for (int i = 0; i < (int)(sizeof v / sizeof v[0]); i++)
        fk__bind_text(st, i + 1, v[i] != NULL ? v[i] : "");
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    else
        in->id = (long)sqlite3_last_insert_rowid(job->db);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_incident_close(fk_job *job, long id, const char *followup, fk_err *err)
{
    char utc[32], local[40];
    fk__job_now(utc, local);
    sqlite3_stmt *st;
    fk_status s = fk__need_staff(job, err);
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "UPDATE incidents SET closed_at = ?2, closed_by = ?3,"
                            " followup = CASE WHEN ?4 = '' THEN followup ELSE ?4 END"
                            " WHERE id = ?1 AND closed_at IS NULL",
                            &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int64(st, 1, id);
    fk__bind_text(st, 2, local);
    fk__bind_text(st, 3, job->user);
    fk__bind_text(st, 4, followup != NULL ? followup : "");
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    else if (sqlite3_changes(job->db) == 0)
        s = fk_failf(err, FK_ENOENT, _("no open incident %ld"), id);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_incidents_foreach(fk_job *job, int (*visit)(const fk_incident *, void *),
                                   void *ctx, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT id, opened_at, opened_by, occurred_at, what, serials,"
                                  " actions, notified, notified_at, followup, closed_at, closed_by"
                                  " FROM incidents ORDER BY id",
                                  &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_incident in = {.id = (long)sqlite3_column_int64(st, 0),
                          .opened_at = fk__col_str(st, 1),
                          .opened_by = fk__col_str(st, 2),
                          .occurred_at = fk__col_str(st, 3),
                          .what = fk__col_str(st, 4),
                          .serials = fk__col_str(st, 5),
                          .actions = fk__col_str(st, 6),
                          .notified = fk__col_str(st, 7),
                          .notified_at = fk__col_str(st, 8),
                          .followup = fk__col_str(st, 9),
                          .closed_at = fk__col(st, 10),
                          .closed_by = fk__col(st, 11)};
        if (visit(&in, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_document_put(fk_job *job, const char *name, const char *kind, const void *data,
                              size_t len, const unsigned char *sig, fk_err *err)
{
    char utc[32], local[40], sha[65];
    fk__job_now(utc, local);
    fk_sha256_hex(data, len, sha);
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "INSERT OR REPLACE INTO documents (name, kind, created_at,"
                                  " sha256, body, sig) VALUES (?, ?, ?, ?, ?, ?)",
                                  &st, err);
    if (s != FK_OK)
        return s;
    fk__bind_text(st, 1, name);
    fk__bind_text(st, 2, kind);
    fk__bind_text(st, 3, local);
    fk__bind_text(st, 4, sha);
    sqlite3_bind_blob(st, 5, data, (int)len, SQLITE_STATIC);
    if (sig != NULL)
        sqlite3_bind_blob(st, 6, sig, FK_SIGNATURE_BYTES, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 6);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_document_get(fk_job *job, const char *name, fk_buf *out,
                              unsigned char sig[FK_SIGNATURE_BYTES], bool *has_sig, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "SELECT body, sig FROM documents WHERE name = ?", &st, err);
    if (s != FK_OK)
        return s;
    fk__bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        s = fk_buf_append(out, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
        if (s != FK_OK)
            s = fk_failf(err, s, _("document %s: %s"), name, fk_strerror(s));
        bool signed_ = sqlite3_column_bytes(st, 1) == FK_SIGNATURE_BYTES;
        if (has_sig != NULL)
            *has_sig = signed_;
        if (signed_ && sig != NULL)
            memcpy(sig, sqlite3_column_blob(st, 1), FK_SIGNATURE_BYTES);
    } else if (rc == SQLITE_DONE) {
        s = fk_failf(err, FK_ENOENT, _("no document %s in the job"), name);
    } else {
        s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_documents_foreach(fk_job *job, int (*visit)(const fk_document_info *, void *),
                                   void *ctx, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT name, kind, created_at, sha256, length(body),"
                                  " sig IS NOT NULL FROM documents ORDER BY rowid",
                                  &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_document_info d = {.name = fk__col_str(st, 0),
                              .kind = fk__col_str(st, 1),
                              .created_at = fk__col_str(st, 2),
                              .sha256 = fk__col_str(st, 3),
                              .bytes = sqlite3_column_int64(st, 4),
                              .has_sig = sqlite3_column_int(st, 5) != 0};
        if (visit(&d, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_stage_counts_foreach(fk_job *job, int (*visit)(const fk_stage_counts *, void *),
                                      void *ctx, fk_err *err)
{
    /* Category totals from the records (their rows outlive erasure without their sealed
     * data), then batches from the print files, whose envelopes are the batch's. */
    static const char *const sql =
        "SELECT category, 0, count(*), coalesce(sum(held), 0),"
        "  coalesce(sum(serial IS NOT NULL), 0),"
        "  (SELECT coalesce(sum(sheets), 0) FROM files f WHERE f.category = r.category)"
        " FROM records r GROUP BY category"
        " UNION ALL"
        " SELECT category, batch, 0, 0, max(envelopes), sum(sheets) FROM files"
        " WHERE category >= 0 AND document <> 'run' GROUP BY category, batch"
        " ORDER BY 1, 2";
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, sql, &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_stage_counts c = {.category = sqlite3_column_int(st, 0),
                             .batch = sqlite3_column_int(st, 1),
                             .accepted = (long)sqlite3_column_int64(st, 2),
                             .held = (long)sqlite3_column_int64(st, 3),
                             .composed = (long)sqlite3_column_int64(st, 4),
                             .sheets = (long)sqlite3_column_int64(st, 5)};
        if (visit(&c, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}
