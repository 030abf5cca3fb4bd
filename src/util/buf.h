/*
 * Growable byte buffer with a maximum set at creation, so that nothing read from input
 * can grow without bound (curl's dynbuf). The content is always NUL-terminated.
 */
#ifndef FK_BUF_H
#define FK_BUF_H

#include "status.h"

#include <stddef.h>

typedef struct fk_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
} fk_buf;

/* Initialises an empty buffer that refuses to grow beyond max bytes. */
void fk_buf_init(fk_buf *b, size_t max);

/* Appends n bytes; FK_ETOOBIG past the maximum, FK_ENOMEM; the buffer is unchanged on error. */
fk_status fk_buf_append(fk_buf *b, const void *data, size_t n) FK_WARN_UNUSED;
fk_status fk_buf_append_str(fk_buf *b, const char *s) FK_WARN_UNUSED;
fk_status fk_buf_append_byte(fk_buf *b, unsigned char c) FK_WARN_UNUSED;
fk_status fk_buf_appendf(fk_buf *b, const char *fmt, ...) FK_PRINTF(2, 3) FK_WARN_UNUSED;

/* Grows the content by n bytes (left uninitialised) and points *where at them. */
fk_status fk_buf_extend(fk_buf *b, size_t n, char **where) FK_WARN_UNUSED;

/* The content as a C string ("" for an empty buffer). */
const char *fk_buf_cstr(const fk_buf *b);

/* Empties the buffer, keeping its memory. */
void fk_buf_reset(fk_buf *b);

/* Hands the content to the caller (who frees it with fk_free) and empties the buffer. */
char *fk_buf_take(fk_buf *b);

/* Frees the memory; the buffer may be initialised again. */
void fk_buf_free(fk_buf *b);

#endif
