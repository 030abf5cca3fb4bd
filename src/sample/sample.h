/*
 * Synthetic ward exports: writes a CSV in the format of ward-export.md, filled with
 * fictitious but realistic residents, for tests, demos and benchmarks where the ward's real
 * data must never be used. The output depends only on the options (seed included): the
 * generator has its own PRNG and formats numbers with integer arithmetic, so the same
 * options give the same bytes on every machine.
 *
 * The health values of each row agree with its category under the 第4期 rules
 * (domain.md §1–2); options plant malformed rows (--dirty) and rows whose values disagree
 * with their category (--disagree), and report where they are, so that ingest and the
 * health check can be tested against a known answer.
 */
#ifndef FK_SAMPLE_H
#define FK_SAMPLE_H

#include "util/buf.h"
#include "util/err.h"
#include "util/jdate.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { FK_SAMPLE_CP932 = 0, FK_SAMPLE_UTF8 = 1 } fk_sample_encoding;

/* The ward's last reported volumes (ward-export.md), the default size of a sample. */
#define FK_SAMPLE_SEKKYOKU 613
#define FK_SAMPLE_DOUKI    1130
#define FK_SAMPLE_HIHIMAN  2387
#define FK_SAMPLE_JUSHIN   283

/* The most rows one sample may hold (well-formed plus planted). */
#define FK_SAMPLE_MAX_ROWS 10000000u

typedef struct fk_sample_options {
    size_t count; /* well-formed rows; 0 means the seed volumes (4,413) */
    uint64_t seed;
    fk_sample_encoding encoding;
    int fiscal_year; /* the job's fiscal year (April to March) */
    fk_date today;   /* the export date: no 受診日 falls after it */
    size_t dirty;    /* malformed rows added on top of count */
    size_t disagree; /* rows among count whose values disagree with their category */
    bool crlf;       /* CRLF line ends (spreadsheet style) rather than LF */
    bool bom;        /* UTF-8 byte order mark; only with FK_SAMPLE_UTF8 */
} fk_sample_options;

/* Defaults: seed volumes, seed 1, CP932, fiscal year 2025, today's date, CRLF, no BOM. */
void fk_sample_options_init(fk_sample_options *opt);

/* Called now and then with the rows written so far and the total. */
typedef void (*fk_sample_progress_fn)(void *ctx, size_t done, size_t total);

/*
 * Splits count rows over the categories in proportion to the seed volumes (largest
 * remainder), so the parts add up to count exactly. out is indexed by fk_category
 * (core/record.h); 健康相談 gets 0 as in the seed volumes.
 */
void fk_sample_split(size_t count, size_t out[5]);

/*
 * Writes the sample to out. dirty_report and disagree_report, when not NULL, receive one
 * "LINE<TAB>kind\n" per planted row (LINE: the 1-based physical line where the row
 * starts; the header is line 1). progress may be NULL. Returns FK_EINVAL for options that
 * cannot be met (fiscal year after today, BOM with CP932, too many planted rows), FK_EIO
 * when writing fails, FK_ENOMEM; on error out holds a partial sample.
 */
fk_status fk_sample_write(FILE *out, const fk_sample_options *opt, fk_buf *dirty_report,
                          fk_buf *disagree_report, fk_sample_progress_fn progress,
                          void *progress_ctx, fk_err *err) FK_WARN_UNUSED;

#endif
