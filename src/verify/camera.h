/*
 * Checking a whole camera export: its lines grouped into envelopes (consecutive lines with
 * one envelope number), each envelope checked as soon as its last line is read. The results
 * are kept in order with the inserter's envelope number, to be printed and stored by the
 * caller only once the whole file has been read: a malformed file records nothing, unless the
 * caller asks to keep the envelopes completed before the bad line.
 */
#ifndef FK_CAMERA_H
#define FK_CAMERA_H

#include "verify.h"

typedef struct fk_verify_outcome {
    fk_verify_result result;
    char envelope[64]; /* the inserter's envelope number, or the image file or folder name */
} fk_verify_outcome;

typedef struct fk_verify_outcomes {
    fk_verify_outcome *items;
    size_t n, cap;
    long sheets; /* lines read */
} fk_verify_outcomes;

void fk_verify_outcomes_free(fk_verify_outcomes *o);

/* Appends one outcome; FK_ENOMEM on failure. */
fk_status fk_verify_outcomes_add(fk_verify_outcomes *o, const fk_verify_result *r,
                                 const char *envelope) FK_WARN_UNUSED;

/*
 * Reads and checks the camera export at path into out (initialised to zeros by the caller).
 * On a malformed file returns its error; out then holds the envelopes completed before the
 * bad line (the one being read is dropped), for a caller that was asked to record them.
 */
fk_status fk_verify_camera_file(fk_verify *v, const char *path, fk_verify_outcomes *out,
                                fk_err *err) FK_WARN_UNUSED;

#endif
