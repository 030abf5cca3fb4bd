/*
 * The enclosure check against a job: its plan from the sealed run file, each envelope's check
 * value recomputed from its record under the job key (so the run file itself is proven, and a
 * code made without the key — a proof sheet's specimen, a sheet from elsewhere — never
 * verifies), the states stored by earlier checks, and storing new results with their history.
 */
#ifndef FK_JOBPLAN_H
#define FK_JOBPLAN_H

#include "core/job.h"
#include "verify.h"

/* How far confirming the plan is (records done of total), or NULL. */
typedef void (*fk_verify_progress_fn)(void *ctx, const char *label, size_t done, size_t total);

/* The plan of the job's composed envelopes, each confirmed under the job key (reporting
 * progress through progress, if not NULL). Needs the job key. Caller frees. */
fk_status fk_verify_plan_from_job(fk_job *job, fk_verify_progress_fn progress, void *ctx,
                                  fk_verify_plan **out, fk_err *err) FK_WARN_UNUSED;

/* Seeds v with the states stored in the job. */
fk_status fk_verify_load_states(fk_verify *v, fk_job *job, fk_err *err) FK_WARN_UNUSED;

/* Stores one identified envelope's result (inside the caller's transaction). */
fk_status fk_verify_store_result(fk_job *job, const fk_verify_result *r, const char *source,
                                 fk_err *err) FK_WARN_UNUSED;

/*
 * The print files the job's print log put on paper (state printed or verified), as the
 * is_printed hook of fk_verify_hooks: pass the set as the hooks' ctx. Caller frees.
 */
typedef struct fk_verify_printed fk_verify_printed;

fk_status fk_verify_printed_from_job(fk_job *job, fk_verify_printed **out,
                                     fk_err *err) FK_WARN_UNUSED;
bool fk_verify_printed_has(void *printed, fk_category c, int batch, int sheet);
void fk_verify_printed_free(fk_verify_printed *p);

/*
 * The envelopes a delivery receipt has handed to the ward (state delivered), as the
 * is_delivered hook of fk_verify_hooks: a scan of one of them is a fault of its own, not a
 * duplicate. Caller frees.
 */
typedef struct fk_verify_delivered fk_verify_delivered;

fk_status fk_verify_delivered_from_job(fk_job *job, fk_verify_delivered **out,
                                       fk_err *err) FK_WARN_UNUSED;
bool fk_verify_delivered_has(const fk_verify_delivered *d, fk_category c, long serial);
void fk_verify_delivered_free(fk_verify_delivered *d);

/*
 * Moves every printed envelope that passed the check to verified, and every printed print
 * file whose envelopes have all passed to verified, marked enclosure-checked so that its
 * paper stops counting as idle (inside the caller's transaction). Envelopes and files the
 * operator declared printed without the print log stay as they are.
 */
fk_status fk_verify_mark_files(fk_job *job, const fk_verify_plan *plan, const fk_verify *v,
                               fk_err *err) FK_WARN_UNUSED;

/* Parses "S-000123" (category code, dash, serial). */
bool fk_verify_parse_envelope(const char *s, fk_category *c, long *serial);

#endif
