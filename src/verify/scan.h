/*
 * The inserter camera's export: CSV (RFC 4180) with the columns envelope,payload[,time], one
 * line per sheet read in the order the camera saw them; an empty payload is a sheet the camera
 * could not read. An optional first line "envelope,payload[,time]" is a header. The parser is
 * pushed bytes (a file, a terminal, a fuzzer), keeps at most one line in memory and stops at
 * the first malformed line with "NAME:LINE:COLUMN: reason" (column counts bytes from 1).
 * Values are never quoted in messages: a payload could be anything a camera saw.
 */
#ifndef FK_SCAN_H
#define FK_SCAN_H

#include "util/err.h"

#include <stddef.h>

#define FK_SCAN_MAX_LINE     4096 /* bytes of one line, quotes included */
#define FK_SCAN_MAX_ENVELOPE 12   /* digits of the inserter's envelope number */
#define FK_SCAN_MAX_PAYLOAD  128
#define FK_SCAN_MAX_TIME     64

typedef struct fk_scan_line {
    long line;            /* where the line starts */
    const char *envelope; /* the inserter's envelope number, digits */
    const char *payload;  /* "FK..." or "" for an unread sheet */
    const char *time;     /* as the camera wrote it, "" when absent */
} fk_scan_line;

/* Called for each sheet line; the strings live until the next call. Non-zero stops. */
typedef int (*fk_scan_visit)(const fk_scan_line *line, void *ctx);

typedef struct fk_scan_parser fk_scan_parser;

/* A parser for the input called name (for messages). Caller frees with fk_scan_parser_free. */
fk_status fk_scan_parser_new(const char *name, fk_scan_visit visit, void *ctx, fk_scan_parser **out,
                             fk_err *err) FK_WARN_UNUSED;

/* Parses the next bytes. After an error every later call returns it again. */
fk_status fk_scan_parser_feed(fk_scan_parser *p, const char *data, size_t len,
                              fk_err *err) FK_WARN_UNUSED;

/* Ends the input: a last line without a line end is taken; an open quote is an error. */
fk_status fk_scan_parser_finish(fk_scan_parser *p, fk_err *err) FK_WARN_UNUSED;

void fk_scan_parser_free(fk_scan_parser *p);

/* Parses the file at path (memory stays flat: it is read in blocks). */
fk_status fk_scan_read_file(const char *path, fk_scan_visit visit, void *ctx,
                            fk_err *err) FK_WARN_UNUSED;

#endif
