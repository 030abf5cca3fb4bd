/* The document writer: see doc.h. */
#include "compose-private.h"
#include "doc.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"
#include "postal/custbar.h"

#include <math.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FK__TEXT_MAX (64 * 1024)
#define FK__ASCENT   0.88 /* baseline below the top of a line, as a fraction of the size */

/* The layout of one variable element for the current sheet. */
typedef struct fk__slot {
    fk_buf text;
    fk__shaped shaped;
    double size;
    fk__line *lines;
    size_t nlines, lines_cap;
    fk__shaped *line_shapes; /* a paragraph's lines, shaped */
    size_t line_shapes_cap;
    cairo_surface_t *code; /* an encoded DataMatrix or barcode, or NULL */
} fk__slot;

/* A template in use by the writer, with its recorded fixed content and per-sheet state. */
typedef struct fk__form {
    const fk_template *t;
    size_t statics;  /* the form holding the template's fixed content */
    fk__slot *slots; /* one per element (used for variable ones) */
} fk__form;

#define FK__MAX_FORMS 8

struct fk_doc_writer {
    fk__form forms[FK__MAX_FORMS];
    size_t nforms;
    const fk__fontset *fonts; /* the first template's; every template loads the same fonts */
    fk__pdf *pdf;
    char *watermark;
    fk__shaped watermark_shape;
    fk__shape_cache *shapes; /* every slot's shapings go through it */
    size_t sheets;
    /* Output. */
    int fd;
    fk_doc_write_fn fn;
    void *closure;
    fk_status write_status;
};

static fk_status fk__doc_write(void *closure, const unsigned char *data, size_t len)
{
    fk_doc_writer *w = closure;
    if (w->write_status != FK_OK)
        return w->write_status;
    if (w->fn != NULL) {
        w->write_status = w->fn(w->closure, data, len);
        return w->write_status;
    }
    if (fk_fs_write_all(w->fd, data, len) != 0)
        w->write_status = FK_EIO;
    return w->write_status;
}

/* Replaces each {{key}} of tmpl by its value (absent keys print nothing). */
fk_status fk__expand(const char *tmpl, const fk_fields *f, fk_buf *out)
{
    fk_buf_reset(out);
    const char *p = tmpl;
    for (;;) {
        const char *open = strstr(p, "{{");
        const char *close = open != NULL ? strstr(open + 2, "}}") : NULL;
        if (close == NULL)
            return fk_buf_append_str(out, p);
        fk_status s = fk_buf_append(out, p, (size_t)(open - p));
        char key[64];
        size_t n = (size_t)(close - open - 2);
        if (s == FK_OK && n < sizeof key) {
            memcpy(key, open + 2, n);
            key[n] = '\0';
            const char *v = f != NULL ? fk_fields_get(f, key) : NULL;
            if (v != NULL)
                s = fk_buf_append_str(out, v);
        }
        if (s != FK_OK)
            return s;
        p = close + 2;
    }
}

static const char *fk__label(const fk__elem *e)
{
    return e->label != NULL ? e->label : "text";
}

static fk_status fk__shape_failed(const fk__elem *e, fk_status s, uint32_t missing, fk_err *err)
{
    if (s == FK_EFINDING)
        return fk_failf(err, FK_EFINDING, _("%s: character U+%04X not in any configured font"),
                        fk__label(e), (unsigned)missing);
    if (s == FK_EFORMAT)
        return fk_failf(err, FK_EFINDING, _("%s: invalid UTF-8"), fk__label(e));
    return fk_failf(err, s, "%s: %s", fk__label(e), fk_strerror(s));
}

/* Shapes each line of a broken paragraph, so that drawing it cannot fail. */
static fk_status fk__shape_lines(const fk__fontset *fonts, const fk__elem *e, fk__slot *slot,
                                 fk_err *err)
{
    if (slot->nlines > slot->line_shapes_cap) {
        fk__shaped *p = fk_realloc(slot->line_shapes, slot->nlines * sizeof *p);
        if (p == NULL)
            return fk_failf(err, FK_ENOMEM, _("%s: out of memory"), fk__label(e));
        for (size_t k = slot->line_shapes_cap; k < slot->nlines; k++) {
            fk__shaped_init(&p[k]);
            p[k].cache = slot->shaped.cache;
        }
        slot->line_shapes = p;
        slot->line_shapes_cap = slot->nlines;
    }
    const char *text = fk_buf_cstr(&slot->text);
    /* A paragraph on one line was shaped whole by the line breaking: no need to again. */
    if (slot->nlines == 1 && slot->lines[0].start == 0 && slot->lines[0].len == slot->text.len &&
        slot->shaped.utf8 == text && slot->shaped.len == slot->text.len)
        return fk__shaped_copy(&slot->line_shapes[0], &slot->shaped)
                   ? FK_OK
                   : fk_failf(err, FK_ENOMEM, _("%s: out of memory"), fk__label(e));
    for (size_t i = 0; i < slot->nlines; i++) {
        const fk__line *l = &slot->lines[i];
        fk_status s = fk__shape(fonts, e->font, text + l->start, l->len, &slot->line_shapes[i]);
        if (s != FK_OK)
            return fk__shape_failed(e, s, slot->line_shapes[i].missing, err);
    }
    return FK_OK;
}

/* Lays out one text or paragraph element whose text is in slot->text. */
static fk_status fk__layout(const fk__fontset *fonts, const fk__elem *e, fk__slot *slot,
                            fk_err *err)
{
    const char *text = fk_buf_cstr(&slot->text);
    size_t len = slot->text.len;
    double width = e->w * FK_MM_TO_PT;
    if (e->kind == FK_EL_TEXT) {
        fk_status s = fk__shape(fonts, e->font, text, len, &slot->shaped);
        if (s != FK_OK)
            return fk__shape_failed(e, s, slot->shaped.missing, err);
        slot->size = e->size;
        if (slot->shaped.width * e->size > width) {
            slot->size = width / slot->shaped.width;
            if (slot->size < e->min_size - 1e-9)
                return fk_failf(err, FK_EFINDING,
                                _("%s: text does not fit in %.1f mm even at %.1f pt"), fk__label(e),
                                e->w, e->min_size);
        }
        return FK_OK;
    }
    double height = e->h > 0 ? e->h * FK_MM_TO_PT : 1e9;
    for (double size = e->size; size >= e->min_size - 1e-9; size -= 0.25) {
        fk_status s = fk__break_lines(fonts, e->font, text, len, width / size, e->is_address,
                                      &slot->shaped, &slot->lines, &slot->nlines, &slot->lines_cap);
        if (s != FK_OK)
            return fk__shape_failed(e, s, slot->shaped.missing, err);
        double need = slot->nlines == 0 ? 0 : ((double)slot->nlines - 1) * e->leading * size + size;
        if (need <= height + 1e-9) {
            slot->size = size;
            return fk__shape_lines(fonts, e, slot, err);
        }
    }
    return fk_failf(err, FK_EFINDING,
                    _("%s: paragraph does not fit in %.1f × %.1f mm even at %.1f pt (%zu lines)"),
                    fk__label(e), e->w, e->h, e->min_size, slot->nlines);
}

static double fk__aligned_x(const fk__elem *e, double text_width)
{
    double x = e->x * FK_MM_TO_PT, w = e->w * FK_MM_TO_PT;
    if (e->align == FK_ALIGN_CENTER)
        return x + (w - text_width) / 2;
    if (e->align == FK_ALIGN_RIGHT)
        return x + w - text_width;
    return x;
}

/* Draws a laid-out text or paragraph element. */
static void fk__draw_text(fk_doc_writer *w, const fk__elem *e, fk__slot *slot)
{
    double top = e->y * FK_MM_TO_PT;
    if (e->kind == FK_EL_TEXT) {
        double x = fk__aligned_x(e, slot->shaped.width * slot->size);
        fk__pdf_text(w->pdf, &slot->shaped, x, top + FK__ASCENT * slot->size, slot->size);
        return;
    }
    for (size_t i = 0; i < slot->nlines; i++) {
        fk__shaped *line = &slot->line_shapes[i];
        if (line->nglyphs == 0)
            continue;
        double x = fk__aligned_x(e, line->width * slot->size);
        double y = top + FK__ASCENT * slot->size + (double)i * e->leading * slot->size;
        fk__pdf_text(w->pdf, line, x, y, slot->size);
    }
}

static void fk__draw_shape(fk__pdf *p, const fk__elem *e)
{
    double lw = e->line_width * FK_MM_TO_PT;
    if (e->kind == FK_EL_LINE) {
        fk__pdf_op(p, "q %f w 0 G %f %f m %f %f l S Q", lw, e->x * FK_MM_TO_PT, e->y * FK_MM_TO_PT,
                   e->x2 * FK_MM_TO_PT, e->y2 * FK_MM_TO_PT);
        return;
    }
    if (e->fill < 0 && !e->stroke)
        return;
    const char *paint = e->fill < 0 ? "S" : e->stroke ? "B" : "f";
    fk__pdf_op(p, "q %f w 0 G %f g %f %f %f %f re %s Q", lw, e->fill < 0 ? 0.0 : e->fill,
               e->x * FK_MM_TO_PT, e->y * FK_MM_TO_PT, e->w * FK_MM_TO_PT, e->h * FK_MM_TO_PT,
               paint);
}

static fk_status fk__draw_image(fk__pdf *p, const fk__elem *e, fk_err *err)
{
    size_t index;
    fk_status s = fk__pdf_image_png(p, e->file, &index);
    if (s == FK_EFORMAT)
        return fk_failf(err, FK_EFORMAT, _("%s: not a readable PNG image"), e->file);
    if (s != FK_OK)
        return fk_failf(err, s, "%s: %s", e->file, fk_strerror(s));
    /* An image fills the unit square upwards: flipped so that its first row is at the top. */
    double w = e->w * FK_MM_TO_PT, h = e->h * FK_MM_TO_PT;
    fk__pdf_op(p, "q %f 0 0 %f %f %f cm /Im%z Do Q", w, -h, e->x * FK_MM_TO_PT,
               e->y * FK_MM_TO_PT + h, index);
    return FK_OK;
}

/* Records the template's fixed content once; every sheet paints it as one form object. */
static fk_status fk__record_statics(fk_doc_writer *w, fk__form *l, fk_err *err)
{
    const fk_template *t = l->t;
    fk__pdf_content_begin(w->pdf);
    fk__pdf_op(w->pdf, "0 g");
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < t->nels; i++) {
        const fk__elem *e = &t->els[i];
        if (!e->is_static)
            continue;
        switch (e->kind) {
        case FK_EL_TEXT:
        case FK_EL_PARAGRAPH: {
            fk__slot *slot = &l->slots[i];
            s = fk__expand(e->text, NULL, &slot->text);
            if (s == FK_OK && (s = fk__layout(t->fonts, e, slot, err)) != FK_OK) {
                char why[FK_ERR_MSG_MAX];
                snprintf(why, sizeof why, "%s", err->msg);
                s = fk_failf(err, FK_EFORMAT, "%s:%d:%d: %s", t->path, e->line, e->col, why);
            }
            if (s == FK_OK)
                fk__draw_text(w, e, slot);
            break;
        }
        case FK_EL_LINE:
        case FK_EL_BOX:
            fk__draw_shape(w->pdf, e);
            break;
        case FK_EL_IMAGE:
            s = fk__draw_image(w->pdf, e, err);
            break;
        default:
            break;
        }
    }
    if (s != FK_OK)
        return s;
    s = fk__pdf_form_end(w->pdf, t->page_w * FK_MM_TO_PT, t->page_h * FK_MM_TO_PT, &l->statics);
    if (s != FK_OK)
        return fk_failf(err, s, _("cannot write the template's fixed content: %s"), fk_strerror(s));
    return FK_OK;
}

static void fk__form_free(fk__form *l)
{
    for (size_t i = 0; l->slots != NULL && i < l->t->nels; i++) {
        fk__slot *slot = &l->slots[i];
        if (slot->text.data != NULL)
            explicit_bzero(slot->text.data, slot->text.cap);
        fk_buf_free(&slot->text);
        fk__shaped_free(&slot->shaped);
        fk_free(slot->lines);
        for (size_t k = 0; k < slot->line_shapes_cap; k++)
            fk__shaped_free(&slot->line_shapes[k]);
        fk_free(slot->line_shapes);
        if (slot->code != NULL)
            cairo_surface_destroy(slot->code);
    }
    fk_free(l->slots);
}

static void fk__writer_free(fk_doc_writer *w)
{
    for (size_t i = 0; i < w->nforms; i++)
        fk__form_free(&w->forms[i]);
    fk__pdf_free(w->pdf);
    fk__shaped_free(&w->watermark_shape);
    fk__shape_cache_free(w->shapes);
    fk_free(w->watermark);
    if (w->fd >= 0)
        close(w->fd);
    fk_free(w);
}

fk_status fk_doc_writer_add_template(fk_doc_writer *w, const fk_template *t, size_t *index,
                                     fk_err *err)
{
    if (w->nforms == FK__MAX_FORMS)
        return fk_failf(err, FK_ETOOBIG, _("a print file uses at most %d templates"),
                        FK__MAX_FORMS);
    fk__form *l = &w->forms[w->nforms];
    memset(l, 0, sizeof *l);
    l->t = t;
    l->slots = fk_calloc(t->nels ? t->nels : 1, sizeof *l->slots);
    if (l->slots == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    for (size_t i = 0; i < t->nels; i++) {
        fk_buf_init(&l->slots[i].text, FK__TEXT_MAX);
        fk__shaped_init(&l->slots[i].shaped);
        l->slots[i].shaped.cache = w->shapes;
    }
    /* Counted before recording, so that a failure is cleaned up with the writer. */
    w->nforms++;
    fk_status s = fk__record_statics(w, l, err);
    if (s != FK_OK) {
        fk__form_free(l);
        w->nforms--;
        return s;
    }
    if (index != NULL)
        *index = w->nforms - 1;
    return FK_OK;
}

static fk_doc_writer *fk__writer_new(int fd, fk_doc_write_fn fn, void *closure,
                                     const fk_template *t, fk_err *err)
{
    fk_doc_writer *w = fk_calloc(1, sizeof *w);
    if (w == NULL) {
        if (fd >= 0)
            close(fd);
        fk_failf(err, FK_ENOMEM, _("out of memory"));
        return NULL;
    }
    w->fonts = t->fonts;
    w->fd = fd;
    w->fn = fn;
    w->closure = closure;
    fk__shaped_init(&w->watermark_shape);
    w->pdf = fk__pdf_new(t->fonts, fk__doc_write, w);
    w->shapes = fk__shape_cache_new();
    if (w->pdf == NULL || w->shapes == NULL) {
        fk__writer_free(w);
        fk_failf(err, FK_ENOMEM, _("out of memory"));
        return NULL;
    }
    if (fk_doc_writer_add_template(w, t, NULL, err) != FK_OK) {
        fk__writer_free(w);
        return NULL;
    }
    return w;
}

fk_doc_writer *fk_doc_writer_new(const char *pdf_path, const fk_template *t, fk_err *err)
{
    int fd = open(pdf_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fk_failf(err, FK_EIO, "%s: %s", pdf_path, strerror(errno));
        return NULL;
    }
    return fk__writer_new(fd, NULL, NULL, t, err);
}

fk_doc_writer *fk_doc_writer_new_stream(fk_doc_write_fn fn, void *closure, const fk_template *t,
                                        fk_err *err)
{
    return fk__writer_new(-1, fn, closure, t, err);
}

fk_status fk_doc_writer_set_watermark(fk_doc_writer *w, const char *text, fk_err *err)
{
    char *copy = fk_strdup(text);
    if (copy == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    fk_status s = fk__shape(w->fonts, FK_FONT_GOTHIC_BOLD, copy, strlen(copy), &w->watermark_shape);
    if (s != FK_OK) {
        fk_free(copy);
        return fk_failf(err, FK_EINVAL, _("watermark cannot be shown with the configured fonts"));
    }
    fk_free(w->watermark);
    w->watermark = copy;
    return FK_OK;
}

/* Lays out the sheet of template number index; add_sheet_as draws what this prepared. */
static fk_status fk__check_sheet_as(fk_doc_writer *w, size_t index, const fk_fields *fields,
                                    fk_err *err)
{
    if (index >= w->nforms)
        return fk_failf(err, FK_EINVAL, _("template %zu not added to the writer"), index);
    fk__form *l = &w->forms[index];
    const fk_template *t = l->t;
    for (size_t i = 0; i < t->nels; i++) {
        const fk__elem *e = &t->els[i];
        if (e->is_static)
            continue;
        fk__slot *slot = &l->slots[i];
        fk_status s;
        switch (e->kind) {
        case FK_EL_TEXT:
        case FK_EL_PARAGRAPH:
            s = fk__expand(e->text, fields, &slot->text);
            if (s != FK_OK)
                return fk_failf(err, s, "%s: %s", fk__label(e), fk_strerror(s));
            s = fk__layout(t->fonts, e, slot, err);
            if (s != FK_OK)
                return s;
            break;
        case FK_EL_DATAMATRIX:
        case FK_EL_BARCODE: {
            const char *v = fk_fields_get(fields, e->field);
            if (slot->code != NULL) {
                cairo_surface_destroy(slot->code);
                slot->code = NULL;
            }
            bool is_dm = e->kind == FK_EL_DATAMATRIX;
            /* An empty barcode field means no barcode (a town's catch-all postal code). */
            if (!is_dm && (v == NULL || v[0] == '\0'))
                break;
            s = is_dm ? fk__datamatrix_encode(v != NULL ? v : "", &slot->code)
                      : fk__barcode_encode(v, &slot->code);
            if (s == FK_EINVAL)
                return fk_failf(err, s,
                                is_dm ? _("%s: DataMatrix payload missing, too long or not"
                                          " encodable")
                                      : _("%s: not 67 bar types (L, A, D, T)"),
                                e->field);
            if (s != FK_OK)
                return fk_failf(err, s, "%s: %s", e->field, fk_strerror(s));
            break;
        }
        default:
            break;
        }
    }
    return FK_OK;
}

static void fk__draw_watermark(fk_doc_writer *w, const fk_template *t)
{
    double pw = t->page_w * FK_MM_TO_PT, ph = t->page_h * FK_MM_TO_PT;
    double size = 0.6 * pw / (w->watermark_shape.width > 0 ? w->watermark_shape.width : 1);
    /* Turned 0.6 rad upwards, in light translucent red (GS0: a quarter opaque). */
    const double c = cos(-0.6), sn = sin(-0.6);
    fk__pdf_op(w->pdf, "q /GS0 gs 0.85 0.1 0.1 rg %f %f %f %f %f %f cm", c, sn, -sn, c, pw / 2,
               ph / 2);
    fk__pdf_text(w->pdf, &w->watermark_shape, -w->watermark_shape.width * size / 2, size * 0.35,
                 size);
    fk__pdf_op(w->pdf, "Q");
}

fk_status fk_doc_writer_check_sheet(fk_doc_writer *w, const fk_fields *fields, fk_err *err)
{
    return fk__check_sheet_as(w, 0, fields, err);
}

fk_status fk_doc_writer_add_sheet_as(fk_doc_writer *w, size_t index, const fk_fields *fields,
                                     fk_err *err)
{
    fk_status s = fk__check_sheet_as(w, index, fields, err);
    if (s != FK_OK)
        return s;
    fk__form *l = &w->forms[index];
    const fk_template *t = l->t;
    double pw = t->page_w * FK_MM_TO_PT, ph = t->page_h * FK_MM_TO_PT;
    fk__pdf *p = w->pdf;
    fk__pdf_content_begin(p);
    fk__pdf_op(p, "1 0 0 -1 0 %f cm /Fm%z Do 0 g", ph, l->statics);
    for (size_t i = 0; i < t->nels; i++) {
        const fk__elem *e = &t->els[i];
        if (e->is_static)
            continue;
        switch (e->kind) {
        case FK_EL_TEXT:
        case FK_EL_PARAGRAPH:
            fk__draw_text(w, e, &l->slots[i]);
            break;
        case FK_EL_DATAMATRIX: {
            double m = e->module * FK_MM_TO_PT;
            fk__pdf_mask(p, l->slots[i].code, e->x * FK_MM_TO_PT, e->y * FK_MM_TO_PT, m, m);
            break;
        }
        case FK_EL_BARCODE:
            if (l->slots[i].code != NULL) {
                const fk_custbar_geometry g = fk_custbar_get_geometry(e->pt);
                fk__pdf_mask(p, l->slots[i].code, e->x * FK_MM_TO_PT, e->y * FK_MM_TO_PT,
                             g.width_mm * FK_MM_TO_PT, g.timing_mm * FK_MM_TO_PT);
            }
            break;
        default:
            break;
        }
    }
    if (w->watermark != NULL)
        fk__draw_watermark(w, t);
    if (fk__pdf_page_end(p, pw, ph) != FK_OK || w->write_status != FK_OK)
        return fk_failf(err, FK_EIO, _("sheet %zu: PDF output failed"), w->sheets + 1);
    w->sheets++;
    return FK_OK;
}

fk_status fk_doc_writer_add_sheet(fk_doc_writer *w, const fk_fields *fields, fk_err *err)
{
    return fk_doc_writer_add_sheet_as(w, 0, fields, err);
}

size_t fk_doc_writer_sheet_count(const fk_doc_writer *w)
{
    return w->sheets;
}

fk_status fk_doc_writer_close(fk_doc_writer *w, fk_err *err)
{
    if (w == NULL)
        return FK_OK;
    fk_status s = FK_OK;
    if (fk__pdf_finish(w->pdf) != FK_OK || w->write_status != FK_OK)
        s = fk_failf(err, FK_EIO, _("the PDF could not be written"));
    if (w->fd >= 0) {
        if (fsync(w->fd) != 0 && s == FK_OK)
            s = fk_failf(err, FK_EIO, _("the PDF could not be synced: %s"), strerror(errno));
        if (close(w->fd) != 0 && s == FK_OK)
            s = fk_failf(err, FK_EIO, _("the PDF could not be closed: %s"), strerror(errno));
        w->fd = -1;
    }
    fk__writer_free(w);
    return s;
}

fk_status fk_compose_can_render(const fk_template *t, const char *font, const char *utf8,
                                uint32_t *missing)
{
    fk__font_id id;
    *missing = 0;
    if (!fk__font_parse(font, &id))
        return FK_EINVAL;
    fk__shaped s;
    fk__shaped_init(&s);
    fk_status st = fk__shape(t->fonts, id, utf8, strlen(utf8), &s);
    *missing = s.missing;
    fk__shaped_free(&s);
    return st == FK_EFORMAT ? FK_EINVAL : st;
}
