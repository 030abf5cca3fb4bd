/*
 * Encoding detection and conversion: see decode.h. CP932 goes through glibc's iconv
 * ("CP932" maps the NEC and IBM extensions Windows writes, unlike plain "SHIFT_JIS").
 */
#include "decode.h"

#include "util/mem.h"
#include "util/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

static const char fk__bom[] = "\xEF\xBB\xBF";

fk_status fk_encoding_parse(const char *name, fk_encoding *out, fk_err *err)
{
    if (strcasecmp(name, "auto") == 0)
        *out = FK_ENC_AUTO;
    else if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0)
        *out = FK_ENC_UTF8;
    else if (strcasecmp(name, "cp932") == 0 || strcasecmp(name, "shift_jis") == 0 ||
             strcasecmp(name, "sjis") == 0 || strcasecmp(name, "windows-31j") == 0)
        *out = FK_ENC_CP932;
    else
        return fk_failf(err, FK_EINVAL, "unknown encoding '%s' (use auto, utf-8 or cp932)", name);
    return FK_OK;
}

const char *fk_encoding_name(fk_encoding e)
{
    switch (e) {
    case FK_ENC_UTF8:
        return "UTF-8";
    case FK_ENC_CP932:
        return "CP932";
    case FK_ENC_AUTO:
        break;
    }
    return "auto";
}

static bool fk__has_bom(const char *data, size_t n)
{
    return n >= 3 && memcmp(data, fk__bom, 3) == 0;
}

fk_encoding fk_encoding_detect(const char *data, size_t n)
{
    if (fk__has_bom(data, n) || fk_utf8_is_valid(data, n))
        return FK_ENC_UTF8;
    return FK_ENC_CP932;
}

/* Line and byte column (1-based) of offset off; in both encodings a 0x0A byte is a line feed
 * (CP932 trail bytes start at 0x40), so counting them is exact. */
static void fk__position(const char *data, size_t off, size_t *line, size_t *col)
{
    size_t l = 1, start = 0;
    for (size_t i = 0; i < off; i++)
        if (data[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = off - start + 1;
}

static fk_status fk__copy_utf8(const char *data, size_t n, size_t max, char **out, size_t *out_len,
                               fk_err *err)
{
    size_t off = 0;
    while (off < n) {
        uint32_t cp;
        size_t k = fk_utf8_decode(data + off, n - off, &cp);
        if (k == 0) {
            size_t line, col;
            fk__position(data, off, &line, &col);
            return fk_failf(err, FK_EFORMAT, "%zu:%zu: byte is not valid UTF-8", line, col);
        }
        off += k;
    }
    if (n + 1 > max)
        return fk_failf(err, FK_ETOOBIG, "CSV larger than %zu bytes", max);
    char *p = fk_malloc(n + 1);
    if (p == NULL)
        return fk_failf(err, FK_ENOMEM, "out of memory decoding the CSV");
    memcpy(p, data, n);
    p[n] = '\0';
    *out = p;
    *out_len = n;
    return FK_OK;
}

static fk_status fk__convert_cp932(const char *data, size_t n, size_t max, char **out,
                                   size_t *out_len, fk_err *err)
{
    iconv_t cd = iconv_open("UTF-8", "CP932");
    if (cd == (iconv_t)-1)
        return fk_failf(err, FK_EENV, "iconv cannot convert from CP932");
    /* CP932 needs at most 3 UTF-8 bytes per input byte pair or 3 per half-width kana byte. */
    size_t cap = n <= (max - 1) / 3 ? n * 3 + 1 : max;
    char *buf = fk_malloc(cap);
    fk_status s = FK_OK;
    if (buf == NULL) {
        s = fk_failf(err, FK_ENOMEM, "out of memory decoding the CSV");
        goto done;
    }
    char *in = (char *)(uintptr_t)data; /* iconv's prototype is not const-correct */
    size_t inleft = n;
    char *o = buf;
    size_t oleft = cap - 1;
    if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
        size_t line, col;
        fk__position(data, (size_t)(in - data), &line, &col);
        if (errno == E2BIG)
            s = fk_failf(err, FK_ETOOBIG, "CSV larger than %zu bytes once decoded", max);
        else if (errno == EINVAL)
            s = fk_failf(err, FK_EFORMAT, "%zu:%zu: CP932 character cut off at the end", line, col);
        else
            s = fk_failf(err, FK_EFORMAT, "%zu:%zu: byte is not valid CP932", line, col);
        memset(buf, 0, cap);
        fk_free(buf);
        goto done;
    }
    *o = '\0';
    *out = buf;
    *out_len = (size_t)(o - buf);
done:
    iconv_close(cd);
    return s;
}

fk_status fk_decode_to_utf8(const char *data, size_t n, fk_encoding enc, size_t max, char **out,
                            size_t *out_len, fk_encoding *used, fk_err *err)
{
    *out = NULL;
    *out_len = 0;
    if (enc == FK_ENC_AUTO)
        enc = fk_encoding_detect(data, n);
    if (used != NULL)
        *used = enc;
    if (max == 0)
        return fk_failf(err, FK_ETOOBIG, "CSV larger than 0 bytes");
    if (enc == FK_ENC_UTF8) {
        if (fk__has_bom(data, n)) {
            data += 3;
            n -= 3;
        }
        return fk__copy_utf8(data, n, max, out, out_len, err);
    }
    return fk__convert_cp932(data, n, max, out, out_len, err);
}
