/*
 * Character encoding of the ward's CSV: detection (UTF-8 with or without BOM, else CP932,
 * the Shift_JIS that Windows and spreadsheet programs write) and conversion to UTF-8, which
 * every later stage assumes. An undecodable byte is reported by line and byte column, never
 * by value.
 */
#ifndef FK_DECODE_H
#define FK_DECODE_H

#include "util/err.h"

#include <stddef.h>

typedef enum { FK_ENC_AUTO = 0, FK_ENC_UTF8 = 1, FK_ENC_CP932 = 2 } fk_encoding;

/* Parses an --encoding value: "auto", "utf-8"/"utf8", "cp932"/"shift_jis"/"sjis" (any case). */
fk_status fk_encoding_parse(const char *name, fk_encoding *out, fk_err *err) FK_WARN_UNUSED;

/* "auto", "UTF-8" or "CP932". */
const char *fk_encoding_name(fk_encoding e);

/* The encoding FK_ENC_AUTO resolves to for these bytes: UTF-8 if they start with a BOM or are
 * well-formed UTF-8, else CP932. */
fk_encoding fk_encoding_detect(const char *data, size_t n);

/*
 * Converts the n bytes at data from enc (FK_ENC_AUTO: detected) to UTF-8 without BOM, in a new
 * NUL-terminated buffer of at most max bytes that the caller frees with fk_free() (it holds
 * personal data: clear it first). *used receives the encoding applied (may be NULL).
 * FK_EFORMAT with "LINE:COLUMN: ..." when a byte cannot be decoded, FK_ETOOBIG, FK_ENOMEM,
 * FK_EENV if iconv lacks CP932. On error *out is NULL.
 */
fk_status fk_decode_to_utf8(const char *data, size_t n, fk_encoding enc, size_t max, char **out,
                            size_t *out_len, fk_encoding *used, fk_err *err) FK_WARN_UNUSED;

#endif
