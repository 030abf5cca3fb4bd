/*
 * Unit tests for health/health: the 第4期 stratification, the marks of the threshold table
 * and the category check, each at its boundaries, with the shipped rules file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fk-config.h"
#include "health/health.h"
#include "util/jdate.h"

static fk_rules *rules;

static int setup(void **state)
{
    (void)state;
    fk_err err;
    fk_err_clear(&err);
    if (fk_rules_load(FK_SOURCE_ROOT "/rules/health-4.yaml", NULL, &rules, &err) != FK_OK) {
        fprintf(stderr, "%s\n", fk_err_message(&err));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fk_rules_free(rules);
    return 0;
}

/* A healthy 50-year-old man: no step-1 finding, no risk, nothing marked. */
static void base(fk_record *r)
{
    fk_record_init(r);
    r->category = FK_CAT_KENKO;
    r->sex = FK_SEX_MALE;
    r->age = 50;
    r->height = 170.0;
    r->weight = 63.6;
    r->bmi = 22.0;
    r->waist = 80.0;
    r->sbp = 120;
    r->dbp = 70;
    r->fasting = FK_FAST_FASTING;
    r->tg = 100;
    r->hdl = 60;
    r->ldl = 100;
    r->non_hdl = 120;
    r->ast = 20;
    r->alt = 20;
    r->ggt = 30;
    r->glucose = 90;
    r->hba1c = 5.2;
    r->hb = 14.5;
    r->egfr = 80;
    r->urine_glucose = FK_URINE_NEG;
    r->urine_protein = FK_URINE_NEG;
}

static const fk_health_item *item(const fk_health_assessment *a, const char *key)
{
    for (size_t i = 0; i < a->n_items; i++)
        if (strcmp(a->items[i].key, key) == 0)
            return &a->items[i];
    static const fk_health_item none; /* fail_msg does not return; the compiler cannot know */
    fail_msg("no item %s", key);
    return &none;
}

/* ---- stratification ---- */

enum { MED_BP = 1, MED_GLUCOSE = 2, MED_LIPID = 4 };

typedef struct strat_case {
    const char *name;
    fk_sex sex;
    int age;
    double waist, bmi, sbp, dbp;
    fk_fasting fasting;
    double tg, hdl, glucose, hba1c;
    bool smoker;
    int med;
    fk_health_step1 step1;
    int risks;
    fk_health_level level;
} strat_case;

#define M   FK_SEX_MALE
#define F   FK_SEX_FEMALE
#define FA  FK_FAST_FASTING
#define CA  FK_FAST_CASUAL
#define AM  FK_FAST_AFTER_MEAL
#define S1N FK_STEP1_NONE
#define S1W FK_STEP1_WAIST
#define S1B FK_STEP1_BMI
#define LS  FK_LEVEL_SEKKYOKU
#define LD  FK_LEVEL_DOUKI
#define LI  FK_LEVEL_INFO
#define LM  FK_LEVEL_MEDICATION

/* Baseline values: waist 80, BMI 22, BP 120/70, TG 100, HDL 60, glucose 90, HbA1c 5.2. */
static const strat_case strat_cases[] = {
    /* step 1: waist by sex, then BMI */
    {"male waist 84.9", M, 50, 84.9, 22, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1N, 1, LI},
    {"male waist 85.0", M, 50, 85.0, 22, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1W, 1, LD},
    {"female waist 85", F, 50, 85.0, 22, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1N, 1, LI},
    {"female waist 89.9", F, 50, 89.9, 22, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1N, 1, LI},
    {"female waist 90.0", F, 50, 90.0, 22, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1W, 1, LD},
    {"BMI 24.9", M, 50, 80, 24.9, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1N, 1, LI},
    {"BMI 25.0", M, 50, 80, 25.0, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1B, 1, LD},
    {"waist wins over BMI", M, 50, 85, 30, 130, 70, FA, 170, 60, 90, 5.2, 0, 0, S1W, 2, LS},
    /* blood pressure 130/85 */
    {"sbp 129", M, 50, 85, 22, 129, 70, FA, 100, 60, 90, 5.2, 0, 0, S1W, 0, LI},
    {"sbp 130", M, 50, 85, 22, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1W, 1, LD},
    {"dbp 84", M, 50, 85, 22, 120, 84, FA, 100, 60, 90, 5.2, 0, 0, S1W, 0, LI},
    {"dbp 85", M, 50, 85, 22, 120, 85, FA, 100, 60, 90, 5.2, 0, 0, S1W, 1, LD},
    {"sbp and dbp count once", M, 50, 85, 22, 140, 90, FA, 100, 60, 90, 5.2, 0, 0, S1W, 1, LD},
    /* triglycerides 150 fasting, 175 casual, not after a meal */
    {"fasting TG 149", M, 50, 85, 22, 120, 70, FA, 149, 60, 90, 5.2, 0, 0, S1W, 0, LI},
    {"fasting TG 150", M, 50, 85, 22, 120, 70, FA, 150, 60, 90, 5.2, 0, 0, S1W, 1, LD},
    {"casual TG 150", M, 50, 85, 22, 120, 70, CA, 150, 60, 90, 5.2, 0, 0, S1W, 0, LI},
    {"casual TG 174", M, 50, 85, 22, 120, 70, CA, 174, 60, 90, 5.2, 0, 0, S1W, 0, LI},
    {"casual TG 175", M, 50, 85, 22, 120, 70, CA, 175, 60, 90, 5.2, 0, 0, S1W, 1, LD},
    {"after-meal TG 300", M, 50, 85, 22, 120, 70, AM, 300, 60, 90, 5.2, 0, 0, S1W, 0, LI},
    /* HDL below 40 */
    {"HDL 40", M, 50, 85, 22, 120, 70, FA, 100, 40, 90, 5.2, 0, 0, S1W, 0, LI},
    {"HDL 39", M, 50, 85, 22, 120, 70, FA, 100, 39, 90, 5.2, 0, 0, S1W, 1, LD},
    {"TG and HDL count once", M, 50, 85, 22, 120, 70, FA, 200, 30, 90, 5.2, 0, 0, S1W, 1, LD},
    /* glucose 100 fasting; casual only without HbA1c; HbA1c 5.6 */
    {"fasting glucose 99", M, 50, 85, 22, 120, 70, FA, 100, 60, 99, 5.2, 0, 0, S1W, 0, LI},
    {"fasting glucose 100", M, 50, 85, 22, 120, 70, FA, 100, 60, 100, 5.2, 0, 0, S1W, 1, LD},
    {"casual glucose with HbA1c", M, 50, 85, 22, 120, 70, CA, 100, 60, 110, 5.2, 0, 0, S1W, 0, LI},
    {"casual glucose 99, no HbA1c", M, 50, 85, 22, 120, 70, CA, 100, 60, 99, NAN, 0, 0, S1W, 0, LI},
    {"casual glucose 100, no HbA1c", M, 50, 85, 22, 120, 70, CA, 100, 60, 100, NAN, 0, 0, S1W, 1,
     LD},
    {"after-meal glucose, no HbA1c", M, 50, 85, 22, 120, 70, AM, 100, 60, 150, NAN, 0, 0, S1W, 0,
     LI},
    {"HbA1c 5.5", M, 50, 85, 22, 120, 70, FA, 100, 60, 90, 5.5, 0, 0, S1W, 0, LI},
    {"HbA1c 5.6", M, 50, 85, 22, 120, 70, FA, 100, 60, 90, 5.6, 0, 0, S1W, 1, LD},
    {"HbA1c 5.6, no glucose", M, 50, 85, 22, 120, 70, CA, 100, 60, NAN, 5.6, 0, 0, S1W, 1, LD},
    /* smoking counts only with another risk */
    {"smoking alone", M, 50, 85, 22, 120, 70, FA, 100, 60, 90, 5.2, 1, 0, S1W, 0, LI},
    {"smoking with bp", M, 50, 85, 22, 130, 70, FA, 100, 60, 90, 5.2, 1, 0, S1W, 2, LS},
    {"smoking, BMI, bp", M, 50, 80, 25, 130, 70, FA, 100, 60, 90, 5.2, 1, 0, S1B, 2, LD},
    /* step 3 levels */
    {"waist, 2 risks", M, 50, 85, 22, 130, 70, FA, 150, 60, 90, 5.2, 0, 0, S1W, 2, LS},
    {"BMI, 2 risks", M, 50, 80, 25, 130, 70, FA, 150, 60, 90, 5.2, 0, 0, S1B, 2, LD},
    {"BMI, 3 risks", M, 50, 80, 25, 130, 70, FA, 150, 60, 100, 5.2, 0, 0, S1B, 3, LS},
    {"BMI, 0 risks", M, 50, 80, 25, 120, 70, FA, 100, 60, 90, 5.2, 0, 0, S1B, 0, LI},
    {"waist, all four", M, 50, 85, 22, 130, 70, FA, 150, 60, 100, 5.2, 1, 0, S1W, 4, LS},
    /* step 4: 65–74 by 年度末年齢 */
    {"age 64 stays", M, 64, 85, 22, 130, 70, FA, 150, 60, 90, 5.2, 0, 0, S1W, 2, LS},
    {"age 65 downgraded", M, 65, 85, 22, 130, 70, FA, 150, 60, 90, 5.2, 0, 0, S1W, 2, LD},
    {"age 74 downgraded", M, 74, 85, 22, 130, 70, FA, 150, 60, 90, 5.2, 0, 0, S1W, 2, LD},
    {"age 75 stays", M, 75, 85, 22, 130, 70, FA, 150, 60, 90, 5.2, 0, 0, S1W, 2, LS},
    {"age 67, douki stays", M, 67, 85, 22, 130, 70, FA, 100, 60, 90, 5.2, 0, 0, S1W, 1, LD},
    /* medication excludes, whatever the results */
    {"bp medication", M, 50, 85, 22, 130, 70, FA, 150, 60, 90, 5.2, 0, MED_BP, S1W, 2, LM},
    {"glucose medication", M, 50, 85, 22, 130, 70, FA, 150, 60, 90, 5.2, 0, MED_GLUCOSE, S1W, 2,
     LM},
    {"lipid medication", M, 50, 85, 22, 130, 70, FA, 150, 60, 90, 5.2, 0, MED_LIPID, S1W, 2, LM},
    {"medication, no finding", M, 50, 80, 22, 120, 70, FA, 100, 60, 90, 5.2, 0, MED_BP, S1N, 0, LM},
};

static void test_stratification(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof strat_cases / sizeof strat_cases[0]; i++) {
        const strat_case *c = &strat_cases[i];
        fk_record r;
        base(&r);
        r.sex = c->sex;
        r.age = c->age;
        r.waist = c->waist;
        r.bmi = c->bmi;
        r.sbp = c->sbp;
        r.dbp = c->dbp;
        r.fasting = c->fasting;
        r.tg = c->tg;
        r.hdl = c->hdl;
        r.glucose = c->glucose;
        r.hba1c = c->hba1c;
        r.smoker = c->smoker;
        r.med_bp = (c->med & MED_BP) != 0;
        r.med_glucose = (c->med & MED_GLUCOSE) != 0;
        r.med_lipid = (c->med & MED_LIPID) != 0;
        fk_health_assessment a;
        fk_health_assess(rules, &r, &a);
        if (a.step1 != c->step1 || a.risk_count != c->risks || a.level != c->level)
            fail_msg("%s: step1 %d risks %d level %s, expected %d %d %s", c->name, a.step1,
                     a.risk_count, fk_health_level_label(a.level), c->step1, c->risks,
                     fk_health_level_label(c->level));
        assert_int_equal(a.medication, c->med != 0);
    }
}

/* 年度末年齢 from the birth date: an April 1 birthday is a year older on March 31. */
static void test_fiscal_year_end_age(void **state)
{
    (void)state;
    static const struct {
        fk_date birth;
        int age;
        fk_health_level level;
    } cases[] = {
        {{1960, 4, 1}, 65, LD},                         /* 65 on 2025-03-31, within fiscal 2024 */
        {{1960, 4, 2}, 64, LS},                         /* 65 only in fiscal 2025 */
        {{1959, 4, 2}, 65, LD}, {{1950, 4, 1}, 75, LS}, /* 75: past the rule */
        {{1950, 4, 2}, 74, LD}, {{1951, 3, 31}, 74, LD},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fk_record r;
        base(&r);
        r.birth = cases[i].birth;
        r.age = fk_date_fiscal_year_end_age(r.birth, 2024);
        assert_int_equal(r.age, cases[i].age);
        r.waist = 90;
        r.sbp = 140;
        r.hba1c = 6.0;
        fk_health_assessment a;
        fk_health_assess(rules, &r, &a);
        assert_int_equal(a.level_before_age, LS);
        assert_int_equal(a.level, cases[i].level);
    }
}

static void test_bmi_from_height_and_weight(void **state)
{
    (void)state;
    fk_record r;
    base(&r);
    r.bmi = NAN;
    r.height = 160.0;
    r.weight = 64.0; /* 25.0 */
    r.sbp = 130;
    fk_health_assessment a;
    fk_health_assess(rules, &r, &a);
    assert_true(fabs(a.bmi - 25.0) < 1e-9);
    assert_int_equal(a.step1, S1B);
    assert_int_equal(a.level, LD);
    r.weight = 63.9; /* 24.96 → 25.0 as printed */
    fk_health_assess(rules, &r, &a);
    assert_int_equal(a.step1, S1B);
    r.weight = 63.8; /* 24.92 → 24.9 */
    fk_health_assess(rules, &r, &a);
    assert_int_equal(a.step1, S1N);
    r.height = NAN;
    fk_health_assess(rules, &r, &a);
    assert_int_equal(a.step1, FK_STEP1_UNKNOWN);
    assert_int_equal(a.level, FK_LEVEL_UNKNOWN);
    r.waist = NAN;
    r.bmi = 30;
    fk_health_assess(rules, &r, &a);
    assert_int_equal(a.step1, FK_STEP1_UNKNOWN);
}

/* ---- marks ---- */

typedef struct mark_case {
    const char *key;
    fk_sex sex;
    fk_fasting fasting;
    double value;
    fk_health_mark mark;
    const char *text;
} mark_case;

#define MN  FK_MARK_NONE
#define MG  FK_MARK_GUIDANCE
#define MDR FK_MARK_DOCTOR

static const mark_case mark_cases[] = {
    {"waist", M, FA, 84.9, MN, ""},
    {"waist", M, FA, 85.0, MG, "H"},
    {"waist", F, FA, 89.9, MN, ""},
    {"waist", F, FA, 90.0, MG, "H"},
    {"bmi", M, FA, 24.9, MN, ""},
    {"bmi", M, FA, 25.0, MG, "H"},
    {"sbp", M, FA, 129, MN, ""},
    {"sbp", M, FA, 130, MG, "H"},
    {"sbp", M, FA, 139, MG, "H"},
    {"sbp", M, FA, 140, MDR, "要受診"},
    {"dbp", M, FA, 84, MN, ""},
    {"dbp", M, FA, 85, MG, "H"},
    {"dbp", M, FA, 89, MG, "H"},
    {"dbp", M, FA, 90, MDR, "要受診"},
    {"tg_fasting", M, FA, 149, MN, ""},
    {"tg_fasting", M, FA, 150, MG, "H"},
    {"tg_fasting", M, FA, 299, MG, "H"},
    {"tg_fasting", M, FA, 300, MDR, "要受診"},
    {"tg_fasting", M, CA, 300, MN, ""}, /* judged as casual */
    {"tg_casual", M, CA, 174, MN, ""},
    {"tg_casual", M, CA, 175, MG, "H"},
    {"tg_casual", M, CA, 300, MDR, "要受診"},
    {"tg_casual", M, AM, 175, MG, "H"},
    {"tg_casual", M, FA, 300, MN, ""},
    {"hdl", M, FA, 40, MN, ""},
    {"hdl", M, FA, 39, MG, "L"},
    {"hdl", M, FA, 20, MG, "L"}, /* no doctor-visit value in 第4期 */
    {"ldl", M, FA, 119, MN, ""},
    {"ldl", M, FA, 120, MG, "H"},
    {"ldl", M, FA, 139, MG, "H"},
    {"ldl", M, FA, 140, MDR, "要受診"},
    {"glucose_fasting", M, FA, 99, MN, ""},
    {"glucose_fasting", M, FA, 100, MG, "H"},
    {"glucose_fasting", M, FA, 125, MG, "H"},
    {"glucose_fasting", M, FA, 126, MDR, "要受診"},
    {"glucose_fasting", M, CA, 126, MN, ""},
    {"glucose_casual", M, CA, 126, MDR, "要受診"},
    {"hba1c", M, FA, 5.5, MN, ""},
    {"hba1c", M, FA, 5.6, MG, "H"},
    {"hba1c", M, FA, 6.4, MG, "H"},
    {"hba1c", M, FA, 6.5, MDR, "要受診"},
    {"ast", M, FA, 30, MN, ""},
    {"ast", M, FA, 31, MG, "H"},
    {"ast", M, FA, 51, MDR, "要受診"},
    {"alt", M, FA, 50, MG, "H"},
    {"alt", M, FA, 51, MDR, "要受診"},
    {"ggt", M, FA, 50, MN, ""},
    {"ggt", M, FA, 51, MG, "H"},
    {"ggt", M, FA, 100, MG, "H"},
    {"ggt", M, FA, 101, MDR, "要受診"},
    {"egfr", M, FA, 60, MN, ""},
    {"egfr", M, FA, 59.9, MG, "L"},
    {"egfr", M, FA, 45, MG, "L"},
    {"egfr", M, FA, 44.9, MDR, "要受診"},
    {"hb", M, FA, 13.1, MN, ""},
    {"hb", M, FA, 13.0, MG, "L"},
    {"hb", M, FA, 12.1, MG, "L"},
    {"hb", M, FA, 12.0, MDR, "要受診"},
    {"hb", F, FA, 12.1, MN, ""},
    {"hb", F, FA, 12.0, MG, "L"},
    {"hb", F, FA, 11.1, MG, "L"},
    {"hb", F, FA, 11.0, MDR, "要受診"},
    {"urine_protein", M, FA, FK_URINE_NEG, MN, ""},
    {"urine_protein", M, FA, FK_URINE_TRACE, MG, "H"},
    {"urine_protein", M, FA, FK_URINE_1P, MDR, "要受診"},
    {"urine_protein", M, FA, FK_URINE_3P, MDR, "要受診"},
};

static void set_field(fk_record *r, const char *key, double v)
{
    if (strcmp(key, "waist") == 0)
        r->waist = v;
    else if (strcmp(key, "bmi") == 0)
        r->bmi = v;
    else if (strcmp(key, "sbp") == 0)
        r->sbp = v;
    else if (strcmp(key, "dbp") == 0)
        r->dbp = v;
    else if (strncmp(key, "tg", 2) == 0)
        r->tg = v;
    else if (strcmp(key, "hdl") == 0)
        r->hdl = v;
    else if (strcmp(key, "ldl") == 0)
        r->ldl = v;
    else if (strncmp(key, "glucose", 7) == 0)
        r->glucose = v;
    else if (strcmp(key, "hba1c") == 0)
        r->hba1c = v;
    else if (strcmp(key, "ast") == 0)
        r->ast = v;
    else if (strcmp(key, "alt") == 0)
        r->alt = v;
    else if (strcmp(key, "ggt") == 0)
        r->ggt = v;
    else if (strcmp(key, "egfr") == 0)
        r->egfr = v;
    else if (strcmp(key, "hb") == 0)
        r->hb = v;
    else if (strcmp(key, "urine_protein") == 0)
        r->urine_protein = (fk_urine)v;
    else
        fail_msg("test sets no field %s", key);
}

/* The ward's BMI column against 体重/身長²: a difference over 0.1 is a finding of its own. */
static void test_bmi_consistency(void **state)
{
    (void)state;
    fk_record r;
    base(&r);
    r.height = 160.0;
    r.weight = 64.0; /* 25.0 */
    double d;
    r.bmi = 25.0;
    assert_false(fk_health_bmi_differs(&r, &d));
    r.bmi = 25.1; /* exactly 0.1 off: still agrees */
    assert_false(fk_health_bmi_differs(&r, &d));
    r.bmi = 25.2;
    assert_true(fk_health_bmi_differs(&r, &d));
    assert_true(fabs(d - 0.2) < 1e-9);
    r.bmi = 24.85;
    assert_true(fk_health_bmi_differs(&r, &d));
    r.height = NAN; /* nothing to compare */
    assert_false(fk_health_bmi_differs(&r, &d));
    r.height = 160.0;
    r.bmi = NAN;
    assert_false(fk_health_bmi_differs(&r, &d));
}

static void test_marks(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof mark_cases / sizeof mark_cases[0]; i++) {
        const mark_case *c = &mark_cases[i];
        fk_record r;
        base(&r);
        r.sex = c->sex;
        r.fasting = c->fasting;
        set_field(&r, c->key, c->value);
        fk_health_assessment a;
        fk_health_assess(rules, &r, &a);
        const fk_health_item *it = item(&a, c->key);
        if (it->mark != c->mark || strcmp(it->mark_text, c->text) != 0)
            fail_msg("%s = %g (sex %d, fasting %d): mark %d '%s', expected %d '%s'", c->key,
                     c->value, c->sex, c->fasting, it->mark, it->mark_text, c->mark, c->text);
        bool listed = false;
        for (size_t d = 0; d < a.n_doctor; d++)
            listed |= &a.items[a.doctor[d]] == it;
        assert_int_equal(listed, c->mark == MDR);
    }
}

/* Without a known blood-sampling state only the state-specific items are left unjudged. */
static void test_unknown_fasting_state(void **state)
{
    (void)state;
    fk_record r;
    base(&r);
    r.fasting = (fk_fasting)0;
    r.sbp = 140;
    r.tg = 400;
    r.glucose = 200;
    fk_health_assessment a;
    fk_health_assess(rules, &r, &a);
    assert_int_equal(item(&a, "sbp")->mark, MDR);
    assert_false(item(&a, "tg_fasting")->applies);
    assert_false(item(&a, "tg_casual")->applies);
    assert_false(item(&a, "glucose_fasting")->applies);
    assert_false(item(&a, "glucose_casual")->applies);
    assert_false(a.risk[FK_RISK_LIPID]);
    assert_true(a.risk[FK_RISK_BP]);
}

/* A healthy record has no mark at all, so the tables above test one item at a time. */
static void test_base_unmarked(void **state)
{
    (void)state;
    fk_record r;
    base(&r);
    fk_health_assessment a;
    fk_health_assess(rules, &r, &a);
    for (size_t i = 0; i < a.n_items; i++)
        assert_int_equal(a.items[i].mark, MN);
    assert_int_equal(a.n_doctor, 0);
    assert_int_equal(a.level, LI);
    assert_int_equal(a.risk_count, 0);
}

static void test_non_hdl_replaces_ldl(void **state)
{
    (void)state;
    fk_record r;
    fk_health_assessment a;
    base(&r);
    r.ldl = 150;
    r.non_hdl = 180;
    fk_health_assess(rules, &r, &a);
    assert_true(item(&a, "ldl")->applies);
    assert_int_equal(item(&a, "ldl")->mark, MDR);
    assert_false(item(&a, "non_hdl")->applies);
    assert_int_equal(item(&a, "non_hdl")->mark, MN);
    assert_int_equal(a.n_doctor, 1);

    r.tg = 399; /* below the replacement value */
    fk_health_assess(rules, &r, &a);
    assert_true(item(&a, "ldl")->applies);

    r.tg = 400;
    fk_health_assess(rules, &r, &a);
    assert_false(item(&a, "ldl")->applies);
    assert_int_equal(item(&a, "ldl")->mark, MN);
    assert_true(item(&a, "non_hdl")->applies);
    assert_int_equal(item(&a, "non_hdl")->mark, MDR);

    base(&r);
    r.fasting = FK_FAST_AFTER_MEAL;
    r.non_hdl = 150;
    fk_health_assess(rules, &r, &a);
    assert_false(item(&a, "ldl")->applies);
    assert_int_equal(item(&a, "non_hdl")->mark, MG);
    r.non_hdl = 169;
    fk_health_assess(rules, &r, &a);
    assert_int_equal(item(&a, "non_hdl")->mark, MG);
    r.non_hdl = 170;
    fk_health_assess(rules, &r, &a);
    assert_int_equal(item(&a, "non_hdl")->mark, MDR);

    base(&r);
    r.fasting = FK_FAST_CASUAL;
    r.ldl = NAN; /* not measured: Non-HDL is judged */
    r.non_hdl = 149;
    fk_health_assess(rules, &r, &a);
    assert_false(item(&a, "ldl")->measured);
    assert_true(item(&a, "non_hdl")->applies);
    assert_int_equal(item(&a, "non_hdl")->mark, MN);
}

/* What the 受診勧奨通知 prints: exactly the values past a doctor-visit threshold. */
static void test_doctor_list(void **state)
{
    (void)state;
    fk_record r;
    base(&r);
    r.sex = FK_SEX_FEMALE;
    r.sbp = 150;
    r.hba1c = 7.0;
    r.hb = 10.95; /* printed with one decimal */
    r.ast = 40;   /* guidance only */
    r.urine_protein = FK_URINE_2P;
    fk_health_assessment a;
    fk_health_assess(rules, &r, &a);
    assert_int_equal(a.n_doctor, 4);
    static const struct {
        const char *label, *value, *threshold;
    } want[] = {
        {"収縮期血圧", "150", "140以上"},
        {"HbA1c（NGSP）", "7.0", "6.5以上"},
        {"血色素量", "11.0", "11.0以下"},
        {"尿蛋白", "2+", "+以上"},
    };
    for (size_t i = 0; i < 4; i++) {
        const fk_health_item *it = &a.items[a.doctor[i]];
        assert_string_equal(it->label, want[i].label);
        assert_string_equal(it->value, want[i].value);
        assert_string_equal(it->doctor, want[i].threshold);
        assert_string_equal(it->mark_text, "要受診");
    }
    assert_string_equal(item(&a, "hb")->guidance, "12.0以下");
    assert_string_equal(item(&a, "egfr")->doctor, "45未満");
    assert_string_equal(item(&a, "hdl")->doctor, "");
    assert_string_equal(item(&a, "hdl")->guidance, "40未満");
    assert_string_equal(item(&a, "ast")->mark_text, "H");
    assert_string_equal(item(&a, "egfr")->unit, "ml/min/1.73m²");
    r.egfr = NAN;
    fk_health_assess(rules, &r, &a);
    assert_false(item(&a, "egfr")->measured);
    assert_string_equal(item(&a, "egfr")->value, "");
    assert_int_equal(item(&a, "egfr")->mark, MN);
}

static void test_bp_bands(void **state)
{
    (void)state;
    static const struct {
        double sbp, dbp;
        const char *band;
    } cases[] = {
        {160, 80, "doctor_now"}, {120, 100, "doctor_now"}, {159, 99, "doctor"},
        {140, 80, "doctor"},     {120, 90, "doctor"},      {139, 89, "guidance"},
        {130, 70, "guidance"},   {120, 85, "guidance"},    {129, 84, "normal"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fk_record r;
        base(&r);
        r.sbp = cases[i].sbp;
        r.dbp = cases[i].dbp;
        fk_health_assessment a;
        fk_health_assess(rules, &r, &a);
        assert_non_null(a.bp_band);
        assert_string_equal(a.bp_band, cases[i].band);
        assert_non_null(a.bp_band_text);
    }
}

/* ---- the category check ---- */

typedef struct check_case {
    const char *name;
    fk_category category;
    int age;
    double waist, sbp, tg, hba1c;
    bool smoker;
    bool med;
    fk_health_check result;
    const char *why; /* NULL: not compared */
} check_case;

#define CS FK_CAT_SEKKYOKU
#define CD FK_CAT_DOUKI
#define CH FK_CAT_HIHIMAN
#define CK FK_CAT_KENKO
#define CJ FK_CAT_JUSHIN

/* Baseline: BMI 22, dbp 70, fasting, HDL 60, glucose 90. */
static const check_case check_cases[] = {
    {"sekkyoku agrees", CS, 50, 90, 130, 150, 5.2, 0, 0, FK_CHECK_AGREE, ""},
    {"sekkyoku at 67", CS, 67, 90, 130, 150, 5.2, 0, 0, FK_CHECK_LEVEL,
     "ward: 積極的支援, computed: 動機付け支援 (age 67)"},
    {"douki at 64", CD, 64, 90, 130, 150, 5.2, 0, 0, FK_CHECK_LEVEL,
     "ward: 動機付け支援, computed: 積極的支援 (age 64)"},
    {"douki at 65", CD, 65, 90, 130, 150, 5.2, 0, 0, FK_CHECK_AGREE, ""},
    {"douki, one risk", CD, 50, 90, 130, 100, 5.2, 0, 0, FK_CHECK_AGREE, ""},
    {"douki, no risk", CD, 50, 90, 120, 100, 5.2, 0, 0, FK_CHECK_LEVEL,
     "ward: 動機付け支援, computed: 情報提供"},
    {"douki, smoking alone", CD, 50, 90, 120, 100, 5.2, 1, 0, FK_CHECK_LEVEL, NULL},
    {"sekkyoku, medication", CS, 50, 90, 130, 150, 5.2, 0, 1, FK_CHECK_MEDICATION,
     "ward: 積極的支援, computed: not a target (medication)"},
    {"hihiman agrees", CH, 50, 80, 130, 100, 5.2, 0, 0, FK_CHECK_AGREE, ""},
    {"hihiman, HbA1c", CH, 70, 80, 120, 100, 5.6, 0, 0, FK_CHECK_AGREE, ""},
    {"hihiman, obese", CH, 50, 85, 130, 100, 5.2, 0, 0, FK_CHECK_STEP1,
     "ward: 非肥満保健指導, computed: 腹囲 at the step-1 cutoff"},
    {"hihiman, no risk", CH, 50, 80, 120, 100, 5.2, 0, 0, FK_CHECK_RISKS,
     "ward: 非肥満保健指導, computed: 0 of the required 1 risks"},
    {"hihiman, smoking alone", CH, 50, 80, 120, 100, 5.2, 1, 0, FK_CHECK_RISKS, NULL},
    {"hihiman, medication", CH, 50, 80, 130, 100, 5.2, 0, 1, FK_CHECK_MEDICATION, NULL},
    {"kenko, info", CK, 50, 80, 120, 100, 5.2, 0, 0, FK_CHECK_AGREE, ""},
    {"kenko, medication", CK, 50, 90, 130, 150, 5.2, 0, 1, FK_CHECK_AGREE, ""},
    {"kenko, a target", CK, 50, 90, 130, 100, 5.2, 0, 0, FK_CHECK_LEVEL,
     "ward: 健康相談, computed: 動機付け支援"},
    {"jushin agrees", CJ, 50, 80, 140, 100, 5.2, 0, 0, FK_CHECK_AGREE, ""},
    {"jushin, medication", CJ, 50, 90, 120, 100, 6.5, 0, 1, FK_CHECK_AGREE, ""},
    {"jushin, nothing", CJ, 50, 80, 139, 299, 6.4, 0, 0, FK_CHECK_DOCTOR,
     "ward: 受診勧奨通知, no value at a doctor-visit threshold"},
    {"jushin, a target", CJ, 50, 90, 140, 100, 5.2, 0, 0, FK_CHECK_LEVEL,
     "ward: 受診勧奨通知, computed: 動機付け支援"},
    {"incomplete", CS, 50, NAN, 130, 150, 5.2, 0, 0, FK_CHECK_INCOMPLETE,
     "ward: 積極的支援, computed: 判定不能 (waist or BMI not measured)"},
};

static void test_check(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof check_cases / sizeof check_cases[0]; i++) {
        const check_case *c = &check_cases[i];
        fk_record r;
        base(&r);
        r.category = c->category;
        r.age = c->age;
        r.waist = c->waist;
        r.sbp = c->sbp;
        r.tg = c->tg;
        r.hba1c = c->hba1c;
        r.smoker = c->smoker;
        r.med_bp = c->med;
        /* Personal data that must never reach the message. */
        r.name = "試験\u3000太郎";
        r.resident_no = "123456789";
        fk_health_assessment a;
        fk_health_assess(rules, &r, &a);
        char why[160];
        fk_health_check got = fk_health_check_category(rules, &r, &a, why, sizeof why);
        if (got != c->result || (c->why != NULL && strcmp(why, c->why) != 0))
            fail_msg("%s: %s '%s', expected %s '%s'", c->name, fk_health_check_name(got), why,
                     fk_health_check_name(c->result), c->why != NULL ? c->why : "");
        assert_int_equal(got == FK_CHECK_AGREE, why[0] == '\0');
        assert_null(strstr(why, "試験"));
        assert_null(strstr(why, "123456789"));
    }
}

static void test_check_truncates(void **state)
{
    (void)state;
    fk_record r;
    base(&r);
    r.category = FK_CAT_JUSHIN;
    fk_health_assessment a;
    fk_health_assess(rules, &r, &a);
    char why[8];
    assert_int_equal(fk_health_check_category(rules, &r, &a, why, sizeof why), FK_CHECK_DOCTOR);
    assert_int_equal(strlen(why), 7);
    assert_int_equal(fk_health_check_category(rules, &r, &a, NULL, 0), FK_CHECK_DOCTOR);
    assert_string_equal(fk_health_check_name(FK_CHECK_DOCTOR), "doctor");
    assert_string_equal(fk_health_level_label(FK_LEVEL_MEDICATION), "服薬中");
}

/* ---- an independent model ---- */

/*
 * The 第4期 rules and the category criteria written out directly from the domain notes, with
 * their numbers as constants, so that the rules file and the evaluator are checked against a
 * second reading of the same text over many random records near every boundary.
 */
static bool ref_measured(double v)
{
    return !isnan(v);
}

static fk_health_level ref_level(const fk_record *r, bool *step1_negative, bool *risk)
{
    bool c1 = r->sex == FK_SEX_MALE ? r->waist >= 85 : r->waist >= 90;
    bool c2 = !c1 && r->bmi >= 25;
    *step1_negative = !c1 && !c2;
    bool bp = r->sbp >= 130 || r->dbp >= 85;
    bool lipid =
        (r->fasting == FA && r->tg >= 150) || (r->fasting == CA && r->tg >= 175) || r->hdl < 40;
    bool glucose = (r->fasting == FA && r->glucose >= 100) ||
                   (r->fasting == CA && !ref_measured(r->hba1c) && r->glucose >= 100) ||
                   r->hba1c >= 5.6;
    *risk = bp || lipid || glucose;
    if (r->med_bp || r->med_glucose || r->med_lipid)
        return LM;
    if (!c1 && !c2)
        return LI;
    int n = bp + lipid + glucose;
    if (n >= 1 && r->smoker)
        n++;
    fk_health_level level = c1 ? (n >= 2   ? LS
                                  : n == 1 ? LD
                                           : LI)
                               : (n >= 3   ? LS
                                  : n >= 1 ? LD
                                           : LI);
    if (level == LS && r->age >= 65 && r->age <= 74)
        level = LD;
    return level;
}

static int ref_doctor_count(const fk_record *r)
{
    bool female = r->sex == FK_SEX_FEMALE;
    bool ldl_judged = ref_measured(r->ldl) && r->tg < 400 && r->fasting != AM;
    return (r->sbp >= 140) + (r->dbp >= 90) + (r->tg >= 300) +
           (ldl_judged ? r->ldl >= 140 : r->non_hdl >= 170) + (r->glucose >= 126) +
           (r->hba1c >= 6.5) + (r->ast >= 51) + (r->alt >= 51) + (r->ggt >= 101) + (r->egfr < 45) +
           (r->hb <= (female ? 11.0 : 12.0)) + (r->urine_protein >= FK_URINE_1P);
}

static bool ref_agrees(fk_category cat, const fk_record *r)
{
    bool negative, risk;
    fk_health_level level = ref_level(r, &negative, &risk);
    bool medication = r->med_bp || r->med_glucose || r->med_lipid;
    switch (cat) {
    case FK_CAT_SEKKYOKU:
        return level == LS;
    case FK_CAT_DOUKI:
        return level == LD;
    case FK_CAT_HIHIMAN:
        return !medication && negative && risk;
    case FK_CAT_KENKO:
        return level == LI || level == LM;
    case FK_CAT_JUSHIN:
        return (level == LI || level == LM) && ref_doctor_count(r) > 0;
    case FK_CAT_COUNT:
        break;
    }
    return false;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

/* lo + k/10 for a random k: one-decimal values that land on the thresholds often. */
static double rnd_tenths(double lo, double hi)
{
    unsigned steps = (unsigned)lround((hi - lo) * 10);
    return lo + rnd(steps + 1) / 10.0;
}

static void random_record(fk_record *r)
{
    base(r);
    r->sex = rnd(2) ? FK_SEX_MALE : FK_SEX_FEMALE;
    r->age = 60 + (int)rnd(20);
    r->waist = rnd_tenths(80, 95);
    r->bmi = rnd_tenths(23, 27);
    r->sbp = 110 + rnd(55);
    r->dbp = 65 + rnd(40);
    r->fasting = (fk_fasting)(1 + rnd(3));
    r->tg = rnd(8) == 0 ? 380 + rnd(40) : 100 + rnd(210);
    r->hdl = 36 + rnd(30);
    r->ldl = rnd(10) == 0 ? NAN : 115 + rnd(30);
    r->non_hdl = 145 + rnd(30);
    r->glucose = rnd(10) == 0 ? NAN : 85 + rnd(45);
    r->hba1c = rnd(4) == 0 ? NAN : rnd_tenths(5.0, 6.8);
    if (!ref_measured(r->glucose) && !ref_measured(r->hba1c))
        r->hba1c = 5.5;
    r->ast = 25 + rnd(30);
    r->alt = 25 + rnd(30);
    r->ggt = 45 + rnd(60);
    r->egfr = rnd_tenths(43, 62);
    r->hb = rnd_tenths(10.5, 14);
    r->urine_protein = (fk_urine)rnd(4);
    r->smoker = rnd(3) == 0;
    r->med_bp = rnd(12) == 0;
    r->med_glucose = rnd(20) == 0;
    r->med_lipid = rnd(15) == 0;
}

/* Every record gets a category the model accepts; every 37th one a category it rejects. The
 * check must then flag exactly the planted ones. */
static void test_against_model(void **state)
{
    (void)state;
    size_t planted = 0, flagged = 0, per_kind[FK_CHECK_INCOMPLETE + 1] = {0};
    for (size_t i = 0; i < 50000; i++) {
        fk_record r;
        random_record(&r);
        bool plant = i % 37 == 0;
        int start = (int)rnd(FK_CAT_COUNT), c;
        for (c = 0; c < FK_CAT_COUNT; c++)
            if (ref_agrees((fk_category)((start + c) % FK_CAT_COUNT), &r) != plant)
                break;
        if (c == FK_CAT_COUNT)
            continue; /* no category fits (or none disagrees): nothing to compare */
        r.category = (fk_category)((start + c) % FK_CAT_COUNT);
        planted += plant;

        fk_health_assessment a;
        fk_health_assess(rules, &r, &a);
        bool negative, risk;
        assert_int_equal(a.level, ref_level(&r, &negative, &risk));
        assert_int_equal((int)a.n_doctor, ref_doctor_count(&r));
        char why[160];
        fk_health_check got = fk_health_check_category(rules, &r, &a, why, sizeof why);
        if ((got != FK_CHECK_AGREE) != plant)
            fail_msg("record %zu (%s, age %d): check says %s '%s', model says %s", i,
                     fk_category_label(r.category), r.age, fk_health_check_name(got), why,
                     plant ? "disagree" : "agree");
        flagged += got != FK_CHECK_AGREE;
        per_kind[got]++;
    }
    assert_int_equal(flagged, planted);
    assert_true(planted > 1000);
    /* the random records reach every kind the defaults can produce */
    for (int k = FK_CHECK_MEDICATION; k <= FK_CHECK_DOCTOR; k++)
        if (per_kind[k] == 0)
            fail_msg("no '%s' finding among %zu", fk_health_check_name((fk_health_check)k),
                     flagged);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stratification),
        cmocka_unit_test(test_bmi_consistency),
        cmocka_unit_test(test_fiscal_year_end_age),
        cmocka_unit_test(test_bmi_from_height_and_weight),
        cmocka_unit_test(test_base_unmarked),
        cmocka_unit_test(test_unknown_fasting_state),
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_non_hdl_replaces_ldl),
        cmocka_unit_test(test_doctor_list),
        cmocka_unit_test(test_bp_bands),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_check_truncates),
        cmocka_unit_test(test_against_model),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
