/* fk_step_verify: the enclosure check (突合) over src/verify, with rework, history and the
 * per-batch summary. See fukan.h. */
#include "fukan.h"
#include "core/moves.h"
#include "util/mem.h"
#include "verify/camera.h"
#include "verify/images.h"
#include "verify/jobplan.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static void fk__note(const fk_verify_options *o, const char *line)
{
    if (o->note != NULL)
        o->note(o->ctx, line);
}

/* What the check asks the job: printed by the print log (or the operator's list of files
 * printed outside fukan, or assumed), and delivered by a receipt. */
typedef struct {
    const fk_verify_options *o;
    const char *job_code;
    fk_verify_printed *printed; /* NULL: the operator's list, or assumed printed */
    fk_verify_delivered *delivered;
} fk__hooks_ctx;

static bool fk__is_printed(void *ctx, fk_category c, int batch, int sheet)
{
    const fk__hooks_ctx *p = ctx;
    if (p->printed != NULL)
        return fk_verify_printed_has(p->printed, c, batch, sheet);
    if (p->o->printed == NULL)
        return true; /* --assume-printed */
    char name[96];
    snprintf(name, sizeof name, "%s-%c-%d-%03d.pdf", p->job_code, fk_category_code(c), sheet,
             batch);
    for (size_t i = 0; i < p->o->n_printed; i++)
        if (strcmp(p->o->printed[i], name) == 0)
            return true;
    return false;
}

static bool fk__is_delivered(void *ctx, fk_category c, long serial)
{
    const fk__hooks_ctx *p = ctx;
    return fk_verify_delivered_has(p->delivered, c, serial);
}

static int fk__listed(const fk_verify_envelope_info *e, void *ctx)
{
    const void *const *a = ctx;
    const fk_verify_options *o = a[0];
    if (o->listed != NULL)
        o->listed(o->ctx, a[1], e->category, e->serial, e->batch);
    return 0;
}

/* Stores the outcomes and counts; FK_EFINDING unless every envelope is verified. */
static fk_status fk__finish_check(fk_job *job, const fk_verify_options *o,
                                  const fk_verify_plan *plan, fk_verify *v,
                                  const fk_verify_outcomes *res, bool stored, const char *source,
                                  fk_verify_outcome_counts *out, fk_err *err)
{
    for (size_t i = 0; i < res->n; i++) {
        const fk_verify_result *r = &res->items[i].result;
        if (r->faults == 0)
            continue;
        out->failed++;
        char faults[256];
        if (fk_i18n_is_japanese())
            fk_verify_faults_describe_labelled(r->faults, faults, sizeof faults);
        else
            fk_verify_faults_describe(r->faults, faults, sizeof faults);
        fk_verify_failure f = {r->identified,          r->category, r->serial, r->batch,
                               res->items[i].envelope, faults};
        if (o->failure != NULL)
            o->failure(o->ctx, &f);
    }
    out->read = (long)res->n;
    out->sheets = res->sheets;
    fk_status s = fk_job_begin(job, err);
    for (size_t i = 0; s == FK_OK && !stored && i < res->n; i++)
        s = fk_verify_store_result(job, &res->items[i].result, source, err);
    if (s == FK_OK)
        s = fk_verify_mark_files(job, plan, v, err);
    if (s == FK_OK)
        s = fk_job_moves_audit(job, err);
    s = fk_job_end(job, s, err);
    if (s != FK_OK)
        return s;
    static const char *const states[] = {N_("failed"), N_("rework"), N_("missing")};
    static const fk_encl_state which[] = {FK_ENCL_FAILED, FK_ENCL_REWORK, FK_ENCL_NONE};
    for (int i = 0; i < 3; i++) {
        const void *a[2] = {o, states[i]};
        fk_verify_foreach_state(v, which[i], fk__listed, (void *)a);
    }
    fk_verify_totals t;
    fk_verify_get_totals(v, &t);
    for (int c = 0; c < FK_CAT_COUNT; c++) {
        out->composed[c] = t.composed[c];
        out->verified[c] = t.verified[c];
        out->failed_job[c] = t.failed[c];
        out->missing[c] = t.missing[c];
        out->composed_all += t.composed[c];
        out->verified_all += t.verified[c];
        out->failed_all += t.failed[c];
        out->missing_all += t.missing[c];
    }
    snprintf(out->details, sizeof out->details,
             "%s: %zu envelopes read, %ld failed; job verified %ld of %ld, failed %ld, missing %ld",
             source, res->n, out->failed, out->verified_all, out->composed_all, out->failed_all,
             out->missing_all);
    if (out->failed > 0 || out->failed_all > 0 || out->missing_all > 0)
        return fk_failf(err, FK_EFINDING,
                        _("%ld envelopes failed in this check; job: %ld failed, %ld missing"),
                        out->failed, out->failed_all, out->missing_all);
    return FK_OK;
}

static void fk__unreadable(void *ctx, const char *file, int page, const char *why)
{
    char line[600];
    snprintf(line, sizeof line, _("unreadable image %s page %d: %s"), file, page + 1, why);
    fk__note(ctx, line);
}

static fk_status fk__check(fk_job *job, const fk_verify_options *o, fk_verify_outcome_counts *out,
                           fk_err *err)
{
    fk_verify_plan *plan = NULL;
    fk_verify *v = NULL;
    fk_verify_outcomes res = {0};
    fk__hooks_ctx hc = {o, fk_order_job_code(fk_job_order(job)), NULL, NULL};
    fk_verify_hooks hooks = {fk__is_printed, fk__is_delivered, &hc};
    /* The print log says what is printed, unless the operator states it for paper printed
     * outside fukan. */
    fk_status s = FK_OK;
    if (o->printed == NULL && !o->assume_printed)
        s = fk_verify_printed_from_job(job, &hc.printed, err);
    if (s == FK_OK)
        s = fk_verify_delivered_from_job(job, &hc.delivered, err);
    if (s == FK_OK)
        s = fk_verify_plan_from_job(job, o->progress, o->ctx, &plan, err);
    if (s == FK_OK)
        s = fk_verify_new(plan, &hooks, &v, err);
    if (s == FK_OK)
        s = fk_verify_load_states(v, job, err);
    char source[300];
    bool station = false;
    if (o->camera != NULL) {
        const char *base = strrchr(o->camera, '/');
        snprintf(source, sizeof source, "camera %s", base ? base + 1 : o->camera);
        if (s == FK_OK) {
            s = fk_verify_camera_file(v, o->camera, &res, err);
            if (s != FK_OK && s != FK_ENOMEM && o->record_partial && res.n > 0) {
                char line[700];
                if (o->warning != NULL) {
                    o->warning(o->ctx, fk_err_message(err));
                    snprintf(line, sizeof line,
                             _("recording the %zu envelopes read before the error"
                               " (--record-partial)"),
                             res.n);
                    o->warning(o->ctx, line);
                }
                s = FK_OK;
            }
        }
    } else if (o->images != NULL) {
        snprintf(source, sizeof source, "images");
        if (s == FK_OK) {
            fk_verify_options copy = *o; /* the hook's context is not const */
            s = fk_verify_images_dir(v, o->images, &res, fk__unreadable, &copy, err);
        }
    } else {
        snprintf(source, sizeof source, "station");
        station = true;
        if (s == FK_OK && o->station == NULL)
            s = fk_failf(err, FK_EINVAL, _("verify: no scan station"));
        if (s == FK_OK)
            s = o->station(o->ctx, job, v, &res, err);
    }
    if (s == FK_OK)
        s = fk__finish_check(job, o, plan, v, &res, station, source, out, err);
    else if (s != FK_EFINDING)
        snprintf(out->details, sizeof out->details, "%s: nothing recorded", source);
    fk_verify_outcomes_free(&res);
    fk_verify_free(v);
    fk_verify_plan_free(plan);
    fk_verify_printed_free(hc.printed);
    fk_verify_delivered_free(hc.delivered);
    return s;
}

typedef struct {
    fk_category *c;
    long *serial;
    size_t n, cap;
    bool out_of_memory;
} fk__failed;

static int fk__collect_failed(const fk_encl_row *row, void *ctx)
{
    fk__failed *f = ctx;
    if (row->state != FK_ENCL_FAILED)
        return 0;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 256;
        fk_category *c = fk_realloc(f->c, cap * sizeof *c);
        if (c != NULL)
            f->c = c;
        long *serial = c ? fk_realloc(f->serial, cap * sizeof *serial) : NULL;
        if (serial == NULL) {
            f->out_of_memory = true;
            return 1;
        }
        f->serial = serial;
        f->cap = cap;
    }
    f->c[f->n] = row->category;
    f->serial[f->n++] = row->serial;
    return 0;
}

/* "failed": every failed envelope at once (the demo; a table of reworked pieces). */
static fk_status fk__rework_all(fk_job *job, const fk_verify_options *o,
                                fk_verify_outcome_counts *out, fk_err *err)
{
    fk__failed f = {0};
    fk_status s = fk_job_encl_foreach(job, fk__collect_failed, &f, err);
    if (s == FK_OK && f.out_of_memory)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    for (size_t i = 0; s == FK_OK && i < f.n; i++) {
        s = fk_job_encl_rework(job, f.c[i], f.serial[i], o->reason ? o->reason : "", err);
        if (s == FK_OK) {
            char line[64];
            snprintf(line, sizeof line, _("envelope %c-%06ld opened for rework"),
                     fk_category_code(f.c[i]), f.serial[i]);
            fk__note(o, line);
        }
    }
    snprintf(out->details, sizeof out->details, "%zu failed envelopes opened for rework", f.n);
    fk_free(f.c);
    fk_free(f.serial);
    return s;
}

static void fk__event(const fk_encl_event *e, void *ctx)
{
    const fk_verify_options *o = ctx;
    if (o->event != NULL)
        o->event(o->ctx, e);
}

static int fk__event_cb(const fk_encl_event *e, void *ctx)
{
    fk__event(e, ctx);
    return 0;
}

static int fk__batch_cb(const fk_encl_summary *m, void *ctx)
{
    const fk_verify_options *o = ctx;
    if (o->batch != NULL)
        o->batch(o->ctx, m);
    return 0;
}

fk_status fk_step_verify(fk_job *job, const fk_verify_options *opts, fk_verify_outcome_counts *out,
                         fk_err *err)
{
    memset(out, 0, sizeof *out);
    fk_verify_options copy = *opts; /* the visitors' context is not const */
    fk_category c;
    long serial;
    fk_status s;
    switch (opts->mode) {
    case FK_VERIFY_HISTORY:
        if (!fk_verify_parse_envelope(opts->envelope, &c, &serial))
            s = fk_failf(err, FK_EINVAL, _("'%s' is not an envelope (C-SERIAL, e.g. S-000123)"),
                         opts->envelope);
        else
            s = fk_job_encl_history(job, c, serial, fk__event_cb, &copy, err);
        snprintf(out->details, sizeof out->details, "history shown");
        return s;
    case FK_VERIFY_SUMMARY:
        s = fk_job_encl_summary(job, fk__batch_cb, &copy, err);
        snprintf(out->details, sizeof out->details, "summary shown");
        return s;
    case FK_VERIFY_REWORK:
        if (strcmp(opts->envelope, "failed") == 0)
            return fk__rework_all(job, opts, out, err);
        if (!fk_verify_parse_envelope(opts->envelope, &c, &serial))
            return fk_failf(err, FK_EINVAL, _("'%s' is not an envelope (C-SERIAL, e.g. S-000123)"),
                            opts->envelope);
        s = fk_job_encl_rework(job, c, serial, opts->reason ? opts->reason : "", err);
        snprintf(out->details, sizeof out->details, "envelope %s opened for rework",
                 opts->envelope);
        if (s == FK_OK) {
            char line[160];
            snprintf(line, sizeof line, _("envelope %s opened for rework"), opts->envelope);
            fk__note(opts, line);
        }
        return s;
    case FK_VERIFY_CHECK:
        break;
    }
    return fk__check(job, opts, out, err);
}
