/*
 * The print log (印刷ログ) as the job stores it: one entry per CUPS job, written before the
 * print file is sent (state "sending") and completed once CUPS reports the job's final state,
 * so that a fukan killed in between leaves an entry that the next run resolves instead of
 * losing or doubling it. Also the enclosure check's mark on a print file, which ends its time
 * as idle printed paper. No personal data: file names, counts, names of queues and users.
 */
#ifndef FK_PRINTS_H
#define FK_PRINTS_H

#include "job.h"

#include <time.h>

/* States of an entry, stored by name ("sending", ...). Final states are those after SENT. */
typedef enum {
    FK_PRINT_SENDING = 0, /* entry written, the CUPS job not (known to be) created yet */
    FK_PRINT_SENT,        /* the CUPS job exists (cups_job_id); its outcome is not recorded */
    FK_PRINT_COMPLETED,   /* CUPS completed the job */
    FK_PRINT_ABORTED,     /* CUPS or its filters/backend aborted it */
    FK_PRINT_CANCELED,    /* canceled (at the printer, by an operator, or by fukan on timeout) */
    FK_PRINT_NOT_SENT,    /* CUPS never accepted the document */
    FK_PRINT_STATE_COUNT
} fk_print_state;

const char *fk_print_state_name(fk_print_state s);
bool fk_print_state_parse(const char *name, fk_print_state *out);
/* True for completed, aborted, canceled and not-sent. */
bool fk_print_state_is_final(fk_print_state s);

typedef struct fk_print_entry {
    long id;
    const char *file;         /* print-file name */
    const char *parent;       /* for a reprint: the print file its envelopes come from, or NULL */
    const char *host;         /* the computer fukan ran on */
    const char *user;         /* the logged-in user */
    const char *printer;      /* CUPS queue */
    const char *job_name;     /* the CUPS job name, unique: how a lost outcome is found again */
    const char *submitted_at; /* ISO 8601 local time with offset */
    const char *finished_at;  /* NULL until final */
    long submitted_epoch;     /* seconds since 1970, for ages */
    long cups_job_id;         /* 0 until CUPS has created the job */
    fk_print_state state;
    long sheets_sent;     /* sheets in what fukan sent */
    long sheets_reported; /* job-media-sheets-completed, -1 when CUPS did not report */
    long impressions;     /* job-impressions-completed, -1 when not reported */
    long designated;      /* the file's designated sheet count */
    long over_count;      /* sheets beyond the designation (needs a reason) */
    const char *reason;   /* why over count, or NULL */
    const char *message;  /* CUPS's final state message, or NULL */
} fk_print_entry;

/*
 * Writes a new entry in state "sending" for e->file, printer, parent, sheets_sent, designated,
 * over_count and reason (the other fields are filled in here: host, user, time and the job
 * name "JOBCODE/FILE/ID-JOBIDPREFIX", copied into name). Committed at once unless the caller
 * holds a transaction.
 */
fk_status fk_job_print_add(fk_job *job, const fk_print_entry *e, long *id, char *name,
                           size_t name_size, fk_err *err) FK_WARN_UNUSED;

/* Records the CUPS job id of entry id and moves it to "sent"; FK_ESTATE if it is final. */
fk_status fk_job_print_set_sent(fk_job *job, long id, long cups_job_id, fk_err *err) FK_WARN_UNUSED;

/* Records the final state of entry id with what CUPS reported (-1 for unknown) and its
 * message (may be NULL). FK_ESTATE if the entry is already final. */
fk_status fk_job_print_finish(fk_job *job, long id, fk_print_state state, long sheets_reported,
                              long impressions, const char *message, fk_err *err) FK_WARN_UNUSED;

/* Calls visit for every entry in order of submission; stops when visit returns non-zero. */
fk_status fk_job_prints_foreach(fk_job *job, int (*visit)(const fk_print_entry *, void *),
                                void *ctx, fk_err *err) FK_WARN_UNUSED;

/* Marks a print file enclosure-checked (by the logged-in user, now); FK_ENOENT for an
 * unknown file. Its printed sheets stop counting as idle paper. */
fk_status fk_job_file_set_checked(fk_job *job, const char *file, fk_err *err) FK_WARN_UNUSED;

/* *checked_at receives the time (ISO local) the file was checked, or "" when it was not. */
fk_status fk_job_file_checked_at(fk_job *job, const char *file, char *out, size_t size,
                                 fk_err *err) FK_WARN_UNUSED;

#endif
