/*
 * The rules of ward-export.md, one checker per kind of field: see validate.h. Every checker
 * reports through fk__report() with a fixed reason text (docs/ingest.md lists them), so no
 * value from the file can reach a message. The duplicate sets hold fixed-size keys (at most
 * 15 digits) in open addressing, so they allocate only when they double.
 */
#include "validate.h"

#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK__KEY_MAX 16

typedef struct {
    char key[FK__KEY_MAX]; /* NUL-terminated digits; empty slot when key[0] == 0 */
    size_t line;
} fk__slot;

typedef struct {
    fk__slot *slots;
    size_t cap; /* power of two */
    size_t used;
} fk__set;

struct fk_validator {
    const fk_schema *schema;
    fk_validate_options opt;
    fk__set residents;
    fk__set vouchers;
    fk_buf tmp; /* the normalised form of the field being checked */
};

/* The state of the row being checked. */
typedef struct {
    fk_validator *v;
    size_t line;
    const char *const *fields;
    const size_t *lens;
    size_t n;
    fk_finding_fn fn;
    void *ctx;
    bool rejected;
    bool stop;
    fk_status status; /* FK_ENOMEM once an allocation failed */
} fk__row;

static uint64_t fk__hash(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

static fk__slot *fk__set_find(fk__set *set, const char *key)
{
    size_t mask = set->cap - 1;
    for (size_t i = (size_t)fk__hash(key) & mask;; i = (i + 1) & mask) {
        fk__slot *sl = &set->slots[i];
        if (sl->key[0] == '\0' || strcmp(sl->key, key) == 0)
            return sl;
    }
}

static fk_status fk__set_grow(fk__set *set)
{
    size_t cap = set->cap == 0 ? 1024 : set->cap * 2;
    fk__set bigger = {fk_calloc(cap, sizeof(fk__slot)), cap, set->used};
    if (bigger.slots == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < set->cap; i++)
        if (set->slots[i].key[0] != '\0')
            *fk__set_find(&bigger, set->slots[i].key) = set->slots[i];
    if (set->slots != NULL) {
        memset(set->slots, 0, set->cap * sizeof(fk__slot));
        fk_free(set->slots);
    }
    *set = bigger;
    return FK_OK;
}

/* Adds key seen on line; *first is 0 if new, else the line where it was first seen. */
static fk_status fk__set_add(fk__set *set, const char *key, size_t line, size_t *first)
{
    if ((set->used + 1) * 2 > set->cap) {
        fk_status s = fk__set_grow(set);
        if (s != FK_OK)
            return s;
    }
    fk__slot *sl = fk__set_find(set, key);
    if (sl->key[0] != '\0') {
        *first = sl->line;
        return FK_OK;
    }
    *first = 0;
    memcpy(sl->key, key, strlen(key) + 1);
    sl->line = line;
    set->used++;
    return FK_OK;
}

static void fk__set_free(fk__set *set)
{
    if (set->slots != NULL)
        memset(set->slots, 0, set->cap * sizeof(fk__slot));
    fk_free(set->slots);
}

fk_validator *fk_validator_new(const fk_schema *schema, const fk_validate_options *opt)
{
    fk_validator *v = fk_calloc(1, sizeof *v);
    if (v == NULL)
        return NULL;
    v->schema = schema;
    v->opt = *opt;
    if (v->opt.export_day.year == 0)
        v->opt.export_day = fk_date_today();
    fk_buf_init(&v->tmp, 8192);
    if (fk__set_grow(&v->residents) != FK_OK || fk__set_grow(&v->vouchers) != FK_OK) {
        fk_validator_free(v);
        return NULL;
    }
    return v;
}

void fk_validator_free(fk_validator *v)
{
    if (v == NULL)
        return;
    fk__set_free(&v->residents);
    fk__set_free(&v->vouchers);
    if (v->tmp.data != NULL)
        memset(v->tmp.data, 0, v->tmp.cap);
    fk_buf_free(&v->tmp);
    fk_free(v);
}

static void fk__report(fk__row *r, fk_column c, const char *reason)
{
    r->rejected = true;
    if (r->stop)
        return;
    long idx = (unsigned)c < FK_COL_COUNT ? fk_schema_index(r->v->schema, c) : -1;
    fk_finding f = {
        .line = r->line,
        .column = idx >= 0 ? (size_t)idx + 1 : 0,
        .column_name = (unsigned)c < FK_COL_COUNT ? fk_column_name(c) : "",
        .reason = reason,
        .is_warning = false,
    };
    if (!r->fn(&f, r->ctx))
        r->stop = true;
}

static void fk__fail_status(fk__row *r, fk_status s, fk_column c)
{
    if (s == FK_ENOMEM) {
        r->status = FK_ENOMEM;
        r->rejected = true;
    } else {
        fk__report(r, c, s == FK_ETOOBIG ? "too long" : "invalid character");
    }
}

/* The raw cell of column c ("" when the column is absent). */
static void fk__raw(const fk__row *r, fk_column c, const char **s, size_t *len)
{
    long idx = fk_schema_index(r->v->schema, c);
    if (idx < 0 || (size_t)idx >= r->n) {
        *s = "";
        *len = 0;
        return;
    }
    *s = r->fields[idx];
    *len = r->lens[idx];
}

/* False (reported) when the cell holds invalid UTF-8 or a control character. */
static bool fk__clean(fk__row *r, fk_column c, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x20 && b < 0x7F) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            fk__report(r, c, "invalid character");
            return false;
        }
        if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            fk__report(r, c, "control character");
            return false;
        }
        i += k;
    }
    return true;
}

enum fk__norm { FK__TRIM, FK__HALF, FK__KANA };

/* Normalises column c into v->tmp; false if reported (or out of memory). */
static bool fk__cell(fk__row *r, fk_column c, enum fk__norm how)
{
    const char *s;
    size_t len;
    fk__raw(r, c, &s, &len);
    fk_buf_reset(&r->v->tmp);
    if (!fk__clean(r, c, s, len))
        return false;
    fk_status st = how == FK__TRIM   ? fk_utf8_append_trimmed(&r->v->tmp, s, len)
                   : how == FK__HALF ? fk_utf8_append_halfwidth(&r->v->tmp, s, len)
                                     : fk_utf8_append_fullwidth_kana(&r->v->tmp, s, len);
    if (st != FK_OK) {
        fk__fail_status(r, st, c);
        return false;
    }
    return true;
}

static const char *fk__tmp(const fk__row *r)
{
    return fk_buf_cstr(&r->v->tmp);
}

static bool fk__is_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, "0123456789") == n;
}

/* A copy of v->tmp for the record. */
static char *fk__dup(fk__row *r)
{
    char *p = fk_strdup(fk__tmp(r));
    if (p == NULL) {
        r->status = FK_ENOMEM;
        r->rejected = true;
    }
    return p;
}

static bool fk__required_present(fk__row *r, fk_column c)
{
    if (r->v->tmp.len == 0) {
        fk__report(r, c, "required");
        return false;
    }
    return true;
}

/* A non-negative decimal with at most one decimal point, parsed without the locale. */
static bool fk__parse_number(const char *s, double *out)
{
    double v = 0, scale = 0;
    size_t digits = 0;
    for (; *s != '\0'; s++) {
        if (*s >= '0' && *s <= '9') {
            if (++digits > 7)
                return false;
            v = v * 10 + (*s - '0');
            if (scale > 0)
                scale *= 10;
        } else if (*s == '.' && scale == 0 && digits > 0) {
            scale = 1;
        } else {
            return false;
        }
    }
    if (digits == 0 || scale == 1)
        return false;
    *out = scale > 0 ? v / scale : v;
    return true;
}

/* Checks a measurement: required or not, a number within [lo, hi]; NAN when empty. */
static double fk__measure(fk__row *r, fk_column c, bool required, double lo, double hi)
{
    if (!fk__cell(r, c, FK__HALF))
        return FK_NOT_MEASURED;
    if (r->v->tmp.len == 0) {
        if (required)
            fk__report(r, c, "required");
        return FK_NOT_MEASURED;
    }
    double x;
    if (!fk__parse_number(fk__tmp(r), &x)) {
        fk__report(r, c, "not a number");
        return FK_NOT_MEASURED;
    }
    if (x < lo || x > hi) {
        char reason[96];
        snprintf(reason, sizeof reason, "outside the plausible range %g–%g", lo, hi);
        fk__report(r, c, reason);
        return FK_NOT_MEASURED;
    }
    return x;
}

static bool fk__date(fk__row *r, fk_column c, fk_date *out)
{
    if (!fk__cell(r, c, FK__HALF) || !fk__required_present(r, c))
        return false;
    fk_err e;
    fk_err_clear(&e);
    if (fk_date_parse(fk__tmp(r), out, &e) != FK_OK) {
        /* jdate's messages name the problem, never the value. */
        fk__report(r, c, e.msg[0] != '\0' ? e.msg : "invalid date");
        return false;
    }
    return true;
}

static bool fk__yes_no(fk__row *r, fk_column c)
{
    if (!fk__cell(r, c, FK__HALF) || !fk__required_present(r, c))
        return false;
    const char *s = fk__tmp(r);
    if (strcmp(s, "1") == 0 || strcmp(s, "はい") == 0)
        return true;
    if (strcmp(s, "2") != 0 && strcmp(s, "いいえ") != 0)
        fk__report(r, c, "must be はい/いいえ or 1/2");
    return false;
}

static fk_urine fk__urine(fk__row *r, fk_column c)
{
    static const struct {
        const char *text;
        fk_urine grade;
    } forms[] = {
        {"-", FK_URINE_NEG}, {"±", FK_URINE_TRACE}, {"+-", FK_URINE_TRACE}, {"+", FK_URINE_1P},
        {"1+", FK_URINE_1P}, {"2+", FK_URINE_2P},   {"3+", FK_URINE_3P},    {"4+", FK_URINE_4P},
    };
    if (!fk__cell(r, c, FK__HALF) || !fk__required_present(r, c))
        return FK_URINE_NEG;
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(fk__tmp(r), forms[i].text) == 0)
            return forms[i].grade;
    fk__report(r, c, "must be −, ±, +, 2+, 3+ or 4+");
    return FK_URINE_NEG;
}

/* A digits-only number into a fixed field (ticket, voucher, branch). */
static void fk__digits_into(fk__row *r, fk_column c, size_t min, size_t max, char *out, size_t size,
                            const char *reason)
{
    if (!fk__cell(r, c, FK__HALF))
        return;
    if (r->v->tmp.len == 0 && min > 0) {
        fk__report(r, c, "required");
        return;
    }
    if (r->v->tmp.len > 0 && !fk__is_digits(fk__tmp(r), min, max)) {
        fk__report(r, c, reason);
        return;
    }
    if (r->v->tmp.len < size)
        memcpy(out, fk__tmp(r), r->v->tmp.len + 1);
}

static void fk__unique(fk__row *r, fk_column c, fk__set *set, const char *key, const char *what)
{
    size_t first;
    if (fk__set_add(set, key, r->line, &first) != FK_OK) {
        r->status = FK_ENOMEM;
        r->rejected = true;
        return;
    }
    if (first != 0) {
        char reason[96];
        snprintf(reason, sizeof reason, "duplicate %s (first on line %zu)", what, first);
        fk__report(r, c, reason);
    }
}

/* 利用券種別 and 保健指導区分 together decide the category. */
static bool fk__category(fk__row *r, fk_category *cat)
{
    bool ok = true;
    if (!fk__cell(r, FK_COL_CATEGORY, FK__TRIM) || !fk__required_present(r, FK_COL_CATEGORY))
        ok = false;
    const char *s = fk__tmp(r);
    bool tokutei = false;
    if (!ok) {
    } else if (strcmp(s, "特定保健指導") == 0)
        tokutei = true;
    else if (strcmp(s, "非肥満保健指導") == 0)
        *cat = FK_CAT_HIHIMAN;
    else if (strcmp(s, "健康相談") == 0)
        *cat = FK_CAT_KENKO;
    else if (strcmp(s, "受診勧奨通知") == 0)
        *cat = FK_CAT_JUSHIN;
    else {
        fk__report(r, FK_COL_CATEGORY,
                   "must be 特定保健指導, 非肥満保健指導, 健康相談 or 受診勧奨通知");
        ok = false;
    }
    if (!fk__cell(r, FK_COL_LEVEL, FK__TRIM))
        return false;
    s = fk__tmp(r);
    if (!ok)
        return false;
    if (!tokutei) {
        if (*s != '\0') {
            fk__report(r, FK_COL_LEVEL, "must be empty unless 利用券種別 is 特定保健指導");
            return false;
        }
        return true;
    }
    if (strcmp(s, "積極的支援") == 0)
        *cat = FK_CAT_SEKKYOKU;
    else if (strcmp(s, "動機付け支援") == 0 || strcmp(s, "動機づけ支援") == 0)
        *cat = FK_CAT_DOUKI;
    else {
        fk__report(r, FK_COL_LEVEL,
                   *s == '\0' ? "required for 特定保健指導" : "must be 積極的支援 or 動機付け支援");
        return false;
    }
    return true;
}

/* Two words separated by exactly one U+3000, as fk_utf8_append_fullwidth_kana left it. */
static bool fk__two_words(const char *s)
{
    const char *sp = strstr(s, "\u3000");
    return sp != NULL && sp != s && sp[3] != '\0' && strstr(sp + 3, "\u3000") == NULL;
}

static void fk__name(fk__row *r, fk_record *rec)
{
    if (!fk__cell(r, FK_COL_NAME, FK__KANA) || !fk__required_present(r, FK_COL_NAME))
        return;
    if (!fk__two_words(fk__tmp(r)))
        fk__report(r, FK_COL_NAME, "must be family and given name separated by one space");
    else if (fk_utf8_char_count(fk__tmp(r)) > 30)
        fk__report(r, FK_COL_NAME, "longer than 30 characters");
    else
        rec->name = fk__dup(r);
}

static bool fk__is_katakana(const char *s)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, n - i, &cp);
        if (k == 0 || !((cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || cp == 0x3000))
            return false;
        i += k;
    }
    return true;
}

static void fk__kana(fk__row *r, fk_record *rec)
{
    if (!fk__cell(r, FK_COL_KANA, FK__KANA) || !fk__required_present(r, FK_COL_KANA))
        return;
    if (!fk__is_katakana(fk__tmp(r)))
        fk__report(r, FK_COL_KANA, "must be katakana");
    else if (!fk__two_words(fk__tmp(r)))
        fk__report(r, FK_COL_KANA, "must be family and given name separated by one space");
    else
        rec->kana = fk__dup(r);
}

static void fk__text(fk__row *r, fk_column c, bool required, size_t max, char **out)
{
    if (!fk__cell(r, c, FK__TRIM))
        return;
    if (required && !fk__required_present(r, c))
        return;
    if (fk_utf8_char_count(fk__tmp(r)) > max) {
        char reason[64];
        snprintf(reason, sizeof reason, "longer than %zu characters", max);
        fk__report(r, c, reason);
        return;
    }
    *out = fk__dup(r);
}

static void fk__ids(fk__row *r, fk_record *rec)
{
    if (fk__cell(r, FK_COL_RESIDENT, FK__HALF) && fk__required_present(r, FK_COL_RESIDENT)) {
        if (!fk__is_digits(fk__tmp(r), 1, 15))
            fk__report(r, FK_COL_RESIDENT, "must be 1 to 15 digits");
        else if ((rec->resident_no = fk__dup(r)) != NULL)
            fk__unique(r, FK_COL_RESIDENT, &r->v->residents, rec->resident_no, "resident number");
    }
    if (fk__cell(r, FK_COL_POSTAL, FK__HALF) && fk__required_present(r, FK_COL_POSTAL)) {
        const char *s = fk__tmp(r);
        char digits[8] = "";
        if (strlen(s) == 8 && s[3] == '-' && fk__is_digits(s + 4, 4, 4) &&
            strspn(s, "0123456789") == 3) {
            memcpy(digits, s, 3);
            memcpy(digits + 3, s + 4, 5);
        } else if (fk__is_digits(s, 7, 7)) {
            memcpy(digits, s, 8);
        }
        if (digits[0] == '\0')
            fk__report(r, FK_COL_POSTAL, "must be 7 digits (NNN-NNNN)");
        else
            memcpy(rec->postal, digits, sizeof rec->postal);
    }
    fk__text(r, FK_COL_INS_SYMBOL, true, 20, &rec->ins_symbol);
    if (fk__cell(r, FK_COL_INS_NUMBER, FK__HALF) && fk__required_present(r, FK_COL_INS_NUMBER)) {
        const char *s = fk__tmp(r);
        size_t n = strlen(s);
        bool ok = n <= 20;
        for (size_t i = 0; i < n && ok; i++)
            ok = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
                 (s[i] >= 'a' && s[i] <= 'z');
        if (!ok)
            fk__report(r, FK_COL_INS_NUMBER, "must be at most 20 letters and digits");
        else
            rec->ins_number = fk__dup(r);
    }
    fk__digits_into(r, FK_COL_INS_BRANCH, 0, 2, rec->ins_branch, sizeof rec->ins_branch,
                    "must be 2 digits");
    if (rec->ins_branch[0] != '\0' && rec->ins_branch[1] == '\0') {
        fk__report(r, FK_COL_INS_BRANCH, "must be 2 digits");
        rec->ins_branch[0] = '\0';
    }
    fk__digits_into(r, FK_COL_TICKET, 11, 11, rec->ticket_no, sizeof rec->ticket_no,
                    "must be 11 digits");
}

static void fk__voucher(fk__row *r, fk_record *rec, bool category_ok)
{
    if (!fk__cell(r, FK_COL_VOUCHER, FK__HALF))
        return;
    bool empty = r->v->tmp.len == 0;
    if (!category_ok)
        return;
    if (rec->category == FK_CAT_JUSHIN) {
        if (!empty)
            fk__report(r, FK_COL_VOUCHER, "must be empty for 受診勧奨通知");
        return;
    }
    if (empty) {
        fk__report(r, FK_COL_VOUCHER, "required unless 利用券種別 is 受診勧奨通知");
        return;
    }
    if (!fk__is_digits(fk__tmp(r), 11, 11)) {
        fk__report(r, FK_COL_VOUCHER, "must be 11 digits");
        return;
    }
    memcpy(rec->voucher_no, fk__tmp(r), 12);
    fk__unique(r, FK_COL_VOUCHER, &r->v->vouchers, rec->voucher_no, "voucher number");
}

static void fk__person(fk__row *r, fk_record *rec)
{
    fk__name(r, rec);
    fk__kana(r, rec);
    bool birth_ok = fk__date(r, FK_COL_BIRTH, &rec->birth);
    if (fk__cell(r, FK_COL_SEX, FK__HALF) && fk__required_present(r, FK_COL_SEX)) {
        const char *s = fk__tmp(r);
        if (strcmp(s, "1") == 0 || strcmp(s, "男") == 0)
            rec->sex = FK_SEX_MALE;
        else if (strcmp(s, "2") == 0 || strcmp(s, "女") == 0)
            rec->sex = FK_SEX_FEMALE;
        else
            fk__report(r, FK_COL_SEX, "must be 1/男 or 2/女");
    }
    if (fk__cell(r, FK_COL_AGE, FK__HALF) && fk__required_present(r, FK_COL_AGE)) {
        if (!fk__is_digits(fk__tmp(r), 1, 3)) {
            fk__report(r, FK_COL_AGE, "not an integer");
        } else {
            int age = (int)strtol(fk__tmp(r), NULL, 10);
            if (age < 40 || age > 74)
                fk__report(r, FK_COL_AGE, "outside 40–74");
            else if (birth_ok &&
                     age != fk_date_fiscal_year_end_age(rec->birth, r->v->opt.fiscal_year))
                fk__report(r, FK_COL_AGE, "does not match 生年月日 and the fiscal year");
            else
                rec->age = age;
        }
    }
    fk__text(r, FK_COL_ADDRESS, true, 80, &rec->address);
    fk__text(r, FK_COL_BUILDING, false, 40, &rec->building);
    fk_date exam;
    if (fk__date(r, FK_COL_EXAM_DATE, &exam)) {
        if (fk_date_fiscal_year(exam) != r->v->opt.fiscal_year)
            fk__report(r, FK_COL_EXAM_DATE, "outside the job's fiscal year");
        else if (fk_date_cmp(exam, r->v->opt.export_day) > 0)
            fk__report(r, FK_COL_EXAM_DATE, "after the export date");
        else
            rec->exam_date = exam;
    }
}

static void fk__results(fk__row *r, fk_record *rec)
{
    rec->height = fk__measure(r, FK_COL_HEIGHT, true, 100.0, 220.0);
    rec->weight = fk__measure(r, FK_COL_WEIGHT, true, 20.0, 250.0);
    rec->bmi = fk__measure(r, FK_COL_BMI, true, 10.0, 100.0);
    if (fk_is_measured(rec->height) && fk_is_measured(rec->weight) && fk_is_measured(rec->bmi)) {
        double m = rec->height / 100.0;
        if (fabs(rec->weight / (m * m) - rec->bmi) > 0.2 + 1e-9)
            fk__report(r, FK_COL_BMI, "does not agree with 体重/身長² within 0.2");
    }
    rec->waist = fk__measure(r, FK_COL_WAIST, true, 40.0, 200.0);
    rec->sbp = fk__measure(r, FK_COL_SBP, true, 60, 300);
    rec->dbp = fk__measure(r, FK_COL_DBP, true, 30, 200);
    if (fk_is_measured(rec->sbp) && fk_is_measured(rec->dbp) && rec->sbp <= rec->dbp)
        fk__report(r, FK_COL_DBP, "not lower than 収縮期血圧");
    if (fk__cell(r, FK_COL_FASTING, FK__TRIM) && fk__required_present(r, FK_COL_FASTING)) {
        const char *s = fk__tmp(r);
        if (strcmp(s, "空腹時") == 0)
            rec->fasting = FK_FAST_FASTING;
        else if (strcmp(s, "随時") == 0)
            rec->fasting = FK_FAST_CASUAL;
        else if (strcmp(s, "食直後") == 0)
            rec->fasting = FK_FAST_AFTER_MEAL;
        else
            fk__report(r, FK_COL_FASTING, "must be 空腹時, 随時 or 食直後");
    }
    rec->tg = fk__measure(r, FK_COL_TG, true, 10, 5000);
    rec->hdl = fk__measure(r, FK_COL_HDL, true, 5, 200);
    rec->ldl = fk__measure(r, FK_COL_LDL, false, 10, 600);
    rec->non_hdl = fk__measure(r, FK_COL_NON_HDL, false, 10, 700);
    if (!r->rejected && !fk_is_measured(rec->ldl) && !fk_is_measured(rec->non_hdl))
        fk__report(r, FK_COL_LDL, "required when Non-HDLコレステロール is empty");
    rec->ast = fk__measure(r, FK_COL_AST, true, 1, 5000);
    rec->alt = fk__measure(r, FK_COL_ALT, true, 1, 5000);
    rec->ggt = fk__measure(r, FK_COL_GGT, true, 1, 5000);
    rec->glucose = fk__measure(r, FK_COL_GLUCOSE, false, 20, 1000);
    rec->hba1c = fk__measure(r, FK_COL_HBA1C, false, 3.0, 20.0);
    if (!fk_is_measured(rec->glucose) && !fk_is_measured(rec->hba1c))
        fk__report(r, FK_COL_GLUCOSE, "at least one of 血糖 and HbA1c is required");
    rec->urine_glucose = fk__urine(r, FK_COL_URINE_GLUCOSE);
    rec->urine_protein = fk__urine(r, FK_COL_URINE_PROTEIN);
    rec->hb = fk__measure(r, FK_COL_HB, false, 3.0, 25.0);
    rec->creatinine = fk__measure(r, FK_COL_CREATININE, false, 0.1, 20.0);
    rec->egfr = fk__measure(r, FK_COL_EGFR, false, 1, 200);
    rec->smoker = fk__yes_no(r, FK_COL_SMOKER);
    rec->med_bp = fk__yes_no(r, FK_COL_MED_BP);
    rec->med_glucose = fk__yes_no(r, FK_COL_MED_GLUCOSE);
    rec->med_lipid = fk__yes_no(r, FK_COL_MED_LIPID);
}

fk_status fk_validator_check(fk_validator *v, size_t line, const char *const *fields,
                             const size_t *lens, size_t n, fk_record *out, fk_finding_fn on_finding,
                             void *ctx, bool *accepted, fk_err *err)
{
    fk__row r = {.v = v,
                 .line = line,
                 .fields = fields,
                 .lens = lens,
                 .n = n,
                 .fn = on_finding,
                 .ctx = ctx,
                 .status = FK_OK};
    *accepted = false;
    fk_record_clear(out);
    if (n != fk_schema_width(v->schema)) {
        char reason[96];
        snprintf(reason, sizeof reason, "%zu fields where the header has %zu", n,
                 fk_schema_width(v->schema));
        fk__report(&r, FK_COL_COUNT, reason);
    } else {
        bool category_ok = fk__category(&r, &out->category);
        fk__ids(&r, out);
        fk__voucher(&r, out, category_ok);
        fk__person(&r, out);
        fk__results(&r, out);
        if (out->building == NULL && !r.rejected && r.status == FK_OK &&
            (out->building = fk_strdup("")) == NULL)
            r.status = FK_ENOMEM;
    }
    if (r.status != FK_OK || r.rejected)
        fk_record_clear(out);
    if (r.status != FK_OK)
        return fk_failf(err, r.status, "out of memory validating line %zu", line);
    if (r.stop)
        return fk_failf(err, FK_EFINDING, "stopped at line %zu", line);
    *accepted = !r.rejected;
    return FK_OK;
}
