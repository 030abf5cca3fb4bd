/*
 * Erasure of a job's personal data at the end of the job (NIST SP 800-88 Rev. 2:
 * cryptographic erase plus overwrite). Every key slot and the sealed audit signing key are
 * destroyed, so no password opens the job key any more; the sealed records lose their
 * ciphertext (their clear workflow columns stay, for the counts); sealed files are
 * overwritten and removed; the store is vacuumed with secure_delete and its WAL truncated.
 * Then it is proved: a fresh login with the operator's password is refused, no key slot is
 * left, and every file under the job directory is searched for the nonce of every sealed
 * blob that existed before. What remains (audit log, counts, receipts, incidents,
 * documents) holds no resident's data.
 *
 * The erasure keeps the audit signing key in memory until fk_erasure_free, so that the
 * command can still sign its own audit entries and the erasure certificate.
 */
#ifndef FK_ERASE_H
#define FK_ERASE_H

#include "job.h"

#include <stdbool.h>

typedef struct fk_erasure fk_erasure;

/* One thing that was erased. */
typedef struct fk_erased_item {
    const char *what; /* "key slot", "audit signing key", "sealed records", "sealed file" */
    char name[128];   /* user ID, file name, "records" */
    long count;       /* blobs (records: how many) */
    long long bytes;  /* ciphertext bytes */
    char sha256[65];  /* SHA-256 of the ciphertext (records: of all, in id order) */
} fk_erased_item;

/* What the proof found. Passed means all of it held. */
typedef struct fk_erasure_check {
    long slots_left;      /* key slots still in the store (must be 0) */
    bool login_refused;   /* the operator's former password was refused */
    long nonces_searched; /* distinct sealed blobs looked for */
    long files_scanned;   /* files under the job directory */
    long long bytes_scanned;
    long blobs_found; /* sealed blobs found (must be 0) */
    bool passed;
} fk_erasure_check;

/* How far the erasure is: phases done of all (label: "erasing the job"). */
typedef void (*fk_erase_progress_fn)(void *ctx, const char *label, size_t done, size_t total);

/*
 * Erases the job's personal data as described above. Needs a logged-in responsible manager
 * with the job key open; password is the operator's, used only for the refused login of the
 * proof. On success the job key is closed on job (its later audit entries go to the
 * unauthenticated record, as every entry written without the key does) and *out holds the
 * inventory and the check; caller frees
 * with fk_erasure_free. A failed check is FK_OK with check->passed false: the caller
 * reports it. Errors before the store was changed leave the job as it was. progress (if
 * not NULL) is told each phase done.
 */
fk_status fk_job_erase(fk_job *job, const char *password, fk_erase_progress_fn progress, void *ctx,
                       fk_erasure **out, fk_err *err) FK_WARN_UNUSED;

/* The inventory (n items) and the check. */
const fk_erased_item *fk_erasure_items(const fk_erasure *e, size_t *n);
const fk_erasure_check *fk_erasure_check_result(const fk_erasure *e);

/* Signs msg with the job's audit key (Ed25519, detached). */
fk_status fk_erasure_sign(const fk_erasure *e, const void *msg, size_t n,
                          unsigned char sig[FK_SIGNATURE_BYTES], fk_err *err) FK_WARN_UNUSED;

/* Wipes the keys held in memory and frees; NULL is a no-op. */
void fk_erasure_free(fk_erasure *e);

/* Overwrites a regular file with zeros, syncs it and removes it (clear exports too). */
fk_status fk_erase_file(const char *path, fk_err *err) FK_WARN_UNUSED;

/* True if the job was erased; its local time in at (may be NULL). */
bool fk_job_is_erased(fk_job *job, char *at, size_t size);

/*
 * After erasure nobody can log in (no slot is left). Commands that only read what remains
 * (the report) name their operator with this: FK_ESTATE unless the job is erased. The
 * audit entries carry user_id marked as not authenticated.
 */
fk_status fk_job_act_on_erased(fk_job *job, const char *user_id, const char *command,
                               fk_err *err) FK_WARN_UNUSED;

#endif
