/* The enclosure check's results and history in the job store: see enclosure.h. */
#include "enclosure.h"
#include "job-private.h"
#include "util/i18n.h"

#include <string.h>

static const char *const fk__state_names[] = {"none", "verified", "failed", "rework"};

const char *fk_encl_state_name(fk_encl_state s)
{
    return (unsigned)s < sizeof fk__state_names / sizeof fk__state_names[0] ? fk__state_names[s]
                                                                            : "?";
}

static fk_encl_state fk__state_parse(const char *s)
{
    for (int i = 1; i < 4; i++)
        if (s != NULL && strcmp(s, fk__state_names[i]) == 0)
            return (fk_encl_state)i;
    return FK_ENCL_NONE;
}

fk_status fk_job_encl_record(fk_job *job, fk_category c, long serial, int batch,
                             fk_encl_state state, const char *event, const char *detail,
                             const char *source, fk_err *err)
{
    char utc[32], local[40];
    fk__job_now(utc, local);
    const char *by = job->user ? job->user : "";
    sqlite3_stmt *st = NULL;
    fk_status s = fk__job_prepare(job,
                                  "INSERT OR REPLACE INTO enclosure (category, serial, batch,"
                                  " state, faults, at, by) VALUES (?,?,?,?,?,?,?)",
                                  &st, err);
    if (s == FK_OK) {
        sqlite3_bind_int(st, 1, (int)c);
        sqlite3_bind_int64(st, 2, serial);
        sqlite3_bind_int(st, 3, batch);
        sqlite3_bind_text(st, 4, fk_encl_state_name(state), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, state == FK_ENCL_VERIFIED ? "" : detail, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, local, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, by, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO enclosure_events (category, serial, event, detail,"
                            " source, at, by) VALUES (?,?,?,?,?,?,?)",
                            &st, err);
    if (s == FK_OK) {
        sqlite3_bind_int(st, 1, (int)c);
        sqlite3_bind_int64(st, 2, serial);
        sqlite3_bind_text(st, 3, event, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, detail, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, source, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, local, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, by, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_encl_foreach(fk_job *job, int (*visit)(const fk_encl_row *, void *), void *ctx,
                              fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT category, serial, batch, state, faults, at, by"
                                  " FROM enclosure ORDER BY category, serial",
                                  &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_encl_row r = {(fk_category)sqlite3_column_int(st, 0),
                         (long)sqlite3_column_int64(st, 1),
                         sqlite3_column_int(st, 2),
                         fk__state_parse((const char *)sqlite3_column_text(st, 3)),
                         (const char *)sqlite3_column_text(st, 4),
                         (const char *)sqlite3_column_text(st, 5),
                         (const char *)sqlite3_column_text(st, 6)};
        if (r.state == FK_ENCL_NONE || r.faults == NULL || r.at == NULL || r.by == NULL ||
            (unsigned)r.category >= FK_CAT_COUNT) {
            s = fk_failf(err, FK_ETAMPER, _("%s: the enclosure results are damaged"), job->dir);
            break;
        }
        if (visit(&r, ctx) != 0)
            break;
    }
    if (s == FK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_encl_get(fk_job *job, fk_category c, long serial, fk_encl_state *out, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job, "SELECT state FROM enclosure WHERE category = ? AND serial = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int(st, 1, (int)c);
    sqlite3_bind_int64(st, 2, serial);
    int rc = sqlite3_step(st);
    *out = FK_ENCL_NONE;
    if (rc == SQLITE_ROW)
        *out = fk__state_parse((const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_encl_history(fk_job *job, fk_category c, long serial,
                              int (*visit)(const fk_encl_event *, void *), void *ctx, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT event, detail, source, at, by FROM enclosure_events"
                                  " WHERE category = ? AND serial = ? ORDER BY id",
                                  &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int(st, 1, (int)c);
    sqlite3_bind_int64(st, 2, serial);
    int rc;
    long n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_encl_event e = {
            (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
            (const char *)sqlite3_column_text(st, 4)};
        n++;
        if (visit(&e, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    else if (n == 0)
        s = fk_failf(err, FK_ENOENT, _("envelope %c-%06ld has never been scanned"),
                     fk_category_code(c), serial);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_encl_summary(fk_job *job, int (*visit)(const fk_encl_summary *, void *), void *ctx,
                              fk_err *err)
{
    /* Composed envelopes come from the print files of sheet ①: one line per batch. */
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job,
        "SELECT f.batch, f.category, f.envelopes,"
        " (SELECT count(*) FROM enclosure e WHERE e.category = f.category AND e.batch = f.batch"
        "   AND e.state = 'verified'),"
        " (SELECT count(*) FROM enclosure e WHERE e.category = f.category AND e.batch = f.batch"
        "   AND e.state IN ('failed', 'rework'))"
        " FROM files f WHERE f.document = 'voucher' ORDER BY f.batch, f.category",
        &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_encl_summary m = {
            sqlite3_column_int(st, 0),         (fk_category)sqlite3_column_int(st, 1),
            (long)sqlite3_column_int64(st, 2), (long)sqlite3_column_int64(st, 3),
            (long)sqlite3_column_int64(st, 4), 0};
        m.missing = m.composed - m.verified - m.failed;
        if (m.missing < 0)
            m.missing = 0;
        if (visit(&m, ctx) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_encl_rework(fk_job *job, fk_category c, long serial, const char *reason,
                             fk_err *err)
{
    fk_encl_state state;
    fk_status s = fk_job_encl_get(job, c, serial, &state, err);
    if (s == FK_OK && state != FK_ENCL_FAILED)
        return fk_failf(err, FK_ESTATE,
                        _("envelope %c-%06ld is %s: only a failed envelope is reworked;"
                          " 'fukan verify JOBDIR --history C-SERIAL' shows its scans"),
                        fk_category_code(c), serial,
                        state == FK_ENCL_NONE ? "not scanned yet" : fk_encl_state_name(state));
    if (s != FK_OK)
        return s;
    char utc[32], local[40];
    fk__job_now(utc, local);
    const char *by = job->user ? job->user : "";
    s = fk_job_begin(job, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "UPDATE enclosure SET state = 'rework', at = ?, by = ?"
                            " WHERE category = ? AND serial = ?",
                            &st, err);
    if (s == FK_OK) {
        sqlite3_bind_text(st, 1, local, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, (int)c);
        sqlite3_bind_int64(st, 4, serial);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO enclosure_events (category, serial, event, detail,"
                            " source, at, by) VALUES (?, ?, 'rework', ?, 'rework', ?, ?)",
                            &st, err);
    if (s == FK_OK) {
        sqlite3_bind_int(st, 1, (int)c);
        sqlite3_bind_int64(st, 2, serial);
        sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, local, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    return fk_job_end(job, s, err);
}
