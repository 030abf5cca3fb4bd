/*
 * Unit tests for health/rules: loading the shipped rules file, the file:line:col of every
 * kind of error, overrides (an order's `rules:` merged onto the defaults) and out-of-memory
 * paths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fk-config.h"
#include "health/health.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/mem.h"

#define DEFAULTS FK_SOURCE_ROOT "/rules/health-4.yaml"

static char tmpdir[64];
static char *defaults_text;

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/fk-test-rules-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    size_t len;
    fk_err err;
    if (fk_fs_read_file(DEFAULTS, 1 << 20, &defaults_text, &len, &err) != FK_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char path[128];
    static const char *const names[] = {"rules.yaml", "override.yaml"};
    for (size_t i = 0; i < 2; i++)
        if (fk_fs_join(path, sizeof path, tmpdir, names[i]))
            unlink(path);
    rmdir(tmpdir);
    fk_free(defaults_text);
    return 0;
}

/* Writes text to tmpdir/name and returns the path (a static buffer per name). */
static const char *write_file(const char *name, const char *text)
{
    static char paths[2][128];
    char *path = paths[strcmp(name, "rules.yaml") == 0 ? 0 : 1];
    assert_true(fk_fs_join(path, 128, tmpdir, name));
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    return path;
}

/* The defaults with the first occurrence of from replaced by to (caller frees). */
static char *edit_defaults(const char *from, const char *to)
{
    const char *at = strstr(defaults_text, from);
    if (at == NULL)
        fail_msg("the rules file no longer contains '%s'", from);
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    assert_int_equal(fk_buf_append(&b, defaults_text, (size_t)(at - defaults_text)), FK_OK);
    assert_int_equal(fk_buf_append_str(&b, to), FK_OK);
    assert_int_equal(fk_buf_append_str(&b, at + strlen(from)), FK_OK);
    return fk_buf_take(&b);
}

/* The 1-based line of the first occurrence of s in text. */
static int line_of(const char *text, const char *s)
{
    const char *at = strstr(text, s);
    assert_non_null(at);
    int line = 1;
    for (const char *c = text; c < at; c++)
        line += *c == '\n';
    return line;
}

static void test_defaults(void **state)
{
    (void)state;
    fk_rules *r;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_rules_load(DEFAULTS, NULL, &r, &err), FK_OK);
    assert_string_equal(fk_rules_version(r), "4.0");
    assert_non_null(strstr(fk_rules_name(r), "第4期"));
    fk_rules_free(r);
    fk_rules_free(NULL);
    const char *installed = fk_rules_default_path();
    assert_string_equal(installed + strlen(installed) - strlen("/rules/health-4.yaml"),
                        "/rules/health-4.yaml");
}

typedef struct error_case {
    const char *name;
    const char *from, *to; /* the edit to the defaults */
    const char *at;        /* the text whose line the error names, after the edit */
    int column;
    fk_status status;
    const char *reason;
} error_case;

static const error_case error_cases[] = {
    {"unterminated quote", "version: \"4.0\"", "version: \"4.0", "version", 10, FK_EFORMAT, "YAML"},
    {"stray brace", "      - {item: sbp}", "      - {item: sbp}}", "      - {item: sbp}}", 20,
     FK_EFORMAT, "YAML"},
    {"duplicate key", "    label: 収縮期血圧\n", "    label: 収縮期血圧\n    label: x\n",
     "    label: x", 0, FK_EFORMAT, "YAML"},
    {"missing label", "    label: 収縮期血圧\n", "", "    field: sbp", 5, FK_EFORMAT,
     "items.sbp: missing key 'label'"},
    {"missing section", "bp_bands:", "bp_bandz:", "bp_bandz:", 1, FK_EFORMAT,
     "unknown key 'bp_bandz'"},
    {"wrong type, list", "    guidance: 130\n", "    guidance: [130]\n", "    guidance: [130]", 16,
     FK_EFORMAT, "items.sbp.guidance: expected a number"},
    {"wrong type, text", "    guidance: 130\n", "    guidance: high\n", "    guidance: high", 15,
     FK_EFORMAT, "items.sbp.guidance: expected a number"},
    {"exponent", "    guidance: 130\n", "    guidance: 1.3e2\n", "    guidance: 1.3e2", 15,
     FK_EFORMAT, "items.sbp.guidance: expected a number"},
    {"two points", "    guidance: 130\n", "    guidance: 1.3.0\n", "    guidance: 1.3.0", 15,
     FK_EFORMAT, "items.sbp.guidance: expected a number"},
    {"wrong type, quoted number", "    guidance: 130\n", "    guidance: \"130\"\n",
     "    guidance: \"130\"", 16, FK_EFORMAT, "expected a number"},
    {"wrong type, mapping", "version: \"4.0\"", "version: {a: 1}", "version:", 11, FK_EFORMAT,
     "version: expected a string"},
    {"unknown key", "    label: 収縮期血圧\n", "    label: 収縮期血圧\n    colour: red\n",
     "    colour", 5, FK_EFORMAT, "items.sbp: unknown key 'colour'"},
    {"unknown field", "    field: sbp\n", "    field: spb\n", "    field: spb", 12, FK_EFORMAT,
     "items.sbp.field: unknown record field"},
    {"bad direction", "    field: sbp\n    unit: mmHg\n    direction: ge",
     "    field: sbp\n    unit: mmHg\n    direction: up", "    direction: up", 16, FK_EFORMAT,
     "expected ge, gt, le or lt"},
    {"female missing", "guidance: {male: 85, female: 90}", "guidance: {male: 85}",
     "guidance: {male: 85}", 16, FK_EFORMAT, "items.waist.guidance: missing key 'female'"},
    {"bad grade", "doctor: \"+\"", "doctor: \"++\"", "doctor: \"++\"", 14, FK_EFORMAT,
     "expected a urine grade"},
    {"bad fasting state", "fasting: [casual, after_meal]", "fasting: [casual, lunch]",
     "fasting: [casual, lunch]", 23, FK_EFORMAT, "items.tg_casual.fasting: unknown name 'lunch'"},
    {"unknown item reference", "{item: sbp}", "{item: spb}", "{item: spb}", 16, FK_EFORMAT,
     "stratification.risks.bp.item: unknown item 'spb'"},
    {"unknown category", "  健康相談:\n", "  健康指導:\n", "  健康指導:", 3, FK_EFORMAT,
     "unknown category"},
    {"missing category", "  健康相談:\n    level: [情報提供, 服薬中]\n", "", "  積極的支援:", 3,
     FK_EFORMAT, "missing category '健康相談'"},
    {"unknown level", "level: [積極的支援]", "level: [積極支援]", "level: [積極支援]", 0,
     FK_EFORMAT, "categories.積極的支援.level"},
    {"levels inverted", "bmi: {sekkyoku: 3, douki: 1}", "bmi: {sekkyoku: 1, douki: 2}",
     "bmi: {sekkyoku: 1", 0, FK_EFORMAT, "sekkyoku needs fewer risks than douki"},
    {"age range", "age_downgrade: {from: 65, to: 74}", "age_downgrade: {from: 75, to: 74}",
     "age_downgrade", 0, FK_EFORMAT, "from is after to"},
    {"bool", "smoking_needs_other_risk: true", "smoking_needs_other_risk: yes",
     "smoking_needs_other_risk", 29, FK_EFORMAT, "expected true or false"},
    {"min_risks above the list", "    min_risks: 1\n    risks: [bp, lipid, glucose]",
     "    min_risks: 4\n    risks: [bp, lipid, glucose]", "    medication: false\n    step1", 5,
     FK_EFORMAT, "min_risks is more than the risks listed"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const error_case *c = &error_cases[i];
        char *text = edit_defaults(c->from, c->to);
        const char *path = write_file("rules.yaml", text);
        char where[256];
        if (c->column > 0)
            snprintf(where, sizeof where, "%s:%d:%d: ", path, line_of(text, c->at), c->column);
        else
            snprintf(where, sizeof where, "%s:%d:", path, line_of(text, c->at));
        fk_rules *r = (fk_rules *)&r; /* must be reset to NULL */
        fk_err err;
        fk_err_clear(&err);
        fk_status s = fk_rules_load(path, NULL, &r, &err);
        const char *msg = fk_err_message(&err);
        if (s != c->status || strncmp(msg, where, strlen(where)) != 0 ||
            strstr(msg, c->reason) == NULL)
            fail_msg("%s: got %s '%s', expected '%s...%s'", c->name, fk_status_name(s), msg, where,
                     c->reason);
        assert_null(r);
        fk_free(text);
    }
}

static void test_file_errors(void **state)
{
    (void)state;
    fk_rules *r;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_rules_load("/nonexistent/health.yaml", NULL, &r, &err), FK_ENOENT);
    assert_null(r);
    const char *empty = write_file("rules.yaml", "");
    assert_int_equal(fk_rules_load(empty, NULL, &r, &err), FK_EFORMAT);
    assert_non_null(strstr(fk_err_message(&err), "empty rules document"));
    const char *list = write_file("rules.yaml", "- 1\n- 2\n");
    assert_int_equal(fk_rules_load(list, NULL, &r, &err), FK_EFORMAT);
    assert_non_null(strstr(fk_err_message(&err), ":1:3: expected a mapping"));
    /* An override is not a complete file: alone it lacks required sections. */
    const char *partial = write_file("rules.yaml", "items:\n  hdl: {doctor: 34}\n");
    assert_int_equal(fk_rules_load(partial, NULL, &r, &err), FK_EFORMAT);
    assert_non_null(strstr(fk_err_message(&err), "missing key"));
}

/* Loads the defaults with an override; fails the test on error. */
static fk_rules *load_with(const char *override)
{
    const char *path = write_file("override.yaml", override);
    fk_rules *r;
    fk_err err;
    fk_err_clear(&err);
    if (fk_rules_load(DEFAULTS, path, &r, &err) != FK_OK)
        fail_msg("%s", fk_err_message(&err));
    return r;
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

static void base(fk_record *r)
{
    fk_record_init(r);
    r->sex = FK_SEX_MALE;
    r->age = 50;
    r->bmi = 22;
    r->waist = 80;
    r->sbp = 120;
    r->dbp = 70;
    r->fasting = FK_FAST_FASTING;
    r->tg = 100;
    r->hdl = 60;
    r->ldl = 100;
    r->non_hdl = 120;
    r->glucose = 90;
    r->hba1c = 5.2;
}

static void test_override_threshold(void **state)
{
    (void)state;
    /* the older ≤ 34 as "below 35" (values are whole numbers) */
    fk_rules *r = load_with("items:\n  hdl: {doctor: 35}\n");
    fk_record rec;
    base(&rec);
    rec.hdl = 34;
    rec.sbp = 140;
    fk_health_assessment a;
    fk_health_assess(r, &rec, &a);
    assert_int_equal(item(&a, "hdl")->mark, FK_MARK_DOCTOR);
    assert_string_equal(item(&a, "hdl")->doctor, "35未満");
    assert_string_equal(item(&a, "hdl")->label, "HDLコレステロール"); /* kept */
    assert_int_equal(item(&a, "sbp")->mark, FK_MARK_DOCTOR);          /* untouched */
    rec.hdl = 35;
    fk_health_assess(r, &rec, &a);
    assert_int_equal(item(&a, "hdl")->mark, FK_MARK_GUIDANCE);
    rec.hdl = 40;
    fk_health_assess(r, &rec, &a);
    assert_int_equal(item(&a, "hdl")->mark, FK_MARK_NONE);
    fk_rules_free(r);

    /* null removes a threshold */
    r = load_with("items:\n  sbp: {doctor: null}\n");
    rec.sbp = 180;
    fk_health_assess(r, &rec, &a);
    assert_int_equal(item(&a, "sbp")->mark, FK_MARK_GUIDANCE);
    assert_string_equal(item(&a, "sbp")->doctor, "");
    fk_rules_free(r);
}

/* A ward's own 非肥満 criteria: a lower waist cutoff for women and two risks. */
static void test_override_ward_criteria(void **state)
{
    (void)state;
    fk_rules *r = load_with("# an order\n"
                            "ward: 131016\n"
                            "rules:\n"
                            "  items:\n"
                            "    waist:\n"
                            "      guidance: {male: 85, female: 80}\n"
                            "  categories:\n"
                            "    非肥満保健指導: {min_risks: 2}\n");
    fk_record rec;
    base(&rec);
    rec.sex = FK_SEX_FEMALE;
    rec.waist = 80;
    rec.sbp = 130;
    rec.category = FK_CAT_DOUKI;
    fk_health_assessment a;
    fk_health_assess(r, &rec, &a);
    assert_int_equal(a.step1, FK_STEP1_WAIST);
    assert_int_equal(fk_health_check_category(r, &rec, &a, NULL, 0), FK_CHECK_AGREE);

    rec.waist = 79.9;
    rec.category = FK_CAT_HIHIMAN;
    fk_health_assess(r, &rec, &a);
    char why[128];
    assert_int_equal(fk_health_check_category(r, &rec, &a, why, sizeof why), FK_CHECK_RISKS);
    assert_string_equal(why, "ward: 非肥満保健指導, computed: 1 of the required 2 risks");
    rec.hba1c = 5.6;
    fk_health_assess(r, &rec, &a);
    assert_int_equal(fk_health_check_category(r, &rec, &a, NULL, 0), FK_CHECK_AGREE);
    fk_rules_free(r);

    /* `rules: null` in an order changes nothing */
    r = load_with("ward: 131016\nrules: null\n");
    rec.waist = 80;
    fk_health_assess(r, &rec, &a);
    assert_int_equal(a.step1, FK_STEP1_NONE);
    fk_rules_free(r);
}

static void test_override_rules(void **state)
{
    (void)state;
    fk_record rec;
    fk_health_assessment a;

    /* without the replacement rule LDL is always judged */
    fk_rules *r = load_with("non_hdl_replaces_ldl: null\n");
    base(&rec);
    rec.tg = 500;
    fk_health_assess(r, &rec, &a);
    assert_true(item(&a, "ldl")->applies);
    assert_true(item(&a, "non_hdl")->applies);
    fk_rules_free(r);

    /* no age rule: 積極的支援 stays at 70 */
    r = load_with("stratification:\n  age_downgrade: null\n");
    base(&rec);
    rec.age = 70;
    rec.waist = 90;
    rec.sbp = 130;
    rec.tg = 150;
    fk_health_assess(r, &rec, &a);
    assert_int_equal(a.level, FK_LEVEL_SEKKYOKU);
    fk_rules_free(r);

    /* smoking counts alone; lipid medication no longer excludes */
    r = load_with("stratification:\n"
                  "  smoking_needs_other_risk: false\n"
                  "  medication: [bp, glucose]\n");
    base(&rec);
    rec.waist = 90;
    rec.smoker = true;
    rec.med_lipid = true;
    fk_health_assess(r, &rec, &a);
    assert_false(a.medication);
    assert_int_equal(a.risk_count, 1);
    assert_int_equal(a.level, FK_LEVEL_DOUKI);
    fk_rules_free(r);

    /* a new item is appended to the table; bands and marks replaced */
    r = load_with("marks: {doctor: 受診}\n"
                  "items:\n"
                  "  creatinine:\n"
                  "    label: 血清クレアチニン\n"
                  "    field: creatinine\n"
                  "    unit: mg/dl\n"
                  "    decimals: 2\n"
                  "    direction: ge\n"
                  "    guidance: {male: 1.00, female: 0.70}\n"
                  "    doctor: {male: 1.30, female: 1.00}\n"
                  "bp_bands:\n"
                  "  - {key: high, systolic: 140, diastolic: 90, text: 受診してください。}\n");
    base(&rec);
    rec.creatinine = 1.3;
    fk_health_assess(r, &rec, &a);
    assert_string_equal(a.items[a.n_items - 1].key, "creatinine");
    assert_int_equal(a.items[a.n_items - 1].mark, FK_MARK_DOCTOR);
    assert_string_equal(a.items[a.n_items - 1].mark_text, "受診");
    assert_string_equal(a.items[a.n_items - 1].value, "1.30");
    assert_string_equal(a.items[a.n_items - 1].guidance, "1.00以上");
    assert_null(a.bp_band);
    rec.sbp = 140;
    fk_health_assess(r, &rec, &a);
    assert_string_equal(a.bp_band, "high");
    fk_rules_free(r);

    /* a risk's conditions are replaced as a whole */
    r = load_with("stratification:\n  risks:\n    glucose:\n      - {item: hba1c}\n");
    base(&rec);
    rec.waist = 90;
    rec.glucose = 120;
    fk_health_assess(r, &rec, &a);
    assert_false(a.risk[FK_RISK_GLUCOSE]);
    fk_rules_free(r);
}

static void test_override_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *where, *reason;
    } cases[] = {
        {"items:\n  ucr:\n    field: creatinine\n", ":3:5: ", "items.ucr: missing key 'label'"},
        {"items:\n  hdl: {doctor: [34]}\n", ":2:18: ", "items.hdl.doctor: expected a number"},
        {"items: {hdl: {doctor: 34}\n", ":", "YAML"},
        {"rules:\n  levels: {}\n", ":2:3: ", "unknown key 'levels'"},
        {"stratification:\n  step1: {waist: hip}\n", ":2:18: ", "unknown item 'hip'"},
        {"items:\n  urine_protein: {field: egfr}\n", ":2:19: ", "needs new guidance and doctor"},
        {"non_hdl_replaces_ldl: {by: ldl}\n", ":1:24: ", "an item cannot replace itself"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *path = write_file("override.yaml", cases[i].text);
        char where[256];
        snprintf(where, sizeof where, "%s%s", path, cases[i].where);
        fk_rules *r;
        fk_err err;
        fk_err_clear(&err);
        assert_int_equal(fk_rules_load(DEFAULTS, path, &r, &err), FK_EFORMAT);
        const char *msg = fk_err_message(&err);
        if (strncmp(msg, where, strlen(where)) != 0 || strstr(msg, cases[i].reason) == NULL)
            fail_msg("case %zu: '%s', expected '%s...%s'", i, msg, where, cases[i].reason);
        assert_null(r);
    }
}

/* Every allocation may fail: the load reports FK_ENOMEM and leaks nothing (ASan checks). */
static void test_out_of_memory(void **state)
{
    (void)state;
    const char *path = write_file("override.yaml", "items:\n  ucr:\n    label: 尿中クレアチニン\n"
                                                   "    field: creatinine\n"
                                                   "    direction: ge\n    guidance: 1\n");
    fk_status s = FK_ENOMEM;
    long n;
    for (n = 0; s == FK_ENOMEM && n < 10000; n++) {
        fk_rules *r;
        fk_err err;
        fk_mem_fail_after(n);
        s = fk_rules_load(DEFAULTS, path, &r, &err);
        fk_mem_fail_after(-1);
        if (s == FK_OK)
            fk_rules_free(r);
        else
            assert_null(r);
    }
    assert_int_equal(s, FK_OK);
    assert_true(n > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_override_threshold),
        cmocka_unit_test(test_override_ward_criteria),
        cmocka_unit_test(test_override_rules),
        cmocka_unit_test(test_override_errors),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
