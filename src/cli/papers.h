/*
 * The command line's bridge between src/report/ (documents as data, no PDF writer) and
 * src/compose/report.h (the PDF writer): renders a paper to a PDF in memory or on disk, and
 * fills the later stages' counts the reconciliation and the deliver receipt compare.
 */
#ifndef FK_PAPERS_H
#define FK_PAPERS_H

#include "core/job.h"
#include "report/paper.h"
#include "report/handling.h"
#include "util/buf.h"

/* Renders p as a PDF into out. */
fk_status fk_cli_paper_pdf(const fk_paper *p, fk_buf *out, fk_err *err) FK_WARN_UNUSED;

/*
 * The printed and verified counts per category. Until the print log (print stage) and the
 * enclosure check (verify stage) feed them, both are the composed counts; see
 * docs/custody.md.
 */
fk_status fk_cli_stage_inputs(fk_job *job, fk_stage_inputs *out, fk_err *err) FK_WARN_UNUSED;

#endif
