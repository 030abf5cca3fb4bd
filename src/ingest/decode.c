/*
 * Encoding detection and CP932 conversion through glibc's iconv ("CP932", which is the
 * Microsoft mapping: 0x815F is a backslash-like 'reverse solidus', NEC and IBM extensions
 * decode, ～ is U+FF5E). Conversion runs in chunks into a bounded buffer.
 */
#include "ingest/decode.h"

#include "util/utf8.h"
#include "util/i18n.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

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

static bool fk__has_bom(const char *in, size_t n)
{
    return n >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0;
}

fk_encoding fk_decode_detect(const char *in, size_t n)
{
    if (fk__has_bom(in, n) || fk_utf8_is_valid(in, n))
        return FK_ENCODING_UTF8;
    return FK_ENCODING_CP932;
}

/* Line (counted by LF, as the CSV reader counts) and byte within that line, both from 1, of
 * byte offset off: the byte a hex editor shows, whatever the encoding. */
static void fk__position(const char *s, size_t off, long *line, long *byte)
{
    *line = 1;
    size_t start = 0;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    *byte = (long)(off - start) + 1;
}

/* bad (may be NULL) receives the offset of the first invalid byte. */
static fk_status fk__utf8(const char *in, size_t n, const char **text, size_t *text_len,
                          size_t *bad, fk_err *err)
{
    size_t skip = fk__has_bom(in, n) ? 3 : 0;
    size_t i = skip;
    while (i < n) {
        /* ASCII runs dominate; check them without the decoder. */
        if ((unsigned char)in[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = fk_utf8_decode(in + i, n - i, &cp);
        if (k == 0) {
            long line, col;
            if (bad)
                *bad = i;
            fk__position(in + skip, i - skip, &line, &col);
            return fk_failf(err, FK_EFORMAT, _("%ld:%ld: byte %ld of line %ld not valid in UTF-8"),
                            line, col, col, line);
        }
        i += k;
    }
    *text = in + skip;
    *text_len = n - skip;
    return FK_OK;
}

/* True when a byte before n is not ASCII: valid UTF-8 sequences before the bad byte. */
static bool fk__has_non_ascii(const char *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)in[i] >= 0x80)
            return true;
    return false;
}

/*
 * utf8_bad: where UTF-8 failed when detection tried it first (SIZE_MAX when CP932 was asked
 * for). CP932 failing before that point means the text up to it was UTF-8 (a UTF-8 file with
 * one bad byte), so the UTF-8 position is the true one; otherwise the CP932 one is.
 */
static fk_status fk__cp932(const char *in, size_t n, size_t utf8_bad, fk_buf *out,
                           const char **text, size_t *text_len, fk_err *err)
{
    iconv_t cd = iconv_open("UTF-8", "CP932");
    if (cd == (iconv_t)-1)
        return fk_failf(err, FK_EENV, _("iconv cannot convert from CP932"));
    fk_buf_reset(out);
    fk_status st = FK_OK;
    char *src = (char *)(uintptr_t)in; /* iconv's prototype lacks const */
    size_t left = n;
    while (left > 0) {
        size_t chunk = left * 3 / 2 + 16;
        if (chunk > 1 << 20)
            chunk = 1 << 20;
        size_t remaining = out->max > out->len ? out->max - out->len : 0;
        if (chunk > remaining)
            chunk = remaining;
        char *dst = NULL;
        st = chunk ? fk_buf_extend(out, chunk, &dst) : FK_ETOOBIG;
        if (st != FK_OK) {
            fk_failf(err, st,
                     st == FK_ETOOBIG ? _("decoded CSV larger than %zu bytes")
                                      : _("out of memory decoding CSV (%zu bytes)"),
                     out->max);
            break;
        }
        size_t room = chunk;
        size_t r = iconv(cd, &src, &left, &dst, &room);
        bool stuck = r == (size_t)-1 && errno == E2BIG && room == chunk;
        out->len -= room;
        out->data[out->len] = '\0';
        if (stuck) {
            st = fk_failf(err, FK_ETOOBIG, _("decoded CSV larger than %zu bytes"), out->max);
            break;
        }
        if (r == (size_t)-1 && errno != E2BIG) {
            long line, col;
            size_t cp_bad = (size_t)(src - in);
            bool is_utf8 =
                utf8_bad != SIZE_MAX && (cp_bad < utf8_bad || fk__has_non_ascii(in, utf8_bad));
            fk__position(in, is_utf8 ? utf8_bad : cp_bad, &line, &col);
            if (is_utf8)
                st =
                    fk_failf(err, FK_EFORMAT,
                             _("%ld:%ld: byte %ld of line %ld not valid in UTF-8 (encodings "
                               "tried: UTF-8, then CP932; the text before it is UTF-8, not CP932)"),
                             line, col, col, line);
            else
                st = fk_failf(err, FK_EFORMAT,
                              _("%ld:%ld: byte %ld of line %ld not valid in CP932%s"), line, col,
                              col, line,
                              utf8_bad != SIZE_MAX
                                  ? " (encodings tried: UTF-8, then CP932; not valid in either)"
                                  : " (encoding CP932 as requested)");
            break;
        }
    }
    iconv_close(cd);
    if (st != FK_OK)
        return st;
    *text = fk_buf_cstr(out);
    *text_len = out->len;
    return FK_OK;
}

fk_status fk_decode_to_utf8(const char *in, size_t n, fk_encoding enc, fk_buf *out,
                            const char **text, size_t *text_len, fk_encoding *used, fk_err *err)
{
    size_t utf8_bad = SIZE_MAX;
    if (enc == FK_ENCODING_AUTO) {
        /* One pass both detects and validates UTF-8; only a BOM makes UTF-8 mandatory. */
        enc = fk__has_bom(in, n) ? FK_ENCODING_UTF8 : FK_ENCODING_AUTO;
        if (enc == FK_ENCODING_AUTO && fk__utf8(in, n, text, text_len, &utf8_bad, NULL) == FK_OK) {
            if (used)
                *used = FK_ENCODING_UTF8;
            return FK_OK;
        }
        if (enc == FK_ENCODING_AUTO)
            enc = FK_ENCODING_CP932;
    }
    if (used)
        *used = enc;
    if (enc == FK_ENCODING_UTF8)
        return fk__utf8(in, n, text, text_len, NULL, err);
    return fk__cp932(in, n, utf8_bad, out, text, text_len, err);
}
