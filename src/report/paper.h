/*
 * A document as data: the receipts, certificates and reports of src/report/ are built as a
 * list of blocks (title, heading, paragraph, key/value line, table, QR code, seal boxes),
 * which the caller renders. src/report/ may not depend on src/compose/ (the PDF writer),
 * so the command line hands a paper to compose/report.h and the PDF's bytes come back to
 * be stored and signed; fk_paper_text gives the same content as plain text.
 * docs/custody.md says why it is built this way.
 */
#ifndef FK_PAPER_H
#define FK_PAPER_H

#include "util/buf.h"
#include "util/err.h"

#include <stddef.h>

typedef struct fk_paper fk_paper;

typedef enum {
    FK_PAPER_TITLE,
    FK_PAPER_HEADING,
    FK_PAPER_PARAGRAPH,
    FK_PAPER_KEYVALUE,
    FK_PAPER_TABLE,
    FK_PAPER_QR,
    FK_PAPER_SPACE
} fk_paper_kind;

typedef struct fk_paper_block {
    fk_paper_kind kind;
    const char *text;  /* title, heading, paragraph, key, QR caption */
    const char *value; /* key/value: the value; QR: the encoded text */
    size_t ncols, nrows;
    const char *const *columns;   /* ncols titles */
    const char *const *cells;     /* nrows * ncols, row-major */
    const double *widths;         /* mm, or NULL for equal widths */
    const unsigned char *modules; /* QR: width * width, 1 = dark */
    int width;
    double mm; /* space; QR: module size */
} fk_paper_block;

/* An empty paper; NULL when out of memory. Free with fk_paper_free. */
fk_paper *fk_paper_new(void);
void fk_paper_free(fk_paper *p);

/* Each copies its strings. */
fk_status fk_paper_title(fk_paper *p, const char *text) FK_WARN_UNUSED;
fk_status fk_paper_heading(fk_paper *p, const char *text) FK_WARN_UNUSED;
fk_status fk_paper_paragraph(fk_paper *p, const char *text) FK_WARN_UNUSED;
fk_status fk_paper_keyvalue(fk_paper *p, const char *key, const char *value) FK_WARN_UNUSED;
fk_status fk_paper_table(fk_paper *p, size_t ncols, const char *const *columns,
                         const double *widths, size_t nrows,
                         const char *const *cells) FK_WARN_UNUSED;
fk_status fk_paper_space(fk_paper *p, double mm) FK_WARN_UNUSED;

/* A QR code of text (error correction M) with a caption; FK_EINVAL if text cannot be
 * encoded. */
fk_status fk_paper_qr(fk_paper *p, const char *text, const char *caption) FK_WARN_UNUSED;

/* Seal boxes (押印欄) for two parties: a table with a tall empty box under each label. */
fk_status fk_paper_seals(fk_paper *p, const char *left, const char *right) FK_WARN_UNUSED;

/* Text printed at the bottom of every page (e.g. the audit checkpoint). */
fk_status fk_paper_set_footer(fk_paper *p, const char *text) FK_WARN_UNUSED;
const char *fk_paper_footer(const fk_paper *p);

size_t fk_paper_count(const fk_paper *p);
const fk_paper_block *fk_paper_block_at(const fk_paper *p, size_t i);

/* Appends the paper as plain text (UTF-8), tables as tab-separated lines. */
fk_status fk_paper_text(const fk_paper *p, fk_buf *out) FK_WARN_UNUSED;

#endif
