/* Unit tests for ingest/schema: aliases, column order, unknown and missing columns. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ingest/schema.h"

static int unknown_count;
static size_t unknown_column;

static bool on_unknown(void *ctx, size_t column)
{
    (void)ctx;
    unknown_count++;
    unknown_column = column;
    return true;
}

/* All column names, in reverse order, with some written as aliases or in full width. */
static size_t all_names(const char **names)
{
    size_t n = 0;
    for (int c = FK_COL_COUNT - 1; c >= 0; c--)
        names[n++] = fk_column_name((fk_column)c);
    return n;
}

static void test_all_columns(void **state)
{
    (void)state;
    const char *names[FK_COL_COUNT + 1];
    size_t n = all_names(names);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], "個人番号") == 0)
            names[i] = "住民番号";
        else if (strcmp(names[i], "AST") == 0)
            names[i] = "GOT";
        else if (strcmp(names[i], "γ-GT") == 0)
            names[i] = "γ-GTP";
        else if (strcmp(names[i], "BMI") == 0)
            names[i] = " ＢＭＩ ";
    }
    names[n++] = "備考";
    fk_schema s;
    fk_err err;
    unknown_count = 0;
    assert_int_equal(fk_schema_map(&s, names, n, on_unknown, NULL, &err), FK_OK);
    assert_int_equal(unknown_count, 1);
    assert_int_equal(unknown_column, n);
    assert_int_equal(s.nfields, n);
    assert_int_equal(s.index[FK_COL_CATEGORY], FK_COL_COUNT - 1);
    assert_int_equal(s.index[FK_COL_MED_LIPID], 0);
    assert_int_equal(s.index[FK_COL_BMI], FK_COL_COUNT - 1 - FK_COL_BMI);
    assert_int_equal(s.index[FK_COL_RESIDENT], FK_COL_COUNT - 1 - FK_COL_RESIDENT);
}

static void test_missing(void **state)
{
    (void)state;
    const char *names[FK_COL_COUNT];
    size_t n = all_names(names);
    /* Drop 氏名 and the optional 方書: only the required one is an error. */
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], "氏名") != 0 && strcmp(names[i], "方書") != 0)
            names[w++] = names[i];
    fk_schema s;
    fk_err err;
    assert_int_equal(fk_schema_map(&s, names, w, NULL, NULL, &err), FK_EFORMAT);
    assert_string_equal(err.msg, "1: missing required column: 氏名 (0 unknown columns)");
    n = all_names(names);
    assert_int_equal(fk_schema_map(&s, names, n - 3, NULL, NULL, &err), FK_EFORMAT);
    assert_string_equal(err.msg,
                        "1: missing required columns: 利用券種別, 個人番号 (0 unknown columns)");
}

/* A file without its header line: the first person's cells stand where the names belong.
 * None may reach a message or the unknown-column callback's reports before the error. */
static void test_no_header(void **state)
{
    (void)state;
    const char *cells[] = {
        "特定保健指導", "積極的支援", "123456789012", "新宿　太郎", "シンジュク　タロウ",
        "1970-04-01",   "1",          "55",           "160-0022",   "東京都新宿区新宿1-2-3"};
    fk_schema s;
    fk_err err;
    unknown_count = 0;
    /* 利用券種別 and 保健指導区分 happen to be values here, not names: the rest is unknown. */
    assert_int_equal(fk_schema_map(&s, cells + 2, 8, on_unknown, NULL, &err), FK_EFORMAT);
    assert_int_equal(unknown_count, 0);
    assert_null(strstr(err.msg, "新宿"));
    assert_null(strstr(err.msg, "1234"));
    assert_non_null(strstr(err.msg, "8 unknown columns"));
    assert_non_null(strstr(err.msg, "required columns missing"));
}

static void test_duplicate(void **state)
{
    (void)state;
    const char *names[FK_COL_COUNT + 1];
    size_t n = all_names(names);
    names[n++] = "GPT";
    fk_schema s;
    fk_err err;
    assert_int_equal(fk_schema_map(&s, names, n, NULL, NULL, &err), FK_EFORMAT);
    assert_non_null(strstr(err.msg, "column ALT appears twice"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_columns),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_duplicate),
        cmocka_unit_test(test_no_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
