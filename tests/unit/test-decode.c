/* Unit tests for ingest/decode: detection, CP932 conversion and error positions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ingest/decode.h"
#include "util/mem.h"

static void expect_decoded(const char *in, size_t n, fk_encoding enc, const char *want,
                           fk_encoding want_used)
{
    char *out;
    size_t len;
    fk_encoding used;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_decode_to_utf8(in, n, enc, 1 << 20, &out, &len, &used, &err), FK_OK);
    assert_int_equal(len, strlen(want));
    assert_string_equal(out, want);
    assert_int_equal(used, want_used);
    fk_free(out);
}

static void expect_failure(const char *in, size_t n, fk_encoding enc, size_t max, fk_status want,
                           const char *msg)
{
    char *out = (char *)1;
    size_t len;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_decode_to_utf8(in, n, enc, max, &out, &len, NULL, &err), want);
    assert_null(out);
    assert_string_equal(err.msg, msg);
}

/* 山田,ﾀﾛｳ,髙 in CP932 (髙 is an IBM extension that plain Shift_JIS lacks). */
static const char cp932[] = "\x8E\x52\x93\x63,\xC0\xDB\xB3,\xFB\xFC\r\n";

static void test_detect(void **state)
{
    (void)state;
    assert_int_equal(fk_encoding_detect("abc", 3), FK_ENC_UTF8);
    assert_int_equal(fk_encoding_detect("\xEF\xBB\xBF"
                                        "abc",
                                        6),
                     FK_ENC_UTF8);
    assert_int_equal(fk_encoding_detect("山田", strlen("山田")), FK_ENC_UTF8);
    assert_int_equal(fk_encoding_detect(cp932, sizeof cp932 - 1), FK_ENC_CP932);
}

static void test_convert(void **state)
{
    (void)state;
    expect_decoded("\xEF\xBB\xBF"
                   "a,b\r\n",
                   8, FK_ENC_AUTO, "a,b\r\n", FK_ENC_UTF8);
    expect_decoded("山田,𠮷", strlen("山田,𠮷"), FK_ENC_AUTO, "山田,𠮷", FK_ENC_UTF8);
    expect_decoded(cp932, sizeof cp932 - 1, FK_ENC_AUTO, "山田,ﾀﾛｳ,髙\r\n", FK_ENC_CP932);
    expect_decoded(cp932, sizeof cp932 - 1, FK_ENC_CP932, "山田,ﾀﾛｳ,髙\r\n", FK_ENC_CP932);
    expect_decoded("", 0, FK_ENC_AUTO, "", FK_ENC_UTF8);
}

static void test_errors(void **state)
{
    (void)state;
    /* Forced UTF-8 on CP932 bytes: the first bad byte's line and column. */
    expect_failure("a,b\nx\x8E\x52", 7, FK_ENC_UTF8, 1 << 20, FK_EFORMAT,
                   "2:2: byte is not valid UTF-8");
    /* 0x85 0x40 is unassigned in CP932. */
    expect_failure("ab\r\ncd\x85\x40", 8, FK_ENC_AUTO, 1 << 20, FK_EFORMAT,
                   "2:3: byte is not valid CP932");
    expect_failure("ab\x8E", 3, FK_ENC_CP932, 1 << 20, FK_EFORMAT,
                   "1:3: CP932 character cut off at the end");
    expect_failure("abcdef", 6, FK_ENC_UTF8, 4, FK_ETOOBIG, "CSV larger than 4 bytes");
    expect_failure("\x8E\x52\x8E\x52", 4, FK_ENC_CP932, 4, FK_ETOOBIG,
                   "CSV larger than 4 bytes once decoded");
}

static void test_parse_name(void **state)
{
    (void)state;
    fk_encoding e;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_encoding_parse("UTF-8", &e, &err), FK_OK);
    assert_int_equal(e, FK_ENC_UTF8);
    assert_int_equal(fk_encoding_parse("sjis", &e, &err), FK_OK);
    assert_int_equal(e, FK_ENC_CP932);
    assert_int_equal(fk_encoding_parse("auto", &e, &err), FK_OK);
    assert_int_equal(e, FK_ENC_AUTO);
    assert_int_equal(fk_encoding_parse("latin1", &e, &err), FK_EINVAL);
    assert_string_equal(fk_encoding_name(FK_ENC_CP932), "CP932");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_parse_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
