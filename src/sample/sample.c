/*
 * The synthetic ward export generator (see sample.h). Each well-formed row is drawn from its
 * own PRNG stream (seed, row index), so planting malformed rows does not change the others;
 * the layout (category order, planted positions) comes from one stream of its own. A row's
 * health values are drawn from a profile chosen for its category (obesity route, risks,
 * medication, doctor-visit items) with margins around every threshold, then judged again
 * with the 第4期 rules: a row that does not judge as intended is drawn again.
 */
#include "sample.h"
#include "sample-data.h"

#include "core/record.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- PRNG: xoshiro256** seeded by splitmix64 (Blackman and Vigna, public domain) ---- */

typedef struct fk__rng {
    uint64_t s[4];
} fk__rng;

static uint64_t fk__splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void fk__rng_seed(fk__rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
    for (int i = 0; i < 4; i++)
        r->s[i] = fk__splitmix64(&x);
}

static uint64_t fk__rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t fk__rng_next(fk__rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = fk__rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = fk__rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n) without modulo bias; n > 0. */
static uint64_t fk__below(fk__rng *r, uint64_t n)
{
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t x = fk__rng_next(r);
        if (x >= threshold)
            return x % n;
    }
}

/* Uniform in [lo, hi]. */
static int fk__range(fk__rng *r, int lo, int hi)
{
    return lo + (int)fk__below(r, (uint64_t)(hi - lo + 1));
}

static bool fk__chance(fk__rng *r, int percent)
{
    return fk__below(r, 100) < (uint64_t)percent;
}

/* ---- The columns, in the order the sample writes them ---- */

enum {
    C_TYPE,
    C_LEVEL,
    C_PID,
    C_NAME,
    C_KANA,
    C_BIRTH,
    C_SEX,
    C_AGE,
    C_POSTAL,
    C_ADDR,
    C_BUILDING,
    C_INS_SYMBOL,
    C_INS_NUMBER,
    C_INS_BRANCH,
    C_TICKET,
    C_EXAM_DATE,
    C_VOUCHER,
    C_HEIGHT,
    C_WEIGHT,
    C_BMI,
    C_WAIST,
    C_SBP,
    C_DBP,
    C_FASTING,
    C_TG,
    C_HDL,
    C_LDL,
    C_NON_HDL,
    C_AST,
    C_ALT,
    C_GGT,
    C_GLUCOSE,
    C_HBA1C,
    C_URINE_GLUCOSE,
    C_URINE_PROTEIN,
    C_HB,
    C_CREATININE,
    C_EGFR,
    C_SMOKING,
    C_MED_BP,
    C_MED_GLUCOSE,
    C_MED_LIPID,
    C_COUNT
};

static const char *const fk__header[C_COUNT] = {
    "利用券種別",
    "保健指導区分",
    "個人番号",
    "氏名",
    "氏名カナ",
    "生年月日",
    "性別",
    "年度末年齢",
    "郵便番号",
    "住所",
    "方書",
    "保険証記号",
    "保険証番号",
    "保険証枝番",
    "受診券整理番号",
    "受診日",
    "利用券整理番号",
    "身長",
    "体重",
    "BMI",
    "腹囲",
    "収縮期血圧",
    "拡張期血圧",
    "採血時間",
    "中性脂肪",
    "HDLコレステロール",
    "LDLコレステロール",
    "Non-HDLコレステロール",
    "AST",
    "ALT",
    "γ-GT",
    "血糖",
    "HbA1c",
    "尿糖",
    "尿蛋白",
    "血色素量",
    "血清クレアチニン",
    "eGFR",
    "喫煙",
    "服薬_血圧",
    "服薬_血糖",
    "服薬_脂質",
};

#define FK__FIELD_MAX 256

typedef struct fk__row {
    char f[C_COUNT][FK__FIELD_MAX];
    int fields; /* fields written: C_COUNT unless a row is planted with the wrong count */
} fk__row;

/* ---- Health values and their judgement (domain.md §1–2) ---- */

/* Values in integer units: tenths for cm, kg, BMI, HbA1c and Hb; hundredths for creatinine;
 * -1 for "not measured". Integers keep the output free of floating-point formatting. */
typedef struct fk__health {
    fk_sex sex;
    int age;
    int height10, weight10, bmi10, waist10;
    int sbp, dbp;
    fk_fasting fasting;
    int tg, hdl, ldl, non_hdl;
    int ast, alt, ggt;
    int glucose, hba1c10;
    fk_urine urine_glucose, urine_protein;
    int hb10, creatinine100, egfr;
    bool smoker, med_bp, med_glucose, med_lipid;
} fk__health;

enum { FK__INFO = 0, FK__DOUKI = 1, FK__SEKKYOKU = 2 };

typedef struct fk__verdict {
    bool medicated;
    int step1; /* 0 not obese, 1 by waist, 2 by BMI */
    bool bp, lipid, glucose;
    int level;  /* after the age rule */
    int doctor; /* values at or past a doctor-visit threshold */
} fk__verdict;

static int fk__raw_level(int step1, int risks)
{
    if (step1 == 1)
        return risks >= 2 ? FK__SEKKYOKU : risks == 1 ? FK__DOUKI : FK__INFO;
    if (step1 == 2)
        return risks >= 3 ? FK__SEKKYOKU : risks >= 1 ? FK__DOUKI : FK__INFO;
    return FK__INFO;
}

static int fk__count_risks(bool bp, bool lipid, bool glucose, bool smoker)
{
    int r = (int)bp + (int)lipid + (int)glucose;
    return r >= 1 && smoker ? r + 1 : r;
}

static fk__verdict fk__judge(const fk__health *h)
{
    fk__verdict v = {0};
    bool male = h->sex == FK_SEX_MALE;
    v.medicated = h->med_bp || h->med_glucose || h->med_lipid;
    if (h->waist10 >= (male ? 850 : 900))
        v.step1 = 1;
    else if (h->bmi10 >= 250)
        v.step1 = 2;
    v.bp = h->sbp >= 130 || h->dbp >= 85;
    v.lipid = (h->fasting == FK_FAST_FASTING && h->tg >= 150) ||
              (h->fasting == FK_FAST_CASUAL && h->tg >= 175) || h->hdl < 40;
    v.glucose =
        (h->glucose >= 0 && h->fasting == FK_FAST_FASTING && h->glucose >= 100) ||
        (h->glucose >= 0 && h->fasting == FK_FAST_CASUAL && h->hba1c10 < 0 && h->glucose >= 100) ||
        h->hba1c10 >= 56;
    v.level = fk__raw_level(v.step1, fk__count_risks(v.bp, v.lipid, v.glucose, h->smoker));
    if (v.level == FK__SEKKYOKU && h->age >= 65)
        v.level = FK__DOUKI;

    bool non_hdl_judged = h->tg >= 400 || h->fasting == FK_FAST_AFTER_MEAL || h->ldl < 0;
    v.doctor = (h->sbp >= 140) + (h->dbp >= 90) + (h->tg >= 300) +
               (!non_hdl_judged && h->ldl >= 140) + (non_hdl_judged && h->non_hdl >= 170) +
               (h->glucose >= 126) + (h->hba1c10 >= 65) + (h->ast >= 51) + (h->alt >= 51) +
               (h->ggt >= 101) + (h->egfr >= 0 && h->egfr < 45) +
               (h->hb10 >= 0 && h->hb10 <= (male ? 120 : 110)) + (h->urine_protein >= FK_URINE_1P);
    return v;
}

static bool fk__matches(fk_category cat, const fk__verdict *v)
{
    switch (cat) {
    case FK_CAT_SEKKYOKU:
        return !v->medicated && v->level == FK__SEKKYOKU;
    case FK_CAT_DOUKI:
        return !v->medicated && v->level == FK__DOUKI;
    case FK_CAT_HIHIMAN:
        return !v->medicated && v->step1 == 0 && (v->bp || v->lipid || v->glucose);
    case FK_CAT_JUSHIN:
        return (v->medicated || v->level == FK__INFO) && v->doctor >= 1;
    default:
        return false;
    }
}

/* Doctor-visit items a profile can force. */
enum {
    D_BP = 1 << 0,
    D_TG = 1 << 1,
    D_LDL = 1 << 2,
    D_GLUCOSE = 1 << 3,
    D_LIVER = 1 << 4,
    D_GGT = 1 << 5,
    D_EGFR = 1 << 6,
    D_HB = 1 << 7,
    D_PROTEIN = 1 << 8
};

typedef struct fk__profile {
    bool med_bp, med_glucose, med_lipid;
    int step1;
    bool bp, lipid, glucose, smoker;
    unsigned doctor; /* items forced past their doctor-visit threshold */
    bool incidental; /* may carry incidental high values (guidance rows) */
} fk__profile;

/* Disagreement kinds, by category; the names go into the report. */
typedef enum {
    K_NONE = 0,
    K_SEKKYOKU_AS_DOUKI,
    K_SEKKYOKU_MEDICATED,
    K_DOUKI_AS_INFO,
    K_DOUKI_MEDICATED,
    K_HIHIMAN_OBESE,
    K_HIHIMAN_NO_RISK,
    K_JUSHIN_NO_DOCTOR_VALUE,
    K_JUSHIN_GUIDANCE_TARGET
} fk__disagree_kind;

static const char *fk__disagree_name(fk__disagree_kind k)
{
    switch (k) {
    case K_SEKKYOKU_AS_DOUKI:
        return "sekkyoku-values-say-douki";
    case K_SEKKYOKU_MEDICATED:
        return "sekkyoku-on-medication";
    case K_DOUKI_AS_INFO:
        return "douki-values-say-no-guidance";
    case K_DOUKI_MEDICATED:
        return "douki-on-medication";
    case K_HIHIMAN_OBESE:
        return "hihiman-obese";
    case K_HIHIMAN_NO_RISK:
        return "hihiman-no-risk";
    case K_JUSHIN_NO_DOCTOR_VALUE:
        return "jushin-no-doctor-value";
    case K_JUSHIN_GUIDANCE_TARGET:
        return "jushin-guidance-target";
    default:
        return "none";
    }
}

static void fk__random_medication(fk__rng *r, fk__profile *p)
{
    do {
        p->med_bp = fk__chance(r, 60);
        p->med_glucose = fk__chance(r, 30);
        p->med_lipid = fk__chance(r, 40);
    } while (!p->med_bp && !p->med_glucose && !p->med_lipid);
}

static unsigned fk__pick_doctor_item(fk__rng *r, bool risks_allowed)
{
    static const unsigned any[] = {D_BP,      D_BP,    D_TG,  D_LDL,  D_LDL, D_GLUCOSE,
                                   D_GLUCOSE, D_LIVER, D_GGT, D_EGFR, D_HB,  D_PROTEIN};
    static const unsigned other[] = {D_LDL, D_LDL, D_LIVER, D_GGT, D_EGFR, D_HB, D_PROTEIN};
    if (risks_allowed)
        return any[fk__below(r, sizeof any / sizeof any[0])];
    return other[fk__below(r, sizeof other / sizeof other[0])];
}

/* A 受診勧奨通知 profile: medicated, or a 情報提供 level (no bp/lipid/glucose risk) with a
 * doctor-visit value in an item that is not a risk. */
static void fk__jushin_profile(fk__rng *r, fk__profile *p)
{
    static const int step1_pick[] = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2};
    p->step1 = step1_pick[fk__below(r, 10)];
    p->smoker = fk__chance(r, 20);
    if (fk__chance(r, 75)) {
        fk__random_medication(r, p);
        p->bp = fk__chance(r, 45);
        p->lipid = fk__chance(r, 35);
        p->glucose = fk__chance(r, 35);
        p->doctor = fk__pick_doctor_item(r, true);
        if (fk__chance(r, 30))
            p->doctor |= fk__pick_doctor_item(r, true);
        p->bp = p->bp || (p->doctor & D_BP) != 0;
        p->lipid = p->lipid || (p->doctor & D_TG) != 0;
        p->glucose = p->glucose || (p->doctor & D_GLUCOSE) != 0;
    } else {
        p->doctor = fk__pick_doctor_item(r, false);
    }
}

static void fk__guidance_profile(fk__rng *r, fk_category cat, int age, fk__profile *p)
{
    p->incidental = true;
    for (;;) {
        if (cat == FK_CAT_HIHIMAN)
            p->step1 = 0;
        else
            p->step1 = fk__chance(r, cat == FK_CAT_SEKKYOKU ? 70 : 62) ? 1 : 2;
        int pr = cat == FK_CAT_SEKKYOKU ? 65 : 40;
        p->bp = fk__chance(r, pr);
        p->lipid = fk__chance(r, pr);
        p->glucose = fk__chance(r, pr);
        p->smoker = fk__chance(r, cat == FK_CAT_SEKKYOKU ? 35 : 22);
        int level =
            fk__raw_level(p->step1, fk__count_risks(p->bp, p->lipid, p->glucose, p->smoker));
        if (cat == FK_CAT_SEKKYOKU && level == FK__SEKKYOKU)
            return;
        if (cat == FK_CAT_DOUKI && (level == FK__DOUKI || (level == FK__SEKKYOKU && age >= 65)))
            return;
        if (cat == FK_CAT_HIHIMAN && (p->bp || p->lipid || p->glucose))
            return;
    }
}

static void fk__choose_profile(fk__rng *r, fk_category cat, int age, fk__disagree_kind k,
                               fk__profile *p)
{
    memset(p, 0, sizeof *p);
    switch (k) {
    case K_NONE:
        if (cat == FK_CAT_JUSHIN)
            fk__jushin_profile(r, p);
        else
            fk__guidance_profile(r, cat, age, p);
        return;
    case K_SEKKYOKU_AS_DOUKI:
        fk__guidance_profile(r, FK_CAT_DOUKI, /*age*/ 40, p);
        return;
    case K_SEKKYOKU_MEDICATED:
        fk__guidance_profile(r, FK_CAT_SEKKYOKU, age, p);
        fk__random_medication(r, p);
        return;
    case K_DOUKI_AS_INFO:
        p->step1 = fk__chance(r, 60) ? 1 : 2;
        p->smoker = fk__chance(r, 30);
        return;
    case K_DOUKI_MEDICATED:
        fk__guidance_profile(r, FK_CAT_DOUKI, age, p);
        fk__random_medication(r, p);
        return;
    case K_HIHIMAN_OBESE:
        fk__guidance_profile(r, FK_CAT_HIHIMAN, age, p);
        p->step1 = 1;
        return;
    case K_HIHIMAN_NO_RISK:
        p->smoker = fk__chance(r, 20);
        return;
    case K_JUSHIN_NO_DOCTOR_VALUE:
        fk__random_medication(r, p);
        p->step1 = fk__range(r, 0, 2);
        p->bp = fk__chance(r, 40);
        p->lipid = fk__chance(r, 30);
        p->glucose = fk__chance(r, 30);
        return;
    case K_JUSHIN_GUIDANCE_TARGET:
        fk__guidance_profile(r, FK_CAT_DOUKI, age, p);
        p->incidental = false;
        p->doctor = fk__pick_doctor_item(r, false);
        return;
    }
}

/* Fills the values from a profile, keeping every value clear of the thresholds it must
 * not cross (at least one unit, and 0.3 for BMI, which the export allows to be 0.2 off). */
static void fk__fill_health(fk__rng *r, const fk__profile *p, fk__health *h)
{
    bool male = h->sex == FK_SEX_MALE;
    int cut = male ? 850 : 900;

    h->med_bp = p->med_bp;
    h->med_glucose = p->med_glucose;
    h->med_lipid = p->med_lipid;
    h->smoker = p->smoker;

    int fr = fk__range(r, 0, 99);
    h->fasting = fr < 78 ? FK_FAST_FASTING : fr < 94 ? FK_FAST_CASUAL : FK_FAST_AFTER_MEAL;
    bool lipid_by_tg = p->lipid && (p->doctor & D_TG) == 0 && fk__chance(r, 60);
    if ((p->doctor & (D_LDL | D_TG)) != 0 || lipid_by_tg) {
        if (h->fasting == FK_FAST_AFTER_MEAL)
            h->fasting = FK_FAST_FASTING;
    }

    /* One draw per statement: C leaves the order of operands unspecified, and gcc and
     * clang do pick different orders, which would change the output between compilers. */
    int hd1 = fk__range(r, 0, male ? 120 : 100);
    int hd2 = fk__range(r, 0, male ? 110 : 95);
    h->height10 = (male ? 1590 : 1470) + hd1 + hd2;
    for (;;) {
        int bmi_target;
        if (p->step1 == 1) {
            int w1 = fk__range(r, 0, 90);
            h->waist10 = cut + 10 + w1 + fk__range(r, 0, 90);
            bmi_target = fk__range(r, 235, 320);
        } else if (p->step1 == 2) {
            h->waist10 = cut - 10 - fk__range(r, 0, 80);
            bmi_target = fk__range(r, 254, 305);
        } else {
            int w1 = fk__range(r, 0, 90);
            h->waist10 = cut - 12 - w1 - fk__range(r, 0, 60);
            bmi_target = fk__range(r, 185, 246);
        }
        int64_t h2 = (int64_t)h->height10 * h->height10;
        h->weight10 = (int)(((int64_t)bmi_target * h2 + 500000) / 1000000);
        h->bmi10 = (int)(((int64_t)h->weight10 * 2000000 + h2) / (2 * h2));
        if (p->step1 == 2 && h->bmi10 < 253)
            continue;
        if (p->step1 == 0 && h->bmi10 > 247)
            continue;
        break;
    }

    if ((p->doctor & D_BP) != 0 || (p->bp && p->incidental && fk__chance(r, 25))) {
        h->sbp = fk__range(r, 142, 172);
        h->dbp = fk__range(r, 76, 99);
    } else if (p->bp) {
        if (fk__chance(r, 70)) {
            h->sbp = fk__range(r, 132, 138);
            h->dbp = fk__range(r, 68, 83);
        } else {
            h->dbp = fk__range(r, 86, 88);
            h->sbp = fk__range(r, 118, 138);
        }
    } else {
        h->sbp = fk__range(r, 98, 127);
        h->dbp = fk__range(r, 56, 82);
    }
    if (h->dbp > h->sbp - 22)
        h->dbp = h->sbp - 22;

    h->hdl = male ? fk__range(r, 42, 80) : fk__range(r, 46, 92);
    if ((p->doctor & D_TG) != 0)
        h->tg = fk__range(r, 310, 520);
    else if (lipid_by_tg)
        h->tg = h->fasting == FK_FAST_FASTING ? fk__range(r, 155, 290) : fk__range(r, 180, 290);
    else
        h->tg = fk__range(r, 42, 145);
    if (p->lipid && !lipid_by_tg && (p->doctor & D_TG) == 0)
        h->hdl = fk__range(r, 28, 38);

    bool non_hdl_judged = h->tg >= 400 || h->fasting == FK_FAST_AFTER_MEAL;
    if (non_hdl_judged) {
        h->ldl = -1;
        h->non_hdl = (p->doctor & D_LDL) != 0 ? fk__range(r, 175, 230) : fk__range(r, 110, 165);
    } else {
        if ((p->doctor & D_LDL) != 0 || (p->incidental && fk__chance(r, 12))) {
            h->ldl = fk__range(r, 142, 195);
        } else {
            int hi = 165 - h->tg / 5 - 7;
            if (hi > 136)
                hi = 136;
            h->ldl = fk__range(r, hi - 50 > 55 ? hi - 50 : 55, hi);
        }
        h->non_hdl = fk__chance(r, 40) ? h->ldl + h->tg / 5 + fk__range(r, 0, 6) : -1;
    }

    bool hba1c = h->fasting != FK_FAST_FASTING || fk__chance(r, 90);
    bool glucose = !hba1c || fk__chance(r, 85);
    h->hba1c10 = -1;
    h->glucose = -1;
    if ((p->doctor & D_GLUCOSE) != 0) {
        if (hba1c)
            h->hba1c10 = fk__range(r, 66, 88);
        if (glucose)
            h->glucose = hba1c ? fk__range(r, 110, 190) : fk__range(r, 130, 190);
    } else if (p->glucose) {
        if (hba1c && (!glucose || h->fasting != FK_FAST_FASTING || fk__chance(r, 70))) {
            h->hba1c10 = fk__range(r, 57, 64);
            if (glucose)
                h->glucose = fk__range(r, 85, 124);
        } else {
            if (hba1c)
                h->hba1c10 = fk__range(r, 50, 55);
            h->glucose = fk__range(r, 101, 124);
        }
    } else {
        if (hba1c)
            h->hba1c10 = fk__range(r, 48, 54);
        if (glucose)
            h->glucose = fk__range(r, 76, 98);
    }

    h->ast = fk__range(r, 14, 30);
    h->alt = fk__range(r, 8, 30);
    if (p->incidental && fk__chance(r, 8))
        h->alt = fk__range(r, 31, 45);
    if ((p->doctor & D_LIVER) != 0) {
        int which = fk__range(r, 0, 2);
        if (which != 1)
            h->ast = fk__range(r, 52, 110);
        if (which != 0)
            h->alt = fk__range(r, 55, 140);
    }
    h->ggt = (p->doctor & D_GGT) != 0 ? fk__range(r, 105, 260)
             : male                   ? fk__range(r, 15, 90)
                                      : fk__range(r, 10, 48);

    h->egfr = -1;
    h->creatinine100 = -1;
    if ((p->doctor & D_EGFR) != 0 || fk__chance(r, 75)) {
        if ((p->doctor & D_EGFR) != 0)
            h->egfr = fk__range(r, 30, 43);
        else
            h->egfr = fk__chance(r, 12) ? fk__range(r, 47, 59) : fk__range(r, 61, 98);
        if (fk__chance(r, 90)) {
            /* Japanese eGFR = 194 × Cr^−1.094 × age^−0.287 (× 0.739 women), inverted with
             * Cr^−1.094 ≈ 1/Cr and age^−0.287 linearised over 40–74: close enough for a
             * sample, and integer-only so every machine writes the same digits. */
            int64_t a = 34700 - (int64_t)(h->age - 40) * 165;
            int64_t k = 194 * a * (male ? 1000 : 739);
            h->creatinine100 = (int)((k / 100000 + (int64_t)h->egfr * 5) / (h->egfr * 10));
        }
    }

    h->hb10 = -1;
    if ((p->doctor & D_HB) != 0)
        h->hb10 = male ? fk__range(r, 98, 118) : fk__range(r, 88, 108);
    else if (fk__chance(r, 70))
        h->hb10 = male ? fk__range(r, 135, 166) : fk__range(r, 123, 148);

    if ((p->doctor & D_PROTEIN) != 0)
        h->urine_protein = fk__chance(r, 70) ? FK_URINE_1P : FK_URINE_2P;
    else
        h->urine_protein = fk__chance(r, 85) ? FK_URINE_NEG : FK_URINE_TRACE;
    h->urine_glucose = FK_URINE_NEG;
    if (h->hba1c10 >= 70 && fk__chance(r, 50))
        h->urine_glucose = fk__chance(r, 60) ? FK_URINE_1P : FK_URINE_2P;
    else if (fk__chance(r, 3))
        h->urine_glucose = FK_URINE_TRACE;
}

/* ---- Formatting ---- */

static const char *const fk__fw_digits[10] = {"０", "１", "２", "３", "４",
                                              "５", "６", "７", "８", "９"};

/* Writes s into out with its ASCII digits made full-width ('-' becomes '－'). */
static void fk__to_fullwidth(const char *s, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (; *s != '\0'; s++) {
        const char *piece;
        char one[2] = {*s, '\0'};
        if (*s >= '0' && *s <= '9')
            piece = fk__fw_digits[*s - '0'];
        else if (*s == '-')
            piece = "－";
        else
            piece = one;
        size_t len = strlen(piece);
        if (n + len + 1 > size)
            return;
        memcpy(out + n, piece, len + 1);
        n += len;
    }
}

static void fk__fmt_tenths(int v, char *out, size_t size)
{
    snprintf(out, size, "%d.%d", v / 10, v % 10);
}

static void fk__fmt_int(int v, char *out, size_t size)
{
    if (v < 0)
        out[0] = '\0';
    else
        snprintf(out, size, "%d", v);
}

static void fk__fmt_opt_tenths(int v, char *out, size_t size)
{
    if (v < 0)
        out[0] = '\0';
    else
        fk__fmt_tenths(v, out, size);
}

static const char fk__era_letters[] = " MTSHR";

/* Writes d in one of the forms ward-export.md accepts; `form` picks which. */
static void fk__fmt_date(fk_date d, int form, char *out, size_t size)
{
    fk_era era = FK_ERA_SHOWA;
    int ey = 0;
    if (form >= 3 && !fk_date_to_era(d, &era, &ey))
        form = 0;
    switch (form) {
    case 0:
        fk_date_format_iso(d, out, size);
        break;
    case 1:
        snprintf(out, size, "%d/%d/%d", d.year, d.month, d.day);
        break;
    case 2:
        snprintf(out, size, "%04d%02d%02d", d.year, d.month, d.day);
        break;
    case 3:
        if (!fk_date_format_wareki(d, out, size))
            fk_date_format_iso(d, out, size);
        break;
    case 4:
        snprintf(out, size, "%c%d.%d.%d", fk__era_letters[era], ey, d.month, d.day);
        break;
    default:
        snprintf(out, size, "%d%02d%02d%02d", (int)era, ey, d.month, d.day);
        break;
    }
}

static int fk__pick_form(fk__rng *r, const int weights[6])
{
    int total = 0;
    for (int i = 0; i < 6; i++)
        total += weights[i];
    int x = fk__range(r, 0, total - 1);
    for (int i = 0; i < 6; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    return 0;
}

static const fk__name *fk__pick_name(fk__rng *r, const fk__name *names, size_t n, bool cp932)
{
    int total = 0;
    for (size_t i = 0; i < n; i++)
        if (!(cp932 && names[i].utf8_only))
            total += names[i].weight;
    int x = fk__range(r, 0, total - 1);
    for (size_t i = 0; i < n; i++) {
        if (cp932 && names[i].utf8_only)
            continue;
        if (x < names[i].weight)
            return &names[i];
        x -= names[i].weight;
    }
    return &names[0];
}

static const char *const fk__kanji_numerals[] = {"〇", "一", "二", "三", "四",
                                                 "五", "六", "七", "八", "九"};

static void fk__fmt_address(fk__rng *r, const fk__town *t, char *out, size_t size)
{
    const char *prefix = fk__chance(r, 60) ? "東京都新宿区" : "新宿区";
    int chome = t->max_chome > 0 ? fk__range(r, 1, t->max_chome) : 0;
    int banchi = fk__range(r, 1, t->max_banchi);
    int go = fk__range(r, 1, 28);
    bool has_go = fk__chance(r, 85);
    int style = fk__range(r, 0, 99);
    char tail[96];
    char digits[64];
    if (style < 35 && chome > 0) {
        if (has_go)
            snprintf(tail, sizeof tail, "%s丁目%d番%d号", fk__kanji_numerals[chome], banchi, go);
        else
            snprintf(tail, sizeof tail, "%s丁目%d番", fk__kanji_numerals[chome], banchi);
    } else if (style < 35) {
        if (has_go)
            snprintf(tail, sizeof tail, "%d番%d号", banchi, go);
        else
            snprintf(tail, sizeof tail, "%d番地", banchi);
    } else if (style < 45 && chome > 0) {
        snprintf(tail, sizeof tail, "%d丁目%d-%d", chome, banchi, go);
    } else {
        if (chome > 0 && has_go)
            snprintf(digits, sizeof digits, "%d-%d-%d", chome, banchi, go);
        else if (chome > 0)
            snprintf(digits, sizeof digits, "%d-%d", chome, banchi);
        else if (has_go)
            snprintf(digits, sizeof digits, "%d-%d", banchi, go);
        else
            snprintf(digits, sizeof digits, "%d", banchi);
        if (style >= 85)
            fk__to_fullwidth(digits, tail, sizeof tail);
        else
            snprintf(tail, sizeof tail, "%s", digits);
    }
    snprintf(out, size, "%s%s%s", prefix, t->name, tail);
}

static void fk__fmt_building(fk__rng *r, bool cp932, char *out, size_t size)
{
    int x = fk__range(r, 0, 999);
    if (x < 450) {
        out[0] = '\0';
        return;
    }
    if (x < 480) {
        /* c/o: the household the resident lives with, under another name. */
        const fk__name *host = fk__pick_name(r, fk__family_names, fk__family_name_count, cp932);
        snprintf(out, size, "%s様方", host->kanji);
        return;
    }
    const char *b = fk__buildings[fk__below(r, fk__building_count)];
    char room[16];
    char room_fw[48];
    int storey = fk__range(r, 1, 12);
    snprintf(room, sizeof room, "%d%02d", storey, fk__range(r, 1, 8));
    const char *rm = room;
    if (fk__chance(r, 10)) {
        fk__to_fullwidth(room, room_fw, sizeof room_fw);
        rm = room_fw;
    }
    if (x < 700)
        snprintf(out, size, "%s%s号室", b, rm);
    else if (x < 900)
        snprintf(out, size, "%s %s", b, rm);
    else if (x < 960)
        snprintf(out, size, "%s%s", b, rm);
    else if (x < 995)
        snprintf(out, size, "%s, %s号室", b, rm);
    else
        snprintf(out, size, "ビラ\"%s\" %s", b, rm);
}

/* ---- Identifiers: bijections of the row index, so they are unique without a table ---- */

#define FK__PID_SPAN    UINT64_C(9000000000)
#define FK__SERIAL_SPAN UINT64_C(100000000)
/* Multipliers near span × 0.618 and coprime to their span, so consecutive rows get
 * numbers far apart, as a register's would be. */
#define FK__PID_MULT    UINT64_C(5562305309)
#define FK__SERIAL_MULT UINT64_C(61803399)

typedef struct fk__ids {
    uint64_t pid_offset;
    uint64_t ticket_offset;
    uint64_t voucher_offset;
    int yy;
} fk__ids;

static uint64_t fk__pid(const fk__ids *ids, size_t i)
{
    return UINT64_C(1000000000) + ((uint64_t)i * FK__PID_MULT + ids->pid_offset) % FK__PID_SPAN;
}

static void fk__ticket(const fk__ids *ids, size_t i, char *out, size_t size)
{
    uint64_t serial = ((uint64_t)i * FK__SERIAL_MULT + ids->ticket_offset) % FK__SERIAL_SPAN;
    snprintf(out, size, "%02d1%08" PRIu64, ids->yy, serial);
}

static int fk__voucher_type(fk_category c)
{
    return c == FK_CAT_SEKKYOKU ? 2 : c == FK_CAT_DOUKI ? 3 : c == FK_CAT_HIHIMAN ? 4 : 5;
}

static void fk__voucher(const fk__ids *ids, size_t i, fk_category c, char *out, size_t size)
{
    uint64_t serial = ((uint64_t)i * FK__SERIAL_MULT + ids->voucher_offset) % FK__SERIAL_SPAN;
    snprintf(out, size, "%02d%d%08" PRIu64, ids->yy, fk__voucher_type(c), serial);
}

/* ---- One row ---- */

typedef struct fk__gen {
    const fk_sample_options *opt;
    fk__ids ids;
    fk_date exam_first, exam_last, exam_usual_last;
} fk__gen;

static int fk__pick_age(fk__rng *r, fk_category cat)
{
    if (cat == FK_CAT_SEKKYOKU)
        return fk__range(r, 40, 64);
    int a = fk__range(r, 40, 74);
    int b = fk__range(r, 40, 74);
    /* Older residents have more findings: lean the other categories towards them. */
    return cat == FK_CAT_HIHIMAN ? (fk__chance(r, 50) ? a : b) : (a > b ? a : b);
}

static fk_date fk__pick_birth(fk__rng *r, int fy, int age)
{
    int x = fk__range(r, 0, 99);
    int y = fy + 1 - age;
    if (x < 3)
        return (fk_date){y, 4, 1};
    if (x < 5 && fk_date_is_valid(y, 2, 29))
        return (fk_date){y, 2, 29};
    fk_date first = {fy - age, 4, 2};
    fk_date last = {y, 4, 1};
    long d0 = fk_date_to_days(first);
    long span = fk_date_to_days(last) - d0 + 1;
    return fk_date_from_days(d0 + (long)fk__below(r, (uint64_t)span));
}

/* Fields are far shorter than FK__FIELD_MAX; the bound only keeps the copy safe. */
static void fk__set(fk__row *row, int col, const char *s)
{
    size_t n = strlen(s);
    if (n >= FK__FIELD_MAX)
        n = FK__FIELD_MAX - 1;
    memcpy(row->f[col], s, n);
    row->f[col][n] = '\0';
}

static const char *fk__urine_text(fk__rng *r, fk_urine u)
{
    switch (u) {
    case FK_URINE_NEG:
        return fk__chance(r, 50) ? "−" : "-";
    case FK_URINE_TRACE:
        return "±";
    case FK_URINE_1P:
        return fk__chance(r, 80) ? "+" : fk__chance(r, 50) ? "1+" : "＋";
    case FK_URINE_2P:
        return "2+";
    case FK_URINE_3P:
        return "3+";
    default:
        return "4+";
    }
}

/*
 * Draws one well-formed row of category cat (its values disagreeing as kind k says) into
 * row; h receives the values. index numbers the identifiers.
 */
static fk_status fk__make_row(const fk__gen *g, fk__rng *r, size_t index, fk_category cat,
                              fk__disagree_kind k, fk__row *row, fk__health *h, fk_err *err)
{
    const fk_sample_options *opt = g->opt;
    bool cp932 = opt->encoding == FK_SAMPLE_CP932;
    char tmp[FK__FIELD_MAX];
    char tmp2[FK__FIELD_MAX];
    memset(h, 0, sizeof *h);
    row->fields = C_COUNT;

    h->sex = fk__chance(r, 48) ? FK_SEX_MALE : FK_SEX_FEMALE;
    h->age = fk__pick_age(r, cat);
    fk_date birth = fk__pick_birth(r, opt->fiscal_year, h->age);
    /* fk__pick_birth keeps the age; the law's count is still the one written. */
    h->age = fk_date_fiscal_year_end_age(birth, opt->fiscal_year);

    fk__verdict v;
    int tries = 0;
    do {
        if (++tries > 200)
            return fk_failf(err, FK_EINVAL, _("sample: no consistent values for row %zu"), index);
        fk__profile p;
        fk__choose_profile(r, cat, h->age, k, &p);
        fk__fill_health(r, &p, h);
        v = fk__judge(h);
    } while (fk__matches(cat, &v) != (k == K_NONE));

    bool special = cat == FK_CAT_SEKKYOKU || cat == FK_CAT_DOUKI;
    fk__set(row, C_TYPE, special ? "特定保健指導" : fk_category_label(cat));
    fk__set(row, C_LEVEL,
            cat == FK_CAT_SEKKYOKU ? "積極的支援"
            : cat == FK_CAT_DOUKI ? (fk__chance(r, 10) ? "動機づけ支援" : "動機付け支援")
                                  : "");

    snprintf(tmp, sizeof tmp, "%" PRIu64, fk__pid(&g->ids, index));
    if (fk__chance(r, 3))
        fk__to_fullwidth(tmp, row->f[C_PID], FK__FIELD_MAX);
    else
        fk__set(row, C_PID, tmp);

    const fk__name *fam = fk__pick_name(r, fk__family_names, fk__family_name_count, cp932);
    const fk__name *given = h->sex == FK_SEX_MALE
                                ? fk__pick_name(r, fk__male_names, fk__male_name_count, cp932)
                                : fk__pick_name(r, fk__female_names, fk__female_name_count, cp932);
    snprintf(row->f[C_NAME], FK__FIELD_MAX, "%s%s%s", fam->kanji, fk__chance(r, 70) ? "　" : " ",
             given->kanji);
    snprintf(row->f[C_KANA], FK__FIELD_MAX, "%s%s%s", fam->kana, fk__chance(r, 80) ? "　" : " ",
             given->kana);

    static const int birth_forms[6] = {30, 20, 15, 15, 10, 10};
    int form = fk__pick_form(r, birth_forms);
    fk__fmt_date(birth, form, tmp, sizeof tmp);
    if (form == 2 && fk__chance(r, 10))
        fk__to_fullwidth(tmp, row->f[C_BIRTH], FK__FIELD_MAX);
    else
        fk__set(row, C_BIRTH, tmp);

    bool kanji_sex = fk__chance(r, 40);
    fk__set(row, C_SEX,
            h->sex == FK_SEX_MALE ? (kanji_sex ? "男" : "1") : (kanji_sex ? "女" : "2"));
    snprintf(row->f[C_AGE], FK__FIELD_MAX, "%d", h->age);

    const fk__town *t = &fk__towns[fk__below(r, fk__town_count)];
    int pf = fk__range(r, 0, 99);
    snprintf(tmp, sizeof tmp, "%.3s-%s", t->postal, t->postal + 3);
    if (pf < 60)
        fk__set(row, C_POSTAL, tmp);
    else if (pf < 92)
        fk__set(row, C_POSTAL, t->postal);
    else
        fk__to_fullwidth(tmp, row->f[C_POSTAL], FK__FIELD_MAX);
    fk__fmt_address(r, t, row->f[C_ADDR], FK__FIELD_MAX);
    fk__fmt_building(r, cp932, row->f[C_BUILDING], FK__FIELD_MAX);

    int sym = fk__range(r, 0, 99);
    if (sym < 50)
        snprintf(row->f[C_INS_SYMBOL], FK__FIELD_MAX, "新宿%02d", fk__range(r, 1, 40));
    else if (sym < 85)
        snprintf(row->f[C_INS_SYMBOL], FK__FIELD_MAX, "%04d", fk__range(r, 1301, 1399));
    else {
        int s1 = fk__range(r, 10, 30);
        snprintf(tmp, sizeof tmp, "%02d-%02d", s1, fk__range(r, 1, 99));
        fk__to_fullwidth(tmp, row->f[C_INS_SYMBOL], FK__FIELD_MAX);
    }
    snprintf(tmp, sizeof tmp, "%07d", fk__range(r, 1, 9999999));
    if (fk__chance(r, 4))
        fk__to_fullwidth(tmp, row->f[C_INS_NUMBER], FK__FIELD_MAX);
    else
        fk__set(row, C_INS_NUMBER, tmp);
    if (fk__chance(r, 80))
        snprintf(row->f[C_INS_BRANCH], FK__FIELD_MAX, "%02d", fk__range(r, 0, 3));
    else
        row->f[C_INS_BRANCH][0] = '\0';

    fk__ticket(&g->ids, index, row->f[C_TICKET], FK__FIELD_MAX);
    fk_date exam_last = fk__chance(r, 90) ? g->exam_usual_last : g->exam_last;
    long e0 = fk_date_to_days(g->exam_first);
    fk_date exam =
        fk_date_from_days(e0 + (long)fk__below(r, (uint64_t)(fk_date_to_days(exam_last) - e0 + 1)));
    static const int exam_forms[6] = {45, 25, 12, 8, 6, 4};
    fk__fmt_date(exam, fk__pick_form(r, exam_forms), row->f[C_EXAM_DATE], FK__FIELD_MAX);
    if (cat == FK_CAT_JUSHIN)
        row->f[C_VOUCHER][0] = '\0';
    else
        fk__voucher(&g->ids, index, cat, row->f[C_VOUCHER], FK__FIELD_MAX);

    fk__fmt_tenths(h->height10, tmp, sizeof tmp);
    if (fk__chance(r, 1)) {
        fk__to_fullwidth(tmp, tmp2, sizeof tmp2);
        fk__set(row, C_HEIGHT, tmp2);
    } else {
        fk__set(row, C_HEIGHT, tmp);
    }
    fk__fmt_tenths(h->weight10, row->f[C_WEIGHT], FK__FIELD_MAX);
    fk__fmt_tenths(h->bmi10, row->f[C_BMI], FK__FIELD_MAX);
    fk__fmt_tenths(h->waist10, row->f[C_WAIST], FK__FIELD_MAX);
    fk__fmt_int(h->sbp, row->f[C_SBP], FK__FIELD_MAX);
    fk__fmt_int(h->dbp, row->f[C_DBP], FK__FIELD_MAX);
    fk__set(row, C_FASTING,
            h->fasting == FK_FAST_FASTING  ? "空腹時"
            : h->fasting == FK_FAST_CASUAL ? "随時"
                                           : "食直後");
    fk__fmt_int(h->tg, row->f[C_TG], FK__FIELD_MAX);
    fk__fmt_int(h->hdl, row->f[C_HDL], FK__FIELD_MAX);
    fk__fmt_int(h->ldl, row->f[C_LDL], FK__FIELD_MAX);
    fk__fmt_int(h->non_hdl, row->f[C_NON_HDL], FK__FIELD_MAX);
    fk__fmt_int(h->ast, row->f[C_AST], FK__FIELD_MAX);
    fk__fmt_int(h->alt, row->f[C_ALT], FK__FIELD_MAX);
    fk__fmt_int(h->ggt, row->f[C_GGT], FK__FIELD_MAX);
    fk__fmt_int(h->glucose, row->f[C_GLUCOSE], FK__FIELD_MAX);
    fk__fmt_opt_tenths(h->hba1c10, row->f[C_HBA1C], FK__FIELD_MAX);
    fk__set(row, C_URINE_GLUCOSE, fk__urine_text(r, h->urine_glucose));
    fk__set(row, C_URINE_PROTEIN, fk__urine_text(r, h->urine_protein));
    fk__fmt_opt_tenths(h->hb10, row->f[C_HB], FK__FIELD_MAX);
    if (h->creatinine100 < 0)
        row->f[C_CREATININE][0] = '\0';
    else
        snprintf(row->f[C_CREATININE], FK__FIELD_MAX, "%d.%02d", h->creatinine100 / 100,
                 h->creatinine100 % 100);
    fk__fmt_int(h->egfr, row->f[C_EGFR], FK__FIELD_MAX);

    bool words = fk__chance(r, 60);
    const char *yes = words ? "はい" : "1";
    const char *no = words ? "いいえ" : "2";
    fk__set(row, C_SMOKING, h->smoker ? yes : no);
    fk__set(row, C_MED_BP, h->med_bp ? yes : no);
    fk__set(row, C_MED_GLUCOSE, h->med_glucose ? yes : no);
    fk__set(row, C_MED_LIPID, h->med_lipid ? yes : no);
    return FK_OK;
}

/* ---- Planted malformed rows: each breaks exactly one rule of ward-export.md ---- */

typedef enum {
    X_BAD_DATE,
    X_IMPOSSIBLE_DATE,
    X_ERA_OUT_OF_RANGE,
    X_WRONG_AGE,
    X_BAD_POSTAL,
    X_SHORT_VOUCHER,
    X_DUP_RESIDENT,
    X_DUP_VOUCHER,
    X_MISSING_FIELD,
    X_UNKNOWN_CATEGORY,
    X_MISSING_LEVEL,
    X_VOUCHER_FOR_JUSHIN,
    X_BMI_MISMATCH,
    X_SYSTOLIC_NOT_ABOVE,
    X_OUT_OF_RANGE,
    X_BAD_NUMBER,
    X_FIELD_COUNT,
    X_BAD_URINE,
    X_BAD_SEX,
    X_EXAM_OUTSIDE_YEAR,
    X_NAME_TOO_LONG,
    X_BAD_RESIDENT,
    X_BAD_TICKET,
    X_BAD_FASTING,
    X_BAD_FLAG,
    X_KIND_COUNT
} fk__defect;

static const char *const fk__defect_names[X_KIND_COUNT] = {
    "bad-date",
    "impossible-date",
    "era-out-of-range",
    "wrong-age",
    "bad-postal-code",
    "short-voucher-number",
    "duplicate-resident-number",
    "duplicate-voucher-number",
    "missing-required-field",
    "unknown-category",
    "missing-guidance-level",
    "voucher-for-jushin",
    "bmi-mismatch",
    "systolic-not-above-diastolic",
    "out-of-range-value",
    "bad-number",
    "wrong-field-count",
    "bad-urine-grade",
    "bad-sex",
    "exam-date-outside-year",
    "name-too-long",
    "bad-resident-number",
    "bad-ticket-number",
    "bad-sampling-time",
    "bad-yes-no",
};

/* The category a planted row is built on: some defects need a voucher, some need none. */
static fk_category fk__defect_category(fk__rng *r, fk__defect d)
{
    static const fk_category cats[] = {FK_CAT_SEKKYOKU, FK_CAT_DOUKI, FK_CAT_HIHIMAN,
                                       FK_CAT_HIHIMAN, FK_CAT_JUSHIN};
    switch (d) {
    case X_SHORT_VOUCHER:
    case X_DUP_VOUCHER:
        return cats[fk__below(r, 4)];
    case X_MISSING_LEVEL:
        return fk__chance(r, 50) ? FK_CAT_SEKKYOKU : FK_CAT_DOUKI;
    case X_VOUCHER_FOR_JUSHIN:
        return FK_CAT_JUSHIN;
    default:
        return cats[fk__below(r, 5)];
    }
}

typedef struct fk__layout {
    unsigned char *category; /* per well-formed row, shuffled */
    unsigned char *disagree; /* per well-formed row: 1 if its values disagree */
    unsigned char *planted;  /* per output row: 1 if a planted malformed row */
    size_t count, total;
} fk__layout;

/*
 * Applies defect d to row (built from h); `emitted` well-formed rows precede it. Returns
 * false when the defect needs an earlier row that does not exist.
 */
static bool fk__plant(const fk__gen *g, const fk__layout *lay, fk__rng *r, fk__defect d,
                      size_t index, size_t emitted, const fk__health *h, fk__row *row)
{
    const fk_sample_options *opt = g->opt;
    char tmp[FK__FIELD_MAX + 16];
    switch (d) {
    case X_BAD_DATE:
        fk__set(row, C_BIRTH, fk__chance(r, 50) ? "不詳" : "1960-0x-12");
        break;
    case X_IMPOSSIBLE_DATE:
        snprintf(row->f[C_BIRTH], FK__FIELD_MAX, "%d-%s", opt->fiscal_year + 1 - h->age,
                 fk__chance(r, 50) ? "02-30" : "04-31");
        break;
    case X_ERA_OUT_OF_RANGE:
        fk__set(row, C_BIRTH,
                fk__chance(r, 50) ? "昭和65年1月10日"
                                  : (fk__chance(r, 50) ? "平成元年1月5日" : "S70.5.1"));
        break;
    case X_WRONG_AGE:
        snprintf(row->f[C_AGE], FK__FIELD_MAX, "%d", h->age == 74 ? 73 : h->age + 1);
        break;
    case X_BAD_POSTAL:
        fk__set(row, C_POSTAL, fk__chance(r, 50) ? "160-002" : "16900755");
        break;
    case X_SHORT_VOUCHER:
        row->f[C_VOUCHER][10] = '\0';
        break;
    case X_DUP_RESIDENT:
        if (emitted == 0)
            return false;
        snprintf(row->f[C_PID], FK__FIELD_MAX, "%" PRIu64,
                 fk__pid(&g->ids, (size_t)fk__below(r, emitted)));
        break;
    case X_DUP_VOUCHER: {
        if (emitted == 0)
            return false;
        size_t j = (size_t)fk__below(r, emitted);
        size_t k = j;
        while (lay->category[k] == FK_CAT_JUSHIN) {
            k = k == 0 ? emitted - 1 : k - 1;
            if (k == j)
                return false;
        }
        fk__voucher(&g->ids, k, (fk_category)lay->category[k], row->f[C_VOUCHER], FK__FIELD_MAX);
        break;
    }
    case X_MISSING_FIELD: {
        static const int cols[] = {C_NAME, C_SEX, C_TICKET, C_POSTAL, C_TG, C_ADDR};
        row->f[cols[fk__below(r, sizeof cols / sizeof cols[0])]][0] = '\0';
        break;
    }
    case X_UNKNOWN_CATEGORY:
        fk__set(row, C_TYPE, "特別保健指導");
        break;
    case X_MISSING_LEVEL:
        row->f[C_LEVEL][0] = '\0';
        break;
    case X_VOUCHER_FOR_JUSHIN:
        fk__voucher(&g->ids, index, FK_CAT_JUSHIN, row->f[C_VOUCHER], FK__FIELD_MAX);
        break;
    case X_BMI_MISMATCH:
        fk__fmt_tenths(h->bmi10 + (fk__chance(r, 50) ? 15 : -15), row->f[C_BMI], FK__FIELD_MAX);
        break;
    case X_SYSTOLIC_NOT_ABOVE:
        fk__fmt_int(h->sbp, row->f[C_DBP], FK__FIELD_MAX);
        break;
    case X_OUT_OF_RANGE:
        switch (fk__range(r, 0, 4)) {
        case 0:
            fk__set(row, C_WAIST, "215.0");
            break;
        case 1:
            fk__set(row, C_AST, "5400");
            break;
        case 2:
            fk__set(row, C_TG, "6200");
            break;
        case 3:
            fk__set(row, C_HBA1C, "22.5");
            break;
        default:
            fk__set(row, C_EGFR, "230");
            break;
        }
        break;
    case X_BAD_NUMBER:
        snprintf(tmp, sizeof tmp, "%s.5", row->f[C_WAIST]);
        fk__set(row, C_WAIST, tmp);
        break;
    case X_FIELD_COUNT:
        row->fields = C_COUNT - 1;
        break;
    case X_BAD_URINE: {
        int which = fk__chance(r, 50) ? C_URINE_PROTEIN : C_URINE_GLUCOSE;
        fk__set(row, which, fk__chance(r, 50) ? "5+" : "陽性");
    } break;
    case X_BAD_SEX:
        fk__set(row, C_SEX, "3");
        break;
    case X_EXAM_OUTSIDE_YEAR:
        snprintf(row->f[C_EXAM_DATE], FK__FIELD_MAX, "%d-03-%02d", opt->fiscal_year,
                 fk__range(r, 1, 31));
        break;
    case X_NAME_TOO_LONG:
        snprintf(
            row->f[C_NAME], FK__FIELD_MAX, "%s",
            "長谷川　寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処");
        break;
    case X_BAD_RESIDENT:
        snprintf(row->f[C_PID], FK__FIELD_MAX, "%" PRIu64 "%06d", fk__pid(&g->ids, index),
                 fk__range(r, 0, 999999));
        break;
    case X_BAD_TICKET:
        snprintf(tmp, sizeof tmp, "%s7", row->f[C_TICKET]);
        fk__set(row, C_TICKET, tmp);
        break;
    case X_BAD_FASTING:
        fk__set(row, C_FASTING, "朝食後");
        break;
    case X_BAD_FLAG:
        fk__set(row, C_SMOKING, "時々");
        break;
    case X_KIND_COUNT:
        break;
    }
    return true;
}

/* ---- Output ---- */

typedef struct fk__out {
    FILE *fp;
    iconv_t cd; /* (iconv_t)-1 for UTF-8 output */
    fk_buf line;
    char *conv;
    size_t conv_cap;
    const char *eol;
    size_t lines; /* physical lines written */
} fk__out;

static bool fk__needs_quotes(const char *s)
{
    return strpbrk(s, ",\"\r\n") != NULL;
}

static fk_status fk__append_field(fk_buf *b, const char *s, bool quote)
{
    fk_status st;
    if (!quote && !fk__needs_quotes(s))
        return fk_buf_append_str(b, s);
    if ((st = fk_buf_append_byte(b, '"')) != FK_OK)
        return st;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '"' && (st = fk_buf_append_byte(b, '"')) != FK_OK)
            return st;
        if ((st = fk_buf_append_byte(b, (unsigned char)*p)) != FK_OK)
            return st;
    }
    return fk_buf_append_byte(b, '"');
}

static fk_status fk__emit_line(fk__out *o, fk_err *err)
{
    fk_status st = fk_buf_append_str(&o->line, o->eol);
    if (st != FK_OK)
        return fk_failf(err, st, _("sample: row too long"));
    for (size_t i = 0; i < o->line.len; i++)
        if (o->line.data[i] == '\n')
            o->lines++;
    const char *data = o->line.data;
    size_t len = o->line.len;
    if (o->cd != (iconv_t)-1) {
        /* CP932 never needs more bytes than UTF-8 for the same text. */
        if (o->conv_cap < len) {
            char *p = fk_realloc(o->conv, len);
            if (p == NULL)
                return fk_failf(err, FK_ENOMEM, _("sample: out of memory"));
            o->conv = p;
            o->conv_cap = len;
        }
        char *in = o->line.data;
        size_t in_left = len;
        char *outp = o->conv;
        size_t out_left = o->conv_cap;
        if (iconv(o->cd, &in, &in_left, &outp, &out_left) == (size_t)-1)
            return fk_failf(err, FK_EINVAL, _("sample: a character has no CP932 form (line %zu)"),
                            o->lines);
        data = o->conv;
        len = o->conv_cap - out_left;
    }
    if (len > 0 && fwrite(data, 1, len, o->fp) != len)
        return fk_failf(err, FK_EIO, _("sample: write failed: %s"), strerror(errno));
    fk_buf_reset(&o->line);
    return FK_OK;
}

static fk_status fk__emit_row(fk__out *o, fk__rng *r, const fk__row *row, fk_err *err)
{
    for (int c = 0; c < row->fields; c++) {
        fk_status st;
        /* Spreadsheets quote some text cells whether or not they must. */
        bool quote = (c == C_NAME || c == C_ADDR || c == C_BUILDING) && fk__chance(r, 4);
        if ((c > 0 && (st = fk_buf_append_byte(&o->line, ',')) != FK_OK) ||
            (st = fk__append_field(&o->line, row->f[c], quote)) != FK_OK)
            return fk_failf(err, st, _("sample: row too long"));
    }
    return fk__emit_line(o, err);
}

static fk_status fk__report(fk_buf *rep, size_t line, const char *kind, fk_err *err)
{
    if (rep == NULL)
        return FK_OK;
    fk_status st = fk_buf_appendf(rep, "%zu\t%s\n", line, kind);
    if (st != FK_OK)
        return fk_failf(err, st, _("sample: report too long"));
    return FK_OK;
}

void fk_sample_options_init(fk_sample_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->seed = 1;
    opt->encoding = FK_SAMPLE_CP932;
    opt->fiscal_year = 2025;
    opt->today = fk_date_today();
    opt->crlf = true;
}

void fk_sample_split(size_t count, size_t out[5])
{
    static const size_t seed[5] = {FK_SAMPLE_SEKKYOKU, FK_SAMPLE_DOUKI, FK_SAMPLE_HIHIMAN, 0,
                                   FK_SAMPLE_JUSHIN};
    size_t total = 0;
    for (int c = 0; c < 5; c++)
        total += seed[c];
    size_t given = 0;
    size_t rem[5];
    for (int c = 0; c < 5; c++) {
        /* count ≤ FK_SAMPLE_MAX_ROWS, so count × 2,387 fits in 64 bits. */
        uint64_t q = (uint64_t)count * seed[c];
        out[c] = (size_t)(q / total);
        rem[c] = (size_t)(q % total);
        given += out[c];
    }
    while (given < count) {
        int best = 0;
        for (int c = 1; c < 5; c++)
            if (rem[c] > rem[best])
                best = c;
        out[best]++;
        rem[best] = 0;
        given++;
    }
}

/* Picks k of n slots (Knuth's selection sampling), marking them in flags. */
static void fk__select(fk__rng *r, unsigned char *flags, size_t n, size_t k)
{
    for (size_t i = 0; i < n && k > 0; i++) {
        if (fk__below(r, n - i) < k) {
            flags[i] = 1;
            k--;
        }
    }
}

static fk__disagree_kind fk__pick_disagree(fk__rng *r, fk_category c)
{
    bool first = fk__chance(r, 60);
    switch (c) {
    case FK_CAT_SEKKYOKU:
        return first ? K_SEKKYOKU_AS_DOUKI : K_SEKKYOKU_MEDICATED;
    case FK_CAT_DOUKI:
        return first ? K_DOUKI_AS_INFO : K_DOUKI_MEDICATED;
    case FK_CAT_HIHIMAN:
        return first ? K_HIHIMAN_OBESE : K_HIHIMAN_NO_RISK;
    default:
        return first ? K_JUSHIN_NO_DOCTOR_VALUE : K_JUSHIN_GUIDANCE_TARGET;
    }
}

static fk_status fk__check_options(const fk_sample_options *opt, fk__gen *g, fk_err *err)
{
    size_t count = opt->count == 0
                       ? FK_SAMPLE_SEKKYOKU + FK_SAMPLE_DOUKI + FK_SAMPLE_HIHIMAN + FK_SAMPLE_JUSHIN
                       : opt->count;
    if (count > FK_SAMPLE_MAX_ROWS || opt->dirty > FK_SAMPLE_MAX_ROWS - count)
        return fk_failf(err, FK_EINVAL, _("sample: at most %u rows"), FK_SAMPLE_MAX_ROWS);
    if (opt->disagree > count)
        return fk_failf(err, FK_EINVAL, _("sample: --disagree exceeds the number of rows"));
    if (opt->bom && opt->encoding != FK_SAMPLE_UTF8)
        return fk_failf(err, FK_EINVAL, _("sample: a byte order mark needs UTF-8 output"));
    if (opt->fiscal_year < 2000 || opt->fiscal_year > 2099)
        return fk_failf(err, FK_EINVAL, _("sample: fiscal year must be 2000–2099"));
    if (!fk_date_is_valid(opt->today.year, opt->today.month, opt->today.day))
        return fk_failf(err, FK_EINVAL, _("sample: invalid export date"));
    g->exam_first = (fk_date){opt->fiscal_year, 4, 1};
    g->exam_last = (fk_date){opt->fiscal_year + 1, 3, 31};
    g->exam_usual_last = (fk_date){opt->fiscal_year, 12, 27};
    if (fk_date_cmp(opt->today, g->exam_first) < 0)
        return fk_failf(err, FK_EINVAL, _("sample: fiscal year %d starts after the export date"),
                        opt->fiscal_year);
    if (fk_date_cmp(opt->today, g->exam_last) < 0)
        g->exam_last = opt->today;
    if (fk_date_cmp(g->exam_last, g->exam_usual_last) < 0)
        g->exam_usual_last = g->exam_last;
    return FK_OK;
}

static fk_status fk__write_rows(fk__out *o, const fk__gen *g, const fk__layout *lay,
                                fk_buf *dirty_report, fk_buf *disagree_report,
                                fk_sample_progress_fn progress, void *progress_ctx, fk_err *err)
{
    const fk_sample_options *opt = g->opt;
    fk__rng layout_rng;
    fk__rng_seed(&layout_rng, opt->seed, UINT64_C(0xFFFFFFFFFFFFFFFF));
    fk__defect order[X_KIND_COUNT];
    for (int i = 0; i < X_KIND_COUNT; i++)
        order[i] = (fk__defect)i;
    for (int i = X_KIND_COUNT - 1; i > 0; i--) {
        int j = (int)fk__below(&layout_rng, (uint64_t)i + 1);
        fk__defect t = order[i];
        order[i] = order[j];
        order[j] = t;
    }

    fk__row *row = fk_malloc(sizeof *row);
    if (row == NULL)
        return fk_failf(err, FK_ENOMEM, _("sample: out of memory"));
    fk_status st = FK_OK;
    size_t emitted = 0, planted = 0;
    for (size_t slot = 0; slot < lay->total && st == FK_OK; slot++) {
        fk__health h;
        fk__rng r;
        size_t line = o->lines + 1;
        if (!lay->planted[slot]) {
            fk__rng_seed(&r, opt->seed, emitted);
            fk_category cat = (fk_category)lay->category[emitted];
            fk__disagree_kind k = lay->disagree[emitted] ? fk__pick_disagree(&r, cat) : K_NONE;
            st = fk__make_row(g, &r, emitted, cat, k, row, &h, err);
            if (st == FK_OK && k != K_NONE)
                st = fk__report(disagree_report, line, fk__disagree_name(k), err);
            emitted++;
        } else {
            size_t index = lay->count + planted;
            fk__rng_seed(&r, opt->seed, index);
            fk__defect d = order[planted % X_KIND_COUNT];
            if ((d == X_DUP_RESIDENT || d == X_DUP_VOUCHER) && emitted == 0)
                d = X_UNKNOWN_CATEGORY;
            st = fk__make_row(g, &r, index, fk__defect_category(&r, d), K_NONE, row, &h, err);
            if (st == FK_OK && !fk__plant(g, lay, &r, d, index, emitted, &h, row)) {
                d = X_UNKNOWN_CATEGORY;
                st = fk__plant(g, lay, &r, d, index, emitted, &h, row)
                         ? FK_OK
                         : fk_failf(err, FK_EINVAL, _("sample: cannot plant row %zu"), index);
            }
            if (st == FK_OK)
                st = fk__report(dirty_report, line, fk__defect_names[d], err);
            planted++;
        }
        if (st == FK_OK)
            st = fk__emit_row(o, &r, row, err);
        if (progress != NULL && (slot % 4096 == 4095 || slot + 1 == lay->total))
            progress(progress_ctx, slot + 1, lay->total);
    }
    fk_free(row);
    return st;
}

fk_status fk_sample_write(FILE *out, const fk_sample_options *opt, fk_buf *dirty_report,
                          fk_buf *disagree_report, fk_sample_progress_fn progress,
                          void *progress_ctx, fk_err *err)
{
    fk__gen g = {.opt = opt};
    fk_status st = fk__check_options(opt, &g, err);
    if (st != FK_OK)
        return st;

    size_t split[5];
    fk_sample_split(opt->count, split);
    fk__layout lay = {0};
    lay.count = opt->count;
    if (opt->count == 0) {
        split[FK_CAT_SEKKYOKU] = FK_SAMPLE_SEKKYOKU;
        split[FK_CAT_DOUKI] = FK_SAMPLE_DOUKI;
        split[FK_CAT_HIHIMAN] = FK_SAMPLE_HIHIMAN;
        split[FK_CAT_KENKO] = 0;
        split[FK_CAT_JUSHIN] = FK_SAMPLE_JUSHIN;
        lay.count = FK_SAMPLE_SEKKYOKU + FK_SAMPLE_DOUKI + FK_SAMPLE_HIHIMAN + FK_SAMPLE_JUSHIN;
    }
    lay.total = lay.count + opt->dirty;

    fk__rng layout_rng;
    fk__rng_seed(&layout_rng, opt->seed, UINT64_C(0xFFFFFFFFFFFFFFFE));
    fk__ids *ids = &g.ids;
    ids->pid_offset = fk__below(&layout_rng, FK__PID_SPAN);
    ids->ticket_offset = fk__below(&layout_rng, FK__SERIAL_SPAN);
    ids->voucher_offset = fk__below(&layout_rng, FK__SERIAL_SPAN);
    ids->yy = opt->fiscal_year % 100;

    fk__out o = {.fp = out, .cd = (iconv_t)-1, .eol = opt->crlf ? "\r\n" : "\n"};
    fk_buf_init(&o.line, 64 * 1024);
    lay.category = fk_calloc(lay.count + 1, 1);
    lay.disagree = fk_calloc(lay.count + 1, 1);
    lay.planted = fk_calloc(lay.total + 1, 1);
    if (lay.category == NULL || lay.disagree == NULL || lay.planted == NULL) {
        st = fk_failf(err, FK_ENOMEM, _("sample: out of memory"));
        goto done;
    }
    size_t at = 0;
    for (int c = 0; c < 5; c++)
        for (size_t i = 0; i < split[c]; i++)
            lay.category[at++] = (unsigned char)c;
    for (size_t i = lay.count; i > 1; i--) {
        size_t j = (size_t)fk__below(&layout_rng, i);
        unsigned char t = lay.category[i - 1];
        lay.category[i - 1] = lay.category[j];
        lay.category[j] = t;
    }
    fk__select(&layout_rng, lay.disagree, lay.count, opt->disagree);
    fk__select(&layout_rng, lay.planted, lay.total, opt->dirty);

    if (opt->encoding == FK_SAMPLE_CP932) {
        o.cd = iconv_open("CP932", "UTF-8");
        if (o.cd == (iconv_t)-1) {
            st = fk_failf(err, FK_EENV, _("sample: iconv has no CP932 converter"));
            goto done;
        }
    }
    if (opt->bom && (st = fk_buf_append_str(&o.line, "\xEF\xBB\xBF")) != FK_OK) {
        st = fk_failf(err, st, _("sample: out of memory"));
        goto done;
    }
    for (int c = 0; c < C_COUNT && st == FK_OK; c++) {
        if (c > 0)
            st = fk_buf_append_byte(&o.line, ',');
        if (st == FK_OK)
            st = fk_buf_append_str(&o.line, fk__header[c]);
    }
    if (st != FK_OK) {
        st = fk_failf(err, st, _("sample: out of memory"));
        goto done;
    }
    if ((st = fk__emit_line(&o, err)) != FK_OK)
        goto done;
    st = fk__write_rows(&o, &g, &lay, dirty_report, disagree_report, progress, progress_ctx, err);
    if (st == FK_OK && fflush(out) != 0)
        st = fk_failf(err, FK_EIO, _("sample: write failed: %s"), strerror(errno));
done:
    if (o.cd != (iconv_t)-1)
        iconv_close(o.cd);
    fk_buf_free(&o.line);
    fk_free(o.conv);
    fk_free(lay.category);
    fk_free(lay.disagree);
    fk_free(lay.planted);
    return st;
}
