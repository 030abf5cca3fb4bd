/*
 * The columns of the ward's export (ward-export.md) and the mapping of a CSV header onto
 * them: Japanese names and their aliases, free column order, unknown columns reported as
 * warnings and ignored, a missing required column or a column given twice an error.
 */
#ifndef FK_SCHEMA_H
#define FK_SCHEMA_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    FK_COL_CATEGORY,   /* 利用券種別 */
    FK_COL_LEVEL,      /* 保健指導区分 */
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

/* True if the column must be present in the header (its cells may still be conditional). */
bool fk_column_is_required(fk_column c);

typedef struct fk_schema fk_schema;

/* Called for each header cell that names no known column (1-based column number). */
typedef void (*fk_schema_unknown_fn)(size_t column, const char *header, void *ctx);

/*
 * Maps the n header cells onto the columns. Header cells are compared after trimming spaces
 * and folding full-width ASCII. on_unknown (may be NULL) hears about unknown columns. Returns
 * FK_EFORMAT naming the column for a missing required column or a duplicated one, FK_ENOMEM.
 * On success *out is freed with fk_schema_free().
 */
fk_status fk_schema_new(const char *const *headers, size_t n, fk_schema_unknown_fn on_unknown,
                        void *ctx, fk_schema **out, fk_err *err) FK_WARN_UNUSED;
void fk_schema_free(fk_schema *s);

/* The 0-based CSV field index of column c, or -1 when the (optional) column is absent. */
long fk_schema_index(const fk_schema *s, fk_column c);

/* The number of fields every row must have (the header's). */
size_t fk_schema_width(const fk_schema *s);

#endif
