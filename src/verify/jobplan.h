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

/* The plan of the job's composed envelopes. Needs the job key. Caller frees. */
fk_status fk_verify_plan_from_job(fk_job *job, fk_verify_plan **out, fk_err *err) FK_WARN_UNUSED;

/* Seeds v with the states stored in the job. */
fk_status fk_verify_load_states(fk_verify *v, fk_job *job, fk_err *err) FK_WARN_UNUSED;

/* Stores one identified envelope's result (inside the caller's transaction). */
fk_status fk_verify_store_result(fk_job *job, const fk_verify_result *r, const char *source,
                                 fk_err *err) FK_WARN_UNUSED;

/* Parses "S-000123" (category code, dash, serial). */
bool fk_verify_parse_envelope(const char *s, fk_category *c, long *serial);

#endif
