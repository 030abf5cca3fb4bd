/*
 * RFC 4180 reader. Input passes through a fixed window refilled from the stream; fields are
 * unquoted into one reused byte buffer with a NUL after each, and an offset table locates
 * them. Unquoted runs are copied with memcpy in one go, which keeps the common case (no
 * quotes) close to the speed of a memchr scan. A CR at the end of the window is kept there
 * until the next byte is in, so that a CRLF cut between two chunks is still one line end.
 *
 * Empty lines are held back as a count (with the line of the first) until something other
 * than line ends follows: only then are they rows, so trailing empty lines need no
 * look-ahead beyond one line and no memory.
 */
#include "ingest/csv.h"

#include "util/mem.h"
#include "util/i18n.h"

#include <string.h>

struct fk_csv_reader {
    fk_stream_read_fn read;
    void *ctx;
    char *in; /* the window: unread input at in[ipos, ilen) */
    size_t ipos, ilen;
    bool eof;
    long line; /* physical line at ipos */
    long row_line;
    long held, held_line; /* empty lines read but not yet handed out, from held_line */
    fk_csv_limits limits;
    char *buf; /* unquoted fields, each NUL-terminated */
    size_t buf_len, buf_cap;
    size_t *starts; /* offset in buf of each field */
    size_t nfields, fields_cap;
};

fk_csv_reader *fk_csv_reader_new(fk_stream_read_fn read, void *ctx, const fk_csv_limits *limits)
{
    fk_csv_reader *r = fk_calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->in = fk_malloc(FK_CSV_WINDOW);
    if (!r->in) {
        fk_free(r);
        return NULL;
    }
    r->read = read;
    r->ctx = ctx;
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
    /* The rows are personal data. */
    memset(r->in, 0, FK_CSV_WINDOW);
    if (r->buf)
        memset(r->buf, 0, r->buf_cap);
    fk_free(r->in);
    fk_free(r->buf);
    fk_free(r->starts);
    fk_free(r);
}

static size_t fk__avail(const fk_csv_reader *r)
{
    return r->ilen - r->ipos;
}

/* Moves the unread bytes to the front of the window and reads once more behind them. */
static fk_status fk__more(fk_csv_reader *r, fk_err *err)
{
    if (r->eof)
        return FK_OK;
    size_t n = fk__avail(r);
    if (r->ipos) {
        memmove(r->in, r->in + r->ipos, n);
        r->ipos = 0;
        r->ilen = n;
    }
    if (n == FK_CSV_WINDOW)
        return FK_OK;
    size_t got = 0;
    fk_status st = r->read(r->ctx, r->in + n, FK_CSV_WINDOW - n, &got, err);
    if (st != FK_OK)
        return st;
    if (got == 0)
        r->eof = true;
    r->ilen += got;
    return FK_OK;
}

/* *c receives the byte k places ahead (k < FK_CSV_WINDOW), or -1 past the end. */
static fk_status fk__peek(fk_csv_reader *r, size_t k, int *c, fk_err *err)
{
    while (fk__avail(r) <= k && !r->eof) {
        fk_status st = fk__more(r, err);
        if (st != FK_OK)
            return st;
    }
    *c = fk__avail(r) > k ? (unsigned char)r->in[r->ipos + k] : -1;
    return FK_OK;
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

/* The limit reported is the one the first byte too many breaks (the field's on a tie), so
 * that the error does not depend on where the input was cut. */
static fk_status fk__append(fk_csv_reader *r, const char *s, size_t n, fk_err *err)
{
    size_t field_len = r->buf_len - r->starts[r->nfields - 1];
    size_t row_len = r->buf_len - (r->nfields - 1);
    size_t field_room = r->limits.max_field > field_len ? r->limits.max_field - field_len : 0;
    size_t row_room = r->limits.max_row > row_len ? r->limits.max_row - row_len : 0;
    if (n > field_room && field_room <= row_room)
        return fk_failf(err, FK_ETOOBIG, _("%ld:%zu: field longer than %zu bytes"), r->row_line,
                        r->nfields, r->limits.max_field);
    if (n > row_room)
        return fk_failf(err, FK_ETOOBIG, _("line %ld: row longer than %zu bytes"), r->row_line,
                        r->limits.max_row);
    if (n == 0)
        return FK_OK; /* the buffer may not exist yet */
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

/* Reads a quoted field whose opening quote is at ipos; leaves ipos after the closing quote. */
static fk_status fk__quoted(fk_csv_reader *r, fk_err *err)
{
    long start_line = r->line;
    size_t col = r->nfields;
    r->ipos++;
    for (;;) {
        fk_status st = fk__avail(r) ? FK_OK : fk__more(r, err);
        if (st != FK_OK)
            return st;
        if (!fk__avail(r))
            return fk_failf(err, FK_EFORMAT, _("%ld:%zu: unterminated quoted field"), start_line,
                            col);
        const char *p = r->in + r->ipos;
        const char *q = memchr(p, '"', fk__avail(r));
        size_t n = q ? (size_t)(q - p) : fk__avail(r);
        for (const char *nl = p; (nl = memchr(nl, '\n', n - (size_t)(nl - p))) != NULL; nl++)
            r->line++;
        st = fk__append(r, p, n, err);
        if (st != FK_OK)
            return st;
        r->ipos += n;
        if (!q)
            continue;
        int next;
        st = fk__peek(r, 1, &next, err);
        if (st != FK_OK)
            return st;
        if (next != '"') {
            r->ipos++;
            return FK_OK;
        }
        st = fk__append(r, "\"", 1, err);
        if (st != FK_OK)
            return st;
        r->ipos += 2;
    }
}

/* Reads an unquoted field up to (not over) its ',', its line end (CRLF or LF) or the end. A
 * quote inside it is kept as a character, as spreadsheets do. */
static fk_status fk__unquoted(fk_csv_reader *r, fk_err *err)
{
    for (;;) {
        fk_status st = fk__avail(r) < 2 ? fk__more(r, err) : FK_OK;
        if (st != FK_OK)
            return st;
        size_t n = fk__avail(r);
        if (n == 0)
            return FK_OK;
        const char *p = r->in + r->ipos;
        size_t i = 0;
        while (i < n && p[i] != ',' && p[i] != '\n')
            i++;
        size_t take = i;
        if (i < n && p[i] == '\n' && take > 0 && p[take - 1] == '\r')
            take--;
        else if (i == n && !r->eof && p[n - 1] == '\r')
            take--; /* it may be the CR of a CRLF: wait for the next byte */
        st = fk__append(r, p, take, err);
        if (st != FK_OK)
            return st;
        r->ipos += take;
        if (i < n)
            return FK_OK;
    }
}

/* Skips empty lines, holding them back; *content says whether anything else follows. */
static fk_status fk__skip_empty_lines(fk_csv_reader *r, bool *content, fk_err *err)
{
    for (;;) {
        int c, c1 = -1;
        fk_status st = fk__peek(r, 0, &c, err);
        if (st == FK_OK && c == '\r')
            st = fk__peek(r, 1, &c1, err);
        if (st != FK_OK)
            return st;
        if (c != '\n' && !(c == '\r' && c1 == '\n')) {
            /* Carriage returns up to the end are line ends too, not a row. */
            size_t k = 0;
            while (c == '\r' && k + 1 < FK_CSV_WINDOW && (st = fk__peek(r, ++k, &c, err)) == FK_OK)
                ;
            *content = c != -1;
            return st;
        }
        if (r->held++ == 0)
            r->held_line = r->line;
        r->ipos += c == '\n' ? 1 : 2;
        r->line++;
    }
}

fk_status fk_csv_reader_next(fk_csv_reader *r, bool *has_row, fk_err *err)
{
    *has_row = false;
    r->buf_len = 0;
    r->nfields = 0;
    bool content = false;
    fk_status st = fk__skip_empty_lines(r, &content, err);
    if (st != FK_OK)
        return st;
    if (!content) {
        r->held = 0;
        return FK_OK;
    }
    if (r->held) {
        r->row_line = r->held_line++;
        r->held--;
        st = fk__start_field(r, err);
        if (st == FK_OK)
            st = fk__end_field(r, err);
        *has_row = st == FK_OK;
        return st;
    }
    r->row_line = r->line;
    for (;;) {
        st = fk__start_field(r, err);
        int c = -1, c1 = -1;
        if (st == FK_OK)
            st = fk__peek(r, 0, &c, err);
        if (st == FK_OK && c == '"') {
            st = fk__quoted(r, err);
            if (st == FK_OK)
                st = fk__peek(r, 0, &c, err);
            if (st == FK_OK && c == '\r')
                st = fk__peek(r, 1, &c1, err);
            if (st == FK_OK && c != -1 && c != ',' && c != '\n' && !(c == '\r' && c1 == '\n'))
                return fk_failf(err, FK_EFORMAT, _("%ld:%zu: text after a closing quote"), r->line,
                                r->nfields);
        } else if (st == FK_OK) {
            st = fk__unquoted(r, err);
        }
        if (st == FK_OK)
            st = fk__end_field(r, err);
        if (st == FK_OK)
            st = fk__peek(r, 0, &c, err);
        if (st != FK_OK)
            return st;
        if (c == -1)
            break;
        r->ipos++;
        if (c == ',')
            continue;
        if (c == '\r')
            r->ipos++; /* the LF after it is in the window: it was looked at */
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
