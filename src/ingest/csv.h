/*
 * A streaming RFC 4180 reader over UTF-8 pulled from a stream (the decrypted, decoded CSV)
 * through a fixed window, so that memory does not grow with the file. It yields one row at a
 * time: each field with its 1-based column number and the 1-based physical line on which the
 * row starts, so that findings can name LINE:COLUMN even when quoted fields hold line breaks.
 * Buffers are reused from row to row, so reading a million rows allocates no more than
 * reading one. Every size that grows from input has an explicit limit.
 */
#ifndef FK_CSV_H
#define FK_CSV_H

#include "ingest/stream.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fk_csv_reader fk_csv_reader;

typedef struct fk_csv_limits {
    size_t max_field;  /* bytes in one field after unquoting */
    size_t max_fields; /* fields in one row */
    size_t max_row;    /* bytes in one row after unquoting */
} fk_csv_limits;

/* The limits fukan uses for ward exports (generous for real rows, small enough for memory). */
#define FK_CSV_MAX_FIELD  4096
#define FK_CSV_MAX_FIELDS 256
#define FK_CSV_MAX_ROW    65536

/* Bytes the reader pulls from its stream at a time. */
#define FK_CSV_WINDOW 65536

/*
 * A reader pulling its input through read(ctx, ...), which must stay valid while the reader
 * is used. limits may be NULL for the defaults above. Returns NULL when out of memory.
 * Caller frees with fk_csv_reader_free(), which wipes what it held.
 */
fk_csv_reader *fk_csv_reader_new(fk_stream_read_fn read, void *ctx, const fk_csv_limits *limits);
void fk_csv_reader_free(fk_csv_reader *r);

/*
 * Reads the next row. On FK_OK *has_row says whether a row was read (false at the end of the
 * input). Empty lines (LF or CRLF) at the end are not rows, nor are carriage returns that
 * end the input; an empty line in the middle is a row of one empty field. Line ends are
 * CRLF or LF, wherever the stream's chunks are cut. Errors, which end reading, name line and
 * column: FK_EFORMAT for an unterminated quoted field or text after a closing quote,
 * FK_ETOOBIG when a limit is exceeded (the limit the first byte too many breaks), FK_ENOMEM,
 * or the stream's own error. The previous row's fields are invalid after this call.
 */
fk_status fk_csv_reader_next(fk_csv_reader *r, bool *has_row, fk_err *err) FK_WARN_UNUSED;

/* Number of fields of the current row (at least 1). */
size_t fk_csv_reader_field_count(const fk_csv_reader *r);

/*
 * Field i (0-based; its column number is i + 1) of the current row, unquoted and
 * NUL-terminated; *len (if not NULL) receives its length. Valid until the next read.
 */
const char *fk_csv_reader_field(const fk_csv_reader *r, size_t i, size_t *len);

/* The 1-based physical line on which the current row starts. */
long fk_csv_reader_line(const fk_csv_reader *r);

#endif
