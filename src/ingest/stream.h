/*
 * A byte stream pulled chunk by chunk: how the decrypted CSV travels from the package through
 * decoding into the CSV reader without ever being held whole. A memory cursor serves the
 * callers (and tests) that have the bytes in one buffer.
 */
#ifndef FK_STREAM_H
#define FK_STREAM_H

#include "util/err.h"

#include <stddef.h>

/*
 * Fills up to cap (> 0) bytes at buf and sets *got to their number; *got is 0 only at the
 * end of the stream. An error status ends the stream (err says why).
 */
typedef fk_status (*fk_stream_read_fn)(void *ctx, char *buf, size_t cap, size_t *got, fk_err *err);

/* A cursor over len bytes at data (which must outlive it), read at most chunk bytes at a time
 * (0: as many as asked), so that tests can cut the input anywhere. */
typedef struct fk_stream_mem {
    const char *data;
    size_t len;
    size_t pos;
    size_t chunk;
} fk_stream_mem;

/* The fk_stream_read_fn of a fk_stream_mem (ctx). Never fails. */
fk_status fk_stream_mem_read(void *ctx, char *buf, size_t cap, size_t *got, fk_err *err);

#endif
