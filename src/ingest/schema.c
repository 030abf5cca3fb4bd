/*
 * Header mapping: see schema.h. The table below is ward-export.md's column list; aliases
 * are the older names some ward systems still write.
 */
#include "schema.h"

#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <string.h>

typedef struct {
    const char *name;
    const char *alias; /* NULL if none */
    bool required;
} fk__column_info;

static const fk__column_info fk__columns[FK_COL_COUNT] = {
    [FK_COL_CATEGORY] = {"利用券種別", NULL, true},
    [FK_COL_LEVEL] = {"保健指導区分", NULL, false},
    [FK_COL_RESIDENT] = {"個人番号", "住民番号", true},
    [FK_COL_NAME] = {"氏名", NULL, true},
    [FK_COL_KANA] = {"氏名カナ", NULL, true},
    [FK_COL_BIRTH] = {"生年月日", NULL, true},
    [FK_COL_SEX] = {"性別", NULL, true},
    [FK_COL_AGE] = {"年度末年齢", NULL, true},
    [FK_COL_POSTAL] = {"郵便番号", NULL, true},
    [FK_COL_ADDRESS] = {"住所", NULL, true},
    [FK_COL_BUILDING] = {"方書", NULL, false},
    [FK_COL_INS_SYMBOL] = {"保険証記号", NULL, true},
    [FK_COL_INS_NUMBER] = {"保険証番号", NULL, true},
    [FK_COL_INS_BRANCH] = {"保険証枝番", NULL, false},
    [FK_COL_TICKET] = {"受診券整理番号", NULL, true},
    [FK_COL_EXAM_DATE] = {"受診日", NULL, true},
    [FK_COL_VOUCHER] = {"利用券整理番号", NULL, false},
    [FK_COL_HEIGHT] = {"身長", NULL, true},
    [FK_COL_WEIGHT] = {"体重", NULL, true},
    [FK_COL_BMI] = {"BMI", NULL, true},
    [FK_COL_WAIST] = {"腹囲", NULL, true},
    [FK_COL_SBP] = {"収縮期血圧", NULL, true},
    [FK_COL_DBP] = {"拡張期血圧", NULL, true},
    [FK_COL_FASTING] = {"採血時間", NULL, true},
    [FK_COL_TG] = {"中性脂肪", NULL, true},
    [FK_COL_HDL] = {"HDLコレステロール", NULL, true},
    [FK_COL_LDL] = {"LDLコレステロール", NULL, false},
    [FK_COL_NON_HDL] = {"Non-HDLコレステロール", NULL, false},
    [FK_COL_AST] = {"AST", "GOT", true},
    [FK_COL_ALT] = {"ALT", "GPT", true},
    [FK_COL_GGT] = {"γ-GT", "γ-GTP", true},
    [FK_COL_GLUCOSE] = {"血糖", NULL, false},
    [FK_COL_HBA1C] = {"HbA1c", NULL, false},
    [FK_COL_URINE_GLUCOSE] = {"尿糖", NULL, true},
    [FK_COL_URINE_PROTEIN] = {"尿蛋白", NULL, true},
    [FK_COL_HB] = {"血色素量", NULL, false},
    [FK_COL_CREATININE] = {"血清クレアチニン", NULL, false},
    [FK_COL_EGFR] = {"eGFR", NULL, false},
    [FK_COL_SMOKER] = {"喫煙", NULL, true},
    [FK_COL_MED_BP] = {"服薬_血圧", NULL, true},
    [FK_COL_MED_GLUCOSE] = {"服薬_血糖", NULL, true},
    [FK_COL_MED_LIPID] = {"服薬_脂質", NULL, true},
};

struct fk_schema {
    long index[FK_COL_COUNT];
    size_t width;
};

const char *fk_column_name(fk_column c)
{
    return (unsigned)c < FK_COL_COUNT ? fk__columns[c].name : "?";
}

bool fk_column_is_required(fk_column c)
{
    return (unsigned)c < FK_COL_COUNT && fk__columns[c].required;
}

/* Folds a header name for comparison: trimmed, full-width ASCII to half-width, ASCII case
 * ignored (HBA1C, hba1c and ＨｂＡ１ｃ are the same column). */
static fk_status fk__fold(fk_buf *b, const char *s)
{
    fk_buf_reset(b);
    fk_status st = fk_utf8_append_halfwidth(b, s, strlen(s));
    if (st != FK_OK)
        return st;
    for (size_t i = 0; i < b->len; i++)
        if (b->data[i] >= 'A' && b->data[i] <= 'Z')
            b->data[i] = (char)(b->data[i] - 'A' + 'a');
    return FK_OK;
}

static long fk__lookup(fk_buf *key, fk_buf *tmp, fk_status *st)
{
    for (int c = 0; c < FK_COL_COUNT; c++) {
        for (int a = 0; a < 2; a++) {
            const char *name = a == 0 ? fk__columns[c].name : fk__columns[c].alias;
            if (name == NULL)
                continue;
            *st = fk__fold(tmp, name);
            if (*st != FK_OK)
                return -1;
            if (strcmp(fk_buf_cstr(tmp), fk_buf_cstr(key)) == 0)
                return c;
        }
    }
    return -1;
}

fk_status fk_schema_new(const char *const *headers, size_t n, fk_schema_unknown_fn on_unknown,
                        void *ctx, fk_schema **out, fk_err *err)
{
    *out = NULL;
    fk_schema *s = fk_calloc(1, sizeof *s);
    if (s == NULL)
        return fk_failf(err, FK_ENOMEM, "out of memory reading the header");
    for (int c = 0; c < FK_COL_COUNT; c++)
        s->index[c] = -1;
    s->width = n;
    fk_buf key, tmp;
    fk_buf_init(&key, 4096);
    fk_buf_init(&tmp, 4096);
    fk_status st = FK_OK;
    for (size_t i = 0; i < n && st == FK_OK; i++) {
        st = fk__fold(&key, headers[i]);
        if (st != FK_OK)
            break;
        long c = fk__lookup(&key, &tmp, &st);
        if (st != FK_OK)
            break;
        if (c < 0) {
            if (on_unknown != NULL)
                on_unknown(i + 1, headers[i], ctx);
            continue;
        }
        if (s->index[c] >= 0) {
            st = fk_failf(err, FK_EFORMAT, "1:%zu: column %s given twice (first in column %ld)",
                          i + 1, fk__columns[c].name, s->index[c] + 1);
            break;
        }
        s->index[c] = (long)i;
    }
    if (st == FK_ENOMEM || st == FK_ETOOBIG)
        st = fk_failf(err, st, "cannot read the header");
    for (int c = 0; c < FK_COL_COUNT && st == FK_OK; c++)
        if (fk__columns[c].required && s->index[c] < 0)
            st = fk_failf(err, FK_EFORMAT, "1: required column %s missing", fk__columns[c].name);
    fk_buf_free(&key);
    fk_buf_free(&tmp);
    if (st != FK_OK) {
        fk_free(s);
        return st;
    }
    *out = s;
    return FK_OK;
}

void fk_schema_free(fk_schema *s)
{
    fk_free(s);
}

long fk_schema_index(const fk_schema *s, fk_column c)
{
    return (unsigned)c < FK_COL_COUNT ? s->index[c] : -1;
}

size_t fk_schema_width(const fk_schema *s)
{
    return s->width;
}
