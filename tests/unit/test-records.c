/*
 * Unit tests for core/records: records sealed into the job store come back whole (names
 * outside the BMP and with variation selectors included), the package's counts must add up,
 * a second package needs replace, a resident is stored once, the tag is stable per job and
 * differs between jobs, any alteration of a stored record is caught, and no name or address
 * reaches the database file in clear.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <string.h>

#include "core/moves.h"
#include "core/records.h"
#include "job-fixture.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* 𠮷 (outside the BMP) and 葛 with an ideographic variation selector. */
#define NAME_1    "𠮷田\u3000葛\U000E0100子"
#define ADDRESS_1 "東京都新宿区歌舞伎町二丁目44番1号"

static void expect_status(fk_status got, fk_status want, const fk_err *err)
{
    if (got != want)
        fail_msg("expected %s, got %s: %s", fk_status_name(want), fk_status_name(got),
                 fk_err_message(err));
}

/* memmem is a GNU extension; this is all the tests need of it. */
static bool contains(const void *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp((const char *)hay + i, needle, m) == 0)
            return true;
    return false;
}

static void fill(fk_record *r, fk_category c, const char *resident_no, const char *name,
                 const char *address)
{
    fk_record_init(r);
    r->category = c;
    r->resident_no = fk_strdup(resident_no);
    r->name = fk_strdup(name);
    r->kana = fk_strdup("ヨシダ\u3000カツコ");
    r->birth = (fk_date){1960, 4, 1};
    r->sex = FK_SEX_FEMALE;
    r->age = 65;
    memcpy(r->postal, "1600021", 8);
    r->address = fk_strdup(address);
    r->building = fk_strdup("グランドハイツ新宿 1203号室");
    r->ins_symbol = fk_strdup("新宿");
    r->ins_number = fk_strdup("12345");
    memcpy(r->ins_branch, "01", 3);
    memcpy(r->ticket_no, "24100000001", 12);
    snprintf(r->voucher_no, sizeof r->voucher_no, "%s", c == FK_CAT_JUSHIN ? "" : "24200000001");
    r->exam_date = (fk_date){2025, 6, 10};
    r->height = 158.2;
    r->weight = 60.5;
    r->bmi = 24.2;
    r->waist = 91.0;
    r->sbp = 135;
    r->dbp = 80;
    r->fasting = FK_FAST_FASTING;
    r->hba1c = 5.7;
    r->urine_protein = FK_URINE_TRACE;
    r->smoker = true;
}

/* Stores a package of three accepted records (lines 2, 3, 5) and one rejected row (line 4,
 * two findings); returns the package's ID. */
static long store_package(fx_job *fx, const char *sha, bool replace)
{
    fk_err err;
    long pkg = 0;
    FX_OK(fk_job_begin(fx->job, &err), &err);
    FX_OK(fk_job_package_start(fx->job, sha, replace, &pkg, &err), &err);
    fk_record r;
    fill(&r, FK_CAT_DOUKI, "100000000001", NAME_1, ADDRESS_1);
    FX_OK(fk_job_record_add(fx->job, pkg, &r, 2, &err), &err);
    fk_record_clear(&r);
    fill(&r, FK_CAT_JUSHIN, "100000000002", "髙橋\u3000一郎", "東京都新宿区西新宿二丁目8番1号");
    FX_OK(fk_job_record_add(fx->job, pkg, &r, 5, &err), &err);
    fk_record_clear(&r);
    fill(&r, FK_CAT_DOUKI, "100000000003", "山田\u3000花子", "東京都新宿区高田馬場一丁目1番1号");
    FX_OK(fk_job_record_add(fx->job, pkg, &r, 3, &err), &err);
    fk_record_clear(&r);
    FX_OK(fk_job_reject_add(fx->job, pkg, 4, 7, "生年月日", "not a date", &err), &err);
    FX_OK(fk_job_reject_add(fx->job, pkg, 4, 3, "個人番号", "not 1-15 digits", &err), &err);
    FX_OK(fk_job_package_finish(fx->job, pkg, 4, 3, 1, &err), &err);
    FX_OK(fk_job_commit(fx->job, &err), &err);
    return pkg;
}

typedef struct {
    fx_job *fx;
    int count;
    long lines[8], ids[8];
    fk_category cats[8];
    int stop_after;
} seen;

static int visit_record(const fk_record *r, const fk_record_meta *m, void *ctx)
{
    seen *s = ctx;
    assert_true(s->count < 8);
    s->lines[s->count] = m->line;
    s->ids[s->count] = m->id;
    s->cats[s->count] = m->category;
    s->count++;
    assert_int_equal(r->category, m->category);
    assert_int_equal(m->serial, 0);
    assert_int_equal(m->state, FK_REC_ACCEPTED);
    assert_false(m->held);
    char tag[FK_TAG_HEX];
    fk_err err;
    FX_OK(fk_job_tag(s->fx->job, r->resident_no, tag, &err), &err);
    assert_string_equal(m->tag, tag);
    if (strcmp(r->resident_no, "100000000001") == 0) {
        assert_string_equal(r->name, NAME_1);
        assert_string_equal(r->address, ADDRESS_1);
        assert_string_equal(r->kana, "ヨシダ\u3000カツコ");
        assert_string_equal(r->building, "グランドハイツ新宿 1203号室");
        assert_string_equal(r->postal, "1600021");
        assert_string_equal(r->voucher_no, "24200000001");
        assert_int_equal(r->birth.year, 1960);
        assert_int_equal(r->exam_date.day, 10);
        assert_true(r->height == 158.2 && r->hba1c == 5.7);
        assert_false(fk_is_measured(r->ldl));
        assert_int_equal(r->urine_protein, FK_URINE_TRACE);
        assert_true(r->smoker);
    }
    return s->stop_after != 0 && s->count == s->stop_after;
}

static fk_status walk(fx_job *fx, seen *s, int stop_after, fk_err *err)
{
    memset(s, 0, sizeof *s);
    s->fx = fx;
    s->stop_after = stop_after;
    return fk_job_records_foreach(fx->job, visit_record, s, err);
}

typedef struct {
    int count;
    long line[4], column[4];
    char reason[4][32];
} rejects;

static int visit_reject(const fk_reject *r, void *ctx)
{
    rejects *x = ctx;
    assert_true(x->count < 4);
    x->line[x->count] = r->line;
    x->column[x->count] = r->column;
    snprintf(x->reason[x->count], sizeof x->reason[0], "%s", r->reason);
    x->count++;
    return 0;
}

static void test_round_trip(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    store_package(&fx, SHA_A, false);
    fk_err err;
    seen s;
    FX_OK(walk(&fx, &s, 0, &err), &err);
    assert_int_equal(s.count, 3);
    /* Source order, whatever the order of adding. */
    assert_int_equal(s.lines[0], 2);
    assert_int_equal(s.lines[1], 3);
    assert_int_equal(s.lines[2], 5);
    assert_int_equal(s.cats[2], FK_CAT_JUSHIN);
    FX_OK(walk(&fx, &s, 1, &err), &err);
    assert_int_equal(s.count, 1);

    rejects x;
    memset(&x, 0, sizeof x);
    FX_OK(fk_job_rejects_foreach(fx.job, visit_reject, &x, &err), &err);
    assert_int_equal(x.count, 2);
    assert_int_equal(x.line[0], 4);
    assert_int_equal(x.column[0], 3);
    assert_string_equal(x.reason[0], "not 1-15 digits");
    assert_int_equal(x.column[1], 7);

    bool opened = false;
    FX_OK(fk_job_package_seen(fx.job, SHA_A, &opened, &err), &err);
    assert_true(opened);
    FX_OK(fk_job_package_seen(fx.job, SHA_B, &opened, &err), &err);
    assert_false(opened);

    /* Another staff member's login opens the same records. */
    FX_OK(fx_login(&fx, FX_HANDLER, FX_HANDLER_PW, FK_ROLES_STAFF, &err), &err);
    FX_OK(walk(&fx, &s, 0, &err), &err);
    assert_int_equal(s.count, 3);

    /* Without the job key (an auditor, or nobody logged in) nothing is unsealed or added. */
    FX_OK(fx_login(&fx, FX_AUDITOR, FX_AUDITOR_PW, FK_ROLES_ALL, &err), &err);
    expect_status(walk(&fx, &s, 0, &err), FK_EPERM, &err);
    assert_int_equal(s.count, 0);
    char tag[FK_TAG_HEX];
    expect_status(fk_job_tag(fx.job, "100000000001", tag, &err), FK_EPERM, &err);
    long pkg;
    expect_status(fk_job_package_start(fx.job, SHA_B, true, &pkg, &err), FK_EPERM, &err);
    expect_status(fk_job_reject_add(fx.job, 1, 9, 1, "氏名", "empty", &err), FK_EPERM, &err);
    expect_status(fk_job_package_finish(fx.job, 1, 0, 0, 0, &err), FK_EPERM, &err);
    expect_status(fk_job_record_move(fx.job, 1, FK_REC_HELD, "test", &err), FK_EPERM, &err);
    /* The counts and the reject list stay readable. */
    fk_job_counts c;
    FX_OK(fk_job_counts_get(fx.job, &c, &err), &err);
    assert_int_equal(c.accepted, 3);
    assert_int_equal(c.held, 0);
    memset(&x, 0, sizeof x);
    FX_OK(fk_job_rejects_foreach(fx.job, visit_reject, &x, &err), &err);
    assert_int_equal(x.count, 2);
    fx_destroy(&fx);
}

typedef struct {
    fk_job_reader *reader;
    long id;
    fk_record r;
    fk_status status;
    fk_err err;
} read_on_thread;

static void *read_one(void *ctx)
{
    read_on_thread *t = ctx;
    t->status = fk_job_reader_get(t->reader, t->id, &t->r, &t->err);
    return NULL;
}

/* A reader has its own connection and buffer, so a worker thread unseals what the job's own
 * connection unseals, inside the step's transaction. */
static void test_reader(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, true);
    store_package(&fx, SHA_A, false);
    fk_err err;
    seen s;
    FX_OK(walk(&fx, &s, 0, &err), &err);
    FX_OK(fk_job_begin(fx.job, &err), &err);
    fk_job_reader *reader;
    FX_OK(fk_job_reader_new(fx.job, &reader, &err), &err);
    for (int i = 0; i < s.count; i++) {
        fk_record want;
        fk_record_init(&want);
        FX_OK(fk_job_record_get(fx.job, s.ids[i], &want, &err), &err);
        read_on_thread t = {.reader = reader, .id = s.ids[i]};
        fk_record_init(&t.r);
        pthread_t thread;
        assert_int_equal(pthread_create(&thread, NULL, read_one, &t), 0);
        assert_int_equal(pthread_join(thread, NULL), 0);
        FX_OK(t.status, &t.err);
        assert_string_equal(t.r.resident_no, want.resident_no);
        assert_string_equal(t.r.name, want.name);
        assert_string_equal(t.r.address, want.address);
        assert_int_equal(t.r.category, want.category);
        fk_record_clear(&t.r);
        fk_record_clear(&want);
    }
    fk_record r;
    fk_record_init(&r);
    expect_status(fk_job_reader_get(reader, 9999, &r, &err), FK_ENOENT, &err);
    fk_job_reader_free(reader);
    FX_OK(fk_job_end(fx.job, FK_OK, &err), &err);

    /* Without the job key there is no reader. */
    FX_OK(fx_login(&fx, FX_AUDITOR, FX_AUDITOR_PW, FK_ROLES_ALL, &err), &err);
    expect_status(fk_job_reader_new(fx.job, &reader, &err), FK_EPERM, &err);
    assert_null(reader);
    fx_destroy(&fx);
}

static void test_counts(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    fk_job_counts c;
    FX_OK(fk_job_counts_get(fx.job, &c, &err), &err);
    assert_false(c.opened);
    assert_int_equal(c.received + c.accepted + c.rejected + c.held, 0);

    store_package(&fx, SHA_A, false);
    seen s;
    FX_OK(walk(&fx, &s, 0, &err), &err);
    fx_reopen(&fx);
    FX_OK(fk_job_login(fx.job, FX_MANAGER, FX_MANAGER_PW, "check", FK_ROLES_STAFF, &err), &err);
    FX_OK(fk_job_record_move(fx.job, s.ids[0], FK_REC_HELD, "test", &err), &err);
    expect_status(fk_job_record_move(fx.job, 999, FK_REC_HELD, "test", &err), FK_ENOENT, &err);

    /* Counts need no job key. */
    fx_reopen(&fx);
    FX_OK(fk_job_counts_get(fx.job, &c, &err), &err);
    assert_true(c.opened);
    assert_int_equal(c.received, 4);
    assert_int_equal(c.accepted, 3);
    assert_int_equal(c.rejected, 1);
    assert_int_equal(c.rejected_rows_stored, 1);
    assert_int_equal(c.by_category[FK_CAT_DOUKI], 2);
    assert_int_equal(c.by_category[FK_CAT_JUSHIN], 1);
    assert_int_equal(c.by_category[FK_CAT_SEKKYOKU], 0);
    assert_int_equal(c.held, 1);

    FX_OK(fk_job_login(fx.job, FX_MANAGER, FX_MANAGER_PW, "check", FK_ROLES_STAFF, &err), &err);
    FX_OK(fk_job_record_move(fx.job, s.ids[0], FK_REC_CHECKED, NULL, &err), &err);
    FX_OK(fk_job_counts_get(fx.job, &c, &err), &err);
    assert_int_equal(c.held, 0);
    fx_destroy(&fx);
}

static void test_counts_must_add_up(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    long pkg;
    FX_OK(fk_job_begin(fx.job, &err), &err);
    FX_OK(fk_job_package_start(fx.job, SHA_A, false, &pkg, &err), &err);
    expect_status(fk_job_package_finish(fx.job, pkg, 4, 3, 0, &err), FK_EINVAL, &err);
    expect_status(fk_job_package_finish(fx.job, pkg, 4, 3, 2, &err), FK_EINVAL, &err);
    FX_OK(fk_job_package_finish(fx.job, pkg, 0, 0, 0, &err), &err);
    fk_job_rollback(fx.job);
    /* Rolled back: no package was opened. */
    bool opened = true;
    FX_OK(fk_job_package_seen(fx.job, SHA_A, &opened, &err), &err);
    assert_false(opened);
    fx_destroy(&fx);
}

static void test_replace(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    store_package(&fx, SHA_A, false);
    fk_err err;
    long pkg;
    FX_OK(fk_job_begin(fx.job, &err), &err);
    expect_status(fk_job_package_start(fx.job, SHA_B, false, &pkg, &err), FK_ESTATE, &err);
    fk_job_rollback(fx.job);

    /* With replace, the first package's records and rejects are gone. */
    FX_OK(fk_job_begin(fx.job, &err), &err);
    FX_OK(fk_job_package_start(fx.job, SHA_B, true, &pkg, &err), &err);
    fk_record r;
    fill(&r, FK_CAT_KENKO, "100000000009", "新井\u3000一", "東京都新宿区百人町一丁目1番1号");
    FX_OK(fk_job_record_add(fx.job, pkg, &r, 2, &err), &err);
    /* A resident of the replaced package may come again. */
    fk_record_clear(&r);
    fill(&r, FK_CAT_DOUKI, "100000000001", NAME_1, ADDRESS_1);
    FX_OK(fk_job_record_add(fx.job, pkg, &r, 3, &err), &err);
    fk_record_clear(&r);
    FX_OK(fk_job_package_finish(fx.job, pkg, 2, 2, 0, &err), &err);
    FX_OK(fk_job_commit(fx.job, &err), &err);

    seen s;
    FX_OK(walk(&fx, &s, 0, &err), &err);
    assert_int_equal(s.count, 2);
    assert_int_equal(s.cats[0], FK_CAT_KENKO);
    rejects x;
    memset(&x, 0, sizeof x);
    FX_OK(fk_job_rejects_foreach(fx.job, visit_reject, &x, &err), &err);
    assert_int_equal(x.count, 0);
    fk_job_counts c;
    FX_OK(fk_job_counts_get(fx.job, &c, &err), &err);
    assert_int_equal(c.received, 2);
    assert_int_equal(c.rejected_rows_stored, 0);
    assert_int_equal(c.by_category[FK_CAT_DOUKI], 1);
    bool opened = true;
    FX_OK(fk_job_package_seen(fx.job, SHA_A, &opened, &err), &err);
    assert_false(opened);
    FX_OK(fk_job_package_seen(fx.job, SHA_B, &opened, &err), &err);
    assert_true(opened);
    fx_destroy(&fx);
}

static void test_duplicate_resident(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    long pkg;
    FX_OK(fk_job_begin(fx.job, &err), &err);
    FX_OK(fk_job_package_start(fx.job, SHA_A, false, &pkg, &err), &err);
    fk_record r;
    fill(&r, FK_CAT_DOUKI, "100000000001", NAME_1, ADDRESS_1);
    FX_OK(fk_job_record_add(fx.job, pkg, &r, 2, &err), &err);
    /* The same resident number under another name and category. */
    fk_record_clear(&r);
    fill(&r, FK_CAT_SEKKYOKU, "100000000001", "別人\u3000太郎", "東京都新宿区");
    expect_status(fk_job_record_add(fx.job, pkg, &r, 9, &err), FK_EEXIST, &err);
    assert_non_null(strstr(fk_err_message(&err), "line 9"));
    assert_null(strstr(fk_err_message(&err), "100000000001"));
    fk_record_clear(&r);
    fk_job_rollback(fx.job);
    fx_destroy(&fx);
}

static void test_tag(void **state)
{
    (void)state;
    fx_job a, b;
    fx_create(&a, false);
    fx_create(&b, false);
    fk_err err;
    char t1[FK_TAG_HEX], t2[FK_TAG_HEX], t3[FK_TAG_HEX], other[FK_TAG_HEX];
    FX_OK(fk_job_tag(a.job, "100000000001", t1, &err), &err);
    assert_int_equal(strlen(t1), FK_TAG_HEX - 1);
    for (size_t i = 0; i < FK_TAG_HEX - 1; i++)
        assert_non_null(strchr("0123456789abcdef", t1[i]));
    FX_OK(fk_job_tag(a.job, "100000000002", t3, &err), &err);
    assert_string_not_equal(t1, t3);
    /* Stable across logins to the same job. */
    FX_OK(fx_login(&a, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    FX_OK(fk_job_tag(a.job, "100000000001", t2, &err), &err);
    assert_string_equal(t1, t2);
    /* Another job's tag for the same person is unrelated. */
    FX_OK(fk_job_tag(b.job, "100000000001", other, &err), &err);
    assert_string_not_equal(t1, other);
    fx_destroy(&b);
    fx_destroy(&a);
}

/* Alters the stored records with SQL and expects FK_ETAMPER from the next walk. */
static void expect_tamper_caught(const char *sql, const char *what)
{
    fx_job fx;
    fx_create(&fx, false);
    store_package(&fx, SHA_A, false);
    fk_job_close(fx.job);
    fx.job = NULL;
    char path[160];
    snprintf(path, sizeof path, "%s/job.db", fx.dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
    fk_err err;
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    seen s;
    fk_err_clear(&err);
    fk_status st = walk(&fx, &s, 0, &err);
    if (st != FK_ETAMPER || strstr(fk_err_message(&err), what) == NULL)
        fail_msg("%s: expected FK_ETAMPER \"%s\", got %s \"%s\"", sql, what, fk_status_name(st),
                 fk_err_message(&err));
    fx_destroy(&fx);
}

static void test_tamper(void **state)
{
    (void)state;
    /* A flipped byte inside the sealed blob. */
    expect_tamper_caught("UPDATE records SET sealed = substr(sealed, 1, 40) ||"
                         " CASE WHEN substr(sealed, 41, 1) = x'00' THEN x'01' ELSE x'00' END ||"
                         " substr(sealed, 42) WHERE line = 3",
                         "failed authentication");
    expect_tamper_caught("UPDATE records SET sealed = substr(sealed, 1, length(sealed) - 1)"
                         " WHERE line = 2",
                         "failed authentication");
    /* Two people's sealed data swapped: each is bound to its own tag. */
    expect_tamper_caught("UPDATE records SET sealed = (SELECT sealed FROM records WHERE line = 5)"
                         " WHERE line = 2",
                         "failed authentication");
    /* The category in clear changed, e.g. to move someone to another mailing. */
    expect_tamper_caught("UPDATE records SET category = 0 WHERE line = 2", "category was altered");
    /* The tag changed. */
    expect_tamper_caught(
        "UPDATE records SET tag = 'ffffffffffffffffffffffffffffffff' WHERE line = 2",
        "failed authentication");
    expect_tamper_caught("UPDATE records SET tag = 'short' WHERE line = 2", "damaged");
}

/* Reads every file of the job directory (the database, its WAL and shared memory). */
static void assert_absent_in_files(const char *dir, const char *const needles[], size_t n)
{
    static const char *const names[] = {"job.db", "job.db-wal", "job.db-shm"};
    int read = 0;
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        char path[160];
        snprintf(path, sizeof path, "%s/%s", dir, names[f]);
        char *data;
        size_t len;
        fk_err err;
        if (fk_fs_read_file(path, 1 << 28, &data, &len, &err) != FK_OK)
            continue;
        read++;
        for (size_t i = 0; i < n; i++)
            if (contains(data, len, needles[i], strlen(needles[i])))
                fail_msg("%s holds \"%s\" in clear", names[f], needles[i]);
        fk_free(data);
    }
    assert_true(read >= 1);
}

static void test_nothing_in_clear(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    store_package(&fx, SHA_A, false);
    static const char *const secrets[] = {
        NAME_1,           "𠮷田",         "髙橋\u3000一郎", "山田\u3000花子", ADDRESS_1,
        "歌舞伎町二丁目", "西新宿二丁目", "ヨシダ",         "100000000001",   "グランドハイツ",
    };
    const size_t n = sizeof secrets / sizeof secrets[0];
    /* While open (data may still be in the WAL) and after closing (checkpointed). */
    assert_absent_in_files(fx.dir, secrets, n);
    fk_job_close(fx.job);
    fx.job = NULL;
    assert_absent_in_files(fx.dir, secrets, n);

    /* A replaced package's records are deleted without leaving their bytes behind. */
    fk_err err;
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    store_package(&fx, SHA_B, true);
    fk_job_close(fx.job);
    fx.job = NULL;
    assert_absent_in_files(fx.dir, secrets, n);
    fx_destroy(&fx);
}

/* Every allocation in turn fails while sealing and unsealing: FK_ENOMEM, never a false
 * FK_ETAMPER, and no leak under ASan. */
static void test_out_of_memory(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    store_package(&fx, "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", false);
    fk_err err;
    seen s;
    long n;
    for (n = 0;; n++) {
        fk_mem_fail_after(n);
        fk_status st = walk(&fx, &s, 0, &err);
        fk_mem_fail_after(-1);
        if (st == FK_OK)
            break;
        expect_status(st, FK_ENOMEM, &err);
    }
    assert_int_equal(s.count, 3);
    assert_true(n > 3);

    long pkg;
    FX_OK(fk_job_begin(fx.job, &err), &err);
    FX_OK(fk_job_package_start(fx.job, SHA_B, true, &pkg, &err), &err);
    fk_record r;
    fill(&r, FK_CAT_DOUKI, "100000000001", NAME_1, ADDRESS_1);
    for (n = 0;; n++) {
        fk_mem_fail_after(n);
        fk_status st = fk_job_record_add(fx.job, pkg, &r, 2, &err);
        fk_mem_fail_after(-1);
        if (st == FK_OK)
            break;
        expect_status(st, FK_ENOMEM, &err);
    }
    fk_record_clear(&r);
    FX_OK(fk_job_package_finish(fx.job, pkg, 1, 1, 0, &err), &err);
    FX_OK(fk_job_commit(fx.job, &err), &err);
    FX_OK(walk(&fx, &s, 0, &err), &err);
    assert_int_equal(s.count, 1);
    fx_destroy(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_reader),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_counts_must_add_up),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_duplicate_resident),
        cmocka_unit_test(test_tag),
        cmocka_unit_test(test_tamper),
        cmocka_unit_test(test_nothing_in_clear),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
