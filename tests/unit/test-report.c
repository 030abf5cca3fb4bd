/*
 * Unit tests for src/report/: papers keep their blocks and a real QR matrix; counts parse and
 * format; serials refuse names; a delivery that differs from the verified counts is refused
 * with the difference named; receipts of one kind are made once; the reconciliation adds up
 * and flags a stage that does not; erasure is refused before the return unless forced with
 * a reason; the report package opens with its password only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "core/records.h"
#include "ingest/package.h"
#include "job-fixture.h"
#include "report/bundle.h"
#include "report/certificate.h"
#include "report/incident.h"
#include "report/receipt.h"
#include "report/handling.h"
#include "util/mem.h"

static void expect_status(fk_status got, fk_status want, const fk_err *err)
{
    if (got != want)
        fail_msg("expected %s, got %s: %s", fk_status_name(want), fk_status_name(got),
                 fk_err_message(err));
}

static void test_paper(void **state)
{
    (void)state;
    fk_paper *p = fk_paper_new();
    assert_non_null(p);
    assert_int_equal(fk_paper_title(p, "確認書"), FK_OK);
    assert_int_equal(fk_paper_keyvalue(p, "数量", "1 点"), FK_OK);
    const char *cols[] = {"a", "b"}, *cells[] = {"1", "2", "3", "4"};
    assert_int_equal(fk_paper_table(p, 2, cols, NULL, 2, cells), FK_OK);
    assert_int_equal(fk_paper_qr(p, "ab12@7", "checkpoint"), FK_OK);
    assert_int_equal(fk_paper_seals(p, "甲", "乙"), FK_OK);
    assert_int_equal(fk_paper_count(p), 5);
    const fk_paper_block *qr = fk_paper_block_at(p, 3);
    assert_int_equal(qr->kind, FK_PAPER_QR);
    assert_int_equal(qr->width, 21); /* version 1 */
    /* The three finder patterns: the top-left module is dark, the centre of the top-left
     * finder is dark, the separator beside it light. */
    assert_int_equal(qr->modules[0], 1);
    assert_int_equal(qr->modules[3 * 21 + 3], 1);
    assert_int_equal(qr->modules[7], 0);
    fk_buf b;
    fk_buf_init(&b, 1 << 16);
    assert_int_equal(fk_paper_text(p, &b), FK_OK);
    assert_non_null(strstr(fk_buf_cstr(&b), "数量: 1 点"));
    assert_non_null(strstr(fk_buf_cstr(&b), "3\t4"));
    assert_non_null(strstr(fk_buf_cstr(&b), "ab12@7"));
    fk_buf_free(&b);
    assert_null(fk_paper_block_at(p, 5));
    fk_paper_free(p);
}

static void test_counts_and_serials(void **state)
{
    (void)state;
    long c[FK_CAT_COUNT];
    assert_true(fk_counts_parse("0=613,1=1130,4=283", c));
    assert_int_equal(c[0], 613);
    assert_int_equal(c[2], 0);
    assert_int_equal(c[4], 283);
    char text[64];
    fk_counts_format(c, text, sizeof text);
    assert_string_equal(text, "0=613,1=1130,2=0,3=0,4=283");
    assert_false(fk_counts_parse("9=1", c));
    assert_false(fk_counts_parse("0=x", c));
    assert_false(fk_counts_parse("0=1;", c));
    assert_true(fk_incident_serials_valid("S-0012,D-450"));
    assert_true(fk_incident_serials_valid("-"));
    assert_false(fk_incident_serials_valid("中野 洋子"));
    assert_false(fk_incident_serials_valid("S-12,"));
    assert_false(fk_incident_serials_valid("S12"));
    assert_false(fk_incident_serials_valid(""));
}

/* Three accepted 動機付け支援 records, one composed. */
static void fill_job(fx_job *fx)
{
    fk_err err;
    long pkg = 0;
    FX_OK(fk_job_begin(fx->job, &err), &err);
    FX_OK(fk_job_package_start(fx->job, "ab", false, &pkg, &err), &err);
    for (int i = 0; i < 3; i++) {
        fk_record r;
        fk_record_init(&r);
        r.category = FK_CAT_DOUKI;
        char no[16];
        snprintf(no, sizeof no, "10000000000%d", i);
        r.resident_no = fk_strdup(no);
        r.name = fk_strdup("山田\u3000花子");
        FX_OK(fk_job_record_add(fx->job, pkg, &r, 2 + i, &err), &err);
        fk_record_clear(&r);
    }
    FX_OK(fk_job_package_finish(fx->job, pkg, 4, 3, 1, &err), &err);
    FX_OK(fk_job_commit(fx->job, &err), &err);
}

static void test_reconcile(void **state)
{
    (void)state;
    fk_err err;
    fx_job fx;
    fx_create(&fx, false);
    fill_job(&fx);
    fk_reconcile *r;
    FX_OK(fk_reconcile_new(fx.job, NULL, &r, &err), &err);
    const fk_reconcile_row *all = fk_reconcile_row_at(r, 0);
    assert_int_equal(all->received, 4);
    assert_int_equal(all->rejected, 1);
    assert_int_equal(all->accepted, 3);
    assert_int_equal(fk_reconcile_flagged(r), 0);
    assert_non_null(strstr(fk_reconcile_next_step(r), "compose"));
    fk_reconcile_free(r);
    /* Printed more than composed: flagged. */
    fk_stage_inputs in = {.has_printed = true};
    in.printed[FK_CAT_DOUKI] = 5;
    FX_OK(fk_reconcile_new(fx.job, &in, &r, &err), &err);
    assert_int_equal(fk_reconcile_flagged(r), 1);
    const fk_reconcile_row *douki = fk_reconcile_row_at(r, 1);
    assert_int_equal(douki->category, FK_CAT_DOUKI);
    assert_non_null(douki->flag);
    assert_non_null(strstr(douki->flag, "印刷 5"));
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    assert_int_equal(fk_reconcile_csv(r, &b), FK_OK);
    assert_non_null(strstr(fk_buf_cstr(&b), "\"動機付け支援\",\"計\""));
    fk_buf_free(&b);
    fk_reconcile_free(r);
    fx_destroy(&fx);
}

static void test_delivery_refused(void **state)
{
    (void)state;
    fk_err err;
    fx_job fx;
    fx_create(&fx, false);
    long verified[FK_CAT_COUNT] = {10, 20, 30, 0, 5};
    long delivered[FK_CAT_COUNT] = {10, 19, 30, 0, 5};
    fk_handover_spec spec = {.kind = FK_HANDOVER_DELIVER,
                             .ward_staff = "区 職員",
                             .verified = verified,
                             .delivered = delivered};
    fk_handover *h = NULL;
    expect_status(fk_handover_new(fx.job, &spec, &h, &err), FK_EFINDING, &err);
    assert_null(h);
    assert_non_null(strstr(fk_err_message(&err), "動機付け支援: delivered 19, verified 20 (-1)"));
    spec.ward_staff = NULL;
    expect_status(fk_handover_new(fx.job, &spec, &h, &err), FK_EINVAL, &err);
    spec.ward_staff = "区 職員";
    spec.delivered = NULL; /* the verified counts */
    FX_OK(fk_handover_new(fx.job, &spec, &h, &err), &err);
    assert_string_equal(fk_handover_document(h), "receipt-1-deliver.pdf");
    FX_OK(fk_handover_store(fx.job, h, "%PDF", 4, &err), &err);
    fk_handover_free(h);
    expect_status(fk_handover_new(fx.job, &spec, &h, &err), FK_EEXIST, &err);
    /* Delivered but not returned: erasure refused unless forced with a reason. */
    expect_status(fk_erase_precheck(fx.job, false, NULL, &err), FK_ESTATE, &err);
    assert_non_null(strstr(fk_err_message(&err), "not returned"));
    expect_status(fk_erase_precheck(fx.job, true, NULL, &err), FK_EINVAL, &err);
    FX_OK(fk_erase_precheck(fx.job, true, "媒体は区が回収済み", &err), &err);
    fk_handover_spec ret = {.kind = FK_HANDOVER_RETURN, .ward_staff = "区 職員"};
    FX_OK(fk_handover_new(fx.job, &ret, &h, &err), &err);
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    assert_int_equal(fk_paper_text(fk_handover_paper(h), &b), FK_OK);
    assert_non_null(strstr(fk_buf_cstr(&b), fk_handover_checkpoint(h)));
    assert_non_null(strstr(fk_buf_cstr(&b), "+09:00"));
    fk_buf_free(&b);
    FX_OK(fk_handover_store(fx.job, h, "%PDF", 4, &err), &err);
    fk_handover_free(h);
    FX_OK(fk_erase_precheck(fx.job, false, NULL, &err), &err);
    fx_destroy(&fx);
}

static void test_bundle(void **state)
{
    (void)state;
    fk_err err;
    char dir[] = "/tmp/fukan-bundle-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/r.zip", dir);
    fk_bundle *b;
    expect_status(fk_bundle_new(path, "short", &b, &err), FK_EINVAL, &err);
    FX_OK(fk_bundle_new(path, "A-strong-password-24chars", &b, &err), &err);
    FX_OK(fk_bundle_add(b, "audit.jsonl", "{}\n", 3, &err), &err);
    FX_OK(fk_bundle_close(b, &err), &err);
    expect_status(fk_bundle_new(path, "A-strong-password-24chars", &b, &err), FK_EEXIST, &err);
    char *data;
    size_t len;
    FX_OK(fk_package_read_entry(path, "A-strong-password-24chars", "audit.jsonl", 1024, &data, &len,
                                &err),
          &err);
    assert_int_equal(len, 3);
    assert_memory_equal(data, "{}\n", 3);
    fk_free(data);
    expect_status(fk_package_read_entry(path, "wrong-password-wrong-pw", "audit.jsonl", 1024, &data,
                                        &len, &err),
                  FK_EAUTH, &err);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paper),     cmocka_unit_test(test_counts_and_serials),
        cmocka_unit_test(test_reconcile), cmocka_unit_test(test_delivery_refused),
        cmocka_unit_test(test_bundle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
