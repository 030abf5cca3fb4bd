/* Field dictionary and the standard fields of a record: see fields.h. */
#include "fields.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Enough for every key a template uses. Keys are found through an open-addressing hash
 * table twice that size (a template expands about a hundred fields per sheet: a linear
 * strcmp over them cost 7% of compose). */
#define FK_FIELDS_MAX      256
#define FK__SLOTS          512 /* a power of two, at least twice FK_FIELDS_MAX */
#define FK_FIELD_VALUE_MAX (64 * 1024)
#define FK__NOT_MEASURED   "未実施"

typedef struct fk__entry {
    char *key;
    size_t key_cap;
    char *value;
    size_t value_cap;
    uint32_t hash;
} fk__entry;

struct fk_fields {
    fk__entry entries[FK_FIELDS_MAX];
    uint16_t slots[FK__SLOTS]; /* entry index + 1, 0 for an empty slot */
    size_t n;                  /* live entries */
    size_t alloc;              /* entries with memory (kept after clear) */
    const fk_fields *fallback; /* borrowed, may be NULL */
};

fk_fields *fk_fields_new(void)
{
    return fk_calloc(1, sizeof(fk_fields));
}

static void fk__wipe(char *s, size_t n)
{
    if (s != NULL)
        explicit_bzero(s, n);
}

void fk_fields_free(fk_fields *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->alloc; i++) {
        fk__wipe(f->entries[i].value, f->entries[i].value_cap);
        fk_free(f->entries[i].key);
        fk_free(f->entries[i].value);
    }
    fk_free(f);
}

void fk_fields_clear(fk_fields *f)
{
    for (size_t i = 0; i < f->n; i++) {
        fk__wipe(f->entries[i].value, f->entries[i].value_cap);
        f->entries[i].key[0] = '\0';
    }
    f->n = 0;
    memset(f->slots, 0, sizeof f->slots);
}

/* FNV-1a: keys are short ASCII names. */
static uint32_t fk__hash(const char *key)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h;
}

/* The slot that holds key, or the empty slot where it would go. */
static size_t fk__slot(const fk_fields *f, const char *key, uint32_t h)
{
    size_t i = h & (FK__SLOTS - 1);
    while (f->slots[i] != 0) {
        const fk__entry *e = &f->entries[f->slots[i] - 1];
        if (e->hash == h && strcmp(e->key, key) == 0)
            break;
        i = (i + 1) & (FK__SLOTS - 1);
    }
    return i;
}

static fk__entry *fk__find(const fk_fields *f, const char *key)
{
    size_t i = fk__slot(f, key, fk__hash(key));
    return f->slots[i] ? (fk__entry *)(uintptr_t)&f->entries[f->slots[i] - 1] : NULL;
}

static bool fk__store(char **dst, size_t *cap, const char *s)
{
    size_t need = strlen(s) + 1;
    if (need > *cap) {
        char *p = fk_malloc(need);
        if (p == NULL)
            return false;
        fk__wipe(*dst, *cap);
        fk_free(*dst);
        *dst = p;
        *cap = need;
    }
    memcpy(*dst, s, need);
    return true;
}

fk_status fk_fields_set(fk_fields *f, const char *key, const char *value)
{
    size_t vlen = strlen(value);
    if (vlen > FK_FIELD_VALUE_MAX)
        return FK_ETOOBIG;
    if (!fk_utf8_is_valid(value, vlen))
        return FK_EINVAL;
    uint32_t h = fk__hash(key);
    size_t slot = fk__slot(f, key, h);
    if (f->slots[slot] != 0) {
        fk__entry *e = &f->entries[f->slots[slot] - 1];
        return fk__store(&e->value, &e->value_cap, value) ? FK_OK : FK_ENOMEM;
    }
    if (f->n == FK_FIELDS_MAX)
        return FK_ETOOBIG;
    /* A cleared entry keeps its buffers for the next record. */
    fk__entry *e = &f->entries[f->n];
    bool ok = fk__store(&e->key, &e->key_cap, key);
    if (e->key != NULL && f->n == f->alloc)
        f->alloc++;
    if (!ok || !fk__store(&e->value, &e->value_cap, value))
        return FK_ENOMEM;
    e->hash = h;
    f->n++;
    f->slots[slot] = (uint16_t)f->n;
    return FK_OK;
}

const char *fk_fields_get(const fk_fields *f, const char *key)
{
    const fk__entry *e = fk__find(f, key);
    if (e == NULL && f->fallback != NULL)
        return fk_fields_get(f->fallback, key);
    return e != NULL ? e->value : NULL;
}

void fk_fields_set_fallback(fk_fields *f, const fk_fields *fallback)
{
    f->fallback = fallback;
}

typedef struct fk__measure {
    const char *key;
    size_t offset;
    int decimals;
    const char *unit;
} fk__measure;

#define FK__M(k, d, u)                                                                             \
    {                                                                                              \
#k, offsetof(fk_record, k), d, u                                                           \
    }
static const fk__measure fk__measures[] = {
    FK__M(height, 1, "cm"),     FK__M(weight, 1, "kg"),        FK__M(bmi, 1, ""),
    FK__M(waist, 1, "cm"),      FK__M(sbp, 0, "mmHg"),         FK__M(dbp, 0, "mmHg"),
    FK__M(tg, 0, "mg/dL"),      FK__M(hdl, 0, "mg/dL"),        FK__M(ldl, 0, "mg/dL"),
    FK__M(non_hdl, 0, "mg/dL"), FK__M(ast, 0, "U/L"),          FK__M(alt, 0, "U/L"),
    FK__M(ggt, 0, "U/L"),       FK__M(glucose, 0, "mg/dL"),    FK__M(hba1c, 1, "%"),
    FK__M(hb, 1, "g/dL"),       FK__M(creatinine, 2, "mg/dL"), FK__M(egfr, 1, "mL/分/1.73m²"),
};
#undef FK__M

static const char *const fk__standard_keys[] = {
    "name",
    "kana",
    "postal",
    "postal_code",
    "address",
    "building",
    "birth",
    "age",
    "sex",
    "category",
    "category_title",
    "category_code",
    "ins_symbol",
    "ins_number",
    "ins_branch",
    "ticket_no",
    "voucher_no",
    "exam_date",
    "fasting",
    "urine_glucose",
    "urine_protein",
    "smoker",
    "med_bp",
    "med_glucose",
    "med_lipid",
    "dm_payload",
    "dm_text",
    "customer_barcode",
    "valid_until",
    "issue_date",
    "jushin_items",
    "job_code",
    "sheet",
    "valid_from",
    "valid_period",
    "insurer_number",
    "insurer_name",
    "insurer_department",
    "insurer_postal",
    "insurer_address",
    "insurer_phone",
    "insurer_head",
    "insurer_contact",
    "copay",
    "insurer_limit",
    "contract_agent",
    "payment_agent_number",
    "payment_agent_name",
    "ward",
    "ins_id",
};

bool fk_fields_is_known_key(const char *key)
{
    size_t n = strlen(key);
    if (n > 5 && strcmp(key + n - 5, "_mark") == 0)
        return true;
    for (size_t i = 0; i < sizeof fk__standard_keys / sizeof fk__standard_keys[0]; i++)
        if (strcmp(key, fk__standard_keys[i]) == 0)
            return true;
    for (size_t i = 0; i < sizeof fk__measures / sizeof fk__measures[0]; i++) {
        size_t k = strlen(fk__measures[i].key);
        if (strncmp(key, fk__measures[i].key, k) == 0 &&
            (key[k] == '\0' || strcmp(key + k, "_value") == 0))
            return true;
    }
    return false;
}

/* Formats v with d decimals without printf's locale-dependent decimal point. */
static void fk__format_number(double v, int d, char *out, size_t size)
{
    long scale = d == 0 ? 1 : d == 1 ? 10 : 100;
    double r = v * (double)scale;
    long n = (long)(r < 0 ? r - 0.5 : r + 0.5);
    const char *sign = n < 0 ? "-" : "";
    if (n < 0)
        n = -n;
    if (d == 0)
        snprintf(out, size, "%s%ld", sign, n);
    else
        snprintf(out, size, "%s%ld.%0*ld", sign, n / scale, d, n % scale);
}

static fk_status fk__set(fk_fields *out, const char *key, const char *value, fk_err *err)
{
    fk_status s = fk_fields_set(out, key, value != NULL ? value : "");
    if (s != FK_OK)
        return fk_failf(err, s, _("field '%s': %s"), key, fk_strerror(s));
    return FK_OK;
}

static const char *fk__yes_no(bool b, const char *yes, const char *no)
{
    return b ? yes : no;
}

fk_status fk_compose_fields_from_record(const fk_record *r, fk_fields *out, fk_err *err)
{
    char tmp[96];
    fk_status s;
#define FK__SET(k, v)                                                                              \
    do {                                                                                           \
        if ((s = fk__set(out, k, v, err)) != FK_OK)                                                \
            return s;                                                                              \
    } while (0)
    FK__SET("name", r->name);
    FK__SET("kana", r->kana);
    if (strlen(r->postal) == 7)
        snprintf(tmp, sizeof tmp, "%.3s-%.4s", r->postal, r->postal + 3);
    else
        tmp[0] = '\0';
    FK__SET("postal_code", tmp);
    char postal[40];
    snprintf(postal, sizeof postal, "%s%s", tmp[0] ? "〒" : "", tmp);
    FK__SET("postal", postal);
    FK__SET("address", r->address);
    FK__SET("building", r->building);
    if (!fk_date_format_wareki_iso(r->birth, tmp, sizeof tmp))
        tmp[0] = '\0';
    FK__SET("birth", tmp);
    snprintf(tmp, sizeof tmp, "%d歳", r->age);
    FK__SET("age", tmp);
    FK__SET("sex", r->sex == FK_SEX_MALE ? "男" : r->sex == FK_SEX_FEMALE ? "女" : "");
    FK__SET("category", fk_category_label(r->category));
    const char *title = fk_category_label(r->category);
    if (r->category == FK_CAT_SEKKYOKU)
        title = "特定保健指導（積極的支援）";
    else if (r->category == FK_CAT_DOUKI)
        title = "特定保健指導（動機付け支援）";
    FK__SET("category_title", title);
    tmp[0] = fk_category_code(r->category);
    tmp[1] = '\0';
    FK__SET("category_code", tmp);
    FK__SET("ins_symbol", r->ins_symbol);
    FK__SET("ins_number", r->ins_number);
    FK__SET("ins_branch", r->ins_branch);
    char ins_id[160]; /* 記号・番号・枝番 as the standard voucher prints them */
    snprintf(ins_id, sizeof ins_id, "%s・%s%s%s", r->ins_symbol ? r->ins_symbol : "",
             r->ins_number ? r->ins_number : "", r->ins_branch[0] ? "・" : "", r->ins_branch);
    FK__SET("ins_id", ins_id);
    FK__SET("ticket_no", r->ticket_no);
    FK__SET("voucher_no", r->voucher_no);
    if (!fk_date_format_wareki_iso(r->exam_date, tmp, sizeof tmp))
        tmp[0] = '\0';
    FK__SET("exam_date", tmp);
    FK__SET("fasting", r->fasting == FK_FAST_FASTING      ? "空腹時"
                       : r->fasting == FK_FAST_CASUAL     ? "随時"
                       : r->fasting == FK_FAST_AFTER_MEAL ? "食後"
                                                          : "");
    FK__SET("urine_glucose", fk_urine_label(r->urine_glucose));
    FK__SET("urine_protein", fk_urine_label(r->urine_protein));
    FK__SET("smoker", fk__yes_no(r->smoker, "あり", "なし"));
    FK__SET("med_bp", fk__yes_no(r->med_bp, "服薬あり", "服薬なし"));
    FK__SET("med_glucose", fk__yes_no(r->med_glucose, "服薬あり", "服薬なし"));
    FK__SET("med_lipid", fk__yes_no(r->med_lipid, "服薬あり", "服薬なし"));
    for (size_t i = 0; i < sizeof fk__measures / sizeof fk__measures[0]; i++) {
        const fk__measure *m = &fk__measures[i];
        double v;
        memcpy(&v, (const char *)r + m->offset, sizeof v);
        char num[40], key[32], with_unit[80];
        if (fk_is_measured(v)) {
            fk__format_number(v, m->decimals, num, sizeof num);
            snprintf(with_unit, sizeof with_unit, "%s%s%s", num, m->unit[0] ? " " : "", m->unit);
        } else {
            snprintf(num, sizeof num, "%s", FK__NOT_MEASURED);
            snprintf(with_unit, sizeof with_unit, "%s", FK__NOT_MEASURED);
        }
        FK__SET(m->key, with_unit);
        snprintf(key, sizeof key, "%s_value", m->key);
        FK__SET(key, num);
    }
#undef FK__SET
    return FK_OK;
}

/* 28000 → "28,000円". */
static void fk__yen(long v, char *out, size_t size)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%ld", v);
    size_t n = strlen(digits), w = 0;
    char grouped[48];
    for (size_t i = 0; i < n && w + 2 < sizeof grouped; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[w++] = ',';
        grouped[w++] = digits[i];
    }
    grouped[w] = '\0';
    snprintf(out, size, "%s円", grouped);
}

fk_status fk_compose_fields_from_order(const fk_order *o, fk_date issue, fk_fields *out,
                                       fk_err *err)
{
    fk_order_insurer ins;
    fk_order_voucher v;
    fk_order_get_insurer(o, &ins);
    fk_order_get_voucher(o, &v);
    char issue_text[96], from[96], until[96], period[224], postal[32], copay[96], limit[48];
    if (!fk_date_format_wareki_iso(issue, issue_text, sizeof issue_text) ||
        !fk_date_format_wareki_iso(v.valid_from, from, sizeof from) ||
        !fk_date_format_wareki_iso(v.valid_until, until, sizeof until))
        return fk_failf(err, FK_EINVAL, _("dates of the order cannot be written in 和暦"));
    snprintf(period, sizeof period, "%sから%sまで", from, until);
    snprintf(postal, sizeof postal, "〒%s", ins.postal_code ? ins.postal_code : "");
    if (v.copay_rate > 0 && v.copay_rate % 10 == 0)
        snprintf(copay, sizeof copay, "費用の%d割", v.copay_rate / 10);
    else if (v.copay_rate > 0)
        snprintf(copay, sizeof copay, "費用の%d%%", v.copay_rate);
    else if (v.copay_amount == 0)
        snprintf(copay, sizeof copay, "なし（無料）");
    else
        fk__yen(v.copay_amount, copay, sizeof copay);
    fk__yen(v.insurer_limit, limit, sizeof limit);
    const char *pairs[][2] = {
        {"issue_date", issue_text},
        {"valid_from", from},
        {"valid_until", until},
        {"valid_period", period},
        {"insurer_number", ins.number},
        {"insurer_name", ins.name},
        {"insurer_department", ins.department},
        {"insurer_postal", postal},
        {"insurer_address", ins.address},
        {"insurer_phone", ins.phone},
        {"insurer_head", ins.head},
        {"insurer_contact", ins.contact},
        {"copay", copay},
        {"insurer_limit", limit},
        {"contract_agent", v.contract_agent},
        {"payment_agent_number", v.payment_agent_number},
        {"payment_agent_name", v.payment_agent_name},
        {"ward", fk_order_ward(o)},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        fk_status s = fk__set(out, pairs[i][0], pairs[i][1], err);
        if (s != FK_OK)
            return s;
    }
    return FK_OK;
}
