/*
 * Unit tests for ingest/validate and the ingest pipeline: every rule of ward-export.md,
 * accepted forms and their normalisation, and findings that never carry the value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ingest/ingest.h"
#include "util/buf.h"
#include "util/mem.h"

/* A valid row for fiscal year 2024, by column. */
static const char *const base[FK_COL_COUNT] = {
    [FK_COL_CATEGORY] = "特定保健指導",
    [FK_COL_LEVEL] = "積極的支援",
    [FK_COL_RESIDENT] = "123456789",
    [FK_COL_NAME] = "山田 太郎",
    [FK_COL_KANA] = "ヤマダ タロウ",
    [FK_COL_BIRTH] = "1960-05-10",
    [FK_COL_SEX] = "1",
    [FK_COL_AGE] = "64",
    [FK_COL_POSTAL] = "160-0022",
    [FK_COL_ADDRESS] = "東京都新宿区新宿1-1-1",
    [FK_COL_BUILDING] = "",
    [FK_COL_INS_SYMBOL] = "新宿",
    [FK_COL_INS_NUMBER] = "12345",
    [FK_COL_INS_BRANCH] = "01",
    [FK_COL_TICKET] = "24100000001",
    [FK_COL_EXAM_DATE] = "2024-06-10",
    [FK_COL_VOUCHER] = "24200000001",
    [FK_COL_HEIGHT] = "170.0",
    [FK_COL_WEIGHT] = "70.0",
    [FK_COL_BMI] = "24.2",
    [FK_COL_WAIST] = "85.0",
    [FK_COL_SBP] = "130",
    [FK_COL_DBP] = "80",
    [FK_COL_FASTING] = "空腹時",
    [FK_COL_TG] = "150",
    [FK_COL_HDL] = "50",
    [FK_COL_LDL] = "120",
    [FK_COL_NON_HDL] = "",
    [FK_COL_AST] = "20",
    [FK_COL_ALT] = "20",
    [FK_COL_GGT] = "30",
    [FK_COL_GLUCOSE] = "100",
    [FK_COL_HBA1C] = "5.6",
    [FK_COL_URINE_GLUCOSE] = "-",
    [FK_COL_URINE_PROTEIN] = "-",
    [FK_COL_HB] = "",
    [FK_COL_CREATININE] = "",
    [FK_COL_EGFR] = "",
    [FK_COL_SMOKER] = "2",
    [FK_COL_MED_BP] = "2",
    [FK_COL_MED_GLUCOSE] = "2",
    [FK_COL_MED_LIPID] = "2",
};

typedef struct {
    size_t n;
    size_t line[16];
    size_t column[16];
    char reason[16][128];
    bool warning[16];
    fk_record last; /* a copy of the last accepted record's scalar fields */
    char name[128], kana[128], resident[32], ins_number[32];
} capture;

static bool on_finding(const fk_finding *f, void *ctx)
{
    capture *c = ctx;
    if (c->n < 16) {
        c->line[c->n] = f->line;
        c->column[c->n] = f->column;
        snprintf(c->reason[c->n], sizeof c->reason[0], "%s", f->reason);
        c->warning[c->n] = f->is_warning;
    }
    c->n++;
    return true;
}

static fk_status on_record(const fk_record *r, size_t line, void *ctx, fk_err *err)
{
    (void)line;
    (void)err;
    capture *c = ctx;
    c->last = *r;
    snprintf(c->name, sizeof c->name, "%s", r->name);
    snprintf(c->kana, sizeof c->kana, "%s", r->kana);
    snprintf(c->resident, sizeof c->resident, "%s", r->resident_no);
    snprintf(c->ins_number, sizeof c->ins_number, "%s", r->ins_number);
    c->last.name = c->last.kana = c->last.resident_no = c->last.ins_number = NULL;
    c->last.address = c->last.building = c->last.ins_symbol = NULL;
    return FK_OK;
}

static void append_field(fk_buf *b, const char *v, bool first)
{
    assert_int_equal(fk_buf_append_str(b, first ? "\"" : ",\""), FK_OK);
    for (; *v; v++)
        assert_int_equal(*v == '"' ? fk_buf_append_str(b, "\"\"") : fk_buf_append_byte(b, *v),
                         FK_OK);
    assert_int_equal(fk_buf_append_byte(b, '"'), FK_OK);
}

static void append_row(fk_buf *b, const char *const *vals)
{
    for (int c = 0; c < FK_COL_COUNT; c++)
        append_field(b, vals[c], c == 0);
    assert_int_equal(fk_buf_append_str(b, "\r\n"), FK_OK);
}

static void append_header(fk_buf *b)
{
    for (int c = 0; c < FK_COL_COUNT; c++)
        append_field(b, fk_column_name((fk_column)c), c == 0);
    assert_int_equal(fk_buf_append_str(b, "\r\n"), FK_OK);
}

static fk_ingest_options options(int fy)
{
    fk_ingest_options o = {
        .encoding = FK_ENC_AUTO, .fiscal_year = fy, .export_day = {fy + 1, 1, 10}};
    return o;
}

static fk_status run_text(const char *text, size_t len, const fk_ingest_options *o, capture *c,
                          fk_ingest_counts *counts, fk_err *err)
{
    memset(c, 0, sizeof *c);
    fk_err_clear(err);
    return fk_ingest_run(text, len, o, on_record, on_finding, c, counts, err);
}

/* Runs one row made of base with column col set to value. */
static fk_ingest_counts run_one(int fy, const char *const *vals, capture *c)
{
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    append_header(&b);
    append_row(&b, vals);
    fk_ingest_options o = options(fy);
    fk_ingest_counts counts;
    fk_err err;
    assert_int_equal(run_text(b.data, b.len, &o, c, &counts, &err), FK_OK);
    fk_buf_free(&b);
    assert_int_equal(counts.rows, 1);
    return counts;
}

static void with(const char **vals, fk_column col, const char *value)
{
    memcpy(vals, base, sizeof base);
    vals[col] = value;
}

static void expect_accepted(fk_column col, const char *value, capture *c)
{
    const char *vals[FK_COL_COUNT];
    with(vals, col, value);
    fk_ingest_counts counts = run_one(2024, vals, c);
    if (counts.accepted != 1)
        fail_msg("%s '%s' rejected: %s", fk_column_name(col), value, c->reason[0]);
}

static void expect_rejected_vals(const char *const *vals, fk_column col, const char *reason,
                                 const char *value)
{
    capture c;
    fk_ingest_counts counts = run_one(2024, vals, &c);
    assert_int_equal(counts.rejected, 1);
    assert_int_equal(counts.accepted, 0);
    bool found = false;
    for (size_t i = 0; i < c.n && i < 16; i++) {
        assert_int_equal(c.line[i], 2);
        if (c.column[i] == (size_t)col + 1 && strcmp(c.reason[i], reason) == 0)
            found = true;
        /* The reason names the problem, never the value. */
        if (value != NULL && strlen(value) >= 2)
            assert_null(strstr(c.reason[i], value));
    }
    if (!found)
        fail_msg("%s '%s': expected '%s', got %zu findings, first '%s' in column %zu",
                 fk_column_name(col), value, reason, c.n, c.n ? c.reason[0] : "",
                 c.n ? c.column[0] : 0);
}

static void expect_rejected(fk_column col, const char *value, const char *reason)
{
    const char *vals[FK_COL_COUNT];
    with(vals, col, value);
    expect_rejected_vals(vals, col, reason, value);
}

static void test_valid_row(void **state)
{
    (void)state;
    capture c;
    fk_ingest_counts counts = run_one(2024, base, &c);
    assert_int_equal(counts.accepted, 1);
    assert_int_equal(counts.by_category[FK_CAT_SEKKYOKU], 1);
    assert_int_equal(c.n, 0);
    assert_string_equal(c.name, "山田\u3000太郎");
    assert_string_equal(c.kana, "ヤマダ\u3000タロウ");
    assert_int_equal(c.last.age, 64);
    assert_int_equal(c.last.birth.year, 1960);
    assert_string_equal(c.last.postal, "1600022");
    assert_string_equal(c.last.voucher_no, "24200000001");
    assert_true(c.last.bmi > 24.19 && c.last.bmi < 24.21);
    assert_false(fk_is_measured(c.last.non_hdl));
    assert_int_equal(c.last.fasting, FK_FAST_FASTING);
    assert_false(c.last.smoker);
}

static void test_normalisation(void **state)
{
    (void)state;
    capture c;
    expect_accepted(FK_COL_RESIDENT, " １２３４５６７８９ ", &c);
    assert_string_equal(c.resident, "123456789");
    expect_accepted(FK_COL_POSTAL, "１６０－００２２", &c);
    assert_string_equal(c.last.postal, "1600022");
    expect_accepted(FK_COL_POSTAL, "1600022", &c);
    expect_accepted(FK_COL_KANA, "ﾔﾏﾀﾞ ﾀﾛｳ", &c);
    assert_string_equal(c.kana, "ヤマダ\u3000タロウ");
    expect_accepted(FK_COL_NAME, "\u3000髙橋\u3000𠮷\U000E0100子 ", &c);
    assert_string_equal(c.name, "髙橋\u3000𠮷\U000E0100子");
    expect_accepted(FK_COL_INS_NUMBER, "ＡＢ１２", &c);
    assert_string_equal(c.ins_number, "AB12");
    expect_accepted(FK_COL_HEIGHT, "１７０．０", &c);
    expect_accepted(FK_COL_SEX, "男", &c);
    assert_int_equal(c.last.sex, FK_SEX_MALE);
    expect_accepted(FK_COL_SMOKER, "はい", &c);
    assert_true(c.last.smoker);
    expect_accepted(FK_COL_MED_BP, "1", &c);
    assert_true(c.last.med_bp);
    expect_accepted(FK_COL_LEVEL, "動機づけ支援", &c);
    assert_int_equal(c.last.category, FK_CAT_DOUKI);
    expect_accepted(FK_COL_INS_BRANCH, "", &c);
}

static void test_urine_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        fk_urine grade;
    } forms[] = {{"-", FK_URINE_NEG},   {"−", FK_URINE_NEG},   {"－", FK_URINE_NEG},
                 {"±", FK_URINE_TRACE}, {"+", FK_URINE_1P},    {"＋", FK_URINE_1P},
                 {"1+", FK_URINE_1P},   {"１＋", FK_URINE_1P}, {"2+", FK_URINE_2P},
                 {"3+", FK_URINE_3P},   {"4+", FK_URINE_4P}};
    capture c;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        expect_accepted(FK_COL_URINE_GLUCOSE, forms[i].text, &c);
        assert_int_equal(c.last.urine_glucose, forms[i].grade);
        expect_accepted(FK_COL_URINE_PROTEIN, forms[i].text, &c);
        assert_int_equal(c.last.urine_protein, forms[i].grade);
    }
    expect_rejected(FK_COL_URINE_GLUCOSE, "5+", "must be −, ±, +, 2+, 3+ or 4+");
    expect_rejected(FK_COL_URINE_PROTEIN, "", "required");
}

static void test_date_forms(void **state)
{
    (void)state;
    static const char *const forms[] = {"1960-05-10",        "1960/5/10", "19600510",
                                        "昭和35年5月10日",   "S35.5.10",  "3350510",
                                        "１９６０／５／１０"};
    capture c;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        expect_accepted(FK_COL_BIRTH, forms[i], &c);
        assert_int_equal(c.last.birth.year, 1960);
        assert_int_equal(c.last.birth.month, 5);
        assert_int_equal(c.last.birth.day, 10);
    }
    expect_accepted(FK_COL_EXAM_DATE, "令和6年6月10日", &c);
    expect_accepted(FK_COL_EXAM_DATE, "R6.6.10", &c);
    expect_rejected(FK_COL_BIRTH, "1960-02-30", "invalid date");
    expect_rejected(FK_COL_BIRTH, "1960-5", "unrecognised date form");
    expect_rejected(FK_COL_BIRTH, "", "required");
    expect_rejected(FK_COL_EXAM_DATE, "2024-03-31", "outside the job's fiscal year");
    expect_rejected(FK_COL_EXAM_DATE, "2025-04-01", "outside the job's fiscal year");
    expect_rejected(FK_COL_EXAM_DATE, "2025-01-11", "after the export date");
    expect_accepted(FK_COL_EXAM_DATE, "2025-01-10", &c);
}

/* Era boundaries: 昭和64年 ended on January 7, 1989; 平成元年 began on January 8. */
static void test_era_boundaries(void **state)
{
    (void)state;
    const char *vals[FK_COL_COUNT];
    memcpy(vals, base, sizeof base);
    vals[FK_COL_EXAM_DATE] = "2030-06-10";
    vals[FK_COL_AGE] = "42";
    static const char *const good[] = {"平成元年1月8日", "H1.1.8",         "4010108",
                                       "S64.1.7",        "昭和64年1月7日", "3640107"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        vals[FK_COL_BIRTH] = good[i];
        capture c;
        fk_ingest_counts counts = run_one(2030, vals, &c);
        if (counts.accepted != 1)
            fail_msg("%s rejected: %s", good[i], c.reason[0]);
    }
    static const char *const bad[] = {"昭和64年1月8日", "S64.1.8", "平成元年1月7日", "4010107"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vals[FK_COL_BIRTH] = bad[i];
        capture c;
        fk_ingest_counts counts = run_one(2030, vals, &c);
        assert_int_equal(counts.rejected, 1);
        assert_int_equal(c.column[0], FK_COL_BIRTH + 1);
    }
}

/* Born on April 1: one is a year older on March 31 (the end of the day before the birthday). */
static void test_april_first_birthdays(void **state)
{
    (void)state;
    const char *vals[FK_COL_COUNT];
    capture c;
    memcpy(vals, base, sizeof base);
    vals[FK_COL_BIRTH] = "1960-04-01";
    vals[FK_COL_AGE] = "65";
    assert_int_equal(run_one(2024, vals, &c).accepted, 1);
    vals[FK_COL_AGE] = "64";
    expect_rejected_vals(vals, FK_COL_AGE, "does not match 生年月日 and the fiscal year", NULL);
    vals[FK_COL_BIRTH] = "1960-04-02";
    assert_int_equal(run_one(2024, vals, &c).accepted, 1);
    vals[FK_COL_BIRTH] = "1960-03-31";
    vals[FK_COL_AGE] = "65";
    assert_int_equal(run_one(2024, vals, &c).accepted, 1);
}

static void test_identifiers(void **state)
{
    (void)state;
    expect_rejected(FK_COL_RESIDENT, "", "required");
    expect_rejected(FK_COL_RESIDENT, "1234567890123456", "must be 1 to 15 digits");
    expect_rejected(FK_COL_RESIDENT, "12A4", "must be 1 to 15 digits");
    expect_rejected(FK_COL_POSTAL, "160-002", "must be 7 digits (NNN-NNNN)");
    expect_rejected(FK_COL_POSTAL, "1600-022", "must be 7 digits (NNN-NNNN)");
    expect_rejected(FK_COL_TICKET, "2410000001", "must be 11 digits");
    expect_rejected(FK_COL_TICKET, "", "required");
    expect_rejected(FK_COL_VOUCHER, "242000000011", "must be 11 digits");
    expect_rejected(FK_COL_VOUCHER, "", "required unless 利用券種別 is 受診勧奨通知");
    expect_rejected(FK_COL_INS_BRANCH, "1", "must be 2 digits");
    expect_rejected(FK_COL_INS_BRANCH, "001", "must be 2 digits");
    expect_rejected(FK_COL_INS_NUMBER, "12-34", "must be at most 20 letters and digits");
    expect_rejected(FK_COL_INS_NUMBER, "123456789012345678901",
                    "must be at most 20 letters and digits");
    expect_rejected(FK_COL_INS_SYMBOL, "１２３４５６７８９０１２３４５６７８９０１",
                    "longer than 20 characters");
}

static void test_categories(void **state)
{
    (void)state;
    const char *vals[FK_COL_COUNT];
    capture c;
    expect_rejected(FK_COL_CATEGORY, "特別",
                    "must be 特定保健指導, 非肥満保健指導, 健康相談 or 受診勧奨通知");
    expect_rejected(FK_COL_LEVEL, "", "required for 特定保健指導");
    expect_rejected(FK_COL_LEVEL, "高度", "must be 積極的支援 or 動機付け支援");
    with(vals, FK_COL_CATEGORY, "非肥満保健指導");
    expect_rejected_vals(vals, FK_COL_LEVEL, "must be empty unless 利用券種別 is 特定保健指導",
                         NULL);
    vals[FK_COL_LEVEL] = "";
    assert_int_equal(run_one(2024, vals, &c).by_category[FK_CAT_HIHIMAN], 1);
    vals[FK_COL_CATEGORY] = "健康相談";
    assert_int_equal(run_one(2024, vals, &c).by_category[FK_CAT_KENKO], 1);
    vals[FK_COL_CATEGORY] = "受診勧奨通知";
    expect_rejected_vals(vals, FK_COL_VOUCHER, "must be empty for 受診勧奨通知", NULL);
    vals[FK_COL_VOUCHER] = "";
    assert_int_equal(run_one(2024, vals, &c).by_category[FK_CAT_JUSHIN], 1);
    assert_string_equal(c.last.voucher_no, "");
}

static void test_person(void **state)
{
    (void)state;
    expect_rejected(FK_COL_NAME, "山田太郎",
                    "must be family and given name separated by one space");
    expect_rejected(FK_COL_NAME, "山田  太郎",
                    "must be family and given name separated by one space");
    expect_rejected(FK_COL_NAME, "山田 太郎 次郎",
                    "must be family and given name separated by one space");
    expect_rejected(FK_COL_NAME, "山田山田山田山田山田山田山田山田 太郎太郎太郎太郎太郎太郎太郎太",
                    "longer than 30 characters");
    expect_rejected(FK_COL_NAME, "山田\t太郎", "control character");
    expect_rejected(FK_COL_NAME, "山田\n太郎", "control character");
    expect_rejected(FK_COL_KANA, "やまだ たろう", "must be katakana");
    expect_rejected(FK_COL_KANA, "ヤマダタロウ",
                    "must be family and given name separated by one space");
    expect_rejected(FK_COL_SEX, "3", "must be 1/男 or 2/女");
    expect_rejected(FK_COL_AGE, "63", "does not match 生年月日 and the fiscal year");
    expect_rejected(FK_COL_AGE, "6x", "not an integer");
    expect_rejected(FK_COL_AGE, "39", "outside 40–74");
    expect_rejected(FK_COL_AGE, "75", "outside 40–74");
    char longaddr[300] = "";
    for (int i = 0; i < 81; i++)
        memcpy(longaddr + i * 3, "東", 4);
    expect_rejected(FK_COL_ADDRESS, longaddr, "longer than 80 characters");
    expect_rejected(FK_COL_ADDRESS, "", "required");
    expect_rejected(FK_COL_BUILDING, longaddr + 3 * 40, "longer than 40 characters");
    expect_rejected(FK_COL_SMOKER, "", "required");
    expect_rejected(FK_COL_MED_LIPID, "yes", "must be はい/いいえ or 1/2");
}

static void test_results(void **state)
{
    (void)state;
    expect_rejected(FK_COL_HEIGHT, "99.9", "outside the plausible range 100–220");
    expect_rejected(FK_COL_HEIGHT, "220.1", "outside the plausible range 100–220");
    expect_rejected(FK_COL_HEIGHT, "1.2.3", "not a number");
    expect_rejected(FK_COL_HEIGHT, "-170", "not a number");
    expect_rejected(FK_COL_HEIGHT, "", "required");
    expect_rejected(FK_COL_WEIGHT, "251", "outside the plausible range 20–250");
    expect_rejected(FK_COL_BMI, "24.5", "does not agree with 体重/身長² within 0.2");
    capture c;
    expect_accepted(FK_COL_BMI, "24.4", &c);
    expect_rejected(FK_COL_WAIST, "39", "outside the plausible range 40–200");
    expect_rejected(FK_COL_SBP, "301", "outside the plausible range 60–300");
    expect_rejected(FK_COL_DBP, "29", "outside the plausible range 30–200");
    expect_rejected(FK_COL_DBP, "130", "not lower than 収縮期血圧");
    expect_rejected(FK_COL_FASTING, "朝", "must be 空腹時, 随時 or 食直後");
    expect_rejected(FK_COL_TG, "5001", "outside the plausible range 10–5000");
    expect_rejected(FK_COL_HDL, "4", "outside the plausible range 5–200");
    expect_rejected(FK_COL_LDL, "601", "outside the plausible range 10–600");
    expect_rejected(FK_COL_LDL, "", "required when Non-HDLコレステロール is empty");
    const char *vals[FK_COL_COUNT];
    with(vals, FK_COL_LDL, "");
    vals[FK_COL_NON_HDL] = "150";
    assert_int_equal(run_one(2024, vals, &c).accepted, 1);
    expect_rejected(FK_COL_NON_HDL, "701", "outside the plausible range 10–700");
    expect_rejected(FK_COL_AST, "0", "outside the plausible range 1–5000");
    expect_rejected(FK_COL_ALT, "", "required");
    expect_rejected(FK_COL_GGT, "5001", "outside the plausible range 1–5000");
    expect_rejected(FK_COL_GLUCOSE, "19", "outside the plausible range 20–1000");
    expect_rejected(FK_COL_HBA1C, "20.1", "outside the plausible range 3–20");
    with(vals, FK_COL_GLUCOSE, "");
    vals[FK_COL_HBA1C] = "";
    expect_rejected_vals(vals, FK_COL_GLUCOSE, "at least one of 血糖 and HbA1c is required", NULL);
    vals[FK_COL_HBA1C] = "5.9";
    assert_int_equal(run_one(2024, vals, &c).accepted, 1);
    expect_rejected(FK_COL_HB, "25.1", "outside the plausible range 3–25");
    expect_rejected(FK_COL_CREATININE, "0.05", "outside the plausible range 0.1–20");
    expect_rejected(FK_COL_EGFR, "201", "outside the plausible range 1–200");
    expect_accepted(FK_COL_EGFR, "75", &c);
    assert_true(c.last.egfr == 75);
}

/* Several rows: duplicates, findings per row, a row with the wrong number of fields. */
static void test_file(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    append_header(&b);
    append_row(&b, base); /* line 2 */
    const char *vals[FK_COL_COUNT];
    with(vals, FK_COL_VOUCHER, "24200000002");
    append_row(&b, vals); /* line 3: resident number again */
    with(vals, FK_COL_RESIDENT, "987");
    append_row(&b, vals); /* line 4: voucher number again */
    assert_int_equal(fk_buf_append_str(&b, "\"a\",\"b\"\r\n\r\n"), FK_OK); /* line 5 */
    fk_ingest_options o = options(2024);
    capture c;
    fk_ingest_counts counts;
    fk_err err;
    assert_int_equal(run_text(b.data, b.len, &o, &c, &counts, &err), FK_OK);
    assert_int_equal(counts.rows, 4);
    assert_int_equal(counts.accepted, 1);
    assert_int_equal(counts.rejected, 3);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.line[0], 3);
    assert_int_equal(c.column[0], FK_COL_RESIDENT + 1);
    assert_string_equal(c.reason[0], "duplicate resident number (first on line 2)");
    assert_int_equal(c.line[1], 4);
    assert_int_equal(c.column[1], FK_COL_VOUCHER + 1);
    assert_string_equal(c.reason[1], "duplicate voucher number (first on line 2)");
    assert_int_equal(c.line[2], 5);
    assert_int_equal(c.column[2], 0);
    assert_string_equal(c.reason[2], "2 fields where the header has 42");
    fk_buf_free(&b);
}

static void test_file_errors(void **state)
{
    (void)state;
    fk_ingest_options o = options(2024);
    capture c;
    fk_ingest_counts counts;
    fk_err err;
    assert_int_equal(run_text("", 0, &o, &c, &counts, &err), FK_EFORMAT);
    assert_string_equal(err.msg, "the CSV is empty (no header line)");
    assert_int_equal(run_text("利用券種別,備考\n", 23, &o, &c, &counts, &err), FK_EFORMAT);
    assert_string_equal(err.msg, "1: required column 個人番号 missing");
    /* An unknown column is a warning; a broken quote stops the run with its position. */
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    append_header(&b);
    b.len -= 2;
    assert_int_equal(fk_buf_append_str(&b, ",備考\r\n"), FK_OK);
    const char *vals[FK_COL_COUNT];
    memcpy(vals, base, sizeof base);
    append_row(&b, vals);
    b.len -= 2;
    assert_int_equal(fk_buf_append_str(&b, ",x\r\n\"open"), FK_OK);
    assert_int_equal(run_text(b.data, b.len, &o, &c, &counts, &err), FK_EFORMAT);
    assert_string_equal(err.msg, "3:1: quoted field not closed");
    assert_int_equal(counts.unknown_columns, 1);
    assert_int_equal(counts.accepted, 1);
    assert_true(c.warning[0]);
    assert_int_equal(c.column[0], FK_COL_COUNT + 1);
    fk_buf_free(&b);
}

static bool stop_at_first(const fk_finding *f, void *ctx)
{
    (void)f;
    (*(size_t *)ctx)++;
    return false;
}

static void test_stop(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    append_header(&b);
    const char *vals[FK_COL_COUNT];
    with(vals, FK_COL_HEIGHT, "1");
    vals[FK_COL_WEIGHT] = "1";
    append_row(&b, vals);
    fk_ingest_options o = options(2024);
    fk_ingest_counts counts;
    fk_err err;
    fk_err_clear(&err);
    size_t n = 0;
    assert_int_equal(fk_ingest_run(b.data, b.len, &o, on_record, stop_at_first, &n, &counts, &err),
                     FK_EFINDING);
    assert_int_equal(n, 1);
    fk_buf_free(&b);
}

/* Every allocation failure is reported as FK_ENOMEM, never a crash or a leak. */
static void test_out_of_memory(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    append_header(&b);
    append_row(&b, base);
    fk_ingest_options o = options(2024);
    capture c;
    fk_ingest_counts counts;
    fk_err err;
    for (long n = 0;; n++) {
        fk_mem_fail_after(n);
        fk_status s = run_text(b.data, b.len, &o, &c, &counts, &err);
        fk_mem_fail_after(-1);
        if (s == FK_OK) {
            assert_int_equal(counts.accepted, 1);
            break;
        }
        assert_int_equal(s, FK_ENOMEM);
    }
    fk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_row),      cmocka_unit_test(test_normalisation),
        cmocka_unit_test(test_urine_forms),    cmocka_unit_test(test_date_forms),
        cmocka_unit_test(test_era_boundaries), cmocka_unit_test(test_april_first_birthdays),
        cmocka_unit_test(test_identifiers),    cmocka_unit_test(test_categories),
        cmocka_unit_test(test_person),         cmocka_unit_test(test_results),
        cmocka_unit_test(test_file),           cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_stop),           cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
