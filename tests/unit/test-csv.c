/* Unit tests for ingest/csv: RFC 4180 quoting, line ends, positions and limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ingest/csv.h"

/* Reads all of text; returns the rows joined as "f1|f2;f1|f2;" with each row's line. */
static fk_status read_all(const char *text, const fk_csv_limits *lim, char *out, size_t size,
                          fk_err *err)
{
    fk_csv_reader *r = fk_csv_reader_new(text, strlen(text), lim);
    assert_non_null(r);
    size_t used = 0;
    out[0] = '\0';
    fk_status s;
    while ((s = fk_csv_reader_next(r, err)) == FK_OK) {
        used += (size_t)snprintf(out + used, size - used, "%zu:", fk_csv_reader_line(r));
        for (size_t i = 0; i < fk_csv_reader_field_count(r); i++) {
            size_t len;
            const char *f = fk_csv_reader_field(r, i, &len);
            assert_int_equal(strlen(f), len);
            used += (size_t)snprintf(out + used, size - used, "%s%s", i ? "|" : "", f);
        }
        used += (size_t)snprintf(out + used, size - used, ";");
    }
    fk_csv_reader_free(r);
    return s == FK_ENOENT ? FK_OK : s;
}

static void expect_rows(const char *text, const char *want)
{
    char got[1024];
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(read_all(text, NULL, got, sizeof got, &err), FK_OK);
    assert_string_equal(got, want);
}

static void expect_error(const char *text, const fk_csv_limits *lim, fk_status want,
                         const char *msg)
{
    char got[1024];
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(read_all(text, lim, got, sizeof got, &err), want);
    assert_string_equal(err.msg, msg);
}

static void test_plain(void **state)
{
    (void)state;
    expect_rows("a,b,c\n1,2,3\n", "1:a|b|c;2:1|2|3;");
    expect_rows("a,b\r\n1,2\r\n", "1:a|b;2:1|2;");
    expect_rows("a,b\r\n1,2", "1:a|b;2:1|2;");
    expect_rows("a,,\n", "1:a||;");
    expect_rows("", "");
}

static void test_quoted(void **state)
{
    (void)state;
    expect_rows("\"a,b\",\"say \"\"hi\"\"\"\r\n", "1:a,b|say \"hi\";");
    expect_rows("\"\",x\n", "1:|x;");
    /* A line break inside quotes: the next row starts two lines later. */
    expect_rows("\"line1\r\nline2\",x\r\ny,z\r\n", "1:line1\r\nline2|x;3:y|z;");
    expect_rows("a,\"b\"", "1:a|b;");
}

static void test_trailing_and_blank_lines(void **state)
{
    (void)state;
    expect_rows("a,b\r\n1,2\r\n\r\n\r\n", "1:a|b;2:1|2;");
    expect_rows("a,b\n\n1,2\n", "1:a|b;2:;3:1|2;");
}

static void test_malformed(void **state)
{
    (void)state;
    expect_error("a,\"b\n", NULL, FK_EFORMAT, "1:2: quoted field not closed");
    expect_error("a,b\n\"x\"y,z\n", NULL, FK_EFORMAT, "2:1: text after the closing quote");
    expect_error("a,b\"c\n", NULL, FK_EFORMAT, "1:2: quote inside an unquoted field");
    expect_error("a,b\rc\n", NULL, FK_EFORMAT, "1:2: carriage return without line feed");
}

static void test_limits(void **state)
{
    (void)state;
    fk_csv_limits lim = {.max_field = 4, .max_fields = 3, .max_row = 8};
    expect_error("abcde\n", &lim, FK_ETOOBIG, "1:1: field longer than 4 bytes");
    expect_error("a,b\n1,2,3,4\n", &lim, FK_ETOOBIG, "2:4: more than 3 fields in a row");
    expect_error("abc,def,ghi\n", &lim, FK_ETOOBIG, "1:3: row longer than 8 bytes");
    char got[256];
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(read_all("abcd,efgh\n\"ab\"\"\",c\n", &lim, got, sizeof got, &err), FK_OK);
    assert_string_equal(got, "1:abcd|efgh;2:ab\"|c;");
}

/* Buffers are reused: reading many rows must not depend on their number. */
static void test_many_rows(void **state)
{
    (void)state;
    static char text[100000];
    size_t used = 0;
    for (int i = 0; i < 5000; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%d,\"x,%d\"\r\n", i, i);
    fk_csv_reader *r = fk_csv_reader_new(text, used, NULL);
    assert_non_null(r);
    fk_err err;
    fk_err_clear(&err);
    size_t rows = 0;
    while (fk_csv_reader_next(r, &err) == FK_OK) {
        rows++;
        assert_int_equal(fk_csv_reader_line(r), rows);
        assert_int_equal(fk_csv_reader_field_count(r), 2);
    }
    assert_int_equal(rows, 5000);
    fk_csv_reader_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_trailing_and_blank_lines),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_many_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
