/*
 * Unit tests for sample: determinism, the volume split, and, for every row of generated
 * samples read back with a small CSV splitter, the age and the category rules of
 * domain.md §1–2, re-implemented here from the document rather than shared with the
 * generator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample/sample.h"
#include "util/mem.h"
#include "util/utf8.h"

static const fk_date fk__today = {2026, 11, 24};

static char *generate(const fk_sample_options *opt, size_t *len, fk_buf *dirty, fk_buf *disagree)
{
    char *data = NULL;
    FILE *fp = open_memstream(&data, len);
    assert_non_null(fp);
    fk_err err;
    fk_err_clear(&err);
    fk_status st = fk_sample_write(fp, opt, dirty, disagree, NULL, NULL, &err);
    assert_int_equal(fclose(fp), 0);
    if (st != FK_OK)
        fail_msg("fk_sample_write: %s", fk_err_message(&err));
    return data;
}

static void utf8_options(fk_sample_options *opt, uint64_t seed)
{
    fk_sample_options_init(opt);
    opt->seed = seed;
    opt->encoding = FK_SAMPLE_UTF8;
    opt->crlf = false;
    opt->today = fk__today;
}

/* ---- A tiny CSV splitter: RFC 4180 quotes, LF line ends ---- */

#define MAX_FIELDS 64

typedef struct csv_row {
    char *f[MAX_FIELDS];
    int n;
} csv_row;

/* Splits the record at *p (modified in place); advances *p past its line end. */
static bool next_row(char **p, csv_row *row)
{
    char *s = *p;
    if (*s == '\0')
        return false;
    row->n = 0;
    for (;;) {
        char *out = s;
        row->f[row->n++] = out;
        if (*s == '"') {
            s++;
            for (;;) {
                if (*s == '"' && s[1] == '"') {
                    *out++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *out++ = *s++;
                }
            }
        } else {
            while (*s != ',' && *s != '\n' && *s != '\0')
                *out++ = *s++;
        }
        char end = *s;
        *out = '\0';
        if (end == ',') {
            s++;
            continue;
        }
        *p = end == '\n' ? s + 1 : s;
        return true;
    }
}

static int find_col(const csv_row *header, const char *name)
{
    for (int i = 0; i < header->n; i++)
        if (strcmp(header->f[i], name) == 0)
            return i;
    fail_msg("no column %s", name);
    return -1;
}

/* Half-width copy of a field (full-width digits and signs normalised). */
static void halfwidth(const char *s, char *out, size_t size)
{
    fk_buf b;
    fk_buf_init(&b, 1024);
    assert_int_equal(fk_utf8_append_halfwidth(&b, s, strlen(s)), FK_OK);
    snprintf(out, size, "%s", fk_buf_cstr(&b));
    fk_buf_free(&b);
}

/* A number in tenths ("170.2" → 1702, "85" → 850); -1 when empty. */
static long tenths(const char *field)
{
    char s[64];
    halfwidth(field, s, sizeof s);
    if (s[0] == '\0')
        return -1;
    char *end;
    long whole = strtol(s, &end, 10);
    long frac = 0;
    if (*end == '.') {
        assert_true(end[1] >= '0' && end[1] <= '9');
        frac = end[1] - '0';
        end += 2;
    }
    assert_int_equal(*end, '\0');
    return whole * 10 + frac;
}

static bool yes(const char *s)
{
    return strcmp(s, "はい") == 0 || strcmp(s, "1") == 0;
}

/* What the 第4期 rules say about one row. */
typedef struct judgement {
    bool medicated, obese, any_risk, doctor;
    int level; /* 0 情報提供, 1 動機付け支援, 2 積極的支援 */
} judgement;

typedef struct cols {
    int type, level, birth, sex, age, height, weight, bmi, waist, sbp, dbp, fasting, tg, hdl, ldl,
        non_hdl, ast, alt, ggt, glucose, hba1c, protein, hb, egfr, smoking, med_bp, med_glucose,
        med_lipid, voucher, pid;
} cols;

static cols find_cols(const csv_row *h)
{
    cols c = {
        find_col(h, "利用券種別"),
        find_col(h, "保健指導区分"),
        find_col(h, "生年月日"),
        find_col(h, "性別"),
        find_col(h, "年度末年齢"),
        find_col(h, "身長"),
        find_col(h, "体重"),
        find_col(h, "BMI"),
        find_col(h, "腹囲"),
        find_col(h, "収縮期血圧"),
        find_col(h, "拡張期血圧"),
        find_col(h, "採血時間"),
        find_col(h, "中性脂肪"),
        find_col(h, "HDLコレステロール"),
        find_col(h, "LDLコレステロール"),
        find_col(h, "Non-HDLコレステロール"),
        find_col(h, "AST"),
        find_col(h, "ALT"),
        find_col(h, "γ-GT"),
        find_col(h, "血糖"),
        find_col(h, "HbA1c"),
        find_col(h, "尿蛋白"),
        find_col(h, "血色素量"),
        find_col(h, "eGFR"),
        find_col(h, "喫煙"),
        find_col(h, "服薬_血圧"),
        find_col(h, "服薬_血糖"),
        find_col(h, "服薬_脂質"),
        find_col(h, "利用券整理番号"),
        find_col(h, "個人番号"),
    };
    return c;
}

static judgement judge(const csv_row *r, const cols *c)
{
    judgement j = {0};
    const char *sex = r->f[c->sex];
    bool male = strcmp(sex, "1") == 0 || strcmp(sex, "男") == 0;
    j.medicated = yes(r->f[c->med_bp]) || yes(r->f[c->med_glucose]) || yes(r->f[c->med_lipid]);
    bool by_waist = tenths(r->f[c->waist]) >= (male ? 850 : 900);
    bool by_bmi = !by_waist && tenths(r->f[c->bmi]) >= 250;
    j.obese = by_waist || by_bmi;
    const char *when = r->f[c->fasting];
    bool fasting = strcmp(when, "空腹時") == 0, casual = strcmp(when, "随時") == 0;
    long sbp = tenths(r->f[c->sbp]), dbp = tenths(r->f[c->dbp]);
    long tg = tenths(r->f[c->tg]), hdl = tenths(r->f[c->hdl]);
    long ldl = tenths(r->f[c->ldl]), non_hdl = tenths(r->f[c->non_hdl]);
    long glu = tenths(r->f[c->glucose]), a1c = tenths(r->f[c->hba1c]);
    bool bp = sbp >= 1300 || dbp >= 850;
    bool lipid = (fasting && tg >= 1500) || (casual && tg >= 1750) || hdl < 400;
    bool glucose = (glu >= 0 && fasting && glu >= 1000) ||
                   (glu >= 0 && casual && a1c < 0 && glu >= 1000) || a1c >= 56;
    j.any_risk = bp || lipid || glucose;
    int risks = bp + lipid + glucose;
    if (risks > 0 && yes(r->f[c->smoking]))
        risks++;
    if (by_waist)
        j.level = risks >= 2 ? 2 : risks;
    else if (by_bmi)
        j.level = risks >= 3 ? 2 : risks >= 1 ? 1 : 0;
    int age = (int)(tenths(r->f[c->age]) / 10);
    if (j.level == 2 && age >= 65)
        j.level = 1;
    bool non_hdl_judged = tg >= 4000 || strcmp(when, "食直後") == 0 || ldl < 0;
    long hb = tenths(r->f[c->hb]), egfr = tenths(r->f[c->egfr]);
    const char *pro = r->f[c->protein];
    j.doctor = sbp >= 1400 || dbp >= 900 || tg >= 3000 || (!non_hdl_judged && ldl >= 1400) ||
               (non_hdl_judged && non_hdl >= 1700) || glu >= 1260 || a1c >= 65 ||
               tenths(r->f[c->ast]) >= 510 || tenths(r->f[c->alt]) >= 510 ||
               tenths(r->f[c->ggt]) >= 1010 || (egfr >= 0 && egfr < 450) ||
               (hb >= 0 && hb <= (male ? 120 : 110)) || strchr(pro, '+') != NULL ||
               strstr(pro, "＋") != NULL;
    return j;
}

static bool agrees(const csv_row *r, const cols *c)
{
    judgement j = judge(r, c);
    const char *type = r->f[c->type], *level = r->f[c->level];
    if (strcmp(type, "特定保健指導") == 0 && strcmp(level, "積極的支援") == 0)
        return !j.medicated && j.level == 2;
    if (strcmp(type, "特定保健指導") == 0)
        return !j.medicated && j.level == 1;
    if (strcmp(type, "非肥満保健指導") == 0)
        return !j.medicated && !j.obese && j.any_risk;
    assert_string_equal(type, "受診勧奨通知");
    return (j.medicated || j.level == 0) && j.doctor;
}

/* True if the report has a "LINE<TAB>kind" entry for line. */
static bool in_report(const char *r, size_t line)
{
    char key[32];
    snprintf(key, sizeof key, "%zu\t", line);
    size_t k = strlen(key);
    for (const char *q = r; *q != '\0';) {
        if (strncmp(q, key, k) == 0)
            return true;
        const char *nl = strchr(q, '\n');
        if (nl == NULL)
            break;
        q = nl + 1;
    }
    return false;
}

/* ---- Tests ---- */

static void test_split(void **state)
{
    (void)state;
    size_t out[5];
    fk_sample_split(4413, out);
    assert_int_equal(out[0], 613);
    assert_int_equal(out[1], 1130);
    assert_int_equal(out[2], 2387);
    assert_int_equal(out[3], 0);
    assert_int_equal(out[4], 283);
    static const size_t counts[] = {1, 2, 7, 100, 999, 4412, 4414, 441300, 1000003};
    static const double share[5] = {613.0 / 4413, 1130.0 / 4413, 2387.0 / 4413, 0, 283.0 / 4413};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        fk_sample_split(counts[i], out);
        size_t sum = 0;
        for (int c = 0; c < 5; c++) {
            sum += out[c];
            double exact = share[c] * (double)counts[i];
            assert_true((double)out[c] > exact - 1.0 && (double)out[c] < exact + 1.0);
        }
        assert_int_equal(sum, counts[i]);
    }
}

static void test_deterministic(void **state)
{
    (void)state;
    fk_sample_options opt;
    utf8_options(&opt, 42);
    opt.count = 500;
    size_t la, lb, lc;
    char *a = generate(&opt, &la, NULL, NULL);
    char *b = generate(&opt, &lb, NULL, NULL);
    opt.seed = 43;
    char *c = generate(&opt, &lc, NULL, NULL);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_true(la != lc || memcmp(a, c, la) != 0);
    free(a);
    free(b);
    free(c);
}

/* Planting rows leaves the well-formed ones as they were: each has its own stream. */
static void test_dirty_keeps_rows(void **state)
{
    (void)state;
    fk_sample_options opt;
    utf8_options(&opt, 7);
    opt.count = 300;
    size_t la, lb;
    char *a = generate(&opt, &la, NULL, NULL);
    opt.dirty = 30;
    fk_buf rep;
    fk_buf_init(&rep, 1 << 20);
    char *b = generate(&opt, &lb, &rep, NULL);
    /* Drop the planted lines of b: what is left must be a. */
    fk_buf kept;
    fk_buf_init(&kept, 1 << 24);
    size_t line = 1, planted = 0;
    for (const char *p = b; *p != '\0'; line++) {
        const char *nl = strchr(p, '\n');
        assert_non_null(nl);
        if (in_report(fk_buf_cstr(&rep), line))
            planted++;
        else
            assert_int_equal(fk_buf_append(&kept, p, (size_t)(nl - p + 1)), FK_OK);
        p = nl + 1;
    }
    assert_int_equal(planted, 30);
    assert_int_equal(kept.len, la);
    assert_memory_equal(kept.data, a, la);
    fk_buf_free(&kept);
    fk_buf_free(&rep);
    free(a);
    free(b);
}

/* Every row: 年度末年齢 is the legal age on March 31 and within 40–74; the values agree
 * with the category; identifiers are unique. */
static void check_sample(uint64_t seed, size_t count, int fiscal_year)
{
    fk_sample_options opt;
    utf8_options(&opt, seed);
    opt.count = count;
    opt.fiscal_year = fiscal_year;
    size_t len;
    char *data = generate(&opt, &len, NULL, NULL);
    char *p = data;
    csv_row header, row;
    assert_true(next_row(&p, &header));
    cols c = find_cols(&header);
    size_t rows = 0, per[3] = {0};
    while (next_row(&p, &row)) {
        rows++;
        assert_int_equal(row.n, header.n);
        char birth_s[64];
        halfwidth(row.f[c.birth], birth_s, sizeof birth_s);
        fk_date birth;
        assert_int_equal(fk_date_parse(birth_s, &birth, NULL), FK_OK);
        int age = (int)(tenths(row.f[c.age]) / 10);
        assert_int_equal(age, fk_date_fiscal_year_end_age(birth, fiscal_year));
        assert_in_range(age, 40, 74);
        if (!agrees(&row, &c))
            fail_msg("row %zu disagrees with its category", rows);
        long bmi = tenths(row.f[c.bmi]);
        long h = tenths(row.f[c.height]), w = tenths(row.f[c.weight]);
        long exact1000 = w * 100000000 / (h * h); /* BMI × 1000 */
        assert_true(labs(exact1000 - bmi * 100) <= 200);
        assert_true(tenths(row.f[c.sbp]) > tenths(row.f[c.dbp]));
        if (strcmp(row.f[c.type], "受診勧奨通知") == 0)
            assert_string_equal(row.f[c.voucher], "");
        else
            assert_int_equal(strlen(row.f[c.voucher]), 11);
        per[strcmp(row.f[c.type], "受診勧奨通知") == 0  ? 0
            : strcmp(row.f[c.level], "積極的支援") == 0 ? 1
                                                        : 2]++;
    }
    assert_int_equal(rows, count == 0 ? 4413 : count);
    if (count == 0) {
        assert_int_equal(per[0], 283);
        assert_int_equal(per[1], 613);
    }
    free(data);
}

static void test_rows_consistent(void **state)
{
    (void)state;
    check_sample(1, 0, 2025);
    check_sample(2, 3000, 2024);
    check_sample(UINT64_C(0xFFFFFFFFFFFFFFFF), 2000, 2026);
}

/* Rows listed in the disagree report break their category's rule; no other row does. */
static void test_disagree(void **state)
{
    (void)state;
    fk_sample_options opt;
    utf8_options(&opt, 11);
    opt.disagree = 60;
    fk_buf rep;
    fk_buf_init(&rep, 1 << 20);
    size_t len;
    char *data = generate(&opt, &len, NULL, &rep);
    char *p = data;
    csv_row header, row;
    assert_true(next_row(&p, &header));
    cols c = find_cols(&header);
    size_t line = 1, listed = 0, rows = 0;
    const char *r = fk_buf_cstr(&rep);
    while (next_row(&p, &row)) {
        line++;
        rows++;
        bool bad = !agrees(&row, &c);
        bool listed_here = in_report(r, line);
        assert_int_equal(bad, listed_here);
        listed += listed_here;
    }
    assert_int_equal(listed, 60);
    assert_int_equal(rows, 4413);
    fk_buf_free(&rep);
    free(data);
}

static void test_cp932(void **state)
{
    (void)state;
    fk_sample_options opt;
    fk_sample_options_init(&opt);
    opt.today = fk__today;
    opt.count = 3000;
    size_t len;
    char *data = generate(&opt, &len, NULL, NULL);
    iconv_t cd = iconv_open("UTF-8", "CP932");
    assert_true(cd != (iconv_t)-1);
    size_t cap = len * 2;
    char *utf8 = fk_malloc(cap + 1);
    char *in = data, *out = utf8;
    size_t in_left = len, out_left = cap;
    assert_true(iconv(cd, &in, &in_left, &out, &out_left) != (size_t)-1);
    *out = '\0';
    iconv_close(cd);
    assert_null(strstr(utf8, "\xF0\xA0\xAE\xB7")); /* 𠮷 has no CP932 form */
    assert_non_null(strstr(utf8, "\r\n"));
    assert_true(memcmp(data, "\xEF\xBB\xBF", 3) != 0);
    fk_free(utf8);
    free(data);
}

static void test_utf8_rare_names(void **state)
{
    (void)state;
    fk_sample_options opt;
    utf8_options(&opt, 1);
    opt.bom = true;
    size_t len;
    char *data = generate(&opt, &len, NULL, NULL);
    assert_memory_equal(data, "\xEF\xBB\xBF", 3);
    assert_true(fk_utf8_is_valid(data, len));
    assert_non_null(strstr(data, "\xF0\xA0\xAE\xB7")); /* 𠮷 */
    assert_non_null(strstr(data, "\xF3\xA0\x84\x80")); /* VS17 */
    assert_non_null(strstr(data, "髙"));
    assert_non_null(strstr(data, "﨑"));
    free(data);
}

typedef struct progress_log {
    size_t calls, last_done, last_total;
} progress_log;

static void record_progress(void *ctx, size_t done, size_t total)
{
    progress_log *log = ctx;
    assert_true(done > log->last_done && done <= total);
    log->calls++;
    log->last_done = done;
    log->last_total = total;
}

static void test_progress(void **state)
{
    (void)state;
    fk_sample_options opt;
    utf8_options(&opt, 5);
    opt.count = 10000;
    opt.dirty = 7;
    FILE *fp = fopen("/dev/null", "wb");
    assert_non_null(fp);
    progress_log log = {0};
    assert_int_equal(fk_sample_write(fp, &opt, NULL, NULL, record_progress, &log, NULL), FK_OK);
    fclose(fp);
    assert_true(log.calls >= 3);
    assert_int_equal(log.last_done, 10007);
    assert_int_equal(log.last_total, 10007);
}

static void test_bad_options(void **state)
{
    (void)state;
    fk_sample_options opt;
    fk_err err;
    fk_err_clear(&err);
    fk_sample_options_init(&opt);
    opt.bom = true; /* with CP932 */
    assert_int_equal(fk_sample_write(stdout, &opt, NULL, NULL, NULL, NULL, &err), FK_EINVAL);
    fk_sample_options_init(&opt);
    opt.today = (fk_date){2025, 3, 31};
    opt.fiscal_year = 2025; /* starts after the export date */
    assert_int_equal(fk_sample_write(stdout, &opt, NULL, NULL, NULL, NULL, &err), FK_EINVAL);
    fk_sample_options_init(&opt);
    opt.count = 10;
    opt.disagree = 11;
    assert_int_equal(fk_sample_write(stdout, &opt, NULL, NULL, NULL, NULL, &err), FK_EINVAL);
}

/* A failed allocation is reported as FK_ENOMEM, never a crash or a leak (ASan checks). */
static void test_out_of_memory(void **state)
{
    (void)state;
    fk_sample_options opt;
    utf8_options(&opt, 3);
    opt.count = 20;
    opt.dirty = 5;
    int failed = 0;
    for (long n = 0; n < 12; n++) {
        char *data = NULL;
        size_t len;
        FILE *fp = open_memstream(&data, &len);
        assert_non_null(fp);
        fk_buf rep;
        fk_buf_init(&rep, 1 << 16);
        fk_mem_fail_after(n);
        fk_status st = fk_sample_write(fp, &opt, &rep, NULL, NULL, NULL, NULL);
        fk_mem_fail_after(-1);
        assert_true(st == FK_OK || st == FK_ENOMEM);
        failed += st == FK_ENOMEM;
        fk_buf_free(&rep);
        fclose(fp);
        free(data);
    }
    assert_true(failed > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_dirty_keeps_rows),
        cmocka_unit_test(test_rows_consistent),
        cmocka_unit_test(test_disagree),
        cmocka_unit_test(test_cp932),
        cmocka_unit_test(test_utf8_rare_names),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
