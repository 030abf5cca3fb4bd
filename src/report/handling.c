/* The reconciliation: see handling.h. */
#include "handling.h"
#include "core/audit.h"
#include "core/custody.h"
#include "core/erase.h"
#include "core/records.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define FK__MAX_ROWS 4096

struct fk_reconcile {
    fk_reconcile_row rows[FK__MAX_ROWS];
    size_t n;
    size_t flagged;
    bool has_delivered;
    long delivered[FK_CAT_COUNT];
    long composed[FK_CAT_COUNT];
    char flags[FK__MAX_ROWS][160];
    const char *next;
};

bool fk_counts_parse(const char *s, long out[FK_CAT_COUNT])
{
    memset(out, 0, FK_CAT_COUNT * sizeof *out);
    if (s == NULL)
        return false;
    while (*s) {
        char *end;
        long c = strtol(s, &end, 10);
        if (end == s || *end != '=' || c < 0 || c >= FK_CAT_COUNT)
            return false;
        s = end + 1;
        long n = strtol(s, &end, 10);
        if (end == s || n < 0)
            return false;
        out[c] = n;
        s = end;
        if (*s == ',')
            s++;
        else if (*s != '\0')
            return false;
    }
    return true;
}

void fk_counts_format(const long counts[FK_CAT_COUNT], char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (int c = 0; c < FK_CAT_COUNT && used < size; c++) {
        int n = snprintf(out + used, size - used, "%s%d=%ld", c ? "," : "", c, counts[c]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static int fk__delivered(const fk_receipt *rc, void *ctx)
{
    fk_reconcile *r = ctx;
    if (strcmp(rc->kind, "deliver") == 0 && fk_counts_parse(rc->counts, r->delivered))
        r->has_delivered = true;
    return 0;
}

static fk_reconcile_row *fk__row(fk_reconcile *r)
{
    if (r->n == FK__MAX_ROWS)
        return NULL;
    fk_reconcile_row *row = &r->rows[r->n++];
    *row = (fk_reconcile_row){.category = -1,
                              .received = -1,
                              .rejected = -1,
                              .accepted = -1,
                              .held = -1,
                              .composed = -1,
                              .printed = -1,
                              .overprinted = -1,
                              .verified = -1,
                              .delivered = -1};
    return row;
}

typedef struct {
    fk_reconcile *r;
    const fk_stage_inputs *in;
    bool full;
} fk__fill;

static int fk__stage(const fk_stage_counts *c, void *ctx)
{
    fk__fill *f = ctx;
    if (c->category < 0 || c->category >= FK_CAT_COUNT)
        return 0;
    fk_reconcile_row *row = fk__row(f->r);
    if (row == NULL) {
        f->full = true;
        return 1;
    }
    row->category = c->category;
    row->batch = c->batch;
    row->composed = c->composed;
    if (c->batch == 0) {
        row->accepted = c->accepted;
        row->held = c->held;
        f->r->composed[c->category] = c->composed;
        if (f->in != NULL && f->in->has_printed) {
            row->printed = f->in->printed[c->category];
            row->overprinted = f->in->overprinted[c->category];
        }
        if (f->in != NULL && f->in->has_verified)
            row->verified = f->in->verified[c->category];
        if (f->r->has_delivered)
            row->delivered = f->r->delivered[c->category];
    }
    return 0;
}

/* Writes what does not add up in row i into its flag. */
static void fk__check(fk_reconcile *r, size_t i)
{
    fk_reconcile_row *w = &r->rows[i];
    char *flag = r->flags[i];
    size_t used = 0;
    flag[0] = '\0';
#define FK__FLAG(...)                                                                              \
    do {                                                                                           \
        int n_ = snprintf(flag + used, sizeof r->flags[i] - used, "%s", used ? "; " : "");         \
        if (n_ > 0 && (size_t)n_ < sizeof r->flags[i] - used)                                      \
            used += (size_t)n_;                                                                    \
        n_ = snprintf(flag + used, sizeof r->flags[i] - used, __VA_ARGS__);                        \
        if (n_ > 0 && (size_t)n_ < sizeof r->flags[i] - used)                                      \
            used += (size_t)n_;                                                                    \
    } while (0)
    if (w->category < 0) {
        if (w->received >= 0 && w->received != w->accepted + w->rejected)
            FK__FLAG("受領 %ld ≠ 受理 %ld + 除外 %ld", w->received, w->accepted, w->rejected);
    } else if (w->batch == 0) {
        if (w->composed > 0 && w->composed != w->accepted - w->held)
            FK__FLAG("作成 %ld ≠ 受理 %ld − 保留 %ld", w->composed, w->accepted, w->held);
        if (w->printed >= 0 && w->printed != w->composed)
            FK__FLAG("印刷 %ld ≠ 作成 %ld", w->printed, w->composed);
        if (w->verified >= 0 && w->verified != w->composed)
            FK__FLAG("突合 %ld ≠ 作成 %ld", w->verified, w->composed);
        if (w->delivered >= 0 && w->verified >= 0 && w->delivered != w->verified)
            FK__FLAG("引渡 %ld ≠ 突合 %ld", w->delivered, w->verified);
    }
#undef FK__FLAG
    if (used > 0) {
        w->flag = flag;
        r->flagged++;
    }
}

static void fk__next_step(fk_reconcile *r, fk_job *job)
{
    const fk_reconcile_row *all = &r->rows[0];
    long composed = 0;
    for (int c = 0; c < FK_CAT_COUNT; c++)
        composed += r->composed[c];
    if (all->received < 0)
        r->next = N_("receive the medium and open it: fukan receipt JOBDIR receive --item medium;"
                     " fukan open JOBDIR PACKAGE.zip");
    else if (composed == 0)
        r->next = N_("check, approve the proofs and compose: fukan check / proof / compose JOBDIR");
    else if (!r->has_delivered)
        r->next =
            N_("deliver the sealed envelopes: fukan receipt JOBDIR deliver --ward-staff NAME");
    else if (!fk_job_is_erased(job, NULL, 0))
        r->next =
            N_("return the medium, then erase: fukan receipt JOBDIR return; fukan erase JOBDIR");
    else
        r->next = N_("write the report for the ward: fukan report JOBDIR -o report.zip");
}

fk_status fk_reconcile_new(fk_job *job, const fk_stage_inputs *inputs, fk_reconcile **out,
                           fk_err *err)
{
    fk_reconcile *r = fk_calloc(1, sizeof *r);
    if (r == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory for the reconciliation"));
    fk_job_counts counts;
    fk_status s = fk_job_receipts_foreach(job, fk__delivered, r, err);
    if (s == FK_OK)
        s = fk_job_counts_get(job, &counts, err);
    if (s == FK_OK) {
        fk_reconcile_row *all = fk__row(r);
        if (counts.opened) {
            all->received = counts.received;
            all->rejected = counts.rejected;
            all->accepted = counts.accepted;
            all->held = counts.held;
        }
        fk__fill f = {.r = r, .in = inputs};
        s = fk_job_stage_counts_foreach(job, fk__stage, &f, err);
        if (s == FK_OK && f.full)
            s = fk_failf(err, FK_ETOOBIG, _("more than %d reconciliation rows"), FK__MAX_ROWS);
    }
    if (s != FK_OK) {
        fk_free(r);
        return s;
    }
    /* The job's line sums the category totals of the later stages. */
    fk_reconcile_row *all = &r->rows[0];
    for (size_t i = 1; i < r->n; i++) {
        const fk_reconcile_row *w = &r->rows[i];
        if (w->batch != 0)
            continue;
#define FK__SUM(field)                                                                             \
    if (w->field >= 0)                                                                             \
    all->field = (all->field < 0 ? 0 : all->field) + w->field
        FK__SUM(composed);
        FK__SUM(printed);
        FK__SUM(overprinted);
        FK__SUM(verified);
        FK__SUM(delivered);
#undef FK__SUM
    }
    for (size_t i = 0; i < r->n; i++)
        fk__check(r, i);
    fk__next_step(r, job);
    *out = r;
    return FK_OK;
}

void fk_reconcile_free(fk_reconcile *r)
{
    fk_free(r);
}

size_t fk_reconcile_count(const fk_reconcile *r)
{
    return r->n;
}

const fk_reconcile_row *fk_reconcile_row_at(const fk_reconcile *r, size_t i)
{
    return i < r->n ? &r->rows[i] : NULL;
}

size_t fk_reconcile_flagged(const fk_reconcile *r)
{
    return r->flagged;
}

const char *fk_reconcile_next_step(const fk_reconcile *r)
{
    return r->next;
}

bool fk_reconcile_delivered(const fk_reconcile *r, long out[FK_CAT_COUNT])
{
    memcpy(out, r->delivered, sizeof r->delivered);
    return r->has_delivered;
}

void fk_reconcile_composed(const fk_reconcile *r, long out[FK_CAT_COUNT])
{
    memcpy(out, r->composed, sizeof r->composed);
}

#define FK__NCOLS 11

static const char *const fk__columns[FK__NCOLS] = {
    "区分", "バッチ", "受領", "除外", "受理", "保留", "作成", "印刷", "印刷超過", "突合", "引渡"};

static void fk__num(long v, char *out, size_t size)
{
    if (v < 0)
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%ld", v);
}

/* The row's cells as strings (cat/batch labels, then numbers), plus its flag. */
static void fk__cells(const fk_reconcile_row *w, char cells[FK__NCOLS][32])
{
    snprintf(cells[0], 32, "%s", w->category < 0 ? "全体" : fk_category_label(w->category));
    if (w->batch == 0)
        snprintf(cells[1], 32, "%s", w->category < 0 ? "" : "計");
    else
        snprintf(cells[1], 32, "%d", w->batch);
    const long v[] = {w->received, w->rejected,    w->accepted, w->held,     w->composed,
                      w->printed,  w->overprinted, w->verified, w->delivered};
    for (int i = 0; i < 9; i++)
        fk__num(v[i], cells[2 + i], 32);
}

fk_status fk_reconcile_text(const fk_reconcile *r, fk_buf *out)
{
    fk_status s =
        fk_buf_append_str(out, "区分            バッチ    受領   除外   受理   保留   作成"
                               "   印刷 超過   突合   引渡\n");
    for (size_t i = 0; s == FK_OK && i < r->n; i++) {
        char c[FK__NCOLS][32];
        fk__cells(&r->rows[i], c);
        s = fk_buf_appendf(out, "%-3d %-12s %4s %6s %6s %6s %6s %6s %6s %4s %6s %6s%s%s\n",
                           r->rows[i].category, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
                           c[8], c[9], c[10], r->rows[i].flag ? "  ← 不一致: " : "",
                           r->rows[i].flag ? r->rows[i].flag : "");
    }
    if (s == FK_OK)
        s = fk_buf_appendf(out, _("%zu row(s) do not add up\nnext: %s\n"), r->flagged,
                           fk_i18n_text(r->next));
    return s;
}

static fk_status fk__csv_field(fk_buf *b, const char *s, bool last)
{
    fk_status st = fk_buf_append_byte(b, '"');
    for (const char *p = s; st == FK_OK && *p; p++)
        st = *p == '"' ? fk_buf_append_str(b, "\"\"") : fk_buf_append_byte(b, (unsigned char)*p);
    if (st == FK_OK)
        st = fk_buf_append_str(b, last ? "\"\r\n" : "\",");
    return st;
}

fk_status fk_reconcile_csv(const fk_reconcile *r, fk_buf *out)
{
    fk_status s = fk_buf_append_str(out, "\xEF\xBB\xBF");
    for (int c = 0; s == FK_OK && c < FK__NCOLS; c++)
        s = fk__csv_field(out, fk__columns[c], false);
    if (s == FK_OK)
        s = fk__csv_field(out, "不一致", true);
    for (size_t i = 0; s == FK_OK && i < r->n; i++) {
        char c[FK__NCOLS][32];
        fk__cells(&r->rows[i], c);
        for (int k = 0; s == FK_OK && k < FK__NCOLS; k++)
            s = fk__csv_field(out, c[k], false);
        if (s == FK_OK)
            s = fk__csv_field(out, r->rows[i].flag ? r->rows[i].flag : "", true);
    }
    return s;
}

fk_status fk_reconcile_xlsx(const fk_reconcile *r, const char *path, fk_err *err)
{
    lxw_workbook *wb = workbook_new(path);
    if (wb == NULL)
        return fk_failf(err, FK_EIO, _("%s: cannot create the workbook"), path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "取扱い状況報告");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (int c = 0; c < FK__NCOLS; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, fk__columns[c], bold);
    worksheet_write_string(ws, 0, FK__NCOLS, "不一致", bold);
    for (size_t i = 0; i < r->n; i++) {
        const fk_reconcile_row *w = &r->rows[i];
        char c[FK__NCOLS][32];
        fk__cells(w, c);
        lxw_row_t row = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, row, 0, c[0], NULL);
        worksheet_write_string(ws, row, 1, c[1], NULL);
        const long v[] = {w->received, w->rejected,    w->accepted, w->held,     w->composed,
                          w->printed,  w->overprinted, w->verified, w->delivered};
        for (int k = 0; k < 9; k++) {
            if (v[k] >= 0)
                worksheet_write_number(ws, row, (lxw_col_t)(2 + k), (double)v[k], NULL);
            else
                worksheet_write_string(ws, row, (lxw_col_t)(2 + k), "-", NULL);
        }
        if (w->flag != NULL)
            worksheet_write_string(ws, row, FK__NCOLS, w->flag, NULL);
    }
    worksheet_set_column(ws, 0, 0, 16, NULL);
    worksheet_set_column(ws, FK__NCOLS, FK__NCOLS, 40, NULL);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR)
        return fk_failf(err, FK_EIO, "%s: %s", path, lxw_strerror(e));
    return FK_OK;
}

fk_status fk_reconcile_paper(const fk_reconcile *r, fk_job *job, fk_paper *p, fk_err *err)
{
    static const double widths[FK__NCOLS + 1] = {24, 11, 12, 11, 12, 11, 12, 12, 11, 12, 12, 20};
    const char *cols[FK__NCOLS + 1];
    for (int c = 0; c < FK__NCOLS; c++)
        cols[c] = fk__columns[c];
    cols[FK__NCOLS] = "不一致";
    char(*cells)[FK__NCOLS + 1][160] = fk_calloc(r->n ? r->n : 1, sizeof *cells);
    const char **ptrs = fk_calloc((r->n + 1) * (FK__NCOLS + 1), sizeof *ptrs);
    char checkpoint[128], ward[256];
    fk_status s = cells && ptrs ? FK_OK : fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_audit_checkpoint(job, checkpoint, sizeof checkpoint, err);
    for (size_t i = 0; s == FK_OK && i < r->n; i++) {
        char c[FK__NCOLS][32];
        fk__cells(&r->rows[i], c);
        for (int k = 0; k < FK__NCOLS; k++) {
            snprintf(cells[i][k], 160, "%.31s", c[k]);
            ptrs[i * (FK__NCOLS + 1) + (size_t)k] = cells[i][k];
        }
        snprintf(cells[i][FK__NCOLS], 160, "%s", r->rows[i].flag ? r->rows[i].flag : "");
        ptrs[i * (FK__NCOLS + 1) + FK__NCOLS] = cells[i][FK__NCOLS];
    }
    snprintf(ward, sizeof ward, "%s 御中", fk_order_ward(fk_job_order(job)));
    if (s == FK_OK &&
        (fk_paper_title(p, "取扱い状況報告") != FK_OK || fk_paper_paragraph(p, ward) != FK_OK ||
         fk_paper_keyvalue(p, "業務", fk_order_job_code(fk_job_order(job))) != FK_OK ||
         fk_paper_keyvalue(p, "監査ログ", checkpoint) != FK_OK ||
         fk_paper_table(p, FK__NCOLS + 1, cols, widths, r->n, ptrs) != FK_OK ||
         fk_paper_paragraph(p, r->flagged == 0 ? "すべての段階の件数が一致しています。"
                                               : "不一致の段階があります。事故報告書を"
                                                 "作成してください。") != FK_OK ||
         fk_paper_set_footer(p, checkpoint) != FK_OK))
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    fk_free(cells);
    fk_free(ptrs);
    return s;
}
