/*
 * Unit tests for core/erase, core/custody and core/auditlog: erasure destroys every slot and
 * ciphertext, proves it, refuses every former password with a clear message and keeps the
 * counts and a verifiable audit log; only a manager may erase; receipts, incidents and
 * documents round-trip; the JSON Lines export verifies offline and every alteration of it is
 * caught.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "core/auditlog.h"
#include "core/custody.h"
#include "core/erase.h"
#include "core/files.h"
#include "core/records.h"
#include "job-fixture.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define NAME_1 "𠮷田\u3000葛子"

static void expect_status(fk_status got, fk_status want, const fk_err *err)
{
    if (got != want)
        fail_msg("expected %s, got %s: %s", fk_status_name(want), fk_status_name(got),
                 fk_err_message(err));
}

static bool contains(const void *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp((const char *)hay + i, needle, m) == 0)
            return true;
    return false;
}

/* Two records and one sealed file. */
static void fill_job(fx_job *fx)
{
    fk_err err;
    long pkg = 0;
    FX_OK(fk_job_begin(fx->job, &err), &err);
    FX_OK(fk_job_package_start(fx->job, "ab", false, &pkg, &err), &err);
    for (int i = 0; i < 2; i++) {
        fk_record r;
        fk_record_init(&r);
        r.category = FK_CAT_DOUKI;
        r.resident_no = fk_strdup(i ? "100000000002" : "100000000001");
        r.name = fk_strdup(NAME_1);
        r.address = fk_strdup("東京都新宿区歌舞伎町二丁目44番1号");
        FX_OK(fk_job_record_add(fx->job, pkg, &r, 2 + i, &err), &err);
        fk_record_clear(&r);
    }
    FX_OK(fk_job_package_finish(fx->job, pkg, 2, 2, 0, &err), &err);
    FX_OK(fk_job_commit(fx->job, &err), &err);
    fk_job_file f = {"SJK25A-D-1-001.pdf", "voucher", FK_CAT_DOUKI, 1, 2, 4, FK_FILE_COMPOSED};
    const char body[] = "%PDF " NAME_1;
    FX_OK(fk_job_file_put(fx->job, &f, body, sizeof body - 1, &err), &err);
}

static void test_erase_and_prove(void **state)
{
    (void)state;
    fk_err err;
    fx_job fx;
    fx_create(&fx, true);
    fill_job(&fx);
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLE_MANAGER, &err), &err);
    fk_erasure *e = NULL;
    FX_OK(fk_job_erase(fx.job, FX_MANAGER_PW, NULL, NULL, &e, &err), &err);
    const fk_erasure_check *c = fk_erasure_check_result(e);
    assert_true(c->passed);
    assert_int_equal(c->slots_left, 0);
    assert_true(c->login_refused);
    assert_int_equal(c->blobs_found, 0);
    /* 3 slots + signing key + 2 records + 1 file = 7 nonces. */
    assert_int_equal(c->nonces_searched, 7);
    size_t n;
    const fk_erased_item *items = fk_erasure_items(e, &n);
    assert_int_equal(n, 6); /* 3 slots, the signing key, the records, the file */
    assert_string_equal(items[4].what, "sealed records");
    assert_int_equal(items[4].count, 2);
    /* stored under its file set's own name (files.h): SJK25A-D-1-001.pdf.SET.sealed */
    assert_true(strncmp(items[5].name, "SJK25A-D-1-001.pdf.", 19) == 0);
    assert_non_null(strstr(items[5].name, ".sealed"));
    assert_true(fk_job_is_erased(fx.job, NULL, 0));

    /* The certificate is signed with the key held in memory; the command's own entries go to
     * the unauthenticated record (never signed after the fact). */
    FX_OK(fk_job_audit(fx.job, "job", FK_OK, "erased", &err), &err);
    unsigned char sig[FK_SIGNATURE_BYTES], pk[FK_SIGN_PUBLIC_BYTES];
    FX_OK(fk_erasure_sign(e, "certificate", 11, sig, &err), &err);
    FX_OK(fk_audit_pubkey(fx.job, pk, &err), &err);
    assert_true(fk_sign_verify(pk, sig, "certificate", 11));
    assert_false(fk_sign_verify(pk, sig, "certificatf", 11));
    fk_erasure_free(e);
    fk_audit_report rep;
    FX_OK(fk_audit_verify(fx.job, pk, NULL, &rep, &err), &err);
    /* after erasure no key is left: the erasure's last entries go to the unauthenticated
     * record, which no signed witness can cover any more */
    assert_int_equal(rep.unwitnessed, rep.unauthenticated);

    /* Every former password: refused, saying why. */
    const char *users[][2] = {
        {FX_MANAGER, FX_MANAGER_PW}, {FX_HANDLER, FX_HANDLER_PW}, {FX_AUDITOR, FX_AUDITOR_PW}};
    for (size_t i = 0; i < 3; i++) {
        expect_status(fx_login(&fx, users[i][0], users[i][1], FK_ROLES_ALL, &err), FK_ESTATE, &err);
        assert_non_null(strstr(fk_err_message(&err), "erased"));
    }
    /* The counts survive; the names do not. */
    fk_job_counts counts;
    FX_OK(fk_job_counts_get(fx.job, &counts, &err), &err);
    assert_int_equal(counts.by_category[FK_CAT_DOUKI], 2);
    fk_job_close(fx.job);
    fx.job = NULL;
    char path[256], *data;
    size_t len;
    snprintf(path, sizeof path, "%s/job.db", fx.dir);
    FX_OK(fk_fs_read_file(path, (size_t)1 << 30, &data, &len, &err), &err);
    assert_false(contains(data, len, NAME_1, strlen(NAME_1)));
    fk_free(data);
    snprintf(path, sizeof path, "%s/files", fx.dir);
    assert_false(fk_fs_exists(path));
    FX_OK(fk_job_open(fx.dir, &fx.job, &err), &err);
    FX_OK(fk_job_act_on_erased(fx.job, "kanri", "report", &err), &err);
    fx_destroy(&fx);
}

static void test_erase_needs_manager(void **state)
{
    (void)state;
    fk_err err;
    fx_job fx;
    fx_create(&fx, true);
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    fk_erasure *e = NULL;
    expect_status(fk_job_erase(fx.job, FX_HANDLER_PW, NULL, NULL, &e, &err), FK_EPERM, &err);
    assert_null(e);
    assert_false(fk_job_is_erased(fx.job, NULL, 0));
    expect_status(fk_job_act_on_erased(fx.job, "x", "report", &err), FK_ESTATE, &err);
    fx_destroy(&fx);
}

typedef struct {
    int n;
    char kinds[4][32];
} receipts_seen;

static int count_receipt(const fk_receipt *r, void *ctx)
{
    receipts_seen *s = ctx;
    if (s->n < 4)
        snprintf(s->kinds[s->n], sizeof s->kinds[0], "%s", r->kind);
    s->n++;
    return 0;
}

static int check_incident(const fk_incident *in, void *ctx)
{
    int *closed = ctx;
    assert_string_equal(in->serials, "S-1");
    *closed = in->closed_at != NULL;
    return 0;
}

static void test_custody_store(void **state)
{
    (void)state;
    fk_err err;
    fx_job fx;
    fx_create(&fx, false);
    fk_receipt r = {.kind = "receive-medium",
                    .at_iso = "2026-12-01T10:00:00+09:00",
                    .at_wareki = "令和8年12月1日 10時00分",
                    .handler = FX_MANAGER,
                    .handler_name = "管理",
                    .ward_staff = "区",
                    .content = "媒体",
                    .quantity = "1",
                    .checkpoint = "x@1",
                    .document = "receipt-1.pdf"};
    FX_OK(fk_job_receipt_add(fx.job, &r, &err), &err);
    assert_int_equal(r.id, 1);
    r.kind = "deliver";
    r.counts = "0=1,1=2";
    FX_OK(fk_job_receipt_add(fx.job, &r, &err), &err);
    receipts_seen seen = {0};
    FX_OK(fk_job_receipts_foreach(fx.job, count_receipt, &seen, &err), &err);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.kinds[1], "deliver");

    fk_incident in = {.occurred_at = "2026-12-01", .what = "破損", .serials = "S-1"};
    FX_OK(fk_job_incident_add(fx.job, &in, &err), &err);
    int closed = -1;
    FX_OK(fk_job_incidents_foreach(fx.job, check_incident, &closed, &err), &err);
    assert_int_equal(closed, 0);
    FX_OK(fk_job_incident_close(fx.job, in.id, "点検", &err), &err);
    expect_status(fk_job_incident_close(fx.job, in.id, "", &err), FK_ENOENT, &err);
    FX_OK(fk_job_incidents_foreach(fx.job, check_incident, &closed, &err), &err);
    assert_int_equal(closed, 1);

    unsigned char sig[FK_SIGNATURE_BYTES] = {1, 2, 3}, back[FK_SIGNATURE_BYTES];
    FX_OK(fk_job_document_put(fx.job, "c.pdf", "certificate", "%PDF", 4, sig, &err), &err);
    fk_buf b;
    fk_buf_init(&b, 1024);
    bool has_sig = false;
    FX_OK(fk_job_document_get(fx.job, "c.pdf", &b, back, &has_sig, &err), &err);
    assert_true(has_sig);
    assert_memory_equal(back, sig, sizeof sig);
    assert_string_equal(fk_buf_cstr(&b), "%PDF");
    expect_status(fk_job_document_get(fx.job, "none", &b, NULL, NULL, &err), FK_ENOENT, &err);
    fk_buf_free(&b);
    fx_destroy(&fx);
}

/* Replaces the first occurrence of from in line n (1-based) of a copy of text. */
static char *edit_line(const char *text, int n, const char *from, const char *to)
{
    fk_buf b;
    fk_buf_init(&b, (size_t)1 << 24);
    const char *p = text;
    for (int line = 1; *p; line++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
        char *copy = fk_strndup(p, len);
        char *hit = line == n ? strstr(copy, from) : NULL;
        if (hit != NULL) {
            assert_int_equal(fk_buf_append(&b, copy, (size_t)(hit - copy)), FK_OK);
            assert_int_equal(fk_buf_append_str(&b, to), FK_OK);
            assert_int_equal(fk_buf_append_str(&b, hit + strlen(from)), FK_OK);
        } else {
            assert_int_equal(fk_buf_append_str(&b, copy), FK_OK);
        }
        fk_free(copy);
        p += len;
    }
    return fk_buf_take(&b);
}

static void test_auditlog(void **state)
{
    (void)state;
    fk_err err;
    fx_job fx;
    fx_create(&fx, true);
    FX_OK(fk_job_audit(fx.job, "obj", FK_OK, "quote \" backslash \\ tab \t 日本語", &err), &err);
    fk_buf b;
    fk_buf_init(&b, (size_t)1 << 24);
    FX_OK(fk_audit_export_jsonl(fx.job, &b, &err), &err);
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    FX_OK(fk_audit_pubkey(fx.job, pk, &err), &err);
    fk_audit_report rep, own;
    FX_OK(fk_audit_verify_jsonl(b.data, b.len, pk, NULL, &rep, &err), &err);
    FX_OK(fk_audit_verify(fx.job, pk, NULL, &own, &err), &err);
    assert_int_equal(rep.entries, own.entries);
    assert_string_equal(rep.head_hex, own.head_hex);
    char cp[128];
    FX_OK(fk_audit_checkpoint(fx.job, cp, sizeof cp, &err), &err);
    FX_OK(fk_audit_verify_jsonl(b.data, b.len, NULL, cp, &rep, &err), &err);

    /* One changed field, a deleted line, a wrong key, a foreign checkpoint, garbage. */
    char *changed = edit_line(b.data, 3, "\"outcome\":\"FK_OK\"", "\"outcome\":\"FK_EIO\"");
    expect_status(fk_audit_verify_jsonl(changed, strlen(changed), pk, NULL, &rep, &err), FK_ETAMPER,
                  &err);
    assert_non_null(strstr(fk_err_message(&err), "altered"));
    fk_free(changed);
    const char *second = strchr(b.data, '\n') + 1, *third = strchr(second, '\n') + 1;
    fk_buf cut;
    fk_buf_init(&cut, (size_t)1 << 24);
    assert_int_equal(fk_buf_append(&cut, b.data, (size_t)(second - b.data)), FK_OK);
    assert_int_equal(fk_buf_append_str(&cut, third), FK_OK);
    expect_status(fk_audit_verify_jsonl(cut.data, cut.len, pk, NULL, &rep, &err), FK_ETAMPER, &err);
    fk_buf_free(&cut);
    unsigned char other[FK_SIGN_PUBLIC_BYTES];
    memcpy(other, pk, sizeof other);
    other[0] ^= 1;
    expect_status(fk_audit_verify_jsonl(b.data, b.len, other, NULL, &rep, &err), FK_ETAMPER, &err);
    char bad_cp[128];
    snprintf(bad_cp, sizeof bad_cp, "%064d@2", 0);
    expect_status(fk_audit_verify_jsonl(b.data, b.len, NULL, bad_cp, &rep, &err), FK_ETAMPER, &err);
    expect_status(fk_audit_verify_jsonl("{\"a\":", 5, NULL, NULL, &rep, &err), FK_EFORMAT, &err);
    expect_status(fk_audit_verify_jsonl("", 0, NULL, NULL, &rep, &err), FK_EFORMAT, &err);
    fk_buf_free(&b);
    fx_destroy(&fx);
}

/* The order's syslog switch: on by default, off with "syslog: false", anything else refused. */
static void test_syslog_setting(void **state)
{
    (void)state;
    fk_err err;
    char *text;
    size_t len;
    FX_OK(fk_fs_read_file(FX_ORDER, 1 << 16, &text, &len, &err), &err);
    fk_order *o;
    FX_OK(fk_order_parse("job.yaml", text, len, &o, &err), &err);
    assert_true(fk_order_syslog(o));
    fk_order_free(o);
    fk_buf b;
    fk_buf_init(&b, 1 << 17);
    assert_int_equal(fk_buf_append(&b, text, len), FK_OK);
    assert_int_equal(fk_buf_append_str(&b, "\nsyslog: false\n"), FK_OK);
    FX_OK(fk_order_parse("job.yaml", b.data, b.len, &o, &err), &err);
    assert_false(fk_order_syslog(o));
    fk_order_free(o);
    fk_buf_reset(&b);
    assert_int_equal(fk_buf_append(&b, text, len), FK_OK);
    assert_int_equal(fk_buf_append_str(&b, "\nsyslog: maybe\n"), FK_OK);
    expect_status(fk_order_parse("job.yaml", b.data, b.len, &o, &err), FK_EFORMAT, &err);
    fk_buf_free(&b);
    fk_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erase_and_prove), cmocka_unit_test(test_erase_needs_manager),
        cmocka_unit_test(test_custody_store),   cmocka_unit_test(test_auditlog),
        cmocka_unit_test(test_syslog_setting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
