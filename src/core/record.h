/*
 * One resident's record as fukan holds it after ingest: the data every stage passes through
 * the job store (ingest writes it, health checks it, compose prints it). All strings are
 * UTF-8, normalised as ward-export.md says; measurements not taken are NAN (fk_is_measured).
 * The record is personal data: it lives in memory and, sealed, in the store; never in clear
 * on disk.
 */
#ifndef FK_RECORD_H
#define FK_RECORD_H

#include "util/buf.h"
#include "util/err.h"
#include "util/jdate.h"

#include <math.h>
#include <stdbool.h>

/* The mailing categories; the values are stored and never renumbered. */
typedef enum {
    FK_CAT_SEKKYOKU = 0, /* 特定保健指導 積極的支援 */
    FK_CAT_DOUKI = 1,    /* 特定保健指導 動機付け支援 */
    FK_CAT_HIHIMAN = 2,  /* 非肥満保健指導 */
    FK_CAT_KENKO = 3,    /* 健康相談 */
    FK_CAT_JUSHIN = 4,   /* 受診勧奨通知 */
    FK_CAT_COUNT = 5
} fk_category;

/* "積極的支援", "動機付け支援", "非肥満保健指導", "健康相談", "受診勧奨通知". */
const char *fk_category_label(fk_category c);

/* Short ASCII code used in file names and insert-control codes: S, D, H, K, J. */
char fk_category_code(fk_category c);

/* Parses a label or code (as above); false if unknown. */
bool fk_category_parse(const char *s, fk_category *out);

typedef enum { FK_SEX_MALE = 1, FK_SEX_FEMALE = 2 } fk_sex;

typedef enum { FK_FAST_FASTING = 1, FK_FAST_CASUAL = 2, FK_FAST_AFTER_MEAL = 3 } fk_fasting;

/* Urine test grades: − ± + 2+ 3+ 4+. */
typedef enum {
    FK_URINE_NEG = 0,
    FK_URINE_TRACE = 1,
    FK_URINE_1P = 2,
    FK_URINE_2P = 3,
    FK_URINE_3P = 4,
    FK_URINE_4P = 5
} fk_urine;

/* The printable form of a urine grade ("−", "±", "+", "2+", ...). */
const char *fk_urine_label(fk_urine u);

#define FK_NOT_MEASURED   NAN
#define fk_is_measured(x) (!isnan(x))

typedef struct fk_record {
    fk_category category;
    char *resident_no;   /* 個人番号 [住民番号], 1–15 digits */
    char *name;          /* 氏名: family and given name separated by one ideographic space */
    char *kana;          /* 氏名カナ, full-width katakana */
    fk_date birth;       /* 生年月日 */
    fk_sex sex;          /* 性別 */
    int age;             /* 年度末年齢 */
    char postal[8];      /* 郵便番号, 7 digits without hyphen */
    char *address;       /* 住所 */
    char *building;      /* 方書, may be "" */
    char *ins_symbol;    /* 保険証記号 */
    char *ins_number;    /* 保険証番号 */
    char ins_branch[3];  /* 保険証枝番, 2 digits or "" */
    char ticket_no[12];  /* 受診券整理番号, 11 digits */
    fk_date exam_date;   /* 受診日 */
    char voucher_no[12]; /* 利用券整理番号, 11 digits or "" for 受診勧奨通知 */
    double height, weight, bmi, waist;
    double sbp, dbp;
    fk_fasting fasting;
    double tg, hdl, ldl, non_hdl;
    double ast, alt, ggt;
    double glucose, hba1c;
    fk_urine urine_glucose, urine_protein;
    double hb, creatinine, egfr;
    bool smoker;
    bool med_bp, med_glucose, med_lipid;
} fk_record;

/* Initialises r to an empty record (strings NULL, measurements NAN). */
void fk_record_init(fk_record *r);

/* Frees the strings r owns and re-initialises it. */
void fk_record_clear(fk_record *r);

/*
 * Appends a canonical, versioned serialisation of r to out (the plaintext that is sealed
 * into the store). fk_record_decode reads it back into an initialised record.
 */
fk_status fk_record_encode(const fk_record *r, fk_buf *out) FK_WARN_UNUSED;
fk_status fk_record_decode(const char *data, size_t len, fk_record *r, fk_err *err) FK_WARN_UNUSED;

#endif
