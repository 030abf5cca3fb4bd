/*
 * Unit tests for core/state and core/moves: the state machine's table (who may move a record
 * or a print file from where to where), refusals that name the missing step and its
 * command, and the store moving records only along the table, keeping a held record's
 * reason, counting states and taking a composition back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <limits.h>
#include <string.h>

#include "core/moves.h"
#include "core/records.h"
#include "job-fixture.h"
#include "util/mem.h"

static void expect_status(fk_status got, fk_status want, const fk_err *err)
{
    if (got != want)
        fail_msg("expected %s, got %s: %s", fk_status_name(want), fk_status_name(got),
                 fk_err_message(err));
}

static void test_names(void **state)
{
    (void)state;
    for (int i = 0; i < FK_REC_STATE_COUNT; i++) {
        fk_record_state back;
        assert_true(fk_record_state_parse(fk_record_state_name((fk_record_state)i), &back));
        assert_int_equal(back, i);
        assert_string_not_equal(fk_record_state_label((fk_record_state)i), "不明");
    }
    for (int i = 0; i < FK_FILE_STATE_COUNT; i++) {
        fk_file_state back;
        assert_true(fk_file_state_parse(fk_file_state_name((fk_file_state)i), &back));
        assert_int_equal(back, i);
    }
    fk_record_state r;
    assert_false(fk_record_state_parse("stage", &r));
    assert_false(fk_record_state_parse(NULL, &r));
    assert_string_equal(fk_record_state_name(FK_REC_HELD), "held");
    assert_string_equal(fk_record_state_command(FK_REC_CHECKED), "check");
    assert_string_equal(fk_record_state_command(FK_REC_COMPOSED), "compose");
}

static void test_table(void **state)
{
    (void)state;
    assert_true(fk_record_transition_allowed(FK_REC_ACCEPTED, FK_REC_CHECKED, "check"));
    assert_true(fk_record_transition_allowed(FK_REC_ACCEPTED, FK_REC_HELD, "check"));
    assert_true(fk_record_transition_allowed(FK_REC_HELD, FK_REC_CHECKED, "check"));
    assert_true(fk_record_transition_allowed(FK_REC_CHECKED, FK_REC_COMPOSED, "compose"));
    assert_true(fk_record_transition_allowed(FK_REC_CHECKED, FK_REC_HELD, "compose"));
    assert_true(fk_record_transition_allowed(FK_REC_COMPOSED, FK_REC_PRINTED, "print"));
    /* Only the right command, only along the table. */
    assert_false(fk_record_transition_allowed(FK_REC_ACCEPTED, FK_REC_CHECKED, "compose"));
    assert_false(fk_record_transition_allowed(FK_REC_ACCEPTED, FK_REC_COMPOSED, "compose"));
    assert_false(fk_record_transition_allowed(FK_REC_HELD, FK_REC_COMPOSED, "compose"));
    assert_false(fk_record_transition_allowed(FK_REC_COMPOSED, FK_REC_CHECKED, "check"));
    assert_false(fk_record_transition_allowed(FK_REC_PRINTED, FK_REC_CHECKED, "compose"));
    assert_false(fk_record_transition_allowed(FK_REC_COMPOSED, FK_REC_COMPOSED, "compose"));
    assert_true(fk_file_transition_allowed(FK_FILE_COMPOSED, FK_FILE_PRINTED, "print"));
    assert_false(fk_file_transition_allowed(FK_FILE_COMPOSED, FK_FILE_VERIFIED, "verify"));
    assert_false(fk_file_transition_allowed(FK_FILE_VERIFIED, FK_FILE_COMPOSED, "compose"));
}

static void test_refusals_name_the_step(void **state)
{
    (void)state;
    fk_err err;
    fk_err_clear(&err);
    expect_status(fk_record_transition_check(FK_REC_ACCEPTED, FK_REC_COMPOSED, "compose",
                                             "the record of line 7", &err),
                  FK_ESTATE, &err);
    assert_non_null(strstr(fk_err_message(&err), "line 7 is accepted, not checked yet"));
    assert_non_null(strstr(fk_err_message(&err), "run 'fukan check JOBDIR' first"));
    expect_status(
        fk_record_transition_check(FK_REC_CHECKED, FK_REC_VERIFIED, "verify", "line 3", &err),
        FK_ESTATE, &err);
    assert_non_null(strstr(fk_err_message(&err), "'fukan compose JOBDIR'"));
    expect_status(
        fk_record_transition_check(FK_REC_PRINTED, FK_REC_CHECKED, "compose", "line 3", &err),
        FK_ESTATE, &err);
    assert_non_null(strstr(fk_err_message(&err), "line 3 is printed"));
    expect_status(fk_file_transition_check(FK_FILE_COMPOSED, FK_FILE_VERIFIED, "verify",
                                           "X-S-1-001.pdf", &err),
                  FK_ESTATE, &err);
    assert_non_null(strstr(fk_err_message(&err), "'fukan print JOBDIR'"));
    FX_OK(fk_record_transition_check(FK_REC_ACCEPTED, FK_REC_CHECKED, "check", "x", &err), &err);
}

static void add_record(fx_job *fx, long pkg, fk_category c, const char *resident_no, long line)
{
    fk_record r;
    fk_err err;
    fk_record_init(&r);
    r.category = c;
    r.resident_no = fk_strdup(resident_no);
    r.name = fk_strdup("試験\u3000花子");
    r.kana = fk_strdup("シケン\u3000ハナコ");
    r.birth = (fk_date){1960, 4, 1};
    r.exam_date = (fk_date){2025, 6, 10};
    r.sex = FK_SEX_FEMALE;
    r.age = 65;
    memcpy(r.postal, "1600021", 8);
    r.address = fk_strdup("東京都新宿区歌舞伎町二丁目44番1号");
    r.building = fk_strdup("試験ハイツ 101号室");
    r.ins_symbol = fk_strdup("新宿");
    r.ins_number = fk_strdup("12345");
    FX_OK(fk_job_record_add(fx->job, pkg, &r, line, &err), &err);
    fk_record_clear(&r);
}

static int collect_ids(const fk_record *r, const fk_record_meta *m, void *ctx)
{
    (void)r;
    long *ids = ctx;
    ids[m->line - 2] = m->id;
    return 0;
}

static int collect_held(const fk_held_record *h, void *ctx)
{
    char *out = ctx;
    snprintf(out, 64, "%ld %s", h->line, h->reason);
    return 0;
}

static void login_as(fx_job *fx, const char *command)
{
    fk_err err;
    fx_reopen(fx);
    FX_OK(fk_job_login(fx->job, FX_MANAGER, FX_MANAGER_PW, command, FK_ROLES_STAFF, &err), &err);
}

static int collect_serial(fk_category c, long serial, void *ctx)
{
    long *found = ctx;
    found[0]++;
    found[1] = (long)c * 1000 + serial;
    return 0;
}

static void test_store_moves(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    long pkg, ids[3];
    FX_OK(fk_job_begin(fx.job, &err), &err);
    FX_OK(fk_job_package_start(fx.job, "ab", false, &pkg, &err), &err);
    add_record(&fx, pkg, FK_CAT_DOUKI, "100000000001", 2);
    add_record(&fx, pkg, FK_CAT_DOUKI, "100000000002", 3);
    add_record(&fx, pkg, FK_CAT_JUSHIN, "100000000003", 4);
    FX_OK(fk_job_package_finish(fx.job, pkg, 3, 3, 0, &err), &err);
    FX_OK(fk_job_commit(fx.job, &err), &err);
    FX_OK(fk_job_records_foreach(fx.job, collect_ids, ids, &err), &err);

    fk_job_states st;
    FX_OK(fk_job_states_get(fx.job, &st, &err), &err);
    assert_int_equal(st.records[FK_CAT_DOUKI][FK_REC_ACCEPTED], 2);
    assert_int_equal(st.by_state[FK_REC_ACCEPTED], 3);

    /* compose may not skip the quality gate; the refusal names it. */
    login_as(&fx, "compose");
    expect_status(fk_job_record_compose(fx.job, ids[0], 1, &err), FK_ESTATE, &err);
    assert_non_null(strstr(fk_err_message(&err), "line 2 is accepted, not checked yet"));

    login_as(&fx, "check");
    FX_OK(fk_job_begin(fx.job, &err), &err);
    FX_OK(fk_job_record_move(fx.job, ids[0], FK_REC_CHECKED, NULL, &err), &err);
    FX_OK(fk_job_record_move(fx.job, ids[1], FK_REC_HELD, "disagreement", &err), &err);
    FX_OK(fk_job_record_move(fx.job, ids[2], FK_REC_CHECKED, NULL, &err), &err);
    expect_status(fk_job_record_move(fx.job, 999, FK_REC_CHECKED, NULL, &err), FK_ENOENT, &err);
    FX_OK(fk_job_moves_audit(fx.job, &err), &err);
    FX_OK(fk_job_moves_audit(fx.job, &err), &err); /* nothing moved since: no entry */
    FX_OK(fk_job_commit(fx.job, &err), &err);
    char held[64] = "";
    FX_OK(fk_job_held_foreach(fx.job, collect_held, held, &err), &err);
    assert_string_equal(held, "3 disagreement");

    login_as(&fx, "compose");
    FX_OK(fk_job_record_compose(fx.job, ids[0], 1, &err), &err);
    expect_status(fk_job_record_compose(fx.job, ids[1], 2, &err), FK_ESTATE, &err);
    expect_status(fk_job_record_compose(fx.job, ids[0], 1, &err), FK_ESTATE, &err);
    expect_status(fk_job_record_compose(fx.job, ids[2], 0, &err), FK_EINVAL, &err);
    expect_status(fk_job_record_compose(fx.job, 999, 3, &err), FK_ENOENT, &err);
    FX_OK(fk_job_record_compose(fx.job, ids[2], 1, &err), &err);
    FX_OK(fk_job_states_get(fx.job, &st, &err), &err);
    assert_int_equal(st.by_state[FK_REC_COMPOSED], 2);
    assert_int_equal(st.records[FK_CAT_DOUKI][FK_REC_HELD], 1);

    long moved;
    FX_OK(fk_job_records_uncompose(fx.job, &moved, &err), &err);
    assert_int_equal(moved, 2);
    FX_OK(fk_job_states_get(fx.job, &st, &err), &err);
    assert_int_equal(st.by_state[FK_REC_CHECKED], 2);
    assert_int_equal(st.by_state[FK_REC_COMPOSED], 0);

    /* Once printed, composing again is refused. */
    FX_OK(fk_job_record_compose(fx.job, ids[0], 1, &err), &err);
    login_as(&fx, "print");
    FX_OK(fk_job_record_move(fx.job, ids[0], FK_REC_PRINTED, NULL, &err), &err);
    login_as(&fx, "compose");
    expect_status(fk_job_records_uncompose(fx.job, &moved, &err), FK_ESTATE, &err);
    assert_non_null(strstr(fk_err_message(&err), "printed"));
    /* The composed records by state, with their serials, without the job key. */
    long found[2] = {0, 0};
    FX_OK(fk_job_serials_foreach(fx.job, FK_REC_PRINTED, collect_serial, found, &err), &err);
    assert_int_equal(found[0], 1);
    assert_int_equal(found[1], (long)FK_CAT_DOUKI * 1000 + 1);
    /* A refused range move names its envelopes as a person would, not by the bound. */
    login_as(&fx, "receipt");
    expect_status(fk_job_records_move_serials(fx.job, FK_CAT_DOUKI, 1, LONG_MAX, FK_REC_PRINTED,
                                              FK_REC_DELIVERED, &moved, &err),
                  FK_ESTATE, &err);
    assert_non_null(strstr(fk_err_message(&err), "every "));
    assert_null(strstr(fk_err_message(&err), "922337"));
    /* Without a login nothing moves. */
    fx_reopen(&fx);
    expect_status(fk_job_record_move(fx.job, ids[2], FK_REC_HELD, "x", &err), FK_EPERM, &err);
    fx_destroy(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_refusals_name_the_step),
        cmocka_unit_test(test_store_moves),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
