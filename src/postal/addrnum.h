/*
 * Address display number (住所表示番号): the digits, hyphens and single letters that Japan
 * Post's customer barcode carries after the postal code, taken from the part of the address
 * that follows the town area (住所B: 丁目, 番地, 号, building and room). Japan Post
 * 郵便番号・バーコードマニュアル p17-p21; the rules are listed in docs/postal.md.
 * Splitting an address into town area and the rest is postal-db.h's job.
 */
#ifndef FK_ADDRNUM_H
#define FK_ADDRNUM_H

#include "util/err.h"

#include <stddef.h>
#include <stdint.h>

/* Longest address text (bytes) accepted; the ward's address and building lines fit easily. */
#define FK_ADDRNUM_MAX_INPUT 1024

/*
 * Writes the display number of rest (UTF-8, the part after the town area, building line
 * included) into out as Japan Post writes it: "3-20-5B604", "11-6-1-601", "" when rest holds
 * no number. The whole number is written; the barcode's 13-place limit is custbar.h's.
 * Rules, in order:
 *   full-width digits and letters to half-width, lower case to upper case, dashes to '-';
 *   delete & / ・ . ;
 *   kanji numerals directly before 丁目 丁 番地 番 号 地割 線 の ノ become arabic (十一 → 11);
 *   an F directly after a digit (a floor) is a separator;
 *   keep digits, hyphens and single letters; anything else before a kept character (kanji,
 *   kana, blanks, runs of two or more letters) becomes one hyphen; repeated hyphens collapse,
 *   a leading hyphen is dropped; a hyphen next to a letter is removed.
 * FK_EFORMAT for invalid UTF-8, FK_ETOOBIG for input over FK_ADDRNUM_MAX_INPUT bytes or an
 * out buffer that is too small (2 * strlen(rest) + 1 bytes always suffice). On error out is "".
 */
fk_status fk_addrnum_extract(const char *rest, char *out, size_t size, fk_err *err) FK_WARN_UNUSED;

/* The value of a kanji numeral character (〇零 0, 一…九, 十 10, 百 100, 千 1000), else -1. */
int fk_addrnum_kanji_value(uint32_t cp);

/*
 * The value of a run of kanji numerals: positional without 十百千 (一〇二 = 102), additive
 * with them (二十一 = 21, 百一 = 101); -1 when it exceeds 10^8 or a character is no numeral.
 */
long fk_addrnum_kanji_number(const uint32_t *cps, size_t len);

#endif
