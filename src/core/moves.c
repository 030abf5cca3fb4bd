/* Records and print files through the job's states: see moves.h. The allowed moves are in
 * state.c only; here they are enforced, stored and counted. */
#include "moves.h"
#include "job-private.h"
#include "util/i18n.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* A record's state as stored (its name in records.stage). */
static fk_status fk__record_state(fk_job *job, long id, fk_record_state *out, long *line,
                                  fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_cached(job, "SELECT stage, line FROM records WHERE id = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *line = (long)sqlite3_column_int64(st, 1);
        if (!fk_record_state_parse((const char *)sqlite3_column_text(st, 0), out))
            s = fk_failf(err, FK_ETAMPER, _("%s: record %ld has an unknown state"), job->dir, id);
    } else if (rc == SQLITE_DONE) {
        s = fk_failf(err, FK_ENOENT, _("no record %ld"), id);
    } else {
        s = fk__job_db_fail(job, err);
    }
    fk__job_cached_done(st);
    return s;
}

static fk_status fk__need_command(const fk_job *job, fk_err *err)
{
    if (job->key == NULL || job->command == NULL)
        return fk_failf(err, FK_EPERM,
                        _("moving records needs a staff member's login: log in as a"
                          " responsible manager or handler with --user ID"));
    return FK_OK;
}

/* The command as the state machine knows it: the first word ("proof approve" → "proof"). */
static void fk__command_word(const fk_job *job, char *out, size_t size)
{
    snprintf(out, size, "%.*s", (int)strcspn(job->command, " "), job->command);
}

static fk_status fk__move(fk_job *job, long id, fk_record_state to, const char *reason, long serial,
                          fk_err *err)
{
    fk_record_state from;
    long line = 0;
    char command[32];
    fk_status s = fk__need_command(job, err);
    if (s == FK_OK)
        s = fk__record_state(job, id, &from, &line, err);
    if (s != FK_OK)
        return s;
    char what[96];
    snprintf(what, sizeof what, _("the record of line %ld"), line);
    fk__command_word(job, command, sizeof command);
    s = fk_record_transition_check(from, to, command, what, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_cached(job,
                           "UPDATE records SET stage = ?, held = ?, held_reason = ?,"
                           " serial = CASE WHEN ? > 0 THEN ? ELSE serial END WHERE id = ?",
                           &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, fk_record_state_name(to), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, to == FK_REC_HELD);
    if (to == FK_REC_HELD && reason != NULL)
        sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, serial);
    sqlite3_bind_int64(st, 5, serial);
    sqlite3_bind_int64(st, 6, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    else
        job->moves[from][to]++;
    fk__job_cached_done(st);
    return s;
}

fk_status fk_job_record_move(fk_job *job, long id, fk_record_state to, const char *reason,
                             fk_err *err)
{
    return fk__move(job, id, to, reason, 0, err);
}

/*
 * The usual move of compose, checked → composed, as one UPDATE guarded by the state, without
 * reading the state first: a city's job moves half a million records on the main thread
 * while the workers compose. Anything else takes the general move, which names the refusal.
 */
fk_status fk_job_record_compose(fk_job *job, long id, long serial, fk_err *err)
{
    if (serial <= 0)
        return fk_failf(err, FK_EINVAL, _("serial numbers start at 1"));
    char command[32];
    fk_status s = fk__need_command(job, err);
    if (s != FK_OK)
        return s;
    fk__command_word(job, command, sizeof command);
    if (!fk_record_transition_allowed(FK_REC_CHECKED, FK_REC_COMPOSED, command))
        return fk__move(job, id, FK_REC_COMPOSED, NULL, serial, err);
    sqlite3_stmt *st;
    s = fk__job_cached(job,
                       "UPDATE records SET stage = 'composed', held = 0, held_reason = NULL,"
                       " serial = ? WHERE id = ? AND stage = 'checked'",
                       &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int64(st, 1, serial);
    sqlite3_bind_int64(st, 2, id);
    s = sqlite3_step(st) == SQLITE_DONE ? FK_OK : fk__job_db_fail(job, err);
    bool moved = s == FK_OK && sqlite3_changes(job->db) == 1;
    fk__job_cached_done(st);
    if (s != FK_OK)
        return s;
    if (!moved)
        return fk__move(job, id, FK_REC_COMPOSED, NULL, serial, err);
    job->moves[FK_REC_CHECKED][FK_REC_COMPOSED]++;
    return FK_OK;
}

fk_status fk_job_records_uncompose(fk_job *job, long *moved, fk_err *err)
{
    *moved = 0;
    fk_job_states st;
    fk_status s = fk__need_command(job, err);
    if (s == FK_OK)
        s = fk_job_states_get(job, &st, err);
    if (s != FK_OK)
        return s;
    long later = st.by_state[FK_REC_PRINTED] + st.by_state[FK_REC_VERIFIED] +
                 st.by_state[FK_REC_DELIVERED] + st.files[FK_FILE_PRINTED] +
                 st.files[FK_FILE_VERIFIED];
    if (later > 0)
        return fk_failf(err, FK_ESTATE,
                        _("print files are printed already: composing again would no longer match"
                          " the paper, so it is refused even with --replace"));
    char command[32];
    fk__command_word(job, command, sizeof command);
    if (!fk_record_transition_allowed(FK_REC_COMPOSED, FK_REC_CHECKED, command))
        return fk_failf(err, FK_ESTATE, _("'fukan %s' cannot take composed records back"), command);
    s = fk__job_exec(job,
                     "UPDATE records SET stage = 'checked', serial = NULL, held = 0,"
                     " held_reason = NULL WHERE stage = 'composed'",
                     err);
    if (s == FK_OK) {
        *moved = (long)sqlite3_changes(job->db);
        job->moves[FK_REC_COMPOSED][FK_REC_CHECKED] += *moved;
    }
    return s;
}

fk_status fk_job_file_move(fk_job *job, const char *name, fk_file_state to, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__need_command(job, err);
    if (s == FK_OK)
        s = fk__job_prepare(job, "SELECT state FROM files WHERE name = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    fk_file_state from = FK_FILE_COMPOSED;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        s = fk_failf(err, FK_ENOENT, _("no print file %s"), name);
    else if (rc != SQLITE_ROW)
        s = fk__job_db_fail(job, err);
    else if (!fk_file_state_parse((const char *)sqlite3_column_text(st, 0), &from))
        s = fk_failf(err, FK_ETAMPER, _("%s: print file %s has an unknown state"), job->dir, name);
    sqlite3_finalize(st);
    char command[32];
    fk__command_word(job, command, sizeof command);
    if (s == FK_OK)
        s = fk_file_transition_check(from, to, command, name, err);
    if (s == FK_OK)
        s = fk__job_prepare(job, "UPDATE files SET state = ? WHERE name = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, fk_file_state_name(to), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    else
        job->file_moves[from][to]++;
    sqlite3_finalize(st);
    return s;
}

/* Names a serial range as a person reads it: one envelope, every envelope, or first to last. */
static void fk__describe_serials(fk_category c, long first, long last, char *out, size_t size)
{
    char code = fk_category_code(c);
    if (first == last)
        snprintf(out, size, _("the envelope %c-%06ld"), code, first);
    else if (first <= 1 && last == LONG_MAX)
        snprintf(out, size, _("every %c envelope"), code);
    else if (last == LONG_MAX)
        snprintf(out, size, _("the envelopes from %c-%06ld on"), code, first);
    else
        snprintf(out, size, _("the envelopes %c-%06ld to %c-%06ld"), code, first, code, last);
}

fk_status fk_job_records_move_serials(fk_job *job, fk_category c, long first, long last,
                                      fk_record_state from, fk_record_state to, long *moved,
                                      fk_err *err)
{
    char command[32], what[96];
    fk_status s = fk__need_command(job, err);
    if (s != FK_OK)
        return s;
    fk__command_word(job, command, sizeof command);
    if (moved != NULL)
        *moved = 0;
    /* Nothing to move is no move, whoever asks. */
    sqlite3_stmt *st = NULL;
    s = fk__job_prepare(job,
                        "SELECT 1 FROM records WHERE category = ? AND stage = ?"
                        " AND serial BETWEEN ? AND ? LIMIT 1",
                        &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_int(st, 1, (int)c);
    sqlite3_bind_text(st, 2, fk_record_state_name(from), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, first);
    sqlite3_bind_int64(st, 4, last);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_DONE)
        return FK_OK;
    if (rc != SQLITE_ROW)
        return fk__job_db_fail(job, err);
    fk__describe_serials(c, first, last, what, sizeof what);
    s = fk_record_transition_check(from, to, command, what, err);
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "UPDATE records SET stage = ? WHERE category = ? AND stage = ?"
                            " AND serial BETWEEN ? AND ?",
                            &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, fk_record_state_name(to), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, (int)c);
    sqlite3_bind_text(st, 3, fk_record_state_name(from), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, first);
    sqlite3_bind_int64(st, 5, last);
    if (sqlite3_step(st) != SQLITE_DONE) {
        s = fk__job_db_fail(job, err);
    } else {
        long n = (long)sqlite3_changes(job->db);
        job->moves[from][to] += n;
        if (moved != NULL)
            *moved = n;
    }
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_states_get(fk_job *job, fk_job_states *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(
        job, "SELECT category, stage, count(*) FROM records GROUP BY category, stage", &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int c = sqlite3_column_int(st, 0);
        fk_record_state state;
        if (c < 0 || c >= FK_CAT_COUNT ||
            !fk_record_state_parse((const char *)sqlite3_column_text(st, 1), &state)) {
            s = fk_failf(err, FK_ETAMPER, _("%s: a record has an unknown category or state"),
                         job->dir);
            break;
        }
        long n = (long)sqlite3_column_int64(st, 2);
        out->records[c][state] += n;
        out->by_state[state] += n;
    }
    if (s == FK_OK && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    if (s == FK_OK)
        s = fk__job_prepare(
            job, "SELECT state, count(*) FROM files WHERE category >= 0 GROUP BY state", &st, err);
    if (s != FK_OK)
        return s;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_file_state state;
        if (fk_file_state_parse((const char *)sqlite3_column_text(st, 0), &state))
            out->files[state] += (long)sqlite3_column_int64(st, 1);
    }
    if (rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_held_foreach(fk_job *job, int (*visit)(const fk_held_record *, void *), void *ctx,
                              fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT line, category, tag, coalesce(held_reason, '')"
                                  " FROM records WHERE stage = 'held' ORDER BY line",
                                  &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_held_record h = {
            (long)sqlite3_column_int64(st, 0), (fk_category)sqlite3_column_int(st, 1),
            (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3)};
        if (h.tag == NULL || h.reason == NULL) {
            s = fk_failf(err, FK_ETAMPER, _("%s: a held record is damaged"), job->dir);
            break;
        }
        if (visit(&h, ctx) != 0)
            break;
    }
    if (s == FK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_serials_foreach(fk_job *job, fk_record_state state,
                                 int (*visit)(fk_category c, long serial, void *ctx), void *ctx,
                                 fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT category, serial FROM records"
                                  " WHERE stage = ? AND serial > 0 ORDER BY category, serial",
                                  &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, fk_record_state_name(state), -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int c = sqlite3_column_int(st, 0);
        if (c < 0 || c >= FK_CAT_COUNT) {
            s = fk_failf(err, FK_ETAMPER, _("%s: a record's category is damaged"), job->dir);
            break;
        }
        if (visit((fk_category)c, (long)sqlite3_column_int64(st, 1), ctx) != 0)
            break;
    }
    if (s == FK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

void fk__job_moves_reset(fk_job *job)
{
    memset(job->moves, 0, sizeof job->moves);
    memset(job->file_moves, 0, sizeof job->file_moves);
}

fk_status fk_job_moves_audit(fk_job *job, fk_err *err)
{
    char details[1024];
    size_t n = 0;
    details[0] = '\0';
    for (int f = 0; f < FK_REC_STATE_COUNT; f++)
        for (int t = 0; t < FK_REC_STATE_COUNT; t++)
            if (job->moves[f][t] > 0 && n < sizeof details)
                n += (size_t)snprintf(
                    details + n, sizeof details - n, "%s%s→%s %ld",
                    n ? ", " : "record moves: ", fk_record_state_name((fk_record_state)f),
                    fk_record_state_name((fk_record_state)t), job->moves[f][t]);
    for (int f = 0; f < FK_FILE_STATE_COUNT; f++)
        for (int t = 0; t < FK_FILE_STATE_COUNT; t++)
            if (job->file_moves[f][t] > 0 && n < sizeof details)
                n += (size_t)snprintf(details + n, sizeof details - n, "%sfile %s→%s %ld",
                                      n ? ", " : "", fk_file_state_name((fk_file_state)f),
                                      fk_file_state_name((fk_file_state)t), job->file_moves[f][t]);
    fk__job_moves_reset(job);
    if (n == 0)
        return FK_OK;
    return fk_job_audit(job, "states", FK_OK, details, err);
}
