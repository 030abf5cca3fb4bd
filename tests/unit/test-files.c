/*
 * Unit tests for core/files: a sealed file reads back; a new file set replaces the old one
 * only when its transaction commits (a rollback keeps the old set whole and removes the new
 * files); export writes complete files only, each audited with its SHA-256; a file list
 * pointing outside files/ is refused.
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
#include "core/files.h"
#include "job-fixture.h"
#include "util/mem.h"

/* The number of entries in a directory (without . and ..), and whether one starts with
 * prefix. */
static int entries(const char *dir, const char *prefix, bool *found)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    if (found != NULL)
        *found = false;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        if (found != NULL && prefix != NULL && strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            *found = true;
    }
    closedir(d);
    return n;
}

static void put(fx_job *fx, const char *name, const char *text)
{
    fk_err err;
    fk_job_file f = {name, "voucher", 0, 1, 1, 1, FK_FILE_COMPOSED};
    FX_OK(fk_job_file_put(fx->job, &f, text, strlen(text), &err), &err);
}

static void expect_content(fx_job *fx, const char *name, const char *text)
{
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fk_err err;
    FX_OK(fk_job_file_get(fx->job, name, &b, &err), &err);
    assert_string_equal(fk_buf_cstr(&b), text);
    fk_buf_free(&b);
}

static void files_dir(const fx_job *fx, char out[160])
{
    snprintf(out, 160, "%s/files", fx->dir);
}

static void test_sets(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    char dir[160];
    files_dir(&fx, dir);

    FX_OK(fk_job_begin(fx.job, &err), &err);
    put(&fx, "A-1.pdf", "old one");
    put(&fx, "A-2.pdf", "old two");
    FX_OK(fk_job_commit(fx.job, &err), &err);
    assert_int_equal(entries(dir, NULL, NULL), 2);
    expect_content(&fx, "A-1.pdf", "old one");

    /* A new set rolled back: the old set is listed and whole, the new files are gone. */
    FX_OK(fk_job_begin(fx.job, &err), &err);
    FX_OK(fk_job_files_clear(fx.job, &err), &err);
    put(&fx, "A-1.pdf", "new one");
    assert_int_equal(entries(dir, NULL, NULL), 3);
    fk_job_rollback(fx.job);
    assert_int_equal(entries(dir, NULL, NULL), 2);
    expect_content(&fx, "A-1.pdf", "old one");
    expect_content(&fx, "A-2.pdf", "old two");

    /* Committed: the new set only. */
    FX_OK(fk_job_begin(fx.job, &err), &err);
    FX_OK(fk_job_files_clear(fx.job, &err), &err);
    put(&fx, "A-1.pdf", "new one");
    assert_int_equal(entries(dir, NULL, NULL), 3); /* the old files stay until the commit */
    FX_OK(fk_job_commit(fx.job, &err), &err);
    assert_int_equal(entries(dir, NULL, NULL), 1);
    expect_content(&fx, "A-1.pdf", "new one");
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    assert_int_equal(fk_job_file_get(fx.job, "A-2.pdf", &b, &err), FK_ENOENT);

    /* Outside a transaction, a replaced file goes at once. */
    put(&fx, "A-1.pdf", "newer");
    assert_int_equal(entries(dir, NULL, NULL), 1);
    expect_content(&fx, "A-1.pdf", "newer");

    /* A file left by a killed command (unlisted) goes when the job is next opened. */
    char stray[200];
    snprintf(stray, sizeof stray, "%s/A-9.pdf.0123456789abcdef.sealed", dir);
    FILE *f = fopen(stray, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(chmod(stray, 0600), 0);
    fx_reopen(&fx);
    assert_int_equal(entries(dir, NULL, NULL), 1);

    /* A file list that points elsewhere is refused, not followed. */
    fk_job_close(fx.job);
    fx.job = NULL;
    char db_path[160];
    snprintf(db_path, sizeof db_path, "%s/job.db", fx.dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE files SET stored = '../job.db' WHERE name = 'A-1.pdf'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    FX_OK(fx_login(&fx, FX_MANAGER, FX_MANAGER_PW, FK_ROLES_STAFF, &err), &err);
    fk_buf_reset(&b);
    assert_int_equal(fk_job_file_get(fx.job, "A-1.pdf", &b, &err), FK_ETAMPER);
    fk_buf_free(&b);
    fx_rmdir(dir);
    fx_destroy(&fx);
}

typedef struct {
    int files;
    char sha[4][65];
} exported_ctx;

static void on_exported(const char *path, const char *sha, void *ctx)
{
    exported_ctx *x = ctx;
    assert_non_null(strstr(path, "/B-"));
    snprintf(x->sha[x->files++], 65, "%s", sha);
}

typedef struct {
    int audited;
    const exported_ctx *x;
} audit_ctx;

static int on_entry(const fk_audit_entry *e, void *ctx)
{
    audit_ctx *a = ctx;
    if (strncmp(e->details, "exported in clear; sha256 ", 26) == 0) {
        assert_true(e->authenticated);
        assert_string_equal(e->details + 26, a->x->sha[a->audited]);
        a->audited++;
    }
    return 0;
}

static void test_export(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    char out[160], dir[160];
    snprintf(out, sizeof out, "%s/out", fx.tmp);
    files_dir(&fx, dir);
    assert_int_equal(mkdir(out, 0700), 0);

    /* Nothing composed: refused, nothing written. */
    long count = -1;
    exported_ctx x = {0};
    assert_int_equal(fk_job_files_export(fx.job, out, on_exported, NULL, &x, &count, &err),
                     FK_ESTATE);
    assert_int_equal(entries(out, NULL, NULL), 0);

    put(&fx, "B-1.pdf", "first");
    put(&fx, "B-2.csv", "second");
    /* What an interrupted export left is removed. */
    char part[200];
    snprintf(part, sizeof part, "%s/.fukan-part-B-1.pdf", out);
    FILE *f = fopen(part, "w");
    assert_non_null(f);
    fclose(f);
    FX_OK(fk_job_files_export(fx.job, out, on_exported, NULL, &x, &count, &err), &err);
    assert_int_equal(count, 2);
    assert_int_equal(x.files, 2);
    bool partial;
    assert_int_equal(entries(out, ".fukan-part-", &partial), 2);
    assert_false(partial);
    char sha[65];
    fk_sha256_hex("first", 5, sha);
    assert_string_equal(x.sha[0], sha);

    /* One signed audit entry per file, with the file's checksum. */
    audit_ctx a = {0, &x};
    FX_OK(fk_audit_foreach(fx.job, NULL, on_entry, &a, &err), &err);
    assert_int_equal(a.audited, 2);

    /* A sealed file altered on disk: the export fails, and leaves no partial file. */
    FX_OK(fk_job_begin(fx.job, &err), &err);
    put(&fx, "B-3.pdf", "third");
    FX_OK(fk_job_commit(fx.job, &err), &err);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "B-3.pdf.", 8) == 0) {
            char path[512];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            FILE *g = fopen(path, "r+b");
            assert_non_null(g);
            fputc('X', g);
            fclose(g);
        }
    }
    closedir(d);
    fx_rmdir(out);
    assert_int_equal(mkdir(out, 0700), 0);
    exported_ctx y = {0};
    assert_int_equal(fk_job_files_export(fx.job, out, on_exported, NULL, &y, &count, &err),
                     FK_ETAMPER);
    assert_int_equal(entries(out, NULL, NULL), 0);
    assert_int_equal(y.files, 0);
    fx_rmdir(out);
    fx_rmdir(dir);
    fx_destroy(&fx);
}

/* A file sealed as it is written: pieces across the writer's chunks come back whole once
 * committed; an aborted writer, or one another thread finished but nobody listed, leaves
 * no file; the listed name must be the one written. */
static void test_writer(void **state)
{
    (void)state;
    fx_job fx;
    fx_create(&fx, false);
    fk_err err;
    char dir[160];
    files_dir(&fx, dir);
    size_t n = 300000;
    char *text = fk_malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + i % 23);
    text[n] = '\0';
    fk_job_file_writer *w = NULL;
    FX_OK(fk_job_file_writer_new(fx.job, "B-1.pdf", &w, &err), &err);
    for (size_t at = 0, piece = 1; at < n; piece = piece * 3 % 70001 + 1) {
        size_t len = piece < n - at ? piece : n - at;
        assert_int_equal(fk_job_file_write(w, text + at, len), FK_OK);
        at += len;
    }
    fk_job_file f = {"B-1.pdf", "voucher", 0, 1, 1, 1, FK_FILE_COMPOSED};
    FX_OK(fk_job_file_writer_finish(w, &err), &err);
    FX_OK(fk_job_file_writer_commit(fx.job, w, &f, &err), &err);
    expect_content(&fx, "B-1.pdf", text);
    assert_int_equal(entries(dir, NULL, NULL), 1);

    FX_OK(fk_job_file_writer_new(fx.job, "B-2.pdf", &w, &err), &err);
    assert_int_equal(fk_job_file_write(w, "unlisted", 8), FK_OK);
    assert_int_equal(entries(dir, NULL, NULL), 2);
    FX_OK(fk_job_file_writer_finish(w, &err), &err);
    fk_job_file_writer_abort(w);
    assert_int_equal(entries(dir, NULL, NULL), 1);

    FX_OK(fk_job_file_writer_new(fx.job, "B-3.pdf", &w, &err), &err);
    assert_int_equal(fk_job_file_writer_commit(fx.job, w, &f, &err), FK_EINVAL);
    assert_int_equal(entries(dir, NULL, NULL), 1);
    assert_int_equal(fk_job_file_writer_new(fx.job, "../B.pdf", &w, &err), FK_EINVAL);
    fk_free(text);
    fx_rmdir(dir);
    fx_destroy(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sets),
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
