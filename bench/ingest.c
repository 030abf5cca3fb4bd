/*
 * Benchmark of the ingest stage: N synthetic valid rows (the unit tests' fixture with unique
 * numbers) generated in memory, then decoded, read and validated by fk_ingest_run with
 * callbacks that only count. Prints rows per second and the peak resident set size, so that
 * runs with different N show whether memory grows with the rows beyond the input itself.
 *
 * usage: bench-ingest [ROWS] [--cp932]
 */
#include "ingest-fixture.h"
#include "ingest/ingest.h"

#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static long fk__max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static double fk__cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double fk__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static fk_status fk__count(void *ctx, const fk_record *r, long line, fk_err *err)
{
    (void)r;
    (void)line;
    (void)err;
    (*(long *)ctx)++;
    return FK_OK;
}

static bool fk__finding(void *ctx, long line, long column, const char *column_name,
                        const char *reason, bool is_warning)
{
    (void)ctx;
    (void)column;
    fprintf(stderr, "bench-ingest: unexpected finding line %ld %s: %s%s\n", line, column_name,
            reason, is_warning ? " (warning)" : "");
    return false;
}

/* Appends row i: the fixture with a unique resident, ticket and voucher number. */
static bool fk__row(fk_buf *b, long i)
{
    for (int c = 0; c < FK_COL_COUNT; c++) {
        char num[24];
        const char *v = fixture_values[c];
        if (c == FK_COL_RESIDENT || c == FK_COL_TICKET || c == FK_COL_VOUCHER) {
            snprintf(num, sizeof num, c == FK_COL_RESIDENT ? "%ld" : "%011ld",
                     (c == FK_COL_TICKET ? 20000000000L : 0) + i + 1);
            v = num;
        }
        if (fk_buf_append_str(b, c ? "," : "") != FK_OK || fk_buf_append_str(b, v) != FK_OK)
            return false;
    }
    return fk_buf_append_str(b, "\r\n") == FK_OK;
}

static bool fk__to_cp932(fk_buf *b)
{
    iconv_t cd = iconv_open("CP932", "UTF-8");
    if (cd == (iconv_t)-1)
        return false;
    fk_buf out;
    fk_buf_init(&out, b->len + 16);
    char *dst;
    if (fk_buf_extend(&out, b->len, &dst) != FK_OK)
        return false;
    char *src = b->data;
    size_t left = b->len, room = b->len;
    bool ok = iconv(cd, &src, &left, &dst, &room) != (size_t)-1 && left == 0;
    iconv_close(cd);
    out.len -= room;
    fk_buf_free(b);
    *b = out;
    return ok;
}

int main(int argc, char **argv)
{
    long rows = 1000000;
    bool cp932 = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--cp932") == 0)
            cp932 = true;
        else
            rows = strtol(argv[i], NULL, 10);
    }
    fk_buf csv;
    fk_buf_init(&csv, (size_t)1 << 31);
    fixture_header(&csv);
    for (long i = 0; i < rows; i++) {
        if (!fk__row(&csv, i)) {
            fprintf(stderr, "bench-ingest: cannot generate %ld rows\n", rows);
            return 1;
        }
    }
    if (cp932 && !fk__to_cp932(&csv)) {
        fprintf(stderr, "bench-ingest: cannot convert to CP932\n");
        return 1;
    }
    long rss_input = fk__max_rss_kb();
    fk_ingest_options opt = {.fiscal_year = 2025,
                             .export_date = {2025, 12, 1},
                             .encoding = cp932 ? FK_ENCODING_CP932 : FK_ENCODING_AUTO};
    fk_ingest_counts counts;
    fk_err err;
    fk_err_clear(&err);
    long accepted = 0;
    double t0 = fk__now(), c0 = fk__cpu_seconds();
    fk_status st =
        fk_ingest_run(csv.data, csv.len, &opt, fk__count, fk__finding, &accepted, &counts, &err);
    double secs = fk__now() - t0, cpu = fk__cpu_seconds() - c0;
    if (st != FK_OK || accepted != rows) {
        fprintf(stderr, "bench-ingest: %s (%ld of %ld accepted)\n", fk_err_message(&err), accepted,
                rows);
        return 1;
    }
    long rss_peak = fk__max_rss_kb();
    printf("ingest %s: %ld rows, %.1f MB in %.3f s (%.3f s CPU): %.0f rows/s, %.0f rows per "
           "CPU second, %.1f MB/s\n",
           cp932 ? "CP932" : "UTF-8", rows, (double)csv.len / 1e6, secs, cpu, (double)rows / secs,
           (double)rows / cpu, (double)csv.len / 1e6 / secs);
    printf("peak RSS: %.1f MB after generating the input, %.1f MB after ingest (+%.1f MB)\n",
           (double)rss_input / 1024, (double)rss_peak / 1024,
           (double)(rss_peak - rss_input) / 1024);
    fk_buf_free(&csv);
    return 0;
}
