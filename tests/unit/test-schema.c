/* Unit tests for ingest/schema: names, aliases, free order, unknown and missing columns. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "ingest/schema.h"

/* Every column by its ward-export.md name, in table order. */
static void all_names(const char **out)
{
    for (int c = 0; c < FK_COL_COUNT; c++)
        out[c] = fk_column_name((fk_column)c);
}

static size_t unknown_seen;
static size_t unknown_column;

static void on_unknown(size_t column, const char *header, void *ctx)
{
    (void)header;
    (void)ctx;
    unknown_seen++;
    unknown_column = column;
}

static void test_all_columns(void **state)
{
    (void)state;
    const char *h[FK_COL_COUNT];
    all_names(h);
    fk_schema *s;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_schema_new(h, FK_COL_COUNT, NULL, NULL, &s, &err), FK_OK);
    for (int c = 0; c < FK_COL_COUNT; c++)
        assert_int_equal(fk_schema_index(s, (fk_column)c), c);
    assert_int_equal(fk_schema_width(s), FK_COL_COUNT);
    fk_schema_free(s);
}

static void test_order_aliases_unknown(void **state)
{
    (void)state;
    const char *h[FK_COL_COUNT + 1];
    all_names(h);
    /* Reverse the order, use aliases, pad with spaces and full-width letters. */
    const char *rev[FK_COL_COUNT + 1];
    for (int c = 0; c < FK_COL_COUNT; c++)
        rev[c] = h[FK_COL_COUNT - 1 - c];
    rev[FK_COL_COUNT - 1 - FK_COL_RESIDENT] = "住民番号";
    rev[FK_COL_COUNT - 1 - FK_COL_AST] = "GOT";
    rev[FK_COL_COUNT - 1 - FK_COL_GGT] = "γ-GTP";
    rev[FK_COL_COUNT - 1 - FK_COL_HBA1C] = " ＨｂＡ１ｃ\u3000";
    rev[FK_COL_COUNT] = "備考";
    fk_schema *s;
    fk_err err;
    fk_err_clear(&err);
    unknown_seen = 0;
    assert_int_equal(fk_schema_new(rev, FK_COL_COUNT + 1, on_unknown, NULL, &s, &err), FK_OK);
    assert_int_equal(unknown_seen, 1);
    assert_int_equal(unknown_column, FK_COL_COUNT + 1);
    for (int c = 0; c < FK_COL_COUNT; c++)
        assert_int_equal(fk_schema_index(s, (fk_column)c), FK_COL_COUNT - 1 - c);
    fk_schema_free(s);
}

static void test_optional_absent(void **state)
{
    (void)state;
    const char *h[FK_COL_COUNT];
    size_t n = 0;
    for (int c = 0; c < FK_COL_COUNT; c++)
        if (fk_column_is_required((fk_column)c))
            h[n++] = fk_column_name((fk_column)c);
    fk_schema *s;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_schema_new(h, n, NULL, NULL, &s, &err), FK_OK);
    assert_int_equal(fk_schema_index(s, FK_COL_EGFR), -1);
    assert_int_equal(fk_schema_index(s, FK_COL_VOUCHER), -1);
    fk_schema_free(s);
}

static void test_missing_and_duplicate(void **state)
{
    (void)state;
    const char *h[FK_COL_COUNT];
    all_names(h);
    fk_schema *s = (fk_schema *)1;
    fk_err err;
    fk_err_clear(&err);
    h[FK_COL_BIRTH] = "誕生日";
    assert_int_equal(fk_schema_new(h, FK_COL_COUNT, NULL, NULL, &s, &err), FK_EFORMAT);
    assert_null(s);
    assert_string_equal(err.msg, "1: required column 生年月日 missing");
    all_names(h);
    h[FK_COL_NAME] = "個人番号";
    assert_int_equal(fk_schema_new(h, FK_COL_COUNT, NULL, NULL, &s, &err), FK_EFORMAT);
    assert_string_equal(err.msg, "1:4: column 個人番号 given twice (first in column 3)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_columns),
        cmocka_unit_test(test_order_aliases_unknown),
        cmocka_unit_test(test_optional_absent),
        cmocka_unit_test(test_missing_and_duplicate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
