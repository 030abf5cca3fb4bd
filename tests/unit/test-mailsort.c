/* Unit tests for postal/mailsort: mailing order and the per-code summary CSV. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "postal/mailsort.h"

static const char *const codes[] = {"1600023", "1000013", "bad",     "1600023",
                                    "1000014", "1600001", "1000013", NULL};

static void test_order(void **state)
{
    (void)state;
    size_t order[7];
    assert_int_equal(fk_mailsort_order(codes, NULL, 7, order), FK_OK);
    const size_t want[7] = {1, 6, 4, 5, 0, 3, 2}; /* stable; invalid last */
    assert_memory_equal(order, want, sizeof want);
    assert_int_equal(fk_mailsort_order(codes, NULL, 0, order), FK_OK);
}

/* The order compose prints in: postal code, then address within it, then source order. */
static void test_order_by_address(void **state)
{
    (void)state;
    static const char *const addr[] = {"東京都新宿区西新宿二丁目8番1号",
                                       "東京都千代田区丸の内一丁目",
                                       "x",
                                       "東京都新宿区西新宿一丁目1番1号",
                                       "東京都千代田区丸の内一丁目",
                                       "東京都新宿区西新宿一丁目",
                                       "東京都千代田区丸の内一丁目",
                                       NULL};
    size_t order[7];
    assert_int_equal(fk_mailsort_order(codes, addr, 7, order), FK_OK);
    /* 1000013: 1 and 6 have the same address: source order. 1600023: 3 (一丁目) before 0. */
    const size_t want[7] = {1, 6, 4, 5, 3, 0, 2};
    assert_memory_equal(order, want, sizeof want);
}

static void test_summary_csv(void **state)
{
    (void)state;
    fk_mailsort_summary s;
    assert_int_equal(fk_mailsort_summarise(codes, 7, &s), FK_OK);
    assert_int_equal(s.total, 7);
    assert_int_equal(s.n_codes, 5);
    assert_int_equal(s.n_prefixes, 2);
    fk_buf b;
    fk_buf_init(&b, 1 << 16);
    assert_int_equal(fk_mailsort_write_csv(&s, &b), FK_OK);
    assert_string_equal(fk_buf_cstr(&b), "level,postal_code,pieces\n"
                                         "code,1000013,2\n"
                                         "code,1000014,1\n"
                                         "code,1600001,1\n"
                                         "code,1600023,2\n"
                                         "code,,1\n"
                                         "area,100,3\n"
                                         "area,160,3\n"
                                         "total,,7\n");
    fk_buf_free(&b);
    fk_mailsort_summary_free(&s);
    fk_mailsort_summary_free(NULL);
    assert_int_equal(fk_mailsort_summarise(codes, 0, &s), FK_OK);
    assert_int_equal(s.n_codes, 0);
    fk_mailsort_summary_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_order_by_address),
        cmocka_unit_test(test_summary_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
