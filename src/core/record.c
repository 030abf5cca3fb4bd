/* The record model and its canonical serialisation: see record.h. */
#include "record.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fk__labels[FK_CAT_COUNT] = {"積極的支援", "動機付け支援", "非肥満保健指導",
                                                     "健康相談", "受診勧奨通知"};
static const char fk__codes[FK_CAT_COUNT] = {'S', 'D', 'H', 'K', 'J'};

const char *fk_category_label(fk_category c)
{
    return (unsigned)c < FK_CAT_COUNT ? fk__labels[c] : "";
}

char fk_category_code(fk_category c)
{
    return (unsigned)c < FK_CAT_COUNT ? fk__codes[c] : '?';
}

bool fk_category_parse(const char *s, fk_category *out)
{
    for (int c = 0; c < FK_CAT_COUNT; c++) {
        if (strcmp(s, fk__labels[c]) == 0 || (s[0] == fk__codes[c] && s[1] == '\0')) {
            *out = (fk_category)c;
            return true;
        }
    }
    return false;
}

const char *fk_urine_label(fk_urine u)
{
    static const char *const labels[] = {"−", "±", "+", "2+", "3+", "4+"};
    return (unsigned)u <= FK_URINE_4P ? labels[u] : "";
}

void fk_record_init(fk_record *r)
{
    memset(r, 0, sizeof *r);
    double *nums[] = {&r->height, &r->weight,  &r->bmi,   &r->waist,   &r->sbp,        &r->dbp,
                      &r->tg,     &r->hdl,     &r->ldl,   &r->non_hdl, &r->ast,        &r->alt,
                      &r->ggt,    &r->glucose, &r->hba1c, &r->hb,      &r->creatinine, &r->egfr};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        *nums[i] = FK_NOT_MEASURED;
}

void fk_record_clear(fk_record *r)
{
    char *strs[] = {r->resident_no, r->name,       r->kana,      r->address,
                    r->building,    r->ins_symbol, r->ins_number};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        fk_free(strs[i]);
    fk_record_init(r);
}

/* Field separator of the serialisation; ingest rejects control characters in every field. */
#define FK__SEP     '\x1f'
#define FK__VERSION "FKR1"
#define FK__FIELDS  42 /* index of the closing "end" */

static fk_status fk__put_str(fk_buf *out, const char *s)
{
    fk_status st = fk_buf_append_str(out, s != NULL ? s : "");
    return st != FK_OK ? st : fk_buf_append_byte(out, FK__SEP);
}

static fk_status fk__put_num(fk_buf *out, double v)
{
    fk_status st = fk_is_measured(v) ? fk_buf_appendf(out, "%.10g", v) : FK_OK;
    return st != FK_OK ? st : fk_buf_append_byte(out, FK__SEP);
}

static fk_status fk__put_int(fk_buf *out, long v)
{
    fk_status st = fk_buf_appendf(out, "%ld", v);
    return st != FK_OK ? st : fk_buf_append_byte(out, FK__SEP);
}

static fk_status fk__put_date(fk_buf *out, fk_date d)
{
    char iso[16];
    fk_date_format_iso(d, iso, sizeof iso);
    return fk__put_str(out, iso);
}

fk_status fk_record_encode(const fk_record *r, fk_buf *out)
{
    fk_status st = fk__put_str(out, FK__VERSION);
    const char *strs[] = {r->resident_no, r->name,      r->kana,       r->postal,
                          r->address,     r->building,  r->ins_symbol, r->ins_number,
                          r->ins_branch,  r->ticket_no, r->voucher_no};
    for (size_t i = 0; st == FK_OK && i < sizeof strs / sizeof strs[0]; i++)
        st = fk__put_str(out, strs[i]);
    long ints[] = {r->category,      r->sex,    r->age,    r->fasting,     r->urine_glucose,
                   r->urine_protein, r->smoker, r->med_bp, r->med_glucose, r->med_lipid};
    for (size_t i = 0; st == FK_OK && i < sizeof ints / sizeof ints[0]; i++)
        st = fk__put_int(out, ints[i]);
    if (st == FK_OK)
        st = fk__put_date(out, r->birth);
    if (st == FK_OK)
        st = fk__put_date(out, r->exam_date);
    const double nums[] = {r->height, r->weight,  r->bmi,   r->waist,   r->sbp,        r->dbp,
                           r->tg,     r->hdl,     r->ldl,   r->non_hdl, r->ast,        r->alt,
                           r->ggt,    r->glucose, r->hba1c, r->hb,      r->creatinine, r->egfr};
    for (size_t i = 0; st == FK_OK && i < sizeof nums / sizeof nums[0]; i++)
        st = fk__put_num(out, nums[i]);
    if (st == FK_OK)
        st = fk_buf_append_str(out, "end");
    return st;
}

typedef struct {
    const char *start[FK__FIELDS + 1];
    size_t len[FK__FIELDS + 1];
    size_t count;
} fk__fields;

static bool fk__split(const char *data, size_t n, fk__fields *f)
{
    f->count = 0;
    size_t begin = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || data[i] == FK__SEP) {
            if (f->count == FK__FIELDS + 1)
                return false;
            f->start[f->count] = data + begin;
            f->len[f->count] = i - begin;
            f->count++;
            begin = i + 1;
        }
    }
    return f->count == FK__FIELDS + 1;
}

static char *fk__dup(const fk__fields *f, size_t i)
{
    return fk_strndup(f->start[i], f->len[i]);
}

static void fk__copy_fixed(char *dst, size_t size, const fk__fields *f, size_t i)
{
    size_t n = f->len[i] < size - 1 ? f->len[i] : size - 1;
    memcpy(dst, f->start[i], n);
    dst[n] = '\0';
}

static long fk__int(const fk__fields *f, size_t i)
{
    char tmp[24];
    fk__copy_fixed(tmp, sizeof tmp, f, i);
    return strtol(tmp, NULL, 10);
}

static double fk__num(const fk__fields *f, size_t i)
{
    char tmp[40];
    if (f->len[i] == 0)
        return FK_NOT_MEASURED;
    fk__copy_fixed(tmp, sizeof tmp, f, i);
    return strtod(tmp, NULL);
}

static bool fk__date(const fk__fields *f, size_t i, fk_date *d)
{
    char tmp[16];
    fk__copy_fixed(tmp, sizeof tmp, f, i);
    return fk_date_parse(tmp, d, NULL) == FK_OK;
}

fk_status fk_record_decode(const char *data, size_t len, fk_record *r, fk_err *err)
{
    fk__fields f;
    if (!fk__split(data, len, &f) || f.len[0] != 4 || memcmp(f.start[0], FK__VERSION, 4) != 0 ||
        f.len[FK__FIELDS] != 3)
        return fk_failf(err, FK_EFORMAT, _("sealed record has an unknown layout"));
    size_t i = 1;
    r->resident_no = fk__dup(&f, i++);
    r->name = fk__dup(&f, i++);
    r->kana = fk__dup(&f, i++);
    fk__copy_fixed(r->postal, sizeof r->postal, &f, i++);
    r->address = fk__dup(&f, i++);
    r->building = fk__dup(&f, i++);
    r->ins_symbol = fk__dup(&f, i++);
    r->ins_number = fk__dup(&f, i++);
    fk__copy_fixed(r->ins_branch, sizeof r->ins_branch, &f, i++);
    fk__copy_fixed(r->ticket_no, sizeof r->ticket_no, &f, i++);
    fk__copy_fixed(r->voucher_no, sizeof r->voucher_no, &f, i++);
    r->category = (fk_category)fk__int(&f, i++);
    r->sex = (fk_sex)fk__int(&f, i++);
    r->age = (int)fk__int(&f, i++);
    r->fasting = (fk_fasting)fk__int(&f, i++);
    r->urine_glucose = (fk_urine)fk__int(&f, i++);
    r->urine_protein = (fk_urine)fk__int(&f, i++);
    r->smoker = fk__int(&f, i++) != 0;
    r->med_bp = fk__int(&f, i++) != 0;
    r->med_glucose = fk__int(&f, i++) != 0;
    r->med_lipid = fk__int(&f, i++) != 0;
    bool dates_ok = fk__date(&f, i, &r->birth) && fk__date(&f, i + 1, &r->exam_date);
    i += 2;
    double *nums[] = {&r->height, &r->weight,  &r->bmi,   &r->waist,   &r->sbp,        &r->dbp,
                      &r->tg,     &r->hdl,     &r->ldl,   &r->non_hdl, &r->ast,        &r->alt,
                      &r->ggt,    &r->glucose, &r->hba1c, &r->hb,      &r->creatinine, &r->egfr};
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++)
        *nums[k] = fk__num(&f, i++);
    bool strings_ok = r->resident_no && r->name && r->kana && r->address && r->building &&
                      r->ins_symbol && r->ins_number;
    if (!strings_ok || !dates_ok || (unsigned)r->category >= FK_CAT_COUNT) {
        fk_record_clear(r);
        return fk_failf(err, strings_ok ? FK_EFORMAT : FK_ENOMEM, _("sealed record is damaged"));
    }
    return FK_OK;
}
