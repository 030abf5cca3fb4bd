/*
 * The reconciliation (取扱い状況報告): per category and batch, how many records were
 * received, rejected, accepted, held, composed, printed (with any over-count), verified and
 * delivered, and whether each stage adds up with the one before. The store knows the first
 * five; printed and verified counts come from the print log and the enclosure check, which
 * the caller passes in (fk_stage_inputs), so this module does not depend on those stages.
 */
#ifndef FK_RECONCILE_H
#define FK_RECONCILE_H

#include "core/job.h"
#include "paper.h"
#include "util/buf.h"

#include <stdbool.h>

/* Counts of later stages, filled by the caller from the print log and the enclosure check. */
typedef struct fk_stage_inputs {
    bool has_printed;
    long printed[FK_CAT_COUNT];     /* envelopes printed */
    long overprinted[FK_CAT_COUNT]; /* sheets above the designated count (reprints) */
    bool has_verified;
    long verified[FK_CAT_COUNT]; /* envelopes verified complete */
} fk_stage_inputs;

typedef struct fk_reconcile fk_reconcile;

/* One line of the reconciliation; -1 means "not known yet" (stage not reached). */
typedef struct fk_reconcile_row {
    int category; /* -1 for the whole job */
    int batch;    /* 0 for a category's total */
    long received, rejected, accepted, held, composed, printed, overprinted, verified, delivered;
    const char *flag; /* NULL when the row adds up, else what does not */
} fk_reconcile_row;

/* Adds up the job (inputs may be NULL). Caller frees with fk_reconcile_free. */
fk_status fk_reconcile_new(fk_job *job, const fk_stage_inputs *inputs, fk_reconcile **out,
                           fk_err *err) FK_WARN_UNUSED;
void fk_reconcile_free(fk_reconcile *r);

size_t fk_reconcile_count(const fk_reconcile *r);
const fk_reconcile_row *fk_reconcile_row_at(const fk_reconcile *r, size_t i);
/* How many rows are flagged. */
size_t fk_reconcile_flagged(const fk_reconcile *r);

/* The next step of the job and the command that does it ("" when done). */
const char *fk_reconcile_next_step(const fk_reconcile *r);

/* Writers: aligned text, CSV (UTF-8 with BOM, CRLF), XLSX (to path), and a paper. */
fk_status fk_reconcile_text(const fk_reconcile *r, fk_buf *out) FK_WARN_UNUSED;
fk_status fk_reconcile_csv(const fk_reconcile *r, fk_buf *out) FK_WARN_UNUSED;
fk_status fk_reconcile_xlsx(const fk_reconcile *r, const char *path, fk_err *err) FK_WARN_UNUSED;
fk_status fk_reconcile_paper(const fk_reconcile *r, fk_job *job, fk_paper *p,
                             fk_err *err) FK_WARN_UNUSED;

/* The delivered counts of the deliver receipt, if there is one (false otherwise). */
bool fk_reconcile_delivered(const fk_reconcile *r, long out[FK_CAT_COUNT]);

/* The composed counts per category: what the CLI passes as printed and verified until the
 * print log and the enclosure check supply theirs. */
void fk_reconcile_composed(const fk_reconcile *r, long out[FK_CAT_COUNT]);

/* Parses "0=613,1=1130" (category index = count) into counts; false if malformed. */
bool fk_counts_parse(const char *s, long out[FK_CAT_COUNT]);
/* The reverse, into out. */
void fk_counts_format(const long counts[FK_CAT_COUNT], char *out, size_t size);

#endif
