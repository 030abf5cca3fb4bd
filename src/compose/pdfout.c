/*
 * The PDF writer of print files: objects and cross-reference table, the page tree, deflated
 * content streams, form XObjects, image masks and images, and Type 0 fonts (Identity-H over
 * CIDFontType2) holding 2-byte glyph ids. Shaped text is written with the glyph ids HarfBuzz
 * chose; each font is subset once, when the file is closed, keeping glyph ids
 * (HB_SUBSET_FLAGS_RETAIN_GIDS) so that every content stream written before stays valid.
 * Numbers are formatted here, never with printf's %f, so that no locale changes the file.
 */
#include "compose-private.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <hb-ot.h>
#include <hb-subset.h>
#include <inttypes.h>
#include <libdeflate.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define FK__OUT_CHUNK     (64 * 1024)
#define FK__BUF_MAX       ((size_t)256 * 1024 * 1024)
#define FK__MAX_IMAGES    64
#define FK__MAX_FORMS     16
#define FK__DEFLATE_LEVEL 1

/*
 * What a glyph stands for in the ToUnicode CMap: UTF-8 text in the font's map buffer, as the
 * clusters hold it, so that a sheet's glyphs are compared without a conversion; it becomes
 * UTF-16 only when the CMap is written.
 */
typedef struct fk__glyph_map {
    uint32_t off;
    uint16_t len;
    uint8_t used, mapped;
} fk__glyph_map;

typedef struct fk__pdf_font {
    uint32_t obj; /* the Type 0 font, 0 until the font is first used */
    fk__glyph_map *glyphs;
    unsigned nglyphs;
    fk_buf map; /* UTF-8 */
} fk__pdf_font;

struct fk__pdf {
    const fk__fontset *fonts;
    fk__pdf_write_fn fn;
    void *closure;
    fk_status st; /* sticky: the first failure stops the file */
    fk_buf out;   /* bytes not yet handed to fn */
    uint64_t written;
    uint64_t *offsets; /* by object number; 0 = reserved, not written */
    uint32_t nobjs, objs_cap;
    uint32_t pages_obj, res_obj;
    uint32_t *kids;
    size_t nkids, kids_cap;
    uint32_t images[FK__MAX_IMAGES], forms[FK__MAX_FORMS];
    size_t nimages, nforms;
    fk__pdf_font font[FK_FONT_COUNT];
    fk_buf content; /* the page or form being built */
    fk_buf scratch; /* deflate output, object dictionaries */
    fk_buf utf16;   /* one text, as UTF-16BE bytes */
    bool in_actual; /* inside a /Span with /ActualText */
    bool in_hex;    /* inside a TJ array's hex string of glyph ids */
    struct libdeflate_compressor *z;
};

static void fk__pdf_fail(fk__pdf *p, fk_status s)
{
    if (p->st == FK_OK)
        p->st = s;
}

static void fk__put(fk__pdf *p, fk_buf *b, const void *data, size_t n)
{
    if (p->st == FK_OK)
        fk__pdf_fail(p, fk_buf_append(b, data, n));
}

/* Appends the decimal digits of v (printf is the writer's hottest call otherwise). */
static void fk__put_uint(fk__pdf *p, fk_buf *b, unsigned long long v)
{
    char s[24];
    size_t i = sizeof s;
    do
        s[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    fk__put(p, b, s + i, sizeof s - i);
}

/* Appends v with at most 3 decimals, without a locale: "12.5", "-0.25", "3". */
static void fk__put_num(fk__pdf *p, fk_buf *b, double v)
{
    if (!isfinite(v))
        v = 0;
    long long m = llround(v * 1000.0);
    unsigned long long a = m < 0 ? (unsigned long long)-m : (unsigned long long)m;
    if (m < 0)
        fk__put(p, b, "-", 1);
    fk__put_uint(p, b, a / 1000);
    unsigned fp = (unsigned)(a % 1000);
    if (fp == 0)
        return;
    char d[4] = {'.', (char)('0' + fp / 100), (char)('0' + fp / 10 % 10), (char)('0' + fp % 10)};
    size_t n = fp % 100 == 0 ? 2 : fp % 10 == 0 ? 3 : 4;
    fk__put(p, b, d, n);
}

/*
 * A small printf for PDF syntax: %f a double (fk__put_num), %d an int, %u an unsigned,
 * %z a size_t, %s a string, %% a percent sign.
 */
static void fk__vfmt(fk__pdf *p, fk_buf *b, const char *fmt, va_list ap)
{
    for (const char *c = fmt; *c != '\0' && p->st == FK_OK; c++) {
        const char *pct = strchr(c, '%');
        size_t lit = pct != NULL ? (size_t)(pct - c) : strlen(c);
        fk__put(p, b, c, lit);
        if (pct == NULL)
            return;
        c = pct + 1;
        switch (*c) {
        case 'f':
            fk__put_num(p, b, va_arg(ap, double));
            break;
        case 'd': {
            int v = va_arg(ap, int);
            if (v < 0)
                fk__put(p, b, "-", 1);
            fk__put_uint(p, b, v < 0 ? -(unsigned long long)v : (unsigned long long)v);
            break;
        }
        case 'u':
            fk__put_uint(p, b, va_arg(ap, unsigned));
            break;
        case 'z':
            fk__put_uint(p, b, va_arg(ap, size_t));
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            fk__put(p, b, str, strlen(str));
            break;
        }
        case '%':
            fk__put(p, b, "%", 1);
            break;
        default:
            fk__pdf_fail(p, FK_EINVAL);
            return;
        }
    }
}

static void fk__fmt(fk__pdf *p, fk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fk__vfmt(p, b, fmt, ap);
    va_end(ap);
}

void fk__pdf_op(fk__pdf *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fk__vfmt(p, &p->content, fmt, ap);
    va_end(ap);
    fk__put(p, &p->content, "\n", 1);
}

static void fk__flush(fk__pdf *p)
{
    if (p->st == FK_OK && p->out.len > 0)
        fk__pdf_fail(p, p->fn(p->closure, (const unsigned char *)p->out.data, p->out.len));
    p->written += p->out.len;
    fk_buf_reset(&p->out);
}

static void fk__emit(fk__pdf *p, const void *data, size_t n)
{
    fk__put(p, &p->out, data, n);
    if (p->out.len >= FK__OUT_CHUNK)
        fk__flush(p);
}

static void fk__emitf(fk__pdf *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fk_buf_reset(&p->scratch);
    fk__vfmt(p, &p->scratch, fmt, ap);
    va_end(ap);
    fk__emit(p, p->scratch.data, p->scratch.len);
}

uint32_t fk__pdf_reserve(fk__pdf *p)
{
    if (p->nobjs + 1 >= p->objs_cap) {
        uint32_t cap = p->objs_cap ? p->objs_cap * 2 : 256;
        uint64_t *o = fk_realloc(p->offsets, cap * sizeof *o);
        if (o == NULL) {
            fk__pdf_fail(p, FK_ENOMEM);
            return 0;
        }
        memset(o + p->objs_cap, 0, (cap - p->objs_cap) * sizeof *o);
        p->offsets = o;
        p->objs_cap = cap;
    }
    return ++p->nobjs;
}

/* Starts object num (reserved) at the current position. */
static void fk__obj_begin(fk__pdf *p, uint32_t num)
{
    if (p->st != FK_OK || num == 0)
        return;
    p->offsets[num] = p->written + p->out.len;
    fk__emitf(p, "%u 0 obj\n", num);
}

/*
 * Deflates len bytes into p->scratch. libdeflate rather than zlib: on pages this small its
 * whole-buffer compressor, kept for the file, costs 0.4× of zlib's at level 1 and 0.65× at
 * the default level. Level 1, since a page of 1.8 KB deflates to 760 bytes there and to 723
 * at level 6, for 1.7× the CPU.
 */
static bool fk__deflate(fk__pdf *p, const void *data, size_t len, size_t *out_len)
{
    if (p->z == NULL && (p->z = libdeflate_alloc_compressor(FK__DEFLATE_LEVEL)) == NULL) {
        fk__pdf_fail(p, FK_ENOMEM);
        return false;
    }
    size_t bound = libdeflate_zlib_compress_bound(p->z, len);
    fk_buf_reset(&p->scratch);
    char *dst;
    fk__pdf_fail(p, fk_buf_extend(&p->scratch, bound, &dst));
    if (p->st != FK_OK)
        return false;
    *out_len = libdeflate_zlib_compress(p->z, data, len, dst, bound);
    if (*out_len == 0) {
        fk__pdf_fail(p, FK_ENOMEM);
        return false;
    }
    return true;
}

/* Writes object num as a stream: dict holds the entries besides /Length and /Filter. */
static void fk__stream(fk__pdf *p, uint32_t num, const char *dict, const void *data, size_t len,
                       bool deflate)
{
    if (p->st != FK_OK)
        return;
    fk__obj_begin(p, num);
    const void *body = data;
    size_t blen = len;
    if (deflate) {
        if (!fk__deflate(p, data, len, &blen))
            return;
        body = p->scratch.data;
    }
    char head[64];
    int n =
        snprintf(head, sizeof head, "<<%s/Length %zu", deflate ? "/Filter/FlateDecode" : "", blen);
    fk__emit(p, head, (size_t)n);
    fk__emit(p, dict, strlen(dict));
    fk__emit(p, ">>\nstream\n", 10);
    fk__emit(p, body, blen);
    fk__emit(p, "\nendstream\nendobj\n", 18);
}

fk__pdf *fk__pdf_new(const fk__fontset *fonts, fk__pdf_write_fn fn, void *closure)
{
    fk__pdf *p = fk_calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->fonts = fonts;
    p->fn = fn;
    p->closure = closure;
    fk_buf_init(&p->out, FK__BUF_MAX);
    fk_buf_init(&p->content, FK__BUF_MAX);
    fk_buf_init(&p->scratch, FK__BUF_MAX);
    fk_buf_init(&p->utf16, FK__BUF_MAX);
    for (int i = 0; i < FK_FONT_COUNT; i++)
        fk_buf_init(&p->font[i].map, FK__BUF_MAX);
    p->pages_obj = fk__pdf_reserve(p);
    p->res_obj = fk__pdf_reserve(p);
    fk__emit(p, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15);
    if (p->st != FK_OK) {
        fk__pdf_free(p);
        return NULL;
    }
    return p;
}

void fk__pdf_free(fk__pdf *p)
{
    if (p == NULL)
        return;
    libdeflate_free_compressor(p->z);
    fk_free(p->offsets);
    fk_free(p->kids);
    for (int i = 0; i < FK_FONT_COUNT; i++) {
        fk_free(p->font[i].glyphs);
        if (p->font[i].map.data != NULL)
            explicit_bzero(p->font[i].map.data, p->font[i].map.cap);
        fk_buf_free(&p->font[i].map);
    }
    /* Content holds personal data (names, addresses) in glyph ids and ActualText. */
    if (p->content.data != NULL)
        explicit_bzero(p->content.data, p->content.cap);
    if (p->utf16.data != NULL)
        explicit_bzero(p->utf16.data, p->utf16.cap);
    if (p->scratch.data != NULL)
        explicit_bzero(p->scratch.data, p->scratch.cap);
    fk_buf_free(&p->content);
    fk_buf_free(&p->scratch);
    fk_buf_free(&p->utf16);
    fk_buf_free(&p->out);
    fk_free(p);
}

fk_status fk__pdf_status(const fk__pdf *p)
{
    return p->st;
}

void fk__pdf_content_begin(fk__pdf *p)
{
    fk_buf_reset(&p->content);
}

/* Makes sure font f has its glyph table; false (and the status set) when out of memory. */
static bool fk__font_use(fk__pdf *p, int f)
{
    fk__pdf_font *pf = &p->font[f];
    if (pf->glyphs != NULL)
        return true;
    hb_face_t *face = hb_font_get_face(p->fonts->fonts[f].hb_font);
    pf->nglyphs = hb_face_get_glyph_count(face);
    pf->glyphs = fk_calloc(pf->nglyphs ? pf->nglyphs : 1, sizeof *pf->glyphs);
    pf->obj = fk__pdf_reserve(p);
    if (pf->glyphs == NULL)
        fk__pdf_fail(p, FK_ENOMEM);
    return p->st == FK_OK;
}

/* The glyph's width in the font's W array: thousandths of an em, quantised like the file. */
static double fk__glyph_width(const fk__pdf *p, int f, unsigned gid)
{
    const fk__font *font = &p->fonts->fonts[f];
    double w = hb_font_get_glyph_h_advance(font->hb_font, gid) * 1000.0 / font->upem;
    return (double)llround(w * 1000.0) / 1000.0;
}

/* The UTF-16BE of len bytes of UTF-8 into p->utf16. */
static void fk__to_utf16(fk__pdf *p, const char *utf8, size_t len)
{
    fk_buf_reset(&p->utf16);
    size_t i = 0;
    while (i < len && p->st == FK_OK) {
        uint32_t cp;
        size_t n = fk_utf8_decode(utf8 + i, len - i, &cp);
        if (n == 0)
            break;
        i += n;
        unsigned char u[4];
        size_t k = 2;
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            u[0] = (unsigned char)(hi >> 8), u[1] = (unsigned char)hi;
            u[2] = (unsigned char)(lo >> 8), u[3] = (unsigned char)lo;
            k = 4;
        } else {
            u[0] = (unsigned char)(cp >> 8), u[1] = (unsigned char)cp;
        }
        fk__put(p, &p->utf16, u, k);
    }
}

static void fk__put_hex(fk__pdf *p, fk_buf *b, const unsigned char *data, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *d;
    if (p->st != FK_OK)
        return;
    fk__pdf_fail(p, fk_buf_extend(b, 2 * n, &d));
    if (p->st != FK_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        d[2 * i] = hex[data[i] >> 4];
        d[2 * i + 1] = hex[data[i] & 15];
    }
}

/*
 * Records what the cluster's single glyph stands for; false if the glyph already stands for
 * other text (the cluster then needs /ActualText).
 */
static bool fk__glyph_map_set(fk__pdf *p, int f, unsigned gid, const char *utf8, size_t len)
{
    fk__pdf_font *pf = &p->font[f];
    if (gid >= pf->nglyphs)
        return false;
    fk__glyph_map *g = &pf->glyphs[gid];
    if (g->mapped)
        return g->len == len && memcmp(pf->map.data + g->off, utf8, len) == 0;
    if (len > UINT16_MAX || pf->map.len > UINT32_MAX)
        return false;
    g->off = (uint32_t)pf->map.len;
    g->len = (uint16_t)len;
    g->mapped = 1;
    fk__put(p, &pf->map, utf8, len);
    return true;
}

/* Ends the open string of glyph ids, before anything else goes into the TJ array. */
static void fk__hex_close(fk__pdf *p)
{
    if (p->in_hex)
        fk__put(p, &p->content, ">", 1);
    p->in_hex = false;
}

/* Ends the open /ActualText span, if any. */
static void fk__actual_text_end(fk__pdf *p)
{
    if (!p->in_actual)
        return;
    fk__hex_close(p);
    fk__put(p, &p->content, "]TJ EMC[", 8);
    p->in_actual = false;
}

/* Opens a span whose glyphs stand for the cluster's text (len bytes of UTF-8). */
static void fk__actual_text_begin(fk__pdf *p, const char *utf8, size_t len)
{
    fk__actual_text_end(p);
    fk__hex_close(p);
    fk__to_utf16(p, utf8, len);
    fk__put(p, &p->content, "]TJ/Span<</ActualText<FEFF", 26);
    fk__put_hex(p, &p->content, (const unsigned char *)p->utf16.data, p->utf16.len);
    fk__put(p, &p->content, ">>>BDC[", 7);
    p->in_actual = true;
}

/* Writes one font run's glyphs into the open TJ array, moving the pen (*cur, em units). */
static void fk__show_segment(fk__pdf *p, const fk__shaped *s, const fk__segment *seg, double x,
                             double y, double size, double *cur, double *cur_y)
{
    size_t g = seg->glyph_start, byte = seg->byte_start;
    for (size_t c = 0; c < seg->cluster_count && p->st == FK_OK; c++) {
        const cairo_text_cluster_t *cl = &s->clusters[seg->cluster_start + c];
        const char *text = s->utf8 + byte;
        size_t text_len = (size_t)cl->num_bytes;
        byte += text_len;
        bool plain = cl->num_glyphs == 1 &&
                     fk__glyph_map_set(p, seg->font, s->glyphs[g].index, text, text_len);
        /* Each cluster that needs one has its own span: two in a row must not share one. */
        if (plain)
            fk__actual_text_end(p);
        else
            fk__actual_text_begin(p, text, text_len);
        for (int k = 0; k < cl->num_glyphs; k++, g++) {
            const cairo_glyph_t *gl = &s->glyphs[g];
            unsigned gid = (unsigned)gl->index;
            if (fabs(gl->y - *cur_y) > 1e-6) {
                fk__hex_close(p);
                fk__fmt(p, &p->content, "]TJ 1 0 0 -1 %f %f Tm[", x + gl->x * size,
                        y + gl->y * size);
                *cur = gl->x;
                *cur_y = gl->y;
            } else if (fabs(gl->x - *cur) > 0.0005) {
                fk__hex_close(p);
                fk__put_num(p, &p->content, -(gl->x - *cur) * 1000.0);
                *cur = gl->x;
            }
            if (!p->in_hex)
                fk__put(p, &p->content, "<", 1);
            p->in_hex = true;
            unsigned char id[2] = {(unsigned char)(gid >> 8), (unsigned char)gid};
            fk__put_hex(p, &p->content, id, 2);
            if (gid < p->font[seg->font].nglyphs)
                p->font[seg->font].glyphs[gid].used = 1;
            *cur += fk__glyph_width(p, seg->font, gid) / 1000.0;
        }
    }
    fk__actual_text_end(p);
    fk__hex_close(p);
}

void fk__pdf_text(fk__pdf *p, const fk__shaped *s, double x, double y, double size)
{
    if (s->nglyphs == 0)
        return;
    double cur = 0, cur_y = 0;
    fk__fmt(p, &p->content, "BT 1 0 0 -1 %f %f Tm", x, y);
    for (size_t k = 0; k < s->nsegs && p->st == FK_OK; k++) {
        const fk__segment *seg = &s->segs[k];
        if (!fk__font_use(p, seg->font))
            return;
        fk__fmt(p, &p->content, "/F%d %f Tf[", seg->font, size);
        fk__show_segment(p, s, seg, x, y, size, &cur, &cur_y);
        fk__put(p, &p->content, "]TJ", 3);
    }
    fk__put(p, &p->content, " ET\n", 4);
}

void fk__pdf_mask(fk__pdf *p, cairo_surface_t *bits, double x, double y, double ux, double uy)
{
    int w = cairo_image_surface_get_width(bits), h = cairo_image_surface_get_height(bits);
    int stride = cairo_image_surface_get_stride(bits);
    const unsigned char *data = cairo_image_surface_get_data(bits);
    size_t row = ((size_t)w + 7) / 8;
    fk__pdf_op(p, "q %f 0 0 %f %f %f cm BI/IM true/W %d/H %d/BPC 1/D[1 0]ID", ux * w, -uy * h, x,
               y + uy * h, w, h);
    char *d;
    if (p->st != FK_OK)
        return;
    fk__pdf_fail(p, fk_buf_extend(&p->content, row * (size_t)h, &d));
    if (p->st != FK_OK)
        return;
    memset(d, 0, row * (size_t)h);
    for (int r = 0; r < h; r++) {
        const uint32_t *words = (const uint32_t *)(const void *)(data + (size_t)r * (size_t)stride);
        for (int c = 0; c < w; c++) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            bool on = words[c / 32] & (0x80000000u >> (c % 32));
#else
            bool on = words[c / 32] & (1u << (c % 32));
#endif
            if (on)
                d[(size_t)r * row + (size_t)c / 8] |= (char)(0x80 >> (c % 8));
        }
    }
    fk__pdf_op(p, "\nEI Q");
}

/* Writes an image XObject (and its soft mask when the image is not opaque). */
static void fk__image_write(fk__pdf *p, uint32_t num, cairo_surface_t *img)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *data = cairo_image_surface_get_data(img);
    size_t n = (size_t)w * (size_t)h;
    unsigned char *rgb = fk_malloc(n * 3 + 1), *alpha = fk_malloc(n + 1);
    if (rgb == NULL || alpha == NULL) {
        fk_free(rgb);
        fk_free(alpha);
        fk__pdf_fail(p, FK_ENOMEM);
        return;
    }
    bool opaque = true;
    for (int r = 0; r < h; r++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)r * (size_t)stride);
        for (int c = 0; c < w; c++) {
            uint32_t v = px[c], a = v >> 24;
            size_t i = (size_t)r * (size_t)w + (size_t)c;
            for (int k = 0; k < 3; k++) {
                uint32_t ch = (v >> (16 - 8 * k)) & 0xFF;
                rgb[3 * i + (size_t)k] = (unsigned char)(a ? (ch * 255 + a / 2) / a : 255);
            }
            alpha[i] = (unsigned char)a;
            opaque = opaque && a == 255;
        }
    }
    uint32_t smask = opaque ? 0 : fk__pdf_reserve(p);
    char dict[160];
    snprintf(dict, sizeof dict, "/Type/XObject/Subtype/Image/Width %d/Height %d/BitsPerComponent 8",
             w, h);
    char full[200];
    snprintf(full, sizeof full, "%s/ColorSpace/DeviceRGB", dict);
    if (smask != 0)
        snprintf(full + strlen(full), sizeof full - strlen(full), "/SMask %u 0 R", smask);
    fk__stream(p, num, full, rgb, n * 3, true);
    if (smask != 0) {
        snprintf(full, sizeof full, "%s/ColorSpace/DeviceGray", dict);
        fk__stream(p, smask, full, alpha, n, true);
    }
    fk_free(rgb);
    fk_free(alpha);
}

fk_status fk__pdf_image_png(fk__pdf *p, const char *path, size_t *index)
{
    if (p->nimages == FK__MAX_IMAGES)
        return FK_ETOOBIG;
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return FK_EFORMAT;
    }
    cairo_surface_flush(img);
    uint32_t num = fk__pdf_reserve(p);
    fk__image_write(p, num, img);
    cairo_surface_destroy(img);
    p->images[p->nimages] = num;
    *index = p->nimages++;
    return p->st;
}

fk_status fk__pdf_form_end(fk__pdf *p, double w, double h, size_t *index)
{
    if (p->nforms == FK__MAX_FORMS)
        return FK_ETOOBIG;
    uint32_t num = fk__pdf_reserve(p);
    char dict[160];
    fk_buf d;
    fk_buf_init(&d, sizeof dict);
    fk__fmt(p, &d, "/Type/XObject/Subtype/Form/BBox[0 0 %f %f]/Resources %u 0 R", w, h, p->res_obj);
    if (p->st == FK_OK)
        fk__stream(p, num, d.data, p->content.data, p->content.len, true);
    fk_buf_free(&d);
    p->forms[p->nforms] = num;
    *index = p->nforms++;
    return p->st;
}

fk_status fk__pdf_page_end(fk__pdf *p, double w, double h)
{
    if (p->nkids == p->kids_cap) {
        size_t cap = p->kids_cap ? p->kids_cap * 2 : 256;
        uint32_t *k = fk_realloc(p->kids, cap * sizeof *k);
        if (k == NULL)
            fk__pdf_fail(p, FK_ENOMEM);
        else
            p->kids = k, p->kids_cap = cap;
    }
    uint32_t contents = fk__pdf_reserve(p), page = fk__pdf_reserve(p);
    fk__stream(p, contents, "", p->content.data, p->content.len, true);
    fk__obj_begin(p, page);
    fk__emitf(p,
              "<</Type/Page/Parent %u 0 R/MediaBox[0 0 %f %f]/Resources %u 0 R/Contents %u 0 R>>"
              "\nendobj\n",
              p->pages_obj, w, h, p->res_obj, contents);
    if (p->st == FK_OK)
        p->kids[p->nkids++] = page;
    if (p->content.data != NULL)
        explicit_bzero(p->content.data, p->content.len);
    return p->st;
}

/* "ABCDEF": the subset tag, from the glyphs kept (two files with the same glyphs agree). */
static void fk__subset_tag(const fk__pdf_font *pf, int f, char tag[7])
{
    uint32_t h = 2166136261u ^ (uint32_t)f;
    for (unsigned g = 0; g < pf->nglyphs; g++)
        if (pf->glyphs[g].used)
            h = (h ^ g) * 16777619u;
    for (int i = 0; i < 6; i++, h /= 26)
        tag[i] = (char)('A' + h % 26);
    tag[6] = '\0';
}

static void fk__write_tounicode(fk__pdf *p, const fk__pdf_font *pf, uint32_t num)
{
    fk_buf b;
    fk_buf_init(&b, FK__BUF_MAX);
    fk__fmt(p, &b,
            "/CIDInit/ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def\n"
            "/CMapName/Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000><FFFF>\nendcodespacerange\n");
    unsigned g = 0;
    while (g < pf->nglyphs && p->st == FK_OK) {
        unsigned group = 0, start = g;
        for (; g < pf->nglyphs && group < 100; g++)
            group += pf->glyphs[g].used && pf->glyphs[g].mapped;
        if (group == 0)
            break;
        fk__fmt(p, &b, "%u beginbfchar\n", group);
        for (unsigned k = start; k < g; k++) {
            const fk__glyph_map *m = &pf->glyphs[k];
            if (!m->used || !m->mapped)
                continue;
            unsigned char id[2] = {(unsigned char)(k >> 8), (unsigned char)k};
            fk__put(p, &b, "<", 1);
            fk__put_hex(p, &b, id, 2);
            fk__put(p, &b, "><", 2);
            fk__to_utf16(p, pf->map.data + m->off, m->len);
            fk__put_hex(p, &b, (const unsigned char *)p->utf16.data, p->utf16.len);
            fk__put(p, &b, ">\n", 2);
        }
        fk__fmt(p, &b, "endbfchar\n");
    }
    fk__fmt(p, &b, "endcmap\nCMapName currentdict/CMap defineresource pop\nend\nend\n");
    if (p->st == FK_OK)
        fk__stream(p, num, "", b.data, b.len, true);
    fk_buf_free(&b);
}

/* The W array: runs of consecutive used glyphs, "first [w w w]". */
static void fk__write_widths(fk__pdf *p, const fk__pdf_font *pf, int f, fk_buf *b)
{
    fk__fmt(p, b, "/W[");
    for (unsigned g = 0; g < pf->nglyphs; g++) {
        if (!pf->glyphs[g].used)
            continue;
        fk__fmt(p, b, "%u[", g);
        for (; g < pf->nglyphs && pf->glyphs[g].used; g++)
            fk__fmt(p, b, "%f ", fk__glyph_width(p, f, g));
        fk__fmt(p, b, "]");
    }
    fk__fmt(p, b, "]");
}

/* The font's glyphs in use, subset with their ids kept; the blob is the caller's. */
static hb_blob_t *fk__subset(const fk__pdf_font *pf, hb_face_t *face)
{
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (in == NULL)
        return NULL;
    hb_set_t *glyphs = hb_subset_input_glyph_set(in);
    for (unsigned g = 0; g < pf->nglyphs; g++)
        if (pf->glyphs[g].used)
            hb_set_add(glyphs, g);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NO_HINTING);
    /*
     * A PDF shows glyph ids, so the layout tables are dead weight in the file; dropped, they
     * also spare hb-subset the glyph closure over GSUB, most of its work on a CJK font.
     */
    static const char drop[][5] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea",
                                   "vmtx", "VORG", "DSIG", "kern", "morx"};
    hb_set_t *tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        hb_set_add(tables, hb_tag_from_string(drop[i], 4));
    hb_face_t *sub = hb_subset_or_fail(face, in);
    hb_subset_input_destroy(in);
    if (sub == NULL)
        return NULL;
    hb_blob_t *blob = hb_face_reference_blob(sub);
    hb_face_destroy(sub);
    return blob;
}

static void fk__write_font(fk__pdf *p, int f)
{
    const fk__pdf_font *pf = &p->font[f];
    const fk__font *font = &p->fonts->fonts[f];
    hb_face_t *face = hb_font_get_face(font->hb_font);
    hb_blob_t *blob = fk__subset(pf, face);
    unsigned len = 0;
    const char *data = blob != NULL ? hb_blob_get_data(blob, &len) : NULL;
    if (data == NULL || len == 0) {
        hb_blob_destroy(blob);
        fk__pdf_fail(p, FK_ENOMEM);
        return;
    }
    char ps[64] = "Font";
    unsigned pslen = sizeof ps;
    if (hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &pslen, ps) ==
        0)
        snprintf(ps, sizeof ps, "Font%d", f);
    for (char *c = ps; *c != '\0'; c++)
        if (*c <= ' ' || *c > '~' || strchr("()<>[]{}/%#", *c) != NULL)
            *c = '-';
    char tag[7];
    fk__subset_tag(pf, f, tag);
    hb_font_extents_t ext = {0};
    hb_font_get_h_extents(font->hb_font, &ext);
    double k = 1000.0 / font->upem, asc = ext.ascender * k, desc = ext.descender * k;
    uint32_t cid = fk__pdf_reserve(p), desc_obj = fk__pdf_reserve(p);
    uint32_t file = fk__pdf_reserve(p), tounicode = fk__pdf_reserve(p);
    char dict[48];
    snprintf(dict, sizeof dict, "/Length1 %u", len);
    fk__stream(p, file, dict, data, len, true);
    hb_blob_destroy(blob);
    fk__obj_begin(p, desc_obj);
    fk__emitf(p,
              "<</Type/FontDescriptor/FontName/%s+%s/Flags 4/FontBBox[0 %f 1000 %f]"
              "/ItalicAngle 0/Ascent %f/Descent %f/CapHeight %f/StemV 80/FontFile2 %u 0 R>>"
              "\nendobj\n",
              tag, ps, desc, asc, asc, desc, asc, file);
    fk__obj_begin(p, cid);
    fk_buf b;
    fk_buf_init(&b, FK__BUF_MAX);
    fk__fmt(p, &b,
            "<</Type/Font/Subtype/CIDFontType2/BaseFont/%s+%s/CIDSystemInfo<</Registry(Adobe)"
            "/Ordering(Identity)/Supplement 0>>/FontDescriptor %u 0 R/CIDToGIDMap/Identity",
            tag, ps, desc_obj);
    fk__write_widths(p, pf, f, &b);
    fk__fmt(p, &b, ">>\nendobj\n");
    fk__emit(p, b.data, b.len);
    fk_buf_free(&b);
    fk__obj_begin(p, pf->obj);
    fk__emitf(p,
              "<</Type/Font/Subtype/Type0/BaseFont/%s+%s/Encoding/Identity-H"
              "/DescendantFonts[%u 0 R]/ToUnicode %u 0 R>>\nendobj\n",
              tag, ps, cid, tounicode);
    fk__write_tounicode(p, pf, tounicode);
}

static void fk__write_resources(fk__pdf *p)
{
    fk_buf b;
    fk_buf_init(&b, FK__BUF_MAX);
    fk__fmt(p, &b, "<</ExtGState<</GS0<</Type/ExtGState/ca 0.25>>>>/Font<<");
    for (int f = 0; f < FK_FONT_COUNT; f++)
        if (p->font[f].obj != 0)
            fk__fmt(p, &b, "/F%d %u 0 R", f, p->font[f].obj);
    fk__fmt(p, &b, ">>/XObject<<");
    for (size_t i = 0; i < p->nimages; i++)
        fk__fmt(p, &b, "/Im%z %u 0 R", i, p->images[i]);
    for (size_t i = 0; i < p->nforms; i++)
        fk__fmt(p, &b, "/Fm%z %u 0 R", i, p->forms[i]);
    fk__fmt(p, &b, ">>>>\nendobj\n");
    fk__obj_begin(p, p->res_obj);
    fk__emit(p, b.data, b.len);
    fk_buf_free(&b);
}

static void fk__write_pages(fk__pdf *p)
{
    fk__obj_begin(p, p->pages_obj);
    fk__emitf(p, "<</Type/Pages/Count %z/Kids[", p->nkids);
    for (size_t i = 0; i < p->nkids && p->st == FK_OK; i++)
        fk__emitf(p, i % 10 == 9 ? "%u 0 R\n" : "%u 0 R ", p->kids[i]);
    fk__emitf(p, "]>>\nendobj\n");
}

fk_status fk__pdf_finish(fk__pdf *p)
{
    for (int f = 0; f < FK_FONT_COUNT && p->st == FK_OK; f++)
        if (p->font[f].obj != 0)
            fk__write_font(p, f);
    fk__write_resources(p);
    fk__write_pages(p);
    uint32_t info = fk__pdf_reserve(p), catalog = fk__pdf_reserve(p);
    fk__obj_begin(p, info);
    fk__emitf(p, "<</Creator(fukan)/Producer(fukan)>>\nendobj\n");
    fk__obj_begin(p, catalog);
    fk__emitf(p, "<</Type/Catalog/Pages %u 0 R>>\nendobj\n", p->pages_obj);
    if (p->st != FK_OK)
        return p->st;
    uint64_t xref = p->written + p->out.len;
    fk__emitf(p, "xref\n0 %u\n0000000000 65535 f \n", p->nobjs + 1);
    for (uint32_t i = 1; i <= p->nobjs && p->st == FK_OK; i++) {
        char e[24];
        int n = snprintf(e, sizeof e, "%010" PRIu64 " 00000 n \n", p->offsets[i]);
        fk__emit(p, e, (size_t)n);
        if (p->offsets[i] == 0)
            fk__pdf_fail(p, FK_EINVAL);
    }
    char tail[128];
    int n =
        snprintf(tail, sizeof tail,
                 "trailer\n<</Size %u/Root %u 0 R/Info %u 0 R>>\nstartxref\n%" PRIu64 "\n%%%%EOF\n",
                 p->nobjs + 1, catalog, info, xref);
    fk__emit(p, tail, (size_t)n);
    fk__flush(p);
    return p->st;
}
