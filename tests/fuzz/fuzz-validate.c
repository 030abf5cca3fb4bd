/*
 * Fuzz target for the record validator: a fixed, complete header followed by the input as
 * data rows, through fk_ingest_run. Every accepted record must satisfy the contract's
 * invariants (normalised fields, ranges) and the counts must add up.
 */
#include "ingest-fixture.h"
#include "ingest/ingest.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fk__digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool fk__clean_text(const char *s)
{
    if (!s || !fk_utf8_is_valid(s, strlen(s)))
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            return false;
    return true;
}

static fk_status fk__on_record(void *ctx, const fk_record *r, long line, fk_err *err)
{
    (void)ctx;
    (void)line;
    (void)err;
    if (!fk__digits(r->resident_no, 1, 15) || !fk__digits(r->postal, 7, 7) ||
        !fk__digits(r->ticket_no, 11, 11) || !fk__clean_text(r->name) || !fk__clean_text(r->kana) ||
        !fk__clean_text(r->address) || !fk__clean_text(r->building) ||
        !fk__clean_text(r->ins_symbol) || !fk__clean_text(r->ins_number))
        abort();
    if (r->category == FK_CAT_JUSHIN ? r->voucher_no[0] != '\0'
                                     : !fk__digits(r->voucher_no, 11, 11))
        abort();
    if (r->age < 40 || r->age > 74 || fk_date_fiscal_year_end_age(r->birth, 2025) != r->age)
        abort();
    if (!(r->height >= 100 && r->height <= 220) || !(r->sbp > r->dbp) ||
        fabs(r->weight / (r->height * r->height / 10000) - r->bmi) > 0.2 + 1e-9)
        abort();
    if (!fk_is_measured(r->glucose) && !fk_is_measured(r->hba1c))
        abort();
    return FK_OK;
}

static bool fk__on_finding(void *ctx, long line, long column, const char *column_name,
                           const char *reason, bool is_warning)
{
    (void)ctx;
    (void)column_name;
    (void)is_warning;
    if (line < 1 || column < 0 || !reason || !reason[0])
        abort();
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fk_buf csv;
    fk_buf_init(&csv, (1 << 20) + 8192);
    fixture_header(&csv);
    if (fk_buf_append(&csv, data, size) != FK_OK)
        return 0;
    fk_ingest_options opt = {.fiscal_year = 2025, .export_date = {2025, 12, 1}};
    fk_ingest_counts counts;
    fk_err err;
    fk_status st =
        fk_ingest_run(csv.data, csv.len, &opt, fk__on_record, fk__on_finding, NULL, &counts, &err);
    if (st == FK_OK && counts.accepted + counts.rejected != counts.rows)
        abort();
    fk_buf_free(&csv);
    return 0;
}
