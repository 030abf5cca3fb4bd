/* Unit tests for verify/verify and verify/simulate: the insert-control code, the plan from a
 * run file, every fault kind of the per-envelope check, completeness, and the simulated
 * inserter's planted faults found back through the parser and the check. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/scan.h"
#include "verify/simulate.h"
#include "verify/verify.h"

#define CK1 "0123456789"
#define CK2 "abcdef0123"
#define CK3 "5555555555"
#define CK4 "a1b2c3d4e5"

/* S 1..3 two sheets (batch 1, 1, 2), J 1 one sheet. */
static fk_verify_plan *plan4(void)
{
    fk_verify_plan *p;
    fk_err err;
    assert_int_equal(fk_verify_plan_new("JOB1", &p, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add(p, FK_CAT_SEKKYOKU, 1, 1, 2, CK1, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add(p, FK_CAT_SEKKYOKU, 2, 1, 2, CK2, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add(p, FK_CAT_SEKKYOKU, 3, 2, 2, CK3, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add(p, FK_CAT_JUSHIN, 1, 1, 1, CK4, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add(p, FK_CAT_JUSHIN, 1, 1, 1, CK4, &err), FK_EEXIST);
    return p;
}

static unsigned check(fk_verify *v, fk_verify_result *r, const char *a, const char *b,
                      const char *c)
{
    const char *p[3] = {a, b, c};
    size_t n = c ? 3 : b ? 2 : 1;
    fk_err err;
    assert_int_equal(fk_verify_envelope(v, p, n, r, &err), FK_OK);
    return r->faults;
}

static void test_code(void **state)
{
    (void)state;
    fk_verify_code c;
    assert_true(fk_verify_code_parse("FK1|SJK25A|S|000123|1/2|3f9a0c17be", &c));
    assert_string_equal(c.job, "SJK25A");
    assert_int_equal(c.category, FK_CAT_SEKKYOKU);
    assert_int_equal(c.serial, 123);
    assert_int_equal(c.sheet, 1);
    assert_int_equal(c.sheets, 2);
    assert_string_equal(c.check, "3f9a0c17be");
    const char *bad[] = {
        "FK2|SJK25A|S|000123|1/2|3f9a0c17be",     "FK1||S|000123|1/2|3f9a0c17be",
        "FK1|SJK25A|Q|000123|1/2|3f9a0c17be",     "FK1|SJK25A|S|000000|1/2|3f9a0c17be",
        "FK1|SJK25A|S|000123|3/2|3f9a0c17be",     "FK1|SJK25A|S|000123|0/2|3f9a0c17be",
        "FK1|SJK25A|S|000123|1/2|3F9A0C17BE",     "FK1|SJK25A|S|000123|1/2|3f9a0c17b",
        "FK1|SJK25A|S|000123|1/2|3f9a0c17be0",    "FK1|SJK25A|S|12a|1/2|3f9a0c17be",
        "FK1|SJK25A|S|1234567890|1/2|3f9a0c17be", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (fk_verify_code_parse(bad[i], &c))
            fail_msg("accepted '%s'", bad[i]);
}

static void test_faults_text(void **state)
{
    (void)state;
    char s[128];
    fk_verify_faults_describe(FK_FAULT_SWAPPED | FK_FAULT_UNREAD, s, sizeof s);
    assert_string_equal(s, "swapped,unread");
    fk_verify_faults_describe(0, s, sizeof s);
    assert_string_equal(s, "");
    assert_int_equal(fk_verify_fault_parse("not-printed"), FK_FAULT_NOT_PRINTED);
    assert_int_equal(fk_verify_fault_parse("nonsense"), 0);
    assert_string_equal(fk_verify_fault_label(FK_FAULT_UNREAD), "読取不能");
    assert_null(fk_verify_fault_name(1u << 20));
}

static void test_clean_and_complete(void **state)
{
    (void)state;
    fk_verify_plan *p = plan4();
    fk_verify *v;
    fk_err err;
    fk_verify_result r;
    assert_int_equal(fk_verify_new(p, NULL, &v, &err), FK_OK);
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000001|1/2|" CK1, "FK1|JOB1|S|000001|2/2|" CK1, NULL),
                     0);
    assert_true(r.identified);
    assert_int_equal(r.serial, 1);
    assert_int_equal(r.batch, 1);
    /* Sheets in reverse order are still one complete set. */
    assert_int_equal(check(v, &r, "FK1|JOB1|J|000001|1/1|" CK4, NULL, NULL), 0);
    fk_verify_totals t;
    fk_verify_get_totals(v, &t);
    assert_int_equal(t.composed[FK_CAT_SEKKYOKU], 3);
    assert_int_equal(t.verified[FK_CAT_SEKKYOKU], 1);
    assert_int_equal(t.missing[FK_CAT_SEKKYOKU], 2);
    assert_int_equal(t.verified[FK_CAT_JUSHIN], 1);
    assert_int_equal(fk_verify_get_state(v, FK_CAT_SEKKYOKU, 1), FK_ENCL_VERIFIED);
    assert_int_equal(fk_verify_get_state(v, FK_CAT_SEKKYOKU, 2), FK_ENCL_NONE);
    /* The same envelope again: no envelope twice (and its sheets were already seen). */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000001|2/2|" CK1, "FK1|JOB1|S|000001|1/2|" CK1, NULL),
                     FK_FAULT_DUPLICATE);
    assert_int_equal(fk_verify_get_state(v, FK_CAT_SEKKYOKU, 1), FK_ENCL_FAILED);
    fk_verify_free(v);
    fk_verify_plan_free(p);
}

static void test_fault_kinds(void **state)
{
    (void)state;
    fk_verify_plan *p = plan4();
    fk_verify *v;
    fk_err err;
    fk_verify_result r;
    assert_int_equal(fk_verify_new(p, NULL, &v, &err), FK_OK);
    /* Swapped: ② of S-2 in S-1's envelope; named by ①'s envelope. */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000001|1/2|" CK1, "FK1|JOB1|S|000002|2/2|" CK2, NULL),
                     FK_FAULT_SWAPPED);
    assert_int_equal(r.serial, 1);
    /* S-2 with ② of S-1: swapped too, and nothing else. */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000002|1/2|" CK2, "FK1|JOB1|S|000001|2/2|" CK1, NULL),
                     FK_FAULT_SWAPPED);
    fk_verify_free(v);

    assert_int_equal(fk_verify_new(p, NULL, &v, &err), FK_OK);
    /* Missing sheet. */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000001|1/2|" CK1, NULL, NULL),
                     FK_FAULT_MISSING_SHEET);
    /* A sheet twice in one envelope (a double feed). */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000002|1/2|" CK2, "FK1|JOB1|S|000002|1/2|" CK2,
                           "FK1|JOB1|S|000002|2/2|" CK2),
                     FK_FAULT_DUPLICATE);
    /* Unread: counted as the sheet that is not there, not as missing. */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000003|1/2|" CK3, "", NULL), FK_FAULT_UNREAD);
    assert_int_equal(r.serial, 3);
    assert_int_equal(r.batch, 2);
    fk_verify_free(v);

    assert_int_equal(fk_verify_new(p, NULL, &v, &err), FK_OK);
    /* A stray sheet of another job. */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000001|1/2|" CK1, "FK1|JOB9|S|000001|2/2|" CK1,
                           "FK1|JOB1|S|000001|2/2|" CK1),
                     FK_FAULT_FOREIGN);
    /* Forged: the right structure, a check value that does not verify. */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000002|1/2|" CK3, "FK1|JOB1|S|000002|2/2|" CK3, NULL),
                     FK_FAULT_FORGED);
    assert_true(r.identified);
    assert_int_equal(r.serial, 2);
    /* A proof sheet's specimen, an unknown serial, a wrong sheet count, garbage: forged. */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000000|1/2|0000000000", NULL, NULL), FK_FAULT_FORGED);
    assert_false(r.identified);
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000099|1/2|" CK1, NULL, NULL), FK_FAULT_FORGED);
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000003|1/3|" CK3, "FK1|JOB1|S|000003|2/2|" CK3, NULL),
                     FK_FAULT_FORGED);
    assert_int_equal(check(v, &r, "FKsomething", NULL, NULL), FK_FAULT_FORGED);
    /* A sheet already enclosed in another envelope. */
    assert_int_equal(check(v, &r, "FK1|JOB1|J|000001|1/1|" CK4, "FK1|JOB1|S|000001|1/2|" CK1, NULL),
                     FK_FAULT_SWAPPED | FK_FAULT_DUPLICATE);
    fk_verify_free(v);
    fk_verify_plan_free(p);
}

static bool printed_batch1(void *ctx, fk_category c, int batch, int sheet)
{
    (void)ctx;
    (void)c;
    (void)sheet;
    return batch == 1;
}

static bool delivered_j(void *ctx, fk_category c, long serial)
{
    (void)ctx;
    (void)serial;
    return c == FK_CAT_JUSHIN;
}

static void test_hooks_and_states(void **state)
{
    (void)state;
    fk_verify_plan *p = plan4();
    fk_verify *v;
    fk_err err;
    fk_verify_result r;
    fk_verify_hooks hooks = {printed_batch1, delivered_j, NULL};
    assert_int_equal(fk_verify_new(p, &hooks, &v, &err), FK_OK);
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000003|1/2|" CK3, "FK1|JOB1|S|000003|2/2|" CK3, NULL),
                     FK_FAULT_NOT_PRINTED);
    assert_int_equal(check(v, &r, "FK1|JOB1|J|000001|1/1|" CK4, NULL, NULL), FK_FAULT_DELIVERED);
    fk_verify_free(v);

    /* States from earlier checks: verified → duplicate, failed → rework first, rework → ok. */
    assert_int_equal(fk_verify_new(p, NULL, &v, &err), FK_OK);
    fk_verify_set_state(v, FK_CAT_SEKKYOKU, 1, FK_ENCL_VERIFIED);
    fk_verify_set_state(v, FK_CAT_SEKKYOKU, 2, FK_ENCL_FAILED);
    fk_verify_set_state(v, FK_CAT_SEKKYOKU, 3, FK_ENCL_REWORK);
    fk_verify_set_state(v, FK_CAT_SEKKYOKU, 77, FK_ENCL_VERIFIED); /* ignored */
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000001|1/2|" CK1, "FK1|JOB1|S|000001|2/2|" CK1, NULL),
                     FK_FAULT_DUPLICATE);
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000002|1/2|" CK2, "FK1|JOB1|S|000002|2/2|" CK2, NULL),
                     FK_FAULT_NOT_REWORKED);
    assert_int_equal(check(v, &r, "FK1|JOB1|S|000003|1/2|" CK3, "FK1|JOB1|S|000003|2/2|" CK3, NULL),
                     0);
    assert_int_equal(fk_verify_get_state(v, FK_CAT_SEKKYOKU, 3), FK_ENCL_VERIFIED);
    const char *none[1] = {NULL};
    assert_int_equal(fk_verify_envelope(v, none, 0, &r, &err), FK_EINVAL);
    fk_verify_free(v);
    fk_verify_plan_free(p);
}

static const char run_file[] =
    "batch,serial,category,sheet,sheets,document,payload,stock_items\r\n"
    "1,000001,S,1,2,voucher-tokutei,FK1|JOB1|S|000001|1/2|" CK1 ",a;b\r\n"
    "1,000002,S,1,2,voucher-tokutei,FK1|JOB1|S|000002|1/2|" CK2 ",a;b\r\n"
    "1,000001,S,2,2,results,FK1|JOB1|S|000001|2/2|" CK1 ",a;b\r\n"
    "1,000002,S,2,2,results,FK1|JOB1|S|000002|2/2|" CK2 ",a;b\r\n"
    "1,000001,J,1,1,notice-jushin,FK1|JOB1|J|000001|1/1|" CK4 ",c\r\n";

static void test_run_file(void **state)
{
    (void)state;
    fk_verify_plan *p;
    fk_err err;
    assert_int_equal(fk_verify_plan_new("JOB1", &p, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add_run(p, "run.csv", run_file, sizeof run_file - 1, &err),
                     FK_OK);
    assert_int_equal(fk_verify_plan_count(p), 3);
    assert_int_equal(fk_verify_plan_check_confirmed(p, &err), FK_ETAMPER);
    assert_int_equal(fk_verify_plan_confirm(p, FK_CAT_SEKKYOKU, 1, CK1, &err), FK_OK);
    assert_int_equal(fk_verify_plan_confirm(p, FK_CAT_SEKKYOKU, 2, CK1, &err), FK_ETAMPER);
    assert_non_null(strstr(fk_err_message(&err), "does not verify under the job key"));
    assert_int_equal(fk_verify_plan_confirm(p, FK_CAT_SEKKYOKU, 9, CK1, &err), FK_ENOENT);
    assert_int_equal(fk_verify_plan_confirm(p, FK_CAT_SEKKYOKU, 2, CK2, &err), FK_OK);
    assert_int_equal(fk_verify_plan_confirm(p, FK_CAT_JUSHIN, 1, CK4, &err), FK_OK);
    assert_int_equal(fk_verify_plan_check_confirmed(p, &err), FK_OK);
    fk_verify_plan_free(p);

    /* A sheet ② that disagrees with its ①, another job's code, a broken line. */
    char bad[sizeof run_file];
    memcpy(bad, run_file, sizeof run_file);
    char *at = strstr(bad, "2/2|" CK1);
    memcpy(at + 4, CK3, 10);
    assert_int_equal(fk_verify_plan_new("JOB1", &p, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add_run(p, "run.csv", bad, strlen(bad), &err), FK_ETAMPER);
    assert_non_null(strstr(fk_err_message(&err), "run.csv:4: sheet 2/2 of S-000001"));
    fk_verify_plan_free(p);
    assert_int_equal(fk_verify_plan_new("JOB2", &p, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add_run(p, "run.csv", run_file, sizeof run_file - 1, &err),
                     FK_ETAMPER);
    fk_verify_plan_free(p);
    assert_int_equal(fk_verify_plan_new("JOB1", &p, &err), FK_OK);
    const char broken[] = "header\n1,2,3\n";
    assert_int_equal(fk_verify_plan_add_run(p, "run.csv", broken, sizeof broken - 1, &err),
                     FK_EFORMAT);
    fk_verify_plan_free(p);
}

/* The simulated export, read back through the parser and the check. */
typedef struct {
    fk_verify *v;
    char env[16];
    char sheets[8][FK_SCAN_MAX_PAYLOAD + 1];
    size_t n;
    char found[4096];
} reader;

static void flush(reader *rd)
{
    if (rd->n == 0)
        return;
    const char *p[8];
    for (size_t i = 0; i < rd->n; i++)
        p[i] = rd->sheets[i];
    fk_verify_result r;
    fk_err err;
    assert_int_equal(fk_verify_envelope(rd->v, p, rd->n, &r, &err), FK_OK);
    if (r.faults) {
        char kinds[128];
        size_t len = strlen(rd->found);
        fk_verify_faults_describe(r.faults, kinds, sizeof kinds);
        snprintf(rd->found + len, sizeof rd->found - len, "%s\t%c-%06ld\n", kinds,
                 fk_category_code(r.category), r.serial);
    }
    rd->n = 0;
}

static int on_line(const fk_scan_line *l, void *ctx)
{
    reader *rd = ctx;
    if (rd->n > 0 && strcmp(rd->env, l->envelope) != 0)
        flush(rd);
    snprintf(rd->env, sizeof rd->env, "%s", l->envelope);
    snprintf(rd->sheets[rd->n++], sizeof rd->sheets[0], "%s", l->payload);
    return 0;
}

static void test_simulate(void **state)
{
    (void)state;
    fk_verify_plan *p;
    fk_err err;
    assert_int_equal(fk_verify_plan_new("SIM1", &p, &err), FK_OK);
    for (long s = 1; s <= 200; s++) {
        char ck[11];
        snprintf(ck, sizeof ck, "%010lx", (unsigned long)(s * 2654435761UL) & 0xffffffffffUL);
        assert_int_equal(fk_verify_plan_add(p, s % 5 ? FK_CAT_DOUKI : FK_CAT_JUSHIN, s, 1,
                                            s % 5 ? 2 : 1, ck, &err),
                         FK_OK);
    }
    fk_simulate_options o = {
        .swap = 2, .drop = 2, .duplicate = 2, .foreign = 2, .forge = 2, .unread = 2, .seed = 42};
    fk_buf csv, planted;
    fk_buf_init(&csv, 1 << 20);
    fk_buf_init(&planted, 1 << 16);
    assert_int_equal(fk_verify_simulate(p, &o, &csv, &planted, &err), FK_OK);
    reader *rd = calloc(1, sizeof *rd);
    assert_non_null(rd);
    assert_int_equal(fk_verify_new(p, NULL, &rd->v, &err), FK_OK);
    fk_scan_parser *sp;
    assert_int_equal(fk_scan_parser_new("sim.csv", on_line, rd, &sp, &err), FK_OK);
    assert_int_equal(fk_scan_parser_feed(sp, csv.data, csv.len, &err), FK_OK);
    assert_int_equal(fk_scan_parser_finish(sp, &err), FK_OK);
    flush(rd);
    fk_scan_parser_free(sp);
    /* Same envelopes and kinds as planted (both in plan order). */
    assert_string_equal(rd->found, fk_buf_cstr(&planted));
    int lines = 0;
    for (const char *c = rd->found; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 14); /* a swap fails both envelopes */
    fk_verify_totals t;
    fk_verify_get_totals(rd->v, &t);
    assert_int_equal(t.missing[FK_CAT_DOUKI] + t.missing[FK_CAT_JUSHIN], 0);
    fk_verify_free(rd->v);
    free(rd);
    /* Too many faults for the envelopes there are. */
    fk_simulate_options many = {.swap = 500};
    fk_buf_reset(&csv);
    assert_int_equal(fk_verify_simulate(p, &many, &csv, &planted, &err), FK_EINVAL);
    fk_buf_free(&csv);
    fk_buf_free(&planted);
    fk_verify_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code),
        cmocka_unit_test(test_faults_text),
        cmocka_unit_test(test_clean_and_complete),
        cmocka_unit_test(test_fault_kinds),
        cmocka_unit_test(test_hooks_and_states),
        cmocka_unit_test(test_run_file),
        cmocka_unit_test(test_simulate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
