/*
 * The ward's CSV arrives as CP932 (what Windows spreadsheet programs save as "CSV") or as
 * UTF-8 with or without a BOM. This module detects which, and hands the rest of ingest
 * plain UTF-8 without a BOM. Undecodable input is an error naming line and column, never a
 * replacement character: a guessed name is worse than a rejected file.
 *
 * The text is never held whole. A scan (fk_decode_scan) is fed the raw bytes once, chunk by
 * chunk, and decides the encoding and whether every byte decodes, so that a bad byte at the
 * end refuses the file before any row is read; a decoder (fk_decoder) then streams the
 * UTF-8 from a second pass over the same bytes.
 */
#ifndef FK_DECODE_H
#define FK_DECODE_H

#include "ingest/stream.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { FK_ENCODING_AUTO = 0, FK_ENCODING_UTF8, FK_ENCODING_CP932 } fk_encoding;

/* Parses "auto", "utf-8"/"utf8", "cp932"/"shift_jis"/"sjis" (case-insensitive). */
bool fk_encoding_parse(const char *s, fk_encoding *out);

/* "auto", "UTF-8" or "CP932". */
const char *fk_encoding_name(fk_encoding e);

typedef struct fk_decode_scan fk_decode_scan;

/*
 * A scan for input in encoding requested (AUTO detects). FK_EENV when iconv lacks CP932,
 * FK_ENOMEM. Caller frees with fk_decode_scan_free().
 */
fk_status fk_decode_scan_new(fk_encoding requested, fk_decode_scan **out,
                             fk_err *err) FK_WARN_UNUSED;

/* The next n bytes of the input, cut anywhere. */
void fk_decode_scan_feed(fk_decode_scan *s, const char *in, size_t n);

/*
 * After the whole input was fed: the encoding to decode it with. AUTO resolves to UTF-8 when
 * the input starts with a UTF-8 BOM or is valid UTF-8 as a whole, else CP932. FK_EFORMAT
 * names the line and column (1-based; the column counts bytes from the start of the line,
 * after a BOM) of the first byte not valid in the encoding, and which encodings were tried;
 * FK_ETOOBIG when the input or its UTF-8 is larger than max bytes.
 */
fk_status fk_decode_scan_finish(fk_decode_scan *s, size_t max, fk_encoding *used,
                                fk_err *err) FK_WARN_UNUSED;

/* LF bytes in the input (line breaks inside quoted fields count too). */
long fk_decode_scan_line_ends(const fk_decode_scan *s);

/* True when the input holds a CR byte. */
bool fk_decode_scan_has_cr(const fk_decode_scan *s);

void fk_decode_scan_free(fk_decode_scan *s);

typedef struct fk_decoder fk_decoder;

/*
 * A decoder of the stream read(ctx, ...) in enc (UTF-8 or CP932, as a scan resolved it) to
 * UTF-8 without a BOM, read through fk_decoder_read. Caller frees with fk_decoder_free(),
 * which wipes its buffers. FK_EENV, FK_ENOMEM.
 */
fk_status fk_decoder_new(fk_encoding enc, fk_stream_read_fn read, void *ctx, fk_decoder **out,
                         fk_err *err) FK_WARN_UNUSED;

/*
 * The fk_stream_read_fn of a decoder (ctx): the next UTF-8 bytes. UTF-8 input passes through
 * unchecked (its scan checked it); CP932 comes cut between characters, FK_EFORMAT (LINE:BYTE
 * as above) if a byte does not decode after all (the input changed since its scan). Or the
 * underlying stream's error.
 */
fk_status fk_decoder_read(void *decoder, char *buf, size_t cap, size_t *got,
                          fk_err *err) FK_WARN_UNUSED;

void fk_decoder_free(fk_decoder *d);

#endif
