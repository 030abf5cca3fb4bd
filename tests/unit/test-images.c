/* Unit tests for verify/images: codes drawn with libdmtx into PNG and multi-page TIFF files
 * are read back; a page without a code and a file of another type are told apart; a folder
 * of envelopes is checked in name order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dmtx.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tiffio.h>
#include <unistd.h>

#include "verify/images.h"

enum { W = 360, H = 300 };

static char dir[64];

/* A white page with the code's symbol at (40, 40); NULL code: a blank page. */
static unsigned char *page(const char *code)
{
    unsigned char *px = malloc(W * H);
    assert_non_null(px);
    memset(px, 255, W * H);
    if (code == NULL)
        return px;
    DmtxEncode *enc = dmtxEncodeCreate();
    assert_non_null(enc);
    dmtxEncodeSetProp(enc, DmtxPropModuleSize, 5);
    dmtxEncodeSetProp(enc, DmtxPropMarginSize, 10);
    unsigned char text[FK_VERIFY_CODE_TEXT];
    size_t n = strlen(code);
    assert_true(n < sizeof text);
    memcpy(text, code, n);
    assert_int_equal(dmtxEncodeDataMatrix(enc, (int)n, text), DmtxPass);
    int w = dmtxImageGetProp(enc->image, DmtxPropWidth);
    int h = dmtxImageGetProp(enc->image, DmtxPropHeight);
    int bpp = dmtxImageGetProp(enc->image, DmtxPropBytesPerPixel);
    assert_true(w + 40 < W && h + 40 < H);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            px[(y + 40) * W + x + 40] = enc->image->pxl[(y * w + x) * bpp];
    dmtxEncodeDestroy(&enc);
    return px;
}

static void write_png(const char *path, const char *code)
{
    unsigned char *px = page(code);
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = W;
    img.height = H;
    img.format = PNG_FORMAT_GRAY;
    assert_true(png_image_write_to_file(&img, path, 0, px, W, NULL));
    free(px);
}

static void write_tiff(const char *path, const char *const *codes, int pages)
{
    TIFF *t = TIFFOpen(path, "w");
    assert_non_null(t);
    for (int p = 0; p < pages; p++) {
        unsigned char *px = page(codes[p]);
        TIFFSetField(t, TIFFTAG_IMAGEWIDTH, W);
        TIFFSetField(t, TIFFTAG_IMAGELENGTH, H);
        TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
        TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
        TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, H);
        TIFFSetField(t, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
        TIFFSetField(t, TIFFTAG_PAGENUMBER, p, pages);
        for (int y = 0; y < H; y++)
            assert_true(TIFFWriteScanline(t, px + y * W, (uint32_t)y, 0) == 1);
        assert_true(TIFFWriteDirectory(t));
        free(px);
    }
    TIFFClose(t);
}

static char *at(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

#define C1 "FK1|JOB1|S|000001|1/2|0123456789"
#define C2 "FK1|JOB1|S|000001|2/2|0123456789"
#define C3 "FK1|JOB1|J|000001|1/1|abcdefabcd"

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/fk-test-images-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_decode(void **state)
{
    (void)state;
    char out[FK_VERIFY_CODE_TEXT];
    int pages = 0;
    fk_err err;
    write_png(at("one.png"), C3);
    assert_int_equal(fk_verify_image_decode(at("one.png"), 0, out, sizeof out, &pages, &err),
                     FK_OK);
    assert_string_equal(out, C3);
    assert_int_equal(pages, 1);
    const char *codes[] = {C1, C2};
    write_tiff(at("two.tif"), codes, 2);
    assert_int_equal(fk_verify_image_decode(at("two.tif"), 1, out, sizeof out, &pages, &err),
                     FK_OK);
    assert_string_equal(out, C2);
    assert_int_equal(pages, 2);
    write_png(at("blank.png"), NULL);
    assert_int_equal(fk_verify_image_decode(at("blank.png"), 0, out, sizeof out, NULL, &err),
                     FK_ENOENT);
    assert_non_null(strstr(fk_err_message(&err), "no insert-control code found"));
    FILE *f = fopen(at("fake.png"), "w");
    assert_non_null(f);
    fputs("not a png", f);
    fclose(f);
    assert_int_equal(fk_verify_image_decode(at("fake.png"), 0, out, sizeof out, NULL, &err),
                     FK_EFORMAT);
    assert_int_equal(fk_verify_image_decode(at("x.jpg"), 0, out, sizeof out, NULL, &err),
                     FK_EFORMAT);
}

typedef struct {
    char files[512];
} unread_log;

static void on_unreadable(void *ctx, const char *file, int page, const char *why)
{
    unread_log *l = ctx;
    size_t n = strlen(l->files);
    snprintf(l->files + n, sizeof l->files - n, "%s#%d:%s\n", file, page + 1, why);
}

static void test_folder(void **state)
{
    (void)state;
    fk_err err;
    fk_verify_plan *p;
    assert_int_equal(fk_verify_plan_new("JOB1", &p, &err), FK_OK);
    assert_int_equal(fk_verify_plan_add(p, FK_CAT_SEKKYOKU, 1, 1, 2, "0123456789", &err), FK_OK);
    assert_int_equal(fk_verify_plan_add(p, FK_CAT_SEKKYOKU, 2, 1, 2, "5555555555", &err), FK_OK);
    assert_int_equal(fk_verify_plan_add(p, FK_CAT_JUSHIN, 1, 1, 1, "abcdefabcd", &err), FK_OK);
    char envs[128];
    snprintf(envs, sizeof envs, "%s/envs", dir);
    assert_int_equal(mkdir(envs, 0700), 0);
    char sub[160];
    /* a: a two-page TIFF (S-1, complete); b: a folder with ① of S-2 and a blank ②;
     * c: a single PNG (J-1); a text file is ignored. */
    const char *codes[] = {C1, C2};
    snprintf(sub, sizeof sub, "%s/a.tiff", envs);
    write_tiff(sub, codes, 2);
    snprintf(sub, sizeof sub, "%s/b", envs);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/b/1.png", envs);
    write_png(sub, "FK1|JOB1|S|000002|1/2|5555555555");
    snprintf(sub, sizeof sub, "%s/b/2.png", envs);
    write_png(sub, NULL);
    snprintf(sub, sizeof sub, "%s/c.png", envs);
    write_png(sub, C3);
    snprintf(sub, sizeof sub, "%s/notes.txt", envs);
    FILE *f = fopen(sub, "w");
    assert_non_null(f);
    fclose(f);
    fk_verify *v;
    assert_int_equal(fk_verify_new(p, NULL, &v, &err), FK_OK);
    fk_verify_outcomes out = {0};
    unread_log log = {""};
    assert_int_equal(fk_verify_images_dir(v, envs, &out, on_unreadable, &log, &err), FK_OK);
    assert_int_equal(out.n, 3);
    assert_int_equal(out.sheets, 5);
    assert_string_equal(out.items[0].envelope, "a.tiff");
    assert_int_equal(out.items[0].result.faults, 0);
    assert_string_equal(out.items[1].envelope, "b");
    assert_int_equal(out.items[1].result.faults, FK_FAULT_UNREAD);
    assert_int_equal(out.items[1].result.serial, 2);
    assert_int_equal(out.items[2].result.faults, 0);
    assert_int_equal(out.items[2].result.category, FK_CAT_JUSHIN);
    assert_string_equal(log.files, "2.png#1:no insert-control code found\n");
    fk_verify_outcomes_free(&out);
    fk_verify_free(v);
    assert_int_equal(fk_verify_new(p, NULL, &v, &err), FK_OK);
    assert_int_equal(fk_verify_images_dir(v, at("nowhere"), &out, NULL, NULL, &err), FK_ENOENT);
    fk_verify_free(v);
    fk_verify_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode),
        cmocka_unit_test(test_folder),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
