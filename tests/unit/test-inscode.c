/*
 * Unit tests for core/inscode: a real envelope's code verifies for its person only, and a
 * proof specimen's code never verifies as an envelope, whatever part of it a reader trusts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/inscode.h"
#include "job-fixture.h"
#include "util/mem.h"

static void person(fk_record *r, const char *resident_no)
{
    fk_record_init(r);
    r->category = FK_CAT_SEKKYOKU;
    r->resident_no = fk_strdup(resident_no);
    r->name = fk_strdup("見本\u3000太郎");
    r->address = fk_strdup("東京都新宿区歌舞伎町一丁目4番1号");
    r->building = fk_strdup("");
    snprintf(r->voucher_no, sizeof r->voucher_no, "00000000000");
}

static void test_real_and_specimen(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    fk_record r, other;
    person(&r, "000000000000");
    person(&other, "000000000001");
    char real[FK_INSERT_CODE_MAX], specimen[FK_INSERT_CODE_MAX];
    FX_OK(fk_job_insert_code(fx.job, &r, 1, 1, 2, false, real, sizeof real, &err), &err);
    FX_OK(fk_job_insert_code(fx.job, &r, 1, 1, 2, true, specimen, sizeof specimen, &err), &err);
    assert_int_equal(strncmp(real, "FK1|SJK25A|S|000001|1/2|", 24), 0);
    assert_int_equal(strncmp(specimen, "FKS1|SJK25A|S|000000|1/2|", 25), 0);

    FX_OK(fk_job_insert_code_verify(fx.job, real, &r, &err), &err);
    assert_int_equal(fk_job_insert_code_verify(fx.job, real, &other, &err), FK_EFINDING);
    assert_non_null(strstr(err.msg, "check value does not match"));

    /* The specimen as printed, and with its marker, then also its serial, made real. */
    assert_int_equal(fk_job_insert_code_verify(fx.job, specimen, &r, &err), FK_EFINDING);
    assert_non_null(strstr(err.msg, "proof specimen"));
    char forged[FK_INSERT_CODE_MAX];
    snprintf(forged, sizeof forged, "FK1%s", specimen + 4);
    assert_int_equal(fk_job_insert_code_verify(fx.job, forged, &r, &err), FK_EFINDING);
    assert_non_null(strstr(err.msg, "000000"));
    snprintf(forged, sizeof forged, "FK1|SJK25A|S|000001|1/2|%s", specimen + 25);
    assert_int_equal(fk_job_insert_code_verify(fx.job, forged, &r, &err), FK_EFINDING);
    assert_non_null(strstr(err.msg, "check value does not match"));
    assert_string_not_equal(specimen + 25, real + 24);

    /* Another job's code, and text that is no code. */
    snprintf(forged, sizeof forged, "FK1|OTHER|S|000001|1/2|%s", real + 24);
    assert_int_equal(fk_job_insert_code_verify(fx.job, forged, &r, &err), FK_EFINDING);
    static const char *const junk[] = {"",
                                       "FK1",
                                       "FK2|SJK25A|S|000001|1/2|0123456789",
                                       "FK1|SJK25A|S|1|1/2|0123456789",
                                       "FK1|SJK25A|X|000001|1/2|0123456789",
                                       "FK1|SJK25A|S|000001|3/2|0123456789",
                                       "FK1|SJK25A|S|000001|1/2|0123",
                                       "FK1|SJK25A|S|000001|1/2|0123456789|x"};
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        assert_int_equal(fk_job_insert_code_verify(fx.job, junk[i], &r, &err), FK_EFORMAT);
    fk_insert_code c;
    FX_OK(fk_insert_code_parse(specimen, &c, &err), &err);
    assert_true(c.is_specimen);
    assert_int_equal(c.serial, 0);
    assert_int_equal(c.sheets, 2);
    fk_record_clear(&r);
    fk_record_clear(&other);
    fx_destroy(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_and_specimen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
