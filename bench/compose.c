/*
 * Compose benchmark and sample renderer.
 *
 *   bench-compose [-n COUNT] [-t TEMPLATE] [-o PDF]
 *                                           renders COUNT synthetic sheets (default 4413) into
 *                                           a PDF stream that is counted and discarded (or into
 *                                           PDF), and prints sheets/s, bytes/sheet, peak RSS;
 *   bench-compose --samples DIR             renders one sheet of every default document into
 *                                           DIR (the previews in docs/previews come from these).
 *
 * The records are synthetic: names cycle through common and rare characters (𠮷, 髙, 﨑 and a
 * variation sequence), addresses and values vary, so shaping and fallback are exercised.
 */
#include "compose/doc.h"
#include "compose/fields.h"
#include "compose/report.h"
#include "compose/template.h"
#include "fk-config.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char *const families[] = {"新宿", "𠮷田", "髙橋", "山﨑", "葛\U000E0100西",
                                       "佐藤", "鈴木", "渡邊", "齋藤", "長谷川"};
static const char *const givens[] = {"太郎", "花子", "一郎", "美咲", "健太", "陽菜", "翔", "結衣"};
static const char *const towns[] = {"西新宿2丁目", "歌舞伎町1丁目", "高田馬場3丁目", "四谷4丁目",
                                    "大久保2丁目", "神楽坂6丁目",   "戸山3丁目"};
static const char *const bars =
    "LDLDADALDLALTTLTTLDADLADLATLTDLALTTTLTADLTLTLADLTTDLATDATDATDALTLDL";

/* The order's fields (tests/fixtures/job.yaml), the same on every sheet. */
static fk_status order_fields(fk_fields *f, fk_err *err)
{
    static fk_order *order;
    fk_status s = FK_OK;
    if (order == NULL)
        s = fk_order_load(FK_SOURCE_ROOT "/tests/fixtures/job.yaml", &order, err);
    return s == FK_OK ? fk_compose_fields_from_order(order, (fk_date){2025, 7, 1}, f, err) : s;
}

/* Loads a template with the order's fields bound into it, as compose does. */
static fk_status load_bound(const char *path, fk_template **t, fk_err *err)
{
    fk_fields *c = fk_fields_new();
    fk_status s = c ? fk_template_load(path, t, err) : fk_failf(err, FK_ENOMEM, "out of memory");
    if (s == FK_OK)
        s = order_fields(c, err);
    if (s == FK_OK)
        s = fk_template_bind(*t, c, err);
    fk_fields_free(c);
    return s;
}

static fk_status fill(fk_fields *f, long i, fk_category cat, fk_err *err)
{
    fk_record r;
    fk_record_init(&r);
    char name[64], address[160], payload[80];
    snprintf(name, sizeof name, "%s　%s", families[i % 10], givens[(i / 10) % 8]);
    snprintf(address, sizeof address, "東京都新宿区%s%ld-%ld", towns[i % 7], i % 30 + 1,
             i % 17 + 1);
    r.category = cat;
    r.name = name;
    r.kana = "シンジュク　タロウ";
    r.address = address;
    r.building = i % 3 == 0 ? "メゾン新宿305号" : "";
    r.ins_symbol = "01";
    r.ins_number = "123456";
    r.birth = (fk_date){1950 + (int)(i % 40), 1 + (int)(i % 12), 1 + (int)(i % 28)};
    r.sex = i % 2 ? FK_SEX_MALE : FK_SEX_FEMALE;
    r.age = 40 + (int)(i % 35);
    char num[32];
    snprintf(num, sizeof num, "%08ld", i % 100000000);
    memcpy(r.postal, "16", 2);
    memcpy(r.postal + 2, num + 3, 6);
    memcpy(r.ticket_no, "251", 3);
    memcpy(r.ticket_no + 3, num, 9);
    memcpy(r.voucher_no, "252", 3);
    memcpy(r.voucher_no + 3, num, 9);
    r.exam_date = (fk_date){2025, 6, 1 + (int)(i % 28)};
    r.height = 150 + (double)(i % 35);
    r.weight = 50 + (double)(i % 40);
    r.bmi = r.weight / (r.height * r.height / 10000);
    r.waist = 75 + (double)(i % 25);
    r.sbp = 110 + (double)(i % 60);
    r.dbp = 70 + (double)(i % 30);
    r.fasting = FK_FAST_FASTING;
    r.tg = 80 + (double)(i % 300);
    r.hdl = 35 + (double)(i % 40);
    r.ldl = 90 + (double)(i % 90);
    r.ast = 15 + (double)(i % 40);
    r.alt = 12 + (double)(i % 50);
    r.ggt = 20 + (double)(i % 90);
    r.glucose = 85 + (double)(i % 60);
    r.hba1c = 5.0 + (double)(i % 20) / 10;
    r.hb = 11.5 + (double)(i % 40) / 10;
    r.creatinine = 0.6 + (double)(i % 60) / 100;
    r.egfr = 50 + (double)(i % 50);
    fk_fields_clear(f);
    fk_status s = fk_compose_fields_from_record(&r, f, err);
    /* The order's fields, as the job's compose step sets them. */
    if (s == FK_OK)
        s = order_fields(f, err);
    snprintf(payload, sizeof payload, "FK1|J2025SJ01|%c|%06ld|1/2|%08lX", fk_category_code(cat),
             i + 1, (unsigned long)(i * 2654435761u) & 0xFFFFFFFFul);
    const char *extra[][2] = {
        {"customer_barcode", bars},
        {"dm_payload", payload},
        {"dm_text", payload},
        {"sbp_mark", r.sbp >= 140   ? "要受診"
                     : r.sbp >= 130 ? "H"
                                    : ""},
        {"hdl_mark", r.hdl < 40 ? "L" : ""},
        {"hba1c_mark", r.hba1c >= 6.5   ? "要受診"
                       : r.hba1c >= 5.6 ? "H"
                                        : ""},
        {"ldl_mark", r.ldl >= 140   ? "要受診"
                     : r.ldl >= 120 ? "H"
                                    : ""},
        {"jushin_items", "血圧（収縮期）　　165 mmHg（判定値 140 以上）\n"
                         "HbA1c　　　　　　6.8 %（判定値 6.5 以上）\n"
                         "LDLコレステロール　172 mg/dL（判定値 140 以上）"},
    };
    for (size_t k = 0; s == FK_OK && k < sizeof extra / sizeof extra[0]; k++)
        s = fk_fields_set(f, extra[k][0], extra[k][1]);
    return s;
}

static fk_status discard(void *closure, const unsigned char *data, size_t len)
{
    (void)data;
    *(size_t *)closure += len;
    return FK_OK;
}

/* A sample of the report writer: a handler roster as the job would print it. */
static fk_status sample_report(const char *dir, fk_err *err)
{
    char pdf[512];
    snprintf(pdf, sizeof pdf, "%s/report-roster.pdf", dir);
    fk_report *r = fk_report_new(pdf, err);
    if (r == NULL)
        return err->status;
    static const char *const cols[] = {"番号", "氏名", "役割", "登録日", "備考"};
    static const char *const cells[] = {
        "1", "髙橋　一郎", "取扱責任者", "令和7年6月20日", "",
        "2", "𠮷田　花子", "取扱者",     "令和7年6月20日", "封入機オペレーター",
        "3", "山﨑　次郎", "取扱者",     "令和7年6月21日", "印刷・突合担当（夜間作業を含む）",
    };
    static const double widths[] = {14, 40, 30, 36, 50};
    fk_status s = fk_report_set_footer(r, "監査ログ先頭ハッシュ 3f9a0c1e", err);
    if (s == FK_OK)
        s = fk_report_title(r, "個人情報取扱者名簿", err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "業務名", "令和7年度 特定保健指導利用券等 印刷・封入封緘業務",
                               err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "発注者", "新宿区健康部健康づくり課", err);
    if (s == FK_OK)
        s = fk_report_heading(r, "1. 取扱者", err);
    if (s == FK_OK)
        s = fk_report_paragraph(r,
                                "本業務において個人情報を取り扱う者は、次のとおりとする。取扱者は"
                                "、取扱責任者の指示に従い、所定の作業場所以外で個人情報を取り扱わ"
                                "ない。",
                                err);
    if (s == FK_OK)
        s = fk_report_table(r, 5, cols, widths, 3, cells, err);
    fk_status c = fk_report_close(r, err);
    if (s == FK_OK)
        s = c;
    if (s == FK_OK)
        printf("%s\n", pdf);
    return s;
}

static int samples(const char *dir)
{
    static const struct {
        const char *file;
        fk_category cat;
    } docs[] = {
        {"voucher-tokutei", FK_CAT_SEKKYOKU}, {"voucher-tokutei", FK_CAT_DOUKI},
        {"voucher-hihiman", FK_CAT_HIHIMAN},  {"voucher-kenko", FK_CAT_KENKO},
        {"notice-jushin", FK_CAT_JUSHIN},     {"results", FK_CAT_SEKKYOKU},
    };
    fk_fields *f = fk_fields_new();
    for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
        char path[512], pdf[512];
        snprintf(path, sizeof path, "%s/templates/%s.yaml", FK_SOURCE_ROOT, docs[d].file);
        snprintf(pdf, sizeof pdf, "%s/%s-%c.pdf", dir, docs[d].file, fk_category_code(docs[d].cat));
        fk_template *t = NULL;
        fk_err err = {FK_OK, ""};
        fk_doc_writer *w = NULL;
        if (f == NULL || load_bound(path, &t, &err) != FK_OK ||
            (w = fk_doc_writer_new(pdf, t, &err)) == NULL || fill(f, 11, docs[d].cat, &err) ||
            fk_doc_writer_add_sheet(w, f, &err) != FK_OK || fk_doc_writer_close(w, &err)) {
            fprintf(stderr, "bench-compose: %s: %s\n", docs[d].file, fk_err_message(&err));
            return 1;
        }
        fk_template_free(t);
        printf("%s\n", pdf);
    }
    fk_fields_free(f);
    fk_err err = {FK_OK, ""};
    if (sample_report(dir, &err) != FK_OK) {
        fprintf(stderr, "bench-compose: report: %s\n", fk_err_message(&err));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long n = 4413;
    const char *tname = "voucher-tokutei";
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
            return samples(argv[i + 1]);
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            tname = argv[++i];
        else {
            fprintf(stderr,
                    "usage: bench-compose [-n COUNT] [-t TEMPLATE] [-o PDF] | --samples DIR\n");
            return 2;
        }
    }
    char path[512];
    snprintf(path, sizeof path, "%s/templates/%s.yaml", FK_SOURCE_ROOT, tname);
    fk_template *t = NULL;
    fk_err err = {FK_OK, ""};
    if (load_bound(path, &t, &err) != FK_OK) {
        fprintf(stderr, "bench-compose: %s\n", fk_err_message(&err));
        return 1;
    }
    size_t bytes = 0;
    fk_fields *f = fk_fields_new();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    fk_doc_writer *w = out != NULL ? fk_doc_writer_new(out, t, &err)
                                   : fk_doc_writer_new_stream(discard, &bytes, t, &err);
    for (long i = 0; w != NULL && i < n; i++) {
        if (fill(f, i, i % 2 ? FK_CAT_DOUKI : FK_CAT_SEKKYOKU, &err) != FK_OK ||
            fk_doc_writer_add_sheet(w, f, &err) != FK_OK) {
            fprintf(stderr, "bench-compose: sheet %ld: %s\n", i + 1, fk_err_message(&err));
            return 1;
        }
    }
    if (w == NULL || fk_doc_writer_close(w, &err) != FK_OK) {
        fprintf(stderr, "bench-compose: %s\n", fk_err_message(&err));
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%s: %ld sheets in %.2f s: %.0f sheets/s, %.1f KB/sheet, peak RSS %ld MB\n", tname, n,
           secs, (double)n / secs, (double)bytes / 1024.0 / (double)n, ru.ru_maxrss / 1024);
    fk_fields_free(f);
    fk_template_free(t);
    return 0;
}
