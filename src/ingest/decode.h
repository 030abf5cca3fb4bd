/*
 * The ward's CSV arrives as CP932 (what Windows spreadsheet programs save as "CSV") or as
 * UTF-8 with or without a BOM. This module detects which, and hands the rest of ingest
 * plain UTF-8 without a BOM. Undecodable input is an error naming line and column, never a
 * replacement character: a guessed name is worse than a rejected file.
 */
#ifndef FK_DECODE_H
#define FK_DECODE_H

#include "util/buf.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { FK_ENCODING_AUTO = 0, FK_ENCODING_UTF8, FK_ENCODING_CP932 } fk_encoding;

/* Parses "auto", "utf-8"/"utf8", "cp932"/"shift_jis"/"sjis" (case-insensitive). */
bool fk_encoding_parse(const char *s, fk_encoding *out);

/* "auto", "UTF-8" or "CP932". */
const char *fk_encoding_name(fk_encoding e);

/*
 * The encoding AUTO resolves to: UTF-8 when the input starts with a UTF-8 BOM or is valid
 * UTF-8 as a whole, else CP932.
 */
fk_encoding fk_decode_detect(const char *in, size_t n);

/*
 * Decodes the n bytes at in, in encoding enc (AUTO detects), to UTF-8 without BOM.
 * For UTF-8 input no copy is made: *text points into in (after the BOM). For CP932 the text
 * is converted into out (initialised by the caller, which frees it; its maximum bounds the
 * converted size) and *text points at out's content. *used (if not NULL) receives the
 * encoding used. FK_EFORMAT names the line and column (1-based, in characters) of the first
 * byte that is not valid in the encoding; FK_ETOOBIG when the text outgrows out's maximum;
 * FK_EENV when iconv lacks CP932.
 */
fk_status fk_decode_to_utf8(const char *in, size_t n, fk_encoding enc, fk_buf *out,
                            const char **text, size_t *text_len, fk_encoding *used,
                            fk_err *err) FK_WARN_UNUSED;

#endif
