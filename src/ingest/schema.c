/*
 * The column table of ward-export.md. Matching is on normalised names so that the harmless
 * variants spreadsheets produce (full-width letters, padding) do not reject a whole file.
 */
#include "ingest/schema.h"

#include "util/buf.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <string.h>

static const struct {
    const char *name;
    const char *alias; /* NULL if none */
    bool required;
} fk__columns[FK_COL_COUNT] = {
    [FK_COL_CATEGORY] = {"利用券種別", NULL, true},
    [FK_COL_GUIDANCE] = {"保健指導区分", NULL, false},
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

const char *fk_column_name(fk_column c)
{
    return c < FK_COL_COUNT ? fk__columns[c].name : "?";
}

/* Beyond this many missing required columns the header line itself is missing. */
#define FK__MISSING_NAMED 5

/* Sets *oom when folding ran out of memory, so that it is never taken for "no match". */
static bool fk__same(const char *header_folded, const char *table_name, fk_buf *tmp, bool *oom)
{
    if (table_name == NULL)
        return false;
    fk_buf_reset(tmp);
    fk_status st = fk_utf8_append_halfwidth(tmp, table_name, strlen(table_name));
    if (st == FK_ENOMEM)
        *oom = true;
    return st == FK_OK && strcmp(header_folded, fk_buf_cstr(tmp)) == 0;
}

fk_status fk_schema_map(fk_schema *schema, const char *const *names, size_t nfields,
                        fk_schema_unknown_fn on_unknown, void *ctx, fk_err *err)
{
    for (size_t c = 0; c < FK_COL_COUNT; c++)
        schema->index[c] = -1;
    schema->nfields = nfields;
    fk_buf folded, tmp;
    fk_buf_init(&folded, 1024);
    fk_buf_init(&tmp, 1024);
    fk_status st = FK_OK;
    /* Unknown columns are only counted here and reported after the header proved to be one:
     * a file without a header line has the first person's cells where the names belong. */
    size_t unknown = 0;
    bool oom = false;
    for (size_t i = 0; i < nfields && st == FK_OK; i++) {
        size_t match = FK_COL_COUNT;
        fk_buf_reset(&folded);
        fk_status fs = fk_utf8_append_halfwidth(&folded, names[i], strlen(names[i]));
        if (fs == FK_ENOMEM) {
            st = fk_failf(err, FK_ENOMEM, _("out of memory reading the header"));
            break;
        }
        if (fs == FK_OK) {
            for (size_t c = 0; c < FK_COL_COUNT && match == FK_COL_COUNT; c++)
                if (fk__same(fk_buf_cstr(&folded), fk__columns[c].name, &tmp, &oom) ||
                    fk__same(fk_buf_cstr(&folded), fk__columns[c].alias, &tmp, &oom))
                    match = c;
        }
        if (oom) {
            st = fk_failf(err, FK_ENOMEM, _("out of memory reading the header"));
            break;
        }
        if (match == FK_COL_COUNT) {
            unknown++;
        } else if (schema->index[match] >= 0) {
            st = fk_failf(err, FK_EFORMAT, _("1:%zu: column %s appears twice (first in column %d)"),
                          i + 1, fk__columns[match].name, schema->index[match] + 1);
        } else {
            schema->index[match] = (int)i;
        }
    }
    fk_buf_free(&folded);
    if (st != FK_OK) {
        fk_buf_free(&tmp);
        return st;
    }
    /* Only the contract's own names go into the message, never a cell of the file. */
    fk_buf_reset(&tmp);
    size_t missing = 0;
    for (size_t c = 0; c < FK_COL_COUNT; c++) {
        if (fk__columns[c].required && schema->index[c] < 0) {
            missing++;
            if (missing <= FK__MISSING_NAMED &&
                ((tmp.len && fk_buf_append_str(&tmp, ", ") != FK_OK) ||
                 fk_buf_append_str(&tmp, fk__columns[c].name) != FK_OK)) {
                fk_buf_free(&tmp);
                return fk_failf(err, FK_ENOMEM, _("out of memory reading the header"));
            }
        }
    }
    if (missing > FK__MISSING_NAMED)
        st = fk_failf(err, FK_EFORMAT,
                      _("1: %zu required columns missing and %zu unknown columns: the first line"
                        " is not the contract's header line"),
                      missing, unknown);
    else if (missing > 0)
        st = fk_failf(err, FK_EFORMAT, _("1: missing required column%s: %s (%zu unknown column%s)"),
                      missing > 1 ? "s" : "", fk_buf_cstr(&tmp), unknown, unknown == 1 ? "" : "s");
    fk_buf_free(&tmp);
    for (size_t i = 0; st == FK_OK && on_unknown && unknown > 0 && i < nfields; i++) {
        bool known = false;
        for (size_t c = 0; c < FK_COL_COUNT && !known; c++)
            known = schema->index[c] == (int)i;
        if (!known && !on_unknown(ctx, i + 1))
            st = fk_failf(err, FK_EFINDING, _("stopped at an unknown column"));
    }
    return st;
}
