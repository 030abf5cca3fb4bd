/*
 * Evaluates the health rules on one record: the 第4期 stratification, the marks of the
 * threshold table and the category check. Values are compared in thousandths (rounded), so
 * a value read as 5.6 from a CSV meets a threshold read as 5.6 from YAML whatever binary
 * fraction either parser produced.
 */
#include "health/health.h"
#include "health/rules-private.h"
#include "util/i18n.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *fk_health_level_label(fk_health_level level)
{
    static const char *const labels[] = {"積極的支援", "動機付け支援", "情報提供", "服薬中",
                                         "判定不能"};
    return (unsigned)level <= FK_LEVEL_UNKNOWN ? labels[level] : "";
}

const char *fk_health_check_name(fk_health_check c)
{
    static const char *const names[] = {"agree", "medication", "level",     "step1",
                                        "risks", "doctor",     "incomplete"};
    return (unsigned)c <= FK_CHECK_INCOMPLETE ? names[c] : "";
}

static long long fk__milli(double v)
{
    return llround(v * 1000.0);
}

static bool fk__reaches(fk__direction d, double v, double threshold)
{
    if (isnan(v) || isnan(threshold))
        return false;
    long long a = fk__milli(v), t = fk__milli(threshold);
    switch (d) {
    case FK__DIR_GE:
        return a >= t;
    case FK__DIR_GT:
        return a > t;
    case FK__DIR_LE:
        return a <= t;
    case FK__DIR_LT:
        return a < t;
    }
    return false;
}

/* Whether a record taken in state f is in mask; an unknown state only in the full mask, so
 * blood pressure is judged whatever the blood sample says. */
static bool fk__in_state(unsigned mask, fk_fasting f)
{
    if (mask == FK__FASTING_ALL)
        return true;
    return f >= FK_FAST_FASTING && f <= FK_FAST_AFTER_MEAL && (mask & (1u << f)) != 0;
}

/* Prints v with the item's decimals without the locale ("5.6", "±"). */
static void fk__format(const fk__item *item, double v, char *out, size_t size)
{
    if (item->field == FK__F_URINE_GLUCOSE || item->field == FK__F_URINE_PROTEIN) {
        snprintf(out, size, "%s", fk_urine_label((fk_urine)lround(v)));
        return;
    }
    long long scale = 1;
    for (int i = 0; i < item->decimals; i++)
        scale *= 10;
    long long q = llround(v * (double)scale);
    const char *sign = q < 0 ? "-" : "";
    long long a = q < 0 ? -q : q;
    if (item->decimals == 0)
        snprintf(out, size, "%s%lld", sign, a);
    else
        snprintf(out, size, "%s%lld.%0*lld", sign, a / scale, item->decimals, a % scale);
}

static void fk__threshold_text(const fk__item *item, double t, char *out, size_t size)
{
    static const char *const suffix[] = {"以上", "超", "以下", "未満"};
    out[0] = '\0';
    if (isnan(t))
        return;
    char num[24];
    fk__format(item, t, num, sizeof num);
    snprintf(out, size, "%s%s", num, suffix[item->direction]);
}

_Static_assert(sizeof((fk_health_item *)0)->guidance == sizeof((fk__item *)0)->guidance_text[0] &&
                   sizeof((fk_health_item *)0)->doctor == sizeof((fk__item *)0)->doctor_text[0],
               "an assessment's threshold texts are copied whole from the rules'");

void fk__rules_threshold_texts(fk_rules *r)
{
    for (size_t i = 0; i < r->n_items; i++) {
        fk__item *item = &r->items[i];
        for (int sex = 0; sex < 2; sex++) {
            fk__threshold_text(item, item->guidance[sex], item->guidance_text[sex],
                               sizeof item->guidance_text[sex]);
            fk__threshold_text(item, item->doctor[sex], item->doctor_text[sex],
                               sizeof item->doctor_text[sex]);
        }
    }
}

/* The BMI judged: the record's, else weight / height² to one decimal as the sheet prints it. */
static double fk__bmi(const fk_rules *r, const fk_record *rec)
{
    double v = fk__rules_field_value(rec, r->items[r->bmi_item].field);
    if (fk_is_measured(v) || r->items[r->bmi_item].field != FK__F_BMI)
        return v;
    if (!fk_is_measured(rec->height) || !fk_is_measured(rec->weight) || rec->height <= 0)
        return NAN;
    double m = rec->height / 100.0;
    return round(rec->weight / (m * m) * 10.0) / 10.0;
}

static bool fk__ldl_replaced(const fk_rules *r, const fk_record *rec)
{
    const fk__item *ldl = &r->items[r->replace_item];
    return fk__reaches(FK__DIR_GE, rec->tg, r->replace_tg) ||
           fk__in_state(r->replace_fasting, rec->fasting) ||
           !fk_is_measured(fk__rules_field_value(rec, ldl->field));
}

static void fk__mark_items(const fk_rules *r, const fk_record *rec, int sex,
                           fk_health_assessment *a)
{
    bool has_replace = r->replace_item != FK__NO_ITEM;
    bool replaced = has_replace && fk__ldl_replaced(r, rec);
    a->n_items = r->n_items;
    for (size_t i = 0; i < r->n_items; i++) {
        const fk__item *item = &r->items[i];
        fk_health_item *out = &a->items[i];
        double v = fk__rules_field_value(rec, item->field);
        out->key = item->key;
        out->label = item->label;
        out->unit = item->unit;
        out->measured = fk_is_measured(v);
        out->applies = fk__in_state(item->fasting, rec->fasting);
        if (has_replace && i == r->replace_item && replaced)
            out->applies = false;
        if (has_replace && i == r->replace_by && !replaced)
            out->applies = false;
        out->mark = FK_MARK_NONE;
        out->mark_text = "";
        out->value[0] = '\0';
        if (out->measured)
            fk__format(item, v, out->value, sizeof out->value);
        memcpy(out->guidance, item->guidance_text[sex], sizeof out->guidance);
        memcpy(out->doctor, item->doctor_text[sex], sizeof out->doctor);
        if (!out->measured || !out->applies)
            continue;
        if (fk__reaches(item->direction, v, item->doctor[sex])) {
            out->mark = FK_MARK_DOCTOR;
            out->mark_text = r->mark_doctor;
            a->doctor[a->n_doctor++] = i;
        } else if (fk__reaches(item->direction, v, item->guidance[sex])) {
            out->mark = FK_MARK_GUIDANCE;
            out->mark_text = item->direction <= FK__DIR_GT ? r->mark_high : r->mark_low;
        }
    }
}

static bool fk__cond_holds(const fk_rules *r, const fk_record *rec, int sex,
                           const fk_health_assessment *a, const fk__cond *c)
{
    const fk__item *item = &r->items[c->item];
    if (!a->items[c->item].applies || !fk__in_state(c->fasting, rec->fasting))
        return false;
    if (c->unless_measured != FK__NO_ITEM && a->items[c->unless_measured].measured)
        return false;
    return fk__reaches(item->direction, fk__rules_field_value(rec, item->field),
                       item->guidance[sex]);
}

void fk_health_assess(const fk_rules *r, const fk_record *rec, fk_health_assessment *a)
{
    memset(a, 0, sizeof *a);
    int sex = rec->sex == FK_SEX_FEMALE ? 1 : 0;
    fk__mark_items(r, rec, sex, a);

    int others = 0;
    for (int k = 0; k < FK_RISK_SMOKING; k++) {
        for (size_t c = 0; c < r->n_conds[k] && !a->risk[k]; c++)
            a->risk[k] = fk__cond_holds(r, rec, sex, a, &r->conds[k][c]);
        others += a->risk[k];
    }
    a->risk[FK_RISK_SMOKING] = rec->smoker && (!r->smoking_needs_other || others > 0);
    a->risk_count = others + a->risk[FK_RISK_SMOKING];

    a->medication = (rec->med_bp && (r->medication & (1u << FK_RISK_BP))) ||
                    (rec->med_glucose && (r->medication & (1u << FK_RISK_GLUCOSE))) ||
                    (rec->med_lipid && (r->medication & (1u << FK_RISK_LIPID)));

    const fk__item *waist = &r->items[r->waist_item];
    const fk__item *bmi = &r->items[r->bmi_item];
    double waist_v = fk__rules_field_value(rec, waist->field);
    a->bmi = fk__bmi(r, rec);
    if (!fk_is_measured(waist_v))
        a->step1 = FK_STEP1_UNKNOWN;
    else if (fk__reaches(waist->direction, waist_v, waist->guidance[sex]))
        a->step1 = FK_STEP1_WAIST;
    else if (!fk_is_measured(a->bmi))
        a->step1 = FK_STEP1_UNKNOWN;
    else if (fk__reaches(bmi->direction, a->bmi, bmi->guidance[sex]))
        a->step1 = FK_STEP1_BMI;
    else
        a->step1 = FK_STEP1_NONE;

    if (a->medication) {
        a->level = FK_LEVEL_MEDICATION;
    } else if (a->step1 == FK_STEP1_UNKNOWN) {
        a->level = FK_LEVEL_UNKNOWN;
    } else if (a->step1 == FK_STEP1_NONE) {
        a->level = FK_LEVEL_INFO;
    } else {
        int k = a->step1 == FK_STEP1_WAIST ? 0 : 1;
        a->level = a->risk_count >= r->min_sekkyoku[k] ? FK_LEVEL_SEKKYOKU
                   : a->risk_count >= r->min_douki[k]  ? FK_LEVEL_DOUKI
                                                       : FK_LEVEL_INFO;
    }
    a->level_before_age = a->level;
    if (a->level == FK_LEVEL_SEKKYOKU && rec->age >= r->age_from && rec->age <= r->age_to)
        a->level = FK_LEVEL_DOUKI;

    for (size_t b = 0; b < r->n_bands; b++) {
        const fk__band *band = &r->bands[b];
        if (fk__reaches(FK__DIR_GE, rec->sbp, band->systolic) ||
            fk__reaches(FK__DIR_GE, rec->dbp, band->diastolic)) {
            a->bp_band = band->key;
            a->bp_band_text = band->text;
            break;
        }
    }
}

static fk_health_check fk__say(fk_health_check c, char *why, size_t size, const char *fmt, ...)
    FK_PRINTF(4, 5);

static fk_health_check fk__say(fk_health_check c, char *why, size_t size, const char *fmt, ...)
{
    if (why != NULL && size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, size, fmt, ap);
        va_end(ap);
    }
    return c;
}

fk_health_check fk_health_check_category(const fk_rules *r, const fk_record *rec,
                                         const fk_health_assessment *a, char *why, size_t size)
{
    if ((unsigned)rec->category >= FK_CAT_COUNT)
        return fk__say(FK_CHECK_LEVEL, why, size, _("ward: unknown category"));
    const fk__criteria *c = &r->criteria[rec->category];
    const char *ward = fk_category_label(rec->category);

    if (c->medication == 0 && a->medication)
        return fk__say(FK_CHECK_MEDICATION, why, size,
                       _("ward: %s, computed: not a target (medication)"), ward);
    if (c->medication == 1 && !a->medication)
        return fk__say(FK_CHECK_MEDICATION, why, size, _("ward: %s, computed: no medication"),
                       ward);

    bool needs_level = c->levels != 0 || c->step1 >= 0 || c->min_risks > 0;
    if (needs_level && a->step1 == FK_STEP1_UNKNOWN && !a->medication)
        return fk__say(FK_CHECK_INCOMPLETE, why, size,
                       _("ward: %s, computed: %s (waist or BMI not measured)"), ward,
                       fk_health_level_label(FK_LEVEL_UNKNOWN));

    if (c->levels != 0 && (c->levels & (1u << a->level)) == 0) {
        /* The age decided the level when the 65–74 rule applied or would have. */
        if (a->level_before_age == FK_LEVEL_SEKKYOKU)
            return fk__say(FK_CHECK_LEVEL, why, size, _("ward: %s, computed: %s (age %d)"), ward,
                           fk_health_level_label(a->level), rec->age);
        return fk__say(FK_CHECK_LEVEL, why, size, _("ward: %s, computed: %s"), ward,
                       fk_health_level_label(a->level));
    }

    if (c->step1 == 0 && (a->step1 == FK_STEP1_WAIST || a->step1 == FK_STEP1_BMI)) {
        size_t item = a->step1 == FK_STEP1_WAIST ? r->waist_item : r->bmi_item;
        return fk__say(FK_CHECK_STEP1, why, size, _("ward: %s, computed: %s at the step-1 cutoff"),
                       ward, r->items[item].label);
    }
    if (c->step1 == 1 && a->step1 == FK_STEP1_NONE)
        return fk__say(FK_CHECK_STEP1, why, size,
                       _("ward: %s, computed: below both step-1 cutoffs"), ward);

    if (c->min_risks > 0) {
        int count = 0;
        for (int k = 0; k < FK_RISK_COUNT; k++)
            count += (c->risks & (1u << k)) != 0 && a->risk[k];
        if (count < c->min_risks)
            return fk__say(FK_CHECK_RISKS, why, size,
                           _("ward: %s, computed: %d of the required %d risks"), ward, count,
                           c->min_risks);
    }

    if (c->min_doctor > 0 && a->n_doctor < (size_t)c->min_doctor) {
        if (a->n_doctor == 0)
            return fk__say(FK_CHECK_DOCTOR, why, size,
                           _("ward: %s, no value at a doctor-visit threshold"), ward);
        return fk__say(FK_CHECK_DOCTOR, why, size,
                       _("ward: %s, %zu values at a doctor-visit threshold, %d required"), ward,
                       a->n_doctor, c->min_doctor);
    }
    return fk__say(FK_CHECK_AGREE, why, size, "%s", "");
}

bool fk_health_bmi_differs(const fk_record *rec, double *difference)
{
    *difference = 0;
    if (!fk_is_measured(rec->bmi) || !fk_is_measured(rec->height) || !fk_is_measured(rec->weight) ||
        rec->height <= 0)
        return false;
    double m = rec->height / 100.0;
    *difference = fabs(rec->bmi - rec->weight / (m * m));
    /* A hair of tolerance: 0.1 written in decimal is not exactly 0.1 in binary. */
    return *difference > FK_HEALTH_BMI_TOLERANCE + 1e-9;
}
