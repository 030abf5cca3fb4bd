/* fukan check: the quality gate — recompute each record's guidance level and doctor-visit
 * flags from its results and compare them with the ward's category. */
#include "cli.h"
#include "core/reconcile.h"
#include "core/records.h"
#include "health/health.h"
#include "session.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    "usage: fukan check JOBDIR [--accept TAG --reason TEXT | --accept-counts --reason TEXT]\n"
    "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
    "For every accepted record, computes the guidance level (階層化, 第4期 rules) and the values\n"
    "at doctor-visit thresholds from the results, sex and 年度末年齢, and compares them with the\n"
    "ward's 利用券種別 and 保健指導区分 (rules/health-4.yaml, overridable by the order's "
    "`rules`).\n"
    "Each disagreement is listed by source line and the person's tag (a keyed hash of the\n"
    "resident number), never by name, and the record is held back from composing. Exit 1 when\n"
    "any disagreement is not accepted. A responsible manager accepts one with --accept TAG\n"
    "--reason TEXT (audited); the record is then released. A ward's BMI that differs from\n"
    "体重/身長² by more than 0.1 is a finding of its own (the ward's data is inconsistent),\n"
    "accepted the same way. Accepted counts that differ from the order's (or a package\n"
    "without rows) are a finding too, and block composing until a responsible manager\n"
    "accepts them with --accept-counts --reason TEXT (audited) or the package is replaced.\n"
    "A job with no package opened is a finding: there is nothing to check.\n";

typedef struct {
    fk_job *job;
    const fk_rules *rules;
    const char *accept_tag, *reason;
    bool accept_counts;
    long checked, disagreements, accepted_count, held;
    bool accept_done;
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
    fk_health_assessment a;
    char why[256];
    fk_health_assess(c->rules, r, &a);
    fk_health_check result = fk_health_check_category(c->rules, r, &a, why, sizeof why);
    bool held = false;
    c->checked++;
    if (result != FK_CHECK_AGREE) {
        const char *kind = fk_health_check_name(result);
        c->disagreements++;
        bool accepted = fk__is_accepted(c, m, kind);
        if (c->status != FK_OK)
            return 1;
        held = !accepted;
        c->accepted_count += accepted;
        printf("line %ld [%s] %s: %s%s\n", m->line, m->tag, kind, why,
               accepted ? " (accepted)" : " (held back)");
    }
    double difference;
    if (fk_health_bmi_differs(r, &difference)) {
        c->disagreements++;
        bool accepted = fk__is_accepted(c, m, "bmi");
        if (c->status != FK_OK)
            return 1;
        held = held || !accepted;
        c->accepted_count += accepted;
        printf("line %ld [%s] bmi: the ward's BMI differs from 体重/身長² by %.2f (more than"
               " %.1f): the ward's data is inconsistent%s\n",
               m->line, m->tag, difference, FK_HEALTH_BMI_TOLERANCE,
               accepted ? " (accepted)" : " (held back)");
    }
    c->held += held;
    c->status = fk_job_record_set_checked(c->job, m->id, held, c->err);
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
    s = fk_job_records_foreach(c->job, fk__visit, c, c->err);
    if (s == FK_OK)
        s = c->status;
    if (s == FK_OK && c->accept_tag != NULL && !c->accept_done)
        s = fk_failf(c->err, FK_ENOENT, "no disagreement for tag %s", c->accept_tag);
    return fk_job_end(c->job, s, c->err);
}

/* The order/package reconciliation: a finding unless a manager accepted it. */
static fk_status fk__counts(fk__check *c, bool *blocking)
{
    fk_reconciliation r;
    fk_status s = fk_job_reconcile(c->job, &r, c->err);
    if (s != FK_OK)
        return s;
    if (!r.is_opened)
        return fk_failf(c->err, FK_EFINDING, "no package has been opened: nothing to check");
    char what[384];
    fk_reconciliation_describe(&r, what, sizeof what);
    *blocking = fk_reconciliation_is_blocking(&r);
    if (r.differs || r.is_empty)
        printf("counts: %s%s\n", what,
               r.is_accepted ? " (accepted)" : " (not accepted: composing is refused)");
    return FK_OK;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"accept", required_argument, NULL, 'a'},
                                            {"accept-counts", no_argument, NULL, 'c'},
                                            {"reason", required_argument, NULL, 'r'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk__check c = {0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'a')
            c.accept_tag = optarg;
        else if (opt == 'c')
            c.accept_counts = true;
        else if (opt == 'r')
            c.reason = optarg;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || (c.accept_tag != NULL && c.accept_counts) ||
        (c.accept_tag != NULL || c.accept_counts) != (c.reason != NULL)) {
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    unsigned roles = c.accept_tag || c.accept_counts ? FK_ROLE_MANAGER : FK_ROLES_STAFF;
    int rc = fk_cli_open_job(argv[optind], &login, "check", roles, &c.job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    c.err = &err;
    if (c.accept_counts) {
        fk_status s = fk_job_counts_accept(c.job, c.reason, &err);
        if (s == FK_OK)
            printf("count difference accepted by %s\n", fk_job_user(c.job));
        return fk_cli_finish(c.job, "counts", s, "count difference accepted", &err);
    }
    bool counts_blocking = false;
    fk_rules *rules = NULL;
    fk_status s = fk__counts(&c, &counts_blocking);
    if (s == FK_OK)
        s = fk__load_rules(c.job, &rules, &err);
    c.rules = rules;
    if (s == FK_OK)
        s = fk__check_all(&c);
    fk_rules_free(rules);
    char details[160];
    snprintf(details, sizeof details, "%ld checked, %ld disagreements, %ld accepted, %ld held",
             c.checked, c.disagreements, c.accepted_count, c.held);
    if (s == FK_OK) {
        printf("%s\n", details);
        if (c.held > 0)
            s = fk_failf(&err, FK_EFINDING, "%ld records held back from composing%s", c.held,
                         counts_blocking ? "; the counts differ from the order" : "");
        else if (counts_blocking)
            s = fk_failf(&err, FK_EFINDING,
                         "the accepted counts differ from the order: a responsible manager"
                         " accepts them with --accept-counts --reason TEXT");
    }
    return fk_cli_finish(c.job, c.accept_tag ? c.accept_tag : "records", s, details, &err);
}

const fk_command fk_cmd_check = {
    .name = "check",
    .summary = "quality gate: recompute guidance levels and doctor-visit flags",
    .usage = fk__usage,
    .run = fk__run,
};
