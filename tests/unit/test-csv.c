/* Unit tests for ingest/csv: RFC 4180 quoting, line ends, line numbers and limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ingest/csv.h"

static fk_csv_reader *reader(const char *s, const fk_csv_limits *limits)
{
    fk_csv_reader *r = fk_csv_reader_new(s, strlen(s), limits);
    assert_non_null(r);
    return r;
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),       cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_empty_lines), cmocka_unit_test(test_stray_quote),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
