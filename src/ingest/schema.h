/*
 * The columns of the ward's export (ward-export.md) and the mapping of a header row onto
 * them: Japanese names with their aliases, in any order. Unknown columns are reported as
 * warnings and ignored; a missing required column or a column named twice is an error.
 */
#ifndef FK_SCHEMA_H
#define FK_SCHEMA_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    FK_COL_CATEGORY,   /* 利用券種別 */
    FK_COL_GUIDANCE,   /* 保健指導区分 */
    FK_COL_RESIDENT,   /* 個人番号 [住民番号] */
    FK_COL_NAME,       /* 氏名 */
    FK_COL_KANA,       /* 氏名カナ */
    FK_COL_BIRTH,      /* 生年月日 */
    FK_COL_SEX,        /* 性別 */
    FK_COL_AGE,        /* 年度末年齢 */
    FK_COL_POSTAL,     /* 郵便番号 */
    FK_COL_ADDRESS,    /* 住所 */
    FK_COL_BUILDING,   /* 方書 */
    FK_COL_INS_SYMBOL, /* 保険証記号 */
    FK_COL_INS_NUMBER, /* 保険証番号 */
    FK_COL_INS_BRANCH, /* 保険証枝番 */
    FK_COL_TICKET,     /* 受診券整理番号 */
    FK_COL_EXAM_DATE,  /* 受診日 */
    FK_COL_VOUCHER,    /* 利用券整理番号 */
    FK_COL_HEIGHT,
    FK_COL_WEIGHT,
    FK_COL_BMI,
    FK_COL_WAIST,
    FK_COL_SBP,
    FK_COL_DBP,
    FK_COL_FASTING, /* 採血時間 */
    FK_COL_TG,
    FK_COL_HDL,
    FK_COL_LDL,
    FK_COL_NON_HDL,
    FK_COL_AST,
    FK_COL_ALT,
    FK_COL_GGT,
    FK_COL_GLUCOSE,
    FK_COL_HBA1C,
    FK_COL_URINE_GLUCOSE,
    FK_COL_URINE_PROTEIN,
    FK_COL_HB,
    FK_COL_CREATININE,
    FK_COL_EGFR,
    FK_COL_SMOKER,
    FK_COL_MED_BP,
    FK_COL_MED_GLUCOSE,
    FK_COL_MED_LIPID,
    FK_COL_COUNT
} fk_column;

/* The column's name as ward-export.md writes it (利用券種別). */
const char *fk_column_name(fk_column c);

/*
 * Which CSV field holds which column: index[c] is the 0-based field index of column c, or -1
 * when the header lacks it. Plain data, filled by fk_schema_map.
 */
typedef struct fk_schema {
    int index[FK_COL_COUNT];
    size_t nfields; /* fields in the header row */
} fk_schema;

/* Called for each unknown column (column is 1-based); returns false to stop. The column is
 * named by position only: its header cell may be a person's value (a file without header). */
typedef bool (*fk_schema_unknown_fn)(void *ctx, size_t column);

/*
 * Maps the nfields header names (UTF-8, untrimmed) onto the columns. Names are compared after
 * trimming and folding full-width ASCII to half-width, so "ＢＭＩ" is BMI. Unknown names go
 * to on_unknown (may be NULL), only once every required column was found. FK_EFORMAT when a
 * required column is missing (the message names up to five missing columns by the
 * contract's names and counts the unknown ones, never quoting a header cell) or a column
 * appears twice; FK_EFINDING when on_unknown stops.
 */
fk_status fk_schema_map(fk_schema *schema, const char *const *names, size_t nfields,
                        fk_schema_unknown_fn on_unknown, void *ctx, fk_err *err) FK_WARN_UNUSED;

#endif
