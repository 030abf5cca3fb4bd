/* Unit tests for util/utf8: decoding and the ward-export normalisations. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "util/utf8.h"

static void test_decode(void **state)
{
    (void)state;
    uint32_t cp;
    assert_int_equal(fk_utf8_decode("\xF0\xA0\xAE\xB7", 4, &cp), 4); /* 𠮷 */
    assert_int_equal(cp, 0x20BB7);
    assert_int_equal(fk_utf8_decode("\xC0\xAF", 2, &cp), 0);     /* overlong */
    assert_int_equal(fk_utf8_decode("\xED\xA0\x80", 3, &cp), 0); /* surrogate */
    assert_int_equal(fk_utf8_decode("\xE3\x81", 2, &cp), 0);     /* truncated */
    assert_true(fk_utf8_is_valid("髙橋 𠮷", strlen("髙橋 𠮷")));
    assert_false(fk_utf8_is_valid("\xff", 1));
}

static void test_counts(void **state)
{
    (void)state;
    /* 葛 + VS17 is one character but two code points. */
    const char *ivs = "\xE8\x91\x9B\xF3\xA0\x84\x80";
    assert_int_equal(fk_utf8_length(ivs), 2);
    assert_int_equal(fk_utf8_char_count(ivs), 1);
}

static void check(fk_status (*fn)(fk_buf *, const char *, size_t), const char *in, const char *want)
{
    fk_buf b;
    fk_buf_init(&b, 1024);
    assert_int_equal(fn(&b, in, strlen(in)), FK_OK);
    assert_string_equal(fk_buf_cstr(&b), want);
    fk_buf_free(&b);
}

static void test_normalise(void **state)
{
    (void)state;
    check(fk_utf8_append_trimmed, "\u3000 山田 太郎 \u3000", "山田 太郎");
    check(fk_utf8_append_halfwidth, " １６０－００２２ ", "160-0022");
    check(fk_utf8_append_halfwidth, "ＡＢＣ１２", "ABC12");
    check(fk_utf8_append_fullwidth_kana, "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u3000タロウ");
    check(fk_utf8_append_fullwidth_kana, "ﾊﾟﾋﾟﾌﾟ ｳﾞ", "パピプ\u3000ヴ");
    check(fk_utf8_append_fullwidth_kana, "ヤマダ\u3000タロウ", "ヤマダ\u3000タロウ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_normalise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
