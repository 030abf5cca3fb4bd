/*
 * Unit tests for core/reconcile: the order's expected counts against the open package's
 * accepted records; a difference blocks until a responsible manager accepts it for that
 * package, and a replaced package starts unaccepted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/reconcile.h"
#include "core/records.h"
#include "job-fixture.h"
#include "util/mem.h"

/* Stores a package of n 積極的支援 records (or none) and returns nothing: the fixture's
 * order expects 613 of them. */
static void store(fx_job *fx, const char *sha, int n, bool replace)
{
    fk_err err;
    long pkg;
    FX_OK(fk_job_begin(fx->job, &err), &err);
    FX_OK(fk_job_package_start(fx->job, sha, replace, &pkg, &err), &err);
    for (int i = 0; i < n; i++) {
        fk_record r;
        fk_record_init(&r);
        char no[16];
        snprintf(no, sizeof no, "10000000000%d", i);
        r.category = FK_CAT_SEKKYOKU;
        r.resident_no = fk_strdup(no);
        r.name = fk_strdup("新宿\u3000太郎");
        r.address = fk_strdup("東京都新宿区");
        FX_OK(fk_job_record_add(fx->job, pkg, &r, i + 2, &err), &err);
        fk_record_clear(&r);
    }
    FX_OK(fk_job_package_finish(fx->job, pkg, n, n, 0, &err), &err);
    FX_OK(fk_job_commit(fx->job, &err), &err);
}

static void test_reconcile(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;
    fk_reconciliation r;
    FX_OK(fk_job_reconcile(fx.job, &r, &err), &err);
    assert_false(r.is_opened);
    assert_false(fk_reconciliation_is_blocking(&r));
    assert_int_equal(fk_job_counts_accept(fx.job, "none", &err), FK_ESTATE);

    store(&fx, "aaaa", 2, false);
    FX_OK(fk_job_reconcile(fx.job, &r, &err), &err);
    assert_true(r.is_opened && r.differs && !r.is_accepted && !r.is_empty);
    assert_int_equal(r.expected[FK_CAT_SEKKYOKU], 613);
    assert_int_equal(r.accepted[FK_CAT_SEKKYOKU], 2);
    assert_true(fk_reconciliation_is_blocking(&r));
    char what[384];
    fk_reconciliation_describe(&r, what, sizeof what);
    assert_non_null(strstr(what, "積極的支援 expected 613, accepted 2"));
    assert_non_null(strstr(what, "受診勧奨通知 expected 283, accepted 0"));

    /* A handler may not accept; a reason is required; the manager's acceptance holds. */
    assert_int_equal(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), FK_OK);
    assert_int_equal(fk_job_counts_accept(fx.job, "ok", &err), FK_EPERM);
    assert_int_equal(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), FK_OK);
    assert_int_equal(fk_job_counts_accept(fx.job, "", &err), FK_EINVAL);
    assert_int_equal(fk_job_counts_accept(fx.job, "two\nlines", &err), FK_EINVAL);
    FX_OK(fk_job_counts_accept(fx.job, "partial delivery agreed with the ward", &err), &err);
    FX_OK(fk_job_reconcile(fx.job, &r, &err), &err);
    assert_true(r.is_accepted);
    assert_string_equal(r.accepted_by, FX_MANAGER);
    assert_false(fk_reconciliation_is_blocking(&r));

    /* A replaced package starts unaccepted; a package without rows is a finding too. */
    store(&fx, "bbbb", 0, true);
    FX_OK(fk_job_reconcile(fx.job, &r, &err), &err);
    assert_true(r.is_empty);
    assert_false(r.is_accepted);
    assert_true(fk_reconciliation_is_blocking(&r));
    fk_reconciliation_describe(&r, what, sizeof what);
    assert_string_equal(what, "the package holds no rows (a header line only)");
    fx_destroy(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reconcile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
