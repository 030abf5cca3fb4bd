/*
 * RFC 4180 reader: see csv.h. Fields of a row are unquoted into one reused buffer, each
 * followed by a NUL, and located by offsets, so a row costs no allocation once the buffers
 * have grown to the largest row seen.
 */
#include "csv.h"

#include "util/buf.h"
#include "util/mem.h"

#include <stdbool.h>
#include <string.h>

const fk_csv_limits fk_csv_default_limits = {
    .max_field = 4096,
    .max_fields = 256,
    .max_row = 65536,
};

struct fk_csv_reader {
    const char *data;
    size_t len;
    size_t pos;
    size_t line;       /* physical line at pos */
    size_t row_line;   /* line where the current row starts */
    size_t blank_skip; /* input before this offset is known not to be only blank lines */
    fk_csv_limits limits;
    fk_buf fields;   /* unquoted fields, each NUL-terminated */
    size_t *offsets; /* start of each field in fields */
    size_t *lengths;
    size_t nfields;
    size_t cap_fields;
};

fk_csv_reader *fk_csv_reader_new(const char *data, size_t len, const fk_csv_limits *limits)
{
    fk_csv_reader *r = fk_calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->data = data;
    r->len = len;
    r->line = 1;
    r->limits = limits != NULL ? *limits : fk_csv_default_limits;
    /* Room for a NUL after every field on top of the row's text. */
    fk_buf_init(&r->fields, r->limits.max_row + r->limits.max_fields + 1);
    return r;
}

void fk_csv_reader_free(fk_csv_reader *r)
{
    if (r == NULL)
        return;
    if (r->fields.data != NULL)
        memset(r->fields.data, 0, r->fields.cap); /* the last row's personal data */
    fk_buf_free(&r->fields);
    fk_free(r->offsets);
    fk_free(r->lengths);
    fk_free(r);
}

/* True when everything from pos on is line ends, i.e. the input has no more rows. */
static bool fk__only_blank_lines_left(fk_csv_reader *r)
{
    if (r->pos < r->blank_skip)
        return false;
    for (size_t i = r->pos; i < r->len; i++) {
        if (r->data[i] != '\r' && r->data[i] != '\n') {
            r->blank_skip = i;
            return false;
        }
    }
    return true;
}

static fk_status fk__push_field(fk_csv_reader *r, size_t start, fk_err *err)
{
    size_t flen = r->fields.len - start;
    if (r->nfields == r->cap_fields) {
        size_t cap = r->cap_fields == 0 ? 64 : r->cap_fields * 2;
        if (cap > r->limits.max_fields)
            cap = r->limits.max_fields;
        size_t *o = fk_realloc(r->offsets, cap * sizeof *o);
        if (o == NULL)
            return fk_failf(err, FK_ENOMEM, "out of memory reading the CSV");
        r->offsets = o;
        size_t *l = fk_realloc(r->lengths, cap * sizeof *l);
        if (l == NULL)
            return fk_failf(err, FK_ENOMEM, "out of memory reading the CSV");
        r->lengths = l;
        r->cap_fields = cap;
    }
    r->offsets[r->nfields] = start;
    r->lengths[r->nfields] = flen;
    r->nfields++;
    fk_status s = fk_buf_append_byte(&r->fields, '\0');
    if (s == FK_ETOOBIG)
        return fk_failf(err, s, "%zu:%zu: row longer than %zu bytes", r->row_line, r->nfields,
                        r->limits.max_row);
    if (s != FK_OK)
        return fk_failf(err, s, "out of memory reading the CSV");
    return FK_OK;
}

static fk_status fk__append(fk_csv_reader *r, const char *p, size_t n, size_t start, fk_err *err)
{
    size_t col = r->nfields + 1;
    if (r->fields.len - start + n > r->limits.max_field)
        return fk_failf(err, FK_ETOOBIG, "%zu:%zu: field longer than %zu bytes", r->row_line, col,
                        r->limits.max_field);
    if (r->fields.len + n > r->limits.max_row + r->nfields)
        return fk_failf(err, FK_ETOOBIG, "%zu:%zu: row longer than %zu bytes", r->row_line, col,
                        r->limits.max_row);
    fk_status s = fk_buf_append(&r->fields, p, n);
    if (s != FK_OK)
        return fk_failf(err, s, "out of memory reading the CSV");
    return FK_OK;
}

/* Reads a quoted field whose opening quote is at r->pos. */
static fk_status fk__read_quoted(fk_csv_reader *r, size_t start, fk_err *err)
{
    size_t col = r->nfields + 1;
    size_t open_line = r->line;
    r->pos++;
    for (;;) {
        const char *p = r->data + r->pos;
        size_t avail = r->len - r->pos;
        const char *q = memchr(p, '"', avail);
        size_t span = q != NULL ? (size_t)(q - p) : avail;
        for (size_t i = 0; i < span; i++)
            if (p[i] == '\n')
                r->line++;
        fk_status s = fk__append(r, p, span, start, err);
        if (s != FK_OK)
            return s;
        r->pos += span;
        if (q == NULL)
            return fk_failf(err, FK_EFORMAT, "%zu:%zu: quoted field not closed", open_line, col);
        if (r->pos + 1 < r->len && r->data[r->pos + 1] == '"') {
            s = fk__append(r, "\"", 1, start, err);
            if (s != FK_OK)
                return s;
            r->pos += 2;
            continue;
        }
        r->pos++;
        break;
    }
    if (r->pos < r->len) {
        char c = r->data[r->pos];
        if (c != ',' && c != '\n' &&
            !(c == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n'))
            return fk_failf(err, FK_EFORMAT, "%zu:%zu: text after the closing quote", r->line, col);
    }
    return FK_OK;
}

static fk_status fk__read_plain(fk_csv_reader *r, size_t start, fk_err *err)
{
    size_t col = r->nfields + 1;
    size_t i = r->pos;
    while (i < r->len) {
        char c = r->data[i];
        if (c == ',' || c == '\n')
            break;
        if (c == '\r') {
            if (i + 1 < r->len && r->data[i + 1] == '\n')
                break;
            return fk_failf(err, FK_EFORMAT, "%zu:%zu: carriage return without line feed", r->line,
                            col);
        }
        if (c == '"')
            return fk_failf(err, FK_EFORMAT, "%zu:%zu: quote inside an unquoted field", r->line,
                            col);
        i++;
    }
    fk_status s = fk__append(r, r->data + r->pos, i - r->pos, start, err);
    if (s != FK_OK)
        return s;
    r->pos = i;
    return FK_OK;
}

fk_status fk_csv_reader_next(fk_csv_reader *r, fk_err *err)
{
    if (r->pos >= r->len || fk__only_blank_lines_left(r))
        return FK_ENOENT;
    fk_buf_reset(&r->fields);
    r->nfields = 0;
    r->row_line = r->line;
    for (;;) {
        if (r->nfields == r->limits.max_fields)
            return fk_failf(err, FK_ETOOBIG, "%zu:%zu: more than %zu fields in a row", r->row_line,
                            r->nfields + 1, r->limits.max_fields);
        size_t start = r->fields.len;
        fk_status s = r->pos < r->len && r->data[r->pos] == '"' ? fk__read_quoted(r, start, err)
                                                                : fk__read_plain(r, start, err);
        if (s != FK_OK)
            return s;
        s = fk__push_field(r, start, err);
        if (s != FK_OK)
            return s;
        if (r->pos >= r->len)
            return FK_OK;
        char c = r->data[r->pos];
        if (c == ',') {
            r->pos++;
            continue;
        }
        r->pos += c == '\r' ? 2 : 1;
        r->line++;
        return FK_OK;
    }
}

size_t fk_csv_reader_field_count(const fk_csv_reader *r)
{
    return r->nfields;
}

const char *fk_csv_reader_field(const fk_csv_reader *r, size_t i, size_t *len)
{
    if (len != NULL)
        *len = r->lengths[i];
    return r->fields.data + r->offsets[i];
}

size_t fk_csv_reader_line(const fk_csv_reader *r)
{
    return r->row_line;
}
