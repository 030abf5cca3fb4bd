/*
 * A simulated inserter for the demo and the tests: the camera export (scan.h) an inserter
 * would write for the plan's envelopes, in mailing order, with faults planted on purpose and
 * reported apart, so that a test can compare what the check finds with what was planted.
 */
#ifndef FK_SIMULATE_H
#define FK_SIMULATE_H

#include "util/buf.h"
#include "verify.h"

#include <stdint.h>

typedef struct fk_simulate_options {
    long swap;      /* pairs of neighbouring envelopes that exchange sheet ② */
    long drop;      /* envelopes that lose their last sheet */
    long duplicate; /* envelopes with sheet ① fed twice */
    long foreign;   /* envelopes with an extra sheet of another job */
    long forge;     /* envelopes whose codes carry a wrong check value */
    long unread;    /* envelopes whose last sheet the camera cannot read */
    uint64_t seed;
    /* Which envelopes go through the inserter (NULL: all). */
    bool (*include)(void *ctx, fk_category c, long serial);
    void *ctx;
} fk_simulate_options;

/*
 * Writes the export into csv (header envelope,payload,time) and one line per affected
 * envelope into planted ("KIND<TAB>C-SERIAL", kinds as fk_verify_fault_name). FK_EINVAL if
 * there are not enough suitable envelopes for the faults asked.
 */
fk_status fk_verify_simulate(const fk_verify_plan *plan, const fk_simulate_options *o, fk_buf *csv,
                             fk_buf *planted, fk_err *err) FK_WARN_UNUSED;

#endif
