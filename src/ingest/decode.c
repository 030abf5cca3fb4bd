/*
 * Encoding detection and CP932 conversion through glibc's iconv ("CP932", which is the
 * Microsoft mapping: 0x815F is a backslash-like 'reverse solidus', NEC and IBM extensions
 * decode, ～ is U+FF5E).
 *
 * The scan checks UTF-8 and CP932 side by side in one pass (AUTO needs both: which one
 * holds, and where each fails, decides the message), carrying a multibyte sequence cut at
 * the end of a chunk over to the next. The decoder converts CP932 through fixed windows,
 * keeping an incomplete sequence in its window until the rest is read; UTF-8 it passes
 * through.
 */
#include "ingest/decode.h"

#include "util/mem.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

bool fk_encoding_parse(const char *s, fk_encoding *out)
{
    static const struct {
        const char *name;
        fk_encoding enc;
    } names[] = {{"auto", FK_ENCODING_AUTO},        {"utf-8", FK_ENCODING_UTF8},
                 {"utf8", FK_ENCODING_UTF8},        {"cp932", FK_ENCODING_CP932},
                 {"shift_jis", FK_ENCODING_CP932},  {"sjis", FK_ENCODING_CP932},
                 {"windows-31j", FK_ENCODING_CP932}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].enc;
            return true;
        }
    }
    return false;
}

const char *fk_encoding_name(fk_encoding e)
{
    switch (e) {
    case FK_ENCODING_UTF8:
        return "UTF-8";
    case FK_ENCODING_CP932:
        return "CP932";
    case FK_ENCODING_AUTO:
        break;
    }
    return "auto";
}

static const char fk__bom[] = "\xEF\xBB\xBF";

/* How far the input has been read: its offset, line (counted by LF, as the CSV reader
 * counts) and the offset where that line starts. */
typedef struct fk__pos {
    size_t off;
    long line;
    size_t line_start;
} fk__pos;

static void fk__pos_advance(fk__pos *p, const char *s, size_t n)
{
    for (const char *nl = s; (nl = memchr(nl, '\n', n - (size_t)(nl - s))) != NULL; nl++) {
        p->line++;
        p->line_start = p->off + (size_t)(nl - s) + 1;
    }
    p->off += n;
}

/*
 * Line and byte within it, both from 1, of offset off: the byte a hex editor shows, whatever
 * the encoding. s holds the bytes from p->off on; an off before p->off lies on p's line (a
 * carried multibyte prefix holds no LF).
 */
static void fk__pos_locate(const fk__pos *p, const char *s, size_t off, long *line, long *col)
{
    fk__pos q = *p;
    if (off > p->off)
        fk__pos_advance(&q, s, off - p->off);
    *line = q.line;
    *col = (long)(off - q.line_start) + 1;
}

/* Bytes of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
static size_t fk__utf8_seq_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 0;
}

/* The first place where a check failed. */
typedef struct fk__bad {
    bool found;
    size_t off;
    long line, col;
} fk__bad;

static void fk__bad_set(fk__bad *b, const fk__pos *p, const char *s, size_t off)
{
    b->found = true;
    b->off = off;
    fk__pos_locate(p, s, off, &b->line, &b->col);
}

typedef struct fk__utf8_check {
    unsigned char carry[4];
    size_t carry_len, carry_off;
    bool non_ascii; /* a multibyte character came before the bad byte */
    fk__bad bad;
} fk__utf8_check;

/* Checks the n bytes at s, which start at p->off. */
static void fk__utf8_feed(fk__utf8_check *u, const fk__pos *p, const char *s, size_t n)
{
    if (u->bad.found)
        return;
    size_t i = 0;
    uint32_t cp;
    if (u->carry_len) {
        size_t want = fk__utf8_seq_len(u->carry[0]);
        size_t take = want - u->carry_len < n ? want - u->carry_len : n;
        memcpy(u->carry + u->carry_len, s, take);
        u->carry_len += take;
        i = take;
        if (u->carry_len < want)
            return;
        u->carry_len = 0;
        if (fk_utf8_decode((const char *)u->carry, want, &cp) == 0) {
            fk__bad_set(&u->bad, p, s, u->carry_off);
            return;
        }
        u->non_ascii = true;
    }
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = fk__utf8_seq_len(c);
        if (len && i + len > n) {
            memcpy(u->carry, s + i, n - i);
            u->carry_len = n - i;
            u->carry_off = p->off + i;
            return;
        }
        if (!len || fk_utf8_decode(s + i, len, &cp) == 0) {
            fk__bad_set(&u->bad, p, s, p->off + i);
            return;
        }
        u->non_ascii = true;
        i += len;
    }
}

typedef struct fk__cp932_check {
    iconv_t cd;
    char carry[8];
    size_t carry_len, carry_off;
    size_t decoded; /* UTF-8 bytes it converts to, up to a bad byte */
    fk__bad bad;
} fk__cp932_check;

/* UTF-8 bytes of the code points at w (n of them). */
static size_t fk__utf8_size(const wchar_t *w, size_t n)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += w[i] < 0x80 ? 1 : w[i] < 0x800 ? 2 : w[i] < 0x10000 ? 3 : 4;
    return bytes;
}

/*
 * Converts through iconv into a scratch buffer of code points (WCHAR_T, glibc's internal
 * UCS-4: one conversion step instead of the two to UTF-8), counting the UTF-8 they make.
 * *src and *left as iconv leaves them; false with errno set where conversion stopped early.
 */
static bool fk__cp932_count(fk__cp932_check *c, char **src, size_t *left)
{
    wchar_t scratch[4096];
    bool ok = true;
    int e = 0;
    while (*left > 0) {
        char *dst = (char *)scratch;
        size_t room = sizeof scratch;
        size_t r = iconv(c->cd, src, left, &dst, &room);
        e = errno;
        c->decoded += fk__utf8_size(scratch, (sizeof scratch - room) / sizeof scratch[0]);
        if (r != (size_t)-1)
            break;
        if (e != E2BIG) {
            ok = false;
            break;
        }
    }
    memset(scratch, 0, sizeof scratch);
    errno = e;
    return ok;
}

static void fk__cp932_feed(fk__cp932_check *c, const fk__pos *p, const char *s, size_t n)
{
    size_t i = 0;
    while (!c->bad.found && c->carry_len && i < n) {
        c->carry[c->carry_len++] = s[i++];
        char *src = c->carry;
        size_t left = c->carry_len;
        bool ok = fk__cp932_count(c, &src, &left);
        size_t used = c->carry_len - left;
        memmove(c->carry, src, left);
        c->carry_len = left;
        c->carry_off += used;
        if (!ok && (errno != EINVAL || left == sizeof c->carry))
            fk__bad_set(&c->bad, p, s, c->carry_off);
    }
    if (c->bad.found || c->carry_len)
        return;
    char *src = (char *)(uintptr_t)(s + i); /* iconv's prototype lacks const */
    size_t left = n - i;
    if (fk__cp932_count(c, &src, &left))
        return;
    size_t off = p->off + (size_t)(src - s);
    if (errno == EINVAL && left < sizeof c->carry) {
        memcpy(c->carry, src, left);
        c->carry_len = left;
        c->carry_off = off;
    } else {
        fk__bad_set(&c->bad, p, s, off);
    }
}

struct fk_decode_scan {
    fk_encoding requested;
    fk__pos pos;
    char head[3];
    size_t head_len;
    bool has_cr;
    bool check_utf8, check_cp932;
    fk__utf8_check utf8;
    fk__cp932_check cp932;
};

fk_status fk_decode_scan_new(fk_encoding requested, fk_decode_scan **out, fk_err *err)
{
    *out = NULL;
    fk_decode_scan *s = fk_calloc(1, sizeof *s);
    if (!s)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    s->requested = requested;
    s->pos.line = 1;
    s->check_utf8 = requested != FK_ENCODING_CP932;
    s->check_cp932 = requested != FK_ENCODING_UTF8;
    s->cp932.cd = (iconv_t)-1;
    if (s->check_cp932 && (s->cp932.cd = iconv_open("WCHAR_T", "CP932")) == (iconv_t)-1) {
        fk_free(s);
        return fk_failf(err, FK_EENV, _("iconv cannot convert from CP932"));
    }
    *out = s;
    return FK_OK;
}

void fk_decode_scan_feed(fk_decode_scan *s, const char *in, size_t n)
{
    if (s->head_len < sizeof s->head) {
        size_t k = sizeof s->head - s->head_len < n ? sizeof s->head - s->head_len : n;
        memcpy(s->head + s->head_len, in, k);
        s->head_len += k;
    }
    if (!s->has_cr && memchr(in, '\r', n))
        s->has_cr = true;
    if (s->check_utf8)
        fk__utf8_feed(&s->utf8, &s->pos, in, n);
    if (s->check_cp932)
        fk__cp932_feed(&s->cp932, &s->pos, in, n);
    fk__pos_advance(&s->pos, in, n);
}

static fk_status fk__utf8_error(const fk__bad *b, bool bom, fk_err *err)
{
    long col = b->col - (bom && b->line == 1 ? 3 : 0);
    return fk_failf(err, FK_EFORMAT, _("%ld:%ld: byte %ld of line %ld not valid in UTF-8"), b->line,
                    col, col, b->line);
}

/* CP932 failing before the byte UTF-8 could not read, or after UTF-8 text, means a UTF-8
 * file with one bad byte: that byte is the true place. */
static fk_status fk__cp932_error(const fk_decode_scan *s, bool tried_utf8, fk_err *err)
{
    const fk__bad *u = &s->utf8.bad, *c = &s->cp932.bad;
    if (tried_utf8 && (c->off < u->off || s->utf8.non_ascii))
        return fk_failf(err, FK_EFORMAT,
                        _("%ld:%ld: byte %ld of line %ld not valid in UTF-8 (encodings "
                          "tried: UTF-8, then CP932; the text before it is UTF-8, not CP932)"),
                        u->line, u->col, u->col, u->line);
    return fk_failf(err, FK_EFORMAT, _("%ld:%ld: byte %ld of line %ld not valid in CP932%s"),
                    c->line, c->col, c->col, c->line,
                    tried_utf8 ? " (encodings tried: UTF-8, then CP932; not valid in either)"
                               : " (encoding CP932 as requested)");
}

fk_status fk_decode_scan_finish(fk_decode_scan *s, size_t max, fk_encoding *used, fk_err *err)
{
    bool bom = s->head_len == 3 && memcmp(s->head, fk__bom, 3) == 0;
    if (s->pos.off > max)
        return fk_failf(err, FK_ETOOBIG, _("CSV larger than %zu bytes"), max);
    if (s->utf8.carry_len && !s->utf8.bad.found)
        fk__bad_set(&s->utf8.bad, &s->pos, NULL, s->utf8.carry_off);
    if (s->cp932.carry_len && !s->cp932.bad.found)
        fk__bad_set(&s->cp932.bad, &s->pos, NULL, s->cp932.carry_off);
    fk_encoding enc = s->requested;
    if (enc == FK_ENCODING_AUTO && (bom || !s->utf8.bad.found))
        enc = FK_ENCODING_UTF8;
    if (enc == FK_ENCODING_UTF8) {
        if (s->utf8.bad.found)
            return fk__utf8_error(&s->utf8.bad, bom, err);
        *used = enc;
        return FK_OK;
    }
    if (s->cp932.decoded > max)
        return fk_failf(err, FK_ETOOBIG, _("decoded CSV larger than %zu bytes"), max);
    if (s->cp932.bad.found)
        return fk__cp932_error(s, enc == FK_ENCODING_AUTO, err);
    *used = FK_ENCODING_CP932;
    return FK_OK;
}

long fk_decode_scan_line_ends(const fk_decode_scan *s)
{
    return s->pos.line - 1;
}

bool fk_decode_scan_has_cr(const fk_decode_scan *s)
{
    return s->has_cr;
}

void fk_decode_scan_free(fk_decode_scan *s)
{
    if (!s)
        return;
    if (s->cp932.cd != (iconv_t)-1)
        iconv_close(s->cp932.cd);
    memset(s, 0, sizeof *s); /* the carried bytes and the head are clear text */
    fk_free(s);
}

#define FK__DECODE_WINDOW 65536

struct fk_decoder {
    fk_encoding enc;
    fk_stream_read_fn read;
    void *ctx;
    iconv_t cd;
    char *in; /* unread input at in[ipos, ilen) */
    size_t ipos, ilen;
    bool eof, started;
    char *out; /* decoded, not yet handed out: out[opos, olen) */
    size_t opos, olen;
    fk__pos pos;
};

fk_status fk_decoder_new(fk_encoding enc, fk_stream_read_fn read, void *ctx, fk_decoder **out,
                         fk_err *err)
{
    *out = NULL;
    fk_decoder *d = fk_calloc(1, sizeof *d);
    if (!d)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    d->enc = enc;
    d->read = read;
    d->ctx = ctx;
    d->pos.line = 1;
    d->cd = (iconv_t)-1;
    d->in = fk_malloc(FK__DECODE_WINDOW);
    d->out = fk_malloc(FK__DECODE_WINDOW);
    if (!d->in || !d->out) {
        fk_decoder_free(d);
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    if (enc == FK_ENCODING_CP932 && (d->cd = iconv_open("UTF-8", "CP932")) == (iconv_t)-1) {
        fk_decoder_free(d);
        return fk_failf(err, FK_EENV, _("iconv cannot convert from CP932"));
    }
    *out = d;
    return FK_OK;
}

void fk_decoder_free(fk_decoder *d)
{
    if (!d)
        return;
    if (d->cd != (iconv_t)-1)
        iconv_close(d->cd);
    if (d->in)
        memset(d->in, 0, FK__DECODE_WINDOW);
    if (d->out)
        memset(d->out, 0, FK__DECODE_WINDOW);
    fk_free(d->in);
    fk_free(d->out);
    fk_free(d);
}

/* Moves the unread input to the front of the window and reads once more behind it. */
static fk_status fk__decoder_more(fk_decoder *d, fk_err *err)
{
    size_t n = d->ilen - d->ipos;
    memmove(d->in, d->in + d->ipos, n);
    d->ipos = 0;
    d->ilen = n;
    size_t got = 0;
    fk_status st = d->read(d->ctx, d->in + n, FK__DECODE_WINDOW - n, &got, err);
    if (st == FK_OK && got == 0)
        d->eof = true;
    d->ilen += got;
    return st;
}

static void fk__decoder_consume(fk_decoder *d, size_t n)
{
    fk__pos_advance(&d->pos, d->in + d->ipos, n);
    d->ipos += n;
}

static fk_status fk__decoder_bad(const fk_decoder *d, fk_err *err)
{
    long line, col;
    fk__pos_locate(&d->pos, NULL, d->pos.off, &line, &col);
    return fk_failf(err, FK_EFORMAT, _("%ld:%ld: byte %ld of line %ld not valid in CP932%s"), line,
                    col, col, line, "");
}

/* UTF-8 passes through as it is (its scan checked it, and the validator checks every field
 * again): only a BOM is dropped. */
static fk_status fk__decoder_utf8(fk_decoder *d, char *buf, size_t cap, size_t *got, fk_err *err)
{
    fk_status st = FK_OK;
    while (st == FK_OK && !d->started && d->ilen - d->ipos < 3 && !d->eof)
        st = fk__decoder_more(d, err);
    if (st != FK_OK)
        return st;
    if (!d->started) {
        d->started = true;
        if (d->ilen - d->ipos >= 3 && memcmp(d->in + d->ipos, fk__bom, 3) == 0)
            d->ipos += 3;
    }
    if (d->ipos < d->ilen) {
        size_t n = d->ilen - d->ipos < cap ? d->ilen - d->ipos : cap;
        memcpy(buf, d->in + d->ipos, n);
        d->ipos += n;
        *got = n;
        return FK_OK;
    }
    return d->eof ? FK_OK : d->read(d->ctx, buf, cap, got, err);
}

static fk_status fk__decoder_cp932(fk_decoder *d, bool *more, fk_err *err)
{
    char *src = d->in + d->ipos, *dst = d->out;
    size_t left = d->ilen - d->ipos, room = FK__DECODE_WINDOW;
    size_t r = iconv(d->cd, &src, &left, &dst, &room);
    int e = errno;
    fk__decoder_consume(d, (size_t)(src - (d->in + d->ipos)));
    d->olen = FK__DECODE_WINDOW - room;
    *more = false;
    if (r != (size_t)-1 || e == E2BIG || d->olen > 0)
        return FK_OK;
    if (e == EINVAL && !d->eof) {
        *more = true;
        return FK_OK;
    }
    return fk__decoder_bad(d, err);
}

/* Decodes the next piece into out; olen stays 0 at the end of the input. */
static fk_status fk__decoder_fill(fk_decoder *d, fk_err *err)
{
    d->opos = d->olen = 0;
    fk_status st = FK_OK;
    while (st == FK_OK && d->olen == 0) {
        bool more = d->ipos == d->ilen;
        if (!more)
            st = fk__decoder_cp932(d, &more, err);
        if (st != FK_OK || !more)
            break;
        if (d->eof)
            return d->ipos == d->ilen ? FK_OK : fk__decoder_bad(d, err);
        st = fk__decoder_more(d, err);
    }
    return st;
}

fk_status fk_decoder_read(void *decoder, char *buf, size_t cap, size_t *got, fk_err *err)
{
    fk_decoder *d = decoder;
    *got = 0;
    if (d->enc == FK_ENCODING_UTF8)
        return fk__decoder_utf8(d, buf, cap, got, err);
    if (d->opos == d->olen) {
        fk_status st = fk__decoder_fill(d, err);
        if (st != FK_OK)
            return st;
    }
    size_t n = d->olen - d->opos < cap ? d->olen - d->opos : cap;
    memcpy(buf, d->out + d->opos, n);
    d->opos += n;
    *got = n;
    return FK_OK;
}
