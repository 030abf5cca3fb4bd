/* Papers to PDF, and the later stages' counts: see papers.h. */
#include "papers.h"
#include "compose/report.h"
#include "core/enclosure.h"
#include "core/files.h"
#include "core/prints.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static fk_status fk__append(void *closure, const unsigned char *data, size_t len)
{
    return fk_buf_append(closure, data, len);
}

static fk_status fk__block(fk_report *r, const fk_paper_block *b, fk_err *err)
{
    switch (b->kind) {
    case FK_PAPER_TITLE:
        return fk_report_title(r, b->text, err);
    case FK_PAPER_HEADING:
        return fk_report_heading(r, b->text, err);
    case FK_PAPER_PARAGRAPH:
        return fk_report_paragraph(r, b->text, err);
    case FK_PAPER_KEYVALUE:
        return fk_report_keyvalue(r, b->text, b->value, err);
    case FK_PAPER_TABLE:
        return fk_report_table(r, b->ncols, b->columns, b->widths, b->nrows, b->cells, err);
    case FK_PAPER_QR:
        return fk_report_matrix(r, b->modules, b->width, b->mm, b->text, err);
    case FK_PAPER_SPACE:
        fk_report_space(r, b->mm);
        return FK_OK;
    }
    return FK_OK;
}

fk_status fk_paper_render_pdf(const fk_paper *p, fk_buf *out, fk_err *err)
{
    fk_report *r = fk_report_new_stream(fk__append, out, err);
    if (r == NULL)
        return err->status;
    fk_status s =
        fk_paper_footer(p) != NULL ? fk_report_set_footer(r, fk_paper_footer(p), err) : FK_OK;
    for (size_t i = 0; s == FK_OK && i < fk_paper_count(p); i++)
        s = fk__block(r, fk_paper_block_at(p, i), err);
    fk_status closed = fk_report_close(r, err);
    return s == FK_OK ? closed : s;
}

#define FK__BATCHES 1024

/* Printed envelopes per category and batch: a batch's envelopes are printed once its print
 * files are (the print log moved them to printed, or the enclosure check on to verified); a
 * batch's documents (voucher, results) hold the same envelopes, so the largest counts. */
typedef struct {
    fk_job *job;
    long envelopes[FK_CAT_COUNT][FK__BATCHES];
    char (*names)[256];
    int *cats;
    size_t n, cap;
    fk_stage_inputs *out;
    bool printed_any, verified_any, oom;
} fk__counts;

static int fk__count_file(const fk_job_file *f, void *ctx)
{
    fk__counts *c = ctx;
    if (f->category < 0 || f->category >= FK_CAT_COUNT)
        return 0;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        void *n = fk_realloc(c->names, cap * sizeof *c->names);
        if (n != NULL)
            c->names = n;
        void *k = n != NULL ? fk_realloc(c->cats, cap * sizeof *c->cats) : NULL;
        if (k == NULL) {
            c->oom = true;
            return 1;
        }
        c->cats = k;
        c->cap = cap;
    }
    snprintf(c->names[c->n], sizeof c->names[0], "%s", f->name);
    c->cats[c->n++] = f->category;
    if (f->state != FK_FILE_PRINTED && f->state != FK_FILE_VERIFIED)
        return 0;
    c->printed_any = true;
    int b = f->batch >= 0 && f->batch < FK__BATCHES ? f->batch : FK__BATCHES - 1;
    if (f->envelopes > c->envelopes[f->category][b])
        c->envelopes[f->category][b] = f->envelopes;
    return 0;
}

/* Sheets printed above the designation, from the print log (reprints included). */
static int fk__count_print(const fk_print_entry *e, void *ctx)
{
    fk__counts *c = ctx;
    if (e->state != FK_PRINT_COMPLETED || e->over_count <= 0)
        return 0;
    const char *file = e->parent != NULL ? e->parent : e->file;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->names[i], file) == 0) {
            c->out->overprinted[c->cats[i]] += e->over_count;
            break;
        }
    return 0;
}

static int fk__count_check(const fk_encl_summary *e, void *ctx)
{
    fk__counts *c = ctx;
    if ((int)e->category < 0 || (int)e->category >= FK_CAT_COUNT)
        return 0;
    c->out->verified[e->category] += e->verified;
    if (e->verified + e->failed > 0)
        c->verified_any = true;
    return 0;
}

fk_status fk_job_stage_inputs(fk_job *job, fk_stage_inputs *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    fk__counts *c = fk_calloc(1, sizeof *c);
    if (c == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    c->job = job;
    c->out = out;
    fk_status s = fk_job_files_foreach(job, fk__count_file, c, err);
    if (s == FK_OK && c->oom)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_job_prints_foreach(job, fk__count_print, c, err);
    if (s == FK_OK)
        s = fk_job_encl_summary(job, fk__count_check, c, err);
    for (int k = 0; k < FK_CAT_COUNT; k++)
        for (int b = 0; b < FK__BATCHES; b++)
            out->printed[k] += c->envelopes[k][b];
    out->has_printed = c->printed_any;
    out->has_verified = c->verified_any;
    fk_free(c->names);
    fk_free(c->cats);
    fk_free(c);
    return s;
}
