/*
 * RFC 4180 reader. Fields are unquoted into one reused byte buffer with a NUL after each;
 * an offset table locates them. Unquoted runs are copied with memcpy in one go, which keeps
 * the common case (no quotes) close to the speed of a memchr scan.
 */
#include "ingest/csv.h"

#include "util/mem.h"
#include "util/i18n.h"

#include <string.h>

struct fk_csv_reader {
    const char *data;
    size_t len;
    size_t pos;
    long line; /* physical line at pos */
    long row_line;
    fk_csv_limits limits;
    char *buf; /* unquoted fields, each NUL-terminated */
    size_t buf_len, buf_cap;
    size_t *starts; /* offset in buf of each field */
    size_t nfields, fields_cap;
};

fk_csv_reader *fk_csv_reader_new(const char *data, size_t len, const fk_csv_limits *limits)
{
    fk_csv_reader *r = fk_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->data = data;
    r->len = len;
    r->line = 1;
    if (limits)
        r->limits = *limits;
    else
        r->limits = (fk_csv_limits){FK_CSV_MAX_FIELD, FK_CSV_MAX_FIELDS, FK_CSV_MAX_ROW};
    return r;
}

void fk_csv_reader_free(fk_csv_reader *r)
{
    if (!r)
        return;
    if (r->buf)
        memset(r->buf, 0, r->buf_cap); /* the rows are personal data */
    fk_free(r->buf);
    fk_free(r->starts);
    fk_free(r);
}

/* Makes room for n more bytes in the row buffer, within the row limit (+1 per field NUL). */
static fk_status fk__reserve(fk_csv_reader *r, size_t n, fk_err *err)
{
    if (r->buf_len + n > r->limits.max_row + r->limits.max_fields)
        return fk_failf(err, FK_ETOOBIG, _("line %ld: row longer than %zu bytes"), r->row_line,
                        r->limits.max_row);
    if (r->buf_len + n <= r->buf_cap)
        return FK_OK;
    size_t cap = r->buf_cap ? r->buf_cap : 1024;
    while (cap < r->buf_len + n)
        cap *= 2;
    char *nb = fk_realloc(r->buf, cap);
    if (!nb)
        return fk_failf(err, FK_ENOMEM, _("out of memory reading CSV"));
    r->buf = nb;
    r->buf_cap = cap;
    return FK_OK;
}

static fk_status fk__start_field(fk_csv_reader *r, fk_err *err)
{
    if (r->nfields == r->limits.max_fields)
        return fk_failf(err, FK_ETOOBIG, _("line %ld: more than %zu fields in a row"), r->row_line,
                        r->limits.max_fields);
    if (r->nfields == r->fields_cap) {
        size_t cap = r->fields_cap ? r->fields_cap * 2 : 64;
        size_t *ns = fk_realloc(r->starts, cap * sizeof *ns);
        if (!ns)
            return fk_failf(err, FK_ENOMEM, _("out of memory reading CSV"));
        r->starts = ns;
        r->fields_cap = cap;
    }
    r->starts[r->nfields++] = r->buf_len;
    return FK_OK;
}

static fk_status fk__append(fk_csv_reader *r, const char *s, size_t n, fk_err *err)
{
    size_t field_len = r->buf_len - r->starts[r->nfields - 1] + n;
    if (field_len > r->limits.max_field)
        return fk_failf(err, FK_ETOOBIG, _("%ld:%zu: field longer than %zu bytes"), r->row_line,
                        r->nfields, r->limits.max_field);
    if (r->buf_len + n - (r->nfields - 1) > r->limits.max_row)
        return fk_failf(err, FK_ETOOBIG, _("line %ld: row longer than %zu bytes"), r->row_line,
                        r->limits.max_row);
    fk_status st = fk__reserve(r, n, err);
    if (st != FK_OK)
        return st;
    memcpy(r->buf + r->buf_len, s, n);
    r->buf_len += n;
    return FK_OK;
}

static fk_status fk__end_field(fk_csv_reader *r, fk_err *err)
{
    fk_status st = fk__reserve(r, 1, err);
    if (st != FK_OK)
        return st;
    r->buf[r->buf_len++] = '\0';
    return FK_OK;
}

/* True when only line ends remain from pos on: trailing empty lines are not rows. */
static bool fk__only_line_ends(const fk_csv_reader *r)
{
    for (size_t i = r->pos; i < r->len; i++)
        if (r->data[i] != '\r' && r->data[i] != '\n')
            return false;
    return true;
}

/* Reads a quoted field whose opening quote is at r->pos; leaves pos after the closing quote. */
static fk_status fk__quoted(fk_csv_reader *r, fk_err *err)
{
    long start_line = r->line;
    size_t col = r->nfields;
    r->pos++;
    for (;;) {
        const char *p = r->data + r->pos;
        const char *q = memchr(p, '"', r->len - r->pos);
        if (!q)
            return fk_failf(err, FK_EFORMAT, _("%ld:%zu: unterminated quoted field"), start_line,
                            col);
        size_t n = (size_t)(q - p);
        for (size_t i = 0; i < n; i++)
            if (p[i] == '\n')
                r->line++;
        fk_status st = fk__append(r, p, n, err);
        if (st != FK_OK)
            return st;
        r->pos += n + 1;
        if (r->pos < r->len && r->data[r->pos] == '"') {
            st = fk__append(r, "\"", 1, err);
            if (st != FK_OK)
                return st;
            r->pos++;
            continue;
        }
        return FK_OK;
    }
}

fk_status fk_csv_reader_next(fk_csv_reader *r, bool *has_row, fk_err *err)
{
    *has_row = false;
    r->buf_len = 0;
    r->nfields = 0;
    if (r->pos >= r->len || fk__only_line_ends(r))
        return FK_OK;
    r->row_line = r->line;
    for (;;) {
        fk_status st = fk__start_field(r, err);
        if (st != FK_OK)
            return st;
        if (r->pos < r->len && r->data[r->pos] == '"') {
            st = fk__quoted(r, err);
            if (st != FK_OK)
                return st;
            if (r->pos < r->len && r->data[r->pos] != ',' && r->data[r->pos] != '\n' &&
                !(r->data[r->pos] == '\r' && r->pos + 1 < r->len && r->data[r->pos + 1] == '\n'))
                return fk_failf(err, FK_EFORMAT, _("%ld:%zu: text after a closing quote"), r->line,
                                r->nfields);
        } else {
            /* A quote inside an unquoted field is kept as a character, as spreadsheets do. */
            size_t i = r->pos;
            while (i < r->len && r->data[i] != ',' && r->data[i] != '\n')
                i++;
            size_t end = i;
            if (end > r->pos && i < r->len && r->data[i] == '\n' && r->data[end - 1] == '\r')
                end--;
            st = fk__append(r, r->data + r->pos, end - r->pos, err);
            if (st != FK_OK)
                return st;
            r->pos = end;
        }
        st = fk__end_field(r, err);
        if (st != FK_OK)
            return st;
        if (r->pos >= r->len)
            break;
        char c = r->data[r->pos];
        if (c == ',') {
            r->pos++;
            continue;
        }
        r->pos += c == '\r' ? 2 : 1;
        r->line++;
        break;
    }
    *has_row = true;
    return FK_OK;
}

size_t fk_csv_reader_field_count(const fk_csv_reader *r)
{
    return r->nfields;
}

const char *fk_csv_reader_field(const fk_csv_reader *r, size_t i, size_t *len)
{
    size_t start = r->starts[i];
    size_t end = i + 1 < r->nfields ? r->starts[i + 1] - 1 : r->buf_len - 1;
    if (len)
        *len = end - start;
    return r->buf + start;
}

long fk_csv_reader_line(const fk_csv_reader *r)
{
    return r->row_line;
}
