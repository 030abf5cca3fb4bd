/*
 * The job's sealed files: print files (PDF) and the run file, kept under JOBDIR/files/ sealed
 * with a subkey of the job key and bound to their names, listed in the store with what the
 * print log needs (document, category, batch, envelopes, designated sheet count). Also the
 * insert-control check value and a few clear settings of the workflow (proof approval).
 */
#ifndef FK_FILES_H
#define FK_FILES_H

#include "job.h"
#include "state.h"
#include "util/buf.h"

typedef struct fk_job_file {
    const char *name;     /* "SJK25A-S-1-001.pdf" */
    const char *document; /* "voucher", "results", "run" */
    int category;         /* fk_category, or -1 for a file of the whole job */
    int batch;
    long envelopes, sheets;
    fk_file_state state; /* stored files start composed; moves.h moves them on */
} fk_job_file;

/*
 * Seals data and stores it as file->name (replacing a file of that name), under a file name
 * of its own: inside a transaction, the file it replaces stays complete and listed until
 * the commit, and is deleted after it (after a rollback, the new one is).
 */
fk_status fk_job_file_put(fk_job *job, const fk_job_file *file, const void *data, size_t len,
                          fk_err *err) FK_WARN_UNUSED;

/*
 * The same, sealed as it is written (no whole file in memory): the bytes go to a stored
 * name of the writer's own, which nothing lists until fk_job_file_writer_commit. new and
 * write touch no job store (only the job key, which must stay open), so composing threads
 * may each write files of their own; commit is for the thread that owns the store. Caller
 * ends a writer with _commit or _abort.
 */
typedef struct fk_job_file_writer fk_job_file_writer;
fk_status fk_job_file_writer_new(fk_job *job, const char *name, fk_job_file_writer **out,
                                 fk_err *err) FK_WARN_UNUSED;

/* Seals and writes the next bytes; FK_EIO once a write failed (the reason comes from
 * _finish or _commit). */
fk_status fk_job_file_write(fk_job_file_writer *w, const void *data, size_t len) FK_WARN_UNUSED;

/* Ends the stream and makes it durable, still unlisted (a composing thread's last step). */
fk_status fk_job_file_writer_finish(fk_job_file_writer *w, fk_err *err) FK_WARN_UNUSED;

/* Finishes (if not yet) and lists the file as file (whose name must be the writer's), in
 * the caller's transaction like fk_job_file_put; frees the writer, also on failure. */
fk_status fk_job_file_writer_commit(fk_job *job, fk_job_file_writer *w, const fk_job_file *file,
                                    fk_err *err) FK_WARN_UNUSED;

/* Deletes what the writer wrote and frees it; NULL is a no-op. */
void fk_job_file_writer_abort(fk_job_file_writer *w);

/* Unseals the named file into out; FK_ENOENT if there is none, FK_ETAMPER if altered. */
fk_status fk_job_file_get(fk_job *job, const char *name, fk_buf *out, fk_err *err) FK_WARN_UNUSED;

/* Lists the files in the order they were stored. */
fk_status fk_job_files_foreach(fk_job *job, int (*visit)(const fk_job_file *, void *), void *ctx,
                               fk_err *err) FK_WARN_UNUSED;

/* Unlists every file (before composing again, or with a replaced package); the files are
 * deleted when the transaction commits, so a crash leaves the old set or the new one.
 * FK_ESTATE once any envelope has been through the enclosure check (enclosure.h). */
fk_status fk_job_files_clear(fk_job *job, fk_err *err) FK_WARN_UNUSED;

/*
 * Writes a clear copy of every listed file into dir (which the caller made private): all
 * to partial names first, then one audit entry per file with its SHA-256, committed, then
 * each renamed to its own name, and exported (if not NULL) told its path and checksum;
 * progress (if not NULL) is told each file written of all.
 * What an interrupted export left in dir is removed first; on failure nothing partial
 * stays. count: the files that took their names.
 */
fk_status fk_job_files_export(fk_job *job, const char *dir,
                              void (*exported)(const char *path, const char *sha256_hex, void *),
                              void (*progress)(void *ctx, size_t done, size_t total), void *ctx,
                              long *count, fk_err *err) FK_WARN_UNUSED;

/*
 * The insert-control check value: a keyed hash (subkey of the job key) over the person's
 * identifiers — name, address, building, voucher number, resident number — as 10 hex
 * digits. It reveals nothing of them and cannot be made without the key.
 */
#define FK_CHECK_VALUE_HEX 11
fk_status fk_job_check_value(fk_job *job, const fk_record *r, char out[FK_CHECK_VALUE_HEX],
                             fk_err *err) FK_WARN_UNUSED;

/* The same over the same identifiers under another subkey, for proof specimens only: a
 * specimen's check value never equals a real one (inscode.h). */
fk_status fk_job_specimen_check_value(fk_job *job, const fk_record *r, char out[FK_CHECK_VALUE_HEX],
                                      fk_err *err) FK_WARN_UNUSED;

/* Clear workflow settings (no personal data), e.g. "proof_approved_by". */
fk_status fk_job_setting_set(fk_job *job, const char *key, const char *value,
                             fk_err *err) FK_WARN_UNUSED;
/* Copies the value into out; FK_ENOENT when unset. */
fk_status fk_job_setting_get(fk_job *job, const char *key, char *out, size_t size,
                             fk_err *err) FK_WARN_UNUSED;

#endif
