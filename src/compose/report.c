/* Report writer: see report.h. */
#include "compose-private.h"
#include "report.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FK__PAGE_W  210.0
#define FK__PAGE_H  297.0
#define FK__MARGIN  20.0
#define FK__BOTTOM  (FK__PAGE_H - 22.0) /* last line of content */
#define FK__LEADING 1.5

struct fk_report {
    fk__fontset *fonts;
    cairo_surface_t *pdf;
    cairo_t *cr;
    double y; /* mm from the top: where the next block starts */
    int page;
    bool page_open;
    char *footer;
    fk__shaped shaped;
    fk__line *lines;
    size_t nlines, lines_cap;
    int fd;
    fk_doc_write_fn fn;
    void *closure;
    fk_status write_status;
};

static cairo_status_t fk__report_write(void *closure, const unsigned char *data, unsigned int len)
{
    fk_report *r = closure;
    if (r->write_status != FK_OK)
        return CAIRO_STATUS_WRITE_ERROR;
    if (r->fn != NULL) {
        r->write_status = r->fn(r->closure, data, len);
    } else if (fk_fs_write_all(r->fd, data, len) != 0) {
        r->write_status = FK_EIO;
    }
    return r->write_status == FK_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void fk__report_free(fk_report *r)
{
    if (r->cr != NULL)
        cairo_destroy(r->cr);
    if (r->pdf != NULL)
        cairo_surface_destroy(r->pdf);
    fk__fontset_free(r->fonts);
    fk__shaped_free(&r->shaped);
    fk_free(r->lines);
    fk_free(r->footer);
    if (r->fd >= 0)
        close(r->fd);
    fk_free(r);
}

static fk_report *fk__report_new(int fd, fk_doc_write_fn fn, void *closure, fk_err *err)
{
    fk_report *r = fk_calloc(1, sizeof *r);
    if (r == NULL) {
        if (fd >= 0)
            close(fd);
        fk_failf(err, FK_ENOMEM, _("out of memory"));
        return NULL;
    }
    r->fd = fd;
    r->fn = fn;
    r->closure = closure;
    fk__shaped_init(&r->shaped);
    if (fk__fontset_new(&r->fonts, err) != FK_OK) {
        fk__report_free(r);
        return NULL;
    }
    r->pdf = cairo_pdf_surface_create_for_stream(fk__report_write, r, FK__PAGE_W * FK_MM_TO_PT,
                                                 FK__PAGE_H * FK_MM_TO_PT);
    cairo_pdf_surface_set_metadata(r->pdf, CAIRO_PDF_METADATA_CREATOR, "fukan");
    r->cr = cairo_create(r->pdf);
    if (cairo_status(r->cr) != CAIRO_STATUS_SUCCESS) {
        fk__report_free(r);
        fk_failf(err, FK_ENOMEM, _("cannot create a PDF surface"));
        return NULL;
    }
    r->y = FK__MARGIN;
    return r;
}

fk_report *fk_report_new(const char *pdf_path, fk_err *err)
{
    int fd = open(pdf_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fk_failf(err, FK_EIO, "%s: %s", pdf_path, strerror(errno));
        return NULL;
    }
    return fk__report_new(fd, NULL, NULL, err);
}

fk_report *fk_report_new_stream(fk_doc_write_fn fn, void *closure, fk_err *err)
{
    return fk__report_new(-1, fn, closure, err);
}

fk_status fk_report_set_footer(fk_report *r, const char *text, fk_err *err)
{
    char *copy = fk_strdup(text);
    if (copy == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    fk_free(r->footer);
    r->footer = copy;
    return FK_OK;
}

/* Draws one line of text at x (mm), top y (mm). */
static fk_status fk__line_at(fk_report *r, fk__font_id font, const char *text, size_t len, double x,
                             double y, double size, fk__align align, double width)
{
    fk_status s = fk__shape(r->fonts, font, text, len, &r->shaped);
    if (s != FK_OK)
        return s;
    double px = x * FK_MM_TO_PT, tw = r->shaped.width * size;
    if (align == FK_ALIGN_CENTER)
        px += (width * FK_MM_TO_PT - tw) / 2;
    else if (align == FK_ALIGN_RIGHT)
        px += width * FK_MM_TO_PT - tw;
    cairo_set_source_rgb(r->cr, 0, 0, 0);
    fk__shaped_draw(r->fonts, &r->shaped, r->cr, px, y * FK_MM_TO_PT + 0.88 * size, size);
    return FK_OK;
}

static fk_status fk__end_page(fk_report *r)
{
    if (!r->page_open)
        return FK_OK;
    char num[32];
    snprintf(num, sizeof num, "%d", r->page);
    double y = FK__PAGE_H - 14;
    fk_status s = fk__line_at(r, FK_FONT_GOTHIC, num, strlen(num), FK__MARGIN, y, 9, FK_ALIGN_RIGHT,
                              FK__PAGE_W - 2 * FK__MARGIN);
    if (s == FK_OK && r->footer != NULL)
        s = fk__line_at(r, FK_FONT_GOTHIC, r->footer, strlen(r->footer), FK__MARGIN, y, 8,
                        FK_ALIGN_LEFT, 0);
    cairo_show_page(r->cr);
    r->page_open = false;
    r->y = FK__MARGIN;
    return s;
}

/* Makes room for h mm, starting a new page when needed. */
static fk_status fk__room(fk_report *r, double h)
{
    if (r->page_open && r->y + h > FK__BOTTOM) {
        fk_status s = fk__end_page(r);
        if (s != FK_OK)
            return s;
    }
    if (!r->page_open) {
        r->page_open = true;
        r->page++;
        r->y = FK__MARGIN;
    }
    return FK_OK;
}

static fk_status fk__fail(fk_report *r, fk_status s, const char *what, fk_err *err)
{
    if (s == FK_EFINDING)
        return fk_failf(err, s, _("%s: character U+%04X not in any configured font"), what,
                        (unsigned)r->shaped.missing);
    return fk_failf(err, s, "%s: %s", what, fk_strerror(s));
}

/* Breaks text to width mm at size; the lines are in r->lines. */
static fk_status fk__wrap(fk_report *r, fk__font_id font, const char *text, double width,
                          double size)
{
    return fk__break_lines(r->fonts, font, text, strlen(text), width * FK_MM_TO_PT / size,
                           /*by_blocks*/ false, &r->shaped, &r->lines, &r->nlines, &r->lines_cap);
}

static fk_status fk__block(fk_report *r, fk__font_id font, const char *text, double x, double width,
                           double size, fk__align align, double after, const char *what,
                           fk_err *err)
{
    fk_status s = fk__wrap(r, font, text, width, size);
    double lh = size * FK__LEADING / FK_MM_TO_PT;
    for (size_t i = 0; s == FK_OK && i < r->nlines; i++) {
        fk__line l = r->lines[i];
        if ((s = fk__room(r, lh)) != FK_OK)
            break;
        s = fk__line_at(r, font, text + l.start, l.len, x, r->y, size, align, width);
        r->y += lh;
    }
    if (s != FK_OK)
        return fk__fail(r, s, what, err);
    r->y += after;
    return FK_OK;
}

fk_status fk_report_title(fk_report *r, const char *text, fk_err *err)
{
    return fk__block(r, FK_FONT_GOTHIC_BOLD, text, FK__MARGIN, FK__PAGE_W - 2 * FK__MARGIN, 16,
                     FK_ALIGN_CENTER, 6, "title", err);
}

fk_status fk_report_heading(fk_report *r, const char *text, fk_err *err)
{
    fk_status s = fk__room(r, 20);
    if (s != FK_OK)
        return fk__fail(r, s, "heading", err);
    r->y += 2;
    return fk__block(r, FK_FONT_GOTHIC_BOLD, text, FK__MARGIN, FK__PAGE_W - 2 * FK__MARGIN, 12,
                     FK_ALIGN_LEFT, 2, "heading", err);
}

fk_status fk_report_paragraph(fk_report *r, const char *text, fk_err *err)
{
    return fk__block(r, FK_FONT_MINCHO, text, FK__MARGIN, FK__PAGE_W - 2 * FK__MARGIN, 10.5,
                     FK_ALIGN_LEFT, 3, "paragraph", err);
}

fk_status fk_report_keyvalue(fk_report *r, const char *key, const char *value, fk_err *err)
{
    double top = r->y;
    int page = r->page;
    fk_status s =
        fk__block(r, FK_FONT_GOTHIC_BOLD, key, FK__MARGIN, 43, 10.5, FK_ALIGN_LEFT, 0, "key", err);
    if (s != FK_OK)
        return s;
    double key_end = r->y;
    if (r->page == page)
        r->y = top;
    s = fk__block(r, FK_FONT_GOTHIC, value, FK__MARGIN + 45, FK__PAGE_W - 2 * FK__MARGIN - 45, 10.5,
                  FK_ALIGN_LEFT, 0, "value", err);
    if (r->y < key_end)
        r->y = key_end;
    r->y += 1;
    return s;
}

fk_status fk_report_matrix(fk_report *r, const unsigned char *modules, int width, double module_mm,
                           const char *caption, fk_err *err)
{
    if (width <= 0 || width > 200 || module_mm <= 0)
        return fk_failf(err, FK_EINVAL, _("matrix: bad size"));
    /* A quiet zone of four modules on every side, as QR readers need. */
    double side = (width + 8) * module_mm;
    fk_status s = fk__room(r, side);
    if (s != FK_OK)
        return fk__fail(r, s, "matrix", err);
    double x0 = FK__MARGIN + 4 * module_mm, y0 = r->y + 4 * module_mm;
    cairo_set_source_rgb(r->cr, 0, 0, 0);
    for (int y = 0; y < width; y++)
        for (int x = 0; x < width; x++)
            if (modules[(size_t)y * (size_t)width + (size_t)x])
                cairo_rectangle(r->cr, (x0 + x * module_mm) * FK_MM_TO_PT,
                                (y0 + y * module_mm) * FK_MM_TO_PT, module_mm * FK_MM_TO_PT,
                                module_mm * FK_MM_TO_PT);
    cairo_fill(r->cr);
    double top = r->y;
    if (caption != NULL && caption[0] != '\0') {
        double x = FK__MARGIN + side + 4;
        r->y = top + side / 2 - 3;
        s = fk__block(r, FK_FONT_GOTHIC, caption, x, FK__PAGE_W - FK__MARGIN - x, 9, FK_ALIGN_LEFT,
                      0, "matrix caption", err);
        if (s != FK_OK)
            return s;
    }
    r->y = top + side + 2;
    return FK_OK;
}

void fk_report_space(fk_report *r, double mm)
{
    r->y += mm;
}

/* Height of a row in mm when its cells wrap at their widths. */
static fk_status fk__row_height(fk_report *r, size_t ncols, const char *const *cells,
                                const double *w, fk__font_id font, double size, double *h)
{
    size_t most = 1;
    for (size_t c = 0; c < ncols; c++) {
        fk_status s = fk__wrap(r, font, cells[c] != NULL ? cells[c] : "", w[c] - 2, size);
        if (s != FK_OK)
            return s;
        if (r->nlines > most)
            most = r->nlines;
    }
    *h = (double)most * size * 1.3 / FK_MM_TO_PT + 2;
    return FK_OK;
}

static fk_status fk__row(fk_report *r, size_t ncols, const char *const *cells, const double *w,
                         bool header, double h)
{
    fk__font_id font = header ? FK_FONT_GOTHIC_BOLD : FK_FONT_GOTHIC;
    const double size = 9;
    double x = FK__MARGIN, total = 0;
    for (size_t c = 0; c < ncols; c++)
        total += w[c];
    cairo_t *cr = r->cr;
    cairo_rectangle(cr, x * FK_MM_TO_PT, r->y * FK_MM_TO_PT, total * FK_MM_TO_PT, h * FK_MM_TO_PT);
    if (header) {
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_fill_preserve(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.25 * FK_MM_TO_PT);
    cairo_stroke(cr);
    for (size_t c = 0; c < ncols; c++) {
        if (c > 0) {
            cairo_move_to(cr, x * FK_MM_TO_PT, r->y * FK_MM_TO_PT);
            cairo_line_to(cr, x * FK_MM_TO_PT, (r->y + h) * FK_MM_TO_PT);
            cairo_stroke(cr);
        }
        const char *text = cells[c] != NULL ? cells[c] : "";
        fk_status s = fk__wrap(r, font, text, w[c] - 2, size);
        for (size_t i = 0; s == FK_OK && i < r->nlines; i++) {
            fk__line l = r->lines[i];
            s = fk__line_at(r, font, text + l.start, l.len, x + 1,
                            r->y + 1 + (double)i * size * 1.3 / FK_MM_TO_PT, size,
                            header ? FK_ALIGN_CENTER : FK_ALIGN_LEFT, w[c] - 2);
        }
        if (s != FK_OK)
            return s;
        x += w[c];
    }
    r->y += h;
    return FK_OK;
}

fk_status fk_report_table(fk_report *r, size_t ncols, const char *const *columns,
                          const double *widths, size_t nrows, const char *const *cells, fk_err *err)
{
    double w[32];
    if (ncols == 0 || ncols > 32)
        return fk_failf(err, FK_EINVAL, _("a table has 1 to 32 columns"));
    for (size_t c = 0; c < ncols; c++)
        w[c] = widths != NULL ? widths[c] : (FK__PAGE_W - 2 * FK__MARGIN) / (double)ncols;
    double hh;
    fk_status s = fk__row_height(r, ncols, columns, w, FK_FONT_GOTHIC_BOLD, 9, &hh);
    if (s == FK_OK)
        s = fk__room(r, 2 * hh);
    if (s == FK_OK)
        s = fk__row(r, ncols, columns, w, true, hh);
    for (size_t i = 0; s == FK_OK && i < nrows; i++) {
        const char *const *row = cells + i * ncols;
        double h;
        s = fk__row_height(r, ncols, row, w, FK_FONT_GOTHIC, 9, &h);
        if (s != FK_OK)
            break;
        int page = r->page;
        if ((s = fk__room(r, h)) != FK_OK)
            break;
        if (r->page != page)
            s = fk__row(r, ncols, columns, w, true, hh);
        if (s == FK_OK)
            s = fk__row(r, ncols, row, w, false, h);
    }
    if (s != FK_OK)
        return fk__fail(r, s, "table", err);
    r->y += 4;
    return FK_OK;
}

fk_status fk_report_close(fk_report *r, fk_err *err)
{
    if (r == NULL)
        return FK_OK;
    fk_status s = FK_OK;
    if (r->page == 0)
        s = fk__room(r, 0); /* an empty report still has one page */
    if (s == FK_OK)
        s = fk__end_page(r);
    cairo_destroy(r->cr);
    r->cr = NULL;
    cairo_surface_finish(r->pdf);
    if (s != FK_OK)
        s = fk__fail(r, s, "footer", err);
    else if (cairo_surface_status(r->pdf) != CAIRO_STATUS_SUCCESS || r->write_status != FK_OK)
        s = fk_failf(err, FK_EIO, _("the PDF could not be written"));
    if (s == FK_OK && r->fd >= 0 && fsync(r->fd) != 0)
        s = fk_failf(err, FK_EIO, _("the PDF could not be synced: %s"), strerror(errno));
    fk__report_free(r);
    return s;
}
