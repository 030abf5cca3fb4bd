/* The stored print log and enclosure-check marks: see prints.h. */
#include "prints.h"
#include "job-private.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const char *const fk__state_names[FK_PRINT_STATE_COUNT] = {
    "sending", "sent", "completed", "aborted", "canceled", "not-sent"};

const char *fk_print_state_name(fk_print_state s)
{
    return s >= 0 && s < FK_PRINT_STATE_COUNT ? fk__state_names[s] : "unknown";
}

bool fk_print_state_parse(const char *name, fk_print_state *out)
{
    for (int i = 0; name != NULL && i < FK_PRINT_STATE_COUNT; i++)
        if (strcmp(name, fk__state_names[i]) == 0) {
            *out = (fk_print_state)i;
            return true;
        }
    return false;
}

bool fk_print_state_is_final(fk_print_state s)
{
    return s > FK_PRINT_SENT && s < FK_PRINT_STATE_COUNT;
}

static fk_status fk__step_done(fk_job *job, sqlite3_stmt *st, fk_err *err)
{
    fk_status s = sqlite3_step(st) == SQLITE_DONE ? FK_OK : fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_print_add(fk_job *job, const fk_print_entry *e, long *id, char *name,
                           size_t name_size, fk_err *err)
{
    if (e->file == NULL || e->printer == NULL || e->sheets_sent < 0 || e->designated < 0 ||
        e->over_count < 0)
        return fk_failf(err, FK_EINVAL,
                        _("print log entry: file, printer and counts are required"));
    char utc[32], local[40];
    fk__job_now(utc, local);
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job,
        "INSERT INTO prints (file, parent, host, user, printer, job_name, submitted_at,"
        " submitted_epoch, state, sheets_sent, designated, over_count, reason)"
        " VALUES (?, ?, ?, ?, ?, '', ?, strftime('%s', 'now'), 'sending', ?, ?, ?, ?)",
        &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, e->file, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->parent, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, job->host, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, job->user ? job->user : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, e->printer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, local, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, e->sheets_sent);
    sqlite3_bind_int64(st, 8, e->designated);
    sqlite3_bind_int64(st, 9, e->over_count);
    sqlite3_bind_text(st, 10, e->reason, -1, SQLITE_STATIC);
    s = fk__step_done(job, st, err);
    if (s != FK_OK)
        return s;
    *id = (long)sqlite3_last_insert_rowid(job->db);
    /* The job ID's prefix keeps names apart when two jobs share a job code and a cupsd. */
    int n = snprintf(name, name_size, "%s/%s/%ld-%.8s", fk_order_job_code(job->order), e->file, *id,
                     job->id_hex);
    if (n < 0 || (size_t)n >= name_size)
        return fk_failf(err, FK_EINVAL, _("%s: CUPS job name too long"), e->file);
    s = fk__job_prepare(job, "UPDATE prints SET job_name = ? WHERE id = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, *id);
    return fk__step_done(job, st, err);
}

fk_status fk_job_print_set_sent(fk_job *job, long id, long cups_job_id, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "UPDATE prints SET cups_job_id = ?, state = 'sent' WHERE id = ? "
                                  "AND state IN ('sending', 'sent')",
                                  &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int64(st, 1, cups_job_id);
    sqlite3_bind_int64(st, 2, id);
    s = fk__step_done(job, st, err);
    if (s == FK_OK && sqlite3_changes(job->db) != 1)
        s = fk_failf(err, FK_ESTATE, _("print log entry %ld is not being sent"), id);
    return s;
}

fk_status fk_job_print_finish(fk_job *job, long id, fk_print_state state, long sheets_reported,
                              long impressions, const char *message, fk_err *err)
{
    if (!fk_print_state_is_final(state))
        return fk_failf(err, FK_EINVAL, _("print log entry %ld: '%s' is not a final state"), id,
                        fk_print_state_name(state));
    char utc[32], local[40];
    fk__job_now(utc, local);
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "UPDATE prints SET state = ?, sheets_reported = ?,"
                                  " impressions = ?, message = ?, finished_at = ?"
                                  " WHERE id = ? AND state IN ('sending', 'sent')",
                                  &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, fk_print_state_name(state), -1, SQLITE_STATIC);
    if (sheets_reported >= 0)
        sqlite3_bind_int64(st, 2, sheets_reported);
    if (impressions >= 0)
        sqlite3_bind_int64(st, 3, impressions);
    sqlite3_bind_text(st, 4, message, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, local, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, id);
    s = fk__step_done(job, st, err);
    if (s == FK_OK && sqlite3_changes(job->db) != 1)
        s = fk_failf(err, FK_ESTATE, _("print log entry %ld is already final"), id);
    return s;
}

static const char *fk__text(sqlite3_stmt *st, int col)
{
    return (const char *)sqlite3_column_text(st, col);
}

static long fk__long_or(sqlite3_stmt *st, int col, long none)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? none : (long)sqlite3_column_int64(st, col);
}

fk_status fk_job_prints_foreach(fk_job *job, int (*visit)(const fk_print_entry *, void *),
                                void *ctx, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job,
        "SELECT id, file, parent, host, user, printer, job_name, submitted_at, finished_at,"
        " submitted_epoch, cups_job_id, state, sheets_sent, sheets_reported, impressions,"
        " designated, over_count, reason, message FROM prints ORDER BY id",
        &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_print_entry e = {.id = (long)sqlite3_column_int64(st, 0),
                            .file = fk__text(st, 1),
                            .parent = fk__text(st, 2),
                            .host = fk__text(st, 3),
                            .user = fk__text(st, 4),
                            .printer = fk__text(st, 5),
                            .job_name = fk__text(st, 6),
                            .submitted_at = fk__text(st, 7),
                            .finished_at = fk__text(st, 8),
                            .submitted_epoch = fk__long_or(st, 9, 0),
                            .cups_job_id = fk__long_or(st, 10, 0),
                            .sheets_sent = fk__long_or(st, 12, 0),
                            .sheets_reported = fk__long_or(st, 13, -1),
                            .impressions = fk__long_or(st, 14, -1),
                            .designated = fk__long_or(st, 15, 0),
                            .over_count = fk__long_or(st, 16, 0),
                            .reason = fk__text(st, 17),
                            .message = fk__text(st, 18)};
        if (e.file == NULL || e.host == NULL || e.user == NULL || e.printer == NULL ||
            e.job_name == NULL || e.submitted_at == NULL ||
            !fk_print_state_parse(fk__text(st, 11), &e.state)) {
            s = fk_failf(err, FK_ETAMPER, _("%s: the print log is damaged (entry %ld)"), job->dir,
                         e.id);
            break;
        }
        if (visit(&e, ctx) != 0)
            break;
    }
    if (s == FK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_file_set_checked(fk_job *job, const char *file, fk_err *err)
{
    char utc[32], local[40];
    fk__job_now(utc, local);
    sqlite3_stmt *st;
    fk_status s =
        fk__job_prepare(job,
                        "INSERT OR REPLACE INTO file_checks (name, checked_at, checked_by)"
                        " SELECT name, ?, ? FROM files WHERE name = ?",
                        &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, local, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, job->user ? job->user : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, file, -1, SQLITE_STATIC);
    s = fk__step_done(job, st, err);
    if (s == FK_OK && sqlite3_changes(job->db) != 1)
        s = fk_failf(err, FK_ENOENT, _("%s: no such print file in the job"), file);
    return s;
}

fk_status fk_job_file_checked_at(fk_job *job, const char *file, char *out, size_t size, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s =
        fk__job_prepare(job, "SELECT checked_at FROM file_checks WHERE name = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(out, size, "%s", fk__text(st, 0) ? fk__text(st, 0) : "");
    else if (rc == SQLITE_DONE)
        snprintf(out, size, "%s", "");
    else
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}
