/*
 * The ingest stage's entry point: the ward's CSV (decrypted, still in its original encoding)
 * in, validated records and findings out. It decodes, reads the header, maps the columns and
 * validates every row, handing each accepted record and each finding to the caller's
 * callbacks, so that the caller (fukan open) decides how to store records and report rejects.
 * Nothing is written anywhere by this module.
 */
#ifndef FK_INGEST_H
#define FK_INGEST_H

#include "core/record.h"
#include "ingest/decode.h"
#include "ingest/stream.h"
#include "ingest/validate.h"
#include "util/err.h"
#include "util/jdate.h"

#include <stdbool.h>
#include <stddef.h>

/* Decoded CSV larger than this is refused (a large city's export is far below it). */
#define FK_INGEST_MAX_DECODED ((size_t)1 << 30)

typedef struct fk_ingest_options {
    int fiscal_year;     /* the job's fiscal year (required) */
    fk_date export_date; /* 受診日 must not be later; year 0 means today */
    fk_encoding encoding;
    size_t max_decoded; /* 0 means FK_INGEST_MAX_DECODED */
} fk_ingest_options;

typedef struct fk_ingest_counts {
    long rows;            /* data rows read (the header is not a row) */
    long accepted;        /* rows handed to on_record */
    long rejected;        /* rows with at least one finding */
    long findings;        /* findings that reject (one row may have several) */
    long warnings;        /* findings that do not (unknown columns) */
    fk_encoding encoding; /* the encoding used */
} fk_ingest_counts;

/*
 * Called for each accepted row with its record and the line where it starts. The record is
 * only lent: it is freed after the call. A status other than FK_OK stops ingest and is
 * returned (with err, which the callback may fill).
 */
typedef fk_status (*fk_ingest_record_fn)(void *ctx, const fk_record *r, long line, fk_err *err);

/*
 * Runs ingest over the stream read(rctx, ...): the CSV in its original encoding, read once.
 * scan, made with opt->encoding, must have been fed every byte of the same stream before
 * (a first pass), so that the encoding, undecodable bytes, CR-only line ends and the size
 * limit refuse the file before any row is read. Findings (row rejections and warnings; see
 * fk_finding_fn) go to on_finding; if it returns false, ingest stops with FK_EFINDING.
 * counts (may be NULL) is filled as far as ingest got. Errors that concern the whole file
 * end ingest: FK_EFORMAT for undecodable bytes, a malformed CSV (unterminated quote) or a
 * bad header (missing required or duplicate column), FK_ETOOBIG for a limit, FK_ENOMEM, or
 * the stream's error; each message names LINE:COLUMN, never a value. An empty file (no
 * header) is FK_EFORMAT.
 */
fk_status fk_ingest_run_stream(fk_decode_scan *scan, fk_stream_read_fn read, void *rctx,
                               const fk_ingest_options *opt, fk_ingest_record_fn on_record,
                               fk_finding_fn on_finding, void *ctx, fk_ingest_counts *counts,
                               fk_err *err) FK_WARN_UNUSED;

/* The same over the n bytes at csv, held in memory by the caller. */
fk_status fk_ingest_run(const char *csv, size_t n, const fk_ingest_options *opt,
                        fk_ingest_record_fn on_record, fk_finding_fn on_finding, void *ctx,
                        fk_ingest_counts *counts, fk_err *err) FK_WARN_UNUSED;

#endif
