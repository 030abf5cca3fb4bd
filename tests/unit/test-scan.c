/* Unit tests for verify/scan: the camera export's columns, RFC 4180 quoting, positions in
 * error messages, limits, and that the result does not depend on how the bytes arrive. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verify/scan.h"

typedef struct {
    char text[8192];
    size_t len;
    int lines, stop_after;
} collect;

static int visit(const fk_scan_line *l, void *ctx)
{
    collect *c = ctx;
    int n = snprintf(c->text + c->len, sizeof c->text - c->len, "%ld[%s][%s][%s]\n", l->line,
                     l->envelope, l->payload, l->time);
    c->len += (size_t)n;
    c->lines++;
    return c->stop_after && c->lines >= c->stop_after;
}

/* Parses s fed in chunks of `chunk` bytes (0: all at once). */
static fk_status parse(const char *s, size_t len, size_t chunk, collect *c, fk_err *err)
{
    fk_scan_parser *p;
    memset(c, 0, sizeof *c);
    assert_int_equal(fk_scan_parser_new("cam.csv", visit, c, &p, err), FK_OK);
    fk_status st = FK_OK;
    if (chunk == 0)
        chunk = len ? len : 1;
    for (size_t at = 0; st == FK_OK && at < len; at += chunk)
        st = fk_scan_parser_feed(p, s + at, len - at < chunk ? len - at : chunk, err);
    if (st == FK_OK)
        st = fk_scan_parser_finish(p, err);
    fk_scan_parser_free(p);
    return st;
}

static void expect_ok(const char *s, const char *want)
{
    collect c, c1;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(parse(s, strlen(s), 0, &c, &err), FK_OK);
    assert_string_equal(c.text, want);
    /* One byte at a time gives the same lines. */
    assert_int_equal(parse(s, strlen(s), 1, &c1, &err), FK_OK);
    assert_string_equal(c1.text, want);
}

static void expect_error(const char *s, size_t len, fk_status want, const char *msg)
{
    collect c;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(parse(s, len, 0, &c, &err), want);
    if (strstr(fk_err_message(&err), msg) == NULL)
        fail_msg("got '%s', want '%s'", fk_err_message(&err), msg);
    fk_err_clear(&err);
    assert_int_equal(parse(s, len, 3, &c, &err), want);
    if (strstr(fk_err_message(&err), msg) == NULL)
        fail_msg("in chunks: got '%s', want '%s'", fk_err_message(&err), msg);
}

static void test_lines(void **state)
{
    (void)state;
    expect_ok("envelope,payload,time\r\n1,FK1|A|S|000001|1/2|0123456789,09:00:01\r\n"
              "1,,09:00:02\r\n",
              "2[1][FK1|A|S|000001|1/2|0123456789][09:00:01]\n3[1][][09:00:02]\n");
    /* No header, LF ends, no time column, no final line end, blank lines skipped. */
    expect_ok("7,FK1|X\n\n8,FK2", "1[7][FK1|X][]\n3[8][FK2][]\n");
    /* Quoted fields, a doubled quote and a comma inside the time. */
    expect_ok("\"12\",\"FK1|A\",\"a,\"\"b\"\"\"\r\n", "1[12][FK1|A][a,\"b\"]\n");
    expect_ok("envelope,payload\n", "");
    expect_ok("", "");
}

static void test_columns(void **state)
{
    (void)state;
    const char *one = "1,FK1\n2\n";
    expect_error(one, strlen(one), FK_EFORMAT, "cam.csv:2:1: 1 column, expected 2 or 3");
    const char *four = "1,FK1,t,x\n";
    expect_error(four, strlen(four), FK_EFORMAT, "cam.csv:1:9: 4 columns");
    const char *hdr = "envelope,code\n";
    expect_error(hdr, strlen(hdr), FK_EFORMAT, "cam.csv:1:1: header must be");
}

static void test_quoting(void **state)
{
    (void)state;
    const char *inside = "1,F\"K\n";
    expect_error(inside, strlen(inside), FK_EFORMAT, "cam.csv:1:4: a quote inside an unquoted");
    const char *after = "1,\"FK\"x\n";
    expect_error(after, strlen(after), FK_EFORMAT, "cam.csv:1:7: text after a closing quote");
    const char *open = "1,FK1\n2,\"FK1|A\n";
    expect_error(open, strlen(open), FK_EFORMAT, "cam.csv:2:3: this quote is not closed");
}

static void test_values(void **state)
{
    (void)state;
    const char *ean = "1,4901234567894\n";
    expect_error(ean, strlen(ean), FK_EFORMAT, "cam.csv:1:3: the payload is not an insert-control");
    const char *space = "1,FK1 |A\n";
    expect_error(space, strlen(space), FK_EFORMAT, "cam.csv:1:3: the payload is not");
    const char *env = "A1,FK1\n";
    expect_error(env, strlen(env), FK_EFORMAT, "cam.csv:1:1: the envelope number");
    const char *longenv = "1234567890123,FK1\n";
    expect_error(longenv, strlen(longenv), FK_EFORMAT, "cam.csv:1:1: the envelope number");
    const char utf8[] = "1,FK1,ok\n2,FK1,\xe6\x97\xa5\xff\n";
    expect_error(utf8, sizeof utf8 - 1, FK_EFORMAT, "cam.csv:2:10: invalid UTF-8");
}

static void test_long_line(void **state)
{
    (void)state;
    size_t n = 10000;
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, "1,FK1\n2,", 8);
    memset(s + 8, 'F', n - 8);
    s[n] = '\0';
    expect_error(s, n, FK_ETOOBIG, "cam.csv:2:4097: line longer than 4096 bytes");
    free(s);
}

static void test_stop_and_sticky(void **state)
{
    (void)state;
    collect c;
    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    fk_scan_parser *p;
    fk_err err;
    assert_int_equal(fk_scan_parser_new("x", visit, &c, &p, &err), FK_OK);
    assert_int_equal(fk_scan_parser_feed(p, "1,FK1\n2,FK1\n", 12, &err), FK_OK);
    assert_int_equal(fk_scan_parser_finish(p, &err), FK_OK);
    assert_int_equal(c.lines, 1);
    fk_scan_parser_free(p);
    /* After an error every call returns it. */
    memset(&c, 0, sizeof c);
    assert_int_equal(fk_scan_parser_new("x", visit, &c, &p, &err), FK_OK);
    assert_int_equal(fk_scan_parser_feed(p, "1,\"a\"b\n", 7, &err), FK_EFORMAT);
    assert_int_equal(fk_scan_parser_feed(p, "1,FK1\n", 6, &err), FK_EFORMAT);
    assert_int_equal(fk_scan_parser_finish(p, &err), FK_EFORMAT);
    assert_int_equal(c.lines, 0);
    fk_scan_parser_free(p);
}

static void test_file(void **state)
{
    (void)state;
    char path[] = "/tmp/fk-test-scan-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("envelope,payload\n1,FK1|A\n", f);
    fclose(f);
    collect c;
    memset(&c, 0, sizeof c);
    fk_err err;
    assert_int_equal(fk_scan_read_file(path, visit, &c, &err), FK_OK);
    assert_string_equal(c.text, "2[1][FK1|A][]\n");
    unlink(path);
    assert_int_equal(fk_scan_read_file(path, visit, &c, &err), FK_ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),     cmocka_unit_test(test_columns),
        cmocka_unit_test(test_quoting),   cmocka_unit_test(test_values),
        cmocka_unit_test(test_long_line), cmocka_unit_test(test_stop_and_sticky),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
