/*
 * Unit tests for ingest/validate and the ingest entry point: every rule of ward-export.md,
 * each date form, era boundaries, April-1 birthdays, normalisations, duplicates, and the
 * whole-file errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ingest/ingest.h"
#include "util/mem.h"
#include "ingest-fixture.h"

typedef struct result {
    int records;
    int findings;
    int warnings;
    long line;
    long column;
    char column_name[64];
    char reason[128];
    fk_record rec; /* strings borrowed only for checks inside the record callback */
    char name[128], kana[128], postal[8], resident[32], ins_number[32];
    fk_category category;
    fk_urine urine_glucose, urine_protein;
    bool smoker;
    fk_date birth;
} result;

static fk_status on_record(void *ctx, const fk_record *r, long line, fk_err *err)
{
    (void)line;
    (void)err;
    result *res = ctx;
    res->records++;
    snprintf(res->name, sizeof res->name, "%s", r->name);
    snprintf(res->kana, sizeof res->kana, "%s", r->kana);
    snprintf(res->resident, sizeof res->resident, "%s", r->resident_no);
    snprintf(res->ins_number, sizeof res->ins_number, "%s", r->ins_number);
    memcpy(res->postal, r->postal, sizeof res->postal);
    res->category = r->category;
    res->urine_glucose = r->urine_glucose;
    res->urine_protein = r->urine_protein;
    res->smoker = r->smoker;
    res->birth = r->birth;
    return FK_OK;
}

static bool on_finding(void *ctx, long line, long column, const char *column_name,
                       const char *reason, bool is_warning)
{
    result *res = ctx;
    if (is_warning)
        res->warnings++;
    else
        res->findings++;
    res->line = line;
    res->column = column;
    snprintf(res->column_name, sizeof res->column_name, "%s", column_name);
    snprintf(res->reason, sizeof res->reason, "%s", reason);
    return true;
}

static fk_status run(const char *csv, size_t n, result *res, fk_ingest_counts *counts, fk_err *err)
{
    memset(res, 0, sizeof *res);
    fk_ingest_options opt = {.fiscal_year = 2025, .export_date = {2025, 12, 1}};
    return fk_ingest_run(csv, n, &opt, on_record, on_finding, res, counts, err);
}

/* Runs a file of one fixture row with column c set to value. */
static fk_status run_one(int c, const char *value, result *res)
{
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, c, value);
    fk_err err;
    fk_err_clear(&err);
    fk_status st = run(b.data, b.len, res, NULL, &err);
    fk_buf_free(&b);
    return st;
}

static void accepts(int c, const char *value)
{
    result res;
    assert_int_equal(run_one(c, value, &res), FK_OK);
    if (res.records != 1)
        fail_msg("column %s value rejected: %s", fk_column_name((fk_column)c), res.reason);
    assert_int_equal(res.findings, 0);
}

static void rejects(int c, const char *value, const char *reason)
{
    result res;
    assert_int_equal(run_one(c, value, &res), FK_OK);
    if (res.records != 0 || res.findings < 1)
        fail_msg("column %s value accepted", fk_column_name((fk_column)c));
    if (!strstr(res.reason, reason))
        fail_msg("column %s: reason '%s', expected '%s'", fk_column_name((fk_column)c), res.reason,
                 reason);
    assert_int_equal(res.line, 2);
}

static void test_valid_row(void **state)
{
    (void)state;
    result res;
    assert_int_equal(run_one(FK_COL_COUNT, NULL, &res), FK_OK);
    assert_int_equal(res.records, 1);
    assert_int_equal(res.findings, 0);
    assert_string_equal(res.name, "山田\u3000太郎");
    assert_string_equal(res.kana, "ヤマダ\u3000タロウ");
    assert_string_equal(res.postal, "1500001");
    assert_int_equal(res.category, FK_CAT_SEKKYOKU);
    assert_int_equal(res.urine_glucose, FK_URINE_NEG);
    assert_int_equal(res.urine_protein, FK_URINE_TRACE);
    assert_false(res.smoker);
}

static void test_dates(void **state)
{
    (void)state;
    const char *forms[] = {"1960-04-02",          "1960/4/2", "19600402",
                           "昭和35年4月2日",      "S35.4.2",  "3350402",
                           "１９６０－０４－０２"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        accepts(FK_COL_BIRTH, forms[i]);
    rejects(FK_COL_BIRTH, "1960-02-30", "invalid date");
    rejects(FK_COL_BIRTH, "昭和65年1月1日", "era");
    rejects(FK_COL_BIRTH, "平成1年1月7日", "era");
    rejects(FK_COL_BIRTH, "yesterday", "unrecognised date form");
    rejects(FK_COL_BIRTH, "", "required field is empty");
    accepts(FK_COL_EXAM_DATE, "令和7年6月10日");
    accepts(FK_COL_EXAM_DATE, "R7.6.10");
    accepts(FK_COL_EXAM_DATE, "2025-04-01");
    rejects(FK_COL_EXAM_DATE, "2025-03-31", "outside the job's fiscal year");
    rejects(FK_COL_EXAM_DATE, "2025-12-02", "after the export date");
}

static void test_age(void **state)
{
    (void)state;
    rejects(FK_COL_AGE, "66", "does not match 生年月日");
    rejects(FK_COL_AGE, "６６", "does not match 生年月日");
    rejects(FK_COL_AGE, "sixty", "not an integer");
    rejects(FK_COL_AGE, "39", "outside 40–74");
    rejects(FK_COL_AGE, "75", "outside 40–74");
    /* Born on April 1: a year older on March 31 (the legal count). */
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, FK_COL_COUNT, NULL);
    char *row = strstr(b.data, "\r\n") + 2;
    char *birth = strstr(row, "1960-04-02");
    memcpy(birth, "1960-04-01", 10);
    char *age = strstr(birth, ",65,");
    memcpy(age, ",66,", 4);
    result res;
    fk_err err;
    assert_int_equal(run(b.data, b.len, &res, NULL, &err), FK_OK);
    assert_int_equal(res.records, 1);
    memcpy(age, ",65,", 4);
    assert_int_equal(run(b.data, b.len, &res, NULL, &err), FK_OK);
    assert_int_equal(res.records, 0);
    fk_buf_free(&b);
}

static void test_identity(void **state)
{
    (void)state;
    accepts(FK_COL_RESIDENT, "１２３");
    rejects(FK_COL_RESIDENT, "1234567890123456", "not 1–15 digits");
    rejects(FK_COL_RESIDENT, "12a", "not 1–15 digits");
    accepts(FK_COL_NAME, "山田　太郎");
    accepts(FK_COL_NAME, "𠮷田 葛\U000E0100飾");
    rejects(FK_COL_NAME, "山田太郎", "separated by one space");
    rejects(FK_COL_NAME, "山田 太郎 三世", "separated by one space");
    rejects(FK_COL_NAME, "山田 太郎太郎太郎太郎太郎太郎太郎太郎太郎太郎太郎太郎太郎太郎",
            "longer than 30");
    rejects(FK_COL_NAME, "山田\t太郎", "control character");
    accepts(FK_COL_KANA, "ﾔﾏﾀﾞ ﾀﾛｳ");
    rejects(FK_COL_KANA, "やまだ たろう", "not full-width katakana");
    accepts(FK_COL_SEX, "女");
    accepts(FK_COL_SEX, "2");
    rejects(FK_COL_SEX, "3", "not 1/男 or 2/女");
    accepts(FK_COL_POSTAL, "1500001");
    accepts(FK_COL_POSTAL, "１５０－０００１");
    rejects(FK_COL_POSTAL, "150-001", "postal code");
    rejects(FK_COL_ADDRESS, "", "required field is empty");
    accepts(FK_COL_BUILDING, "コーポ101");
    rejects(FK_COL_INS_NUMBER, "12-34", "letters and digits");
    accepts(FK_COL_INS_NUMBER, "ＡＢ１２");
    rejects(FK_COL_INS_BRANCH, "1", "not 2 digits");
    accepts(FK_COL_INS_BRANCH, "");
    rejects(FK_COL_TICKET, "1234567890", "not 11 digits");
}

static void test_normalisation(void **state)
{
    (void)state;
    result res;
    assert_int_equal(run_one(FK_COL_KANA, " ﾔﾏﾀﾞ  ﾀﾛｳ　", &res), FK_OK);
    assert_int_equal(res.records, 1);
    assert_string_equal(res.kana, "ヤマダ\u3000タロウ");
    assert_int_equal(run_one(FK_COL_RESIDENT, "　００１２ ", &res), FK_OK);
    assert_string_equal(res.resident, "0012");
    assert_int_equal(run_one(FK_COL_NAME, "葛\U000E0100城 𠮷男", &res), FK_OK);
    assert_string_equal(res.name, "葛\U000E0100城\u3000𠮷男");
    assert_int_equal(run_one(FK_COL_INS_NUMBER, "ＡＢ１２", &res), FK_OK);
    assert_string_equal(res.ins_number, "AB12");
}

static void test_categories(void **state)
{
    (void)state;
    result res;
    assert_int_equal(run_one(FK_COL_GUIDANCE, "動機づけ支援", &res), FK_OK);
    assert_int_equal(res.category, FK_CAT_DOUKI);
    rejects(FK_COL_GUIDANCE, "", "required for 特定保健指導");
    rejects(FK_COL_GUIDANCE, "その他", "not 積極的支援 or 動機付け支援");
    rejects(FK_COL_CATEGORY, "特定健診", "not 特定保健指導");
    rejects(FK_COL_CATEGORY, "健康相談", "must be empty unless 特定保健指導");
    rejects(FK_COL_VOUCHER, "", "required field is empty");
    rejects(FK_COL_VOUCHER, "123", "not 11 digits");

    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, FK_COL_COUNT, NULL);
    char *row = strstr(b.data, "\r\n") + 2;
    char *kind = strstr(row, "特定保健指導,積極的支援");
    const char *jushin = "受診勧奨通知,";
    memcpy(kind, jushin, strlen(jushin));
    memset(kind + strlen(jushin), ' ', strlen("特定保健指導,積極的支援") - strlen(jushin));
    fk_err err;
    assert_int_equal(run(b.data, b.len, &res, NULL, &err), FK_OK);
    assert_int_equal(res.findings, 1);
    assert_string_equal(res.reason, "must be empty for 受診勧奨通知");
    char *voucher = strstr(row, "10987654321");
    memset(voucher, ' ', 11);
    assert_int_equal(run(b.data, b.len, &res, NULL, &err), FK_OK);
    assert_int_equal(res.records, 1);
    assert_int_equal(res.category, FK_CAT_JUSHIN);
    fk_buf_free(&b);
}

static void test_results(void **state)
{
    (void)state;
    accepts(FK_COL_HEIGHT, "１７０．０");
    rejects(FK_COL_HEIGHT, "99.9", "outside 100.0–220.0");
    rejects(FK_COL_HEIGHT, "170.0.0", "not a number");
    rejects(FK_COL_HEIGHT, "170,0", "expected 42 fields");
    rejects(FK_COL_HEIGHT, "", "required field is empty");
    rejects(FK_COL_WEIGHT, "251", "outside 20.0–250.0");
    rejects(FK_COL_BMI, "27.4", "does not agree");
    accepts(FK_COL_BMI, "27.5");
    rejects(FK_COL_WAIST, "39", "outside 40.0–200.0");
    rejects(FK_COL_DBP, "140", "not greater than 拡張期血圧");
    rejects(FK_COL_SBP, "301", "outside 60–300");
    accepts(FK_COL_FASTING, "随時");
    rejects(FK_COL_FASTING, "夕方", "not 空腹時");
    rejects(FK_COL_TG, "9", "outside 10–5000");
    rejects(FK_COL_HDL, "-5", "not a number");
    rejects(FK_COL_LDL, "", "LDLコレステロール or Non-HDLコレステロール required");
    rejects(FK_COL_LDL, "601", "outside 10–600");
    rejects(FK_COL_GGT, "0", "outside 1–5000");
    accepts(FK_COL_GLUCOSE, "");
    rejects(FK_COL_HBA1C, "20.1", "outside 3.0–20.0");
    rejects(FK_COL_EGFR, "201", "outside 1–200");
    rejects(FK_COL_CREATININE, "0.05", "outside 0.1–20.0");
    const char *urine[] = {"-", "－", "ー", "±", "+", "＋", "1+", "１＋", "2+", "3+", "4+"};
    for (size_t i = 0; i < sizeof urine / sizeof urine[0]; i++)
        accepts(FK_COL_URINE_PROTEIN, urine[i]);
    rejects(FK_COL_URINE_GLUCOSE, "5+", "not one of");
    accepts(FK_COL_SMOKER, "はい");
    accepts(FK_COL_MED_BP, "1");
    rejects(FK_COL_MED_LIPID, "yes", "not はい/いいえ");
}

static void test_both_missing(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, FK_COL_LDL, "");
    char *row = strstr(b.data, "\r\n") + 2;
    char *glucose = strstr(row, ",110,5.9,");
    memcpy(glucose, ",   ,   ,", 9);
    result res;
    fk_err err;
    assert_int_equal(run(b.data, b.len, &res, NULL, &err), FK_OK);
    assert_int_equal(res.records, 0);
    assert_int_equal(res.findings, 2);
    assert_string_equal(res.column_name, "血糖");
    fk_buf_free(&b);
}

static void test_duplicates(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, FK_COL_COUNT, NULL);
    fixture_row(&b, FK_COL_VOUCHER, "22222222222");
    fixture_row(&b, FK_COL_RESIDENT, "654321");
    fixture_row(&b, FK_COL_RESIDENT, "0123456");
    result res;
    fk_ingest_counts counts;
    fk_err err;
    assert_int_equal(run(b.data, b.len, &res, &counts, &err), FK_OK);
    assert_int_equal(counts.rows, 4);
    assert_int_equal(counts.accepted, 1);
    assert_int_equal(counts.rejected, 3);
    assert_string_equal(res.reason, "duplicate voucher number (first on line 2)");
    assert_int_equal(res.line, 5);
    fk_buf_free(&b);
}

static void test_reasons_do_not_echo(void **state)
{
    (void)state;
    rejects(FK_COL_POSTAL, "98765", "postal code");
    result res;
    assert_int_equal(run_one(FK_COL_POSTAL, "98765", &res), FK_OK);
    assert_null(strstr(res.reason, "98765"));
    assert_int_equal(run_one(FK_COL_RESIDENT, "12345x", &res), FK_OK);
    assert_null(strstr(res.reason, "12345"));
}

static void test_header(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    /* An unknown column in front shifts every field; it is reported and ignored. */
    char *csv = NULL;
    fk_buf c;
    fk_buf_init(&c, 1 << 20);
    assert_int_equal(fk_buf_append_str(&c, "備考,"), FK_OK);
    assert_int_equal(fk_buf_append(&c, b.data, b.len), FK_OK);
    assert_int_equal(fk_buf_append_str(&c, "メモ,"), FK_OK);
    fixture_row(&c, FK_COL_COUNT, NULL);
    csv = c.data;
    result res;
    fk_err err;
    assert_int_equal(run(csv, c.len, &res, NULL, &err), FK_OK);
    assert_int_equal(res.records, 1);
    assert_int_equal(res.warnings, 1);
    fk_buf_free(&c);

    /* Missing required columns are named. */
    assert_int_equal(run("利用券種別,氏名\n", 23, &res, NULL, &err), FK_EFORMAT);
    assert_non_null(strstr(err.msg, "required columns missing"));
    assert_non_null(strstr(err.msg, "0 unknown columns"));
    /* CR-only line ends would make the whole file one header line. */
    assert_int_equal(run("a,b\r1,2\r", 8, &res, NULL, &err), FK_EFORMAT);
    assert_non_null(strstr(err.msg, "CR only"));
    assert_int_equal(run("", 0, &res, NULL, &err), FK_EFORMAT);
    fk_ingest_options small = {.fiscal_year = 2025, .max_decoded = 16};
    assert_int_equal(fk_ingest_run(b.data, b.len, &small, on_record, on_finding, &res, NULL, &err),
                     FK_ETOOBIG);
    fk_buf_free(&b);
}

static void test_cp932(void **state)
{
    (void)state;
    fk_buf b, sj;
    fk_buf_init(&b, 1 << 20);
    fk_buf_init(&sj, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, FK_COL_COUNT, NULL);
    /* The fixture in CP932, as a spreadsheet saves it. */
    FILE *p = fopen("ingest-cp932.tmp", "w");
    assert_non_null(p);
    fwrite(b.data, 1, b.len, p);
    fclose(p);
    p = popen("iconv -f UTF-8 -t CP932 ingest-cp932.tmp", "r");
    assert_non_null(p);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        assert_int_equal(fk_buf_append(&sj, chunk, n), FK_OK);
    assert_int_equal(pclose(p), 0);
    remove("ingest-cp932.tmp");
    result res;
    fk_ingest_counts counts;
    fk_err err;
    assert_int_equal(run(sj.data, sj.len, &res, &counts, &err), FK_OK);
    assert_int_equal(counts.encoding, FK_ENCODING_CP932);
    assert_int_equal(res.records, 1);
    assert_string_equal(res.name, "山田\u3000太郎");
    /* The same through a stream cut into chunks of 1 to 3 bytes, scanned in 2-byte chunks: every
     * two-byte character is cut somewhere. */
    for (size_t cut = 1; cut <= 3; cut++) {
        fk_decode_scan *scan;
        assert_int_equal(fk_decode_scan_new(FK_ENCODING_AUTO, &scan, &err), FK_OK);
        for (size_t i = 0; i < sj.len; i += 2)
            fk_decode_scan_feed(scan, sj.data + i, sj.len - i < 2 ? sj.len - i : 2);
        fk_stream_mem in = {sj.data, sj.len, 0, cut};
        memset(&res, 0, sizeof res);
        fk_ingest_options opt = {.fiscal_year = 2025, .export_date = {2025, 12, 1}};
        assert_int_equal(fk_ingest_run_stream(scan, fk_stream_mem_read, &in, &opt, on_record,
                                              on_finding, &res, &counts, &err),
                         FK_OK);
        fk_decode_scan_free(scan);
        assert_int_equal(counts.encoding, FK_ENCODING_CP932);
        assert_int_equal(counts.rows, 1);
        assert_int_equal(res.records, 1);
        assert_string_equal(res.name, "山田\u3000太郎");
    }
    fk_buf_free(&b);
    fk_buf_free(&sj);
}

static int stop_after;

static bool stopping_finding(void *ctx, long line, long column, const char *column_name,
                             const char *reason, bool is_warning)
{
    (void)ctx;
    (void)line;
    (void)column;
    (void)column_name;
    (void)reason;
    (void)is_warning;
    return --stop_after > 0;
}

static fk_status failing_record(void *ctx, const fk_record *r, long line, fk_err *err)
{
    (void)ctx;
    (void)r;
    return fk_failf(err, FK_EDB, "store refused line %ld", line);
}

static void test_callbacks_stop(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, FK_COL_POSTAL, "x");
    fixture_row(&b, FK_COL_POSTAL, "y");
    fixture_row(&b, FK_COL_POSTAL, "z");
    fk_ingest_options opt = {.fiscal_year = 2025, .export_date = {2025, 12, 1}};
    fk_ingest_counts counts;
    fk_err err;
    stop_after = 2;
    assert_int_equal(
        fk_ingest_run(b.data, b.len, &opt, on_record, stopping_finding, NULL, &counts, &err),
        FK_EFINDING);
    assert_int_equal(counts.rows, 2);
    fk_buf_reset(&b);
    fixture_header(&b);
    fixture_row(&b, FK_COL_COUNT, NULL);
    result res;
    assert_int_equal(
        fk_ingest_run(b.data, b.len, &opt, failing_record, on_finding, &res, &counts, &err),
        FK_EDB);
    assert_string_equal(err.msg, "store refused line 2");
    fk_buf_free(&b);
}

/* Every allocation failure ends in FK_ENOMEM without a leak or crash (ASan checks leaks). */
static void test_out_of_memory(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, FK_COL_COUNT, NULL);
    fixture_row(&b, FK_COL_RESIDENT, "654321");
    fixture_row(&b, FK_COL_RESIDENT, "1");
    char *copy = fk_strndup(b.data, b.len);
    size_t len = b.len;
    fk_buf_free(&b);
    assert_non_null(copy);
    result res;
    fk_err err;
    fk_status st = FK_ENOMEM;
    for (long n = 0; st == FK_ENOMEM && n < 10000; n++) {
        fk_mem_fail_after(n);
        st = run(copy, len, &res, NULL, &err);
        fk_mem_fail_after(-1);
        assert_true(st == FK_OK || st == FK_ENOMEM);
    }
    assert_int_equal(st, FK_OK);
    assert_int_equal(res.records, 1);
    assert_int_equal(res.findings, 2); /* the two later rows repeat the voucher number */
    fk_free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_row),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_age),
        cmocka_unit_test(test_identity),
        cmocka_unit_test(test_normalisation),
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_results),
        cmocka_unit_test(test_both_missing),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_reasons_do_not_echo),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_cp932),
        cmocka_unit_test(test_callbacks_stop),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
