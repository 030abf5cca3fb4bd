/* fk_step_printlog: the print log (印刷ログ) as text, CSV, XLSX or a Japanese PDF, and the
 * print files' states. See fukan.h. */
#include "fukan.h"
#include "compose/report.h"
#include "core/audit.h"
#include "print/printlog.h"
#include "util/fsutil.h"
#include "util/jdate.h"
#include "util/i18n.h"

#include <stdio.h>
#include <time.h>

static fk_status fk__buf_write(void *closure, const unsigned char *data, size_t len)
{
    return fk_buf_append(closure, data, len);
}

static fk_status fk__pdf(fk_job *job, const char *path, fk_err *err)
{
    fk_print_table t;
    fk_status s = fk_print_log_table(job, &t, err);
    fk_buf pdf;
    fk_buf_init(&pdf, (size_t)1 << 28);
    fk_report *r = s == FK_OK ? fk_report_new_stream(fk__buf_write, &pdf, err) : NULL;
    if (s == FK_OK && r == NULL)
        s = err->status;
    char today_iso[16], today_wareki[64], made[128], counts[128], checkpoint[128];
    fk_date today = fk_date_today();
    fk_date_format_iso(today, today_iso, sizeof today_iso);
    if (!fk_date_format_wareki(today, today_wareki, sizeof today_wareki))
        today_wareki[0] = '\0';
    snprintf(made, sizeof made, "%s（%s）", today_wareki, today_iso);
    snprintf(counts, sizeof counts, "%ld 件、印刷 %ld 枚、うち超過 %ld 枚", t.entries, t.sheets,
             t.over_count);
    if (s == FK_OK)
        s = fk_audit_checkpoint(job, checkpoint, sizeof checkpoint, err);
    char footer[200];
    snprintf(footer, sizeof footer, "監査ログ %s", checkpoint);
    if (s == FK_OK)
        s = fk_report_set_footer(r, footer, err);
    if (s == FK_OK)
        s = fk_report_title(r, "印刷ログ", err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "発注者", fk_order_ward(fk_job_order(job)), err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "業務コード", fk_order_job_code(fk_job_order(job)), err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "作成日", made, err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "印刷件数・枚数", counts, err);
    if (s == FK_OK)
        s = fk_report_paragraph(r,
                                "指定枚数を超える印刷（再印刷を含む）は、その理由とともに"
                                "「（超過）」の行に記載する。",
                                err);
    if (s == FK_OK)
        s = fk_report_table(r, t.ncols, t.columns, t.widths, t.nrows, (const char *const *)t.cells,
                            err);
    fk_status closed = r ? fk_report_close(r, err) : FK_OK;
    if (s == FK_OK)
        s = closed;
    if (s == FK_OK)
        s = fk_fs_write_atomic(path, pdf.data, pdf.len, err);
    fk_buf_free(&pdf);
    fk_print_table_free(&t);
    return s;
}

fk_status fk_step_printlog(fk_job *job, const fk_printlog_options *opts, fk_buf *out, fk_err *err)
{
    if (opts->format == FK_PRINTLOG_PDF || opts->format == FK_PRINTLOG_XLSX) {
        if (opts->path == NULL)
            return fk_failf(err, FK_EINVAL, _("printlog: --format %s needs -o FILE"),
                            opts->format == FK_PRINTLOG_PDF ? "pdf" : "xlsx");
        return opts->format == FK_PRINTLOG_PDF ? fk__pdf(job, opts->path, err)
                                               : fk_print_log_write_xlsx(job, opts->path, err);
    }
    fk_buf b;
    fk_buf_init(&b, (size_t)1 << 28);
    fk_status s = opts->format == FK_PRINTLOG_CSV ? fk_print_log_write_csv(job, &b, err)
                                                  : fk_print_log_write_text(job, &b, err);
    if (s == FK_OK && opts->path != NULL)
        s = fk_fs_write_atomic(opts->path, b.data, b.len, err);
    else if (s == FK_OK && b.len > 0)
        s = fk_buf_append(out, b.data, b.len);
    fk_buf_free(&b);
    return s;
}

typedef struct {
    void (*visit)(void *ctx, const fk_printlog_file *f);
    void *ctx;
} fk__files;

static int fk__file(const fk_print_tally *t, void *ctx)
{
    const fk__files *fs = ctx;
    fk_printlog_file f = {.name = t->file->name,
                          .category = (fk_category)t->file->category,
                          .batch = t->file->batch,
                          .designated = t->file->sheets,
                          .printed = t->printed,
                          .over_count = t->over_count,
                          .state = t->state,
                          .age = t->age,
                          .is_idle = t->is_idle,
                          .unresolved = t->unresolved};
    fs->visit(fs->ctx, &f);
    return 0;
}

fk_status fk_step_printlog_files(fk_job *job, void (*visit)(void *ctx, const fk_printlog_file *f),
                                 void *ctx, fk_err *err)
{
    fk__files fs = {visit, ctx};
    return fk_print_tally_foreach(job, time(NULL), fk__file, &fs, err);
}
