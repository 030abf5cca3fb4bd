/*
 * Unit tests for the print log's logic that needs no cupsd (print/printlog.h, core/prints.h):
 * the designated-count rule and its reasons, the sheets an entry counts, batch selection,
 * entries through their states in the store, print-file states with idle paper, and the CSV
 * and table forms with their separate over-count line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <string.h>

#include "core/files.h"
#include "core/prints.h"
#include "job-fixture.h"
#include "print/printlog.h"

static void expect_status(fk_status got, fk_status want, const fk_err *err)
{
    if (got != want)
        fail_msg("expected %s, got %s: %s", fk_status_name(want), fk_status_name(got),
                 fk_err_message(err));
}

static void test_designation(void **state)
{
    (void)state;
    fk_err err;
    long over = -1;
    /* The first print of the whole file is what is designated. */
    expect_status(fk_print_check_designation("F.pdf", 100, 0, 100, NULL, &over, &err), FK_OK, &err);
    assert_int_equal(over, 0);
    /* A second print needs a reason, and the message says what to do. */
    expect_status(fk_print_check_designation("F.pdf", 100, 100, 100, NULL, &over, &err), FK_ESTATE,
                  &err);
    assert_int_equal(over, 100);
    assert_non_null(strstr(fk_err_message(&err), "100 sheets are designated and 100 are already"));
    assert_non_null(strstr(fk_err_message(&err), "--reason"));
    expect_status(fk_print_check_designation("F.pdf", 100, 100, 100, "  ", &over, &err), FK_ESTATE,
                  &err);
    expect_status(fk_print_check_designation("F.pdf", 100, 100, 100, "jam", &over, &err), FK_OK,
                  &err);
    assert_int_equal(over, 100);
    /* After a partial print only the sheets beyond the designation are over count, yet it
     * is a second print and needs a reason. */
    expect_status(fk_print_check_designation("F.pdf", 100, 30, 100, NULL, &over, &err), FK_ESTATE,
                  &err);
    expect_status(fk_print_check_designation("F.pdf", 100, 30, 100, "jam", &over, &err), FK_OK,
                  &err);
    assert_int_equal(over, 30);
    /* A reprint file has nothing designated. */
    expect_status(fk_print_check_designation("R.pdf", 0, 0, 2, NULL, &over, &err), FK_ESTATE, &err);
    expect_status(fk_print_check_designation("R.pdf", 0, 0, 2, "damaged", &over, &err), FK_OK,
                  &err);
    assert_int_equal(over, 2);
}

static void test_reason(void **state)
{
    (void)state;
    fk_err err;
    expect_status(fk_print_check_reason("封筒の破損により再印刷", &err), FK_OK, &err);
    expect_status(fk_print_check_reason("", &err), FK_EINVAL, &err);
    expect_status(fk_print_check_reason("two\nlines", &err), FK_EINVAL, &err);
    expect_status(fk_print_check_reason("\xff\xfe", &err), FK_EINVAL, &err);
    char longer[600];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    expect_status(fk_print_check_reason(longer, &err), FK_EINVAL, &err);
}

static void test_entry_printed(void **state)
{
    (void)state;
    fk_print_entry e = {.sheets_sent = 50, .sheets_reported = -1, .state = FK_PRINT_COMPLETED};
    assert_int_equal(fk_print_entry_printed(&e), 50); /* CUPS did not count: what was sent */
    e.sheets_reported = 48;
    assert_int_equal(fk_print_entry_printed(&e), 48); /* CUPS's count wins */
    e.state = FK_PRINT_CANCELED;
    assert_int_equal(fk_print_entry_printed(&e), 48); /* partially printed */
    e.sheets_reported = -1;
    assert_int_equal(fk_print_entry_printed(&e), 0);
    e.state = FK_PRINT_SENT;
    e.sheets_reported = 50;
    assert_int_equal(fk_print_entry_printed(&e), 0); /* unresolved counts nothing yet */
    fk_print_state st;
    assert_true(fk_print_state_parse("not-sent", &st));
    assert_int_equal(st, FK_PRINT_NOT_SENT);
    assert_false(fk_print_state_parse("printed", &st));
    assert_false(fk_print_state_is_final(FK_PRINT_SENDING));
    assert_true(fk_print_state_is_final(FK_PRINT_ABORTED));
}

static void test_batch_matches(void **state)
{
    (void)state;
    fk_job_file f = {"SJK25A-S-1-002.pdf", "voucher", FK_CAT_SEKKYOKU, 2, 100, 100};
    assert_true(fk_print_batch_matches(&f, "S-2"));
    assert_true(fk_print_batch_matches(&f, "S-002"));
    assert_true(fk_print_batch_matches(&f, "s2"));
    assert_true(fk_print_batch_matches(&f, "SJK25A-S-1-002.pdf"));
    assert_false(fk_print_batch_matches(&f, "S-1"));
    assert_false(fk_print_batch_matches(&f, "D-2"));
    assert_false(fk_print_batch_matches(&f, "S-"));
    assert_false(fk_print_batch_matches(&f, "S-2x"));
    assert_false(fk_print_batch_matches(&f, ""));
}

typedef struct {
    fk_print_tally t[4];
    char names[4][64];
    int n;
} tallies;

static int keep_tally(const fk_print_tally *t, void *ctx)
{
    tallies *x = ctx;
    if (x->n < 4) {
        x->t[x->n] = *t;
        snprintf(x->names[x->n], sizeof x->names[x->n], "%s", t->file->name);
        x->t[x->n].file = NULL;
        x->n++;
    }
    return 0;
}

static void load(fk_job *job, time_t now, tallies *x)
{
    fk_err err;
    memset(x, 0, sizeof *x);
    FX_OK(fk_print_tally_foreach(job, now, keep_tally, x, &err), &err);
}

static void put_file(fk_job *job, const char *name, int cat, int batch, long sheets)
{
    fk_err err;
    fk_job_file f = {name, "voucher", cat, batch, sheets, sheets};
    FX_OK(fk_job_file_put(job, &f, "%PDF-1.7\n", 9, &err), &err);
}

static void test_store_states_and_idle(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    put_file(fx.job, "SJK25A-S-1-001.pdf", FK_CAT_SEKKYOKU, 1, 10);
    put_file(fx.job, "SJK25A-J-1-001.pdf", FK_CAT_JUSHIN, 1, 4);
    fk_job_file run = {"run.csv", "run", -1, 0, 0, 0};
    FX_OK(fk_job_file_put(fx.job, &run, "x", 1, &err), &err);

    /* Printed and recorded: S. Sent but not recorded (a killed fukan): J. */
    fk_print_entry e = {
        .file = "SJK25A-S-1-001.pdf", .printer = "q", .sheets_sent = 10, .designated = 10};
    long id;
    char name[256];
    FX_OK(fk_job_print_add(fx.job, &e, &id, name, sizeof name, &err), &err);
    assert_non_null(strstr(name, "SJK25A/SJK25A-S-1-001.pdf/"));
    FX_OK(fk_job_print_set_sent(fx.job, id, 7, &err), &err);
    FX_OK(fk_job_print_finish(fx.job, id, FK_PRINT_COMPLETED, 10, 10, NULL, &err), &err);
    expect_status(fk_job_print_finish(fx.job, id, FK_PRINT_ABORTED, 0, 0, NULL, &err), FK_ESTATE,
                  &err);
    expect_status(fk_job_print_finish(fx.job, id, FK_PRINT_SENT, 0, 0, NULL, &err), FK_EINVAL,
                  &err);
    fk_print_entry j = {
        .file = "SJK25A-J-1-001.pdf", .printer = "q", .sheets_sent = 4, .designated = 4};
    long jid;
    char jname[256];
    FX_OK(fk_job_print_add(fx.job, &j, &jid, jname, sizeof jname, &err), &err);
    assert_string_not_equal(name, jname); /* names are unique: recovery finds jobs by them */

    time_t now = time(NULL);
    tallies x;
    load(fx.job, now, &x);
    assert_int_equal(x.n, 2); /* the run file is not a print file */
    assert_string_equal(x.names[0], "SJK25A-S-1-001.pdf");
    assert_int_equal(x.t[0].state, FK_FILE_PRINTED);
    assert_int_equal(x.t[0].printed, 10);
    assert_false(x.t[0].is_idle);
    assert_int_equal(x.t[1].state, FK_FILE_COMPOSED);
    assert_int_equal(x.t[1].unresolved, 1);
    assert_int_equal(x.t[1].printed, 0);

    /* Past the order's idle_alarm (30 minutes by default) the printed file is idle paper. */
    char msg[512];
    long count;
    FX_OK(fk_print_idle_warning(fx.job, now + 29 * 60, msg, sizeof msg, &count, &err), &err);
    assert_int_equal(count, 0);
    assert_string_equal(msg, "");
    FX_OK(fk_print_idle_warning(fx.job, now + 31 * 60, msg, sizeof msg, &count, &err), &err);
    assert_int_equal(count, 1);
    assert_non_null(strstr(msg, "SJK25A-S-1-001.pdf (31 min)"));
    assert_non_null(strstr(msg, "30 minutes"));
    load(fx.job, now + 31 * 60, &x);
    assert_true(x.t[0].is_idle);
    assert_int_equal(x.t[0].age, 31 * 60);

    /* The enclosure check ends it. */
    FX_OK(fk_job_file_set_checked(fx.job, "SJK25A-S-1-001.pdf", &err), &err);
    expect_status(fk_job_file_set_checked(fx.job, "nosuch.pdf", &err), FK_ENOENT, &err);
    FX_OK(fk_print_idle_warning(fx.job, now + 31 * 60, msg, sizeof msg, &count, &err), &err);
    assert_int_equal(count, 0);
    load(fx.job, now + 31 * 60, &x);
    assert_int_equal(x.t[0].state, FK_FILE_CHECKED);

    /* Counts per category and batch. */
    fk_print_entry again = {.file = "SJK25A-S-1-001.pdf",
                            .printer = "q",
                            .sheets_sent = 10,
                            .designated = 10,
                            .over_count = 10,
                            .reason = "jam, \"twice\""};
    FX_OK(fk_job_print_add(fx.job, &again, &id, name, sizeof name, &err), &err);
    FX_OK(fk_job_print_finish(fx.job, id, FK_PRINT_COMPLETED, 10, 10, NULL, &err), &err);
    load(fx.job, now, &x);
    assert_int_equal(x.t[0].printed, 20);
    assert_int_equal(x.t[0].over_count, 10);
    assert_int_equal(x.t[0].prints, 2);

    /* CSV: a line per entry, a separate over-count line, quotes doubled. */
    fk_buf csv;
    fk_buf_init(&csv, 1 << 20);
    FX_OK(fk_print_log_write_csv(fx.job, &csv, &err), &err);
    const char *text = fk_buf_cstr(&csv);
    assert_memory_equal(text, "\xEF\xBB\xBF\"line\",", 10);
    assert_non_null(strstr(text, "\"over-count\",\"3\","));
    assert_non_null(strstr(text, "\"jam, \"\"twice\"\"\"\r\n"));
    assert_non_null(strstr(text, "\"print\",\"2\","));
    assert_non_null(strstr(text, "\"sending\""));
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 5); /* header, 3 entries, 1 over-count line */
    fk_buf_free(&csv);

    /* The PDF's rows: the over-count line says 超過 and gives the reason. */
    fk_print_table t;
    FX_OK(fk_print_log_table(fx.job, &t, &err), &err);
    assert_int_equal(t.nrows, 4);
    assert_int_equal(t.entries, 3);
    assert_int_equal(t.sheets, 20);
    assert_int_equal(t.over_count, 10);
    assert_string_equal(t.cells[3 * t.ncols], "（超過）");
    assert_non_null(strstr(t.cells[3 * t.ncols + t.ncols - 1], "理由: jam"));
    assert_non_null(strstr(t.cells[0], "令和"));
    fk_print_table_free(&t);

    char files[160];
    snprintf(files, sizeof files, "%s/files", fx.dir);
    fx_rmdir(files);
    fx_destroy(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_designation),           cmocka_unit_test(test_reason),
        cmocka_unit_test(test_entry_printed),         cmocka_unit_test(test_batch_matches),
        cmocka_unit_test(test_store_states_and_idle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
