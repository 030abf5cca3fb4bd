/* Scanned page images: see images.h. Images become 8-bit grey for libdmtx; the code is
 * searched for with a time limit per page, because libdmtx walks the whole page. */
#include "images.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <dirent.h>
#include <dmtx.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tiffio.h>

enum { FK__PAGE_MS = 20000, FK__MAX_SHEETS = 64, FK__MAX_PIXELS = 12000 * 12000 };

static bool fk__ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++) {
        char c = s[n - m + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return false;
    }
    return true;
}

static bool fk__is_tiff(const char *p)
{
    return fk__ends_with(p, ".tif") || fk__ends_with(p, ".tiff");
}

static bool fk__is_png(const char *p)
{
    return fk__ends_with(p, ".png");
}

static fk_status fk__load_png(const char *path, unsigned char **px, int *w, int *h, fk_err *err)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        return fk_failf(err, FK_EFORMAT, _("%s: not a readable PNG"), path);
    img.format = PNG_FORMAT_GRAY;
    if ((unsigned long)img.width * img.height > FK__MAX_PIXELS) {
        png_image_free(&img);
        return fk_failf(err, FK_ETOOBIG, _("%s: image too large"), path);
    }
    *px = fk_malloc(PNG_IMAGE_SIZE(img));
    if (*px == NULL) {
        png_image_free(&img);
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    if (!png_image_finish_read(&img, NULL, *px, 0, NULL)) {
        fk_free(*px);
        *px = NULL;
        return fk_failf(err, FK_EFORMAT, _("%s: damaged PNG"), path);
    }
    *w = (int)img.width;
    *h = (int)img.height;
    return FK_OK;
}

static void fk__tiff_quiet(const char *module, const char *fmt, va_list ap)
{
    (void)module;
    (void)fmt;
    (void)ap;
}

static fk_status fk__load_tiff(const char *path, int page, unsigned char **px, int *w, int *h,
                               int *pages, fk_err *err)
{
    TIFFSetErrorHandler(fk__tiff_quiet);
    TIFFSetWarningHandler(fk__tiff_quiet);
    TIFF *t = TIFFOpen(path, "r");
    if (t == NULL)
        return fk_failf(err, FK_EFORMAT, _("%s: not a readable TIFF"), path);
    if (pages != NULL)
        *pages = (int)TIFFNumberOfDirectories(t);
    uint32_t tw = 0, th = 0;
    fk_status s = FK_OK;
    if (!TIFFSetDirectory(t, (tdir_t)page) || !TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &tw) ||
        !TIFFGetField(t, TIFFTAG_IMAGELENGTH, &th) || tw == 0 || th == 0)
        s = fk_failf(err, FK_EFORMAT, _("%s: page %d is not readable"), path, page + 1);
    else if ((unsigned long)tw * th > FK__MAX_PIXELS)
        s = fk_failf(err, FK_ETOOBIG, _("%s: image too large"), path);
    uint32_t *rgba = NULL;
    if (s == FK_OK && (rgba = fk_malloc((size_t)tw * th * 4)) == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK && !TIFFReadRGBAImageOriented(t, tw, th, rgba, ORIENTATION_TOPLEFT, 0))
        s = fk_failf(err, FK_EFORMAT, _("%s: page %d cannot be decoded"), path, page + 1);
    if (s == FK_OK && (*px = fk_malloc((size_t)tw * th)) == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK) {
        for (size_t i = 0; i < (size_t)tw * th; i++) {
            uint32_t p = rgba[i];
            (*px)[i] =
                (unsigned char)((TIFFGetR(p) * 30 + TIFFGetG(p) * 59 + TIFFGetB(p) * 11) / 100);
        }
        *w = (int)tw;
        *h = (int)th;
    }
    fk_free(rgba);
    TIFFClose(t);
    return s;
}

/* The first DataMatrix on the page whose text looks like an insert-control code. */
static bool fk__decode(unsigned char *px, int w, int h, char *out, size_t size)
{
    DmtxImage *img = dmtxImageCreate(px, w, h, DmtxPack8bppK);
    if (img == NULL)
        return false;
    DmtxDecode *dec = dmtxDecodeCreate(img, 1);
    bool found = false;
    if (dec != NULL) {
        DmtxTime limit = dmtxTimeAdd(dmtxTimeNow(), FK__PAGE_MS);
        DmtxRegion *reg;
        while (!found && (reg = dmtxRegionFindNext(dec, &limit)) != NULL) {
            DmtxMessage *msg = dmtxDecodeMatrixRegion(dec, reg, DmtxUndefined);
            if (msg != NULL) {
                size_t n = msg->outputIdx;
                if (n >= 2 && n < size && memcmp(msg->output, "FK", 2) == 0) {
                    memcpy(out, msg->output, n);
                    out[n] = '\0';
                    found = true;
                }
                dmtxMessageDestroy(&msg);
            }
            dmtxRegionDestroy(&reg);
        }
        dmtxDecodeDestroy(&dec);
    }
    dmtxImageDestroy(&img);
    return found;
}

fk_status fk_verify_image_decode(const char *path, int page, char *out, size_t size, int *pages,
                                 fk_err *err)
{
    unsigned char *px = NULL;
    int w = 0, h = 0;
    fk_status s;
    if (fk__is_png(path)) {
        if (pages != NULL)
            *pages = 1;
        s = fk__load_png(path, &px, &w, &h, err);
    } else if (fk__is_tiff(path)) {
        s = fk__load_tiff(path, page, &px, &w, &h, pages, err);
    } else {
        s = fk_failf(err, FK_EFORMAT, _("%s: not a PNG or TIFF"), path);
    }
    if (s == FK_OK && !fk__decode(px, w, h, out, size))
        s = fk_failf(err, FK_ENOENT, _("%s: no insert-control code found"), path);
    fk_free(px);
    return s;
}

typedef struct {
    fk_verify *v;
    fk_verify_outcomes *out;
    fk_verify_unreadable unreadable;
    void *ctx;
    char payload[FK__MAX_SHEETS][FK_VERIFY_CODE_TEXT];
    size_t n;
} fk__env;

static const char *fk__base(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* Adds the sheets of one image file (every page of a TIFF). */
static fk_status fk__add_file(fk__env *e, const char *path, fk_err *err)
{
    int pages = 1;
    for (int page = 0; page < pages; page++) {
        if (e->n == FK__MAX_SHEETS)
            return fk_failf(err, FK_ETOOBIG, _("%s: more than 64 sheets in one envelope"), path);
        fk_err why;
        fk_err_clear(&why);
        fk_status s = fk_verify_image_decode(path, page, e->payload[e->n], sizeof e->payload[0],
                                             &pages, &why);
        if (s == FK_ENOMEM)
            return fk_failf(err, s, _("out of memory"));
        if (s != FK_OK) {
            e->payload[e->n][0] = '\0';
            if (e->unreadable != NULL) {
                const char *m = fk_err_message(&why);
                const char *colon = strstr(m, ": ");
                e->unreadable(e->ctx, fk__base(path), page, colon ? colon + 2 : m);
            }
        }
        e->n++;
    }
    return FK_OK;
}

static int fk__select(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static fk_status fk__check(fk__env *e, const char *name, fk_err *err)
{
    if (e->n == 0)
        return FK_OK;
    const char *p[FK__MAX_SHEETS];
    for (size_t i = 0; i < e->n; i++)
        p[i] = e->payload[i];
    fk_verify_result r;
    fk_status s = fk_verify_envelope(e->v, p, e->n, &r, err);
    if (s == FK_OK && fk_verify_outcomes_add(e->out, &r, name) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    e->out->sheets += (long)e->n;
    e->n = 0;
    return s;
}

fk_status fk_verify_images_dir(fk_verify *v, const char *dir, fk_verify_outcomes *out,
                               fk_verify_unreadable unreadable, void *ctx, fk_err *err)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, fk__select, alphasort);
    if (n < 0)
        return fk_failf(err, FK_ENOENT, _("%s: cannot read the folder"), dir);
    fk__env *e = fk_calloc(1, sizeof *e);
    fk_status s = e ? FK_OK : fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (e != NULL) {
        e->v = v;
        e->out = out;
        e->unreadable = unreadable;
        e->ctx = ctx;
    }
    for (int i = 0; s == FK_OK && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            struct dirent **inner = NULL;
            int m = scandir(path, &inner, fk__select, alphasort);
            for (int j = 0; s == FK_OK && j < m; j++) {
                char file[4096 + 256];
                snprintf(file, sizeof file, "%s/%s", path, inner[j]->d_name);
                if (fk__is_png(file) || fk__is_tiff(file))
                    s = fk__add_file(e, file, err);
            }
            for (int j = 0; j < m; j++)
                free(inner[j]);
            free(inner);
        } else if (fk__is_png(path) || fk__is_tiff(path)) {
            s = fk__add_file(e, path, err);
        } else {
            continue;
        }
        if (s == FK_OK)
            s = fk__check(e, list[i]->d_name, err);
    }
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    fk_free(e);
    return s;
}
