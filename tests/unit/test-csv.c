/*
 * Unit tests for ingest/csv: RFC 4180 quoting, line ends, line numbers and limits, and the
 * same rows, lines and errors whatever sizes the stream's chunks have.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ingest/csv.h"
#include "util/buf.h"

/* The input of the one reader a test has open at a time. */
static fk_stream_mem cursor;

static fk_csv_reader *reader_chunked(const char *s, size_t n, size_t chunk,
                                     const fk_csv_limits *limits)
{
    cursor = (fk_stream_mem){s, n, 0, chunk};
    fk_csv_reader *r = fk_csv_reader_new(fk_stream_mem_read, &cursor, limits);
    assert_non_null(r);
    return r;
}

static fk_csv_reader *reader(const char *s, const fk_csv_limits *limits)
{
    return reader_chunked(s, strlen(s), 0, limits);
}

static void next_row(fk_csv_reader *r, size_t nfields, long line)
{
    bool has;
    fk_err err;
    assert_int_equal(fk_csv_reader_next(r, &has, &err), FK_OK);
    assert_true(has);
    assert_int_equal(fk_csv_reader_field_count(r), nfields);
    assert_int_equal(fk_csv_reader_line(r), line);
}

static void end(fk_csv_reader *r)
{
    bool has;
    fk_err err;
    assert_int_equal(fk_csv_reader_next(r, &has, &err), FK_OK);
    assert_false(has);
}

static void test_plain(void **state)
{
    (void)state;
    fk_csv_reader *r = reader("a,b,c\r\n1,,3\n", NULL);
    next_row(r, 3, 1);
    assert_string_equal(fk_csv_reader_field(r, 2, NULL), "c");
    next_row(r, 3, 2);
    size_t len;
    assert_string_equal(fk_csv_reader_field(r, 1, &len), "");
    assert_int_equal(len, 0);
    assert_string_equal(fk_csv_reader_field(r, 2, NULL), "3");
    end(r);
    fk_csv_reader_free(r);
}

static void test_quoted(void **state)
{
    (void)state;
    fk_csv_reader *r = reader("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nx,\"\",y\r\n", NULL);
    next_row(r, 3, 1);
    assert_string_equal(fk_csv_reader_field(r, 0, NULL), "a,b");
    assert_string_equal(fk_csv_reader_field(r, 1, NULL), "say \"hi\"");
    assert_string_equal(fk_csv_reader_field(r, 2, NULL), "two\r\nlines");
    next_row(r, 3, 3);
    assert_string_equal(fk_csv_reader_field(r, 1, NULL), "");
    end(r);
    fk_csv_reader_free(r);
}

static void test_empty_lines(void **state)
{
    (void)state;
    fk_csv_reader *r = reader("a,b\r\n\r\nc,d\r\n\r\n\n\r\n", NULL);
    next_row(r, 2, 1);
    next_row(r, 1, 2); /* an empty line in the middle is a row: it has the wrong width */
    next_row(r, 2, 3);
    end(r);
    end(r);
    fk_csv_reader_free(r);

    r = reader("", NULL);
    end(r);
    fk_csv_reader_free(r);

    r = reader("a,b", NULL);
    next_row(r, 2, 1);
    assert_string_equal(fk_csv_reader_field(r, 1, NULL), "b");
    end(r);
    fk_csv_reader_free(r);

    r = reader("a,\n", NULL);
    next_row(r, 2, 1);
    end(r);
    fk_csv_reader_free(r);
}

static void test_stray_quote(void **state)
{
    (void)state;
    fk_csv_reader *r = reader("ab\"c,d\n", NULL);
    next_row(r, 2, 1);
    assert_string_equal(fk_csv_reader_field(r, 0, NULL), "ab\"c");
    fk_csv_reader_free(r);
}

static void expect_error(const char *s, const fk_csv_limits *limits, fk_status want,
                         const char *msg)
{
    fk_csv_reader *r = reader(s, limits);
    bool has = true;
    fk_err err;
    fk_err_clear(&err);
    fk_status st;
    while ((st = fk_csv_reader_next(r, &has, &err)) == FK_OK && has)
        ;
    assert_int_equal(st, want);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s', expected '%s'", err.msg, msg);
    fk_csv_reader_free(r);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("a,b\nc,\"unterminated\n", NULL, FK_EFORMAT, "2:2: unterminated quoted field");
    expect_error("a,\"b\"c\n", NULL, FK_EFORMAT, "1:2: text after a closing quote");
    fk_csv_limits small = {4, 3, 10};
    expect_error("abcde\n", &small, FK_ETOOBIG, "1:1: field longer than 4 bytes");
    expect_error("x\n\"ab\"\"cd\"\n", &small, FK_ETOOBIG, "2:1: field longer than 4 bytes");
    expect_error("a,b,c,d\n", &small, FK_ETOOBIG, "line 1: more than 3 fields");
    expect_error("abcd,abcd,abcd\n", &small, FK_ETOOBIG, "line 1: row longer than 10 bytes");
}

static void test_reuse(void **state)
{
    (void)state;
    /* Many rows through one reader: buffers are reused, content stays right. */
    char data[64 * 1000 + 1];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(data + n, sizeof data - n, "%d,\"q,%d\"\r\n", i, i);
    fk_csv_reader *r = reader(data, NULL);
    for (int i = 0; i < 1000; i++) {
        next_row(r, 2, i + 1);
        char want[32];
        snprintf(want, sizeof want, "q,%d", i);
        assert_string_equal(fk_csv_reader_field(r, 1, NULL), want);
    }
    end(r);
    fk_csv_reader_free(r);
}

/* Every row (its line and fields, lengths included) and how reading ended, as text. */
static void transcript(const char *s, size_t n, size_t chunk, const fk_csv_limits *limits,
                       fk_buf *out)
{
    fk_buf_reset(out);
    fk_csv_reader *r = reader_chunked(s, n, chunk, limits);
    bool has = true;
    fk_err err;
    fk_err_clear(&err);
    fk_status st;
    while ((st = fk_csv_reader_next(r, &has, &err)) == FK_OK && has) {
        assert_int_equal(fk_buf_appendf(out, "%ld:", fk_csv_reader_line(r)), FK_OK);
        for (size_t i = 0; i < fk_csv_reader_field_count(r); i++) {
            size_t len;
            const char *f = fk_csv_reader_field(r, i, &len);
            assert_int_equal(fk_buf_appendf(out, "[%zu]", len), FK_OK);
            assert_int_equal(fk_buf_append(out, f, len), FK_OK);
        }
        assert_int_equal(fk_buf_append_str(out, "\n"), FK_OK);
    }
    assert_int_equal(fk_buf_appendf(out, "%s %s", fk_status_name(st), st == FK_OK ? "" : err.msg),
                     FK_OK);
    fk_csv_reader_free(r);
}

/* Fed in chunks of every small size, the reader sees what it sees fed whole. */
static void expect_same_in_chunks(const char *s, size_t n, const fk_csv_limits *limits)
{
    fk_buf whole, cut;
    fk_buf_init(&whole, 1 << 22);
    fk_buf_init(&cut, 1 << 22);
    transcript(s, n, 0, limits, &whole);
    static const size_t chunks[] = {1, 2, 3, 4, 5, 7, 11, 64, 4095};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        transcript(s, n, chunks[k], limits, &cut);
        if (cut.len != whole.len || memcmp(cut.data, whole.data, whole.len) != 0)
            fail_msg("chunks of %zu: got\n%s\nexpected\n%s", chunks[k], fk_buf_cstr(&cut),
                     fk_buf_cstr(&whole));
    }
    fk_buf_free(&whole);
    fk_buf_free(&cut);
}

static void test_chunks(void **state)
{
    (void)state;
    static const char *inputs[] = {
        "a,b,c\r\n1,,3\n",
        "\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nx,\"\",y\r\n",
        "h\r\n\"quoted\nline\nbreaks\",z\r\nnext,row\r\n", /* row 2 starts on line 2, row 3 on 5 */
        "a,b\r\n\r\nc,d\r\n\r\n\n\r\n",
        "a\r\n\n\n\nb\r\n",
        "a\n\r",
        "a\r\r\nb\r",
        "a\rb\r\n",
        "",
        "a,b",
        "a,",
        "ab\"c,d\n",
        "\"\"\"\"\r\n\"\",\"\"\r\n",
        "a,b\nc,\"unterminated\n",
        "a\r\n\"unterminated at the end\r\n\r\n",
        "a,\"b\"c\n",
        "a,\"b\"\r\r\n",
        "a,\"b\"\r",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        expect_same_in_chunks(inputs[i], strlen(inputs[i]), NULL);
    fk_csv_limits small = {4, 3, 10};
    expect_same_in_chunks("abcde\n", 6, &small);
    expect_same_in_chunks("x\n\"ab\"\"cd\"\n", 11, &small);
    expect_same_in_chunks("a,b,c,d\n", 8, &small);
    expect_same_in_chunks("abcd,abcd,abcd\n", 15, &small);
    expect_same_in_chunks("ab,abcd,abcde\n", 14, &small);
}

static void test_chunks_explicit(void **state)
{
    (void)state;
    /* A CRLF cut between its bytes is one line end; a quoted line break cut anywhere stays. */
    fk_csv_reader *r = reader_chunked("a\r\nb\r\n\"x\r\ny\"\r\n", 14, 1, NULL);
    next_row(r, 1, 1);
    assert_string_equal(fk_csv_reader_field(r, 0, NULL), "a");
    next_row(r, 1, 2);
    assert_string_equal(fk_csv_reader_field(r, 0, NULL), "b");
    next_row(r, 1, 3);
    assert_string_equal(fk_csv_reader_field(r, 0, NULL), "x\r\ny");
    end(r);
    fk_csv_reader_free(r);
    /* An unterminated quote at the end of the input names the line where it opened. */
    bool has;
    fk_err err;
    r = reader_chunked("a\n\"b\nc", 7, 2, NULL);
    next_row(r, 1, 1);
    assert_int_equal(fk_csv_reader_next(r, &has, &err), FK_EFORMAT);
    assert_non_null(strstr(err.msg, "2:1: unterminated quoted field"));
    fk_csv_reader_free(r);
}

/* Far more than one window of input, cut at every alignment by odd chunk sizes. */
static void test_windows(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 22);
    for (int i = 0; b.len < 3 * FK_CSV_WINDOW; i++)
        assert_int_equal(fk_buf_appendf(&b, "%d,\"q,%d\r\n\"\"z\",%s\r\n%s", i, i, i % 7 ? "x" : "",
                                        i % 5 ? "" : "\r\n"),
                         FK_OK);
    expect_same_in_chunks(b.data, b.len, NULL);
    fk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),       cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_empty_lines), cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_chunks),      cmocka_unit_test(test_chunks_explicit),
        cmocka_unit_test(test_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
