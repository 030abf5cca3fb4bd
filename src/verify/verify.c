/* The enclosure check: see verify.h. The plan is an array per category indexed by serial
 * (serials are dense from 1), so each sheet costs a parse and two array lookups. */
#include "verify.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    int32_t batch;
    uint8_t sheets; /* 0: no such envelope */
    uint8_t confirmed;
    char check[FK_VERIFY_CHECK_HEX];
} fk__env;

struct fk_verify_plan {
    char job[17];
    fk__env *env[FK_CAT_COUNT];
    long cap[FK_CAT_COUNT]; /* entries allocated: serials 0 .. cap-1 */
    long count;
};

typedef struct {
    uint8_t state;   /* fk_encl_state */
    uint8_t seen;    /* sheets read in this check, as bits 1 << (i - 1) */
    uint8_t scanned; /* checked as an envelope in this check */
} fk__mark;

struct fk_verify {
    const fk_verify_plan *plan;
    fk_verify_hooks hooks;
    fk__mark *mark[FK_CAT_COUNT];
};

static const struct {
    unsigned bit;
    const char *name, *label;
} fk__faults[] = {
#define FK__FAULT_ROW(n, bit, text, ja) {1u << bit, text, ja},
    FK_VERIFY_FAULTS(FK__FAULT_ROW)
#undef FK__FAULT_ROW
};

const char *fk_verify_fault_name(unsigned fault)
{
    for (size_t i = 0; i < FK_VERIFY_FAULT_KINDS; i++)
        if (fk__faults[i].bit == fault)
            return fk__faults[i].name;
    return NULL;
}

const char *fk_verify_fault_label(unsigned fault)
{
    for (size_t i = 0; i < FK_VERIFY_FAULT_KINDS; i++)
        if (fk__faults[i].bit == fault)
            return fk__faults[i].label;
    return NULL;
}

unsigned fk_verify_fault_parse(const char *name)
{
    for (size_t i = 0; i < FK_VERIFY_FAULT_KINDS; i++)
        if (strcmp(fk__faults[i].name, name) == 0)
            return fk__faults[i].bit;
    return 0;
}

static void fk__faults_write(unsigned mask, bool labelled, char *out, size_t size)
{
    size_t used = 0;
    if (size == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < FK_VERIFY_FAULT_KINDS; i++) {
        if (!(mask & fk__faults[i].bit))
            continue;
        int n = labelled ? snprintf(out + used, size - used, "%s%s [%s]", used ? "、" : "",
                                    fk__faults[i].label, fk__faults[i].name)
                         : snprintf(out + used, size - used, "%s%s", used ? "," : "",
                                    fk__faults[i].name);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

void fk_verify_faults_describe(unsigned mask, char *out, size_t size)
{
    fk__faults_write(mask, false, out, size);
}

void fk_verify_faults_describe_labelled(unsigned mask, char *out, size_t size)
{
    fk__faults_write(mask, true, out, size);
}

/* Reads 1..max digits from *s up to the stop character, advancing past it. */
static bool fk__number(const char **s, char stop, int max, long *out)
{
    long v = 0;
    int n = 0;
    const char *p = *s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (++n > max)
            return false;
        v = v * 10 + (*p - '0');
    }
    if (n == 0 || *p != stop)
        return false;
    *s = p + (stop != '\0');
    *out = v;
    return true;
}

bool fk_verify_code_parse(const char *payload, fk_verify_code *out)
{
    const char *p = payload;
    if (strncmp(p, "FK1|", 4) != 0)
        return false;
    p += 4;
    size_t n = 0;
    for (; *p != '|'; p++, n++) {
        char c = *p;
        if (n >= sizeof out->job - 1 || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                          (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
        out->job[n] = c;
    }
    if (n == 0)
        return false;
    out->job[n] = '\0';
    p++;
    char code[2] = {p[0], '\0'};
    if (code[0] == '\0' || p[1] != '|' || !fk_category_parse(code, &out->category))
        return false;
    p += 2;
    long serial, sheet, sheets;
    if (!fk__number(&p, '|', 9, &serial) || !fk__number(&p, '/', 2, &sheet) ||
        !fk__number(&p, '|', 2, &sheets) || serial < 1 || sheet < 1 || sheet > sheets ||
        sheets > FK_VERIFY_MAX_SHEETS)
        return false;
    for (n = 0; n < FK_VERIFY_CHECK_HEX - 1; n++) {
        char c = p[n];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        out->check[n] = c;
    }
    if (p[n] != '\0')
        return false;
    out->check[n] = '\0';
    out->serial = serial;
    out->sheet = (int)sheet;
    out->sheets = (int)sheets;
    return true;
}

fk_status fk_verify_plan_new(const char *job_code, fk_verify_plan **out, fk_err *err)
{
    if (job_code == NULL || strlen(job_code) == 0 || strlen(job_code) > 16)
        return fk_failf(err, FK_EINVAL, _("a job code has 1 to 16 characters"));
    fk_verify_plan *p = fk_calloc(1, sizeof *p);
    if (p == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    snprintf(p->job, sizeof p->job, "%s", job_code);
    *out = p;
    return FK_OK;
}

void fk_verify_plan_free(fk_verify_plan *p)
{
    if (p == NULL)
        return;
    for (int c = 0; c < FK_CAT_COUNT; c++)
        fk_free(p->env[c]);
    fk_free(p);
}

static fk__env *fk__lookup(const fk_verify_plan *p, fk_category c, long serial)
{
    if ((unsigned)c >= FK_CAT_COUNT || serial < 1 || serial >= p->cap[c])
        return NULL;
    fk__env *e = &p->env[c][serial];
    return e->sheets ? e : NULL;
}

fk_status fk_verify_plan_add(fk_verify_plan *p, fk_category c, long serial, int batch, int sheets,
                             const char *check, fk_err *err)
{
    if ((unsigned)c >= FK_CAT_COUNT || serial < 1 || serial > 999999999 || sheets < 1 ||
        sheets > FK_VERIFY_MAX_SHEETS || check == NULL || strlen(check) != FK_VERIFY_CHECK_HEX - 1)
        return fk_failf(err, FK_EINVAL, _("envelope %c-%06ld: invalid plan entry"),
                        fk_category_code(c), serial);
    if (serial >= p->cap[c]) {
        long cap = p->cap[c] ? p->cap[c] : 1024;
        while (cap <= serial)
            cap *= 2;
        fk__env *env = fk_realloc(p->env[c], (size_t)cap * sizeof *env);
        if (env == NULL)
            return fk_failf(err, FK_ENOMEM, _("out of memory"));
        memset(env + p->cap[c], 0, (size_t)(cap - p->cap[c]) * sizeof *env);
        p->env[c] = env;
        p->cap[c] = cap;
    }
    fk__env *e = &p->env[c][serial];
    if (e->sheets)
        return fk_failf(err, FK_EEXIST, _("envelope %c-%06ld is listed twice"), fk_category_code(c),
                        serial);
    e->batch = batch;
    e->sheets = (uint8_t)sheets;
    e->confirmed = 0;
    memcpy(e->check, check, FK_VERIFY_CHECK_HEX);
    p->count++;
    return FK_OK;
}

/* Splits a run-file line into at most max comma-separated fields (the run file never quotes). */
static size_t fk__split(char *line, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = line;
    for (char *c = line; *c != '\0'; c++)
        if (*c == ',') {
            *c = '\0';
            if (n == max)
                return max + 1;
            f[n++] = c + 1;
        }
    return n;
}

/* One pass over the run file: sheet ① lines add envelopes (first), the others must agree. */
static fk_status fk__run_pass(fk_verify_plan *p, const char *name, const char *data, size_t len,
                              bool first, fk_err *err)
{
    char line[512];
    long lineno = 0;
    size_t at = 0;
    while (at < len) {
        size_t end = at;
        while (end < len && data[end] != '\n')
            end++;
        size_t n = end - at;
        if (n > 0 && data[at + n - 1] == '\r')
            n--;
        lineno++;
        if (n >= sizeof line)
            return fk_failf(err, FK_EFORMAT, _("%s:%ld: line too long"), name, lineno);
        memcpy(line, data + at, n);
        line[n] = '\0';
        at = end + 1;
        if (lineno == 1 || n == 0)
            continue; /* header */
        char *f[9];
        fk_verify_code code;
        long batch;
        const char *b = f[0];
        if (fk__split(line, f, 8) != 8 || (b = f[0], !fk__number(&b, '\0', 9, &batch)) ||
            !fk_verify_code_parse(f[6], &code))
            return fk_failf(err, FK_EFORMAT, _("%s:%ld: not a run-file line"), name, lineno);
        if (strcmp(code.job, p->job) != 0)
            return fk_failf(err, FK_ETAMPER, _("%s:%ld: the code is of job %s, not %s"), name,
                            lineno, code.job, p->job);
        if (first && code.sheet == 1) {
            fk_status s = fk_verify_plan_add(p, code.category, code.serial, (int)batch, code.sheets,
                                             code.check, err);
            if (s != FK_OK)
                return s;
        } else if (!first && code.sheet != 1) {
            const fk__env *e = fk__lookup(p, code.category, code.serial);
            if (e == NULL || e->sheets != code.sheets || memcmp(e->check, code.check, 10) != 0)
                return fk_failf(err, FK_ETAMPER,
                                _("%s:%ld: sheet %d/%d of %c-%06ld disagrees with its sheet 1"),
                                name, lineno, code.sheet, code.sheets,
                                fk_category_code(code.category), code.serial);
        }
    }
    return FK_OK;
}

fk_status fk_verify_plan_add_run(fk_verify_plan *p, const char *name, const char *data, size_t len,
                                 fk_err *err)
{
    fk_status s = fk__run_pass(p, name, data, len, /*first*/ true, err);
    return s == FK_OK ? fk__run_pass(p, name, data, len, /*first*/ false, err) : s;
}

fk_status fk_verify_plan_confirm(fk_verify_plan *p, fk_category c, long serial, const char *check,
                                 fk_err *err)
{
    fk__env *e = fk__lookup(p, c, serial);
    if (e == NULL)
        return fk_failf(err, FK_ENOENT, _("envelope %c-%06ld is not in the run file"),
                        fk_category_code(c), serial);
    if (strlen(check) != FK_VERIFY_CHECK_HEX - 1 || memcmp(e->check, check, 10) != 0)
        return fk_failf(err, FK_ETAMPER,
                        _("envelope %c-%06ld: the run file's check value does not verify under the"
                          " job key"),
                        fk_category_code(c), serial);
    e->confirmed = 1;
    return FK_OK;
}

fk_status fk_verify_plan_check_confirmed(const fk_verify_plan *p, fk_err *err)
{
    for (int c = 0; c < FK_CAT_COUNT; c++)
        for (long i = 1; i < p->cap[c]; i++)
            if (p->env[c][i].sheets && !p->env[c][i].confirmed)
                return fk_failf(err, FK_ETAMPER,
                                _("envelope %c-%06ld of the run file has no composed record"),
                                fk_category_code((fk_category)c), i);
    return FK_OK;
}

long fk_verify_plan_count(const fk_verify_plan *p)
{
    return p->count;
}

const char *fk_verify_plan_job_code(const fk_verify_plan *p)
{
    return p->job;
}

static fk_verify_envelope_info fk__info(const fk_verify_plan *p, int c, long serial)
{
    const fk__env *e = &p->env[c][serial];
    return (fk_verify_envelope_info){(fk_category)c, serial, e->batch, e->sheets, e->check};
}

void fk_verify_plan_foreach(const fk_verify_plan *p,
                            int (*visit)(const fk_verify_envelope_info *, void *), void *ctx)
{
    for (int c = 0; c < FK_CAT_COUNT; c++)
        for (long i = 1; i < p->cap[c]; i++)
            if (p->env[c][i].sheets) {
                fk_verify_envelope_info info = fk__info(p, c, i);
                if (visit(&info, ctx) != 0)
                    return;
            }
}

fk_status fk_verify_new(const fk_verify_plan *plan, const fk_verify_hooks *hooks, fk_verify **out,
                        fk_err *err)
{
    fk_verify *v = fk_calloc(1, sizeof *v);
    if (v == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    v->plan = plan;
    if (hooks != NULL)
        v->hooks = *hooks;
    for (int c = 0; c < FK_CAT_COUNT; c++) {
        if (plan->cap[c] == 0)
            continue;
        v->mark[c] = fk_calloc((size_t)plan->cap[c], sizeof *v->mark[c]);
        if (v->mark[c] == NULL) {
            fk_verify_free(v);
            return fk_failf(err, FK_ENOMEM, _("out of memory"));
        }
    }
    *out = v;
    return FK_OK;
}

void fk_verify_free(fk_verify *v)
{
    if (v == NULL)
        return;
    for (int c = 0; c < FK_CAT_COUNT; c++)
        fk_free(v->mark[c]);
    fk_free(v);
}

static fk__mark *fk__mark_of(const fk_verify *v, fk_category c, long serial)
{
    return fk__lookup(v->plan, c, serial) ? &v->mark[c][serial] : NULL;
}

void fk_verify_set_state(fk_verify *v, fk_category c, long serial, fk_encl_state state)
{
    fk__mark *m = fk__mark_of(v, c, serial);
    if (m != NULL)
        m->state = (uint8_t)state;
}

fk_encl_state fk_verify_get_state(const fk_verify *v, fk_category c, long serial)
{
    const fk__mark *m = fk__mark_of(v, c, serial);
    return m ? (fk_encl_state)m->state : FK_ENCL_NONE;
}

typedef enum { FK__UNREAD, FK__FORGED, FK__FOREIGN, FK__GENUINE } fk__kind;

fk_status fk_verify_envelope(fk_verify *v, const char *const *payloads, size_t n,
                             fk_verify_result *out, fk_err *err)
{
    if (n == 0 || n > 64)
        return fk_failf(err, FK_EINVAL, _("an envelope has 1 to 64 sheets, not %zu"), n);
    const fk_verify_plan *p = v->plan;
    fk_verify_code code[64];
    fk__kind kind[64];
    size_t first_genuine = n, first_sheet1 = n, first_claim = n;
    memset(out, 0, sizeof *out);
    out->sheets_read = (int)n;
    for (size_t i = 0; i < n; i++) {
        const fk__env *e = NULL;
        if (payloads[i] == NULL || payloads[i][0] == '\0') {
            kind[i] = FK__UNREAD;
            continue;
        }
        if (!fk_verify_code_parse(payloads[i], &code[i])) {
            kind[i] = FK__FORGED;
            continue;
        }
        if (strcmp(code[i].job, p->job) != 0) {
            kind[i] = FK__FOREIGN;
            continue;
        }
        e = fk__lookup(p, code[i].category, code[i].serial);
        if (e != NULL && first_claim == n)
            first_claim = i;
        /* The check value is the proof: it cannot be made without the job key. A proof
         * sheet's specimen or a sheet printed elsewhere fails here. */
        if (e == NULL || e->sheets != code[i].sheets || memcmp(e->check, code[i].check, 10) != 0) {
            kind[i] = FK__FORGED;
            continue;
        }
        kind[i] = FK__GENUINE;
        if (first_genuine == n)
            first_genuine = i;
        if (code[i].sheet == 1 && first_sheet1 == n)
            first_sheet1 = i;
    }
    size_t id = first_sheet1 < n ? first_sheet1 : first_genuine < n ? first_genuine : first_claim;
    unsigned faults = 0;
    int unread = 0, forged = 0, swapped = 0;
    unsigned present = 0;
    for (size_t i = 0; i < n; i++) {
        switch (kind[i]) {
        case FK__UNREAD:
            faults |= FK_FAULT_UNREAD;
            unread++;
            break;
        case FK__FORGED:
            faults |= FK_FAULT_FORGED;
            forged++;
            break;
        case FK__FOREIGN:
            faults |= FK_FAULT_FOREIGN;
            break;
        case FK__GENUINE: {
            fk__mark *m = &v->mark[code[i].category][code[i].serial];
            unsigned bit = 1u << (code[i].sheet - 1);
            if (m->seen & bit)
                faults |= FK_FAULT_DUPLICATE; /* repeated here, or already in another envelope */
            m->seen |= (uint8_t)bit;
            const fk__env *e = fk__lookup(p, code[i].category, code[i].serial);
            if (e != NULL && v->hooks.is_printed != NULL &&
                !v->hooks.is_printed(v->hooks.ctx, code[i].category, e->batch, code[i].sheet))
                faults |= FK_FAULT_NOT_PRINTED;
            if (code[i].category != code[id].category || code[i].serial != code[id].serial) {
                faults |= FK_FAULT_SWAPPED;
                swapped++;
            } else {
                present |= bit;
            }
            break;
        }
        }
    }
    const fk__env *ide = id < n ? fk__lookup(p, code[id].category, code[id].serial) : NULL;
    if (ide != NULL) {
        const fk__env *e = ide;
        fk__mark *m = &v->mark[code[id].category][code[id].serial];
        int have = __builtin_popcount(present);
        if (e->sheets - have > unread + forged + swapped)
            faults |= FK_FAULT_MISSING_SHEET;
        if (m->scanned || m->state == FK_ENCL_VERIFIED)
            faults |= FK_FAULT_DUPLICATE; /* no envelope twice */
        else if (m->state == FK_ENCL_FAILED)
            faults |= FK_FAULT_NOT_REWORKED;
        if (v->hooks.is_delivered != NULL &&
            v->hooks.is_delivered(v->hooks.ctx, code[id].category, code[id].serial))
            faults |= FK_FAULT_DELIVERED;
        out->identified = true;
        out->category = code[id].category;
        out->serial = code[id].serial;
        out->batch = e->batch;
        /* A second scan of an envelope never clears the first's verdict. */
        if (!(m->scanned && m->state == FK_ENCL_FAILED))
            m->state = (uint8_t)(faults ? FK_ENCL_FAILED : FK_ENCL_VERIFIED);
        if (faults & FK_FAULT_DUPLICATE)
            m->state = FK_ENCL_FAILED;
        m->scanned = 1;
    }
    out->faults = faults;
    return FK_OK;
}

void fk_verify_get_totals(const fk_verify *v, fk_verify_totals *out)
{
    memset(out, 0, sizeof *out);
    const fk_verify_plan *p = v->plan;
    for (int c = 0; c < FK_CAT_COUNT; c++)
        for (long i = 1; i < p->cap[c]; i++) {
            if (!p->env[c][i].sheets)
                continue;
            out->composed[c]++;
            switch ((fk_encl_state)v->mark[c][i].state) {
            case FK_ENCL_VERIFIED:
                out->verified[c]++;
                break;
            case FK_ENCL_FAILED:
            case FK_ENCL_REWORK:
                out->failed[c]++;
                break;
            case FK_ENCL_NONE:
                out->missing[c]++;
                break;
            }
        }
}

void fk_verify_foreach_state(const fk_verify *v, fk_encl_state state,
                             int (*visit)(const fk_verify_envelope_info *, void *), void *ctx)
{
    const fk_verify_plan *p = v->plan;
    for (int c = 0; c < FK_CAT_COUNT; c++)
        for (long i = 1; i < p->cap[c]; i++)
            if (p->env[c][i].sheets && v->mark[c][i].state == (uint8_t)state) {
                fk_verify_envelope_info info = fk__info(p, c, i);
                if (visit(&info, ctx) != 0)
                    return;
            }
}
