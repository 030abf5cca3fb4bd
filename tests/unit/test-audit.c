/*
 * Unit tests for core/audit: an untouched log verifies and its head is the checkpoint;
 * every edit made behind fukan's back (with the append-only triggers dropped first) fails
 * verification naming the first broken entry; entries written without the job key go to the
 * unauthenticated record, are never signed, and are witnessed by the next keyed session.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <string.h>

#include "core/audit.h"
#include "job-fixture.h"
#include "util/mem.h"

/* The fixture writes three entries: the job's creation and two users added. */
#define FX_ENTRIES 3

/* Runs SQL on the job's database directly, as an attacker with file access would. */
static void tamper(fx_job *fx, const char *sql)
{
    fk_job_close(fx->job);
    fx->job = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/job.db", fx->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db,
                          "DROP TRIGGER IF EXISTS audit_no_delete;"
                          "DROP TRIGGER IF EXISTS audit_no_update;"
                          "DROP TRIGGER IF EXISTS audit_unauth_no_delete;"
                          "DROP TRIGGER IF EXISTS audit_unauth_no_update;",
                          NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
    fx_reopen(fx);
}

static void verify_ok(fx_job *fx, const unsigned char *pk, const char *checkpoint,
                      fk_audit_report *report)
{
    fk_err err;
    FX_OK(fk_audit_verify(fx->job, pk, checkpoint, report, &err), &err);
}

/* Expects FK_ETAMPER with "audit entry <entry>" and what in the message. */
static void verify_tampered(fx_job *fx, const unsigned char *pk, const char *checkpoint, long entry,
                            const char *what)
{
    fk_audit_report report;
    fk_err err;
    fk_err_clear(&err);
    fk_status s = fk_audit_verify(fx->job, pk, checkpoint, &report, &err);
    char needle[48];
    snprintf(needle, sizeof needle, "audit entry %ld", entry);
    const char *msg = fk_err_message(&err);
    if (s != FK_ETAMPER || strstr(msg, needle) == NULL || strstr(msg, what) == NULL)
        fail_msg("expected FK_ETAMPER \"%s ... %s\", got %s \"%s\"", needle, what,
                 fk_status_name(s), msg);
}

static int count_entry(const fk_audit_entry *e, void *ctx)
{
    long *n = ctx;
    (*n)++;
    assert_int_equal(e->seq, *n);
    assert_int_equal(strlen(e->hash_hex), 64);
    return 0;
}

static long entries_of(fx_job *fx, const fk_audit_filter *filter)
{
    long n = 0;
    fk_err err;
    FX_OK(fk_audit_foreach(fx->job, filter, count_entry, &n, &err), &err);
    return n;
}

static void checkpoint_of(fx_job *fx, char out[80])
{
    fk_err err;
    FX_OK(fk_audit_checkpoint(fx->job, out, 80, &err), &err);
}

static void test_verify(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;
    FX_OK(fk_job_audit(fx.job, "-", FK_OK, "a command ran", &err), &err);
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    FX_OK(fk_job_audit(fx.job, "package", FK_EFORMAT, "3 rows rejected", &err), &err);
    const long entries = FX_ENTRIES + 3;

    fk_audit_report report;
    verify_ok(&fx, NULL, NULL, &report);
    assert_int_equal(report.entries, entries);
    assert_int_equal(report.head_seq, entries);
    assert_int_equal(report.unauthenticated, 0);
    assert_true(report.roster_checked);
    assert_int_equal(entries_of(&fx, NULL), entries);

    char cp[80], expected[80];
    checkpoint_of(&fx, cp);
    snprintf(expected, sizeof expected, "%s@%ld", report.head_hex, report.head_seq);
    assert_string_equal(cp, expected);

    /* With the public key given and the checkpoint, and with an older checkpoint. */
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    FX_OK(fk_audit_pubkey(fx.job, pk, &err), &err);
    verify_ok(&fx, pk, cp, &report);
    FX_OK(fk_job_audit(fx.job, "-", FK_OK, "later", &err), &err);
    verify_ok(&fx, pk, cp, &report);
    assert_int_equal(report.entries, entries + 1);

    /* A checkpoint that is not HASH@SEQ. */
    fk_err_clear(&err);
    assert_int_equal(fk_audit_verify(fx.job, NULL, "abc@1", &report, &err), FK_EINVAL);
    char bad[80];
    snprintf(bad, sizeof bad, "%.64s@0", cp);
    assert_int_equal(fk_audit_verify(fx.job, NULL, bad, &report, &err), FK_EINVAL);
    snprintf(bad, sizeof bad, "%.64s@x", cp);
    assert_int_equal(fk_audit_verify(fx.job, NULL, bad, &report, &err), FK_EINVAL);

    /* The right form but another entry's hash. */
    snprintf(bad, sizeof bad, "%.64s@2", cp);
    verify_tampered(&fx, NULL, bad, 2, "checkpoint");

    /* The log is readable by anyone with the job open, without logging in. */
    fx_reopen(&fx);
    verify_ok(&fx, pk, cp, &report);
    fx_destroy(&fx);
}

static int count_only(const fk_audit_entry *e, void *ctx)
{
    (void)e;
    (*(long *)ctx)++;
    return 0;
}

static long matching(fx_job *fx, fk_audit_filter f)
{
    long n = 0;
    fk_err err;
    FX_OK(fk_audit_foreach(fx->job, &f, count_only, &n, &err), &err);
    return n;
}

static int stop_at_two(const fk_audit_entry *e, void *ctx)
{
    (*(long *)ctx)++;
    return e->seq == 2;
}

static void test_foreach_filter(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    assert_int_equal(matching(&fx, (fk_audit_filter){.user = FX_HANDLER}), 1);
    assert_int_equal(matching(&fx, (fk_audit_filter){.user = FX_MANAGER}), FX_ENTRIES);
    assert_int_equal(matching(&fx, (fk_audit_filter){.command = "test"}), 1);
    assert_int_equal(matching(&fx, (fk_audit_filter){.command = "init", .user = FX_MANAGER}),
                     FX_ENTRIES);
    assert_int_equal(matching(&fx, (fk_audit_filter){.since = "2000-01-01", .until = "2000-12-31"}),
                     0);
    assert_int_equal(matching(&fx, (fk_audit_filter){.since = "2000-01-01", .until = "9999-12-31"}),
                     FX_ENTRIES + 1);
    assert_int_equal(entries_of(&fx, NULL), FX_ENTRIES + 1);
    long n = 0;
    FX_OK(fk_audit_foreach(fx.job, NULL, stop_at_two, &n, &err), &err);
    assert_int_equal(n, 2);
    fx_destroy(&fx);
}

static void test_altered_field(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    tamper(&fx, "UPDATE audit SET details = 'user added with role auditor' WHERE seq = 2");
    verify_tampered(&fx, NULL, NULL, 2, "altered");
    fx_destroy(&fx);

    fx_create(&fx, true);
    tamper(&fx, "UPDATE audit SET user = 'someone' WHERE seq = 1");
    verify_tampered(&fx, NULL, NULL, 1, "altered");
    fx_destroy(&fx);
}

static void test_deleted(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    tamper(&fx, "DELETE FROM audit WHERE seq = 2");
    verify_tampered(&fx, NULL, NULL, 2, "missing");
    fx_destroy(&fx);
}

static void test_swapped(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    /* Entries 2 and 3 change places, each keeping its own content, hash and signature. */
    tamper(&fx, "UPDATE audit SET seq = -1 WHERE seq = 2;"
                "UPDATE audit SET seq = 2 WHERE seq = 3;"
                "UPDATE audit SET seq = 3 WHERE seq = -1;");
    verify_tampered(&fx, NULL, NULL, 2, "does not link");
    fx_destroy(&fx);
}

static void test_truncated(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    char cp[80];
    checkpoint_of(&fx, cp);
    tamper(&fx, "DELETE FROM audit WHERE seq >= 2");
    /* Without a checkpoint a cut tail cannot be seen; with one, it is named. */
    fk_audit_report report;
    verify_ok(&fx, NULL, NULL, &report);
    assert_int_equal(report.entries, 1);
    verify_tampered(&fx, NULL, cp, FX_ENTRIES, "truncated");
    fx_destroy(&fx);

    /* An emptied log never verifies. */
    fx_create(&fx, false);
    tamper(&fx, "DELETE FROM audit");
    fk_err err;
    assert_int_equal(fk_audit_verify(fx.job, NULL, NULL, &report, &err), FK_ETAMPER);
    fx_destroy(&fx);
}

typedef struct {
    const fk_key *seal;
    const fk_buf *sk;
    fk_buf *sql;
} resign_ctx;

static int resign_entry(const fk_audit_entry *e, void *ctx)
{
    resign_ctx *r = ctx;
    unsigned char hash[FK_HASH_BYTES], sig[FK_SIGNATURE_BYTES];
    char sig_hex[2 * FK_SIGNATURE_BYTES + 1];
    fk_err err;
    assert_true(fk_unhex(e->hash_hex, hash, sizeof hash));
    FX_OK(fk_sign(r->seal, r->sk->data, r->sk->len, hash, sizeof hash, sig, &err), &err);
    fk_hex(sig, sizeof sig, sig_hex);
    assert_int_equal(
        fk_buf_appendf(r->sql, "UPDATE audit SET sig = x'%s' WHERE seq = %ld;", sig_hex, e->seq),
        FK_OK);
    return 0;
}

/* Replaces the job's audit key pair and re-signs every entry under it, as someone who can
 * write the database (but holds no job key, so cannot use the real signing key) would. */
static void resign_with_new_key(fx_job *fx)
{
    fk_key *seal;
    fk_err err;
    FX_OK(fk_key_new_random(&seal, &err), &err);
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    fk_buf sk, sql;
    fk_buf_init(&sk, 1024);
    fk_buf_init(&sql, 1 << 16);
    FX_OK(fk_sign_keypair(seal, pk, &sk, &err), &err);
    char pk_hex[2 * FK_SIGN_PUBLIC_BYTES + 1];
    fk_hex(pk, sizeof pk, pk_hex);
    assert_int_equal(
        fk_buf_appendf(&sql, "UPDATE meta SET value = x'%s' WHERE key = 'sign_pk';", pk_hex),
        FK_OK);
    resign_ctx r = {seal, &sk, &sql};
    FX_OK(fk_audit_foreach(fx->job, NULL, resign_entry, &r, &err), &err);
    tamper(fx, fk_buf_cstr(&sql));
    fk_buf_free(&sql);
    fk_buf_free(&sk);
    fk_key_free(seal);
}

static void test_replaced_key(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    fk_err err;
    FX_OK(fk_audit_pubkey(fx.job, pk, &err), &err);
    tamper(&fx, "UPDATE meta SET value = randomblob(32) WHERE key = 'sign_pk'");
    /* Checked against the key in the job, the old signatures fail at the first entry. */
    verify_tampered(&fx, NULL, NULL, 1, "signature");
    /* Checked against the key from the receipt, the substitution itself is named. */
    fk_audit_report report;
    fk_err_clear(&err);
    assert_int_equal(fk_audit_verify(fx.job, pk, NULL, &report, &err), FK_ETAMPER);
    assert_non_null(strstr(fk_err_message(&err), "public key"));
    fx_destroy(&fx);

    /* Re-signed under a new key, the log verifies against the job's own (replaceable) key:
     * only the key from a receipt catches it, at the first entry. */
    fx_create(&fx, true);
    FX_OK(fk_audit_pubkey(fx.job, pk, &err), &err);
    resign_with_new_key(&fx);
    verify_ok(&fx, NULL, NULL, &report);
    assert_int_equal(report.entries, FX_ENTRIES);
    verify_tampered(&fx, pk, NULL, 1, "signature does not verify");
    fx_destroy(&fx);
}

typedef struct {
    long authenticated, unauthenticated;
} kinds;

static int count_kinds(const fk_audit_entry *e, void *ctx)
{
    kinds *k = ctx;
    if (e->authenticated) {
        assert_true(e->is_signed);
        k->authenticated++;
    } else {
        assert_false(e->is_signed);
        k->unauthenticated++;
    }
    return 0;
}

static void test_unauthenticated(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;
    /* Failed logins are written before any key is open: to the unauthenticated record. */
    fx_reopen(&fx);
    assert_int_equal(
        fk_job_login(fx.job, FX_HANDLER, "wrong-password-1", "t", FK_ROLES_STAFF, &err), FK_EAUTH);
    assert_int_equal(fk_job_login(fx.job, "nobody", "wrong-password-1", "t", FK_ROLES_STAFF, &err),
                     FK_EAUTH);
    fk_audit_report report;
    verify_ok(&fx, NULL, NULL, &report);
    assert_int_equal(report.entries, FX_ENTRIES);
    assert_int_equal(report.unauthenticated, 2);
    assert_int_equal(report.unwitnessed, 2);
    assert_false(report.roster_checked);

    /* An auditor's login opens no job key either. */
    FX_OK(fx_login(&fx, FX_AUDITOR, FX_AUDITOR_PW, FK_ROLES_ALL, &err), &err);
    verify_ok(&fx, NULL, NULL, &report);
    assert_int_equal(report.unauthenticated, 3);

    char cp[80];
    checkpoint_of(&fx, cp);

    /* The next staff login writes a signed witness of all three, then its own entry; the
     * three stay unauthenticated. */
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    verify_ok(&fx, NULL, cp, &report);
    assert_int_equal(report.entries, FX_ENTRIES + 2);
    assert_int_equal(report.unauthenticated, 3);
    assert_int_equal(report.unwitnessed, 0);
    kinds k = {0, 0};
    FX_OK(fk_audit_foreach(fx.job, NULL, count_kinds, &k, &err), &err);
    assert_int_equal(k.authenticated, FX_ENTRIES + 2);
    assert_int_equal(k.unauthenticated, 3);
    /* A second keyed entry has nothing new to witness. */
    FX_OK(fk_job_audit(fx.job, "-", FK_OK, "more", &err), &err);
    verify_ok(&fx, NULL, cp, &report);
    assert_int_equal(report.entries, FX_ENTRIES + 3);

    /* Witnessed entries can be neither removed nor rewritten. */
    tamper(&fx, "DELETE FROM audit_unauth WHERE seq = 3");
    fk_err_clear(&err);
    assert_int_equal(fk_audit_verify(fx.job, NULL, NULL, &report, &err), FK_ETAMPER);
    assert_non_null(strstr(fk_err_message(&err), "unauthenticated audit entries 3-3"));
    fx_destroy(&fx);
}

/* An entry forged into the unauthenticated record, chained correctly, never passes as a
 * staff action: it is counted as unauthenticated, and the next witness covers it as such. */
static void test_forged_unauthenticated(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;
    /* What a database writer can do without any key: write an entry as the unkeyed path does. */
    fk_job_close(fx.job);
    FX_OK(fk_job_open(fx.dir, &fx.job, &err), &err);
    FX_OK(fk_job_audit(fx.job, "export", FK_OK, "export by kanri", &err), &err);
    fk_audit_report report;
    verify_ok(&fx, NULL, NULL, &report);
    assert_int_equal(report.entries, FX_ENTRIES);
    assert_int_equal(report.unauthenticated, 1);
    /* Moved into the signed log, with or without a signature, it fails. */
    tamper(&fx, "INSERT INTO audit SELECT seq + 3, ts_utc, ts_local, user, host, command, object,"
                " outcome, details, prev_hash, hash, NULL FROM audit_unauth;");
    verify_tampered(&fx, NULL, NULL, FX_ENTRIES + 1, "does not link");
    fx_destroy(&fx);
}

static void test_unsigned_in_signed_log(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    /* A signature stripped, anywhere, is a forgery. */
    tamper(&fx, "UPDATE audit SET sig = NULL WHERE seq = 2");
    verify_tampered(&fx, NULL, NULL, 2, "not signed");
    fx_destroy(&fx);

    fx_create(&fx, true);
    tamper(&fx, "UPDATE audit SET sig = NULL WHERE seq = 3");
    verify_tampered(&fx, NULL, NULL, 3, "not signed");
    fx_destroy(&fx);
}

/* Every allocation in turn fails while verifying and appending: FK_ENOMEM, never a false
 * FK_ETAMPER, and nothing half-written. */
static void test_out_of_memory(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;
    fk_audit_report report;
    long n;
    for (n = 0;; n++) {
        fk_mem_fail_after(n);
        fk_status s = fk_audit_verify(fx.job, NULL, NULL, &report, &err);
        fk_mem_fail_after(-1);
        if (s == FK_OK)
            break;
        if (s != FK_ENOMEM)
            fail_msg("%s: %s", fk_status_name(s), fk_err_message(&err));
    }
    assert_true(n > 0);
    for (n = 0;; n++) {
        fk_mem_fail_after(n);
        fk_status s = fk_job_audit(fx.job, "-", FK_OK, "under memory pressure", &err);
        fk_mem_fail_after(-1);
        if (s == FK_OK)
            break;
        if (s != FK_ENOMEM)
            fail_msg("%s: %s", fk_status_name(s), fk_err_message(&err));
    }
    verify_ok(&fx, NULL, NULL, &report);
    assert_int_equal(report.entries, FX_ENTRIES + 1);
    fx_destroy(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_foreach_filter),
        cmocka_unit_test(test_altered_field),
        cmocka_unit_test(test_deleted),
        cmocka_unit_test(test_swapped),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_replaced_key),
        cmocka_unit_test(test_unauthenticated),
        cmocka_unit_test(test_forged_unauthenticated),
        cmocka_unit_test(test_unsigned_in_signed_log),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
