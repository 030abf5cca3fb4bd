/*
 * Machine-readable codes on a sheet: the insert-control DataMatrix (libzint) and the Japan
 * Post customer barcode (bar types and geometry from postal/custbar.h). Both are drawn as one 1-bit
 * image mask scaled to size, which a PDF stores as a small stencil: far cheaper per page than one
 * rectangle per module or bar, and exact at any printer resolution (no interpolation).
 */
#include "compose-private.h"

#include "postal/custbar.h"

#include <math.h>
#include <string.h>
#include <zint.h>

/* Paints the set bits of an A1 surface in black, one bit per unit of ux × uy points. */
static void fk__mask_draw(cairo_t *cr, cairo_surface_t *bits, double x, double y, double ux,
                          double uy)
{
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, ux, uy);
    cairo_pattern_t *p = cairo_pattern_create_for_surface(bits);
    cairo_pattern_set_filter(p, CAIRO_FILTER_NEAREST);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_mask(cr, p);
    cairo_pattern_destroy(p);
    cairo_restore(cr);
}

static void fk__bit_set(unsigned char *row, int x)
{
    uint32_t *words = (uint32_t *)(void *)row;
    /* A1 pixels are bits of native-endian 32-bit words, first pixel in the low bit on LE. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    words[x / 32] |= 0x80000000u >> (x % 32);
#else
    words[x / 32] |= 1u << (x % 32);
#endif
}

/* An empty A1 surface of w × h units, or NULL when out of memory. */
static cairo_surface_t *fk__bits_new(int w, int h)
{
    cairo_surface_t *bits = cairo_image_surface_create(CAIRO_FORMAT_A1, w, h);
    if (cairo_surface_status(bits) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(bits);
        return NULL;
    }
    cairo_surface_flush(bits);
    memset(cairo_image_surface_get_data(bits), 0,
           (size_t)cairo_image_surface_get_stride(bits) * (size_t)h);
    return bits;
}

/*
 * libzint encodes: libdmtx's encoder renders its own image module by module through matrix
 * transforms, which cost a seventh of composing a sheet. Square sizes only, as before, so
 * that a symbol's size on the sheet follows only from the payload's length.
 */
fk_status fk__datamatrix_encode(const char *payload, cairo_surface_t **out)
{
    size_t len = strlen(payload);
    if (len == 0 || len > FK_DATAMATRIX_MAX)
        return FK_EINVAL;
    struct zint_symbol *sym = ZBarcode_Create();
    if (sym == NULL)
        return FK_ENOMEM;
    sym->symbology = BARCODE_DATAMATRIX;
    sym->option_3 = DM_SQUARE;
    sym->input_mode = DATA_MODE | FAST_MODE; /* the minimal encodation costs 10× for no gain here */
    sym->scale = 0.5f;                       /* one pixel per module */
    sym->whitespace_width = sym->whitespace_height = sym->border_width = 0;
    if (ZBarcode_Encode_and_Buffer(sym, (const unsigned char *)payload, (int)len, 0) >=
        ZINT_ERROR) {
        ZBarcode_Delete(sym);
        return FK_EINVAL;
    }
    int w = sym->bitmap_width, h = sym->bitmap_height;
    cairo_surface_t *bits = w == sym->width && h == sym->rows ? fk__bits_new(w, h) : NULL;
    if (bits == NULL) {
        ZBarcode_Delete(sym);
        return FK_ENOMEM;
    }
    unsigned char *data = cairo_image_surface_get_data(bits);
    int stride = cairo_image_surface_get_stride(bits);
    for (int row = 0; row < h; row++)
        for (int col = 0; col < w; col++)
            if (sym->bitmap[3 * ((size_t)row * (size_t)w + (size_t)col)] < 128)
                fk__bit_set(data + (size_t)row * (size_t)stride, col);
    cairo_surface_mark_dirty(bits);
    ZBarcode_Delete(sym);
    *out = bits;
    return FK_OK;
}

void fk__datamatrix_draw(cairo_t *cr, cairo_surface_t *bits, double x, double y, double module)
{
    fk__mask_draw(cr, bits, x, y, module, module);
}

bool fk__barcode_is_valid(const char *bars)
{
    return strlen(bars) == FK_CUSTBAR_BARS && strspn(bars, "LADT") == FK_CUSTBAR_BARS;
}

/*
 * The geometry is postal's (fk_custbar_bar_rect); compose only turns it into a mask. Every
 * bar edge of Japan Post's table lies on a grid of bar widths across and timing-bar heights
 * down, at any point size, so one cell of the mask is width_mm × timing_mm at the size drawn.
 */
fk_status fk__barcode_encode(const char *bars, cairo_surface_t **out)
{
    if (!fk__barcode_is_valid(bars))
        return FK_EINVAL;
    fk_custbar cb = {0};
    memcpy(cb.bars, bars, FK_CUSTBAR_BARS);
    const fk_custbar_geometry g = fk_custbar_get_geometry(10.0);
    const int cols = (int)lround(g.symbol_width_mm / g.width_mm);
    const int rows = (int)lround(g.long_mm / g.timing_mm);
    cairo_surface_t *bits = fk__bits_new(cols, rows);
    if (bits == NULL)
        return FK_ENOMEM;
    unsigned char *data = cairo_image_surface_get_data(bits);
    int stride = cairo_image_surface_get_stride(bits);
    for (int i = 0; i < FK_CUSTBAR_BARS; i++) {
        const fk_custbar_rect r = fk_custbar_bar_rect(&cb, i, 10.0);
        const int x0 = (int)lround(r.x / g.width_mm), x1 = (int)lround((r.x + r.w) / g.width_mm);
        const int y0 = (int)lround(r.y / g.timing_mm);
        const int y1 = (int)lround((r.y + r.h) / g.timing_mm);
        for (int y = y0; y < y1 && y < rows; y++)
            for (int x = x0; x < x1 && x < cols; x++)
                fk__bit_set(data + (size_t)y * (size_t)stride, x);
    }
    cairo_surface_mark_dirty(bits);
    *out = bits;
    return FK_OK;
}

void fk__barcode_draw(cairo_t *cr, cairo_surface_t *bits, double x, double y, double point_size)
{
    const fk_custbar_geometry g = fk_custbar_get_geometry(point_size);
    fk__mask_draw(cr, bits, x, y, g.width_mm * FK_MM_TO_PT, g.timing_mm * FK_MM_TO_PT);
}
