/* Papers to PDF, and the later stages' counts: see papers.h. */
#include "papers.h"
#include "compose/report.h"

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

fk_status fk_cli_paper_pdf(const fk_paper *p, fk_buf *out, fk_err *err)
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

fk_status fk_cli_stage_inputs(fk_job *job, fk_stage_inputs *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    fk_reconcile *r;
    fk_status s = fk_reconcile_new(job, NULL, &r, err);
    if (s != FK_OK)
        return s;
    long composed[FK_CAT_COUNT];
    fk_reconcile_composed(r, composed);
    fk_reconcile_free(r);
    out->has_printed = out->has_verified = true;
    memcpy(out->printed, composed, sizeof composed);
    memcpy(out->verified, composed, sizeof composed);
    return FK_OK;
}
