/*
 * The ingest pipeline in one call, for `fukan open`: decode the CSV (CP932 or UTF-8), read
 * it as RFC 4180, map the header, validate every row and hand each accepted record and each
 * finding to the caller, who seals the records into the job store.
 */
#ifndef FK_INGEST_H
#define FK_INGEST_H

#include "core/record.h"
#include "csv.h"
#include "decode.h"
#include "validate.h"

#include <stddef.h>

typedef struct fk_ingest_options {
    fk_encoding encoding;        /* FK_ENC_AUTO to detect */
    int fiscal_year;             /* the job's 年度 */
    fk_date export_day;          /* year 0: today */
    size_t max_decoded;          /* bytes of UTF-8 text; 0: FK_INGEST_DEFAULT_MAX */
    const fk_csv_limits *limits; /* NULL: fk_csv_default_limits */
} fk_ingest_options;

#define FK_INGEST_DEFAULT_MAX ((size_t)2 << 30)

typedef struct fk_ingest_counts {
    size_t rows;     /* data rows read (header and trailing empty lines excluded) */
    size_t accepted; /* rows handed to on_record */
    size_t rejected; /* rows with at least one finding */
    size_t by_category[FK_CAT_COUNT];
    size_t unknown_columns;
    fk_encoding encoding; /* the encoding applied */
} fk_ingest_counts;

/* Hears an accepted record (borrowed for the call) and the line where its row starts. A status
 * other than FK_OK stops the run and is returned (the caller's err is the one it filled). */
typedef fk_status (*fk_record_fn)(const fk_record *r, size_t line, void *ctx, fk_err *err);

/*
 * Runs the pipeline over the n bytes at csv_bytes. Unknown columns reach on_finding as
 * warnings (is_warning); rejected rows as one finding per problem. Returns FK_OK when the
 * whole file was read (rows may have been rejected: see counts), FK_EFORMAT for an
 * undecodable byte, a broken CSV structure, a missing or duplicated column or an empty file,
 * FK_ETOOBIG for a limit, FK_EFINDING when on_finding asked to stop, on_record's status, or
 * FK_ENOMEM. counts (may not be NULL) holds what was read up to the stop.
 */
fk_status fk_ingest_run(const char *csv_bytes, size_t n, const fk_ingest_options *opt,
                        fk_record_fn on_record, fk_finding_fn on_finding, void *ctx,
                        fk_ingest_counts *counts, fk_err *err) FK_WARN_UNUSED;

#endif
