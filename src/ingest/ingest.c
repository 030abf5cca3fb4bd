/*
 * The ingest pipeline: see ingest.h. The decoded text is wiped before it is freed, since it
 * is the whole file's personal data in clear.
 */
#include "ingest.h"

#include "schema.h"
#include "util/mem.h"

#include <string.h>

typedef struct {
    fk_finding_fn on_finding;
    void *ctx;
    size_t count;
} fk__header_ctx;

static void fk__unknown_column(size_t column, const char *header, void *ctx)
{
    (void)header; /* a header is not personal, but the finding reports positions only */
    fk__header_ctx *h = ctx;
    h->count++;
    fk_finding f = {.line = 1,
                    .column = column,
                    .column_name = "",
                    .reason = "unknown column, ignored",
                    .is_warning = true};
    (void)h->on_finding(&f, h->ctx);
}

/* Gathers the current row's fields into the arrays the validator and schema take. */
static fk_status fk__gather(const fk_csv_reader *rd, const char ***fields, size_t **lens,
                            size_t *cap, fk_err *err)
{
    size_t n = fk_csv_reader_field_count(rd);
    if (n > *cap) {
        const char **f = fk_realloc(*fields, n * sizeof *f);
        if (f == NULL)
            return fk_failf(err, FK_ENOMEM, "out of memory reading the CSV");
        *fields = f;
        size_t *l = fk_realloc(*lens, n * sizeof *l);
        if (l == NULL)
            return fk_failf(err, FK_ENOMEM, "out of memory reading the CSV");
        *lens = l;
        *cap = n;
    }
    for (size_t i = 0; i < n; i++)
        (*fields)[i] = fk_csv_reader_field(rd, i, &(*lens)[i]);
    return FK_OK;
}

fk_status fk_ingest_run(const char *csv_bytes, size_t n, const fk_ingest_options *opt,
                        fk_record_fn on_record, fk_finding_fn on_finding, void *ctx,
                        fk_ingest_counts *counts, fk_err *err)
{
    memset(counts, 0, sizeof *counts);
    char *text = NULL;
    size_t text_len = 0;
    fk_csv_reader *rd = NULL;
    fk_schema *schema = NULL;
    fk_validator *v = NULL;
    const char **fields = NULL;
    size_t *lens = NULL, cap = 0;
    fk_record rec;
    fk_record_init(&rec);

    size_t max = opt->max_decoded != 0 ? opt->max_decoded : FK_INGEST_DEFAULT_MAX;
    fk_status s = fk_decode_to_utf8(csv_bytes, n, opt->encoding, max, &text, &text_len,
                                    &counts->encoding, err);
    if (s != FK_OK)
        goto done;
    rd = fk_csv_reader_new(text, text_len, opt->limits);
    if (rd == NULL) {
        s = fk_failf(err, FK_ENOMEM, "out of memory reading the CSV");
        goto done;
    }
    s = fk_csv_reader_next(rd, err);
    if (s == FK_ENOENT) {
        s = fk_failf(err, FK_EFORMAT, "the CSV is empty (no header line)");
        goto done;
    }
    if (s != FK_OK || (s = fk__gather(rd, &fields, &lens, &cap, err)) != FK_OK)
        goto done;
    fk__header_ctx hc = {on_finding, ctx, 0};
    s = fk_schema_new(fields, fk_csv_reader_field_count(rd), fk__unknown_column, &hc, &schema, err);
    counts->unknown_columns = hc.count;
    if (s != FK_OK)
        goto done;
    fk_validate_options vo = {.fiscal_year = opt->fiscal_year, .export_day = opt->export_day};
    v = fk_validator_new(schema, &vo);
    if (v == NULL) {
        s = fk_failf(err, FK_ENOMEM, "out of memory validating the CSV");
        goto done;
    }
    while ((s = fk_csv_reader_next(rd, err)) == FK_OK) {
        s = fk__gather(rd, &fields, &lens, &cap, err);
        if (s != FK_OK)
            goto done;
        size_t line = fk_csv_reader_line(rd);
        bool accepted;
        counts->rows++;
        s = fk_validator_check(v, line, fields, lens, fk_csv_reader_field_count(rd), &rec,
                               on_finding, ctx, &accepted, err);
        if (s != FK_OK) {
            counts->rejected++;
            goto done;
        }
        if (!accepted) {
            counts->rejected++;
            continue;
        }
        fk_category cat = rec.category;
        s = on_record(&rec, line, ctx, err);
        fk_record_clear(&rec);
        if (s != FK_OK)
            goto done;
        counts->accepted++;
        counts->by_category[cat]++;
    }
    if (s == FK_ENOENT)
        s = FK_OK;
done:
    fk_record_clear(&rec);
    fk_free(fields);
    fk_free(lens);
    fk_validator_free(v);
    fk_schema_free(schema);
    fk_csv_reader_free(rd);
    if (text != NULL) {
        memset(text, 0, text_len);
        fk_free(text);
    }
    return s;
}
