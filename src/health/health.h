/*
 * The domain quality gate: from one record's results, sex and 年度末年齢 it computes the
 * guidance level (階層化), marks every value of the threshold table against the guidance and
 * doctor-visit thresholds (for the results sheet and the 受診勧奨通知) and tells whether the
 * ward's mailing category agrees. Everything it compares with comes from an fk_rules object
 * (rules.h); these functions neither allocate nor fail, and only read the rules, so any
 * number of threads may assess records with one rules object.
 */
#ifndef FK_HEALTH_H
#define FK_HEALTH_H

#include "core/record.h"
#include "health/rules.h"

#include <stdbool.h>
#include <stddef.h>

/* The computed guidance level. */
typedef enum {
    FK_LEVEL_SEKKYOKU = 0,   /* 積極的支援 */
    FK_LEVEL_DOUKI = 1,      /* 動機付け支援 */
    FK_LEVEL_INFO = 2,       /* 情報提供: not a guidance target */
    FK_LEVEL_MEDICATION = 3, /* 服薬中: excluded by medication */
    FK_LEVEL_UNKNOWN = 4     /* 判定不能: a step-1 value is missing */
} fk_health_level;

/* "積極的支援", "動機付け支援", "情報提供", "服薬中", "判定不能". */
const char *fk_health_level_label(fk_health_level level);

/* The step-1 (visceral fat) result. */
typedef enum {
    FK_STEP1_NONE = 0,   /* neither cutoff reached */
    FK_STEP1_WAIST = 1,  /* (1) waist at or past the cutoff for the sex */
    FK_STEP1_BMI = 2,    /* (2) otherwise BMI at or past the cutoff */
    FK_STEP1_UNKNOWN = 3 /* waist, or BMI and height/weight, not measured */
} fk_health_step1;

/* The step-2 risks. */
typedef enum {
    FK_RISK_BP = 0,
    FK_RISK_LIPID = 1,
    FK_RISK_GLUCOSE = 2,
    FK_RISK_SMOKING = 3,
    FK_RISK_COUNT = 4
} fk_health_risk;

typedef enum {
    FK_MARK_NONE = 0,     /* below the guidance value, not measured or not applicable */
    FK_MARK_GUIDANCE = 1, /* at or past the guidance value ("H" or "L" by direction) */
    FK_MARK_DOCTOR = 2    /* at or past the doctor-visit value ("要受診") */
} fk_health_mark;

/* The most items a rules table may hold. */
#define FK_HEALTH_MAX_ITEMS 32

/* One row of the threshold table for one record. Pointers are owned by the rules. */
typedef struct fk_health_item {
    const char *key;       /* "sbp" */
    const char *label;     /* "収縮期血圧" */
    const char *unit;      /* "mmHg" */
    bool measured;         /* the record has a value for the item's field */
    bool applies;          /* judged for this record (blood-sampling state, LDL/Non-HDL rule) */
    fk_health_mark mark;   /* FK_MARK_NONE unless measured and applies */
    const char *mark_text; /* "", "H", "L" or "要受診" (the rules' `marks`) */
    char value[24];        /* the value as printed ("5.6", "±"), "" when not measured */
    char guidance[32];     /* the guidance threshold for the sex ("130以上"), "" if none */
    char doctor[32];       /* the doctor-visit threshold for the sex ("140以上"), "" if none */
} fk_health_item;

typedef struct fk_health_assessment {
    fk_health_level level;
    fk_health_level level_before_age; /* before the 65–74 rule: differs only when it applied */
    fk_health_step1 step1;
    double bmi;               /* the BMI judged (the record's, or from height and weight) */
    bool medication;          /* taking medication that excludes from 特定保健指導 */
    bool risk[FK_RISK_COUNT]; /* smoking only when it counts */
    int risk_count;           /* the step-2 count */
    size_t n_items;           /* the rules' table, in order */
    fk_health_item items[FK_HEALTH_MAX_ITEMS];
    size_t n_doctor;                    /* items marked FK_MARK_DOCTOR, in table order: */
    size_t doctor[FK_HEALTH_MAX_ITEMS]; /* indices into items, for the 受診勧奨通知 */
    const char *bp_band;      /* key of the blood-pressure band ("doctor_now"), NULL if none */
    const char *bp_band_text; /* its sentence for the letter, NULL if none */
} fk_health_assessment;

/* Assesses rec against rules into *out (overwritten). rec->age is the 年度末年齢. */
void fk_health_assess(const fk_rules *rules, const fk_record *rec, fk_health_assessment *out);

/* The outcome of comparing the ward's category with the assessment. */
typedef enum {
    FK_CHECK_AGREE = 0,
    FK_CHECK_MEDICATION = 1, /* the category's medication criterion fails */
    FK_CHECK_LEVEL = 2,      /* the computed level is not one the category allows */
    FK_CHECK_STEP1 = 3,      /* the step-1 criterion fails (e.g. 非肥満 but obese) */
    FK_CHECK_RISKS = 4,      /* fewer step-2 risks than the category needs */
    FK_CHECK_DOCTOR = 5,     /* fewer values at a doctor-visit threshold than needed */
    FK_CHECK_INCOMPLETE = 6  /* the level cannot be computed: a step-1 value is missing */
} fk_health_check;

/* A short ASCII name for reports: "agree", "medication", "level", "step1", "risks",
 * "doctor", "incomplete". */
const char *fk_health_check_name(fk_health_check c);

/* The ward's BMI against its own 体重 / 身長²: the gate judges the BMI column, so when the
 * two differ by more than 0.1 the ward's data is inconsistent, a finding of its own. True
 * then, with the difference in *difference (never a value of the person); false when they
 * agree or one of the three is not measured. */
bool fk_health_bmi_differs(const fk_record *rec, double *difference);
#define FK_HEALTH_BMI_TOLERANCE 0.1

/*
 * Compares rec->category with assessment a (from fk_health_assess on the same record) under
 * the category's criteria, checked in the order medication, level, step 1, risks,
 * doctor-visit values; the first that fails is returned. why (if not NULL) receives a
 * one-line description without personal data, e.g. "ward: 積極的支援, computed: 動機付け支援
 * (age 67)", or "" when they agree; it is cut to fit size.
 */
fk_health_check fk_health_check_category(const fk_rules *rules, const fk_record *rec,
                                         const fk_health_assessment *a, char *why, size_t size);

#endif
