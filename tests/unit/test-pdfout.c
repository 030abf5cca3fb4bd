/*
 * Tests of the print-file PDF writer (pdfout.c): object structure and cross-reference offsets,
 * and numbers written with a decimal point under a locale that uses decimal commas.
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_numbers_ignore_locale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
