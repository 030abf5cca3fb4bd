/*
 * Internals shared by the compose stage's files: the font set and text engine (text.c), the
 * loaded template (template.c) and the code drawing (codes.c). Nothing here leaves
 * src/compose; the public headers expose opaque types only.
 */
#ifndef FK_COMPOSE_PRIVATE_H
#define FK_COMPOSE_PRIVATE_H

#include "compose/fields.h"
#include "util/buf.h"
#include "util/err.h"

#include <cairo.h>
#include <hb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FK_MM_TO_PT (72.0 / 25.4)

/* The logical fonts a template may name; the order is the index used everywhere. */
typedef enum {
    FK_FONT_GOTHIC = 0,
    FK_FONT_GOTHIC_BOLD,
    FK_FONT_MINCHO,
    FK_FONT_FALLBACK, /* IPAmj明朝: rare name characters and variation sequences */
    FK_FONT_COUNT
} fk__font_id;

typedef struct fk__font {
    char *path;
    cairo_font_face_t *cairo_face;
    hb_font_t *hb_font;
    double upem;
} fk__font;

typedef struct fk__fontset {
    fk__font fonts[FK_FONT_COUNT];
} fk__fontset;

/* Loads every logical font through fontconfig; FK_EENV when one is not installed. */
fk_status fk__fontset_new(fk__fontset **out, fk_err *err) FK_WARN_UNUSED;
void fk__fontset_free(fk__fontset *set);

/* Parses "gothic", "gothic-bold", "mincho"; false if unknown. */
bool fk__font_parse(const char *name, fk__font_id *out);

/* One font run of shaped text: glyph positions are in em units (multiply by the size). */
typedef struct fk__segment {
    int font;
    size_t byte_start, byte_len;
    size_t glyph_start, glyph_count;
    size_t cluster_start, cluster_count;
} fk__segment;

/* Shaped text, reusable: shaping again into the same value reuses its memory. */
typedef struct fk__shaped {
    const char *utf8; /* borrowed: the text shaped last */
    size_t len;
    cairo_glyph_t *glyphs;
    size_t nglyphs, glyphs_cap;
    cairo_glyph_t *draw; /* glyphs placed on the page, rewritten by every draw */
    size_t draw_cap;
    double *adv; /* advance of each glyph, em units */
    size_t adv_cap;
    cairo_text_cluster_t *clusters;
    size_t nclusters, clusters_cap;
    fk__segment *segs;
    size_t nsegs, segs_cap;
    hb_buffer_t *buf;              /* reused by every shaping */
    double width;                  /* em units */
    uint32_t missing;              /* first code point no font has, 0 if none */
    struct fk__shape_cache *cache; /* borrowed, may be NULL: see fk__shape_cache */
    uint64_t cache_hash;           /* the cache's key of the text shaped last */
} fk__shaped;

void fk__shaped_init(fk__shaped *s);
void fk__shaped_free(fk__shaped *s);

/* Grows s's arrays for nglyphs glyphs, nsegs segments and nclusters clusters. */
bool fk__shaped_reserve(fk__shaped *s, size_t nglyphs, size_t nsegs, size_t nclusters);

/* Makes dst hold src's result (and text pointer); false when dst cannot grow. */
bool fk__shaped_copy(fk__shaped *dst, const fk__shaped *src);

/*
 * Shaped texts kept for reuse (shapecache.c). Most of a sheet's variable texts recur from
 * sheet to sheet (results, dates, counts), and a paragraph is shaped once per size tried:
 * nine in ten shapings of a print file repeat an earlier one. One cache per writer, not
 * shared between threads. fk__shape consults the cache its fk__shaped names.
 */
typedef struct fk__shape_cache fk__shape_cache;

/* An empty cache, or NULL when out of memory. Freed with fk__shape_cache_free (wiped). */
fk__shape_cache *fk__shape_cache_new(void);
void fk__shape_cache_free(fk__shape_cache *cache);

/*
 * Looks up the text shaped in primary of set; when found, copies the result into s (whose
 * utf8 and len the caller sets) and sets *found. False only when s cannot grow.
 */
bool fk__shape_cache_find(fk__shape_cache *cache, const fk__fontset *set, int primary,
                          const char *utf8, size_t len, fk__shaped *s, bool *found);

/*
 * Keeps a copy of s's result (s->utf8, s->len shaped in primary of set), after a lookup of
 * the same text found nothing.
 */
void fk__shape_cache_store(fk__shape_cache *cache, const fk__fontset *set, int primary,
                           const fk__shaped *s);

/*
 * Shapes len bytes of utf8 in font `primary`, falling back per character to IPAmj明朝 when the
 * primary font lacks a character or its variation sequence. FK_EFINDING with s->missing set
 * when no font has a character; FK_EFORMAT for invalid UTF-8. utf8 must outlive s's use.
 */
fk_status fk__shape(const fk__fontset *set, fk__font_id primary, const char *utf8, size_t len,
                    fk__shaped *s) FK_WARN_UNUSED;

/* Draws shaped text with its left end at x and baseline at y (points), size in points. */
void fk__shaped_draw(const fk__fontset *set, fk__shaped *s, cairo_t *cr, double x, double y,
                     double size);

/* A line of a broken paragraph: a byte range of the paragraph's text. */
typedef struct fk__line {
    size_t start, len;
} fk__line;

/*
 * Breaks utf8 into lines no wider than width_em (em units) with Japanese line-breaking rules
 * (禁則: no 、。」 etc. at a line start, no 「（ at a line end, Latin words kept whole); '\n'
 * forces a break. *lines is grown with fk_realloc (caller frees with fk_free). The text must
 * shape (see fk__shape). With by_blocks (addresses), a line that must break does so at the
 * last block boundary (before or after a number, after 丁目/番地/号, at a space) when one lies
 * in its second half, rather than wherever the width runs out.
 */
fk_status fk__break_lines(const fk__fontset *set, fk__font_id font, const char *utf8, size_t len,
                          double width_em, bool by_blocks, fk__shaped *scratch, fk__line **lines,
                          size_t *nlines, size_t *cap) FK_WARN_UNUSED;

/* True if a line must not start with cp (行頭禁則). */
bool fk__is_line_start_forbidden(uint32_t cp);
/* True if a line must not end with cp (行末禁則). */
bool fk__is_line_end_forbidden(uint32_t cp);

/* Templates (template.c). */

typedef enum {
    FK_EL_TEXT,
    FK_EL_PARAGRAPH,
    FK_EL_LINE,
    FK_EL_BOX,
    FK_EL_IMAGE,
    FK_EL_DATAMATRIX,
    FK_EL_BARCODE,
    FK_EL_TABLE /* expanded into lines, boxes and texts when loaded */
} fk__el_kind;

typedef enum { FK_ALIGN_LEFT, FK_ALIGN_CENTER, FK_ALIGN_RIGHT } fk__align;

/* One element of a page; lengths in mm from the page's top-left corner. */
typedef struct fk__elem {
    fk__el_kind kind;
    int line, col; /* source position, for messages */
    double x, y, w, h, x2, y2;
    double size, min_size, leading; /* text: points; leading as a multiple of the size */
    double line_width, fill;        /* fill: grey level 0..1, or < 0 for none */
    bool stroke;
    fk__font_id font;
    fk__align align;
    bool is_address; /* paragraph: break lines at block boundaries (break: address) */
    char *text;      /* text and paragraph: content with {{key}} references */
    char *label;     /* name used in messages (氏名), defaults to the first field's key */
    char *field;     /* codes: the key holding the payload or the bar types */
    char *file;      /* image: absolute path */
    double module, pt;
    bool is_static; /* drawn once per print file */
} fk__elem;

struct fk_template {
    char *path;
    double page_w, page_h;
    fk__elem *els;
    size_t nels, cap;
    fk__fontset *fonts; /* loaded by fk_template_load, NULL after a check */
};

/* Writes tmpl with each {{key}} replaced by its value in f (nothing when unset or f is NULL)
 * into out (doc.c). */
fk_status fk__expand(const char *tmpl, const fk_fields *f, fk_buf *out) FK_WARN_UNUSED;

/* Codes (codes.c): encoded while a sheet is checked, drawn when it is written. */

#define FK_DATAMATRIX_MAX 200 /* payload bytes: far more than the insert-control format needs */

/*
 * Encodes payload as a square DataMatrix: *out is a 1-bit surface, one pixel per module
 * (caller destroys it). FK_EINVAL when the payload is empty, too long or not encodable.
 */
fk_status fk__datamatrix_encode(const char *payload, cairo_surface_t **out) FK_WARN_UNUSED;

/* Draws an encoded DataMatrix with its top-left corner at x, y; module size in points. */
void fk__datamatrix_draw(cairo_t *cr, cairo_surface_t *bits, double x, double y, double module);

/* True if bars is 67 characters of L, A, D, T. */
bool fk__barcode_is_valid(const char *bars);

/* Encodes 67 bar types as a 1-bit surface (caller destroys it); FK_EINVAL if malformed. */
fk_status fk__barcode_encode(const char *bars, cairo_surface_t **out) FK_WARN_UNUSED;

/* Draws an encoded customer barcode at x, y (top of the long bars, points) in pt size. */
void fk__barcode_draw(cairo_t *cr, cairo_surface_t *bits, double x, double y, double point_size);

/*
 * The PDF writer of print files (pdfout.c). Coordinates are points from the page's top-left
 * corner, y downwards (each page and form starts with that transformation). Drawing functions
 * never fail on their own: the first failure is kept and fk__pdf_status reports it.
 */
typedef struct fk__pdf fk__pdf;

typedef fk_status (*fk__pdf_write_fn)(void *closure, const unsigned char *data, size_t len);

/* A new file handing its bytes to fn, or NULL when out of memory; free with fk__pdf_free. */
fk__pdf *fk__pdf_new(const fk__fontset *fonts, fk__pdf_write_fn fn, void *closure);
void fk__pdf_free(fk__pdf *p);

/* The first failure so far (FK_OK if none); a write failure is fn's status. */
fk_status fk__pdf_status(const fk__pdf *p);

/* A new object number, to be written before fk__pdf_finish. */
uint32_t fk__pdf_reserve(fk__pdf *p);

/* Starts the content of a page or form. */
void fk__pdf_content_begin(fk__pdf *p);

/* Appends one line of operators; fmt knows %f (any double, 3 decimals at most, no locale),
 * %d, %u, %z (size_t), %s and %%. */
void fk__pdf_op(fk__pdf *p, const char *fmt, ...);

/* Shows shaped text with its left end at x and baseline at y, size in points, in the current
 * fill colour; the glyphs are kept for the font subsets and the ToUnicode maps. */
void fk__pdf_text(fk__pdf *p, const fk__shaped *s, double x, double y, double size);

/* Paints the set bits of an A1 surface in black as an image mask, one bit per ux × uy points,
 * top-left corner at x, y. */
void fk__pdf_mask(fk__pdf *p, cairo_surface_t *bits, double x, double y, double ux, double uy);

/* Embeds the PNG image at path once; *index names it "/Im<index> Do" in every content.
 * FK_EFORMAT if it is not a readable PNG. */
fk_status fk__pdf_image_png(fk__pdf *p, const char *path, size_t *index) FK_WARN_UNUSED;

/* Ends the content as a form of w × h points; *index names it "/Fm<index> Do". */
fk_status fk__pdf_form_end(fk__pdf *p, double w, double h, size_t *index) FK_WARN_UNUSED;

/* Ends the content as the next page, w × h points. */
fk_status fk__pdf_page_end(fk__pdf *p, double w, double h) FK_WARN_UNUSED;

/* Subsets and writes the fonts, the page tree, the cross-reference table and the trailer. */
fk_status fk__pdf_finish(fk__pdf *p) FK_WARN_UNUSED;

#endif
