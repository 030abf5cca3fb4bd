/*
 * The loaded form of the health rules, shared by the loader (rules.c) and the evaluator
 * (health.c). Item references are resolved to indices at load time, so evaluation never
 * looks anything up by name.
 */
#ifndef FK_HEALTH_RULES_PRIVATE_H
#define FK_HEALTH_RULES_PRIVATE_H

#include "health/health.h"

#include <stdbool.h>
#include <stddef.h>

#define FK__MAX_CONDS 8 /* conditions per step-2 risk */
#define FK__MAX_BANDS 8 /* blood-pressure bands */
#define FK__NO_ITEM   ((size_t)-1)

/* The record fields an item can read. */
typedef enum {
    FK__F_HEIGHT,
    FK__F_WEIGHT,
    FK__F_BMI,
    FK__F_WAIST,
    FK__F_SBP,
    FK__F_DBP,
    FK__F_TG,
    FK__F_HDL,
    FK__F_LDL,
    FK__F_NON_HDL,
    FK__F_AST,
    FK__F_ALT,
    FK__F_GGT,
    FK__F_GLUCOSE,
    FK__F_HBA1C,
    FK__F_HB,
    FK__F_CREATININE,
    FK__F_EGFR,
    FK__F_URINE_GLUCOSE,
    FK__F_URINE_PROTEIN,
    FK__F_COUNT
} fk__field;

typedef enum { FK__DIR_GE, FK__DIR_GT, FK__DIR_LE, FK__DIR_LT } fk__direction;

/* Bit (1 << fk_fasting) per blood-sampling state. */
#define FK__FASTING_ALL                                                                            \
    ((1u << FK_FAST_FASTING) | (1u << FK_FAST_CASUAL) | (1u << FK_FAST_AFTER_MEAL))

typedef struct fk__item {
    char *key, *label, *unit;
    fk__field field;
    fk__direction direction;
    int decimals;
    double guidance[2]; /* [male, female]; NAN when none */
    double doctor[2];
    /* The thresholds as the sheet prints them ("130以上", "" if none), made once at load. */
    char guidance_text[2][32], doctor_text[2][32];
    unsigned fasting;
} fk__item;

typedef struct fk__cond {
    size_t item;
    unsigned fasting;
    size_t unless_measured; /* FK__NO_ITEM when the condition has none */
} fk__cond;

typedef struct fk__band {
    char *key, *text;
    double systolic, diastolic;
} fk__band;

/* A category's criteria; "any" values leave the criterion out. */
typedef struct fk__criteria {
    int medication;  /* -1 any, 0 none taken, 1 taken */
    unsigned levels; /* bits (1 << fk_health_level); 0 any */
    int step1;       /* -1 any, 0 negative, 1 positive */
    int min_risks;   /* 0: no criterion */
    unsigned risks;  /* bits (1 << fk_health_risk) counted for min_risks */
    int min_doctor;  /* 0: no criterion */
} fk__criteria;

struct fk_rules {
    char *version, *name;
    char *mark_high, *mark_low, *mark_doctor;
    fk__item items[FK_HEALTH_MAX_ITEMS];
    size_t n_items;
    size_t replace_item, replace_by; /* FK__NO_ITEM when no replacement rule */
    double replace_tg;               /* NAN: no triglyceride condition */
    unsigned replace_fasting;
    size_t waist_item, bmi_item;
    fk__cond conds[FK_RISK_SMOKING][FK__MAX_CONDS];
    size_t n_conds[FK_RISK_SMOKING];
    bool smoking_needs_other;
    unsigned medication; /* bits (1 << fk_health_risk) of bp, glucose, lipid */
    int min_sekkyoku[2]; /* [waist, bmi] */
    int min_douki[2];
    int age_from, age_to;
    fk__band bands[FK__MAX_BANDS];
    size_t n_bands;
    fk__criteria criteria[FK_CAT_COUNT];
};

/* The record's value for a field (a urine grade as its number); NAN when not measured. */
double fk__rules_field_value(const fk_record *rec, fk__field field);

/* Fills each item's threshold texts from its thresholds (health.c, which formats values). */
void fk__rules_threshold_texts(fk_rules *r);

#endif
