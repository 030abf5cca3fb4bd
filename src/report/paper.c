/* Documents as data: see paper.h. */
#include "paper.h"
#include "util/mem.h"

#include <qrencode.h>
#include <string.h>

/* Every string and array a block points at lives in the paper's list of allocations. */
struct fk_paper {
    fk_paper_block *blocks;
    size_t n, cap;
    void **owned;
    size_t nowned, owned_cap;
    char *footer;
};

fk_paper *fk_paper_new(void)
{
    return fk_calloc(1, sizeof(fk_paper));
}

void fk_paper_free(fk_paper *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->nowned; i++)
        fk_free(p->owned[i]);
    fk_free(p->owned);
    fk_free(p->blocks);
    fk_free(p->footer);
    fk_free(p);
}

/* Takes ownership of mem (freed with the paper); NULL stays NULL but is an error. */
static void *fk__own(fk_paper *p, void *mem)
{
    if (mem == NULL)
        return NULL;
    if (p->nowned == p->owned_cap) {
        size_t cap = p->owned_cap ? 2 * p->owned_cap : 32;
        void **owned = fk_realloc(p->owned, cap * sizeof *owned);
        if (owned == NULL) {
            fk_free(mem);
            return NULL;
        }
        p->owned = owned;
        p->owned_cap = cap;
    }
    p->owned[p->nowned++] = mem;
    return mem;
}

static const char *fk__copy(fk_paper *p, const char *s)
{
    return fk__own(p, fk_strdup(s != NULL ? s : ""));
}

static fk_paper_block *fk__push(fk_paper *p, fk_paper_kind kind)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        fk_paper_block *b = fk_realloc(p->blocks, cap * sizeof *b);
        if (b == NULL)
            return NULL;
        p->blocks = b;
        p->cap = cap;
    }
    fk_paper_block *b = &p->blocks[p->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static fk_status fk__text_block(fk_paper *p, fk_paper_kind kind, const char *text)
{
    const char *t = fk__copy(p, text);
    fk_paper_block *b = t ? fk__push(p, kind) : NULL;
    if (b == NULL)
        return FK_ENOMEM;
    b->text = t;
    return FK_OK;
}

fk_status fk_paper_title(fk_paper *p, const char *text)
{
    return fk__text_block(p, FK_PAPER_TITLE, text);
}

fk_status fk_paper_heading(fk_paper *p, const char *text)
{
    return fk__text_block(p, FK_PAPER_HEADING, text);
}

fk_status fk_paper_paragraph(fk_paper *p, const char *text)
{
    return fk__text_block(p, FK_PAPER_PARAGRAPH, text);
}

fk_status fk_paper_keyvalue(fk_paper *p, const char *key, const char *value)
{
    const char *k = fk__copy(p, key), *v = fk__copy(p, value);
    fk_paper_block *b = k && v ? fk__push(p, FK_PAPER_KEYVALUE) : NULL;
    if (b == NULL)
        return FK_ENOMEM;
    b->text = k;
    b->value = v;
    return FK_OK;
}

fk_status fk_paper_table(fk_paper *p, size_t ncols, const char *const *columns,
                         const double *widths, size_t nrows, const char *const *cells)
{
    if (ncols == 0 || ncols > 32)
        return FK_EINVAL;
    const char **cols = fk__own(p, fk_calloc(ncols, sizeof *cols));
    const char **cs = fk__own(p, fk_calloc(nrows * ncols + 1, sizeof *cs));
    double *w = widths ? fk__own(p, fk_calloc(ncols, sizeof *w)) : NULL;
    if (cols == NULL || cs == NULL || (widths != NULL && w == NULL))
        return FK_ENOMEM;
    for (size_t c = 0; c < ncols; c++) {
        cols[c] = fk__copy(p, columns[c]);
        if (cols[c] == NULL)
            return FK_ENOMEM;
        if (w != NULL)
            w[c] = widths[c];
    }
    for (size_t i = 0; i < nrows * ncols; i++)
        if ((cs[i] = fk__copy(p, cells[i])) == NULL)
            return FK_ENOMEM;
    fk_paper_block *b = fk__push(p, FK_PAPER_TABLE);
    if (b == NULL)
        return FK_ENOMEM;
    b->ncols = ncols;
    b->nrows = nrows;
    b->columns = cols;
    b->cells = cs;
    b->widths = w;
    return FK_OK;
}

fk_status fk_paper_space(fk_paper *p, double mm)
{
    fk_paper_block *b = fk__push(p, FK_PAPER_SPACE);
    if (b == NULL)
        return FK_ENOMEM;
    b->mm = mm;
    return FK_OK;
}

fk_status fk_paper_qr(fk_paper *p, const char *text, const char *caption)
{
    QRcode *qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (qr == NULL)
        return FK_EINVAL;
    size_t n = (size_t)qr->width * (size_t)qr->width;
    unsigned char *m = fk__own(p, fk_malloc(n));
    const char *t = fk__copy(p, caption), *v = fk__copy(p, text);
    fk_paper_block *b = m && t && v ? fk__push(p, FK_PAPER_QR) : NULL;
    if (b == NULL) {
        QRcode_free(qr);
        return FK_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        m[i] = qr->data[i] & 1; /* bit 0 of each byte: dark module */
    b->modules = m;
    b->width = qr->width;
    b->text = t;
    b->value = v;
    b->mm = 0.7;
    QRcode_free(qr);
    return FK_OK;
}

fk_status fk_paper_seals(fk_paper *p, const char *left, const char *right)
{
    static const double widths[] = {85, 85};
    const char *columns[] = {left, right};
    /* Four empty lines make a box tall enough for a name and a seal. */
    const char *cells[] = {"氏名\n\n\n\n印", "氏名\n\n\n\n印"};
    return fk_paper_table(p, 2, columns, widths, 1, cells);
}

fk_status fk_paper_set_footer(fk_paper *p, const char *text)
{
    char *f = fk_strdup(text);
    if (f == NULL)
        return FK_ENOMEM;
    fk_free(p->footer);
    p->footer = f;
    return FK_OK;
}

const char *fk_paper_footer(const fk_paper *p)
{
    return p->footer;
}

size_t fk_paper_count(const fk_paper *p)
{
    return p->n;
}

const fk_paper_block *fk_paper_block_at(const fk_paper *p, size_t i)
{
    return i < p->n ? &p->blocks[i] : NULL;
}

static fk_status fk__text_table(const fk_paper_block *b, fk_buf *out)
{
    fk_status s = FK_OK;
    for (size_t r = 0; s == FK_OK && r <= b->nrows; r++) {
        const char *const *row = r == 0 ? b->columns : b->cells + (r - 1) * b->ncols;
        for (size_t c = 0; s == FK_OK && c < b->ncols; c++) {
            for (const char *q = row[c]; s == FK_OK && *q; q++)
                s = fk_buf_append_byte(out, *q == '\n' || *q == '\t' ? ' ' : (unsigned char)*q);
            if (s == FK_OK)
                s = fk_buf_append_byte(out, c + 1 == b->ncols ? '\n' : '\t');
        }
    }
    return s == FK_OK ? fk_buf_append_byte(out, '\n') : s;
}

fk_status fk_paper_text(const fk_paper *p, fk_buf *out)
{
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < p->n; i++) {
        const fk_paper_block *b = &p->blocks[i];
        switch (b->kind) {
        case FK_PAPER_TITLE:
            s = fk_buf_appendf(out, "%s\n\n", b->text);
            break;
        case FK_PAPER_HEADING:
            s = fk_buf_appendf(out, "\n■ %s\n", b->text);
            break;
        case FK_PAPER_PARAGRAPH:
            s = fk_buf_appendf(out, "%s\n\n", b->text);
            break;
        case FK_PAPER_KEYVALUE:
            s = fk_buf_appendf(out, "%s: %s\n", b->text, b->value);
            break;
        case FK_PAPER_TABLE:
            s = fk__text_table(b, out);
            break;
        case FK_PAPER_QR:
            s = fk_buf_appendf(out, "[QR] %s: %s\n", b->text, b->value);
            break;
        case FK_PAPER_SPACE:
            break;
        }
    }
    if (s == FK_OK && p->footer != NULL)
        s = fk_buf_appendf(out, "\n%s\n", p->footer);
    return s;
}
