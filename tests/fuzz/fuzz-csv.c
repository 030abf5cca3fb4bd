/*
 * Fuzz target for the CSV decoder: arbitrary bytes through encoding detection and the
 * RFC 4180 reader, with small limits so they are hit, the stream cut into chunks whose size
 * the input's length picks. Each row read is written back with full quoting and read again;
 * the fields must come back identical (a round trip).
 */
#include "ingest/csv.h"
#include "ingest/decode.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes the current row of r as one CSV line, every field quoted. */
static void fk__write_row(const fk_csv_reader *r, fk_buf *out)
{
    for (size_t i = 0; i < fk_csv_reader_field_count(r); i++) {
        size_t len;
        const char *f = fk_csv_reader_field(r, i, &len);
        if (fk_buf_append_str(out, i ? ",\"" : "\"") != FK_OK)
            abort();
        for (size_t k = 0; k < len; k++)
            if (fk_buf_append(out, f[k] == '"' ? "\"\"" : &f[k], f[k] == '"' ? 2 : 1) != FK_OK)
                abort();
        if (fk_buf_append_str(out, "\"") != FK_OK)
            abort();
    }
    if (fk_buf_append_str(out, "\r\n") != FK_OK)
        abort();
}

static void fk__round_trip(const fk_csv_reader *r, const fk_csv_limits *limits)
{
    fk_buf line;
    fk_buf_init(&line, 1 << 20);
    fk__write_row(r, &line);
    fk_stream_mem in = {line.data, line.len, 0, 0};
    fk_csv_reader *again = fk_csv_reader_new(fk_stream_mem_read, &in, limits);
    if (!again)
        abort();
    bool has = false;
    fk_err err;
    if (fk_csv_reader_next(again, &has, &err) != FK_OK || !has)
        abort();
    /* A row of one empty field reads back as a row: quoted, it is not an empty line. */
    if (fk_csv_reader_field_count(again) != fk_csv_reader_field_count(r))
        abort();
    for (size_t i = 0; i < fk_csv_reader_field_count(r); i++) {
        size_t a_len, b_len;
        const char *a = fk_csv_reader_field(r, i, &a_len);
        const char *b = fk_csv_reader_field(again, i, &b_len);
        if (a_len != b_len || memcmp(a, b, a_len) != 0)
            abort();
    }
    if (fk_csv_reader_next(again, &has, &err) != FK_OK || has)
        abort();
    fk_csv_reader_free(again);
    fk_buf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    size_t chunk = size % 7 + 1;
    fk_err err;
    fk_decode_scan *scan;
    if (fk_decode_scan_new(FK_ENCODING_AUTO, &scan, &err) != FK_OK)
        abort();
    for (size_t i = 0; i < size; i += chunk)
        fk_decode_scan_feed(scan, in + i, size - i < chunk ? size - i : chunk);
    fk_encoding enc;
    fk_status st = fk_decode_scan_finish(scan, 1 << 20, &enc, &err);
    fk_decode_scan_free(scan);
    if (st != FK_OK)
        return 0;
    fk_stream_mem raw = {in, size, 0, chunk};
    fk_decoder *d;
    if (fk_decoder_new(enc, fk_stream_mem_read, &raw, &d, &err) != FK_OK)
        abort();
    /* Generous enough for the round trip's quoting of a row within the limits. */
    const fk_csv_limits limits = {64, 16, 256};
    const fk_csv_limits roomy = {1024, 16, 4096};
    fk_csv_reader *r = fk_csv_reader_new(fk_decoder_read, d, &limits);
    bool has = true;
    while (r && has && (st = fk_csv_reader_next(r, &has, &err)) == FK_OK)
        if (has)
            fk__round_trip(r, &roomy);
    /* The scan said every byte decodes: the decoder must agree. */
    if (r && st == FK_EFORMAT && strstr(err.msg, "not valid in"))
        abort();
    fk_csv_reader_free(r);
    fk_decoder_free(d);
    return 0;
}
