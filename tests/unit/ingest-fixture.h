/*
 * A valid ward-export row for fiscal year 2025 (export 2025-12-01) and helpers to vary one
 * field, shared by the ingest unit tests and the fuzz seeds' generator.
 */
#ifndef FK_INGEST_FIXTURE_H
#define FK_INGEST_FIXTURE_H

#include "ingest/schema.h"
#include "util/buf.h"

static const char *const fixture_values[FK_COL_COUNT] = {
    [FK_COL_CATEGORY] = "特定保健指導",
    [FK_COL_GUIDANCE] = "積極的支援",
    [FK_COL_RESIDENT] = "123456",
    [FK_COL_NAME] = "山田 太郎",
    [FK_COL_KANA] = "ヤマダ タロウ",
    [FK_COL_BIRTH] = "1960-04-02",
    [FK_COL_SEX] = "1",
    [FK_COL_AGE] = "65",
    [FK_COL_POSTAL] = "150-0001",
    [FK_COL_ADDRESS] = "東京都渋谷区神宮前1-1-1",
    [FK_COL_BUILDING] = "",
    [FK_COL_INS_SYMBOL] = "渋谷",
    [FK_COL_INS_NUMBER] = "12345",
    [FK_COL_INS_BRANCH] = "01",
    [FK_COL_TICKET] = "12345678901",
    [FK_COL_EXAM_DATE] = "2025-06-10",
    [FK_COL_VOUCHER] = "10987654321",
    [FK_COL_HEIGHT] = "170.0",
    [FK_COL_WEIGHT] = "80.0",
    [FK_COL_BMI] = "27.7",
    [FK_COL_WAIST] = "95.0",
    [FK_COL_SBP] = "140",
    [FK_COL_DBP] = "90",
    [FK_COL_FASTING] = "空腹時",
    [FK_COL_TG] = "180",
    [FK_COL_HDL] = "45",
    [FK_COL_LDL] = "140",
    [FK_COL_NON_HDL] = "",
    [FK_COL_AST] = "30",
    [FK_COL_ALT] = "40",
    [FK_COL_GGT] = "50",
    [FK_COL_GLUCOSE] = "110",
    [FK_COL_HBA1C] = "5.9",
    [FK_COL_URINE_GLUCOSE] = "−",
    [FK_COL_URINE_PROTEIN] = "±",
    [FK_COL_HB] = "14.5",
    [FK_COL_CREATININE] = "0.9",
    [FK_COL_EGFR] = "70",
    [FK_COL_SMOKER] = "いいえ",
    [FK_COL_MED_BP] = "2",
    [FK_COL_MED_GLUCOSE] = "2",
    [FK_COL_MED_LIPID] = "2",
};

/* Appends the header line (all columns, in table order) to b. */
static inline void fixture_header(fk_buf *b)
{
    for (int c = 0; c < FK_COL_COUNT; c++) {
        if (fk_buf_append_str(b, c ? "," : "") != FK_OK ||
            fk_buf_append_str(b, fk_column_name((fk_column)c)) != FK_OK)
            return;
    }
    if (fk_buf_append_str(b, "\r\n") != FK_OK)
        return;
}

/* Appends a row with the fixture values, column c (if < FK_COL_COUNT) replaced by value. */
static inline void fixture_row(fk_buf *b, int c, const char *value)
{
    for (int i = 0; i < FK_COL_COUNT; i++) {
        const char *v = i == c ? value : fixture_values[i];
        if (fk_buf_append_str(b, i ? "," : "") != FK_OK || fk_buf_append_str(b, v) != FK_OK)
            return;
    }
    if (fk_buf_append_str(b, "\r\n") != FK_OK)
        return;
}

#endif
