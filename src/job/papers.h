/*
 * libfukan's bridge between src/report/ (documents as data, no PDF writer) and
 * src/compose/report.h (the PDF writer): renders a paper to a PDF in memory, and fills the
 * later stages' counts that the reconciliation and the deliver receipt compare.
 */
#ifndef FK_PAPERS_H
#define FK_PAPERS_H

#include "core/job.h"
#include "report/paper.h"
#include "report/handling.h"
#include "util/buf.h"

/* Renders p as a PDF into out. */
fk_status fk_paper_render_pdf(const fk_paper *p, fk_buf *out, fk_err *err) FK_WARN_UNUSED;

/*
 * The printed and verified counts per category: printed envelopes from the print files the
 * print log moved to printed (or the enclosure check on to verified), sheets over the
 * designation from the print log, verified envelopes from the enclosure check.
 */
fk_status fk_job_stage_inputs(fk_job *job, fk_stage_inputs *out, fk_err *err) FK_WARN_UNUSED;

#endif
