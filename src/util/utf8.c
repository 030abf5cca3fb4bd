/* UTF-8 decoding and the normalisations of ward-export.md: see utf8.h. */
#include "utf8.h"

#include <string.h>

size_t fk_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t c, min;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, c = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, c = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, c = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

size_t fk_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

bool fk_utf8_is_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

bool fk_utf8_find_invalid(const char *s, size_t n, size_t *line, size_t *col)
{
    size_t i = 0;
    *line = 1;
    *col = 1;
    while (i < n) {
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            return true;
        if (cp == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
        i += k;
    }
    return false;
}

static bool fk__is_variation_selector(uint32_t cp)
{
    return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

static size_t fk__count(const char *s, bool skip_selectors)
{
    size_t n = strlen(s), i = 0, count = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            k = 1;
        else if (skip_selectors && fk__is_variation_selector(cp))
            count--;
        count++;
        i += k;
    }
    return count;
}

size_t fk_utf8_length(const char *s)
{
    return fk__count(s, false);
}

size_t fk_utf8_char_count(const char *s)
{
    return fk__count(s, true);
}

bool fk_utf8_is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x3000;
}

uint32_t fk_utf8_to_halfwidth(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0;
    else if (cp == 0x3000)
        cp = ' ';
    if (cp == 0x2212 || cp == 0x2010 || cp == 0x2011 || cp == 0x2013 || cp == 0x2014 ||
        cp == 0x2015 || cp == 0x30FC || cp == 0xFF70)
        cp = '-';
    return cp;
}

/* Narrows [*start, *end) to exclude surrounding half- and full-width spaces. */
static void fk__trim(const char *s, size_t *start, size_t *end)
{
    while (*start < *end) {
        uint32_t cp;
        size_t k = fk_utf8_decode(s + *start, *end - *start, &cp);
        if (k == 0 || !fk_utf8_is_space(cp))
            break;
        *start += k;
    }
    while (*end > *start) {
        size_t back = *end - 1;
        while (back > *start && ((unsigned char)s[back] & 0xC0) == 0x80)
            back--;
        uint32_t cp;
        size_t k = fk_utf8_decode(s + back, *end - back, &cp);
        if (k == 0 || !fk_utf8_is_space(cp))
            break;
        *end = back;
    }
}

fk_status fk_utf8_append_trimmed(fk_buf *out, const char *s, size_t n)
{
    size_t start = 0, end = n;
    fk__trim(s, &start, &end);
    return fk_buf_append(out, s + start, end - start);
}

typedef uint32_t (*fk__map_fn)(const uint32_t *cps, size_t n, size_t *used);

static fk_status fk__append_mapped(fk_buf *out, const char *s, size_t n, fk__map_fn map)
{
    size_t start = 0, end = n;
    fk__trim(s, &start, &end);
    uint32_t window[2];
    size_t i = start;
    while (i < end) {
        size_t k = fk_utf8_decode(s + i, end - i, &window[0]);
        if (k == 0)
            return FK_EFORMAT;
        size_t k2 = i + k < end ? fk_utf8_decode(s + i + k, end - i - k, &window[1]) : 0;
        size_t used = 1;
        uint32_t cp = map(window, k2 ? 2 : 1, &used);
        char enc[4];
        fk_status st = fk_buf_append(out, enc, fk_utf8_encode(cp, enc));
        if (st != FK_OK)
            return st;
        i += k + (used == 2 ? k2 : 0);
    }
    return FK_OK;
}

static uint32_t fk__map_halfwidth(const uint32_t *cps, size_t n, size_t *used)
{
    (void)n;
    *used = 1;
    return fk_utf8_to_halfwidth(cps[0]);
}

fk_status fk_utf8_append_halfwidth(fk_buf *out, const char *s, size_t n)
{
    return fk__append_mapped(out, s, n, fk__map_halfwidth);
}

/* Full-width katakana for U+FF61..U+FF9F, in order. */
static const uint16_t fk__kana_full[] = {
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9,
    0x30E3, 0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB,
    0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1,
    0x30C4, 0x30C6, 0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5,
    0x30D8, 0x30DB, 0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9,
    0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3, 0x309B, 0x309C};

static bool fk__takes_dakuten(uint32_t full)
{
    return (full >= 0x30AB && full <= 0x30C8 && full != 0x30C3) ||
           (full >= 0x30CF && full <= 0x30DB) || full == 0x30A6;
}

static uint32_t fk__map_kana(const uint32_t *cps, size_t n, size_t *used)
{
    *used = 1;
    uint32_t cp = cps[0];
    if (cp == ' ')
        return 0x3000;
    if (cp < 0xFF61 || cp > 0xFF9F)
        return cp;
    uint32_t full = fk__kana_full[cp - 0xFF61];
    if (n == 2 && cps[1] == 0xFF9E && fk__takes_dakuten(full)) {
        *used = 2;
        return full == 0x30A6 ? 0x30F4 : full + 1;
    }
    if (n == 2 && cps[1] == 0xFF9F && full >= 0x30CF && full <= 0x30DB) {
        *used = 2;
        return full + 2;
    }
    return full;
}

fk_status fk_utf8_append_fullwidth_kana(fk_buf *out, const char *s, size_t n)
{
    return fk__append_mapped(out, s, n, fk__map_kana);
}

const char *fk_utf8_find_placeholder(const char *s)
{
    static const char *const patterns[] = {"XXXX", "xxxx", "ＸＸＸＸ", "○○",
                                           "〇〇", "TODO", "FIXME"};
    for (size_t i = 0; s != NULL && i < sizeof patterns / sizeof patterns[0]; i++)
        if (strstr(s, patterns[i]) != NULL)
            return patterns[i];
    return NULL;
}
