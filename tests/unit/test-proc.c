/*
 * Unit tests for util/proc: after fk_proc_harden the process is not dumpable and may write
 * no core (soft and hard limit 0, so nothing it runs can raise it again); dump exclusion
 * accepts any range; a crash point not named in FUKAN_TEST_CRASH does nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util/proc.h"

static void test_harden(void **state)
{
    (void)state;
    fk_err err;
    assert_int_equal(fk_proc_harden(&err), FK_OK);
    assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_CORE, &rl), 0);
    assert_int_equal(rl.rlim_cur, 0);
    assert_int_equal(rl.rlim_max, 0);
    /* The hard limit cannot be raised again by an unprivileged process (root can). */
    const struct rlimit more = {1 << 20, 1 << 20};
    if (geteuid() != 0)
        assert_int_not_equal(setrlimit(RLIMIT_CORE, &more), 0);
    /* Twice is harmless. */
    assert_int_equal(fk_proc_harden(&err), FK_OK);
}

static void test_dontdump(void **state)
{
    (void)state;
    char stack[100] = {0};
    fk_proc_dontdump(stack, sizeof stack);
    char *heap = malloc(3 * 4096 + 17);
    assert_non_null(heap);
    fk_proc_dontdump(heap + 5, 3 * 4096);
    heap[0] = 'x'; /* still ordinary memory */
    heap[3 * 4096 + 16] = 'y';
    free(heap);
    fk_proc_dontdump(NULL, 10);
    fk_proc_dontdump(stack, 0);
}

static void test_crash_point_not_named(void **state)
{
    (void)state;
    assert_int_equal(setenv("FUKAN_TEST_CRASH", "elsewhere", 1), 0);
    fk_proc_crash_point("record-add");
    assert_int_equal(unsetenv("FUKAN_TEST_CRASH"), 0);
    fk_proc_crash_point("record-add");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_harden),
        cmocka_unit_test(test_dontdump),
        cmocka_unit_test(test_crash_point_not_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
