/* fk_step_check: the quality gate — recompute each record's guidance level and doctor-visit
 * flags from its results and compare them with the ward's category; a disagreement not
 * accepted by a responsible manager holds the record back. See fukan.h. */
#include "fukan.h"
#include "step-private.h"
#include "core/moves.h"
#include "core/reconcile.h"
#include "core/records.h"
#include "health/health.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    fk_job *job;
    const fk_rules *rules;
    const char *accept_tag, *reason;
    long checked, disagreements, accepted_count, held;
    long seen, total; /* records visited, of the job's accepted ones (for progress) */
    bool accept_done;
    const fk_callbacks *cb;
    fk_status status;
    fk_err *err;
} fk__check;

static bool fk__is_accepted(fk__check *c, const fk_record_meta *m, const char *kind)
{
    bool accepted = false;
    if (c->accept_tag != NULL && strcmp(c->accept_tag, m->tag) == 0) {
        c->status = fk_job_acceptance_add(c->job, m->tag, kind, c->reason, c->err);
        c->accept_done = c->status == FK_OK;
        return c->accept_done;
    }
    c->status = fk_job_acceptance_get(c->job, m->tag, kind, &accepted, c->err);
    return accepted;
}

static int fk__visit(const fk_record *r, const fk_record_meta *m, void *ctx)
{
    fk__check *c = ctx;
    c->seen++;
    if (c->seen % 256 == 0)
        fk__step_progress(c->cb, N_("checking records"), (size_t)c->seen, (size_t)c->total);
    /* Composed and later records stay as they are: compose --replace takes them back. */
    if (m->state != FK_REC_ACCEPTED && m->state != FK_REC_CHECKED && m->state != FK_REC_HELD)
        return 0;
    fk_health_assessment a;
    char why[256];
    fk_health_assess(c->rules, r, &a);
    fk_health_check result = fk_health_check_category(c->rules, r, &a, why, sizeof why);
    bool held = false;
    const char *kind = NULL;
    c->checked++;
    if (result != FK_CHECK_AGREE) {
        kind = fk_health_check_name(result);
        c->disagreements++;
        bool accepted = fk__is_accepted(c, m, kind);
        if (c->status != FK_OK)
            return 1;
        held = !accepted;
        c->accepted_count += accepted;
        fk_finding f = {FK_FINDING_DISAGREEMENT, m->line, 0, NULL, m->tag, kind, why, accepted};
        if (c->cb != NULL && c->cb->finding != NULL && !c->cb->finding(c->cb->ctx, &f)) {
            c->status = fk_failf(c->err, FK_EFINDING, _("stopped at line %ld"), m->line);
            return 1;
        }
    }
    double difference;
    if (fk_health_bmi_differs(r, &difference)) {
        c->disagreements++;
        bool accepted = fk__is_accepted(c, m, "bmi");
        if (c->status != FK_OK)
            return 1;
        held = held || !accepted;
        kind = kind != NULL ? kind : "bmi";
        c->accepted_count += accepted;
        char bmi_why[160];
        snprintf(bmi_why, sizeof bmi_why,
                 _("the ward's BMI differs from 体重/身長² by %.2f (more than %.1f): the ward's"
                   " data is inconsistent"),
                 difference, FK_HEALTH_BMI_TOLERANCE);
        fk_finding f = {
            FK_FINDING_DISAGREEMENT, m->line, 0, NULL, m->tag, "bmi", bmi_why, accepted};
        if (c->cb != NULL && c->cb->finding != NULL && !c->cb->finding(c->cb->ctx, &f)) {
            c->status = fk_failf(c->err, FK_EFINDING, _("stopped at line %ld"), m->line);
            return 1;
        }
    }
    c->held += held;
    c->status =
        fk_job_record_move(c->job, m->id, held ? FK_REC_HELD : FK_REC_CHECKED, kind, c->err);
    return c->status != FK_OK;
}

static fk_status fk__load_rules(fk_job *job, fk_rules **rules, fk_err *err)
{
    const char *override = fk_order_rules(fk_job_order(job));
    return fk_rules_load(fk_rules_default_path(), override, rules, err);
}

static fk_status fk__check_all(fk__check *c)
{
    fk_status s = fk_job_begin(c->job, c->err);
    if (s != FK_OK)
        return s;
    c->status = FK_OK;
    fk_job_counts counts;
    s = fk_job_counts_get(c->job, &counts, c->err);
    c->total = counts.accepted;
    if (s == FK_OK)
        s = fk_job_records_foreach(c->job, fk__visit, c, c->err);
    if (s == FK_OK)
        fk__step_progress(c->cb, N_("checking records"), (size_t)c->seen, (size_t)c->seen);
    if (s == FK_OK)
        s = c->status;
    if (s == FK_OK && c->accept_tag != NULL && !c->accept_done)
        s = fk_failf(c->err, FK_ENOENT, _("no disagreement for tag %s"), c->accept_tag);
    if (s == FK_OK)
        s = fk_job_moves_audit(c->job, c->err);
    return fk_job_end(c->job, s, c->err);
}

fk_status fk_step_check(fk_job *job, const fk_check_options *opts, const fk_callbacks *cb,
                        fk_check_result *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    if (opts->accept_counts && opts->accept_tag != NULL)
        return fk_failf(err, FK_EINVAL, _("accept either a disagreement or the counts, not both"));
    if (opts->accept_counts)
        return opts->reason != NULL
                   ? fk_job_counts_accept(job, opts->reason, err)
                   : fk_failf(err, FK_EINVAL, _("accepting the counts needs a reason"));
    if ((opts->accept_tag != NULL) != (opts->reason != NULL))
        return fk_failf(err, FK_EINVAL, _("accepting a disagreement needs its tag and a reason"));
    fk__check c = {
        .job = job, .accept_tag = opts->accept_tag, .reason = opts->reason, .cb = cb, .err = err};
    /* The order/package reconciliation: a finding unless a manager accepted it. */
    fk_reconciliation rec;
    fk_status s = fk_job_reconcile(job, &rec, err);
    if (s == FK_OK && !rec.is_opened)
        s = fk_failf(err, FK_EFINDING,
                     _("no package has been opened: nothing to check (run 'fukan open JOBDIR"
                       " PACKAGE' first)"));
    if (s == FK_OK) {
        fk_reconciliation_describe(&rec, out->counts, sizeof out->counts);
        out->counts_shown = rec.differs || rec.is_empty;
        out->counts_blocking = fk_reconciliation_is_blocking(&rec);
    }
    fk_rules *rules = NULL;
    if (s == FK_OK)
        s = fk__load_rules(job, &rules, err);
    c.rules = rules;
    if (s == FK_OK)
        s = fk__check_all(&c);
    fk_rules_free(rules);
    out->checked = c.checked;
    out->disagreements = c.disagreements;
    out->accepted = c.accepted_count;
    out->held = c.held;
    return s;
}
