/*
 * The enclosure check's results in the job store (突合): one row per composed envelope that
 * has been scanned, with its state (verified, failed, opened for rework) and the fault kinds,
 * and an append-only history of every scan and rework with time and handler. Envelopes are
 * named by category and serial only: nothing here is personal data, so the key is not needed
 * to read it (the auditor and `fukan status` can).
 */
#ifndef FK_ENCLOSURE_H
#define FK_ENCLOSURE_H

#include "job.h"

typedef enum {
    FK_ENCL_NONE = 0,     /* never scanned */
    FK_ENCL_VERIFIED = 1, /* every sheet belongs to this envelope's person, set complete */
    FK_ENCL_FAILED = 2,   /* a fault was found: the envelope must be reworked */
    FK_ENCL_REWORK = 3    /* opened for rework; the next scan decides */
} fk_encl_state;

const char *fk_encl_state_name(fk_encl_state s);

typedef struct fk_encl_row {
    fk_category category;
    long serial;
    int batch;
    fk_encl_state state;
    const char *faults; /* comma-separated fault kinds, "" when verified */
    const char *at, *by;
} fk_encl_row;

/* Sets an envelope's state and appends the event (scan result or rework) to its history.
 * event is "pass", "fail" or "rework"; detail holds fault kinds or a reason (no personal
 * data); source names the input ("camera scans.csv", "station", "images DIR"). */
fk_status fk_job_encl_record(fk_job *job, fk_category c, long serial, int batch,
                             fk_encl_state state, const char *event, const char *detail,
                             const char *source, fk_err *err) FK_WARN_UNUSED;

/* Marks a failed envelope as opened for rework (its sheets checked, reprinted where needed,
 * `fukan reprint`), with the handler's reason (no personal data); FK_ESTATE unless failed. */
fk_status fk_job_encl_rework(fk_job *job, fk_category c, long serial, const char *reason,
                             fk_err *err) FK_WARN_UNUSED;

/* Every scanned envelope's current state, by category and serial; visit returns non-zero
 * to stop. */
fk_status fk_job_encl_foreach(fk_job *job, int (*visit)(const fk_encl_row *, void *), void *ctx,
                              fk_err *err) FK_WARN_UNUSED;

/* The envelope's current state (FK_ENCL_NONE if never scanned). */
fk_status fk_job_encl_get(fk_job *job, fk_category c, long serial, fk_encl_state *out,
                          fk_err *err) FK_WARN_UNUSED;

typedef struct fk_encl_event {
    const char *event, *detail, *source, *at, *by;
} fk_encl_event;

/* The envelope's history in order; FK_ENOENT if it has none. */
fk_status fk_job_encl_history(fk_job *job, fk_category c, long serial,
                              int (*visit)(const fk_encl_event *, void *), void *ctx,
                              fk_err *err) FK_WARN_UNUSED;

/* Counts per batch and category, for `fukan status`: composed envelopes (from the print
 * files of sheet ①), verified, failed (failed or in rework) and missing (never scanned). */
typedef struct fk_encl_summary {
    int batch;
    fk_category category;
    long composed, verified, failed, missing;
} fk_encl_summary;

fk_status fk_job_encl_summary(fk_job *job, int (*visit)(const fk_encl_summary *, void *), void *ctx,
                              fk_err *err) FK_WARN_UNUSED;

#endif
