/*
 * Unit tests for core/order: a complete job.yaml parses into every setting, defaults fill
 * what the order leaves out, and each error names the file, line and column it is about.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/order.h"
#include "fk-config.h"
#include "util/mem.h"

/* The rest of the voucher settings and the insurer, on one line each (flow style). */
#define VOUCHER_REST                                                                               \
    "copay_amount: 0, insurer_limit: 28000, contract_agent: 東京都医師会,"                   \
    " payment_agent_number: '91399999', payment_agent_name: 東京都国民健康保険団体連合会"
#define INSURER                                                                                      \
    "insurer: {number: '131045', name: 新宿区, department: 新宿区健康部健康づくり課," \
    " postal_code: 160-8484, address: 新宿区歌舞伎町1-4-1, phone: 03-3209-1111,"              \
    " head: 新宿区長, contact: 新宿区健康部健康づくり課 保健指導係}\n"

/* The shape of tests/fixtures/job.yaml, with templates and rules added. */
static const char full[] =
    "# A print order\n"
    "fiscal_year: 2025\n"
    "ward: 新宿区\n"
    "job_code: SJK25A\n"
    "expected:\n"
    "  積極的支援: 613\n"
    "  動機付け支援: 1130\n"
    "  H: 2387\n"
    "  健康相談: 0\n"
    "voucher:\n"
    "  issue_date: 2025-06-20\n"
    "  valid_from: 2025-07-01\n"
    "  valid_until: 2026-03-31\n"
    "  min_days: 60\n"
    "  copay_rate: 10\n"
    "  insurer_limit: 28000\n"
    "  contract_agent: 東京都医師会\n"
    "  payment_agent_number: '91399999'\n"
    "  payment_agent_name: 東京都国民健康保険団体連合会\n" INSURER "printer: fukan-print\n"
    "batch_size: 250\n"
    "postal_mismatch: warn\n"
    "rules: rules-2025.yaml\n"
    "templates:\n"
    "  voucher-tokutei: tpl/voucher.yaml\n"
    "  results: tpl/results.yaml\n"
    "enclosures:\n"
    "  積極的支援: [利用のご案内, 返信用封筒]\n"
    "  受診勧奨通知: [リーフレット]\n"
    "window:\n"
    "  x: 21.5\n"
    "  y: 12\n"
    "  width: 90\n"
    "  height: 45\n";

/* The five settings every order must have, on six lines. */
#define MINIMAL                                                                                    \
    "fiscal_year: 2025\n"                                                                          \
    "ward: 新宿区\n"                                                                            \
    "job_code: SJK25A\n"                                                                           \
    "voucher: {valid_from: 2025-07-01, valid_until: 2026-03-31,\n"                                 \
    "  " VOUCHER_REST "}\n" INSURER

static fk_order *parse_ok(const char *text)
{
    fk_order *o = NULL;
    fk_err err;
    fk_err_clear(&err);
    fk_status s = fk_order_parse("job.yaml", text, strlen(text), &o, &err);
    if (s != FK_OK)
        fail_msg("unexpected error: %s", fk_err_message(&err));
    return o;
}

/*
 * Parses text and expects FK_EFORMAT with a message "job.yaml:LINE:COL: ..." holding what
 * (any line or column where they are 0).
 */
static void expect_error(const char *text, int line, int col, const char *what)
{
    fk_order *o = NULL;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_order_parse("job.yaml", text, strlen(text), &o, &err), FK_EFORMAT);
    assert_null(o);
    const char *msg = fk_err_message(&err);
    int got_line = 0, got_col = 0, end = 0;
    bool placed = sscanf(msg, "job.yaml:%d:%d: %n", &got_line, &got_col, &end) == 2 && end > 0 &&
                  got_line > 0 && got_col > 0;
    if (!placed || (line != 0 && got_line != line) || (col != 0 && got_col != col) ||
        strstr(msg + end, what) == NULL)
        fail_msg("expected \"job.yaml:%d:%d: ...%s\", got \"%s\"", line, col, what, msg);
}

static void test_full(void **state)
{
    (void)state;
    fk_order *o = parse_ok(full);
    assert_int_equal(fk_order_fiscal_year(o), 2025);
    assert_string_equal(fk_order_ward(o), "新宿区");
    assert_string_equal(fk_order_job_code(o), "SJK25A");
    assert_int_equal(fk_order_expected(o, FK_CAT_SEKKYOKU), 613);
    assert_int_equal(fk_order_expected(o, FK_CAT_DOUKI), 1130);
    assert_int_equal(fk_order_expected(o, FK_CAT_HIHIMAN), 2387);
    assert_int_equal(fk_order_expected(o, FK_CAT_KENKO), 0);
    assert_int_equal(fk_order_expected(o, FK_CAT_JUSHIN), -1);
    assert_int_equal(fk_order_expected(o, FK_CAT_COUNT), -1);
    fk_date from = fk_order_valid_from(o), until = fk_order_valid_until(o);
    assert_int_equal(from.year, 2025);
    assert_int_equal(from.month, 7);
    assert_int_equal(from.day, 1);
    assert_int_equal(until.year, 2026);
    assert_int_equal(until.month, 3);
    assert_int_equal(until.day, 31);
    fk_order_voucher v;
    fk_order_get_voucher(o, &v);
    assert_int_equal(v.issue_date.day, 20);
    assert_int_equal(v.min_days, 60);
    assert_int_equal(v.copay_rate, 10);
    assert_int_equal(v.copay_amount, -1);
    assert_int_equal(v.insurer_limit, 28000);
    assert_string_equal(v.contract_agent, "東京都医師会");
    assert_string_equal(v.payment_agent_number, "91399999");
    assert_string_equal(v.payment_agent_name, "東京都国民健康保険団体連合会");
    fk_order_insurer ins;
    fk_order_get_insurer(o, &ins);
    assert_string_equal(ins.number, "131045");
    assert_string_equal(ins.department, "新宿区健康部健康づくり課");
    assert_string_equal(ins.postal_code, "160-8484");
    assert_string_equal(ins.phone, "03-3209-1111");
    assert_string_equal(ins.head, "新宿区長");
    assert_string_equal(fk_order_printer(o), "fukan-print");
    assert_int_equal(fk_order_batch_size(o), 250);
    assert_int_equal(fk_order_postal_mismatch(o), FK_MISMATCH_WARN);
    assert_string_equal(fk_order_rules(o), "rules-2025.yaml");
    assert_string_equal(fk_order_template(o, "voucher-tokutei"), "tpl/voucher.yaml");
    assert_string_equal(fk_order_template(o, "results"), "tpl/results.yaml");
    assert_null(fk_order_template(o, "voucher-douki"));

    const char *items[FK_ORDER_MAX_STOCK];
    assert_int_equal(fk_order_stock_items(o, FK_CAT_SEKKYOKU, items), 2);
    assert_string_equal(items[0], "利用のご案内");
    assert_string_equal(items[1], "返信用封筒");
    assert_int_equal(fk_order_stock_items(o, FK_CAT_JUSHIN, items), 1);
    assert_string_equal(items[0], "リーフレット");
    assert_int_equal(fk_order_stock_items(o, FK_CAT_DOUKI, items), 0);
    assert_int_equal(fk_order_stock_items(o, FK_CAT_COUNT, items), 0);

    double x, y, w, h;
    fk_order_window(o, &x, &y, &w, &h);
    assert_true(x == 21.5 && y == 12 && w == 90 && h == 45);
    fk_order_free(o);
    fk_order_free(NULL);
}

static void test_defaults(void **state)
{
    (void)state;
    fk_order *o = parse_ok(MINIMAL);
    assert_int_equal(fk_order_batch_size(o), 500);
    assert_int_equal(fk_order_postal_mismatch(o), FK_MISMATCH_REJECT);
    for (int c = 0; c < FK_CAT_COUNT; c++)
        assert_int_equal(fk_order_expected(o, (fk_category)c), -1);
    double x, y, w, h;
    fk_order_window(o, &x, &y, &w, &h);
    assert_true(x == 23 && y == 13 && w == 90 && h == 45);
    assert_null(fk_order_printer(o));
    assert_null(fk_order_rules(o));
    assert_null(fk_order_template(o, "results"));
    const char *items[FK_ORDER_MAX_STOCK];
    assert_int_equal(fk_order_stock_items(o, FK_CAT_KENKO, items), 0);
    fk_order_free(o);

    /* A one-day validity is allowed. */
    o = parse_ok("fiscal_year: 2025\nward: 新宿区\njob_code: A\n"
                 "voucher: {valid_from: 2026-03-31, valid_until: 2026-03-31, " VOUCHER_REST
                 "}\n" INSURER);
    fk_order_free(o);
}

static void test_fixture(void **state)
{
    (void)state;
    fk_order *o = NULL;
    fk_err err;
    assert_int_equal(fk_order_load(FK_SOURCE_ROOT "/tests/fixtures/job.yaml", &o, &err), FK_OK);
    assert_int_equal(fk_order_expected(o, FK_CAT_JUSHIN), 283);
    const char *items[FK_ORDER_MAX_STOCK];
    assert_int_equal(fk_order_stock_items(o, FK_CAT_HIHIMAN, items), 3);
    fk_order_free(o);

    assert_int_equal(fk_order_load(FK_SOURCE_ROOT "/tests/fixtures/no-such.yaml", &o, &err),
                     FK_ENOENT);
}

static void test_unknown_setting(void **state)
{
    (void)state;
    expect_error(MINIMAL "batchsize: 400\n", 7, 1, "unknown setting 'batchsize'");
    expect_error(MINIMAL "window:\n  x: 1\n  y: 1\n  width: 1\n  height: 1\n  depth: 3\n", 12, 3,
                 "window: unknown setting");
    expect_error(MINIMAL "window:\n  x: 1\n  y: 1\n  Width: 1\n  height: 1\n", 10, 3,
                 "window: unknown setting");
    expect_error("voucher:\n  valid_from: 2025-07-01\n  valid_until: 2026-03-31\n"
                 "  valid_to: 2026-03-31\n",
                 4, 3, "voucher: unknown setting");
}

static void test_wrong_type(void **state)
{
    (void)state;
    expect_error(MINIMAL "batch_size: many\n", 7, 13, "batch_size must be a whole number");
    expect_error(MINIMAL "batch_size: 0\n", 7, 13, "from 1 to 100000");
    expect_error(MINIMAL "batch_size: 100001\n", 7, 13, "from 1 to 100000");
    expect_error(MINIMAL "batch_size: 12abc\n", 7, 13, "whole number");
    expect_error("fiscal_year: 1999\n", 1, 14, "fiscal_year must be a whole number");
    expect_error(MINIMAL "printer: [a, b]\n", 7, 1, "printer must be a single value");
    expect_error(MINIMAL "printer:\n  name: x\n", 7, 1, "printer must be a single value");
    expect_error(MINIMAL "expected: 5\n", 7, 11, "expected must map categories");
    expect_error(MINIMAL "expected:\n  健康相談: -1\n", 8, 9, "count must be a whole number");
    expect_error(MINIMAL "window: 5\n", 7, 9, "window must have");
    expect_error(MINIMAL "window:\n  x: 1\n  y: 1\n  width: wide\n  height: 1\n", 10, 10,
                 "width must be a length in mm");
    expect_error(MINIMAL "window: {x: nan, y: 1, width: 1, height: 1}\n", 7, 13,
                 "x must be a length in mm");
    expect_error(MINIMAL "window: {x: 1, y: -1, width: 1, height: 1}\n", 7, 19,
                 "y must be a length in mm");
    expect_error(MINIMAL "window: {x: 1, y: 1, width: 1000.5, height: 1}\n", 7, 29,
                 "width must be a length in mm");
    expect_error(MINIMAL "enclosures:\n  健康相談: 利用のご案内\n", 8, 3, "expected a list");
    expect_error(MINIMAL "enclosures:\n  健康相談: [{a: b}]\n", 8, 3, "stock item must be");
    expect_error(MINIMAL "templates: [a]\n", 7, 1, "templates must map");
    expect_error("- fiscal_year: 2025\n", 1, 1, "expected a mapping of settings");
}

static void test_missing_window_side(void **state)
{
    (void)state;
    expect_error(MINIMAL "window:\n  x: 1\n  y: 1\n  width: 1\n", 7, 1, "window: missing height");
}

static void test_bad_date(void **state)
{
    (void)state;
    expect_error("voucher:\n  valid_from: 2025-02-30\n  valid_until: 2026-03-31\n", 2, 15,
                 "valid_from must be a date");
    expect_error("voucher:\n  valid_from: 2025-07-01\n  valid_until: 31/03/2026\n", 3, 16,
                 "valid_until must be a date");
    expect_error("voucher:\n  valid_from: 2025-07-01\n", 1, 1,
                 "voucher needs valid_from and valid_until");
    expect_error("voucher: 2025-07-01\n", 1, 1, "voucher needs valid_from and valid_until");
}

static void test_validity_order(void **state)
{
    (void)state;
    expect_error("fiscal_year: 2025\nward: 新宿区\njob_code: A\n"
                 "voucher:\n  valid_from: 2025-07-01\n  valid_until: 2025-06-30\n",
                 6, 16, "valid_until is before valid_from");
}

static void test_unknown_category(void **state)
{
    (void)state;
    expect_error(MINIMAL "expected:\n  積極的支援: 1\n  特定保健指導: 2\n", 9, 3,
                 "expected: unknown category");
    expect_error(MINIMAL "expected:\n  X: 2\n", 8, 3, "expected: unknown category");
    expect_error(MINIMAL "enclosures:\n  受診勧奨: [リーフレット]\n", 8, 3,
                 "enclosures: unknown category");
    /* A label and its code name the same category: given twice, one would be lost. */
    expect_error(MINIMAL "expected:\n  健康相談: 1\n  K: 2\n", 9, 3,
                 "expected: category given twice");
    expect_error(MINIMAL "enclosures:\n  K: [a]\n  健康相談: [b]\n", 9, 3,
                 "enclosures: category given twice");
}

static void test_job_code(void **state)
{
    (void)state;
    static const char *const bad[] = {"sjk25a", "SJK-25A", "ABCDEFGHI", "新宿"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "fiscal_year: 2025\nward: 新宿区\njob_code: %s\n", bad[i]);
        expect_error(text, 3, 11, "job_code must be 1-8 capital letters or digits");
    }
    /* libfyaml places a quoted scalar after its opening quote. */
    expect_error("job_code: \"\"\n", 1, 0, "job_code must be 1-8 capital letters or digits");
    fk_order *o = parse_ok(
        "fiscal_year: 2025\nward: x\njob_code: ABCDEFGH\n"
        "voucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, " VOUCHER_REST "}\n" INSURER);
    assert_string_equal(fk_order_job_code(o), "ABCDEFGH");
    fk_order_free(o);
}

static void test_postal_mismatch(void **state)
{
    (void)state;
    expect_error(MINIMAL "postal_mismatch: ignore\n", 7, 18,
                 "postal_mismatch must be reject or warn");
    expect_error(MINIMAL "postal_mismatch: [warn]\n", 7, 1, "postal_mismatch must be a single");
    fk_order *o = parse_ok(MINIMAL "postal_mismatch: reject\n");
    assert_int_equal(fk_order_postal_mismatch(o), FK_MISMATCH_REJECT);
    fk_order_free(o);
}

static void test_syntax_error(void **state)
{
    (void)state;
    expect_error("ward: a\nward: b\n", 2, 1, "duplicate key");
    expect_error("window: {x: 1, x: 2}\n", 1, 16, "duplicate key");
    expect_error("a: [1, 2\n", 2, 1, "without a closing bracket");
    /* Other syntax errors: at least the form "file:line:col: reason". */
    expect_error(MINIMAL "expected:\n  健康相談: [1, 2\n", 0, 0, "");
    expect_error("ward: \"新宿区\n", 0, 0, "");
    expect_error(MINIMAL "  ward: x\n", 0, 0, "");
    expect_error("a: b\n\tc: d\n", 0, 0, "");
}

/* The insurer and the rest of the standard voucher's constants: validated, no placeholder
 * and no empty text may reach paper. */
static void test_insurer_and_voucher(void **state)
{
    (void)state;
    assert_true(fk_order_is_insurer_number("131045"));
    assert_false(fk_order_is_insurer_number("131046"));
    assert_false(fk_order_is_insurer_number("13104"));
    assert_false(fk_order_is_insurer_number("13104a"));
    /* 8 digits (法別番号 01, 都道府県 13, 保険者別 001): the same weights from the right. */
    assert_true(fk_order_is_insurer_number("01130012"));
    assert_false(fk_order_is_insurer_number("01130013"));

    const char *head = "fiscal_year: 2025\nward: 新宿区\njob_code: A\n";
    char text[2048];
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, %s}\n"
             "insurer: {number: '131045', name: 新宿区, department: 新宿区健康部健康づくり課,"
             " postal_code: 160-8484, address: 新宿区歌舞伎町1-4-1, phone: 03-5273-XXXX,"
             " head: 新宿区長, contact: 係}\n",
             head, VOUCHER_REST);
    expect_error(text, 5, 0, "insurer.phone holds the placeholder XXXX");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, %s}\n"
             "insurer: {number: '131045', name: ○○区, department: 課,"
             " postal_code: 160-8484, address: 新宿区, phone: 03-3209-1111,"
             " head: 区長, contact: 係}\n",
             head, VOUCHER_REST);
    expect_error(text, 5, 0, "insurer.name holds the placeholder ○○");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, %s}\n"
             "insurer: {number: '131045', name: 新宿区, department: '',"
             " postal_code: 160-8484, address: 新宿区, phone: 03-3209-1111,"
             " head: 区長, contact: 係}\n",
             head, VOUCHER_REST);
    expect_error(text, 5, 0, "insurer.department must be 1-200 bytes");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, %s}\n"
             "insurer: {number: '131046', name: 新宿区, department: 課,"
             " postal_code: 160-8484, address: 新宿区, phone: 03-3209-1111,"
             " head: 区長, contact: 係}\n",
             head, VOUCHER_REST);
    expect_error(text, 5, 0, "valid 検証番号");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, %s}\n"
             "insurer: {number: '131045', name: 新宿区, department: 課,"
             " postal_code: 1608484, address: 新宿区, phone: 03-3209-1111,"
             " head: 区長, contact: 係}\n",
             head, VOUCHER_REST);
    expect_error(text, 5, 0, "written NNN-NNNN");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, %s}\n"
             "insurer: {number: '131045', name: 新宿区, department: 課,"
             " postal_code: 160-8484, address: 新宿区, phone: 3209-1111,"
             " head: 区長, contact: 係}\n",
             head, VOUCHER_REST);
    expect_error(text, 5, 0, "telephone number");
    snprintf(text, sizeof text, "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31}\n%s",
             head, INSURER);
    expect_error(text, 4, 0, "exactly one of copay_amount");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31,"
             " copay_amount: 0, copay_rate: 10}\n%s",
             head, INSURER);
    expect_error(text, 4, 0, "exactly one of copay_amount");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31,"
             " copay_amount: 0, insurer_limit: 1, contract_agent: TODO,"
             " payment_agent_number: '91399999', payment_agent_name: x}\n%s",
             head, INSURER);
    expect_error(text, 4, 0, "contract_agent holds the placeholder TODO");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31,"
             " copay_amount: 0, insurer_limit: 1, contract_agent: a,"
             " payment_agent_number: '9139', payment_agent_name: x}\n%s",
             head, INSURER);
    expect_error(text, 4, 0, "payment_agent_number must be 8 digits");
    snprintf(text, sizeof text,
             "%svoucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, %s}\n", head,
             VOUCHER_REST);
    expect_error(text, 1, 1, "missing insurer");
    expect_error(MINIMAL "insurer2: x\n", 7, 1, "unknown setting");
}

/* The issue date: the order's or today; after valid_until is refused, a short window warns. */
static void test_issue_date(void **state)
{
    (void)state;
    fk_order *o = parse_ok(MINIMAL);
    fk_date issue;
    long left;
    bool is_short;
    fk_err err;
    assert_int_equal(fk_order_issue_date(o, (fk_date){2025, 7, 1}, &issue, &left, &is_short, &err),
                     FK_OK);
    assert_int_equal(issue.day, 1);
    assert_int_equal(left, 274);
    assert_false(is_short);
    assert_int_equal(fk_order_issue_date(o, (fk_date){2026, 3, 10}, &issue, &left, &is_short, &err),
                     FK_OK);
    assert_int_equal(left, 22);
    assert_true(is_short);
    assert_int_equal(fk_order_issue_date(o, (fk_date){2026, 3, 31}, &issue, &left, &is_short, &err),
                     FK_OK);
    assert_int_equal(left, 1);
    assert_int_equal(fk_order_issue_date(o, (fk_date){2026, 12, 2}, &issue, &left, &is_short, &err),
                     FK_EINVAL);
    assert_non_null(strstr(err.msg, "2026-12-02 is after the vouchers' valid_until 2026-03-31"));
    fk_order_free(o);
    o = parse_ok(full);
    assert_int_equal(fk_order_issue_date(o, (fk_date){2026, 12, 2}, &issue, &left, &is_short, &err),
                     FK_OK);
    assert_int_equal(issue.month, 6);
    assert_int_equal(issue.day, 20);
    fk_order_free(o);
}

/* libfyaml 0.7.12 never returns on a directive followed by invalid UTF-8 (found by fuzzing):
 * such text must be refused before it reaches the parser. */
static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_error("%\x83", 1, 2, "not valid UTF-8");
    expect_error("fiscal_year: 2025\nward: \xff\n", 2, 7, "not valid UTF-8");
}

static void test_missing(void **state)
{
    (void)state;
    expect_error("# nothing but a comment\nward: 新宿区\njob_code: A\n"
                 "voucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, " VOUCHER_REST "}\n",
                 2, 1, "missing fiscal_year");
    expect_error("fiscal_year: 2025\njob_code: A\n"
                 "voucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, " VOUCHER_REST "}\n",
                 1, 1, "missing ward");
    expect_error("fiscal_year: 2025\nward: 新宿区\n"
                 "voucher: {valid_from: 2025-07-01, valid_until: 2026-03-31, " VOUCHER_REST "}\n",
                 1, 1, "missing job_code");
    expect_error("fiscal_year: 2025\nward: 新宿区\njob_code: A\n", 1, 1, "missing voucher");
    expect_error("ward: ''\n", 1, 0, "ward must not be empty");
    expect_error("# comments only\n", 1, 1, "no settings");
    expect_error("", 1, 1, "no settings");
}

/* Every allocation in turn fails: the parser reports FK_ENOMEM and leaks nothing. */
static void test_out_of_memory(void **state)
{
    (void)state;
    long n;
    for (n = 0;; n++) {
        fk_order *o = NULL;
        fk_err err;
        fk_mem_fail_after(n);
        fk_status s = fk_order_parse("job.yaml", full, sizeof full - 1, &o, &err);
        fk_mem_fail_after(-1);
        if (s == FK_OK) {
            assert_int_equal(fk_order_batch_size(o), 250);
            fk_order_free(o);
            break;
        }
        assert_int_equal(s, FK_ENOMEM);
        assert_null(o);
    }
    assert_true(n > 10); /* every string setting is a copy */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_fixture),
        cmocka_unit_test(test_unknown_setting),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_missing_window_side),
        cmocka_unit_test(test_bad_date),
        cmocka_unit_test(test_validity_order),
        cmocka_unit_test(test_unknown_category),
        cmocka_unit_test(test_job_code),
        cmocka_unit_test(test_insurer_and_voucher),
        cmocka_unit_test(test_issue_date),
        cmocka_unit_test(test_postal_mismatch),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
