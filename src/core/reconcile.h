/*
 * The first reconciliation of a mailing: the envelopes the ward's order expects per
 * category against the records accepted from the ward's package. A difference (or a package
 * with no rows) is a finding that blocks composing until a responsible manager accepts it
 * with a reason, for that package, or the package is replaced. The state is a query of the
 * store, so every command (open, check, compose, status) reads the same answer.
 */
#ifndef FK_RECONCILE_H
#define FK_RECONCILE_H

#include "job.h"

typedef struct fk_reconciliation {
    bool is_opened;   /* a package is open (not replaced) */
    bool is_empty;    /* it held no rows at all (a header line only) */
    bool differs;     /* a category's accepted count differs from the order's expected one */
    bool is_accepted; /* a responsible manager accepted the difference for this package */
    long package;     /* the open package's id, 0 when none */
    long received;
    long expected[FK_CAT_COUNT]; /* -1 where the order does not say */
    long accepted[FK_CAT_COUNT];
    char accepted_by[64]; /* user ID, when is_accepted */
} fk_reconciliation;

/* Fills out from the store and the order. Needs no job key (counts only). */
fk_status fk_job_reconcile(fk_job *job, fk_reconciliation *out, fk_err *err) FK_WARN_UNUSED;

/* True when the counts are a finding that nobody accepted: composing is refused. A job with
 * no package open is not blocked here (there is nothing to compose, which says so itself). */
bool fk_reconciliation_is_blocking(const fk_reconciliation *r);

/* Writes "積極的支援 expected 613, accepted 600; ..." for the categories that differ, or
 * "the package holds no rows", into out (no personal data). */
void fk_reconciliation_describe(const fk_reconciliation *r, char *out, size_t size);

/*
 * Records the logged-in responsible manager's acceptance of the open package's count
 * difference, with a reason (1-200 characters, no personal data: it goes to the audit log),
 * and audits it. FK_EPERM for anyone else, FK_ESTATE when no package is open or its counts
 * match the order, FK_EINVAL for an empty or long reason.
 */
fk_status fk_job_counts_accept(fk_job *job, const char *reason, fk_err *err) FK_WARN_UNUSED;

#endif
