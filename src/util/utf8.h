/*
 * UTF-8 helpers and the text normalisation ward-export.md prescribes: full-width ASCII to
 * half-width where a field is numeric, half-width katakana to full-width, trimming of half-
 * and full-width spaces. Rare kanji, characters outside the BMP and variation selectors are
 * passed through untouched.
 */
#ifndef FK_UTF8_H
#define FK_UTF8_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one code point from s (n bytes available). Returns the number of bytes used, or 0
 * for an invalid or truncated sequence (overlongs and surrogates are invalid).
 */
size_t fk_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encodes cp into out (4 bytes room); returns the number of bytes written. */
size_t fk_utf8_encode(uint32_t cp, char *out);

/* True if the n bytes of s are well-formed UTF-8. */
bool fk_utf8_is_valid(const char *s, size_t n);

/*
 * Finds the first invalid UTF-8 sequence in the n bytes of s; false if there is none, else
 * true with its 1-based line and column (in code points). YAML files are checked with it
 * before parsing: libfyaml 0.7.12 loops forever on a directive followed by invalid UTF-8.
 */
bool fk_utf8_find_invalid(const char *s, size_t n, size_t *line, size_t *col);

/* Number of code points in a valid UTF-8 string (variation selectors count too). */
size_t fk_utf8_length(const char *s);

/* Number of user-perceived characters: code points less variation selectors. */
size_t fk_utf8_char_count(const char *s);

/* True for U+3000 and ASCII blanks. */
bool fk_utf8_is_space(uint32_t cp);

/* The first placeholder pattern in s (XXXX in either case or full width, ○○, 〇〇, TODO,
 * FIXME), as written in the pattern list, or NULL: text that must never reach paper. */
const char *fk_utf8_find_placeholder(const char *s);

/* Half-width forms of full-width ASCII (U+FF01..U+FF5E), U+3000 to space, minus signs and
 * dashes (−, ー in numbers, ‐, －) to '-'. Other code points are returned unchanged. */
uint32_t fk_utf8_to_halfwidth(uint32_t cp);

/* Appends s with surrounding spaces (half- and full-width) removed. */
fk_status fk_utf8_append_trimmed(fk_buf *out, const char *s, size_t n) FK_WARN_UNUSED;

/*
 * Appends s, trimmed, with full-width ASCII folded to half-width (numbers, codes, dates).
 */
fk_status fk_utf8_append_halfwidth(fk_buf *out, const char *s, size_t n) FK_WARN_UNUSED;

/*
 * Appends s, trimmed, with half-width katakana (U+FF61..U+FF9F, voiced marks combined)
 * converted to full-width and half-width space folded to U+3000 between words.
 */
fk_status fk_utf8_append_fullwidth_kana(fk_buf *out, const char *s, size_t n) FK_WARN_UNUSED;

#endif
