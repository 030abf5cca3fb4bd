/*
 * A streaming RFC 4180 reader over a UTF-8 buffer already in memory. It yields one row at
 * a time with the physical line where the row starts and each field's 1-based column, so
 * that every finding can be reported as LINE:COLUMN. Quoted fields may hold commas,
 * doubled quotes and line breaks; CRLF and LF both end a row; trailing empty lines are
 * ignored. Field size, fields per row and row size are bounded by explicit limits, and the
 * reader reuses its buffers, so memory does not grow with the number of rows.
 */
#ifndef FK_CSV_H
#define FK_CSV_H

#include "util/err.h"

#include <stddef.h>

typedef struct fk_csv_reader fk_csv_reader;

typedef struct fk_csv_limits {
    size_t max_field;  /* bytes in one field, after unquoting */
    size_t max_fields; /* fields in one row */
    size_t max_row;    /* bytes in one row, after unquoting */
} fk_csv_limits;

/* The limits used when none are given: 4 KiB per field, 256 fields, 64 KiB per row. */
extern const fk_csv_limits fk_csv_default_limits;

/*
 * A reader over the len bytes at data, which must stay valid and unchanged while the reader
 * is used (the reader does not copy them). limits may be NULL for the defaults. Returns NULL
 * when out of memory; free with fk_csv_reader_free().
 */
fk_csv_reader *fk_csv_reader_new(const char *data, size_t len, const fk_csv_limits *limits);
void fk_csv_reader_free(fk_csv_reader *r);

/*
 * Reads the next row. FK_OK: a row is available through the accessors below until the next
 * call. FK_ENOENT: no more rows. FK_EFORMAT (unterminated quote, text after a closing quote,
 * quote inside an unquoted field, stray carriage return) or FK_ETOOBIG (a limit): err names
 * LINE:COLUMN and the reason, and the reader cannot continue. FK_ENOMEM.
 */
fk_status fk_csv_reader_next(fk_csv_reader *r, fk_err *err) FK_WARN_UNUSED;

/* The number of fields in the current row (at least 1). */
size_t fk_csv_reader_field_count(const fk_csv_reader *r);

/* Field i (0-based) of the current row, NUL-terminated; its length in *len if len != NULL.
 * Valid until the next call to fk_csv_reader_next(). */
const char *fk_csv_reader_field(const fk_csv_reader *r, size_t i, size_t *len);

/* The 1-based physical line on which the current row starts. */
size_t fk_csv_reader_line(const fk_csv_reader *r);

#endif
