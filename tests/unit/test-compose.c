/*
 * Tests of the compose stage: fields, templates and their findings, line breaking (禁則),
 * shaping with font fallback, and print files checked with independent tools: pdffonts
 * (fonts embedded and subsetted), qpdf --check, pdftotext (names and addresses come back
 * exactly, 𠮷 and a variation sequence included) and dmtxread on pages rendered at 300 dpi.
 */
#include "compose/compose-private.h"
#include "compose/doc.h"
#include "compose/fields.h"
#include "compose/report.h"
#include "compose/template.h"
#include "fk-config.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMPLATES FK_SOURCE_ROOT "/templates/"

/* A bar pattern for 263-0023 / 3-30-8-403 (domain.md §6 worked example, check digit 5). */
static const char *const BARS =
    "LDLDADALDLALTTLTTLDADLADLATLTDLALTTTLTADLTLTLADLTTDLATDATDATDALTLDL";

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/fk-compose-XXXXXX");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Runs cmd and returns its standard output (caller frees), or NULL if it failed. */
static char *run(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        return NULL;
    fk_buf out;
    fk_buf_init(&out, 16 * 1024 * 1024);
    char chunk[4096];
    size_t n;
    bool ok = true;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        ok = ok && fk_buf_append(&out, chunk, n) == FK_OK;
    int rc = pclose(p);
    if (!ok || rc != 0) {
        fk_buf_free(&out);
        return NULL;
    }
    return out.data != NULL ? fk_buf_take(&out) : fk_strdup("");
}

static void sample_record(fk_record *r, const char *name, const char *address)
{
    fk_record_init(r);
    r->category = FK_CAT_SEKKYOKU;
    r->name = fk_strdup(name);
    r->kana = fk_strdup("シンジュク　タロウ");
    r->birth = (fk_date){1970, 4, 1};
    r->sex = FK_SEX_MALE;
    r->age = 55;
    memcpy(r->postal, "2630023", 8);
    r->address = fk_strdup(address);
    r->building = fk_strdup("郵便ビル403号");
    r->ins_symbol = fk_strdup("01");
    r->ins_number = fk_strdup("123456");
    memcpy(r->ticket_no, "25100000001", 12);
    memcpy(r->voucher_no, "25200000001", 12);
    r->exam_date = (fk_date){2025, 6, 10};
    r->sbp = 142;
    r->hba1c = 6.04;
}

static fk_fields *sample_fields(const char *name, const char *address, const char *payload)
{
    fk_record r;
    sample_record(&r, name, address);
    fk_fields *f = fk_fields_new();
    assert_non_null(f);
    fk_err err = {FK_OK, ""};
    assert_int_equal(fk_compose_fields_from_record(&r, f, &err), FK_OK);
    fk_record_clear(&r);
    fk_order *o = NULL;
    assert_int_equal(fk_order_load(FK_SOURCE_ROOT "/tests/fixtures/job.yaml", &o, &err), FK_OK);
    assert_int_equal(fk_compose_fields_from_order(o, (fk_date){2025, 7, 1}, f, &err), FK_OK);
    fk_order_free(o);
    assert_int_equal(fk_fields_set(f, "customer_barcode", BARS), FK_OK);
    assert_int_equal(fk_fields_set(f, "dm_payload", payload), FK_OK);
    assert_int_equal(fk_fields_set(f, "dm_text", payload), FK_OK);
    assert_int_equal(fk_fields_set(f, "sbp_mark", "H"), FK_OK);
    assert_int_equal(fk_fields_set(f, "jushin_items", "血圧（収縮期）142 mmHg\nHbA1c 6.5 %"),
                     FK_OK);
    return f;
}

/* The hashed lookup: every key of a full dictionary found, replaced in place, nothing left
 * after a clear, the same keys again in another order, and no entry past the limit. */
static void test_fields_lookup(void **state)
{
    (void)state;
    fk_fields *f = fk_fields_new();
    char key[32], value[32];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 256; i++) {
            int k = round ? 255 - i : i;
            snprintf(key, sizeof key, "k%d_mark", k);
            snprintf(value, sizeof value, "v%d.%d", k, round);
            assert_int_equal(fk_fields_set(f, key, value), FK_OK);
        }
        assert_int_equal(fk_fields_set(f, "one_too_many", "x"), FK_ETOOBIG);
        assert_int_equal(fk_fields_set(f, "k7_mark", "replaced"), FK_OK);
        for (int k = 0; k < 256; k++) {
            snprintf(key, sizeof key, "k%d_mark", k);
            snprintf(value, sizeof value, "v%d.%d", k, round);
            assert_string_equal(fk_fields_get(f, key), k == 7 ? "replaced" : value);
        }
        assert_null(fk_fields_get(f, "k256_mark"));
        assert_null(fk_fields_get(f, "k7_mar"));
        fk_fields_clear(f);
        assert_null(fk_fields_get(f, "k0_mark"));
        assert_null(fk_fields_get(f, "k7_mark"));
    }
    assert_int_equal(fk_fields_set(f, "", "empty key"), FK_OK);
    assert_string_equal(fk_fields_get(f, ""), "empty key");
    fk_fields_free(f);
}

static void test_fields_from_record(void **state)
{
    (void)state;
    fk_fields *f = sample_fields("新宿　太郎", "千葉市稲毛区緑町3丁目30-8", "FK1|J|S|1|1/2|X");
    assert_string_equal(fk_fields_get(f, "postal"), "〒263-0023");
    assert_string_equal(fk_fields_get(f, "birth"), "昭和45年4月1日（1970-04-01）");
    assert_string_equal(fk_fields_get(f, "age"), "55歳");
    assert_string_equal(fk_fields_get(f, "category"), "積極的支援");
    assert_string_equal(fk_fields_get(f, "category_title"), "特定保健指導（積極的支援）");
    assert_string_equal(fk_fields_get(f, "sbp"), "142 mmHg");
    assert_string_equal(fk_fields_get(f, "sbp_value"), "142");
    assert_string_equal(fk_fields_get(f, "hba1c"), "6.0 %");
    assert_string_equal(fk_fields_get(f, "ldl"), "未実施");
    assert_string_equal(fk_fields_get(f, "exam_date"), "令和7年6月10日（2025-06-10）");
    /* The order's fields (tests/fixtures/job.yaml), issued on 2025-07-01. */
    assert_string_equal(fk_fields_get(f, "issue_date"), "令和7年7月1日（2025-07-01）");
    assert_string_equal(fk_fields_get(f, "valid_period"),
                        "令和7年7月1日（2025-07-01）から令和8年3月31日（2026-03-31）まで");
    assert_string_equal(fk_fields_get(f, "copay"), "なし（無料）");
    assert_string_equal(fk_fields_get(f, "insurer_limit"), "28,000円");
    assert_string_equal(fk_fields_get(f, "insurer_postal"), "〒160-8484");
    assert_string_equal(fk_fields_get(f, "insurer_number"), "131045");
    assert_string_equal(fk_fields_get(f, "payment_agent_number"), "91399999");
    assert_null(fk_fields_get(f, "no_such_key"));
    assert_int_equal(fk_fields_set(f, "name", "\xff"), FK_EINVAL);
    fk_fields_clear(f);
    assert_null(fk_fields_get(f, "name"));
    assert_int_equal(fk_fields_set(f, "name", "髙橋"), FK_OK);
    assert_string_equal(fk_fields_get(f, "name"), "髙橋");
    assert_true(fk_fields_is_known_key("ldl_mark"));
    assert_true(fk_fields_is_known_key("egfr_value"));
    assert_false(fk_fields_is_known_key("nme"));
    fk_fields_free(f);
}

static bool collect(void *user, const char *message)
{
    fk_buf *b = user;
    return fk_buf_append_str(b, message) == FK_OK && fk_buf_append_str(b, "\n") == FK_OK;
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_template_findings(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/bad.yaml", tmpdir);
    write_file(path, "page: {width: 210, height: 297}\n"
                     "elements:\n"
                     "  - type: text\n"
                     "    x: 250\n"
                     "    y: 10\n"
                     "    text: \"{{nme}}\"\n"
                     "    colour: red\n"
                     "  - {type: box, x: a, y: 1, width: 10, height: 10}\n"
                     "  - {type: circle, x: 1}\n"
                     "  - {type: text, x: 1, y: 1, text: t, font: comic}\n");
    fk_buf found;
    fk_buf_init(&found, 65536);
    fk_err err = {FK_OK, ""};
    assert_int_equal(fk_template_check(path, collect, &found, &err), FK_EFINDING);
    const char *m = fk_buf_cstr(&found);
    assert_non_null(strstr(m, "bad.yaml:7:5: unknown key 'colour'"));
    assert_non_null(strstr(m, "unknown field '{{nme}}'"));
    assert_non_null(strstr(m, "outside the 210x297 mm page"));
    assert_non_null(strstr(m, "bad.yaml:8:20: 'x' must be a number"));
    assert_non_null(strstr(m, "bad.yaml:9:6: element needs 'type'"));
    assert_non_null(strstr(m, "'font' must be gothic"));
    fk_buf_free(&found);

    fk_template *t = NULL;
    assert_int_equal(fk_template_load(path, &t, &err), FK_EFORMAT);
    assert_null(t);
    assert_non_null(strstr(err.msg, "bad.yaml:"));

    write_file(path, "page: {width: 210, height: [\n");
    fk_buf_init(&found, 65536);
    assert_int_equal(fk_template_check(path, collect, &found, &err), FK_EFINDING);
    assert_non_null(strstr(fk_buf_cstr(&found), "bad.yaml:"));
    fk_buf_free(&found);
    assert_int_equal(fk_template_check("/nonexistent.yaml", collect, &found, &err), FK_ENOENT);

    /* Placeholders never reach paper: template check and loading for compose refuse them. */
    write_file(path, "page: {width: 210, height: 297}\n"
                     "elements:\n"
                     "  - {type: text, x: 10, y: 10, text: \"電話 03-5273-XXXX（直通）\"}\n"
                     "  - {type: text, x: 10, y: 20, text: \"○○課\"}\n"
                     "  - type: table\n"
                     "    x: 10\n"
                     "    y: 30\n"
                     "    columns: [40, 40]\n"
                     "    rows:\n"
                     "      - [\"連絡先\", \"TODO {{insurer_phone}}\"]\n");
    fk_buf_init(&found, 65536);
    assert_int_equal(fk_template_check(path, collect, &found, &err), FK_EFINDING);
    m = fk_buf_cstr(&found);
    assert_non_null(strstr(m, "bad.yaml:3:6: placeholder 'XXXX'"));
    assert_non_null(strstr(m, "placeholder '○○'"));
    assert_non_null(strstr(m, "placeholder 'TODO'"));
    fk_buf_free(&found);
    assert_int_equal(fk_template_load(path, &t, &err), FK_EFORMAT);
    assert_null(t);
}

static void test_default_templates_are_clean(void **state)
{
    (void)state;
    static const char *const names[] = {"voucher-tokutei.yaml", "voucher-hihiman.yaml",
                                        "voucher-kenko.yaml",   "notice-jushin.yaml",
                                        "results.yaml",         "address-block.yaml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s%s", TEMPLATES, names[i]);
        fk_buf found;
        fk_buf_init(&found, 65536);
        fk_err err = {FK_OK, ""};
        fk_status s = fk_template_check(path, collect, &found, &err);
        if (s != FK_OK)
            fprintf(stderr, "%s", fk_buf_cstr(&found));
        assert_int_equal(s, FK_OK);
        fk_buf_free(&found);
    }
}

static fk_template *load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s%s", TEMPLATES, name);
    fk_template *t = NULL;
    fk_err err = {FK_OK, ""};
    fk_status s = fk_template_load(path, &t, &err);
    if (s != FK_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(s, FK_OK);
    return t;
}

static void test_line_breaking(void **state)
{
    (void)state;
    fk__fontset *fonts = NULL;
    fk_err err = {FK_OK, ""};
    assert_int_equal(fk__fontset_new(&fonts, &err), FK_OK);
    fk__shaped sh;
    fk__shaped_init(&sh);
    fk__line *lines = NULL;
    size_t n = 0, cap = 0;
    /* Nine full-width characters per line would put 、 and 。 at line starts. */
    const char *text = "あいうえおかきくけ、こさしすせそたちつ。「てと」なにぬねのはひふへほ";
    for (double w = 3; w <= 12; w += 1) {
        assert_int_equal(fk__break_lines(fonts, FK_FONT_GOTHIC, text, strlen(text), w, false, &sh,
                                         &lines, &n, &cap),
                         FK_OK);
        assert_true(n >= 2);
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t first, last = 0;
            assert_true(fk_utf8_decode(text + lines[i].start, lines[i].len, &first) > 0);
            for (size_t k = 0; k < lines[i].len;) {
                size_t m = fk_utf8_decode(text + lines[i].start + k, lines[i].len - k, &last);
                assert_true(m > 0);
                k += m;
            }
            if (i > 0)
                assert_false(fk__is_line_start_forbidden(first));
            if (i + 1 < n)
                assert_false(fk__is_line_end_forbidden(last));
            total += lines[i].len;
        }
        assert_int_equal(total, strlen(text));
    }
    /* Latin words stay whole; '\n' breaks. */
    const char *latin = "HbA1c 6.5 % eGFR 45.0\n次の行";
    assert_int_equal(fk__break_lines(fonts, FK_FONT_GOTHIC, latin, strlen(latin), 6, false, &sh,
                                     &lines, &n, &cap),
                     FK_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(latin + lines[0].start, "HbA1c 6.5 %", lines[0].len);
    assert_memory_equal(latin + lines[1].start, "eGFR 45.0", lines[1].len);
    assert_memory_equal(latin + lines[2].start, "次の行", lines[2].len);
    /* Addresses break at a block boundary that keeps half the line, where the greedy
     * break would cut a name in two. */
    static const struct {
        const char *text, *first;
        double width;
    } addr[] = {
        {"新宿区西新宿二丁目グランドハイツ新宿", "新宿区西新宿二丁目", 12},
        {"東京都新宿区市谷加賀町2-22アパート第二号棟", "東京都新宿区市谷加賀町2-22", 14},
        {"新宿区大久保三丁目15番地の2コーポ大久保", "新宿区大久保三丁目15番地の2", 16},
    };
    for (size_t k = 0; k < sizeof addr / sizeof addr[0]; k++) {
        const char *t = addr[k].text;
        size_t greedy;
        assert_int_equal(fk__break_lines(fonts, FK_FONT_GOTHIC, t, strlen(t), addr[k].width, false,
                                         &sh, &lines, &n, &cap),
                         FK_OK);
        greedy = lines[0].len;
        assert_int_equal(fk__break_lines(fonts, FK_FONT_GOTHIC, t, strlen(t), addr[k].width, true,
                                         &sh, &lines, &n, &cap),
                         FK_OK);
        assert_int_equal(n, 2);
        if (lines[0].len != strlen(addr[k].first) || memcmp(t, addr[k].first, lines[0].len) != 0)
            fail_msg("'%s' at %.0f em: first line '%.*s', expected '%s'", t, addr[k].width,
                     (int)lines[0].len, t, addr[k].first);
        if (greedy <= lines[0].len)
            fail_msg("'%s' at %.0f em: the greedy break (%zu bytes) is no later", t, addr[k].width,
                     greedy);
    }
    fk_free(lines);
    fk__shaped_free(&sh);
    fk__fontset_free(fonts);
}

static void test_shaping_fallback(void **state)
{
    (void)state;
    fk__fontset *fonts = NULL;
    fk_err err = {FK_OK, ""};
    assert_int_equal(fk__fontset_new(&fonts, &err), FK_OK);
    fk__shaped sh;
    fk__shaped_init(&sh);
    /* 𠮷 comes from IPAmj明朝; BIZ UD has 葛+U+E0100 (its variation sequences) and the rest. */
    const char *name = "𠮷田　葛\U000E0100飾";
    assert_int_equal(fk__shape(fonts, FK_FONT_GOTHIC, name, strlen(name), &sh), FK_OK);
    assert_true(sh.nsegs >= 2);
    assert_int_equal(sh.segs[0].font, FK_FONT_FALLBACK);
    assert_int_equal(sh.segs[0].byte_len, 4);
    int fallback_bytes = 0;
    for (size_t i = 0; i < sh.nsegs; i++)
        if (sh.segs[i].font == FK_FONT_FALLBACK)
            fallback_bytes += (int)sh.segs[i].byte_len;
    assert_int_equal(fallback_bytes, 4);
    assert_true(sh.width > 4.9 && sh.width < 5.1);
    /* Clusters cover every byte. */
    int bytes = 0;
    for (size_t i = 0; i < sh.nclusters; i++)
        bytes += sh.clusters[i].num_bytes;
    assert_int_equal(bytes, (int)strlen(name));
    /* A variation sequence only IPAmj明朝 has (辻 with the second selector of its IVD
     * collection) falls back as a whole, selector included. */
    const char *ivs = "辻󠄁";
    assert_int_equal(fk__shape(fonts, FK_FONT_GOTHIC, ivs, strlen(ivs), &sh), FK_OK);
    assert_int_equal(sh.nsegs, 1);
    assert_int_equal(sh.nglyphs, 1);
    /* A private-use character no font has is a finding, never a blank box. */
    const char *bad = "山田\xf3\xb0\x80\x80";
    assert_int_equal(fk__shape(fonts, FK_FONT_MINCHO, bad, strlen(bad), &sh), FK_EFINDING);
    assert_int_equal(sh.missing, 0xF0000);
    fk__shaped_free(&sh);
    fk__fontset_free(fonts);
}

static void assert_same_shape(const fk__shaped *a, const fk__shaped *b)
{
    assert_int_equal(a->nglyphs, b->nglyphs);
    assert_int_equal(a->nsegs, b->nsegs);
    assert_int_equal(a->nclusters, b->nclusters);
    assert_true(a->width == b->width);
    for (size_t i = 0; i < a->nglyphs; i++) {
        assert_int_equal(a->glyphs[i].index, b->glyphs[i].index);
        assert_true(a->glyphs[i].x == b->glyphs[i].x && a->glyphs[i].y == b->glyphs[i].y);
        assert_true(a->adv[i] == b->adv[i]);
    }
    for (size_t i = 0; i < a->nsegs; i++) {
        assert_int_equal(a->segs[i].font, b->segs[i].font);
        assert_int_equal(a->segs[i].byte_len, b->segs[i].byte_len);
        assert_int_equal(a->segs[i].glyph_count, b->segs[i].glyph_count);
    }
    for (size_t i = 0; i < a->nclusters; i++) {
        assert_int_equal(a->clusters[i].num_bytes, b->clusters[i].num_bytes);
        assert_int_equal(a->clusters[i].num_glyphs, b->clusters[i].num_glyphs);
    }
}

/* A text shaped through the cache, whether it is found there or not, shapes as without. */
static void test_shape_cache(void **state)
{
    (void)state;
    fk__fontset *fonts = NULL;
    fk_err err = {FK_OK, ""};
    assert_int_equal(fk__fontset_new(&fonts, &err), FK_OK);
    fk__shape_cache *cache = fk__shape_cache_new();
    assert_non_null(cache);
    fk__shaped plain, cached;
    fk__shaped_init(&plain);
    fk__shaped_init(&cached);
    cached.cache = cache;
    const char *texts[] = {"𠮷田　葛\U000E0100飾", "142 mmHg", "", "令和7年7月1日", "辻󠄁"};
    char many[32];
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            const char *t = texts[i];
            assert_int_equal(fk__shape(fonts, FK_FONT_GOTHIC, t, strlen(t), &plain), FK_OK);
            assert_int_equal(fk__shape(fonts, FK_FONT_GOTHIC, t, strlen(t), &cached), FK_OK);
            assert_ptr_equal(cached.utf8, t);
            assert_same_shape(&plain, &cached);
            /* The same text in another font is another entry. */
            assert_int_equal(fk__shape(fonts, FK_FONT_MINCHO, t, strlen(t), &plain), FK_OK);
            assert_int_equal(fk__shape(fonts, FK_FONT_MINCHO, t, strlen(t), &cached), FK_OK);
            assert_same_shape(&plain, &cached);
        }
        /* More texts than slots, each three times (kept at the second, found at the third):
         * entries are replaced, never mixed up. */
        for (int k = 0; k < 6000; k++) {
            snprintf(many, sizeof many, "%d番地", k * 7919 % 100000);
            for (int time = 0; time < 3; time++) {
                assert_int_equal(fk__shape(fonts, FK_FONT_GOTHIC, many, strlen(many), &cached),
                                 FK_OK);
                if (k % 500 == 0) {
                    assert_int_equal(fk__shape(fonts, FK_FONT_GOTHIC, many, strlen(many), &plain),
                                     FK_OK);
                    assert_same_shape(&plain, &cached);
                }
            }
        }
    }
    /* A finding is not kept: the same text fails again. */
    const char *bad = "山田\xf3\xb0\x80\x80";
    for (int twice = 0; twice < 2; twice++) {
        assert_int_equal(fk__shape(fonts, FK_FONT_MINCHO, bad, strlen(bad), &cached), FK_EFINDING);
        assert_int_equal(cached.missing, 0xF0000);
    }
    fk__shaped_free(&plain);
    fk__shaped_free(&cached);
    fk__shape_cache_free(cache);
    fk__fontset_free(fonts);
}

static void test_fields_fallback(void **state)
{
    (void)state;
    fk_fields *shared = fk_fields_new(), *f = fk_fields_new();
    assert_int_equal(fk_fields_set(shared, "ward", "新宿区"), FK_OK);
    assert_int_equal(fk_fields_set(shared, "name", "shared"), FK_OK);
    fk_fields_set_fallback(f, shared);
    assert_int_equal(fk_fields_set(f, "name", "own"), FK_OK);
    assert_string_equal(fk_fields_get(f, "name"), "own");
    assert_string_equal(fk_fields_get(f, "ward"), "新宿区");
    assert_null(fk_fields_get(f, "kana"));
    fk_fields_clear(f);
    assert_string_equal(fk_fields_get(f, "name"), "shared");
    fk_fields_set_fallback(f, NULL);
    assert_null(fk_fields_get(f, "ward"));
    fk_fields_free(f);
    fk_fields_free(shared);
}

/*
 * True if text holds name with its parts in order. pdftotext rebuilds blanks from the gaps
 * between glyphs, so the ideographic space between family and given name comes back as one
 * or more blanks; every other character must come back exactly.
 */
static bool has_name(const char *text, const char *name)
{
    const char *sep = strstr(name, "　");
    if (sep == NULL)
        return strstr(text, name) != NULL;
    char family[64];
    snprintf(family, sizeof family, "%.*s", (int)(sep - name), name);
    const char *given = sep + strlen("　");
    for (const char *p = strstr(text, family); p != NULL; p = strstr(p + 1, family)) {
        const char *q = p + strlen(family);
        size_t blanks = strspn(q, " ");
        if (blanks > 0 && strncmp(q + blanks, given, strlen(given)) == 0)
            return true;
    }
    return false;
}

static char *pdf_text(const char *pdf, int page)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d -layout '%s' -", page, page, pdf);
    return run(cmd);
}

static void check_pdf_tools(const char *pdf)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", pdf);
    char *out = run(cmd);
    assert_non_null(out);
    assert_non_null(strstr(out, "No syntax or stream encoding errors"));
    fk_free(out);
    snprintf(cmd, sizeof cmd, "pdffonts '%s'", pdf);
    out = run(cmd);
    assert_non_null(out);
    /* Every font row's "emb sub uni" columns read "yes yes yes", and the name is a subset. */
    int fonts = 0;
    for (char *line = out; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        if (strncmp(line, "name", 4) != 0 && strncmp(line, "----", 4) != 0 && line[0] != '\0') {
            fonts++;
            assert_non_null(strstr(line, " yes yes yes "));
            assert_non_null(strchr(line, '+'));
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    assert_true(fonts >= 2);
    fk_free(out);
}

static const char *const NAMES[] = {"𠮷田　太郎", "髙橋　花子", "山﨑　一郎",
                                    "葛\U000E0100飾　次郎"};
static const char *const ADDRESSES[] = {
    "千葉市稲毛区緑町3丁目30-8",
    "東京都新宿区歌舞伎町1丁目4-1",
    "東京都新宿区西新宿2丁目8-1",
    "東京都葛飾区立石5丁目13-1",
};

static void test_writer_print_file(void **state)
{
    (void)state;
    fk_template *t = load("voucher-tokutei.yaml");
    char pdf[128];
    snprintf(pdf, sizeof pdf, "%s/voucher.pdf", tmpdir);
    fk_err err = {FK_OK, ""};
    fk_doc_writer *w = fk_doc_writer_new(pdf, t, &err);
    assert_non_null(w);
    char payloads[4][64];
    for (int i = 0; i < 4; i++) {
        snprintf(payloads[i], sizeof payloads[i], "FK1|J2025SJ01|S|%06d|1/2|%08X", i + 1,
                 0x1234ABCDu + (unsigned)i);
        fk_fields *f = sample_fields(NAMES[i], ADDRESSES[i], payloads[i]);
        assert_int_equal(fk_doc_writer_add_sheet(w, f, &err), FK_OK);
        fk_fields_free(f);
    }
    /* A name no font can show is held back, naming the field, and nothing is drawn. */
    fk_fields *f = sample_fields("山田\xf3\xb0\x80\x80", ADDRESSES[0], payloads[0]);
    assert_int_equal(fk_doc_writer_add_sheet(w, f, &err), FK_EFINDING);
    if (strstr(err.msg, "氏名: character U+F0000 not in any configured font") == NULL)
        fprintf(stderr, "%s\n", err.msg);
    assert_non_null(strstr(err.msg, "氏名: character U+F0000 not in any configured font"));
    assert_null(strstr(err.msg, "山田"));
    fk_fields_free(f);
    /* An address too long for two lines even at the minimum size is a finding too. */
    char longaddr[2048] = "";
    for (int i = 0; i < 12; i++)
        strncat(longaddr, ADDRESSES[1], sizeof longaddr - strlen(longaddr) - 1);
    f = sample_fields(NAMES[1], longaddr, payloads[0]);
    assert_int_equal(fk_doc_writer_check_sheet(w, f, &err), FK_EFINDING);
    assert_non_null(
        strstr(err.msg, "住所: paragraph does not fit in 84.0 × 8.3 mm even at 7.0 pt"));
    fk_fields_free(f);
    /* A malformed barcode is refused. */
    f = sample_fields(NAMES[1], ADDRESSES[1], payloads[0]);
    assert_int_equal(fk_fields_set(f, "customer_barcode", "LDX"), FK_OK);
    assert_int_equal(fk_doc_writer_add_sheet(w, f, &err), FK_EINVAL);
    fk_fields_free(f);
    assert_int_equal(fk_doc_writer_sheet_count(w), 4);
    assert_int_equal(fk_doc_writer_close(w, &err), FK_OK);

    struct stat st;
    assert_int_equal(stat(pdf, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    check_pdf_tools(pdf);
    for (int i = 0; i < 4; i++) {
        char *text = pdf_text(pdf, i + 1);
        assert_non_null(text);
        if (!has_name(text, NAMES[i]) || strstr(text, ADDRESSES[i]) == NULL)
            fprintf(stderr, "page %d text:\n%s\n", i + 1, text);
        assert_true(has_name(text, NAMES[i]));
        assert_non_null(strstr(text, ADDRESSES[i]));
        assert_non_null(strstr(text, "郵便ビル403号"));
        assert_non_null(strstr(text, "積極的支援"));
        fk_free(text);
    }
    /* The insert-control code reads back from pages rendered at 300 dpi. */
    for (int page = 1; page <= 4; page += 3) {
        char cmd[512];
        snprintf(
            cmd, sizeof cmd,
            "pdftoppm -r 300 -png -f %d -l %d '%s' '%s/page' && dmtxread -N1 '%s/page'-*%d.png",
            page, page, pdf, tmpdir, tmpdir, page);
        char *out = run(cmd);
        assert_non_null(out);
        assert_string_equal(out, payloads[page - 1]);
        fk_free(out);
        snprintf(cmd, sizeof cmd, "rm -f '%s'/page-*.png", tmpdir);
        assert_int_equal(system(cmd), 0);
    }
    fk_template_free(t);
}

/* An envelope's sheets, ① voucher then ② results, alternate in one print file. */
static void test_writer_two_templates(void **state)
{
    (void)state;
    fk_template *voucher = load("voucher-kenko.yaml");
    fk_template *results = load("results.yaml");
    char pdf[128];
    snprintf(pdf, sizeof pdf, "%s/envelopes.pdf", tmpdir);
    fk_err err = {FK_OK, ""};
    fk_doc_writer *w = fk_doc_writer_new(pdf, voucher, &err);
    assert_non_null(w);
    size_t second = 0;
    assert_int_equal(fk_doc_writer_add_template(w, results, &second, &err), FK_OK);
    assert_int_equal(second, 1);
    for (int i = 0; i < 2; i++) {
        char payload[64];
        snprintf(payload, sizeof payload, "FK1|J2025SJ01|K|%06d|1/2|0000000%d", i + 1, i);
        fk_fields *f = sample_fields(NAMES[i], ADDRESSES[i], payload);
        assert_int_equal(fk_doc_writer_add_sheet_as(w, 0, f, &err), FK_OK);
        snprintf(payload, sizeof payload, "FK1|J2025SJ01|K|%06d|2/2|0000000%d", i + 1, i);
        assert_int_equal(fk_fields_set(f, "dm_payload", payload), FK_OK);
        assert_int_equal(fk_doc_writer_add_sheet_as(w, second, f, &err), FK_OK);
        fk_fields_free(f);
    }
    assert_int_equal(fk_doc_writer_add_sheet_as(w, 2, NULL, &err), FK_EINVAL);
    assert_int_equal(fk_doc_writer_sheet_count(w), 4);
    assert_int_equal(fk_doc_writer_close(w, &err), FK_OK);
    check_pdf_tools(pdf);
    char *p1 = pdf_text(pdf, 3), *p2 = pdf_text(pdf, 4);
    assert_non_null(strstr(p1, "健康相談利用券"));
    assert_true(has_name(p1, NAMES[1]));
    assert_non_null(strstr(p2, "健康診査結果のお知らせ"));
    assert_true(has_name(p2, NAMES[1]));
    assert_non_null(strstr(p2, "142 mmHg"));
    fk_free(p1);
    fk_free(p2);
    char cmd[512];
    snprintf(
        cmd, sizeof cmd,
        "pdftoppm -r 300 -png -f 4 -l 4 -singlefile '%s' '%s/env' && dmtxread -N1 '%s/env.png'",
        pdf, tmpdir, tmpdir);
    char *out = run(cmd);
    assert_non_null(out);
    assert_string_equal(out, "FK1|J2025SJ01|K|000002|2/2|00000001");
    fk_free(out);
    fk_template_free(voucher);
    fk_template_free(results);
}

static fk_status collect_bytes(void *closure, const unsigned char *data, size_t len)
{
    return fk_buf_append(closure, data, len);
}

static fk_status discard_bytes(void *closure, const unsigned char *data, size_t len)
{
    (void)closure;
    (void)data;
    (void)len;
    return FK_OK;
}

static fk_status refuse_bytes(void *closure, const unsigned char *data, size_t len)
{
    (void)closure;
    (void)data;
    (void)len;
    return FK_EIO;
}

static void test_writer_stream_and_can_render(void **state)
{
    (void)state;
    fk_template *t = load("results.yaml");
    fk_buf bytes;
    fk_buf_init(&bytes, 64 * 1024 * 1024);
    fk_err err = {FK_OK, ""};
    fk_doc_writer *w = fk_doc_writer_new_stream(collect_bytes, &bytes, t, &err);
    assert_non_null(w);
    assert_int_equal(fk_doc_writer_set_watermark(w, "見本", &err), FK_OK);
    fk_fields *f = sample_fields(NAMES[0], ADDRESSES[0], "FK1|J|S|000001|2/2|00");
    assert_int_equal(fk_doc_writer_add_sheet(w, f, &err), FK_OK);
    assert_int_equal(fk_doc_writer_close(w, &err), FK_OK);
    assert_true(bytes.len > 1000);
    assert_memory_equal(bytes.data, "%PDF-", 5);
    fk_buf_free(&bytes);

    w = fk_doc_writer_new_stream(refuse_bytes, NULL, t, &err);
    assert_non_null(w);
    fk_status s = fk_doc_writer_add_sheet(w, f, &err);
    fk_status c = fk_doc_writer_close(w, &err);
    assert_true(s == FK_EIO || c == FK_EIO);
    fk_fields_free(f);

    uint32_t missing = 1;
    assert_int_equal(fk_compose_can_render(t, "mincho", "𠮷田　葛\U000E0100飾", &missing), FK_OK);
    assert_int_equal(missing, 0);
    assert_int_equal(fk_compose_can_render(t, "gothic", "A\xf3\xb0\x80\x80", &missing),
                     FK_EFINDING);
    assert_int_equal(missing, 0xF0000);
    assert_int_equal(fk_compose_can_render(t, "serif", "A", &missing), FK_EINVAL);
    fk_template_free(t);
}

static void test_every_default_template_renders(void **state)
{
    (void)state;
    static const char *const names[] = {"voucher-hihiman.yaml", "voucher-kenko.yaml",
                                        "notice-jushin.yaml", "results.yaml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        fk_template *t = load(names[i]);
        char pdf[128];
        snprintf(pdf, sizeof pdf, "%s/doc%zu.pdf", tmpdir, i);
        fk_err err = {FK_OK, ""};
        fk_doc_writer *w = fk_doc_writer_new(pdf, t, &err);
        if (w == NULL)
            fprintf(stderr, "%s\n", err.msg);
        assert_non_null(w);
        fk_fields *f = sample_fields(NAMES[3], ADDRESSES[3], "FK1|J2025SJ01|K|000042|1/1|0A1B2C3D");
        fk_status s = fk_doc_writer_add_sheet(w, f, &err);
        if (s != FK_OK)
            fprintf(stderr, "%s: %s\n", names[i], err.msg);
        assert_int_equal(s, FK_OK);
        fk_fields_free(f);
        assert_int_equal(fk_doc_writer_close(w, &err), FK_OK);
        check_pdf_tools(pdf);
        char *text = pdf_text(pdf, 1);
        assert_non_null(text);
        assert_true(has_name(text, NAMES[3]));
        fk_free(text);
        fk_template_free(t);
    }
}

/* The 特定保健指導利用券 holds every field of MHLW's standard form, from the order and the
 * record, and no placeholder pattern. */
static void test_voucher_standard_fields(void **state)
{
    (void)state;
    fk_template *t = load("voucher-tokutei.yaml");
    char pdf[128];
    snprintf(pdf, sizeof pdf, "%s/standard.pdf", tmpdir);
    fk_err err = {FK_OK, ""};
    fk_doc_writer *w = fk_doc_writer_new(pdf, t, &err);
    assert_non_null(w);
    fk_fields *f = sample_fields(NAMES[0], ADDRESSES[0], "FK1|J2025SJ01|S|000001|1/2|0A1B2C3D");
    assert_int_equal(fk_doc_writer_add_sheet(w, f, &err), FK_OK);
    fk_fields_free(f);
    assert_int_equal(fk_doc_writer_close(w, &err), FK_OK);
    char *text = pdf_text(pdf, 1);
    assert_non_null(text);
    static const char *const wanted[] = {
        "交付年月日",
        "令和7年7月1日（2025-07-01）",
        "有効期限",
        "令和7年7月1日（2025-07-01）から令和8年3月31日（2026-03-31）まで",
        "特定保健指導区分",
        "積極的支援",
        "被保険者証 記号・番号・枝番",
        "窓口での自己負担",
        "なし（無料）",
        "保険者負担上限額",
        "28,000円",
        "保険者番号・名称",
        "131045",
        "保険者所在地・電話番号",
        "〒160-8484 新宿区歌舞伎町1-4-1",
        "03-3209-1111",
        "契約とりまとめ機関名",
        "東京都医師会",
        "支払代行機関番号・名称",
        "91399999",
        "東京都国民健康保険団体連合会",
        "新宿区健康部健康づくり課",
        "新宿区長"};
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
        if (strstr(text, wanted[i]) == NULL)
            fail_msg("'%s' not on the voucher:\n%s", wanted[i], text);
    assert_null(fk_utf8_find_placeholder(text));
    fk_free(text);
    fk_template_free(t);
}

/* A template of every element kind, with a PNG next to it, renders and passes the checkers. */
static void test_every_element_kind(void **state)
{
    (void)state;
    char png[128], yaml[128], pdf[128];
    snprintf(png, sizeof png, "%s/emblem.png", tmpdir);
    snprintf(yaml, sizeof yaml, "%s/all.yaml", tmpdir);
    snprintf(pdf, sizeof pdf, "%s/all.pdf", tmpdir);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 40, 40);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 0.1, 0.4, 0.2);
    cairo_arc(cr, 20, 20, 18, 0, 6.3);
    cairo_fill(cr);
    cairo_destroy(cr);
    assert_int_equal(cairo_surface_write_to_png(img, png), CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(img);
    write_file(yaml, "page: {width: 148, height: 210}\n"
                     "elements:\n"
                     "  - {type: image, file: emblem.png, x: 10, y: 10, width: 12, height: 12}\n"
                     "  - {type: box, x: 8, y: 8, width: 132, height: 194, fill: 0.97}\n"
                     "  - {type: line, x: 10, y: 30, x2: 138, y2: 30, line_width: 0.5}\n"
                     "  - {type: text, x: 30, y: 12, text: \"{{name}}　様\", size: 14, font: "
                     "mincho}\n"
                     "  - type: paragraph\n"
                     "    x: 10\n"
                     "    y: 40\n"
                     "    width: 60\n"
                     "    height: 12\n"
                     "    size: 12\n"
                     "    min_size: 6\n"
                     "    text: \"{{jushin_items}}\"\n"
                     "  - type: table\n"
                     "    x: 10\n"
                     "    y: 60\n"
                     "    columns: [40, 30]\n"
                     "    header: [項目, 結果]\n"
                     "    rows:\n"
                     "      - [収縮期血圧, \"{{sbp}} {{sbp_mark}}\"]\n"
                     "  - {type: datamatrix, x: 120, y: 180, module: 0.6}\n"
                     "  - {type: barcode, x: 10, y: 190, pt: 10}\n");
    fk_template *t = NULL;
    fk_err err = {FK_OK, ""};
    fk_status s = fk_template_load(yaml, &t, &err);
    if (s != FK_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(s, FK_OK);
    fk_doc_writer *w = fk_doc_writer_new(pdf, t, &err);
    assert_non_null(w);
    fk_fields *f = sample_fields(NAMES[2], ADDRESSES[2], "FK1|J|S|000007|1/1|00");
    assert_int_equal(fk_doc_writer_add_sheet(w, f, &err), FK_OK);
    /* The two-line paragraph shrinks to fit 12 mm; eight lines cannot fit even at 6 pt. */
    assert_int_equal(fk_fields_set(f, "jushin_items", "一\n二\n三\n四\n五\n六\n七\n八\n九"), FK_OK);
    assert_int_equal(fk_doc_writer_add_sheet(w, f, &err), FK_EFINDING);
    assert_non_null(strstr(err.msg, "jushin_items: paragraph does not fit"));
    fk_fields_free(f);
    assert_int_equal(fk_doc_writer_close(w, &err), FK_OK);
    check_pdf_tools(pdf);
    char *text = pdf_text(pdf, 1);
    assert_non_null(text);
    assert_non_null(strstr(text, "142 mmHg H"));
    assert_non_null(strstr(text, "HbA1c 6.5 %"));
    fk_free(text);
    fk_template_free(t);
}

static bool ignore(void *user, const char *message)
{
    (void)user;
    (void)message;
    return true;
}

/* Every allocation that can fail is handled: the Nth failing allocation gives ENOMEM (or a
 * finding caused by it), never a crash or a leak (the ASan build checks leaks). */
static void test_out_of_memory(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s%s", TEMPLATES, "results.yaml");
    fk_template *t = load("voucher-tokutei.yaml");
    bool done = false;
    long n = 0;
    for (; !done && n < 5000; n++) {
        fk_err err = {FK_OK, ""};
        fk_mem_fail_after(n);
        fk_status s = fk_template_check(path, ignore, NULL, &err);
        fk_fields *f = fk_fields_new();
        fk_status fs = FK_ENOMEM;
        if (f != NULL) {
            fk_record r;
            sample_record(&r, "新宿　太郎", "東京都新宿区西新宿2丁目8-1");
            fs = fk_compose_fields_from_record(&r, f, &err);
            fk_record_clear(&r);
        }
        fk_doc_writer *w = fk_doc_writer_new_stream(discard_bytes, NULL, t, &err);
        fk_status ws = w != NULL ? FK_OK : err.status;
        if (w != NULL && f != NULL && fs == FK_OK)
            ws = fk_doc_writer_add_sheet(w, f, &err);
        fk_mem_fail_after(-1);
        fk_err close_err = {FK_OK, ""};
        assert_int_equal(fk_doc_writer_close(w, &close_err), FK_OK);
        fk_fields_free(f);
        if (s != FK_OK && s != FK_ENOMEM)
            fprintf(stderr, "allocation %ld: check: %s\n", n, err.msg);
        assert_true(s == FK_OK || s == FK_ENOMEM);
        assert_true(fs == FK_OK || fs == FK_ENOMEM);
        if (ws != FK_OK && ws != FK_ENOMEM)
            fprintf(stderr, "allocation %ld: writer: %s\n", n, err.msg);
        assert_true(ws == FK_OK || ws == FK_ENOMEM);
        done = s == FK_OK && fs == FK_OK && ws == FK_OK;
    }
    assert_true(done);
    assert_true(n > 100); /* the loop went through many failing allocations */
    fk_template_free(t);
}

static void test_report(void **state)
{
    (void)state;
    char pdf[128];
    snprintf(pdf, sizeof pdf, "%s/report.pdf", tmpdir);
    fk_err err = {FK_OK, ""};
    fk_report *r = fk_report_new(pdf, &err);
    assert_non_null(r);
    assert_int_equal(fk_report_set_footer(r, "監査ログ先頭 0123abcd", &err), FK_OK);
    assert_int_equal(fk_report_title(r, "取扱者名簿", &err), FK_OK);
    assert_int_equal(fk_report_keyvalue(r, "業務番号", "J2025SJ01", &err), FK_OK);
    assert_int_equal(
        fk_report_paragraph(r,
                            "本名簿は、個人情報を取り扱う者を記載したものである。取扱者は、"
                            "責任者の指示に従い、定められた場所でのみ作業を行う。",
                            &err),
        FK_OK);
    const char *cols[] = {"番号", "氏名", "役割", "登録日"};
    const char *cells[4 * 120];
    char nums[120][8];
    for (int i = 0; i < 120; i++) {
        snprintf(nums[i], sizeof nums[i], "%d", i + 1);
        cells[4 * i] = nums[i];
        cells[4 * i + 1] = i == 7 ? "𠮷田　太郎" : "新宿　花子";
        cells[4 * i + 2] = "取扱者";
        cells[4 * i + 3] = "令和7年7月1日";
    }
    const double widths[] = {20, 60, 40, 50};
    assert_int_equal(fk_report_table(r, 4, cols, widths, 120, cells, &err), FK_OK);
    assert_int_equal(fk_report_heading(r, "備考", &err), FK_OK);
    assert_int_equal(fk_report_paragraph(r, "以上", &err), FK_OK);
    assert_int_equal(fk_report_paragraph(r, "\xf3\xb0\x80\x80", &err), FK_EFINDING);
    assert_int_equal(fk_report_close(r, &err), FK_OK);
    check_pdf_tools(pdf);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' -", pdf);
    char *text = run(cmd);
    assert_non_null(text);
    assert_non_null(strstr(text, "取扱者名簿"));
    assert_true(has_name(text, "𠮷田　太郎"));
    assert_non_null(strstr(text, "監査ログ先頭"));
    fk_free(text);
    snprintf(cmd, sizeof cmd, "pdfinfo '%s' | grep -c '^Pages: *[3-9]'", pdf);
    text = run(cmd);
    assert_non_null(text);
    fk_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_lookup),
        cmocka_unit_test(test_fields_fallback),
        cmocka_unit_test(test_shape_cache),
        cmocka_unit_test(test_fields_from_record),
        cmocka_unit_test(test_template_findings),
        cmocka_unit_test(test_default_templates_are_clean),
        cmocka_unit_test(test_line_breaking),
        cmocka_unit_test(test_shaping_fallback),
        cmocka_unit_test(test_writer_print_file),
        cmocka_unit_test(test_writer_two_templates),
        cmocka_unit_test(test_writer_stream_and_can_render),
        cmocka_unit_test(test_every_default_template_renders),
        cmocka_unit_test(test_every_element_kind),
        cmocka_unit_test(test_voucher_standard_fields),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_report),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
