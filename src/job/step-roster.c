/* fk_step_roster: the handler roster (取扱者名簿) for submission to the ward, as CSV and PDF.
 * See fukan.h. */
#include "fukan.h"
#include "compose/report.h"
#include "core/audit.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/jdate.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

/* One CSV field, quoted as RFC 4180 says when needed. */
static fk_status fk__csv_field(fk_buf *b, const char *s, bool last)
{
    fk_status st = FK_OK;
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        st = fk_buf_append_str(b, s);
    } else {
        st = fk_buf_append_byte(b, '"');
        for (const char *p = s; st == FK_OK && *p; p++)
            st = *p == '"' ? fk_buf_append_str(b, "\"\"") : fk_buf_append_byte(b, *p);
        if (st == FK_OK)
            st = fk_buf_append_byte(b, '"');
    }
    if (st == FK_OK)
        st = fk_buf_append_str(b, last ? "\r\n" : ",");
    return st;
}

#define FK__COLS 8

typedef struct {
    fk_buf csv;
    char **cells; /* row-major copies for the PDF table */
    size_t rows, cap;
} fk__roster;

static int fk__row(const fk_user_info *u, void *ctx)
{
    fk__roster *r = ctx;
    /* Times as people read them: Japan time with the zone stated, 和暦 with the ISO date. */
    char added[96], removed[96];
    if (!fk_time_format_jst(u->added_at, added, sizeof added))
        snprintf(added, sizeof added, "%s", u->added_at ? u->added_at : "");
    if (u->removed_at != NULL && !fk_time_format_jst(u->removed_at, removed, sizeof removed))
        snprintf(removed, sizeof removed, "%s", u->removed_at);
    const char *fields[FK__COLS] = {u->id,
                                    u->name,
                                    u->affiliation,
                                    fk_role_title(u->role),
                                    added,
                                    u->added_by,
                                    u->removed_at ? removed : NULL,
                                    u->removed_by};
    for (size_t i = 0; i < FK__COLS; i++)
        if (fk__csv_field(&r->csv, fields[i], i + 1 == FK__COLS) != FK_OK)
            return 1;
    if (r->rows == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        char **cells = fk_realloc(r->cells, cap * FK__COLS * sizeof *cells);
        if (cells == NULL)
            return 1;
        r->cells = cells;
        r->cap = cap;
    }
    char **row = &r->cells[r->rows++ * FK__COLS];
    bool ok = true;
    for (size_t i = 0; i < FK__COLS; i++) {
        row[i] = ok ? fk_strdup(fields[i] ? fields[i] : "") : NULL;
        ok = ok && row[i] != NULL;
    }
    return !ok;
}

static void fk__roster_free(fk__roster *r)
{
    for (size_t i = 0; i < r->rows * FK__COLS; i++)
        fk_free(r->cells[i]);
    fk_free(r->cells);
    fk_buf_free(&r->csv);
}

static const char *const fk__titles[FK__COLS] = {"ID",       "氏名",   "所属",     "役割",
                                                 "登録日時", "登録者", "削除日時", "削除者"};

static fk_status fk__write_pdf(fk_job *job, const fk__roster *r, const char *path, fk_err *err)
{
    static const double widths[FK__COLS] = {14, 26, 24, 16, 33, 13, 33, 13};
    char checkpoint[128], ward[256];
    fk_status s = fk_audit_checkpoint(job, checkpoint, sizeof checkpoint, err);
    fk_report *rep = s == FK_OK ? fk_report_new(path, err) : NULL;
    if (rep == NULL)
        return err->status;
    snprintf(ward, sizeof ward, "%s 御中", fk_order_ward(fk_job_order(job)));
    s = fk_report_title(rep, "個人情報取扱者名簿", err);
    if (s == FK_OK)
        s = fk_report_paragraph(rep, ward, err);
    if (s == FK_OK)
        s = fk_report_keyvalue(rep, "業務", fk_order_job_code(fk_job_order(job)), err);
    if (s == FK_OK)
        s = fk_report_keyvalue(rep, "監査ログ", checkpoint, err);
    if (s == FK_OK)
        s = fk_report_table(rep, FK__COLS, fk__titles, widths, r->rows,
                            (const char *const *)r->cells, err);
    fk_status closed = fk_report_close(rep, err);
    return s == FK_OK ? closed : s;
}

static fk_status fk__write(fk_job *job, const char *dir, const fk_callbacks *cb, fk_err *err)
{
    fk__roster r = {0};
    fk_buf_init(&r.csv, 1 << 20);
    fk_status s = fk_buf_append_str(&r.csv, "\xEF\xBB\xBFID,氏名,所属,役割,登録日時,登録者,"
                                            "削除日時,削除者\r\n");
    if (s == FK_OK)
        s = fk_job_users_foreach(job, fk__row, &r, err);
    if (s == FK_OK && r.rows > 0 && r.cells[r.rows * FK__COLS - 1] == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory listing the roster"));
    char csv[4096], pdf[4096];
    if (s == FK_OK && (!fk_fs_join(csv, sizeof csv, dir, "roster.csv") ||
                       !fk_fs_join(pdf, sizeof pdf, dir, "roster.pdf")))
        s = fk_failf(err, FK_EINVAL, _("%s: path too long"), dir);
    if (s == FK_OK)
        s = fk_fs_write_atomic(csv, r.csv.data, r.csv.len, err);
    if (s == FK_OK)
        s = fk__write_pdf(job, &r, pdf, err);
    if (s == FK_OK && cb != NULL && cb->file != NULL) {
        cb->file(cb->ctx, csv, NULL);
        cb->file(cb->ctx, pdf, NULL);
    }
    fk__roster_free(&r);
    return s;
}

fk_status fk_step_roster(fk_job *job, const fk_roster_options *opts, const fk_callbacks *cb,
                         fk_err *err)
{
    return fk__write(job, opts->dir ? opts->dir : ".", cb, err);
}
