/* Unit tests for util/buf and util/mem: limits and allocation failures. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

static void test_limit(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 8);
    assert_int_equal(fk_buf_append_str(&b, "12345678"), FK_OK);
    assert_int_equal(fk_buf_append_byte(&b, '9'), FK_ETOOBIG);
    assert_string_equal(fk_buf_cstr(&b), "12345678");
    fk_buf_reset(&b);
    assert_int_equal(fk_buf_appendf(&b, "%d-%s", 42, "x"), FK_OK);
    assert_string_equal(fk_buf_cstr(&b), "42-x");
    char *taken = fk_buf_take(&b);
    assert_string_equal(taken, "42-x");
    assert_int_equal(b.len, 0);
    fk_free(taken);
    fk_buf_free(&b);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fk_mem_fail_after(0);
    assert_int_equal(fk_buf_append_str(&b, "abc"), FK_ENOMEM);
    fk_mem_fail_after(-1);
    assert_string_equal(fk_buf_cstr(&b), "");
    assert_int_equal(fk_buf_append_str(&b, "abc"), FK_OK);
    fk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limit),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
