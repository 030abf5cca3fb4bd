/*
 * Unit tests for ingest/decode: detection, BOM, CP932 conversion and undecodable bytes, each
 * fed whole and in chunks that cut characters anywhere.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ingest/decode.h"
#include "util/buf.h"

/* Scans in chunks of chunk bytes (0: whole), then decodes in the same chunks. */
static fk_status decode_chunked(const char *in, size_t n, fk_encoding enc, size_t max, size_t chunk,
                                fk_buf *text, fk_encoding *used, fk_err *err)
{
    fk_decode_scan *scan;
    assert_int_equal(fk_decode_scan_new(enc, &scan, err), FK_OK);
    for (size_t i = 0; i < n; i += chunk ? chunk : n)
        fk_decode_scan_feed(scan, in + i, chunk && n - i > chunk ? chunk : n - i);
    fk_status st = fk_decode_scan_finish(scan, max, used, err);
    fk_decode_scan_free(scan);
    if (st != FK_OK)
        return st;
    fk_stream_mem m = {in, n, 0, chunk};
    fk_decoder *d;
    assert_int_equal(fk_decoder_new(*used, fk_stream_mem_read, &m, &d, err), FK_OK);
    fk_buf_reset(text);
    char buf[5]; /* small reads: characters must come whole all the same */
    size_t got;
    while ((st = fk_decoder_read(d, buf, chunk ? sizeof buf : 1, &got, err)) == FK_OK && got > 0)
        assert_int_equal(fk_buf_append(text, buf, got), FK_OK);
    fk_decoder_free(d);
    return st;
}

/* The same result fed whole and in chunks of every small size. */
static void decode(const char *in, size_t n, fk_encoding enc, fk_status want, const char *text,
                   fk_encoding want_used, const char *msg)
{
    static const size_t chunks[] = {0, 1, 2, 3, 4, 5, 7};
    fk_buf out;
    fk_buf_init(&out, 1 << 16);
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        fk_encoding used = FK_ENCODING_AUTO;
        fk_err err;
        fk_err_clear(&err);
        fk_status st = decode_chunked(in, n, enc, 1 << 16, chunks[k], &out, &used, &err);
        if (st != want)
            fail_msg("chunks of %zu: %s '%s'", chunks[k], fk_status_name(st), err.msg);
        if (want == FK_OK) {
            assert_int_equal(used, want_used);
            assert_int_equal(out.len, strlen(text));
            assert_memory_equal(out.data, text, out.len);
        } else if (!strstr(err.msg, msg)) {
            fail_msg("chunks of %zu: message '%s', expected '%s'", chunks[k], err.msg, msg);
        }
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
    /* A BOM is dropped only as the first bytes; a bad byte on line 1 counts from after it. */
    decode("\xEF\xBB\xBF"
           "ab\xFF",
           6, FK_ENCODING_AUTO, FK_EFORMAT, NULL, 0, "1:3: byte 3 of line 1 not valid in UTF-8");
    decode("\xEF\xBB\xBF", 3, FK_ENCODING_UTF8, FK_OK, "", FK_ENCODING_UTF8, NULL);
    decode("\xEF\xBB", 2, FK_ENCODING_UTF8, FK_EFORMAT, NULL, 0, "1:1:");
    /* A character of four bytes, cut anywhere, and one truncated at the end. */
    decode("a\xF0\x9F\x98\x80"
           "b",
           6, FK_ENCODING_AUTO, FK_OK,
           "a\xF0\x9F\x98\x80"
           "b",
           FK_ENCODING_UTF8, NULL);
    decode("ab\n\xE6\xB0\x8F\xE5\x90", 8, FK_ENCODING_UTF8, FK_EFORMAT, NULL, 0,
           "2:4: byte 4 of line 2 not valid in UTF-8");
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
    fk_buf_init(&out, 1 << 16);
    fk_encoding used;
    fk_err err;
    /* 4 bytes of CP932 are 6 of UTF-8. */
    assert_int_equal(
        decode_chunked("\x8E\x81\x96\xBC", 4, FK_ENCODING_CP932, 5, 1, &out, &used, &err),
        FK_ETOOBIG);
    assert_non_null(strstr(err.msg, "decoded CSV larger than 5 bytes"));
    assert_int_equal(decode_chunked("abcdef", 6, FK_ENCODING_AUTO, 5, 2, &out, &used, &err),
                     FK_ETOOBIG);
    assert_non_null(strstr(err.msg, "CSV larger than 5 bytes"));
    assert_int_equal(decode_chunked("abcde", 5, FK_ENCODING_AUTO, 5, 2, &out, &used, &err), FK_OK);
    fk_buf_free(&out);
}

/* A CP932 character cut by the chunks, then a bad byte far behind: its place is exact. */
static void test_across_chunks(void **state)
{
    (void)state;
    fk_buf in;
    fk_buf_init(&in, 1 << 20);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(fk_buf_append_str(&in, "\x8E\x81\x96\xBC,\x81\x60\r\n"), FK_OK);
    fk_buf want;
    fk_buf_init(&want, 1 << 20);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(fk_buf_append_str(&want, "氏名,～\r\n"), FK_OK);
    fk_buf out;
    fk_buf_init(&out, 1 << 20);
    static const size_t chunks[] = {1, 3, 5, 4096, 65535};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        fk_encoding used;
        fk_err err;
        assert_int_equal(decode_chunked(in.data, in.len, FK_ENCODING_AUTO, 1 << 20, chunks[k], &out,
                                        &used, &err),
                         FK_OK);
        assert_int_equal(used, FK_ENCODING_CP932);
        assert_int_equal(out.len, want.len);
        assert_memory_equal(out.data, want.data, want.len);
    }
    /* Line 3001: 氏 then a lead byte whose trail is not one. */
    assert_int_equal(fk_buf_append_str(&in, "\x8E\x81\x96\x0A"), FK_OK);
    decode(in.data, in.len, FK_ENCODING_CP932, FK_EFORMAT, NULL, 0,
           "3001:3: byte 3 of line 3001 not valid in CP932 (encoding CP932 as requested)");
    decode(in.data, in.len, FK_ENCODING_AUTO, FK_EFORMAT, NULL, 0,
           "3001:3: byte 3 of line 3001 not valid in CP932 (encodings tried: UTF-8, then CP932; "
           "not valid in either)");
    fk_buf_free(&in);
    fk_buf_free(&want);
    fk_buf_free(&out);
}

/* What the scan counts for ingest: line ends and whether a CR occurs. */
static void test_scan_counts(void **state)
{
    (void)state;
    fk_decode_scan *scan;
    fk_err err;
    assert_int_equal(fk_decode_scan_new(FK_ENCODING_AUTO, &scan, &err), FK_OK);
    fk_decode_scan_feed(scan, "a\r", 2);
    fk_decode_scan_feed(scan, "\nb\n\"c\nd\"", 8);
    assert_int_equal(fk_decode_scan_line_ends(scan), 3);
    assert_true(fk_decode_scan_has_cr(scan));
    fk_decode_scan_free(scan);
    assert_int_equal(fk_decode_scan_new(FK_ENCODING_UTF8, &scan, &err), FK_OK);
    fk_decode_scan_feed(scan, "a,b", 3);
    assert_int_equal(fk_decode_scan_line_ends(scan), 0);
    assert_false(fk_decode_scan_has_cr(scan));
    fk_decode_scan_free(scan);
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
    assert_string_equal(fk_encoding_name(FK_ENCODING_CP932), "CP932");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8),        cmocka_unit_test(test_cp932),
        cmocka_unit_test(test_limit),       cmocka_unit_test(test_across_chunks),
        cmocka_unit_test(test_scan_counts), cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
