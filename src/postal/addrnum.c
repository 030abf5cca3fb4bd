/* Address display number extraction: see addrnum.h for the rules. */
#include "addrnum.h"

#include "util/utf8.h"
#include "util/i18n.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A code point that is not a kept character and becomes (at most) one hyphen. */
#define FK__SEP 0x110000u

static bool fk__is_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static bool fk__is_letter(uint32_t c)
{
    return c >= 'A' && c <= 'Z';
}

int fk_addrnum_kanji_value(uint32_t c)
{
    switch (c) {
    case 0x3007: /* 〇 */
    case 0x96F6: /* 零 */
        return 0;
    case 0x4E00: /* 一 */
        return 1;
    case 0x4E8C: /* 二 */
        return 2;
    case 0x4E09: /* 三 */
        return 3;
    case 0x56DB: /* 四 */
        return 4;
    case 0x4E94: /* 五 */
        return 5;
    case 0x516D: /* 六 */
        return 6;
    case 0x4E03: /* 七 */
        return 7;
    case 0x516B: /* 八 */
        return 8;
    case 0x4E5D: /* 九 */
        return 9;
    case 0x5341: /* 十 */
        return 10;
    case 0x767E: /* 百 */
        return 100;
    case 0x5343: /* 千 */
        return 1000;
    default:
        return -1;
    }
}

/* True when a kanji numeral directly before position i of cps is to be converted. */
static bool fk__is_number_suffix(const uint32_t *cps, size_t n, size_t i)
{
    if (i >= n)
        return false;
    switch (cps[i]) {
    case 0x4E01: /* 丁 (丁目 too) */
    case 0x756A: /* 番 (番地 too) */
    case 0x53F7: /* 号 */
    case 0x7DDA: /* 線 */
    case 0x306E: /* の */
    case 0x30CE: /* ノ */
        return true;
    case 0x5730: /* 地割 */
        return i + 1 < n && cps[i + 1] == 0x5272;
    default:
        return false;
    }
}

long fk_addrnum_kanji_number(const uint32_t *cps, size_t len)
{
    bool additive = false;
    for (size_t i = 0; i < len; i++)
        if (fk_addrnum_kanji_value(cps[i]) >= 10)
            additive = true;
    long total = 0, cur = 0;
    for (size_t i = 0; i < len; i++) {
        const int v = fk_addrnum_kanji_value(cps[i]);
        if (v < 0)
            return -1;
        if (!additive) {
            if (total > 100000000L)
                return -1;
            total = total * 10 + v;
        } else if (v < 10) {
            cur = cur * 10 + v;
            if (cur > 100000000L)
                return -1;
        } else {
            total += (cur == 0 ? 1 : cur) * v;
            cur = 0;
            if (total > 100000000L)
                return -1;
        }
    }
    return total + cur;
}

/* Maps one code point for rule 1 (width, case, dashes); prev is the previous mapped one. */
static uint32_t fk__normalise(uint32_t c, uint32_t prev)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0; /* full-width ASCII */
    else if (c == 0x3000)
        c = ' ';
    if (c >= 'a' && c <= 'z')
        c -= 'a' - 'A';
    switch (c) {
    case 0x2010: /* ‐ */
    case 0x2011:
    case 0x2012:
    case 0x2013: /* – */
    case 0x2014: /* — */
    case 0x2015: /* ― */
    case 0x2212: /* − */
    case 0x2500: /* ─ */
    case 0xFE63:
        return '-';
    case 0x30FC: /* ー and ｰ: a dash after a digit, a long vowel in a katakana word */
    case 0xFF70:
        return fk__is_digit(prev) ? '-' : c;
    default:
        return c;
    }
}

static bool fk__is_deleted(uint32_t c)
{
    return c == '&' || c == '/' || c == '.' || c == 0x30FB /* ・ */ || c == 0xFF65 /* ･ */;
}

fk_status fk_addrnum_extract(const char *rest, char *out, size_t size, fk_err *err)
{
    if (size > 0)
        out[0] = '\0';
    const size_t len = strlen(rest);
    if (len > FK_ADDRNUM_MAX_INPUT)
        return fk_failf(err, FK_ETOOBIG, _("address longer than %d bytes"), FK_ADDRNUM_MAX_INPUT);

    /* Rules 1 and 2: decode, normalise, delete & / ・ . */
    uint32_t cps[FK_ADDRNUM_MAX_INPUT];
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        const size_t k = fk_utf8_decode(rest + i, len - i, &c);
        if (k == 0)
            return fk_failf(err, FK_EFORMAT, _("address is not valid UTF-8 (byte %zu)"), i + 1);
        i += k;
        c = fk__normalise(c, n > 0 ? cps[n - 1] : 0);
        if (!fk__is_deleted(c))
            cps[n++] = c;
    }

    /* Supplementary rule: kanji numerals before 丁目 … ノ become arabic digits. */
    uint32_t conv[FK_ADDRNUM_MAX_INPUT * 2];
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && fk_addrnum_kanji_value(cps[j]) >= 0)
            j++;
        if (j > i && fk__is_number_suffix(cps, n, j)) {
            const long v = fk_addrnum_kanji_number(cps + i, j - i);
            char digits[24];
            const int dn = v >= 0 ? snprintf(digits, sizeof digits, "%ld", v) : 0;
            for (int d = 0; d < dn; d++)
                conv[m++] = (uint32_t)digits[d];
            if (v < 0)
                conv[m++] = FK__SEP;
            i = j;
        } else if (j > i) {
            while (i < j)
                conv[m++] = cps[i++];
        } else {
            conv[m++] = cps[i++];
        }
    }

    /* Supplementary rule: an F after a digit marks a floor and separates. */
    for (size_t i = 1; i < m; i++)
        if (conv[i] == 'F' && fk__is_digit(conv[i - 1]))
            conv[i] = FK__SEP;

    /* Rules 3-6: keep digits, hyphens, single letters; the rest before a kept one is '-'. */
    char tmp[FK_ADDRNUM_MAX_INPUT * 2 + 1];
    size_t t = 0;
    bool pending = false;
    for (size_t i = 0; i < m; i++) {
        const uint32_t c = conv[i];
        bool keep = fk__is_digit(c) || c == '-';
        if (fk__is_letter(c)) {
            const bool before = i > 0 && fk__is_letter(conv[i - 1]);
            const bool after = i + 1 < m && fk__is_letter(conv[i + 1]);
            keep = !before && !after;
        }
        if (!keep) {
            pending = true;
            continue;
        }
        if (pending && t > 0 && tmp[t - 1] != '-')
            tmp[t++] = '-';
        pending = false;
        if (c == '-' && (t == 0 || tmp[t - 1] == '-'))
            continue; /* collapse, and no leading hyphen */
        tmp[t++] = (char)c;
    }
    tmp[t] = '\0';

    /* Supplementary rule: a hyphen next to a letter is removed. */
    size_t o = 0;
    for (size_t i = 0; i < t; i++) {
        if (tmp[i] == '-' && ((i > 0 && fk__is_letter((unsigned char)tmp[i - 1])) ||
                              (i + 1 < t && fk__is_letter((unsigned char)tmp[i + 1]))))
            continue;
        tmp[o++] = tmp[i];
    }
    tmp[o] = '\0';
    if (o + 1 > size)
        return fk_failf(err, FK_ETOOBIG, _("display number longer than the output buffer"));
    memcpy(out, tmp, o + 1);
    return FK_OK;
}
