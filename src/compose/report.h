/*
 * A simple report writer for fukan's own documents (handler roster, パスワード通知書, custody
 * receipts, bulk-mail summary, erasure certificate): A4 portrait, a title, paragraphs,
 * key/value blocks and tables that break across pages with their header repeated, and a
 * footer with the page number. Same fonts and real text as the print files.
 */
#ifndef FK_REPORT_H
#define FK_REPORT_H

#include "doc.h"
#include "util/err.h"

#include <stddef.h>

typedef struct fk_report fk_report;

/* A report written to pdf_path (mode 0600), or NULL with err set. Close with fk_report_close. */
fk_report *fk_report_new(const char *pdf_path, fk_err *err);

/* The same, handing the PDF's bytes to fn. */
fk_report *fk_report_new_stream(fk_doc_write_fn fn, void *closure, fk_err *err);

/* Text printed at the bottom of every page, left of the page number (e.g. a log hash). */
fk_status fk_report_set_footer(fk_report *r, const char *text, fk_err *err) FK_WARN_UNUSED;

/* A centred title (16 pt, bold). */
fk_status fk_report_title(fk_report *r, const char *text, fk_err *err) FK_WARN_UNUSED;

/* A section heading (12 pt, bold). */
fk_status fk_report_heading(fk_report *r, const char *text, fk_err *err) FK_WARN_UNUSED;

/* A paragraph (10.5 pt), wrapped with Japanese line-breaking rules; '\n' breaks a line. */
fk_status fk_report_paragraph(fk_report *r, const char *text, fk_err *err) FK_WARN_UNUSED;

/* One line of a key/value block: the key in bold in a 45 mm column, the value wrapped. */
fk_status fk_report_keyvalue(fk_report *r, const char *key, const char *value,
                             fk_err *err) FK_WARN_UNUSED;

/*
 * A table: ncols column titles, widths in mm (NULL: equal widths over the text width) and
 * nrows rows of ncols cells, row-major. Cells wrap; the header repeats after a page break.
 */
fk_status fk_report_table(fk_report *r, size_t ncols, const char *const *columns,
                          const double *widths, size_t nrows, const char *const *cells,
                          fk_err *err) FK_WARN_UNUSED;

/*
 * A square matrix of modules (a QR code made elsewhere): width * width bytes, non-zero =
 * dark, each module_mm wide, at the left margin, with a caption to its right.
 */
fk_status fk_report_matrix(fk_report *r, const unsigned char *modules, int width, double module_mm,
                           const char *caption, fk_err *err) FK_WARN_UNUSED;

/* Vertical space in mm. */
void fk_report_space(fk_report *r, double mm);

/* Finishes the PDF and frees the report (also on error, and for NULL); FK_EIO on write errors. */
fk_status fk_report_close(fk_report *r, fk_err *err) FK_WARN_UNUSED;

#endif
