/* fukan check: options and the list of disagreements around fk_step_check
 * (src/job/step-check.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"

#include <stdio.h>

static const char fk__usage[] =
    "usage: fukan check JOBDIR [--accept TAG --reason TEXT]\n"
    "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
    "For every accepted record, computes the guidance level (階層化, 第4期 rules) and the values\n"
    "at doctor-visit thresholds from the results, sex and 年度末年齢, and compares them with the\n"
    "ward's 利用券種別 and 保健指導区分 (rules/health-4.yaml, overridable by the order's "
    "`rules`).\n"
    "Each disagreement is listed by source line and the person's tag (a keyed hash of the\n"
    "resident number), never by name, and the record is held back from composing. Exit 1 when\n"
    "any disagreement is not accepted. A responsible manager accepts one with --accept TAG\n"
    "--reason TEXT (audited); the record is then released. Records already composed are left\n"
    "as they are (`fukan compose --replace` takes them back).\n";

static bool fk__on_finding(void *ctx, const fk_finding *f)
{
    (void)ctx;
    printf("line %ld [%s] %s: %s%s\n", f->line, f->tag, f->what, f->reason,
           f->accepted ? " (accepted)" : " (held back)");
    return true;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"accept", required_argument, NULL, 'a'},
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
        else if (opt == 'r')
            opts.reason = optarg;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || (opts.accept_tag != NULL) != (opts.reason != NULL)) {
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    unsigned roles = opts.accept_tag ? FK_ROLE_MANAGER : FK_ROLES_STAFF;
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "check", roles, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.finding = fk__on_finding};
    fk_check_result r;
    fk_status s = fk_step_check(job, &opts, &cb, &r, &err);
    char details[160];
    snprintf(details, sizeof details, "%ld checked, %ld disagreements, %ld accepted, %ld held",
             r.checked, r.disagreements, r.accepted, r.held);
    if (s == FK_OK) {
        printf("%s\n", details);
        if (r.held > 0)
            s = fk_failf(&err, FK_EFINDING, "%ld records held back from composing", r.held);
    }
    return fk_cli_finish(job, opts.accept_tag ? opts.accept_tag : "records", s, details, &err);
}

const fk_command fk_cmd_check = {
    .name = "check",
    .summary = "quality gate: recompute guidance levels and doctor-visit flags",
    .usage = fk__usage,
    .run = fk__run,
};
