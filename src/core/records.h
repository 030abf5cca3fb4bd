/*
 * Residents' records in the job store: each accepted record sealed with a subkey of the job
 * key (XChaCha20-Poly1305, bound to its tag), with only what the workflow needs in clear
 * (category, per-category serial, stage, the source line). Rejected rows keep their line,
 * column and a reason that never holds the value. Every call needs the job key open, except
 * the counts and the reject list.
 */
#ifndef FK_RECORDS_H
#define FK_RECORDS_H

#include "job.h"
#include "state.h"

#define FK_TAG_HEX 33 /* 16-byte keyed hash of the resident number, as hex */

/* The keyed hash of a resident number that stands for the person in reports and logs. */
fk_status fk_job_tag(fk_job *job, const char *resident_no, char out[FK_TAG_HEX],
                     fk_err *err) FK_WARN_UNUSED;

/* True (in *opened) if a package with this SHA-256 was opened and not replaced. */
fk_status fk_job_package_seen(fk_job *job, const char *sha256_hex, bool *opened,
                              fk_err *err) FK_WARN_UNUSED;

/*
 * Starts storing a package inside the caller's transaction. With replace, the records and
 * rejects of every earlier package are deleted first and the packages marked replaced.
 */
fk_status fk_job_package_start(fk_job *job, const char *sha256_hex, bool replace, long *package,
                               fk_err *err) FK_WARN_UNUSED;

/* Seals and stores one accepted record. FK_EEXIST if its resident number is already there. */
fk_status fk_job_record_add(fk_job *job, long package, const fk_record *r, long line,
                            fk_err *err) FK_WARN_UNUSED;

/* Stores one finding of a rejected row (several per row are allowed). */
fk_status fk_job_reject_add(fk_job *job, long package, long line, long column,
                            const char *column_name, const char *reason,
                            fk_err *err) FK_WARN_UNUSED;

/* Records the package's counts; FK_EINVAL unless received = accepted + rejected. */
fk_status fk_job_package_finish(fk_job *job, long package, long received, long accepted,
                                long rejected, fk_err *err) FK_WARN_UNUSED;

typedef struct fk_record_meta {
    long id, line, serial; /* serial 0 until compose assigns one */
    fk_category category;
    fk_record_state state; /* accepted, held, checked, composed, ... (state.h) */
    bool held;             /* state == FK_REC_HELD */
    char tag[FK_TAG_HEX];
} fk_record_meta;

/* Unseals every current record in source order; visit returns non-zero to stop. */
fk_status fk_job_records_foreach(fk_job *job,
                                 int (*visit)(const fk_record *, const fk_record_meta *, void *),
                                 void *ctx, fk_err *err) FK_WARN_UNUSED;

/* Unseals one record into out (initialised; caller clears it). FK_ENOENT if there is none. */
fk_status fk_job_record_get(fk_job *job, long id, fk_record *out, fk_err *err) FK_WARN_UNUSED;

/*
 * A record reader for one composing thread: a read-only connection of its own to the job
 * store, with the statement prepared once and a plaintext buffer kept out of core dumps. It
 * sees what was committed before each read (the sealed records, which compose's transaction
 * never changes). Made by the thread that owns the job, then used by one thread at a time
 * while the job key stays open. Caller frees with fk_job_reader_free.
 */
typedef struct fk_job_reader fk_job_reader;
fk_status fk_job_reader_new(fk_job *job, fk_job_reader **out, fk_err *err) FK_WARN_UNUSED;

/* Unseals one record into out (initialised; caller clears it), as fk_job_record_get. */
fk_status fk_job_reader_get(fk_job_reader *r, long id, fk_record *out, fk_err *err) FK_WARN_UNUSED;

/* Wipes the buffer, closes the connection; NULL is a no-op. */
void fk_job_reader_free(fk_job_reader *r);

typedef struct fk_reject {
    long line, column;
    const char *column_name, *reason;
} fk_reject;

/* Every finding of the current package's rejected rows, by line and column. */
fk_status fk_job_rejects_foreach(fk_job *job, int (*visit)(const fk_reject *, void *), void *ctx,
                                 fk_err *err) FK_WARN_UNUSED;

typedef struct fk_job_counts {
    bool opened;
    long received, accepted, rejected; /* rows */
    long rejected_rows_stored;         /* distinct lines in the reject list */
    long by_category[FK_CAT_COUNT];    /* accepted records */
    long held;
} fk_job_counts;

fk_status fk_job_counts_get(fk_job *job, fk_job_counts *out, fk_err *err) FK_WARN_UNUSED;

/* Records a responsible manager's acceptance of a disagreement for the person with tag. */
fk_status fk_job_acceptance_add(fk_job *job, const char *tag, const char *kind, const char *reason,
                                fk_err *err) FK_WARN_UNUSED;

/* True in *accepted when a disagreement of this kind was accepted for the tag. */
fk_status fk_job_acceptance_get(fk_job *job, const char *tag, const char *kind, bool *accepted,
                                fk_err *err) FK_WARN_UNUSED;

#endif
