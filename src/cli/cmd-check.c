/* fukan check: options and the list of disagreements around fk_step_check
 * (src/job/step-check.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>

static const char fk__usage[] = N_(
    "usage: fukan check JOBDIR [--accept TAG --reason TEXT | --accept-counts --reason TEXT]\n"
    "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
    "For every accepted record, computes the guidance level (階層化, 第4期 rules) and the values\n"
    "at doctor-visit thresholds from the results, sex and 年度末年齢, and compares them with the\n"
    "ward's 利用券種別 and 保健指導区分 (rules/health-4.yaml, overridable by the order's "
    "`rules`).\n"
    "Each disagreement is listed by source line and the person's tag (a keyed hash of the\n"
    "resident number), never by name, and the record is held back from composing. Exit 1 when\n"
    "any disagreement is not accepted. A responsible manager accepts one with --accept TAG\n"
    "--reason TEXT (audited); the record is then released. Records already composed are left\n"
    "as they are (`fukan compose --replace` takes them back). A ward's BMI that differs from\n"
    "体重/身長² by more than 0.1 is a finding of its own (the ward's data is inconsistent),\n"
    "accepted the same way. Accepted counts that differ from the order's (or a package\n"
    "without rows) are a finding too, and block composing until a responsible manager\n"
    "accepts them with --accept-counts --reason TEXT (audited) or the package is replaced.\n"
    "A job with no package opened is a finding: there is nothing to check.\n");

static bool fk__on_finding(void *ctx, const fk_finding *f)
{
    (void)ctx;
    printf(_("line %ld [%s] %s: %s%s\n"), f->line, f->tag, f->what, f->reason,
           f->accepted ? _(" (accepted)") : _(" (held back)"));
    return true;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"accept", required_argument, NULL, 'a'},
                                            {"accept-counts", no_argument, NULL, 'c'},
                                            {"reason", required_argument, NULL, 'r'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk_check_options opts = {0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'a')
            opts.accept_tag = optarg;
        else if (opt == 'c')
            opts.accept_counts = true;
        else if (opt == 'r')
            opts.reason = optarg;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || (opts.accept_tag != NULL && opts.accept_counts) ||
        (opts.accept_tag != NULL || opts.accept_counts) != (opts.reason != NULL)) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    unsigned roles = opts.accept_tag || opts.accept_counts ? FK_ROLE_MANAGER : FK_ROLES_STAFF;
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "check", roles, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.progress = fk_cli_on_progress, .finding = fk__on_finding};
    fk_check_result r;
    fk_status s = fk_step_check(job, &opts, &cb, &r, &err);
    if (opts.accept_counts) {
        if (s == FK_OK)
            printf(_("count difference accepted by %s\n"), fk_job_user(job));
        return fk_cli_finish(job, "counts", s, "count difference accepted", &err);
    }
    if (s == FK_OK && r.counts_shown)
        printf(_("counts: %s%s\n"), r.counts,
               r.counts_blocking ? _(" (not accepted: composing is refused)") : _(" (accepted)"));
    char details[160];
    snprintf(details, sizeof details, "%ld checked, %ld disagreements, %ld accepted, %ld held",
             r.checked, r.disagreements, r.accepted, r.held);
    if (s == FK_OK) {
        printf(_("%ld checked, %ld disagreements, %ld accepted, %ld held\n"), r.checked,
               r.disagreements, r.accepted, r.held);
        if (r.held > 0)
            s = fk_failf(&err, FK_EFINDING,
                         r.counts_blocking ? _("%ld records held back from composing; the counts"
                                               " differ from the order")
                                           : _("%ld records held back from composing"),
                         r.held);
        else if (r.counts_blocking)
            s = fk_failf(&err, FK_EFINDING,
                         _("the accepted counts differ from the order: a responsible manager"
                           " accepts them with --accept-counts --reason TEXT"));
    }
    return fk_cli_finish(job, opts.accept_tag ? opts.accept_tag : "records", s, details, &err);
}

const fk_command fk_cmd_check = {
    .name = "check",
    .summary = N_("quality gate: recompute guidance levels and doctor-visit flags"),
    .usage = fk__usage,
    .run = fk__run,
};
