/*
 * Japan Post customer barcode (カスタマバーコード): from a postal code and an address display
 * number (住所表示番号, see addrnum.h) to the 20 data characters, the check digit and the 67
 * bars, with the bars' geometry for a point size. Japan Post 郵便番号・バーコードマニュアル
 * p11-p25; docs/postal.md. No drawing library here: src/compose draws the rectangles that
 * fk_custbar_bar_rect() gives, and fk_custbar_write_svg() serves `fukan postcode --svg`.
 */
#ifndef FK_CUSTBAR_H
#define FK_CUSTBAR_H

#include "util/buf.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

#define FK_CUSTBAR_DATA_CHARS 20  /* 7 postal-code digits + 13 address places */
#define FK_CUSTBAR_BARS       67  /* start 2 + 21 characters x 3 + stop 2 */
#define FK_CUSTBAR_QUIET_MM   2.0 /* clear space on every side */

/*
 * A character's value is also its check-digit value: 0-9 the digits, 10 the hyphen,
 * 11-18 the control codes CC1-CC8 (CC1-CC3 shift letters, CC4 pads).
 */
enum { FK_CUSTBAR_HYPHEN = 10, FK_CUSTBAR_CC1 = 11, FK_CUSTBAR_CC4 = 14, FK_CUSTBAR_CC8 = 18 };

typedef struct fk_custbar {
    unsigned char data[FK_CUSTBAR_DATA_CHARS]; /* character values */
    unsigned char check;                       /* check digit value */
    char bars[FK_CUSTBAR_BARS + 1];            /* 'L' long, 'A' up, 'D' down, 'T' timing */
    bool truncated;                            /* the display number did not fit in 13 places */
} fk_custbar;

/*
 * Encodes a 7-digit postal code (no hyphen) and a display number made of digits, '-' and
 * A-Z (as addrnum.h produces; "" for none, which pads all 13 places with CC4). Letters take
 * two places (CC1-CC3 + digit); past 13 places the rest is cut, keeping a letter's control
 * code when it falls on the 13th place. FK_EINVAL (out untouched) for any other character.
 */
fk_status fk_custbar_encode(const char *postal7, const char *display, fk_custbar *out,
                            fk_err *err) FK_WARN_UNUSED;

/* The check digit value (0-18) of 20 character values: (19 - sum mod 19) mod 19. */
int fk_custbar_check_digit(const unsigned char data[FK_CUSTBAR_DATA_CHARS]);

/* A character value's name: "0".."9", "-", "CC1".."CC8". */
const char *fk_custbar_char_name(int value);

/* The three bars of a character value, e.g. "LLT" for 1. */
const char *fk_custbar_char_bars(int value);

/* Appends the 21 tokens "2 7 3 ... CC4 0" (data characters then check digit). */
fk_status fk_custbar_append_tokens(const fk_custbar *cb, fk_buf *out) FK_WARN_UNUSED;

/* Bar dimensions in mm for a point size: Japan Post's table scaled by pt/10. */
typedef struct fk_custbar_geometry {
    double long_mm;         /* long bar: 3.6 at 10 pt */
    double semi_mm;         /* semi-long bar (ascender or descender with the timing part): 2.4 */
    double timing_mm;       /* timing bar: 1.2 */
    double pitch_mm;        /* bar pitch: 1.2 */
    double width_mm;        /* bar width: 0.6 (space 0.6) */
    double symbol_width_mm; /* first bar's left edge to last bar's right edge: 79.8 */
} fk_custbar_geometry;

/* True for the sizes Japan Post allows (8 to 11.5 pt); fukan uses 8 (default) or 10. */
bool fk_custbar_pt_is_valid(double pt);

/* The geometry at pt points (pt must satisfy fk_custbar_pt_is_valid). */
fk_custbar_geometry fk_custbar_get_geometry(double pt);

typedef struct fk_custbar_rect {
    double x, y, w, h; /* mm; origin at the symbol's top-left corner, y downwards */
} fk_custbar_rect;

/* The rectangle of bar i (0-66) at pt points; the quiet zone lies outside the symbol. */
fk_custbar_rect fk_custbar_bar_rect(const fk_custbar *cb, int i, double pt);

/* Appends an SVG drawing of the symbol with its quiet zone, sized in mm. */
fk_status fk_custbar_write_svg(const fk_custbar *cb, double pt, fk_buf *out) FK_WARN_UNUSED;

#endif
