/* One mailing's documents and sheet fields: see mailing.h. */
#include "mailing.h"
#include "compose/template.h"
#include "core/inscode.h"
#include "health/health.h"
#include "postal/postal.h"
#include "util/datapath.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const char *const fk__doc_names[] = {"voucher-tokutei", "voucher-hihiman", "voucher-kenko",
                                            "notice-jushin", "results"};
#define FK__NDOCS (sizeof fk__doc_names / sizeof fk__doc_names[0])

struct fk_mailing {
    fk_job *job;
    fk_rules *rules;
    fk_postal_db *postal;
    fk_template *templates[FK__NDOCS];
    fk_postal_result postal_result; /* about 2 KB: one, reused */
    fk_fields *constants;           /* the order's fields and the job code, every sheet's */
    fk_date issue;                  /* 交付年月日: the order's, or the day of composing */
    bool is_specimen;               /* proofs: codes verification always rejects */
};

void fk_mailing_set_specimen(fk_mailing *m)
{
    m->is_specimen = true;
}

int fk_mailing_documents(fk_category c, const char *docs[FK_MAILING_MAX_DOCS])
{
    switch (c) {
    case FK_CAT_SEKKYOKU:
    case FK_CAT_DOUKI:
        docs[0] = "voucher-tokutei";
        break;
    case FK_CAT_HIHIMAN:
        docs[0] = "voucher-hihiman";
        break;
    case FK_CAT_KENKO:
        docs[0] = "voucher-kenko";
        break;
    default:
        docs[0] = "notice-jushin";
        return 1;
    }
    docs[1] = "results";
    return 2;
}

const fk_template *fk_mailing_template(const fk_mailing *m, const char *doc)
{
    for (size_t i = 0; i < FK__NDOCS; i++)
        if (strcmp(fk__doc_names[i], doc) == 0)
            return m->templates[i];
    return NULL;
}

static fk_status fk__load_template(const fk_order *o, const char *doc, fk_template **out,
                                   fk_err *err)
{
    const char *path = fk_order_template(o, doc);
    char found[4096];
    if (path == NULL) {
        char rel[128];
        snprintf(rel, sizeof rel, "templates/%s.yaml", doc);
        if (!fk_data_path(rel, found, sizeof found))
            return fk_failf(err, FK_ENOENT, _("template %s not found (set FUKAN_DATA_DIR)"), rel);
        path = found;
    }
    double window[2], w, h;
    fk_order_window(o, &window[0], &window[1], &w, &h);
    return fk_template_load_at(path, window, out, err);
}

fk_status fk_mailing_new(fk_job *job, fk_mailing **out, fk_err *err)
{
    *out = NULL; /* so that a caller may free it after a failure */
    fk_mailing *m = fk_calloc(1, sizeof *m);
    if (m == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    m->job = job;
    const fk_order *o = fk_job_order(job);
    fk_status s = fk_rules_load(fk_rules_default_path(), fk_order_rules(o), &m->rules, err);
    if (s == FK_OK)
        s = fk_postal_db_open(NULL, &m->postal, err);
    long days_left;
    bool is_short;
    if (s == FK_OK)
        s = fk_order_issue_date(o, fk_date_today(), &m->issue, &days_left, &is_short, err);
    /* The order's fields are the same on every sheet: bound into the templates once, and the
     * fallback of every sheet's fields for the texts that mix them with a person's. */
    m->constants = s == FK_OK ? fk_fields_new() : NULL;
    if (s == FK_OK && m->constants == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_compose_fields_from_order(o, m->issue, m->constants, err);
    if (s == FK_OK && fk_fields_set(m->constants, "job_code", fk_order_job_code(o)) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    for (size_t i = 0; s == FK_OK && i < FK__NDOCS; i++) {
        s = fk__load_template(o, fk__doc_names[i], &m->templates[i], err);
        if (s == FK_OK)
            s = fk_template_bind(m->templates[i], m->constants, err);
    }
    if (s != FK_OK) {
        fk_mailing_free(m);
        return s;
    }
    *out = m;
    return FK_OK;
}

void fk_mailing_free(fk_mailing *m)
{
    if (m == NULL)
        return;
    fk_rules_free(m->rules);
    fk_postal_db_free(m->postal);
    fk_fields_free(m->constants);
    for (size_t i = 0; i < FK__NDOCS; i++)
        fk_template_free(m->templates[i]);
    fk_free(m);
}

void fk_mailing_payload(const fk_mailing *m, fk_category c, const char *check, long serial,
                        int sheet, int sheets, char out[FK_MAILING_PAYLOAD_MAX])
{
    fk_insert_code_format(fk_order_job_code(fk_job_order(m->job)), c, serial, sheet, sheets,
                          m->is_specimen, check, out, FK_MAILING_PAYLOAD_MAX);
}

/* The 受診勧奨通知's list: one line per value at a doctor-visit threshold. */
static fk_status fk__jushin_items(const fk_health_assessment *a, fk_fields *out)
{
    fk_buf b;
    fk_buf_init(&b, 4096);
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < a->n_doctor; i++) {
        const fk_health_item *it = &a->items[a->doctor[i]];
        s = fk_buf_appendf(&b, "%s%s　%s %s（受診勧奨判定値 %s）", i ? "\n" : "", it->label,
                           it->value, it->unit, it->doctor);
    }
    if (s == FK_OK)
        s = fk_fields_set(out, "jushin_items", fk_buf_cstr(&b));
    fk_buf_free(&b);
    return s;
}

static fk_status fk__health_fields(fk_mailing *m, const fk_record *r, fk_fields *out)
{
    fk_health_assessment a;
    fk_health_assess(m->rules, r, &a);
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < a.n_items; i++) {
        char key[64];
        snprintf(key, sizeof key, "%s_mark", a.items[i].key);
        s = fk_fields_set(out, key, a.items[i].mark_text ? a.items[i].mark_text : "");
    }
    return s == FK_OK ? fk__jushin_items(&a, out) : s;
}

static fk_status fk__barcode(fk_mailing *m, const fk_record *r, fk_fields *out,
                             const char **missing, fk_err *err)
{
    fk_postal_result *pr = &m->postal_result;
    fk_status s = fk_postal_compute(m->postal, r->postal, r->address, r->building, pr, err);
    if (s != FK_OK)
        return s;
    *missing = pr->verdict == FK_POSTAL_OK ? NULL : fk_postal_verdict_reason(pr);
    return fk_fields_set(out, "customer_barcode",
                         pr->verdict == FK_POSTAL_OK ? pr->barcode.bars : "");
}

fk_status fk_mailing_fill(fk_mailing *m, const fk_record *r, fk_fields *out,
                          const char **barcode_missing, fk_err *err)
{
    const char *missing = NULL;
    fk_fields_clear(out);
    fk_fields_set_fallback(out, m->constants);
    fk_status s = fk_compose_fields_from_record(r, out, err);
    if (s == FK_OK)
        s = fk__barcode(m, r, out, &missing, err);
    if (barcode_missing != NULL)
        *barcode_missing = missing;
    if (s == FK_OK)
        s = fk__health_fields(m, r, out);
    if (s == FK_ENOMEM)
        return fk_failf(err, s, _("out of memory filling a sheet"));
    return s;
}

fk_status fk_mailing_fill_sheet(const char *payload, int sheet, int sheets, fk_fields *out,
                                fk_err *err)
{
    char sheet_text[24];
    snprintf(sheet_text, sizeof sheet_text, "%d/%d", sheet, sheets);
    const char *pairs[][2] = {{"dm_payload", payload}, {"dm_text", payload}, {"sheet", sheet_text}};
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < sizeof pairs / sizeof pairs[0]; i++)
        s = fk_fields_set(out, pairs[i][0], pairs[i][1]);
    if (s == FK_ENOMEM)
        return fk_failf(err, s, _("out of memory filling a sheet"));
    return s;
}

fk_status fk_mailing_specimen(fk_category c, int fiscal_year, fk_record *r, fk_err *err)
{
    /* Results chosen so each category's documents show their typical marks. */
    static const struct {
        double waist, bmi, sbp, dbp, tg, hdl, ldl, glucose, hba1c;
        bool med_bp;
    } v[FK_CAT_COUNT] = {
        {94.0, 27.1, 138, 88, 180, 38, 150, 108, 5.9, false}, /* 積極的支援 */
        {92.0, 26.0, 134, 82, 120, 55, 130, 95, 5.4, false},  /* 動機付け支援 */
        {80.0, 22.5, 136, 86, 110, 58, 125, 98, 5.5, false},  /* 非肥満 */
        {82.0, 22.0, 122, 76, 100, 60, 110, 92, 5.3, false},  /* 健康相談 */
        {83.0, 23.0, 168, 102, 320, 52, 175, 132, 6.8, true}, /* 受診勧奨 */
    };
    fk_record_init(r);
    r->category = c;
    r->resident_no = fk_strdup("000000000000");
    r->name = fk_strdup("見本　太郎");
    r->kana = fk_strdup("ミホン　タロウ");
    r->address = fk_strdup("東京都新宿区歌舞伎町一丁目4番1号");
    r->building = fk_strdup("");
    r->ins_symbol = fk_strdup("見本");
    r->ins_number = fk_strdup("0000000");
    if (!r->resident_no || !r->name || !r->kana || !r->address || !r->building || !r->ins_symbol ||
        !r->ins_number) {
        fk_record_clear(r);
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    r->birth = (fk_date){fiscal_year - 59, 5, 10};
    r->sex = FK_SEX_MALE;
    r->age = fk_date_fiscal_year_end_age(r->birth, fiscal_year);
    memcpy(r->postal, "1600021", 8);
    memcpy(r->ticket_no, "00000000000", 12);
    snprintf(r->voucher_no, sizeof r->voucher_no, "%s", c == FK_CAT_JUSHIN ? "" : "00000000000");
    r->exam_date = (fk_date){fiscal_year, 6, 2};
    r->height = 170.0;
    r->bmi = v[c].bmi;
    r->weight = (double)(long)(v[c].bmi * 1.7 * 1.7 * 10 + 0.5) / 10;
    r->waist = v[c].waist;
    r->sbp = v[c].sbp;
    r->dbp = v[c].dbp;
    r->fasting = FK_FAST_FASTING;
    r->tg = v[c].tg;
    r->hdl = v[c].hdl;
    r->ldl = v[c].ldl;
    r->ast = 24;
    r->alt = 28;
    r->ggt = 42;
    r->glucose = v[c].glucose;
    r->hba1c = v[c].hba1c;
    r->hb = 14.5;
    r->creatinine = 0.86;
    r->egfr = 72.0;
    r->urine_glucose = FK_URINE_NEG;
    r->urine_protein = FK_URINE_NEG;
    r->med_bp = v[c].med_bp;
    return FK_OK;
}
