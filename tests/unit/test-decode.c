/* Unit tests for ingest/decode: detection, BOM, CP932 conversion and undecodable bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ingest/decode.h"

static void decode(const char *in, size_t n, fk_encoding enc, fk_status want, const char *text,
                   fk_encoding want_used, const char *msg)
{
    fk_buf out;
    fk_buf_init(&out, 1 << 16);
    const char *t = NULL;
    size_t len = 0;
    fk_encoding used;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_decode_to_utf8(in, n, enc, &out, &t, &len, &used, &err), want);
    if (want == FK_OK) {
        assert_int_equal(used, want_used);
        assert_int_equal(len, strlen(text));
        assert_memory_equal(t, text, len);
    } else if (!strstr(err.msg, msg)) {
        fail_msg("message '%s', expected '%s'", err.msg, msg);
    }
    fk_buf_free(&out);
}

static void test_utf8(void **state)
{
    (void)state;
    decode("氏名\r\n", 8, FK_ENCODING_AUTO, FK_OK, "氏名\r\n", FK_ENCODING_UTF8, NULL);
    decode("\xEF\xBB\xBF氏名", 9, FK_ENCODING_AUTO, FK_OK, "氏名", FK_ENCODING_UTF8, NULL);
    decode("a\nb\xE6\xB0", 5, FK_ENCODING_UTF8, FK_EFORMAT, NULL, 0,
           "2:2: byte 2 of line 2 not valid in UTF-8");
    decode("", 0, FK_ENCODING_AUTO, FK_OK, "", FK_ENCODING_UTF8, NULL);
}

static void test_cp932(void **state)
{
    (void)state;
    /* 氏名 in CP932, then ～ (0x8160 is U+FF5E in Microsoft's table) and an NEC ① (0x8740). */
    decode("\x8E\x81\x96\xBC,\x81\x60,\x87\x40\r\n", 12, FK_ENCODING_AUTO, FK_OK, "氏名,～,①\r\n",
           FK_ENCODING_CP932, NULL);
    /* Half-width katakana ﾔ is one byte in CP932. */
    decode("\xD4", 1, FK_ENCODING_CP932, FK_OK, "ﾔ", FK_ENCODING_CP932, NULL);
    /* A lead byte with an invalid trail byte on line 2, after one two-byte character. */
    decode("ab\r\n\x8E\x81\x81\x20", 8, FK_ENCODING_CP932, FK_EFORMAT, NULL, 0,
           "2:3: byte 3 of line 2 not valid in CP932 (encoding CP932 as requested)");
    /* Detected: UTF-8 fails first, CP932 then fails at the true line and byte (counted in
     * bytes, so the two-byte characters before it count twice). */
    decode("ab\r\n\x8E\x81\x96\xBC,\x81\r\n", 11, FK_ENCODING_AUTO, FK_EFORMAT, NULL, 0,
           "2:6: byte 6 of line 2 not valid in CP932 (encodings tried: UTF-8, then CP932");
    /* A UTF-8 file with one bad byte on line 3: CP932 chokes on the UTF-8 of line 1 first,
     * but the true place is the byte UTF-8 could not read. */
    decode("氏名\nab\nxy\xFF\n", 15, FK_ENCODING_AUTO, FK_EFORMAT, NULL, 0,
           "3:3: byte 3 of line 3 not valid in UTF-8 (encodings tried: UTF-8, then CP932");
    /* Truncated at the end of the input. */
    decode("a\x8E", 2, FK_ENCODING_CP932, FK_EFORMAT, NULL, 0, "1:2:");
}

static void test_limit(void **state)
{
    (void)state;
    fk_buf out;
    fk_buf_init(&out, 5);
    const char *t;
    size_t len;
    fk_err err;
    assert_int_equal(
        fk_decode_to_utf8("\x8E\x81\x96\xBC", 4, FK_ENCODING_CP932, &out, &t, &len, NULL, &err),
        FK_ETOOBIG);
    fk_buf_free(&out);
}

static void test_names(void **state)
{
    (void)state;
    fk_encoding e;
    assert_true(fk_encoding_parse("Shift_JIS", &e));
    assert_int_equal(e, FK_ENCODING_CP932);
    assert_true(fk_encoding_parse("UTF-8", &e));
    assert_int_equal(e, FK_ENCODING_UTF8);
    assert_false(fk_encoding_parse("latin1", &e));
    assert_int_equal(fk_decode_detect("\x8E\x81", 2), FK_ENCODING_CP932);
    assert_int_equal(fk_decode_detect("氏名", 6), FK_ENCODING_UTF8);
    assert_int_equal(fk_decode_detect("\xEF\xBB\xBF\x8E", 4), FK_ENCODING_UTF8);
    assert_string_equal(fk_encoding_name(FK_ENCODING_CP932), "CP932");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_cp932),
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
