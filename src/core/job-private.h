/* The job's internals, shared by the files of src/core that implement job.h and audit.h. */
#ifndef FK_JOB_PRIVATE_H
#define FK_JOB_PRIVATE_H

#include "job.h"

#include <sqlite3.h>

#define FK_JOB_ID_BYTES 16

struct fk_job {
    char *dir;
    sqlite3 *db;
    unsigned char id[FK_JOB_ID_BYTES];
    char id_hex[2 * FK_JOB_ID_BYTES + 1];
    fk_order *order;
    fk_key *key; /* the job key; NULL until a staff member logs in */
    char *user;  /* logged-in user, or the ID that tried */
    fk_role role;
    char *command; /* the command being run, for the audit log */
    char host[256];
};

/* Runs SQL without results. */
fk_status fk__job_exec(fk_job *job, const char *sql, fk_err *err) FK_WARN_UNUSED;

/* Prepares a statement; on failure err names the database. */
fk_status fk__job_prepare(fk_job *job, const char *sql, sqlite3_stmt **st,
                          fk_err *err) FK_WARN_UNUSED;

/* An FK_EDB error with SQLite's message. */
fk_status fk__job_db_fail(fk_job *job, fk_err *err);

/* The current time as ISO 8601 in UTC ("...Z") and local time with offset. */
void fk__job_now(char utc[32], char local[40]);

/* Reads a blob from meta into out (at most max bytes); FK_ENOENT if absent. */
fk_status fk__job_meta_get(fk_job *job, const char *key, void *out, size_t max, size_t *len,
                           fk_err *err) FK_WARN_UNUSED;
fk_status fk__job_meta_set(fk_job *job, const char *key, const void *value, size_t len,
                           fk_err *err) FK_WARN_UNUSED;

/* Appends an audit entry as user (the logged-in one or the one who tried). */
fk_status fk__audit_append(fk_job *job, const char *user, const char *command, const char *object,
                           const char *outcome, const char *details, fk_err *err) FK_WARN_UNUSED;

/* Sends an appended entry to the system log (auditlog.c), unless the order says not to.
 * fields are ts_utc, ts_local, user, host, command, object, outcome, details. */
void fk__audit_syslog(fk_job *job, long seq, const char *const fields[8],
                      const unsigned char hash[FK_HASH_BYTES]);

/* Signs the entries written while no job key was open (failed logins, auditors). */
fk_status fk__audit_sign_pending(fk_job *job, fk_err *err) FK_WARN_UNUSED;

/* Inserts a user with a new key slot for the open job key (the first manager adds
 * themselves: added_by is their own ID). */
fk_status fk__users_insert(fk_job *job, const fk_user_spec *u, const char *password,
                           fk_kdf_params kdf, const char *added_by, fk_err *err) FK_WARN_UNUSED;

/* The subkey that seals the audit signing key. */
fk_status fk__job_subkey(fk_job *job, const char context[8], fk_key **out,
                         fk_err *err) FK_WARN_UNUSED;

#endif
