/*
 * A streaming RFC 4180 reader over a UTF-8 buffer already in memory (the decrypted,
 * decoded CSV). It yields one row at a time: each field with its 1-based column number and
 * the 1-based physical line on which the row starts, so that findings can name LINE:COLUMN
 * even when quoted fields hold line breaks. Buffers are reused from row to row, so reading a
 * million rows allocates no more than reading one. Every size that grows from input has an
 * explicit limit.
 */
#ifndef FK_CSV_H
#define FK_CSV_H

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

/*
 * A reader over the len bytes at data, which must stay alive and unchanged while the reader
 * is used (the reader does not copy them). limits may be NULL for the defaults above.
 * Returns NULL when out of memory. Caller frees with fk_csv_reader_free().
 */
fk_csv_reader *fk_csv_reader_new(const char *data, size_t len, const fk_csv_limits *limits);
void fk_csv_reader_free(fk_csv_reader *r);

/*
 * Reads the next row. On FK_OK *has_row says whether a row was read (false at the end of the
 * input; empty lines at the end are not rows). An empty line in the middle is a row of one
 * empty field. Line ends are CRLF or LF. Errors, which end reading, name line and column:
 * FK_EFORMAT for an unterminated quoted field or text after a closing quote, FK_ETOOBIG when
 * a limit is exceeded, FK_ENOMEM. The previous row's fields are invalid after this call.
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
