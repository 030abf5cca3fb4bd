/* The enclosure check against a job: see jobplan.h. */
#include "jobplan.h"
#include "core/enclosure.h"
#include "core/files.h"
#include "core/records.h"
#include "util/buf.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    fk_job *job;
    fk_verify_plan *plan;
    fk_status status;
    fk_err *err;
} fk__confirm;

static int fk__confirm_record(const fk_record *r, const fk_record_meta *m, void *ctx)
{
    fk__confirm *c = ctx;
    if (m->serial <= 0)
        return 0; /* held back or not composed: no envelope */
    char check[FK_CHECK_VALUE_HEX];
    c->status = fk_job_check_value(c->job, r, check, c->err);
    if (c->status == FK_OK)
        c->status = fk_verify_plan_confirm(c->plan, m->category, m->serial, check, c->err);
    return c->status != FK_OK;
}

fk_status fk_verify_plan_from_job(fk_job *job, fk_verify_plan **out, fk_err *err)
{
    fk_verify_plan *plan = NULL;
    fk_buf run;
    fk_buf_init(&run, (size_t)1 << 31);
    fk_status s = fk_job_file_get(job, "run.csv", &run, err);
    if (s == FK_ENOENT)
        s = fk_failf(err, FK_ESTATE, "nothing to verify: run 'fukan compose' first");
    if (s == FK_OK)
        s = fk_verify_plan_new(fk_order_job_code(fk_job_order(job)), &plan, err);
    if (s == FK_OK)
        s = fk_verify_plan_add_run(plan, "run.csv", run.data, run.len, err);
    fk__confirm c = {job, plan, FK_OK, err};
    if (s == FK_OK)
        s = fk_job_records_foreach(job, fk__confirm_record, &c, err);
    if (s == FK_OK)
        s = c.status;
    if (s == FK_OK)
        s = fk_verify_plan_check_confirmed(plan, err);
    fk_buf_free(&run);
    if (s != FK_OK) {
        fk_verify_plan_free(plan);
        return s;
    }
    *out = plan;
    return FK_OK;
}

static int fk__seed(const fk_encl_row *row, void *ctx)
{
    fk_verify_set_state(ctx, row->category, row->serial, row->state);
    return 0;
}

fk_status fk_verify_load_states(fk_verify *v, fk_job *job, fk_err *err)
{
    return fk_job_encl_foreach(job, fk__seed, v, err);
}

fk_status fk_verify_store_result(fk_job *job, const fk_verify_result *r, const char *source,
                                 fk_err *err)
{
    if (!r->identified)
        return FK_OK;
    char faults[256];
    fk_verify_faults_describe(r->faults, faults, sizeof faults);
    /* A duplicate of an envelope already verified fails the pair: one of them must go. */
    return fk_job_encl_record(job, r->category, r->serial, r->batch,
                              r->faults ? FK_ENCL_FAILED : FK_ENCL_VERIFIED,
                              r->faults ? "fail" : "pass", faults, source, err);
}

bool fk_verify_parse_envelope(const char *s, fk_category *c, long *serial)
{
    char code[2] = {s[0], '\0'};
    if (s[0] == '\0' || s[1] != '-' || !fk_category_parse(code, c))
        return false;
    const char *p = s + 2;
    if (*p < '0' || *p > '9' || strlen(p) > 9)
        return false;
    char *end;
    long v = strtol(p, &end, 10);
    if (*end != '\0' || v < 1)
        return false;
    *serial = v;
    return true;
}
