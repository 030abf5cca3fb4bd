/*
 * Tests of the print-file PDF writer (pdfout.c): object structure and cross-reference offsets,
 * numbers written with a decimal point under a locale that uses decimal commas, and the text
 * each glyph stands for: the ToUnicode CMaps (a character outside the BMP as a UTF-16
 * surrogate pair, a variation sequence as base + selector, one glyph for several characters)
 * and /ActualText where a glyph already stands for other text.
 */
/* memmem: the file holds deflated bytes, NULs included. */
#define _GNU_SOURCE
#include "compose/compose-private.h"
#include "util/buf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fk_status collect(void *closure, const unsigned char *data, size_t len)
{
    return fk_buf_append(closure, data, len);
}

/* A NUL-terminated copy of the file written for two pages, caller frees. */
static char *write_two_pages(size_t *len)
{
    fk_buf out;
    fk_buf_init(&out, 1 << 20);
    fk__pdf *p = fk__pdf_new(NULL, collect, &out);
    assert_non_null(p);
    for (int i = 0; i < 2; i++) {
        fk__pdf_content_begin(p);
        fk__pdf_op(p, "%f %f %f %f re f", 10.5, 20.25, 0.125, -3.0);
        assert_int_equal(fk__pdf_page_end(p, 595.276, 841.89), FK_OK);
    }
    assert_int_equal(fk__pdf_finish(p), FK_OK);
    fk__pdf_free(p);
    assert_int_equal(fk_buf_append(&out, "", 1), FK_OK);
    *len = out.len - 1;
    return (char *)out.data;
}

static void test_structure(void **state)
{
    (void)state;
    size_t len;
    char *pdf = write_two_pages(&len);
    assert_memory_equal(pdf, "%PDF-1.7", 8);
    assert_non_null(memmem(pdf, len, "/Type/Pages/Count 2", 19));
    assert_non_null(memmem(pdf, len, "/Type/Catalog", 13));
    const char *sx = memmem(pdf, len, "startxref\n", 10);
    assert_non_null(sx);
    long xref = strtol(sx + 10, NULL, 10);
    assert_true(xref > 0 && (size_t)xref < len);
    assert_memory_equal(pdf + xref, "xref\n", 5);
    /* Every entry in use points at the start of its object. */
    const char *e = strstr(pdf + xref, "65535 f \n") + 9;
    for (int num = 1; strncmp(e, "trailer", 7) != 0; num++, e += 20) {
        long off = strtol(e, NULL, 10);
        char head[32];
        snprintf(head, sizeof head, "%d 0 obj", num);
        assert_memory_equal(pdf + off, head, strlen(head));
    }
    assert_non_null(memmem(pdf, len, "%%EOF\n", 6));
    free(pdf);
}

static void test_numbers_ignore_locale(void **state)
{
    (void)state;
    if (setlocale(LC_NUMERIC, "fr_FR.UTF-8") == NULL)
        fail_msg("the fr_FR.UTF-8 locale is needed: install locales and generate fr_FR.UTF-8");
    size_t len;
    char *pdf = write_two_pages(&len);
    setlocale(LC_NUMERIC, "C");
    assert_non_null(memmem(pdf, len, "/MediaBox[0 0 595.276 841.89]", 29));
    free(pdf);
}

/* The first glyph of text shaped in font primary, and the font it came from. */
static unsigned first_glyph(const fk__fontset *fonts, fk__font_id primary, const char *text,
                            int *font)
{
    fk__shaped sh;
    fk__shaped_init(&sh);
    assert_int_equal(fk__shape(fonts, primary, text, strlen(text), &sh), FK_OK);
    assert_true(sh.nglyphs > 0 && sh.nsegs > 0);
    unsigned gid = (unsigned)sh.glyphs[0].index;
    *font = sh.segs[0].font;
    fk__shaped_free(&sh);
    return gid;
}

/*
 * A file of one page showing each of texts (in order, in BIZ UDGothic with its fallback), with
 * every stream inflated: the streams' bytes one after the other, each followed by a line
 * "%%endstream" (font files hold NULs: search it with memmem). Caller frees with fk_buf_free.
 */
static fk_buf write_texts_inflated(const fk__fontset *fonts, const char *const *texts, size_t n)
{
    fk_buf out;
    fk_buf_init(&out, 1 << 24);
    fk__pdf *p = fk__pdf_new(fonts, collect, &out);
    assert_non_null(p);
    fk__shaped sh;
    fk__shaped_init(&sh);
    fk__pdf_content_begin(p);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(fk__shape(fonts, FK_FONT_GOTHIC, texts[i], strlen(texts[i]), &sh), FK_OK);
        fk__pdf_text(p, &sh, 50, 100 + 20 * (double)i, 12);
    }
    fk__shaped_free(&sh);
    assert_int_equal(fk__pdf_page_end(p, 595.276, 841.89), FK_OK);
    assert_int_equal(fk__pdf_finish(p), FK_OK);
    fk__pdf_free(p);

    fk_buf streams;
    fk_buf_init(&streams, 1 << 26);
    const char *pdf = (const char *)out.data, *end = pdf + out.len, *at = pdf;
    while ((at = memmem(at, (size_t)(end - at), ">>\nstream\n", 10)) != NULL) {
        const char *dict = at; /* from the object's start: the dictionary may nest others */
        while (dict > pdf && memcmp(dict, " obj\n", 5) != 0)
            dict--;
        const char *length = memmem(dict, (size_t)(at - dict), "/Length ", 8);
        assert_non_null(length);
        size_t blen = (size_t)strtoul(length + 8, NULL, 10);
        const unsigned char *body = (const unsigned char *)at + 10;
        assert_true(body + blen <= (const unsigned char *)end);
        if (memmem(dict, (size_t)(at - dict), "/FlateDecode", 12) != NULL) {
            uLongf cap = 1 << 22;
            char *d;
            assert_int_equal(fk_buf_extend(&streams, cap, &d), FK_OK);
            assert_int_equal(uncompress((Bytef *)d, &cap, body, (uLong)blen), Z_OK);
            streams.len -= (1 << 22) - cap;
        } else {
            assert_int_equal(fk_buf_append(&streams, body, blen), FK_OK);
        }
        assert_int_equal(fk_buf_append(&streams, "\n%%endstream\n", 13), FK_OK);
        at = (const char *)body + blen;
    }
    fk_buf_free(&out);
    return streams;
}

/* Where needle first occurs in b at or after from, or NULL. */
static const char *find(const fk_buf *b, const char *from, const char *needle)
{
    const char *start = from != NULL ? from : (const char *)b->data;
    size_t left = b->len - (size_t)(start - (const char *)b->data);
    return memmem(start, left, needle, strlen(needle));
}

/* True if a ToUnicode CMap maps glyph gid to the UTF-16BE code units in hex. */
static bool maps(const fk_buf *streams, unsigned gid, const char *utf16)
{
    char entry[96];
    snprintf(entry, sizeof entry, "\n<%04X><%s>\n", gid, utf16);
    return find(streams, NULL, entry) != NULL;
}

static fk__fontset *load_fonts(void)
{
    fk__fontset *fonts = NULL;
    fk_err err = {0};
    if (fk__fontset_new(&fonts, &err) != FK_OK)
        fail_msg("%s (scripts/setup installs the fonts)", err.msg);
    return fonts;
}

/* 𠮷 (U+20BB7, outside the BMP) comes from IPAmj明朝 and maps to its surrogate pair. */
static void test_tounicode_non_bmp(void **state)
{
    (void)state;
    fk__fontset *fonts = load_fonts();
    int font;
    unsigned yoshi = first_glyph(fonts, FK_FONT_GOTHIC, "\U00020BB7", &font);
    assert_int_equal(font, FK_FONT_FALLBACK);
    unsigned ta = first_glyph(fonts, FK_FONT_GOTHIC, "田", &font);
    assert_int_equal(font, FK_FONT_GOTHIC);
    const char *texts[] = {"\U00020BB7田　太郎"};
    fk_buf streams = write_texts_inflated(fonts, texts, 1);
    assert_true(maps(&streams, yoshi, "D842DFB7"));
    assert_true(maps(&streams, ta, "7530"));
    assert_null(find(&streams, NULL, "/ActualText"));
    fk_buf_free(&streams);
    fk__fontset_free(fonts);
}

/*
 * 葛 + U+E0100 is one glyph of BIZ UD's own (not plain 葛's): its entry holds the base and the
 * selector's surrogate pair; plain 葛 in the same file keeps its own entry.
 */
static void test_tounicode_variation_sequence(void **state)
{
    (void)state;
    fk__fontset *fonts = load_fonts();
    int font;
    unsigned ivs = first_glyph(fonts, FK_FONT_GOTHIC, "葛\U000E0100", &font);
    assert_int_equal(font, FK_FONT_GOTHIC);
    unsigned plain = first_glyph(fonts, FK_FONT_GOTHIC, "葛", &font);
    assert_int_not_equal(ivs, plain);
    const char *texts[] = {"葛\U000E0100西　花子", "葛飾"};
    fk_buf streams = write_texts_inflated(fonts, texts, 2);
    assert_true(maps(&streams, ivs, "845BDB40DD00"));
    assert_true(maps(&streams, plain, "845B"));
    assert_null(find(&streams, NULL, "/ActualText"));
    fk_buf_free(&streams);
    fk__fontset_free(fonts);
}

/*
 * か + U+3099 (combining dakuten) is shaped to the one glyph of が. Alone, that glyph's entry is
 * both characters. After が has claimed the glyph, the sequence is shown inside a /Span whose
 * /ActualText is its own two characters, and the glyph keeps the one entry for が.
 */
static void test_tounicode_one_glyph_for_several(void **state)
{
    (void)state;
    fk__fontset *fonts = load_fonts();
    int font;
    unsigned seq = first_glyph(fonts, FK_FONT_GOTHIC, "か\xe3\x82\x99", &font);
    unsigned ga = first_glyph(fonts, FK_FONT_GOTHIC, "が", &font);
    assert_int_equal(seq, ga);

    const char *alone[] = {"か\xe3\x82\x99"};
    fk_buf streams = write_texts_inflated(fonts, alone, 1);
    assert_true(maps(&streams, seq, "304B3099"));
    assert_null(find(&streams, NULL, "/ActualText"));
    fk_buf_free(&streams);

    const char *both[] = {"が", "か\xe3\x82\x99"};
    streams = write_texts_inflated(fonts, both, 2);
    assert_true(maps(&streams, ga, "304C"));
    assert_false(maps(&streams, ga, "304B3099"));
    /* In the page's content: the span's TJ array starts with the glyph (a string of glyph
     * ids, 4 hex digits each), and the span ends after it. */
    char span[80];
    snprintf(span, sizeof span, "/Span<</ActualText<FEFF304B3099>>>BDC[<%04X", ga);
    const char *shown = find(&streams, NULL, span);
    assert_non_null(shown);
    assert_non_null(find(&streams, shown, "EMC"));
    /* Exactly one entry for the glyph in the CMaps. */
    char glyph[16];
    snprintf(glyph, sizeof glyph, "\n<%04X><", ga);
    const char *entry = find(&streams, NULL, glyph);
    assert_non_null(entry);
    assert_null(find(&streams, entry + 1, glyph));
    fk_buf_free(&streams);
    fk__fontset_free(fonts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_numbers_ignore_locale),
        cmocka_unit_test(test_tounicode_non_bmp),
        cmocka_unit_test(test_tounicode_variation_sequence),
        cmocka_unit_test(test_tounicode_one_glyph_for_several),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
