/*
 * The rules of ward-export.md, one helper per kind of field. Each helper reads its column,
 * normalises it as the contract allows (trim, full-width digits, half-width kana), and either
 * stores the value or reports one finding for that column. Numbers are parsed by hand, not
 * with strtod, so that the decimal point does not depend on the locale.
 */
#include "ingest/validate.h"

#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Open-addressing set of numbers (encoded exactly in 64 bits) with the line they were on. */
typedef struct fk__numset {
    uint64_t *keys; /* 0 = empty slot */
    long *lines;
    size_t cap, count;
} fk__numset;

struct fk_validator {
    int fiscal_year;
    fk_date export_date;
    fk__numset residents, vouchers;
    fk_buf tmp; /* the normalised form of the field being checked */
    /* per row */
    const fk_schema *schema;
    const char *const *fields;
    const size_t *lens;
    long line;
    bool rejected, stopped, oom;
    fk_finding_fn on_finding;
    void *ctx;
};

#define FK__FIELD_MAX 4096

fk_validator *fk_validator_new(int fiscal_year, fk_date export_date)
{
    fk_validator *v = fk_calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->fiscal_year = fiscal_year;
    v->export_date = export_date;
    fk_buf_init(&v->tmp, FK__FIELD_MAX * 4);
    return v;
}

static void fk__numset_free(fk__numset *s)
{
    fk_free(s->keys);
    fk_free(s->lines);
    memset(s, 0, sizeof *s);
}

void fk_validator_free(fk_validator *v)
{
    if (!v)
        return;
    fk__numset_free(&v->residents);
    fk__numset_free(&v->vouchers);
    if (v->tmp.data)
        memset(v->tmp.data, 0, v->tmp.cap);
    fk_buf_free(&v->tmp);
    fk_free(v);
}

/* A digit string of up to 18 digits as a key: the length keeps leading zeros distinct. */
static uint64_t fk__number_key(const char *digits)
{
    size_t n = strlen(digits);
    uint64_t value = 0;
    for (size_t i = 0; i < n; i++)
        value = value * 10 + (uint64_t)(digits[i] - '0');
    return (value << 5 | n) + 1;
}

static size_t fk__slot(const fk__numset *s, uint64_t key)
{
    uint64_t h = key * 0x9E3779B97F4A7C15u;
    size_t i = (size_t)(h >> 17) & (s->cap - 1);
    while (s->keys[i] && s->keys[i] != key)
        i = (i + 1) & (s->cap - 1);
    return i;
}

static fk_status fk__numset_grow(fk__numset *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    uint64_t *keys = fk_calloc(cap, sizeof *keys);
    long *lines = fk_calloc(cap, sizeof *lines);
    if (!keys || !lines) {
        fk_free(keys);
        fk_free(lines);
        return FK_ENOMEM;
    }
    fk__numset old = *s;
    s->keys = keys;
    s->lines = lines;
    s->cap = cap;
    for (size_t i = 0; i < old.cap; i++) {
        if (old.keys[i]) {
            size_t j = fk__slot(s, old.keys[i]);
            s->keys[j] = old.keys[i];
            s->lines[j] = old.lines[i];
        }
    }
    fk__numset_free(&old);
    return FK_OK;
}

/* Adds digits first seen on line; *first_line receives the earlier line of a duplicate or 0. */
static fk_status fk__numset_add(fk__numset *s, const char *digits, long line, long *first_line)
{
    *first_line = 0;
    if (s->count * 2 >= s->cap) {
        fk_status st = fk__numset_grow(s);
        if (st != FK_OK)
            return st;
    }
    uint64_t key = fk__number_key(digits);
    size_t i = fk__slot(s, key);
    if (s->keys[i]) {
        *first_line = s->lines[i];
        return FK_OK;
    }
    s->keys[i] = key;
    s->lines[i] = line;
    s->count++;
    return FK_OK;
}

static void fk__find(fk_validator *v, fk_column c, const char *reason)
{
    v->rejected = true;
    if (v->stopped)
        return;
    int idx = v->schema->index[c];
    if (!v->on_finding(v->ctx, v->line, idx >= 0 ? idx + 1 : 0, fk_column_name(c), _(reason),
                       false))
        v->stopped = true;
}

static const char *fk__raw(const fk_validator *v, fk_column c, size_t *len)
{
    int idx = v->schema->index[c];
    if (idx < 0) {
        *len = 0;
        return "";
    }
    *len = v->lens[idx];
    return v->fields[idx];
}

/*
 * Checks the raw field for bytes that cannot be in any field (control characters, line
 * breaks, invalid UTF-8). Reports and returns false if found.
 */
static bool fk__clean(fk_validator *v, fk_column c, bool *ascii)
{
    size_t n;
    const char *s = fk__raw(v, c, &n);
    size_t i = 0;
    *ascii = true;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) {
            if (b < 0x20 || b == 0x7F) {
                fk__find(v, c,
                         b == '\n' || b == '\r' ? N_("line break in field")
                                                : N_("control character in field"));
                return false;
            }
            i++;
            continue;
        }
        *ascii = false;
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, n - i, &cp);
        if (k == 0) {
            fk__find(v, c, N_("invalid UTF-8 in field"));
            return false;
        }
        if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFEFF || (cp >= 0x2028 && cp <= 0x2029)) {
            fk__find(v, c, N_("control character in field"));
            return false;
        }
        i += k;
    }
    return true;
}

typedef enum { FK__TRIM, FK__HALF, FK__KANA } fk__norm;

/*
 * Normalises column c into v->tmp. Returns false (after reporting) when the field is not
 * clean, or when it is empty and required; *empty says whether it is empty.
 */
static bool fk__get(fk_validator *v, fk_column c, fk__norm norm, bool required, bool *empty)
{
    fk_buf_reset(&v->tmp);
    *empty = true;
    bool ascii;
    if (!fk__clean(v, c, &ascii))
        return false;
    size_t n;
    const char *s = fk__raw(v, c, &n);
    /* Most fields are plain ASCII (numbers, codes), where folding changes nothing. */
    if (ascii && norm == FK__HALF)
        norm = FK__TRIM;
    fk_status st = norm == FK__TRIM   ? fk_utf8_append_trimmed(&v->tmp, s, n)
                   : norm == FK__HALF ? fk_utf8_append_halfwidth(&v->tmp, s, n)
                                      : fk_utf8_append_fullwidth_kana(&v->tmp, s, n);
    if (st == FK_ENOMEM) {
        v->oom = true;
        return false;
    }
    if (st != FK_OK) {
        fk__find(v, c, N_("field too long"));
        return false;
    }
    *empty = v->tmp.len == 0;
    if (*empty && required) {
        fk__find(v, c,
                 v->schema->index[c] < 0 ? N_("column missing from the file")
                                         : N_("required field is empty"));
        return false;
    }
    return true;
}

static bool fk__all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Exactly-n or min..max digits into dst (size max + 1). Empty allowed unless required. */
static void fk__digits(fk_validator *v, fk_column c, size_t min, size_t max, bool required,
                       char *dst, const char *what)
{
    bool empty;
    dst[0] = '\0';
    if (!fk__get(v, c, FK__HALF, required, &empty) || empty)
        return;
    if (!fk__all_digits(v->tmp.data, v->tmp.len) || v->tmp.len < min || v->tmp.len > max) {
        fk__find(v, c, what);
        return;
    }
    memcpy(dst, v->tmp.data, v->tmp.len + 1);
}

/* Parses digits with at most one decimal point, without the locale. */
static bool fk__parse_decimal(const char *s, size_t n, double *out)
{
    double value = 0, scale = 1;
    bool seen_point = false, seen_digit = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (seen_point || !seen_digit)
                return false;
            seen_point = true;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (i > 12)
                return false; /* far beyond any plausible measurement */
            if (seen_point) {
                scale /= 10;
                value += (s[i] - '0') * scale;
            } else {
                value = value * 10 + (s[i] - '0');
            }
            seen_digit = true;
        } else {
            return false;
        }
    }
    *out = value;
    return seen_digit && s[n - 1] != '.';
}

static double fk__number(fk_validator *v, fk_column c, double lo, double hi, bool required,
                         const char *range_text)
{
    bool empty;
    if (!fk__get(v, c, FK__HALF, required, &empty) || empty)
        return FK_NOT_MEASURED;
    double x;
    if (!fk__parse_decimal(v->tmp.data, v->tmp.len, &x)) {
        fk__find(v, c, N_("not a number"));
        return FK_NOT_MEASURED;
    }
    if (x < lo || x > hi) {
        fk__find(v, c, range_text);
        return FK_NOT_MEASURED;
    }
    return x;
}

/* True when column c is absent or blank after trimming (cleanliness is checked elsewhere). */
static bool fk__is_empty(const fk_validator *v, fk_column c)
{
    size_t n;
    const char *s = fk__raw(v, c, &n);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, n - i, &cp);
        if (k == 0 || !fk_utf8_is_space(cp))
            return false;
        i += k;
    }
    return true;
}

static char *fk__take_text(fk_validator *v)
{
    return fk_strndup(v->tmp.data ? v->tmp.data : "", v->tmp.len);
}

/* Trimmed text of at most max characters; NULL with a finding, or a copy (caller frees). */
static char *fk__text(fk_validator *v, fk_column c, size_t max, bool required, bool *oom)
{
    bool empty;
    if (!fk__get(v, c, FK__TRIM, required, &empty))
        return NULL;
    if (fk_utf8_char_count(fk_buf_cstr(&v->tmp)) > max) {
        fk__find(v, c,
                 max == 80   ? N_("longer than 80 characters")
                 : max == 40 ? N_("longer than 40 characters")
                             : N_("longer than 20 characters"));
        return NULL;
    }
    char *s = fk__take_text(v);
    if (!s)
        *oom = true;
    return s;
}

/*
 * Rewrites v->tmp (already trimmed, spaces folded to U+3000 where wanted) so that runs of
 * spaces become one U+3000; returns the number of space-separated parts.
 */
static size_t fk__one_space(fk_validator *v)
{
    char *s = v->tmp.data;
    size_t n = v->tmp.len, w = 0, parts = 0;
    bool in_space = true;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            k = 1;
        if (cp == ' ' || cp == 0x3000) {
            if (!in_space) {
                memcpy(s + w, "\xE3\x80\x80", 3); /* never longer than what it replaces */
                w += 3;
            }
            in_space = true;
            i += k;
            continue;
        }
        if (in_space)
            parts++;
        in_space = false;
        memmove(s + w, s + i, k);
        w += k;
        i += k;
    }
    v->tmp.len = w;
    s[w] = '\0';
    return parts;
}

static bool fk__is_katakana(uint32_t cp)
{
    return (cp >= 0x30A1 && cp <= 0x30FA) || (cp >= 0x30FC && cp <= 0x30FE) || cp == 0x3000;
}

static char *fk__name(fk_validator *v, bool *oom)
{
    bool empty;
    if (!fk__get(v, FK_COL_NAME, FK__KANA, true, &empty))
        return NULL;
    if (fk__one_space(v) != 2) {
        fk__find(v, FK_COL_NAME, N_("family and given name must be separated by one space"));
        return NULL;
    }
    if (fk_utf8_char_count(v->tmp.data) > 30) {
        fk__find(v, FK_COL_NAME, N_("longer than 30 characters"));
        return NULL;
    }
    char *s = fk__take_text(v);
    if (!s)
        *oom = true;
    return s;
}

static char *fk__kana(fk_validator *v, bool *oom)
{
    bool empty;
    if (!fk__get(v, FK_COL_KANA, FK__KANA, true, &empty))
        return NULL;
    if (fk__one_space(v) != 2) {
        fk__find(v, FK_COL_KANA, N_("family and given name must be separated by one space"));
        return NULL;
    }
    for (size_t i = 0; i < v->tmp.len;) {
        uint32_t cp;
        size_t k = fk_utf8_decode(v->tmp.data + i, v->tmp.len - i, &cp);
        if (k == 0 || !fk__is_katakana(cp)) {
            fk__find(v, FK_COL_KANA, N_("not full-width katakana"));
            return NULL;
        }
        i += k;
    }
    if (fk_utf8_char_count(v->tmp.data) > 60) {
        fk__find(v, FK_COL_KANA, N_("longer than 60 characters"));
        return NULL;
    }
    char *s = fk__take_text(v);
    if (!s)
        *oom = true;
    return s;
}

static bool fk__date(fk_validator *v, fk_column c, fk_date *out)
{
    bool empty;
    if (!fk__get(v, c, FK__HALF, true, &empty))
        return false;
    fk_err derr;
    fk_err_clear(&derr);
    if (fk_date_parse(v->tmp.data, out, &derr) != FK_OK) {
        fk__find(v, c, fk_err_message(&derr));
        return false;
    }
    return true;
}

/* Matches v->tmp against a list of accepted words; returns the index or -1. */
static int fk__word(const fk_validator *v, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v->tmp.data, words[i]) == 0)
            return (int)i;
    return -1;
}

static int fk__choice(fk_validator *v, fk_column c, const char *const *words, size_t n,
                      const char *reason)
{
    bool empty;
    if (!fk__get(v, c, FK__HALF, true, &empty))
        return -1;
    int i = fk__word(v, words, n);
    if (i < 0)
        fk__find(v, c, reason);
    return i;
}

static bool fk__yes_no(fk_validator *v, fk_column c)
{
    static const char *const words[] = {"はい", "1", "いいえ", "2"};
    int i = fk__choice(v, c, words, 4, N_("not はい/いいえ or 1/2"));
    return i == 0 || i == 1;
}

static fk_urine fk__urine(fk_validator *v, fk_column c)
{
    /* After half-width folding − and － are '-', ＋ is '+'. */
    static const char *const words[] = {"-", "±", "+", "1+", "2+", "3+", "4+"};
    static const fk_urine grades[] = {FK_URINE_NEG, FK_URINE_TRACE, FK_URINE_1P, FK_URINE_1P,
                                      FK_URINE_2P,  FK_URINE_3P,    FK_URINE_4P};
    int i = fk__choice(v, c, words, 7, N_("not one of −, ±, +, 2+, 3+, 4+"));
    return i < 0 ? FK_URINE_NEG : grades[i];
}

static void fk__category(fk_validator *v, fk_record *r)
{
    static const char *const kinds[] = {"特定保健指導", "非肥満保健指導", "健康相談",
                                        "受診勧奨通知"};
    static const char *const levels[] = {"積極的支援", "動機付け支援", "動機づけ支援"};
    int kind = fk__choice(v, FK_COL_CATEGORY, kinds, 4,
                          N_("not 特定保健指導, 非肥満保健指導, 健康相談 or 受診勧奨通知"));
    bool empty;
    if (!fk__get(v, FK_COL_GUIDANCE, FK__HALF, false, &empty))
        return;
    if (kind == 0) {
        if (empty) {
            fk__find(v, FK_COL_GUIDANCE, N_("required for 特定保健指導"));
            return;
        }
        int level = fk__word(v, levels, 3);
        if (level < 0)
            fk__find(v, FK_COL_GUIDANCE, N_("not 積極的支援 or 動機付け支援"));
        else
            r->category = level == 0 ? FK_CAT_SEKKYOKU : FK_CAT_DOUKI;
        return;
    }
    if (kind > 0 && !empty)
        fk__find(v, FK_COL_GUIDANCE, N_("must be empty unless 特定保健指導"));
    static const fk_category cats[] = {FK_CAT_SEKKYOKU, FK_CAT_HIHIMAN, FK_CAT_KENKO,
                                       FK_CAT_JUSHIN};
    if (kind > 0)
        r->category = cats[kind];
    else
        r->category = FK_CAT_COUNT; /* unknown kind: the voucher rule below is skipped */
}

static void fk__identity(fk_validator *v, fk_record *r, bool *oom)
{
    char resident[16];
    fk__digits(v, FK_COL_RESIDENT, 1, 15, true, resident, N_("not 1–15 digits"));
    if (resident[0]) {
        long first;
        if (fk__numset_add(&v->residents, resident, v->line, &first) != FK_OK)
            *oom = true;
        else if (first) {
            char reason[80];
            snprintf(reason, sizeof reason, _("duplicate resident number (first on line %ld)"),
                     first);
            fk__find(v, FK_COL_RESIDENT, reason);
        } else if (!(r->resident_no = fk_strdup(resident)))
            *oom = true;
    }
    r->name = fk__name(v, oom);
    r->kana = fk__kana(v, oom);

    bool birth_ok = fk__date(v, FK_COL_BIRTH, &r->birth);
    static const char *const sexes[] = {"1", "男", "2", "女"};
    int sex = fk__choice(v, FK_COL_SEX, sexes, 4, N_("not 1/男 or 2/女"));
    r->sex = sex >= 2 ? FK_SEX_FEMALE : FK_SEX_MALE;

    char age[4];
    fk__digits(v, FK_COL_AGE, 1, 3, true, age, N_("not an integer"));
    if (age[0]) {
        int a = 0;
        for (size_t i = 0; age[i]; i++)
            a = a * 10 + (age[i] - '0');
        r->age = a;
        if (a < 40 || a > 74)
            fk__find(v, FK_COL_AGE, N_("outside 40–74"));
        else if (birth_ok && fk_date_fiscal_year_end_age(r->birth, v->fiscal_year) != a)
            fk__find(v, FK_COL_AGE, N_("does not match 生年月日 and the fiscal year"));
    }
}

static void fk__address(fk_validator *v, fk_record *r, bool *oom)
{
    bool empty;
    if (fk__get(v, FK_COL_POSTAL, FK__HALF, true, &empty)) {
        const char *p = v->tmp.data;
        bool plain = v->tmp.len == 7 && fk__all_digits(p, 7);
        bool hyphen =
            v->tmp.len == 8 && fk__all_digits(p, 3) && p[3] == '-' && fk__all_digits(p + 4, 4);
        if (plain)
            memcpy(r->postal, p, 8);
        else if (hyphen) {
            memcpy(r->postal, p, 3);
            memcpy(r->postal + 3, p + 4, 5);
        } else
            fk__find(v, FK_COL_POSTAL, N_("not a 7-digit postal code"));
    }
    r->address = fk__text(v, FK_COL_ADDRESS, 80, true, oom);
    r->building = fk__text(v, FK_COL_BUILDING, 40, false, oom);
}

static void fk__insurance(fk_validator *v, fk_record *r, bool *oom)
{
    r->ins_symbol = fk__text(v, FK_COL_INS_SYMBOL, 20, true, oom);
    bool empty;
    if (fk__get(v, FK_COL_INS_NUMBER, FK__HALF, true, &empty)) {
        bool ok = v->tmp.len <= 20;
        for (size_t i = 0; ok && i < v->tmp.len; i++) {
            char ch = v->tmp.data[i];
            ok = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
        }
        if (!ok)
            fk__find(v, FK_COL_INS_NUMBER, N_("not up to 20 letters and digits"));
        else if (!(r->ins_number = fk__take_text(v)))
            *oom = true;
    }
    fk__digits(v, FK_COL_INS_BRANCH, 2, 2, false, r->ins_branch, N_("not 2 digits"));
}

static void fk__exam(fk_validator *v, fk_record *r, bool *oom)
{
    fk__digits(v, FK_COL_TICKET, 11, 11, true, r->ticket_no, N_("not 11 digits"));
    if (fk__date(v, FK_COL_EXAM_DATE, &r->exam_date)) {
        if (fk_date_fiscal_year(r->exam_date) != v->fiscal_year)
            fk__find(v, FK_COL_EXAM_DATE, N_("outside the job's fiscal year"));
        else if (fk_date_cmp(r->exam_date, v->export_date) > 0)
            fk__find(v, FK_COL_EXAM_DATE, N_("after the export date"));
    }
    if (r->category == FK_CAT_JUSHIN) {
        bool empty;
        if (fk__get(v, FK_COL_VOUCHER, FK__HALF, false, &empty) && !empty)
            fk__find(v, FK_COL_VOUCHER, N_("must be empty for 受診勧奨通知"));
    } else if (r->category != FK_CAT_COUNT) {
        fk__digits(v, FK_COL_VOUCHER, 11, 11, true, r->voucher_no, N_("not 11 digits"));
    }
    if (r->voucher_no[0]) {
        long first;
        if (fk__numset_add(&v->vouchers, r->voucher_no, v->line, &first) != FK_OK)
            *oom = true;
        else if (first) {
            char reason[80];
            snprintf(reason, sizeof reason, _("duplicate voucher number (first on line %ld)"),
                     first);
            fk__find(v, FK_COL_VOUCHER, reason);
        }
    }
}

static void fk__results(fk_validator *v, fk_record *r)
{
    r->height = fk__number(v, FK_COL_HEIGHT, 100, 220, true, N_("outside 100.0–220.0 cm"));
    r->weight = fk__number(v, FK_COL_WEIGHT, 20, 250, true, N_("outside 20.0–250.0 kg"));
    r->bmi = fk__number(v, FK_COL_BMI, 5, 100, true, N_("outside 5–100"));
    if (fk_is_measured(r->height) && fk_is_measured(r->weight) && fk_is_measured(r->bmi)) {
        double m = r->height / 100;
        if (fabs(r->weight / (m * m) - r->bmi) > 0.2 + 1e-9)
            fk__find(v, FK_COL_BMI, N_("does not agree with 体重/身長² within 0.2"));
    }
    r->waist = fk__number(v, FK_COL_WAIST, 40, 200, true, N_("outside 40.0–200.0 cm"));
    r->sbp = fk__number(v, FK_COL_SBP, 60, 300, true, N_("outside 60–300 mmHg"));
    r->dbp = fk__number(v, FK_COL_DBP, 30, 200, true, N_("outside 30–200 mmHg"));
    if (fk_is_measured(r->sbp) && fk_is_measured(r->dbp) && r->sbp <= r->dbp)
        fk__find(v, FK_COL_SBP, N_("not greater than 拡張期血圧"));
    static const char *const fasting[] = {"空腹時", "随時", "食直後"};
    int f = fk__choice(v, FK_COL_FASTING, fasting, 3, N_("not 空腹時, 随時 or 食直後"));
    r->fasting = f == 1 ? FK_FAST_CASUAL : f == 2 ? FK_FAST_AFTER_MEAL : FK_FAST_FASTING;
    r->tg = fk__number(v, FK_COL_TG, 10, 5000, true, N_("outside 10–5000 mg/dl"));
    r->hdl = fk__number(v, FK_COL_HDL, 5, 200, true, N_("outside 5–200 mg/dl"));
    r->ldl = fk__number(v, FK_COL_LDL, 10, 600, false, N_("outside 10–600 mg/dl"));
    r->non_hdl = fk__number(v, FK_COL_NON_HDL, 10, 700, false, N_("outside 10–700 mg/dl"));
    if (fk__is_empty(v, FK_COL_LDL) && fk__is_empty(v, FK_COL_NON_HDL))
        fk__find(v, FK_COL_LDL, N_("LDLコレステロール or Non-HDLコレステロール required"));
    r->ast = fk__number(v, FK_COL_AST, 1, 5000, true, N_("outside 1–5000 U/L"));
    r->alt = fk__number(v, FK_COL_ALT, 1, 5000, true, N_("outside 1–5000 U/L"));
    r->ggt = fk__number(v, FK_COL_GGT, 1, 5000, true, N_("outside 1–5000 U/L"));
    r->glucose = fk__number(v, FK_COL_GLUCOSE, 20, 1000, false, N_("outside 20–1000 mg/dl"));
    r->hba1c = fk__number(v, FK_COL_HBA1C, 3, 20, false, N_("outside 3.0–20.0 %"));
    if (fk__is_empty(v, FK_COL_GLUCOSE) && fk__is_empty(v, FK_COL_HBA1C))
        fk__find(v, FK_COL_GLUCOSE, N_("血糖 or HbA1c required"));
    r->urine_glucose = fk__urine(v, FK_COL_URINE_GLUCOSE);
    r->urine_protein = fk__urine(v, FK_COL_URINE_PROTEIN);
    r->hb = fk__number(v, FK_COL_HB, 3, 25, false, N_("outside 3.0–25.0 g/dl"));
    r->creatinine = fk__number(v, FK_COL_CREATININE, 0.1, 20, false, N_("outside 0.1–20.0 mg/dl"));
    r->egfr = fk__number(v, FK_COL_EGFR, 1, 200, false, N_("outside 1–200"));
    r->smoker = fk__yes_no(v, FK_COL_SMOKER);
    r->med_bp = fk__yes_no(v, FK_COL_MED_BP);
    r->med_glucose = fk__yes_no(v, FK_COL_MED_GLUCOSE);
    r->med_lipid = fk__yes_no(v, FK_COL_MED_LIPID);
}

fk_status fk_validator_check_row(fk_validator *v, const fk_schema *schema,
                                 const char *const *fields, const size_t *lens, size_t nfields,
                                 long line, fk_record *out, bool *accepted,
                                 fk_finding_fn on_finding, void *ctx, fk_err *err)
{
    *accepted = false;
    fk_record_clear(out);
    v->schema = schema;
    v->fields = fields;
    v->lens = lens;
    v->line = line;
    v->rejected = false;
    v->stopped = false;
    v->oom = false;
    v->on_finding = on_finding;
    v->ctx = ctx;
    if (nfields != schema->nfields) {
        char reason[96];
        snprintf(reason, sizeof reason, _("expected %zu fields, found %zu"), schema->nfields,
                 nfields);
        v->rejected = true;
        if (!on_finding(ctx, line, 0, "", reason, false))
            return fk_failf(err, FK_EFINDING, _("stopped after line %ld"), line);
        return FK_OK;
    }
    bool oom = false;
    fk__category(v, out);
    fk__identity(v, out, &oom);
    fk__address(v, out, &oom);
    fk__insurance(v, out, &oom);
    fk__exam(v, out, &oom);
    fk__results(v, out);
    oom = oom || v->oom;
    if (oom || v->rejected || v->stopped)
        fk_record_clear(out);
    if (oom)
        return fk_failf(err, FK_ENOMEM, _("out of memory validating line %ld"), line);
    if (v->stopped)
        return fk_failf(err, FK_EFINDING, _("stopped after line %ld"), line);
    *accepted = !v->rejected;
    return FK_OK;
}
