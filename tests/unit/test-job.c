/*
 * Unit tests for core/job and core/users: a job lives only in a private directory, logins
 * refuse without telling unknown users from wrong passwords, five failures lock a user until
 * a manager unlocks, the roster's changes need a manager and destroy or rewrap key slots,
 * and weak passwords are refused at their boundaries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "core/audit.h"
#include "job-fixture.h"
#include "util/mem.h"

static void expect_status(fk_status got, fk_status want, const fk_err *err)
{
    if (got != want)
        fail_msg("expected %s, got %s: %s", fk_status_name(want), fk_status_name(got),
                 fk_err_message(err));
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 0777;
}

static void test_create_private(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    char db[160];
    snprintf(db, sizeof db, "%s/job.db", fx.dir);
    assert_int_equal(mode_of(fx.dir), 0700);
    assert_int_equal(mode_of(db) & 077, 0);
    /* SQLite's side files (WAL, shared memory) hold pages of the database too. */
    DIR *d = opendir(fx.dir);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        char path[400];
        snprintf(path, sizeof path, "%s/%s", fx.dir, e->d_name);
        if ((mode_of(path) & 077) != 0)
            fail_msg("%s is accessible by others", e->d_name);
        files++;
    }
    closedir(d);
    assert_true(files >= 2); /* job.db and its WAL while the job is open */
    assert_string_equal(fk_job_user(fx.job), FX_MANAGER);
    assert_int_equal(fk_job_role(fx.job), FK_ROLE_MANAGER);
    assert_string_equal(fk_job_dir(fx.job), fx.dir);
    assert_int_equal(strlen(fk_job_id(fx.job)), 32);
    assert_string_equal(fk_order_ward(fk_job_order(fx.job)), "新宿区");
    char id[40];
    snprintf(id, sizeof id, "%s", fk_job_id(fx.job));

    /* Opened again: the same identity and order, nobody logged in. */
    fx_reopen(&fx);
    assert_string_equal(fk_job_id(fx.job), id);
    assert_null(fk_job_user(fx.job));
    assert_int_equal(fk_job_role(fx.job), 0);
    assert_int_equal(fk_order_fiscal_year(fk_job_order(fx.job)), 2025);

    fk_job *other = NULL;
    fk_err err;
    /* A directory others can read is refused, and so is a database others can read. */
    assert_int_equal(chmod(fx.dir, 0750), 0);
    expect_status(fk_job_open(fx.dir, &other, &err), FK_EUNSAFE, &err);
    assert_non_null(strstr(fk_err_message(&err), fx.dir));
    assert_int_equal(chmod(fx.dir, 0700), 0);
    assert_int_equal(chmod(db, 0640), 0);
    expect_status(fk_job_open(fx.dir, &other, &err), FK_EUNSAFE, &err);
    assert_int_equal(chmod(db, 0600), 0);
    assert_null(other);

    /* A second job cannot be created over the first. */
    expect_status(fk_job_create(fx.dir, FX_ORDER, fx_manager(), FX_MANAGER_PW, fk_kdf_interactive(),
                                &other, &err),
                  FK_EEXIST, &err);
    assert_null(other);
    fx_destroy(&fx);
}

static void test_create_dirs(void **state)
{
    (void)state;
    fx_job fx;
    fx_tmpdir(&fx);
    fk_job *job = NULL;
    fk_err err;

    /* A non-empty directory is refused, and nothing in it is touched. */
    assert_int_equal(mkdir(fx.dir, 0700), 0);
    char note[160];
    snprintf(note, sizeof note, "%s/note.txt", fx.dir);
    FILE *f = fopen(note, "w");
    assert_non_null(f);
    fclose(f);
    expect_status(fk_job_create(fx.dir, FX_ORDER, fx_manager(), FX_MANAGER_PW, fk_kdf_interactive(),
                                &job, &err),
                  FK_EEXIST, &err);
    assert_null(job);
    assert_int_equal(access(note, F_OK), 0);
    assert_int_equal(unlink(note), 0);

    /* An empty directory others could read is taken and made private. */
    assert_int_equal(chmod(fx.dir, 0755), 0);
    FX_OK(fk_job_create(fx.dir, FX_ORDER, fx_manager(), FX_MANAGER_PW, fk_kdf_interactive(), &job,
                        &err),
          &err);
    assert_int_equal(mode_of(fx.dir), 0700);
    fk_job_close(job);
    fx_rmdir(fx.dir);

    /* A weak password or a bad order creates nothing. */
    job = NULL;
    expect_status(
        fk_job_create(fx.dir, FX_ORDER, fx_manager(), "short", fk_kdf_interactive(), &job, &err),
        FK_EINVAL, &err);
    assert_int_equal(access(fx.dir, F_OK), -1);
    expect_status(fk_job_create(fx.dir, FK_SOURCE_ROOT "/tests/fixtures/missing.yaml", fx_manager(),
                                FX_MANAGER_PW, fk_kdf_interactive(), &job, &err),
                  FK_ENOENT, &err);
    assert_null(job);
    /* The failed create left an empty directory, which a retry may use. */
    FX_OK(fk_job_create(fx.dir, FX_ORDER, fx_manager(), FX_MANAGER_PW, fk_kdf_interactive(), &job,
                        &err),
          &err);
    fk_job_close(job);

    /* Opening a directory that holds no job. */
    job = NULL;
    expect_status(fk_job_open(fx.tmp, &job, &err), FK_ENOENT, &err);
    expect_status(fk_job_open("/nonexistent/fukan", &job, &err), FK_ENOENT, &err);
    assert_null(job);
    fx_rmdir(fx.dir);
    fx_rmdir(fx.tmp);
}

static void test_login(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    assert_string_equal(fk_job_user(fx.job), FX_HANDLER);
    assert_int_equal(fk_job_role(fx.job), FK_ROLE_HANDLER);

    /* Wrong password and unknown user: the same status and the same message. */
    fk_err wrong, unknown;
    expect_status(fx_login(&fx, FX_HANDLER, "Kawa-ga-Nagareru-8", FK_ROLES_STAFF, &wrong), FK_EAUTH,
                  &wrong);
    assert_null(fk_job_user(fx.job));
    expect_status(fx_login(&fx, "nobody", FX_HANDLER_PW, FK_ROLES_STAFF, &unknown), FK_EAUTH,
                  &unknown);
    assert_string_equal(fk_err_message(&wrong), fk_err_message(&unknown));
    assert_null(strstr(fk_err_message(&wrong), FX_HANDLER));
    expect_status(fx_login(&fx, "", FX_HANDLER_PW, FK_ROLES_STAFF, &err), FK_EAUTH, &err);

    /* A role the command does not allow. */
    expect_status(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLE_MANAGER, &err), FK_EPERM, &err);
    assert_non_null(strstr(fk_err_message(&err), "取扱責任者"));
    assert_int_equal(fk_job_role(fx.job), 0);
    expect_status(fx_login(&fx, FX_AUDITOR, FX_AUDITOR_PW, FK_ROLES_STAFF, &err), FK_EPERM, &err);

    /* An auditor logs in where allowed, but holds no job key: the roster stays closed. */
    FX_OK(fx_login(&fx, FX_AUDITOR, FX_AUDITOR_PW, FK_ROLES_ALL, &err), &err);
    assert_int_equal(fk_job_role(fx.job), FK_ROLE_AUDITOR);
    const fk_user_spec extra = {"extra", "追加\u3000次郎", "", FK_ROLE_HANDLER};
    expect_status(fk_job_user_add(fx.job, &extra, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
                  FK_EPERM, &err);

    /* Logging in again on the same handle drops what the previous login opened. */
    FX_OK(fk_job_login(fx.job, FX_MANAGER, FX_MANAGER_PW, "test", FK_ROLES_STAFF, &err), &err);
    FX_OK(fk_job_login(fx.job, FX_AUDITOR, FX_AUDITOR_PW, "test", FK_ROLES_ALL, &err), &err);
    /* Without the job key the auditor's entries stay unsigned. */
    FX_OK(fk_job_audit(fx.job, "-", FK_OK, "auditor at work", &err), &err);
    fk_audit_report report;
    FX_OK(fk_audit_verify(fx.job, NULL, NULL, &report, &err), &err);
    assert_int_equal(report.unwitnessed, 2); /* the login and the entry */
    expect_status(fk_job_user_add(fx.job, &extra, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
                  FK_EPERM, &err);
    expect_status(
        fk_job_user_passwd(fx.job, FX_HANDLER, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
        FK_EPERM, &err);
    FX_OK(fk_job_login(fx.job, FX_MANAGER, FX_MANAGER_PW, "test", FK_ROLES_STAFF, &err), &err);
    expect_status(
        fk_job_login(fx.job, FX_HANDLER, "wrong-password-1", "test", FK_ROLES_STAFF, &err),
        FK_EAUTH, &err);
    assert_null(fk_job_user(fx.job));
    assert_int_equal(fk_job_role(fx.job), 0);
    expect_status(fk_job_user_add(fx.job, &extra, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
                  FK_EPERM, &err);
    fx_destroy(&fx);
}

typedef struct {
    int count;
    const char *ids[8];
    fk_user_info info[8];
    char strings[8][5][64]; /* copies: the visited strings die with the row */
    int stop_after;
} roster;

static void keep(char dst[64], const char *src)
{
    snprintf(dst, 64, "%s", src ? src : "(null)");
}

static int visit_user(const fk_user_info *u, void *ctx)
{
    roster *r = ctx;
    assert_true(r->count < 8);
    int i = r->count++;
    r->info[i] = *u;
    keep(r->strings[i][0], u->id);
    keep(r->strings[i][1], u->added_by);
    keep(r->strings[i][2], u->removed_at);
    keep(r->strings[i][3], u->name);
    keep(r->strings[i][4], u->removed_by);
    r->ids[i] = r->strings[i][0];
    assert_non_null(u->added_at);
    assert_non_null(u->affiliation);
    assert_true((u->removed_at == NULL) == (u->removed_by == NULL));
    return r->stop_after != 0 && r->count == r->stop_after;
}

static roster users_of(fk_job *job, int stop_after)
{
    roster r;
    memset(&r, 0, sizeof r);
    r.stop_after = stop_after;
    fk_err err;
    FX_OK(fk_job_users_foreach(job, visit_user, &r, &err), &err);
    return r;
}

static void test_lockout(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;

    /* Four failures, then a success, resets the count. */
    fx_reopen(&fx);
    for (int i = 0; i < FK_MAX_LOGIN_FAILURES - 1; i++)
        expect_status(
            fk_job_login(fx.job, FX_HANDLER, "wrong-password-1", "test", FK_ROLES_STAFF, &err),
            FK_EAUTH, &err);
    roster r = users_of(fx.job, 0);
    assert_int_equal(r.info[1].failures, FK_MAX_LOGIN_FAILURES - 1);
    assert_false(r.info[1].locked);
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    r = users_of(fx.job, 0);
    assert_int_equal(r.info[1].failures, 0);

    /* Five in a row lock, and then even the right password is refused. */
    fx_reopen(&fx);
    for (int i = 0; i < FK_MAX_LOGIN_FAILURES; i++)
        expect_status(
            fk_job_login(fx.job, FX_HANDLER, "wrong-password-1", "test", FK_ROLES_STAFF, &err),
            FK_EAUTH, &err);
    expect_status(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), FK_ELOCKED, &err);
    r = users_of(fx.job, 0);
    assert_true(r.info[1].locked);
    assert_int_equal(r.info[1].failures, FK_MAX_LOGIN_FAILURES);
    /* Other users are not affected. */
    assert_false(r.info[0].locked);

    /* Only a manager unlocks. */
    FX_OK(fx_login(&fx, FX_AUDITOR, FX_AUDITOR_PW, FK_ROLES_ALL, &err), &err);
    expect_status(fk_job_user_unlock(fx.job, FX_HANDLER, &err), FK_EPERM, &err);
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    FX_OK(fk_job_user_unlock(fx.job, FX_HANDLER, &err), &err);
    expect_status(fk_job_user_unlock(fx.job, "nobody", &err), FK_ENOENT, &err);
    r = users_of(fx.job, 0);
    assert_false(r.info[1].locked);
    assert_int_equal(r.info[1].failures, 0);
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    fx_destroy(&fx);
}

static void test_roster_changes(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;
    const fk_user_spec extra = {"extra", "追加\u3000次郎", "", FK_ROLE_HANDLER};

    /* A handler may not add, remove, unlock or change another's password. */
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    expect_status(fk_job_user_add(fx.job, &extra, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
                  FK_EPERM, &err);
    expect_status(fk_job_user_remove(fx.job, FX_AUDITOR, &err), FK_EPERM, &err);
    expect_status(
        fk_job_user_passwd(fx.job, FX_MANAGER, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
        FK_EPERM, &err);
    assert_int_equal(users_of(fx.job, 0).count, 3);

    /* A manager may, with the spec and the password checked. */
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    const fk_user_spec bad_id = {"ex tra", "名前", "", FK_ROLE_HANDLER};
    const fk_user_spec no_name = {"extra2", "", "", FK_ROLE_HANDLER};
    const fk_user_spec bad_role = {"extra3", "名前", "", (fk_role)8};
    expect_status(fk_job_user_add(fx.job, &bad_id, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
                  FK_EINVAL, &err);
    expect_status(
        fk_job_user_add(fx.job, &no_name, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
        FK_EINVAL, &err);
    expect_status(
        fk_job_user_add(fx.job, &bad_role, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
        FK_EINVAL, &err);
    expect_status(fk_job_user_add(fx.job, &extra, "extra-extra-1234", fk_kdf_interactive(), &err),
                  FK_EINVAL, &err);
    const fk_user_spec dup = {FX_HANDLER, "別人", "", FK_ROLE_HANDLER};
    expect_status(fk_job_user_add(fx.job, &dup, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
                  FK_EEXIST, &err);
    FX_OK(fk_job_user_add(fx.job, &extra, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err), &err);

    /* Removal destroys the slot: the old password opens nothing. */
    expect_status(fk_job_user_remove(fx.job, FX_MANAGER, &err), FK_EINVAL, &err);
    FX_OK(fk_job_user_remove(fx.job, "extra", &err), &err);
    expect_status(fk_job_user_remove(fx.job, "extra", &err), FK_ENOENT, &err);
    expect_status(fx_login(&fx, "extra", "Umi-no-Soko-de-55", FK_ROLES_STAFF, &err), FK_EAUTH,
                  &err);
    /* IDs are never reused. */
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    expect_status(fk_job_user_add(fx.job, &extra, "Umi-no-Soko-de-55", fk_kdf_interactive(), &err),
                  FK_EEXIST, &err);

    roster r = users_of(fx.job, 0);
    assert_int_equal(r.count, 4);
    assert_string_equal(r.ids[3], "extra");
    assert_string_equal(r.strings[3][1], FX_MANAGER);
    assert_string_not_equal(r.strings[3][2], "(null)");
    assert_string_equal(r.strings[3][4], FX_MANAGER);
    fx_destroy(&fx);
}

static void test_passwd(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_err err;

    /* One's own password: the old one stops working, the new one works. */
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    expect_status(fk_job_user_passwd(fx.job, FX_HANDLER, "tooshort", fk_kdf_interactive(), &err),
                  FK_EINVAL, &err);
    FX_OK(
        fk_job_user_passwd(fx.job, FX_HANDLER, "Hoshi-ga-Furu-Yoru-1", fk_kdf_interactive(), &err),
        &err);
    expect_status(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), FK_EAUTH, &err);
    FX_OK(fx_login(&fx, FX_HANDLER, "Hoshi-ga-Furu-Yoru-1", FK_ROLES_STAFF, &err), &err);

    /* The rewrapped slot opens the same job key: the audit signing key still unseals. */
    assert_int_equal(fk_job_audit(fx.job, "-", FK_OK, "still signing", &err), FK_OK);

    /* An auditor changes their own password without any job key. */
    FX_OK(fx_login(&fx, FX_AUDITOR, FX_AUDITOR_PW, FK_ROLES_ALL, &err), &err);
    FX_OK(fk_job_user_passwd(fx.job, FX_AUDITOR, "Kaze-no-Oto-Kiku-2", fk_kdf_interactive(), &err),
          &err);
    FX_OK(fx_login(&fx, FX_AUDITOR, "Kaze-no-Oto-Kiku-2", FK_ROLES_ALL, &err), &err);

    /* A manager resets another's password; a failure count goes with the old one. */
    fx_reopen(&fx);
    expect_status(fk_job_login(fx.job, FX_HANDLER, "wrong-password-1", "t", FK_ROLES_STAFF, &err),
                  FK_EAUTH, &err);
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    FX_OK(fk_job_user_passwd(fx.job, FX_HANDLER, "Tsuchi-no-Nioi-ga-3", fk_kdf_interactive(), &err),
          &err);
    expect_status(
        fk_job_user_passwd(fx.job, "nobody", "Tsuchi-no-Nioi-ga-3", fk_kdf_interactive(), &err),
        FK_ENOENT, &err);
    assert_int_equal(users_of(fx.job, 0).info[1].failures, 0);
    expect_status(fx_login(&fx, FX_HANDLER, "Hoshi-ga-Furu-Yoru-1", FK_ROLES_STAFF, &err), FK_EAUTH,
                  &err);
    FX_OK(fx_login(&fx, FX_HANDLER, "Tsuchi-no-Nioi-ga-3", FK_ROLES_STAFF, &err), &err);
    fx_destroy(&fx);
}

static void test_users_foreach(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    roster r = users_of(fx.job, 0);
    assert_int_equal(r.count, 3);
    assert_string_equal(r.ids[0], FX_MANAGER);
    assert_string_equal(r.ids[1], FX_HANDLER);
    assert_string_equal(r.ids[2], FX_AUDITOR);
    assert_int_equal(r.info[0].role, FK_ROLE_MANAGER);
    assert_int_equal(r.info[1].role, FK_ROLE_HANDLER);
    assert_int_equal(r.info[2].role, FK_ROLE_AUDITOR);
    /* The first manager added themselves; the others were added by them. */
    for (int i = 0; i < 3; i++) {
        assert_string_equal(r.strings[i][1], FX_MANAGER);
        assert_string_equal(r.strings[i][2], "(null)");
        assert_int_equal(r.info[i].failures, 0);
        assert_false(r.info[i].locked);
    }
    assert_string_equal(r.strings[0][3], "管理\u3000太郎");
    assert_string_equal(r.strings[1][3], "佐藤\u3000花子");

    /* A non-zero return stops the walk. */
    assert_int_equal(users_of(fx.job, 2).count, 2);

    /* Listing needs no login. */
    fx_reopen(&fx);
    assert_int_equal(users_of(fx.job, 0).count, 3);
    fx_destroy(&fx);
}

static void test_roles(void **state)
{
    (void)state;
    fk_role r;
    assert_true(fk_role_parse("handler", &r));
    assert_int_equal(r, FK_ROLE_HANDLER);
    assert_true(fk_role_parse("取扱責任者", &r));
    assert_int_equal(r, FK_ROLE_MANAGER);
    assert_false(fk_role_parse("admin", &r));
    assert_string_equal(fk_role_name(FK_ROLE_AUDITOR), "auditor");
    assert_string_equal(fk_role_title(FK_ROLE_AUDITOR), "監査");
    assert_string_equal(fk_role_name((fk_role)0), "");
    char out[160];
    fk_role_describe(FK_ROLES_STAFF, out, sizeof out);
    assert_string_equal(out, "取扱責任者 (manager), 取扱者 (handler)");
    fk_role_describe(0, out, sizeof out);
    assert_string_equal(out, "");
    /* Too small a buffer keeps whole entries only. */
    fk_role_describe(FK_ROLES_ALL, out, 30);
    assert_string_equal(out, "取扱責任者 (manager)");
}

static void expect_weak(const char *password, const char *user, const char *reason)
{
    fk_err err;
    fk_err_clear(&err);
    fk_status s = fk_password_check(password, user, &err);
    if (s != FK_EINVAL || strstr(fk_err_message(&err), reason) == NULL)
        fail_msg("\"%s\": expected FK_EINVAL \"%s\", got %s \"%s\"", password, reason,
                 fk_status_name(s), fk_err_message(&err));
}

static void expect_strong(const char *password, const char *user)
{
    fk_err err;
    fk_err_clear(&err);
    if (fk_password_check(password, user, &err) != FK_OK)
        fail_msg("\"%s\" refused: %s", password, fk_err_message(&err));
}

static void test_password_rules(void **state)
{
    (void)state;
    /* Length: 11 is short, 12 is enough, over 1024 bytes is refused. */
    expect_weak("Hoshi-Tsuki", NULL, "too short");
    expect_strong("Hoshi-Tsuki!", NULL);
    expect_weak("", NULL, "too short");
    /* Characters, not bytes: four kanji are twelve bytes. */
    expect_weak("山川空海", NULL, "too short");
    expect_weak("山川空海森林雲雨雪花月", NULL, "too short");
    expect_strong("山川空海森林雲雨雪花月星", NULL);
    char longpw[1100];
    for (size_t i = 0; i < sizeof longpw - 1; i++)
        longpw[i] = (char)('a' + (i * 7) % 26);
    longpw[1024] = '\0';
    expect_strong(longpw, NULL);
    longpw[1024] = 'x';
    longpw[1025] = '\0';
    expect_weak(longpw, NULL, "too long");

    /* Monotone: one character repeated, or a straight run up or down. */
    expect_weak("zzzzzzzzzzzz", NULL, "too few different");
    expect_weak("bcdefghijklm", NULL, "too few different");
    expect_weak("mlkjihgfedcb", NULL, "too few different");
    expect_weak("23456789:;<=", NULL, "too few different");
    expect_strong("bcdefghijklz", NULL); /* one step off the run */

    /* Distinct characters: four are too few, five are enough. */
    expect_weak("xyzwxyzwxyzw", NULL, "too few different");
    expect_strong("xyzwvxyzwvxy", NULL);

    /* Common passwords anywhere, in any case. */
    expect_weak("MyPassword!!", NULL, "common password");
    expect_weak("xxPASSW0RDyy", NULL, "common password");
    expect_weak("Tokyo-123456", NULL, "common password");
    expect_weak("go-FUKAN-2025", NULL, "common password");
    expect_strong("Passwor-d-2025", NULL);

    /* The user ID (three characters or more) in any case. */
    expect_weak("Tanaka-2025-xyz", "tanaka", "user ID");
    expect_weak("2025-xyz-TANAKA", "tanaka", "user ID");
    expect_weak("Abc-Hoshi-Tsuki", "abc", "user ID");
    expect_strong("Ab-Hoshi-Tsuki", "ab"); /* two characters are too common to refuse */
    expect_strong("Tanak-2025-xyz", "tanaka");
    expect_strong("Tanaka-2025-xyz", NULL);
}

/* Every allocation in turn fails while opening a job and logging in: each attempt fails
 * cleanly with FK_ENOMEM (no leak under ASan), and none counts as a failed login. */
static void test_out_of_memory(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    fk_job_close(fx.job);
    fx.job = NULL;
    fk_err err;
    long n;
    for (n = 0;; n++) {
        fk_job *job = NULL;
        fk_mem_fail_after(n);
        fk_status s = fk_job_open(fx.dir, &job, &err);
        fk_mem_fail_after(-1);
        if (s == FK_OK) {
            fk_job_close(job);
            break;
        }
        expect_status(s, FK_ENOMEM, &err);
        assert_null(job);
    }
    assert_true(n > 2);
    for (n = 0;; n++) {
        FX_OK(fk_job_open(fx.dir, &fx.job, &err), &err);
        fk_mem_fail_after(n);
        fk_status s = fk_job_login(fx.job, FX_HANDLER, FX_HANDLER_PW, "test", FK_ROLES_STAFF, &err);
        fk_mem_fail_after(-1);
        fk_job_close(fx.job);
        fx.job = NULL;
        if (s == FK_OK)
            break;
        expect_status(s, FK_ENOMEM, &err);
    }
    assert_true(n > 2);
    fx_reopen(&fx);
    roster r = users_of(fx.job, 0);
    assert_int_equal(r.info[1].failures, 0);
    assert_false(r.info[1].locked);
    fx_destroy(&fx);
}

/* Runs SQL on the closed job's store, as someone with write access to job.db would. */
static void edit_store(fx_job *fx, const char *sql)
{
    fk_job_close(fx->job);
    fx->job = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/job.db", fx->dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static long failures_of(fx_job *fx, const char *id)
{
    fk_job_close(fx->job);
    fx->job = NULL;
    char path[160], sql[128];
    snprintf(path, sizeof path, "%s/job.db", fx->dir);
    snprintf(sql, sizeof sql, "SELECT failures FROM users WHERE id = '%s'", id);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* The roster is authenticated: a raised role fails the slot's associated data, a changed
 * name fails the row's MAC (for every staff login), a failure count lowered below what the
 * MAC covers is caught; an auditor's success clears only what no MAC covers. */
static void test_roster_authenticated(void **state)
{
    (void)state;
    fx_job fx;
    fk_err err;
    fx_create(&fx, true);
    edit_store(&fx, "UPDATE users SET role = 'manager' WHERE id = '" FX_HANDLER "'");
    fk_err_clear(&err);
    expect_status(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), FK_ETAMPER, &err);
    assert_non_null(strstr(fk_err_message(&err), "store was altered"));
    assert_int_equal(fk_job_role(fx.job), 0);
    /* The manager's own row is intact, but the roster is not: refused too. */
    expect_status(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), FK_ETAMPER, &err);
    assert_non_null(strstr(fk_err_message(&err), "roster entry of user " FX_HANDLER));
    fx_destroy(&fx);

    fx_create(&fx, true);
    edit_store(&fx, "UPDATE users SET name = 'x' WHERE id = '" FX_AUDITOR "'");
    expect_status(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), FK_ETAMPER, &err);
    fx_destroy(&fx);

    /* Two failures, then a staff session seals them; lowering them is caught. */
    fx_create(&fx, true);
    for (int i = 0; i < 2; i++)
        expect_status(fx_login(&fx, FX_HANDLER, "wrong-password-1", FK_ROLES_STAFF, &err), FK_EAUTH,
                      &err);
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    assert_int_equal(failures_of(&fx, FX_HANDLER), 2);
    edit_store(&fx, "UPDATE users SET failures = 0 WHERE id = '" FX_HANDLER "'");
    expect_status(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), FK_ETAMPER, &err);
    assert_non_null(strstr(fk_err_message(&err), "lockout undone"));
    fx_destroy(&fx);

    /* An auditor's failures are cleared by the auditor's success (no key, no MAC change). */
    fx_create(&fx, true);
    for (int i = 0; i < 3; i++)
        expect_status(fx_login(&fx, FX_AUDITOR, "wrong-password-1", FK_ROLES_ALL, &err), FK_EAUTH,
                      &err);
    FX_OK(fx_login(&fx, FX_AUDITOR, FX_AUDITOR_PW, FK_ROLES_ALL, &err), &err);
    assert_int_equal(failures_of(&fx, FX_AUDITOR), 0);
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    fx_destroy(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_private),
        cmocka_unit_test(test_create_dirs),
        cmocka_unit_test(test_login),
        cmocka_unit_test(test_lockout),
        cmocka_unit_test(test_roster_changes),
        cmocka_unit_test(test_passwd),
        cmocka_unit_test(test_users_foreach),
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_password_rules),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_roster_authenticated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
