/*
 * What the steps of fukan.h share inside src/job: reporting through the front end's
 * callbacks, each of which may be absent.
 */
#ifndef FK_STEP_PRIVATE_H
#define FK_STEP_PRIVATE_H

#include "fukan.h"

#include <stddef.h>

/* Tells the front end how far the step is (label: a msgid), if it asked. */
static inline void fk__step_progress(const fk_callbacks *cb, const char *label, size_t done,
                                     size_t total)
{
    if (cb != NULL && cb->progress != NULL)
        cb->progress(cb->ctx, label, done, total);
}

#endif
