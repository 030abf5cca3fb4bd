/*
 * Machine-readable codes on a sheet: the insert-control DataMatrix (libdmtx) and the Japan
 * Post customer barcode (bar types supplied by the caller). Both are drawn as one 1-bit image
 * mask scaled to size, which a PDF stores as a small stencil: far cheaper per page than one
 * rectangle per module or bar, and exact at any printer resolution (no interpolation).
 */
#include "compose-private.h"

#include <dmtx.h>
#include <string.h>

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

fk_status fk__datamatrix_draw(cairo_t *cr, const char *payload, double x, double y, double module,
                              fk_err *err)
{
    DmtxEncode *enc = dmtxEncodeCreate();
    if (enc == NULL)
        return fk_failf(err, FK_ENOMEM, "out of memory encoding a DataMatrix");
    dmtxEncodeSetProp(enc, DmtxPropModuleSize, 1);
    dmtxEncodeSetProp(enc, DmtxPropMarginSize, 0);
    dmtxEncodeSetProp(enc, DmtxPropSizeRequest, DmtxSymbolSquareAuto);
    size_t len = strlen(payload);
    if (len == 0 || len > 500 ||
        dmtxEncodeDataMatrix(enc, (int)len, (unsigned char *)(uintptr_t)payload) == DmtxFail) {
        dmtxEncodeDestroy(&enc);
        return fk_failf(err, FK_EINVAL, "DataMatrix payload cannot be encoded");
    }
    int w = dmtxImageGetProp(enc->image, DmtxPropWidth);
    int h = dmtxImageGetProp(enc->image, DmtxPropHeight);
    cairo_surface_t *bits = cairo_image_surface_create(CAIRO_FORMAT_A1, w, h);
    if (cairo_surface_status(bits) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(bits);
        dmtxEncodeDestroy(&enc);
        return fk_failf(err, FK_ENOMEM, "out of memory drawing a DataMatrix");
    }
    cairo_surface_flush(bits);
    unsigned char *data = cairo_image_surface_get_data(bits);
    int stride = cairo_image_surface_get_stride(bits);
    memset(data, 0, (size_t)stride * (size_t)h);
    for (int row = 0; row < h; row++) {
        for (int col = 0; col < w; col++) {
            int v = 255;
            /* libdmtx's image rows count from the bottom. */
            dmtxImageGetPixelValue(enc->image, col, h - 1 - row, 0, &v);
            if (v < 128)
                fk__bit_set(data + (size_t)row * (size_t)stride, col);
        }
    }
    cairo_surface_mark_dirty(bits);
    dmtxEncodeDestroy(&enc);
    fk__mask_draw(cr, bits, x, y, module, module);
    cairo_surface_destroy(bits);
    return FK_OK;
}

bool fk__barcode_is_valid(const char *bars)
{
    return strlen(bars) == 67 && strspn(bars, "LADT") == 67;
}

fk_status fk__barcode_draw(cairo_t *cr, const char *bars, double x, double y, double point_size)
{
    /* Three rows of timing-bar height; a bar and the space after it are one unit wide each. */
    cairo_surface_t *bits = cairo_image_surface_create(CAIRO_FORMAT_A1, 133, 3);
    if (cairo_surface_status(bits) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(bits);
        return FK_ENOMEM;
    }
    cairo_surface_flush(bits);
    unsigned char *data = cairo_image_surface_get_data(bits);
    int stride = cairo_image_surface_get_stride(bits);
    memset(data, 0, (size_t)stride * 3);
    for (int i = 0; i < 67; i++) {
        char b = bars[i];
        bool top = b == 'L' || b == 'A', bottom = b == 'L' || b == 'D';
        if (top)
            fk__bit_set(data, 2 * i);
        fk__bit_set(data + stride, 2 * i);
        if (bottom)
            fk__bit_set(data + 2 * stride, 2 * i);
    }
    cairo_surface_mark_dirty(bits);
    double unit = point_size / 10.0 * FK_MM_TO_PT;
    fk__mask_draw(cr, bits, x, y, 0.6 * unit, 1.2 * unit);
    cairo_surface_destroy(bits);
    return FK_OK;
}
