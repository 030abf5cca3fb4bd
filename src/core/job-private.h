/* The job's internals, shared by the files of src/core that implement job.h and audit.h. */
#ifndef FK_JOB_PRIVATE_H
#define FK_JOB_PRIVATE_H

#include "job.h"
#include "state.h"

#include <sqlite3.h>

#define FK_JOB_ID_BYTES 16

/* The subkeys of the job key, derived once when the key opens and kept in locked memory
 * until it closes (a guarded allocation per use cost 13% of compose). */
#define FK__SUBKEYS 7

/* Statements run once per record (reading, moving) are prepared once per job. */
#define FK__CACHED_STATEMENTS 16

struct fk_job {
    char *dir;
    sqlite3 *db;
    unsigned char id[FK_JOB_ID_BYTES];
    char id_hex[2 * FK_JOB_ID_BYTES + 1];
    fk_order *order;
    fk_key *key;                  /* the job key; NULL until a staff member logs in */
    fk_key *subkeys[FK__SUBKEYS]; /* its subkeys, by fk__subkey_contexts; NULL with it */
    char *user;                   /* logged-in user, or the ID that tried */
    fk_role role;
    char *command;    /* the command being run, for the audit log */
    fk_buf plain;     /* decrypted records, reused: one allocation kept out of core dumps */
    bool files_dirty; /* the file list changed: sweep files/ when the transaction ends */
    int lock_fd;      /* JOBDIR/lock, held with flock for as long as the job is open */
    char opened_at[40];
    char host[256];
    /* Moves through the state machine since the last fk_job_moves_audit (moves.c). */
    long moves[FK_REC_STATE_COUNT][FK_REC_STATE_COUNT];
    long file_moves[FK_FILE_STATE_COUNT][FK_FILE_STATE_COUNT];
    struct {
        const char *sql; /* a string literal, known by its address */
        sqlite3_stmt *st;
    } cached[FK__CACHED_STATEMENTS];
};

/* The job's record buffer, emptied, its pages marked MADV_DONTDUMP; for the main thread,
 * one use at a time. fk__job_plain_done wipes what it held. */
fk_status fk__job_plain(fk_job *job, fk_buf **out, fk_err *err) FK_WARN_UNUSED;
void fk__job_plain_done(fk_job *job);

/* Writes who holds the job's lock (user, command, since when, process) into the lock file,
 * for the message of a command that finds the job busy. */
void fk__job_lock_note(fk_job *job);

/* Deletes every file under files/ that no row of the file list names (files.c). */
void fk__files_sweep(fk_job *job);

/* Runs SQL without results. */
fk_status fk__job_exec(fk_job *job, const char *sql, fk_err *err) FK_WARN_UNUSED;

/* Prepares a statement; on failure err names the database. */
fk_status fk__job_prepare(fk_job *job, const char *sql, sqlite3_stmt **st,
                          fk_err *err) FK_WARN_UNUSED;

/* A statement prepared once per job for sql (a string literal: compared by address), reset
 * with its bindings cleared; borrowed: the caller never finalizes it, and resets it when done
 * (fk__job_cached_done) so that it holds no read lock or bound data in between. */
fk_status fk__job_cached(fk_job *job, const char *sql, sqlite3_stmt **st,
                         fk_err *err) FK_WARN_UNUSED;
void fk__job_cached_done(sqlite3_stmt *st);

/* An FK_EDB error with SQLite's message. */
fk_status fk__job_db_fail(fk_job *job, fk_err *err);

/* The current time as ISO 8601 in UTC ("...Z") and local time with offset. */
void fk__job_now(char utc[32], char local[40]);

/* Reads a blob from meta into out (at most max bytes); FK_ENOENT if absent. */
fk_status fk__job_meta_get(fk_job *job, const char *key, void *out, size_t max, size_t *len,
                           fk_err *err) FK_WARN_UNUSED;
fk_status fk__job_meta_set(fk_job *job, const char *key, const void *value, size_t len,
                           fk_err *err) FK_WARN_UNUSED;

/* Appends an audit entry as user (the logged-in one or the one who tried): to the signed log
 * when the job key is open (after a witness of any unauthenticated entries not yet
 * witnessed), otherwise to the separate unauthenticated record. */
fk_status fk__audit_append(fk_job *job, const char *user, const char *command, const char *object,
                           const char *outcome, const char *details, fk_err *err) FK_WARN_UNUSED;

/* Checks every roster row against its MAC (subkey of the job key) and that failure counts and
 * lockouts were not lowered; FK_ETAMPER naming the user otherwise. Needs the job key. */
fk_status fk__roster_verify(fk_job *job, fk_err *err) FK_WARN_UNUSED;

/* A second handle on a job that locked is holding open and locked in this process, without
 * taking the lock again (flock would refuse it): the erasure's proof logs in through it as a
 * later run of fukan would, while the erasure still holds the lock. */
fk_status fk__job_open_beside(const fk_job *locked, fk_job **out, fk_err *err) FK_WARN_UNUSED;

/* An audit entry's hash (audit.c): the record's label, the job id, the canonical fields
 * (ts_utc, ts_local, user, host, command, object, outcome, details) and the previous hash.
 * The store and the offline verifier of an export (auditlog.c) share it. */
fk_status fk__audit_hash(const unsigned char job_id[FK_JOB_ID_BYTES], bool authenticated, long seq,
                         const char *const fields[], const unsigned char prev[FK_HASH_BYTES],
                         unsigned char out[FK_HASH_BYTES]) FK_WARN_UNUSED;

/* Parses a witness entry's details "witnessed unauthenticated entries A-B, head HEX". */
bool fk__audit_parse_witness(const char *details, long *from, long *to,
                             unsigned char head[FK_HASH_BYTES]);

/* Sends an appended entry to the system log (auditlog.c), unless the order says not to,
 * marked as of the signed log or of the unauthenticated record. fields are ts_utc,
 * ts_local, user, host, command, object, outcome, details. */
void fk__audit_syslog(fk_job *job, bool authenticated, long seq, const char *const fields[8],
                      const unsigned char hash[FK_HASH_BYTES]);

/* Inserts a user with a new key slot for the open job key (the first manager adds
 * themselves: added_by is their own ID). */
fk_status fk__users_insert(fk_job *job, const fk_user_spec *u, const char *password,
                           fk_kdf_params kdf, const char *added_by, fk_err *err) FK_WARN_UNUSED;

/* Sets (or with NULL, closes) the job key, taking ownership, and derives its subkeys. */
fk_status fk__job_set_key(fk_job *job, fk_key *key, fk_err *err) FK_WARN_UNUSED;

/* One of the job key's subkeys, borrowed (valid until the key closes): "records_",
 * "resident", "files___", "insertck", "auditsig" or "roster__". FK_EPERM without the key.
 * Safe to call from several threads while the key stays open. */
fk_status fk__job_key(const fk_job *job, const char context[8], const fk_key **out,
                      fk_err *err) FK_WARN_UNUSED;

/* A fresh copy of a subkey, which the caller frees. */
fk_status fk__job_subkey(fk_job *job, const char context[8], fk_key **out,
                         fk_err *err) FK_WARN_UNUSED;

/* Forgets the moves counted so far (a new transaction starts). */
void fk__job_moves_reset(fk_job *job);

#endif
