/* The camera export's CSV parser: see scan.h. A byte-at-a-time state machine, so that a line
 * of any length is refused after FK_SCAN_MAX_LINE bytes without being read whole. */
#include "scan.h"
#include "util/mem.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { FK__FIELDS = 3 };

typedef enum { FK__START, FK__PLAIN, FK__QUOTED, FK__QUOTE, FK__AFTER_CR } fk__state;

struct fk_scan_parser {
    char *name;
    fk_scan_visit visit;
    void *ctx;
    fk__state state;
    fk_status failed; /* sticky */
    fk_err failure;
    bool stopped, header_checked, any_byte, quoted_any;
    long line, col;  /* position of the byte being read */
    long start_line; /* of the current record */
    char rec[FK_SCAN_MAX_LINE + 1];
    size_t len;
    size_t nfields;
    size_t field_off[FK__FIELDS + 1];
    long field_col[FK__FIELDS + 1];
};

fk_status fk_scan_parser_new(const char *name, fk_scan_visit visit, void *ctx, fk_scan_parser **out,
                             fk_err *err)
{
    fk_scan_parser *p = fk_calloc(1, sizeof *p);
    if (p == NULL || (p->name = fk_strdup(name)) == NULL) {
        fk_free(p);
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    p->visit = visit;
    p->ctx = ctx;
    p->line = 1;
    p->col = 0;
    p->start_line = 1;
    *out = p;
    return FK_OK;
}

void fk_scan_parser_free(fk_scan_parser *p)
{
    if (p == NULL)
        return;
    fk_free(p->name);
    fk_free(p);
}

static fk_status fk__fail(fk_scan_parser *p, fk_status s, long line, long col, const char *why,
                          fk_err *err)
{
    p->failed = fk_failf(&p->failure, s, "%s:%ld:%ld: %s", p->name, line, col, why);
    if (err != NULL)
        *err = p->failure;
    return s;
}

static void fk__new_field(fk_scan_parser *p)
{
    if (p->nfields <= FK__FIELDS) {
        p->field_off[p->nfields] = p->len;
        p->field_col[p->nfields] = p->col;
    }
    p->nfields++;
}

/* The column where the current field starts (after its opening quote). */
static long fk__field_col(const fk_scan_parser *p)
{
    size_t i = p->nfields == 0 ? 0 : p->nfields - 1;
    return p->field_col[i < FK__FIELDS ? i : FK__FIELDS];
}

/* Stores a byte of the current field; fields beyond the third are counted, not kept. */
static fk_status fk__put(fk_scan_parser *p, char c, fk_err *err)
{
    if (p->len >= FK_SCAN_MAX_LINE && p->state == FK__QUOTED)
        return fk__fail(p, FK_EFORMAT, p->start_line, fk__field_col(p) - 1,
                        _("this quote is not closed (the quoted field runs past 4096 bytes)"), err);
    if (p->len >= FK_SCAN_MAX_LINE)
        return fk__fail(p, FK_ETOOBIG, p->line, p->col,
                        _("line longer than 4096 bytes (a camera export line is a few dozen)"),
                        err);
    p->rec[p->len++] = c;
    return FK_OK;
}

static bool fk__is_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* A complete record: checks its columns and values, then hands it to the visitor. */
static fk_status fk__end_record(fk_scan_parser *p, fk_err *err)
{
    size_t nf = p->nfields;
    bool blank = nf == 1 && p->len == 0 && !p->quoted_any;
    p->quoted_any = false;
    if (blank) {
        p->nfields = 0;
        return FK_OK;
    }
    if (nf < 2 || nf > FK__FIELDS) {
        char why[128];
        snprintf(why, sizeof why, "%zu column%s, expected 2 or 3 (envelope,payload[,time])", nf,
                 nf == 1 ? "" : "s");
        return fk__fail(p, FK_EFORMAT, p->start_line,
                        nf > FK__FIELDS ? p->field_col[FK__FIELDS] : 1, why, err);
    }
    p->field_off[nf] = p->len;
    size_t n[FK__FIELDS] = {0, 0, 0};
    /* Fields lie back to back in rec without terminators: copy each out as a string. */
    char fields[FK__FIELDS][FK_SCAN_MAX_LINE + 1];
    for (size_t i = 0; i < nf; i++) {
        n[i] = p->field_off[i + 1] - p->field_off[i];
        memcpy(fields[i], p->rec + p->field_off[i], n[i]);
        fields[i][n[i]] = '\0';
        /* The column of the first bad byte (a quoted field may span lines). */
        long line = p->start_line, col = p->field_col[i];
        for (size_t at = 0; at < n[i];) {
            uint32_t cp;
            size_t used = fk_utf8_decode(fields[i] + at, n[i] - at, &cp);
            if (used == 0)
                return fk__fail(p, FK_EFORMAT, line, col,
                                _("invalid UTF-8 (the export must be UTF-8 or ASCII)"), err);
            if (cp == '\n') {
                line++;
                col = 1;
            } else {
                col += (long)used;
            }
            at += used;
        }
    }
    for (size_t i = nf; i < FK__FIELDS; i++)
        fields[i][0] = '\0';
    if (!p->header_checked) {
        p->header_checked = true;
        if (strcmp(fields[0], "envelope") == 0) {
            if (strcmp(fields[1], "payload") != 0 || (nf == 3 && strcmp(fields[2], "time") != 0))
                return fk__fail(p, FK_EFORMAT, p->start_line, 1,
                                _("header must be envelope,payload[,time]"), err);
            p->nfields = 0;
            p->len = 0;
            return FK_OK;
        }
    }
    if (!fk__is_digits(fields[0], n[0]) || n[0] > FK_SCAN_MAX_ENVELOPE)
        return fk__fail(p, FK_EFORMAT, p->start_line, p->field_col[0],
                        _("the envelope number must be 1 to 12 digits"), err);
    if (n[1] > 0) {
        bool ok =
            n[1] >= 3 && n[1] <= FK_SCAN_MAX_PAYLOAD && fields[1][0] == 'F' && fields[1][1] == 'K';
        for (size_t i = 0; ok && i < n[1]; i++)
            ok = fields[1][i] > 0x20 && fields[1][i] < 0x7f;
        if (!ok)
            return fk__fail(
                p, FK_EFORMAT, p->start_line, p->field_col[1],
                _("the payload is not an insert-control code (FK1|JOB|C|SERIAL|i/n|CHECK)"), err);
    }
    if (n[2] > FK_SCAN_MAX_TIME)
        return fk__fail(p, FK_EFORMAT, p->start_line, p->field_col[2],
                        _("the time is longer than 64 bytes"), err);
    fk_scan_line line = {p->start_line, fields[0], fields[1], fields[2]};
    p->nfields = 0;
    p->len = 0;
    if (p->visit(&line, p->ctx) != 0)
        p->stopped = true;
    return FK_OK;
}

static fk_status fk__byte(fk_scan_parser *p, char c, fk_err *err)
{
    p->col++;
    if (p->col > FK_SCAN_MAX_LINE && c != '\n' && c != '\r')
        return fk__fail(p, FK_ETOOBIG, p->line, p->col,
                        _("line longer than 4096 bytes (a camera export line is a few dozen)"),
                        err);
    if (p->state == FK__AFTER_CR) {
        p->state = FK__START;
        if (c == '\n') {
            p->line++;
            p->col = 0;
            return FK_OK;
        }
    }
    if (p->nfields == 0 && p->state == FK__START) {
        p->start_line = p->line;
        p->len = 0;
        fk__new_field(p);
    }
    switch (p->state) {
    case FK__START:
        if (c == '"') {
            p->quoted_any = true;
            p->field_col[p->nfields - 1 < FK__FIELDS ? p->nfields - 1 : FK__FIELDS] = p->col + 1;
            p->state = FK__QUOTED;
            return FK_OK;
        }
        p->state = FK__PLAIN;
        /* fall through */
    case FK__PLAIN:
        if (c == ',') {
            fk__new_field(p);
            p->field_col[p->nfields - 1 < FK__FIELDS ? p->nfields - 1 : FK__FIELDS] = p->col + 1;
            p->state = FK__START;
            return FK_OK;
        }
        if (c == '\n' || c == '\r') {
            p->state = c == '\r' ? FK__AFTER_CR : FK__START;
            if (c == '\n') {
                p->line++;
                p->col = 0;
            }
            return fk__end_record(p, err);
        }
        if (c == '"')
            return fk__fail(p, FK_EFORMAT, p->line, p->col,
                            _("a quote inside an unquoted field (quote the whole field)"), err);
        return fk__put(p, c, err);
    case FK__QUOTED:
        if (c == '"') {
            p->state = FK__QUOTE;
            return FK_OK;
        }
        if (c == '\n') {
            p->line++;
            p->col = 0;
        }
        return fk__put(p, c, err);
    case FK__QUOTE:
        if (c == '"') {
            p->state = FK__QUOTED;
            return fk__put(p, c, err);
        }
        p->state = FK__PLAIN;
        if (c == ',' || c == '\n' || c == '\r') {
            p->col--;
            return fk__byte(p, c, err);
        }
        return fk__fail(p, FK_EFORMAT, p->line, p->col,
                        _("text after a closing quote (a quote in a field is written \"\")"), err);
    case FK__AFTER_CR:
        break;
    }
    return FK_OK;
}

fk_status fk_scan_parser_feed(fk_scan_parser *p, const char *data, size_t len, fk_err *err)
{
    if (p->failed != FK_OK) {
        if (err != NULL)
            *err = p->failure;
        return p->failed;
    }
    for (size_t i = 0; i < len && !p->stopped; i++) {
        fk_status s = fk__byte(p, data[i], err);
        if (s != FK_OK)
            return s;
    }
    return FK_OK;
}

fk_status fk_scan_parser_finish(fk_scan_parser *p, fk_err *err)
{
    if (p->failed != FK_OK) {
        if (err != NULL)
            *err = p->failure;
        return p->failed;
    }
    if (p->stopped)
        return FK_OK;
    if (p->state == FK__QUOTED)
        return fk__fail(p, FK_EFORMAT, p->start_line, fk__field_col(p) - 1,
                        _("this quote is not closed before the end of the file"), err);
    if (p->nfields > 0)
        return fk__end_record(p, err);
    return FK_OK;
}

fk_status fk_scan_read_file(const char *path, fk_scan_visit visit, void *ctx, fk_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return fk_failf(err, errno == ENOENT ? FK_ENOENT : FK_EIO, "%s: %s", path, strerror(errno));
    fk_scan_parser *p;
    fk_status s = fk_scan_parser_new(path, visit, ctx, &p, err);
    char block[1 << 16];
    size_t n;
    while (s == FK_OK && (n = fread(block, 1, sizeof block, f)) > 0)
        s = fk_scan_parser_feed(p, block, n, err);
    if (s == FK_OK && ferror(f))
        s = fk_failf(err, FK_EIO, _("%s: read error"), path);
    if (s == FK_OK)
        s = fk_scan_parser_finish(p, err);
    fk_scan_parser_free(p);
    fclose(f);
    return s;
}
