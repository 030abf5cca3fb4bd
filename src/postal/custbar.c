/* Customer barcode encoding and geometry: see custbar.h. */
#include "custbar.h"
#include "util/i18n.h"

#include <assert.h>
#include <string.h>

/* Bars of each character value (Japan Post manual p11 table), index = value. */
static const char *const fk__bars[19] = {
    "LTT", "LLT", "LDA", "DLA", "LAD", "LTL", "DAL", "ALD", "ADL", "TLL", /* 0-9 */
    "TLT",                                                                /* - */
    "DAT", "DTA", "ADT", "TDA", "ATD", "TAD", "TTL", "LLL",               /* CC1-CC8 */
};

static const char *const fk__names[19] = {"0",   "1",   "2",   "3",   "4",   "5",   "6",
                                          "7",   "8",   "9",   "-",   "CC1", "CC2", "CC3",
                                          "CC4", "CC5", "CC6", "CC7", "CC8"};

const char *fk_custbar_char_name(int value)
{
    return value >= 0 && value <= 18 ? fk__names[value] : "?";
}

const char *fk_custbar_char_bars(int value)
{
    return value >= 0 && value <= 18 ? fk__bars[value] : "";
}

int fk_custbar_check_digit(const unsigned char data[FK_CUSTBAR_DATA_CHARS])
{
    int sum = 0;
    for (int i = 0; i < FK_CUSTBAR_DATA_CHARS; i++)
        sum += data[i];
    /* sum ≡ 0 gives 0, not 19 (the case one widely used encoder gets wrong). */
    return (19 - sum % 19) % 19;
}

fk_status fk_custbar_encode(const char *postal7, const char *display, fk_custbar *out, fk_err *err)
{
    fk_custbar cb;
    memset(&cb, 0, sizeof cb);
    if (postal7 == NULL || strlen(postal7) != 7)
        return fk_failf(err, FK_EINVAL, _("postal code must have 7 digits"));
    for (int i = 0; i < 7; i++) {
        if (postal7[i] < '0' || postal7[i] > '9')
            return fk_failf(err, FK_EINVAL, _("postal code must have 7 digits"));
        cb.data[i] = (unsigned char)(postal7[i] - '0');
    }
    int n = 7;
    for (const char *p = display != NULL ? display : ""; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        int shift = -1, digit = 0;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c == '-') {
            digit = FK_CUSTBAR_HYPHEN;
        } else if (c >= 'A' && c <= 'J') {
            shift = FK_CUSTBAR_CC1, digit = c - 'A';
        } else if (c >= 'K' && c <= 'T') {
            shift = FK_CUSTBAR_CC1 + 1, digit = c - 'K';
        } else if (c >= 'U' && c <= 'Z') {
            shift = FK_CUSTBAR_CC1 + 2, digit = c - 'U';
        } else {
            return fk_failf(err, FK_EINVAL,
                            _("display number may hold only digits, '-' and A-Z (position %zu)"),
                            (size_t)(p - display) + 1);
        }
        if (n == FK_CUSTBAR_DATA_CHARS) {
            cb.truncated = true; /* keep validating the rest, drop it */
            continue;
        }
        if (shift >= 0) {
            cb.data[n++] = (unsigned char)shift;
            if (n == FK_CUSTBAR_DATA_CHARS) { /* the letter's digit does not fit */
                cb.truncated = true;
                continue;
            }
        }
        cb.data[n++] = (unsigned char)digit;
    }
    while (n < FK_CUSTBAR_DATA_CHARS)
        cb.data[n++] = FK_CUSTBAR_CC4;
    cb.check = (unsigned char)fk_custbar_check_digit(cb.data);

    char *b = cb.bars;
    memcpy(b, "LD", 2); /* start */
    b += 2;
    for (int i = 0; i < FK_CUSTBAR_DATA_CHARS; i++, b += 3)
        memcpy(b, fk__bars[cb.data[i]], 3);
    memcpy(b, fk__bars[cb.check], 3);
    b += 3;
    memcpy(b, "DL", 2); /* stop */
    b += 2;
    *b = '\0';
    assert(b - cb.bars == FK_CUSTBAR_BARS);
    *out = cb;
    return FK_OK;
}

fk_status fk_custbar_append_tokens(const fk_custbar *cb, fk_buf *out)
{
    for (int i = 0; i < FK_CUSTBAR_DATA_CHARS; i++) {
        fk_status s = fk_buf_appendf(out, "%s%s", i > 0 ? " " : "", fk__names[cb->data[i]]);
        if (s != FK_OK)
            return s;
    }
    return fk_buf_appendf(out, " %s", fk__names[cb->check]);
}

bool fk_custbar_pt_is_valid(double pt)
{
    return pt >= 8.0 && pt <= 11.5;
}

fk_custbar_geometry fk_custbar_get_geometry(double pt)
{
    const double a = pt / 10.0;
    fk_custbar_geometry g = {
        .long_mm = 3.6 * a,
        .semi_mm = 2.4 * a,
        .timing_mm = 1.2 * a,
        .pitch_mm = 1.2 * a,
        .width_mm = 0.6 * a,
    };
    g.symbol_width_mm = (FK_CUSTBAR_BARS - 1) * g.pitch_mm + g.width_mm;
    return g;
}

fk_custbar_rect fk_custbar_bar_rect(const fk_custbar *cb, int i, double pt)
{
    const fk_custbar_geometry g = fk_custbar_get_geometry(pt);
    fk_custbar_rect r = {.x = i * g.pitch_mm, .y = 0.0, .w = g.width_mm, .h = g.long_mm};
    switch (i >= 0 && i < FK_CUSTBAR_BARS ? cb->bars[i] : 'L') {
    case 'A': /* from the top down to the timing bar's lower edge */
        r.h = g.semi_mm;
        break;
    case 'D': /* from the timing bar's upper edge down to the bottom */
        r.y = g.long_mm - g.semi_mm;
        r.h = g.semi_mm;
        break;
    case 'T':
        r.y = (g.long_mm - g.timing_mm) / 2.0;
        r.h = g.timing_mm;
        break;
    default:
        break;
    }
    return r;
}

fk_status fk_custbar_write_svg(const fk_custbar *cb, double pt, fk_buf *out)
{
    const fk_custbar_geometry g = fk_custbar_get_geometry(pt);
    const double q = FK_CUSTBAR_QUIET_MM;
    const double w = g.symbol_width_mm + 2 * q, h = g.long_mm + 2 * q;
    fk_status s = fk_buf_appendf(out,
                                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.3fmm\" "
                                 "height=\"%.3fmm\" viewBox=\"0 0 %.3f %.3f\">\n"
                                 "<rect x=\"0\" y=\"0\" width=\"%.3f\" height=\"%.3f\" "
                                 "fill=\"#ffffff\"/>\n<g fill=\"#000000\">\n",
                                 w, h, w, h, w, h);
    for (int i = 0; s == FK_OK && i < FK_CUSTBAR_BARS; i++) {
        const fk_custbar_rect r = fk_custbar_bar_rect(cb, i, pt);
        s = fk_buf_appendf(out, "<rect x=\"%.3f\" y=\"%.3f\" width=\"%.3f\" height=\"%.3f\"/>\n",
                           r.x + q, r.y + q, r.w, r.h);
    }
    if (s == FK_OK)
        s = fk_buf_append_str(out, "</g>\n</svg>\n");
    return s;
}
