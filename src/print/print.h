/*
 * Printing through CUPS. A sealed print file is decrypted in memory and streamed to a queue
 * of the local cupsd only (the job's machine is isolated: a queue on another host, or a
 * CUPS server that is not this machine, is refused), under a job name and job-billing that
 * carry the job code and the print-file name, so that CUPS's page_log matches fukan's print
 * log. fukan waits for the job's final state and records it with the sheets CUPS reports.
 * The print-log entry is written before sending, so that after a crash the next run finds the
 * CUPS job by its name and records its real outcome (fk_print_recover).
 */
#ifndef FK_PRINT_H
#define FK_PRINT_H

#include "core/prints.h"

typedef struct fk_print_request {
    const char *printer; /* CUPS queue; NULL for the order's `printer` */
    const char *reason;  /* why sheets beyond the designation are printed, or NULL */
    const char *parent;  /* for a reprint: the print file the envelopes come from, or NULL */
    int timeout;         /* seconds to wait for the final state; 0 for 600 */
} fk_print_request;

typedef struct fk_print_outcome {
    long entry_id;
    long cups_job_id; /* 0 when CUPS never created a job */
    fk_print_state state;
    long sheets_sent, sheets_reported, designated, over_count;
    char queue[128];
    char message[512]; /* CUPS's state message, or what went wrong */
} fk_print_outcome;

/*
 * Prints the print file `file` of the job. Resolves earlier unresolved entries first
 * (fk_print_recover), applies the designated-count rule (FK_ESTATE without a reason), checks
 * that the queue exists, accepts jobs and is not stopped (FK_EENV naming the queue and its
 * CUPS state, nothing sent and nothing logged), then sends and waits. The outcome is in the
 * print log and the audit log; a job that did not complete returns FK_EENV with the queue and
 * the CUPS state in err (and out filled in).
 */
fk_status fk_print_file(fk_job *job, const char *file, const fk_print_request *req,
                        fk_print_outcome *out, fk_err *err) FK_WARN_UNUSED;

/*
 * Finds the CUPS job of every print-log entry whose outcome is not recorded (fukan was killed
 * between sending and recording) by its job name, waits up to timeout seconds for it to end
 * and records its real outcome; an entry whose job CUPS never created is recorded as
 * not-sent. *resolved counts the entries recorded. FK_EENV when cupsd cannot be asked.
 */
fk_status fk_print_recover(fk_job *job, int timeout, long *resolved, fk_err *err) FK_WARN_UNUSED;

/* The queue a request prints to: req->printer, else the order's printer, else NULL. */
const char *fk_print_queue(fk_job *job, const fk_print_request *req);

#endif
