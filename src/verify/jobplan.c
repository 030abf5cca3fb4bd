/* The enclosure check against a job: see jobplan.h. */
#include "jobplan.h"
#include "core/enclosure.h"
#include "core/files.h"
#include "core/moves.h"
#include "core/prints.h"
#include "core/records.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    fk_job *job;
    fk_verify_plan *plan;
    fk_status status;
    fk_err *err;
    fk_verify_progress_fn progress;
    void *ctx;
    size_t seen, total;
} fk__confirm;

static int fk__confirm_record(const fk_record *r, const fk_record_meta *m, void *ctx)
{
    fk__confirm *c = ctx;
    if (c->progress != NULL && ++c->seen % 256 == 0 && c->seen < c->total)
        c->progress(c->ctx, N_("confirming envelopes"), c->seen, c->total);
    if (m->serial <= 0)
        return 0; /* held back or not composed: no envelope */
    char check[FK_CHECK_VALUE_HEX];
    c->status = fk_job_check_value(c->job, r, check, c->err);
    if (c->status == FK_OK)
        c->status = fk_verify_plan_confirm(c->plan, m->category, m->serial, check, c->err);
    return c->status != FK_OK;
}

fk_status fk_verify_plan_from_job(fk_job *job, fk_verify_progress_fn progress, void *ctx,
                                  fk_verify_plan **out, fk_err *err)
{
    fk_verify_plan *plan = NULL;
    fk_buf run;
    fk_buf_init(&run, (size_t)1 << 31);
    fk_status s = fk_job_file_get(job, "run.csv", &run, err);
    if (s == FK_ENOENT)
        s = fk_failf(err, FK_ESTATE, _("nothing to verify: run 'fukan compose' first"));
    if (s == FK_OK)
        s = fk_verify_plan_new(fk_order_job_code(fk_job_order(job)), &plan, err);
    if (s == FK_OK)
        s = fk_verify_plan_add_run(plan, "run.csv", run.data, run.len, err);
    fk__confirm c = {job, plan, FK_OK, err, progress, ctx, 0, 0};
    fk_job_counts counts;
    if (s == FK_OK)
        s = fk_job_counts_get(job, &counts, err);
    c.total = s == FK_OK ? (size_t)counts.accepted : 0;
    if (s == FK_OK)
        s = fk_job_records_foreach(job, fk__confirm_record, &c, err);
    if (s == FK_OK && c.status == FK_OK && progress != NULL)
        progress(ctx, N_("confirming envelopes"), c.seen, c.seen);
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

/* A print file of the job: category, batch, sheet (① 1, ② 2) and state. */
typedef struct {
    fk_category category;
    int batch, sheet;
    fk_file_state state;
    char name[104];
    bool complete; /* every envelope of its batch verified */
} fk__file;

struct fk_verify_printed {
    fk__file *items;
    size_t n, cap;
    fk_status status;
    fk_err *err;
};

static int fk__add_file(const fk_job_file *f, void *ctx)
{
    fk_verify_printed *p = ctx;
    if (f->category < 0)
        return 0; /* run file, summaries */
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        fk__file *items = fk_realloc(p->items, cap * sizeof *items);
        if (items == NULL) {
            p->status = fk_failf(p->err, FK_ENOMEM, _("out of memory"));
            return 1;
        }
        p->items = items;
        p->cap = cap;
    }
    fk__file *it = &p->items[p->n++];
    *it = (fk__file){(fk_category)f->category,
                     f->batch,
                     strcmp(f->document, "results") == 0 ? 2 : 1,
                     f->state,
                     "",
                     true};
    snprintf(it->name, sizeof it->name, "%s", f->name);
    return 0;
}

static fk_status fk__files_load(fk_job *job, fk_verify_printed **out, fk_err *err)
{
    *out = fk_calloc(1, sizeof **out);
    if (*out == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    (*out)->err = err;
    fk_status s = fk_job_files_foreach(job, fk__add_file, *out, err);
    if (s == FK_OK)
        s = (*out)->status;
    if (s != FK_OK) {
        fk_verify_printed_free(*out);
        *out = NULL;
    }
    return s;
}

fk_status fk_verify_printed_from_job(fk_job *job, fk_verify_printed **out, fk_err *err)
{
    return fk__files_load(job, out, err);
}

bool fk_verify_printed_has(void *printed, fk_category c, int batch, int sheet)
{
    const fk_verify_printed *p = printed;
    for (size_t i = 0; i < p->n; i++)
        if (p->items[i].category == c && p->items[i].batch == batch && p->items[i].sheet == sheet)
            return p->items[i].state != FK_FILE_COMPOSED;
    return false;
}

void fk_verify_printed_free(fk_verify_printed *p)
{
    if (p == NULL)
        return;
    fk_free(p->items);
    fk_free(p);
}

/* Sorted keys (category, serial) as one number each: the store hands them out in order. */
struct fk_verify_delivered {
    long long *keys;
    size_t n, cap;
    fk_status status;
    fk_err *err;
};

static long long fk__delivered_key(fk_category c, long serial)
{
    return ((long long)c << 40) | (long long)serial;
}

static int fk__add_delivered(fk_category c, long serial, void *ctx)
{
    fk_verify_delivered *d = ctx;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 256;
        long long *keys = fk_realloc(d->keys, cap * sizeof *keys);
        if (keys == NULL) {
            d->status = fk_failf(d->err, FK_ENOMEM, _("out of memory"));
            return 1;
        }
        d->keys = keys;
        d->cap = cap;
    }
    d->keys[d->n++] = fk__delivered_key(c, serial);
    return 0;
}

fk_status fk_verify_delivered_from_job(fk_job *job, fk_verify_delivered **out, fk_err *err)
{
    *out = fk_calloc(1, sizeof **out);
    if (*out == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    (*out)->err = err;
    fk_status s = fk_job_serials_foreach(job, FK_REC_DELIVERED, fk__add_delivered, *out, err);
    if (s == FK_OK)
        s = (*out)->status;
    if (s != FK_OK) {
        fk_verify_delivered_free(*out);
        *out = NULL;
    }
    return s;
}

bool fk_verify_delivered_has(const fk_verify_delivered *d, fk_category c, long serial)
{
    long long key = fk__delivered_key(c, serial);
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->keys[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->n && d->keys[lo] == key;
}

void fk_verify_delivered_free(fk_verify_delivered *d)
{
    if (d == NULL)
        return;
    fk_free(d->keys);
    fk_free(d);
}

typedef struct {
    fk_verify_printed *files;
    const fk_verify *v;
    fk_job *job;
    fk_status status;
    fk_err *err;
} fk__completeness;

static int fk__note_envelope(const fk_verify_envelope_info *e, void *ctx)
{
    fk__completeness *c = ctx;
    if (fk_verify_get_state(c->v, e->category, e->serial) == FK_ENCL_VERIFIED) {
        /* Paper declared printed outside the print log leaves its records composed. */
        c->status = fk_job_records_move_serials(c->job, e->category, e->serial, e->serial,
                                                FK_REC_PRINTED, FK_REC_VERIFIED, NULL, c->err);
        return c->status != FK_OK;
    }
    for (size_t i = 0; i < c->files->n; i++)
        if (c->files->items[i].category == e->category && c->files->items[i].batch == e->batch)
            c->files->items[i].complete = false;
    return 0;
}

fk_status fk_verify_mark_files(fk_job *job, const fk_verify_plan *plan, const fk_verify *v,
                               fk_err *err)
{
    fk_verify_printed *files;
    fk_status s = fk__files_load(job, &files, err);
    if (s != FK_OK)
        return s;
    fk__completeness c = {files, v, job, FK_OK, err};
    fk_verify_plan_foreach(plan, fk__note_envelope, &c);
    s = c.status;
    for (size_t i = 0; s == FK_OK && i < files->n; i++) {
        const fk__file *f = &files->items[i];
        if (f->state != FK_FILE_PRINTED || !f->complete)
            continue;
        s = fk_job_file_move(job, f->name, FK_FILE_VERIFIED, err);
        if (s == FK_OK)
            s = fk_job_file_set_checked(job, f->name, err);
    }
    fk_verify_printed_free(files);
    return s;
}
