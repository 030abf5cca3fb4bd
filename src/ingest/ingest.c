/*
 * Wires decode, csv, schema and validate together over a stream: the decoder pulls from the
 * caller's stream, the CSV reader from the decoder, each through a fixed window. The row arrays
 * passed to the validator are reused from row to row; only the record's strings are allocated per
 * accepted row.
 */
#include "ingest/ingest.h"

#include "ingest/csv.h"
#include "ingest/schema.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

typedef struct fk__run {
    fk_finding_fn on_finding;
    void *ctx;
    fk_ingest_counts *counts;
    long last_rejected_line;
} fk__run;

/* Counts findings and rejected rows on their way to the caller. */
static bool fk__count_finding(void *ctx, long line, long column, const char *column_name,
                              const char *reason, bool is_warning)
{
    fk__run *run = ctx;
    if (is_warning) {
        run->counts->warnings++;
    } else {
        run->counts->findings++;
        if (line != run->last_rejected_line) {
            run->counts->rejected++;
            run->last_rejected_line = line;
        }
    }
    return run->on_finding(run->ctx, line, column, column_name, reason, is_warning);
}

/* Named by position: a header cell is never repeated in a message. */
static bool fk__unknown_column(void *ctx, size_t column)
{
    char name[32];
    snprintf(name, sizeof name, "column %zu", column);
    return fk__count_finding(ctx, 1, (long)column, name, "unknown column, ignored", true);
}

/* Gathers the current row's fields into the reused arrays (grown to the row's size). */
static fk_status fk__gather(const fk_csv_reader *rd, const char ***fields, size_t **lens,
                            size_t *cap, fk_err *err)
{
    size_t n = fk_csv_reader_field_count(rd);
    if (n > *cap) {
        const char **nf = fk_realloc(*fields, n * sizeof *nf);
        if (nf)
            *fields = nf;
        size_t *nl = nf ? fk_realloc(*lens, n * sizeof *nl) : NULL;
        if (!nl)
            return fk_failf(err, FK_ENOMEM, _("out of memory reading CSV"));
        *lens = nl;
        *cap = n;
    }
    for (size_t i = 0; i < n; i++)
        (*fields)[i] = fk_csv_reader_field(rd, i, &(*lens)[i]);
    return FK_OK;
}

fk_status fk_ingest_run_stream(fk_decode_scan *scan, fk_stream_read_fn read, void *rctx,
                               const fk_ingest_options *opt, fk_ingest_record_fn on_record,
                               fk_finding_fn on_finding, void *ctx, fk_ingest_counts *counts,
                               fk_err *err)
{
    fk_ingest_counts local;
    if (!counts)
        counts = &local;
    memset(counts, 0, sizeof *counts);
    fk__run run = {on_finding, ctx, counts, 0};

    size_t max = opt->max_decoded ? opt->max_decoded : FK_INGEST_MAX_DECODED;
    fk_status st = fk_decode_scan_finish(scan, max, &counts->encoding, err);
    if (st != FK_OK)
        return st;
    /* CR-only line ends (old Mac files) would make the whole file one header line, its cells
     * read as column names: refused before any of them is looked at. */
    if (fk_decode_scan_has_cr(scan) && fk_decode_scan_line_ends(scan) == 0)
        return fk_failf(err, FK_EFORMAT,
                        _("1: line ends are CR only; the export must end lines with CRLF or LF"));
    fk_date export_date = opt->export_date.year ? opt->export_date : fk_date_today();
    fk_decoder *dec = NULL;
    st = fk_decoder_new(counts->encoding, read, rctx, &dec, err);
    if (st != FK_OK)
        return st;
    fk_csv_reader *rd = fk_csv_reader_new(fk_decoder_read, dec, NULL);
    fk_validator *v = fk_validator_new(opt->fiscal_year, export_date);
    const char **fields = NULL;
    size_t *lens = NULL, cap = 0;
    fk_record rec;
    fk_record_init(&rec);
    bool has_row = false;
    if (!rd || !v) {
        st = fk_failf(err, FK_ENOMEM, _("out of memory starting ingest"));
        goto done;
    }
    st = fk_csv_reader_next(rd, &has_row, err);
    if (st != FK_OK)
        goto done;
    if (!has_row) {
        st = fk_failf(err, FK_EFORMAT, _("empty CSV: no header line"));
        goto done;
    }
    fk_schema schema;
    st = fk__gather(rd, &fields, &lens, &cap, err);
    if (st == FK_OK)
        st = fk_schema_map(&schema, fields, fk_csv_reader_field_count(rd), fk__unknown_column, &run,
                           err);
    while (st == FK_OK) {
        st = fk_csv_reader_next(rd, &has_row, err);
        if (st != FK_OK || !has_row)
            break;
        counts->rows++;
        st = fk__gather(rd, &fields, &lens, &cap, err);
        if (st != FK_OK)
            break;
        bool accepted;
        long line = fk_csv_reader_line(rd);
        st = fk_validator_check_row(v, &schema, fields, lens, fk_csv_reader_field_count(rd), line,
                                    &rec, &accepted, fk__count_finding, &run, err);
        if (st == FK_OK && accepted) {
            counts->accepted++;
            st = on_record(ctx, &rec, line, err);
        }
        fk_record_clear(&rec);
    }
done:
    fk_record_clear(&rec);
    fk_free(fields);
    fk_free(lens);
    fk_validator_free(v);
    fk_csv_reader_free(rd);
    fk_decoder_free(dec);
    return st;
}

fk_status fk_ingest_run(const char *csv, size_t n, const fk_ingest_options *opt,
                        fk_ingest_record_fn on_record, fk_finding_fn on_finding, void *ctx,
                        fk_ingest_counts *counts, fk_err *err)
{
    if (counts)
        memset(counts, 0, sizeof *counts);
    fk_decode_scan *scan = NULL;
    fk_status st = fk_decode_scan_new(opt->encoding, &scan, err);
    if (st != FK_OK)
        return st;
    fk_decode_scan_feed(scan, csv, n);
    fk_stream_mem in = {csv, n, 0, 0};
    st = fk_ingest_run_stream(scan, fk_stream_mem_read, &in, opt, on_record, on_finding, ctx,
                              counts, err);
    fk_decode_scan_free(scan);
    return st;
}
