/* Unit tests for util/jdate: date forms, era boundaries and legal ages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "util/jdate.h"

static void assert_parses(const char *s, int y, int m, int d)
{
    fk_date date;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_date_parse(s, &date, &err), FK_OK);
    assert_int_equal(date.year, y);
    assert_int_equal(date.month, m);
    assert_int_equal(date.day, d);
}

static void assert_rejected(const char *s)
{
    fk_date date;
    assert_int_not_equal(fk_date_parse(s, &date, NULL), FK_OK);
}

static void test_forms(void **state)
{
    (void)state;
    assert_parses("1987-04-01", 1987, 4, 1);
    assert_parses("1987/4/1", 1987, 4, 1);
    assert_parses("19870401", 1987, 4, 1);
    assert_parses("昭和62年4月1日", 1987, 4, 1);
    assert_parses("S62.4.1", 1987, 4, 1);
    assert_parses("3620401", 1987, 4, 1);
    assert_parses("平成元年1月8日", 1989, 1, 8);
    assert_parses("令和元年5月1日", 2019, 5, 1);
    assert_parses("R6.4.1", 2024, 4, 1);
    assert_parses("5060401", 2024, 4, 1);
}

static void test_rejects(void **state)
{
    (void)state;
    assert_rejected("");
    assert_rejected("2023-02-29");
    assert_rejected("1987-13-01");
    assert_rejected("昭和64年1月8日"); /* Showa ended on 1989-01-07 */
    assert_rejected("平成元年1月7日"); /* Heisei began on 1989-01-08 */
    assert_rejected("平成31年5月1日");
    assert_rejected("6620401"); /* unknown era code */
    assert_rejected("S62.4");
    assert_rejected("1987-04-01x");
    assert_rejected("明治1年1月1日"); /* before 1868-01-25 */
}

static void test_ages(void **state)
{
    (void)state;
    /* Born on April 1: a year older on March 31 of the fiscal year. */
    assert_int_equal(fk_date_fiscal_year_end_age((fk_date){1960, 4, 1}, 2024), 65);
    assert_int_equal(fk_date_fiscal_year_end_age((fk_date){1960, 4, 2}, 2024), 64);
    assert_int_equal(fk_date_age_on((fk_date){1960, 4, 2}, (fk_date){2025, 4, 1}), 65);
    assert_int_equal(fk_date_age_on((fk_date){1960, 4, 2}, (fk_date){2025, 3, 31}), 64);
    /* Feb 29 birthdays: older at the end of Feb 28 in a common year. */
    assert_int_equal(fk_date_age_on((fk_date){1980, 2, 29}, (fk_date){2025, 2, 27}), 44);
    assert_int_equal(fk_date_age_on((fk_date){1980, 2, 29}, (fk_date){2025, 2, 28}), 45);
    assert_int_equal(fk_date_fiscal_year((fk_date){2025, 3, 31}), 2024);
    assert_int_equal(fk_date_fiscal_year((fk_date){2025, 4, 1}), 2025);
}

static void test_wareki(void **state)
{
    (void)state;
    char out[64];
    assert_true(fk_date_format_wareki((fk_date){1989, 1, 8}, out, sizeof out));
    assert_string_equal(out, "平成元年1月8日");
    assert_true(fk_date_format_wareki((fk_date){1989, 1, 7}, out, sizeof out));
    assert_string_equal(out, "昭和64年1月7日");
    assert_true(fk_date_format_wareki((fk_date){2025, 3, 31}, out, sizeof out));
    assert_string_equal(out, "令和7年3月31日");
}

static void test_days_round_trip(void **state)
{
    (void)state;
    for (long z = -30000; z < 30000; z += 7) {
        fk_date d = fk_date_from_days(z);
        assert_true(fk_date_is_valid(d.year, d.month, d.day));
        assert_int_equal(fk_date_to_days(d), z);
    }
    fk_date d = fk_date_add_days((fk_date){2024, 2, 28}, 1);
    assert_int_equal(d.day, 29);
}

/* Times people read: Japan time with the zone stated, 和暦 with the ISO date. */
static void test_time_jst(void **state)
{
    (void)state;
    char out[128];
    assert_true(fk_time_format_jst("2026-12-02T07:48:09Z", out, sizeof out));
    assert_string_equal(out, "令和8年12月2日（2026-12-02）16:48 JST");
    assert_true(fk_time_format_jst("2026-12-02T07:48:09+00:00", out, sizeof out));
    assert_string_equal(out, "令和8年12月2日（2026-12-02）16:48 JST");
    /* Across midnight and the year, and from another zone. */
    assert_true(fk_time_format_jst("2025-12-31T20:30:00Z", out, sizeof out));
    assert_string_equal(out, "令和8年1月1日（2026-01-01）05:30 JST");
    assert_true(fk_time_format_jst("2026-04-01T00:10:00+09:00", out, sizeof out));
    assert_string_equal(out, "令和8年4月1日（2026-04-01）00:10 JST");
    assert_true(fk_time_format_jst("2026-03-31T20:00:00-05:00", out, sizeof out));
    assert_string_equal(out, "令和8年4月1日（2026-04-01）10:00 JST");
    assert_true(fk_time_format_jst("2019-04-30T15:00:00Z", out, sizeof out));
    assert_string_equal(out, "令和元年5月1日（2019-05-01）00:00 JST");
    assert_false(fk_time_format_jst("2026-12-02 07:48", out, sizeof out));
    assert_string_equal(out, "");
    assert_false(fk_time_format_jst("2026-02-30T07:48:09Z", out, sizeof out));
    assert_false(fk_time_format_jst("2026-12-02T07:48:09+0900", out, sizeof out));
    assert_false(fk_time_format_jst(NULL, out, sizeof out));
    assert_false(fk_time_format_jst("2026-12-02T07:48:09Z", out, 10));
    assert_true(fk_date_format_wareki_iso((fk_date){1987, 4, 1}, out, sizeof out));
    assert_string_equal(out, "昭和62年4月1日（1987-04-01）");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_jst), cmocka_unit_test(test_forms),
        cmocka_unit_test(test_rejects),  cmocka_unit_test(test_ages),
        cmocka_unit_test(test_wareki),   cmocka_unit_test(test_days_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
