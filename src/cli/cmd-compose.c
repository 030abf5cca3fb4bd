/* fukan compose: options, progress and findings around fk_step_compose
 * (src/job/step-compose.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char fk__usage[] =
    N_("usage: fukan compose JOBDIR [--jobs N] [--replace --reason TEXT]\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
       "Sorts the checked records into mailing order (postal code, then address), assigns the\n"
       "serial numbers per category, and renders the print files per category, document\n"
       "(① voucher or notice, ② results) and batch (the order's batch_size envelopes), each\n"
       "with its designated sheet count, plus the run file (one line per sheet) and the\n"
       "bulk-mail summary (pieces per postal code, CSV and PDF). Everything is\n"
       "sealed in the job; `fukan export JOBDIR --proof` writes clear copies on request.\n"
       "Requires `fukan open` and `fukan check` to have run and the proof set to be approved\n"
       "(`fukan proof`). A job composed already is composed again only with --replace and a\n"
       "--reason (audited; the serial numbers change, so earlier exports no longer match), and\n"
       "never once anything is printed.\n"
       "Print files are rendered N at a time in parallel (default: the number of cores).\n"
       "The vouchers' issue date (交付年月日) is the order's voucher.issue_date, or today (JST);\n"
       "composing is refused when it is after valid_until, and warns when fewer than the\n"
       "order's min_days remain. Composing is also refused while the accepted counts differ\n"
       "from the order's and no responsible manager has accepted the difference.\n"
       "A record that cannot be printed exactly (a character no font has, text that does not\n"
       "fit) is held back and listed; the rest are composed, and the exit code is 1. An address\n"
       "with no customer barcode (Japan Post prints none for it) is listed as a warning.\n");

static bool fk__on_finding(void *ctx, const fk_finding *f)
{
    (void)ctx;
    if (f->kind == FK_FINDING_HELD)
        printf(_("line %ld [%s] held back: %s: %s\n"), f->line, f->tag, f->what, f->reason);
    else
        fprintf(stderr, _("fukan: warning: line %ld [%s]: %s\n"), f->line, f->tag, f->reason);
    return true;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"jobs", required_argument, NULL, 'j'},
                                            {"replace", no_argument, NULL, 'R'},
                                            {"reason", required_argument, NULL, 'r'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    fk_compose_options opts = {.jobs = cores > 0 && cores < 64 ? (int)cores : 1};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "j:", options, NULL)) != -1) {
        char *end;
        if (opt == 'j') {
            long n = strtol(optarg, &end, 10);
            if (*end != '\0' || n < 1 || n > 64) {
                fk_cli_error(_("--jobs must be a number from 1 to 64"));
                return FK_EXIT_USAGE;
            }
            opts.jobs = (int)n;
        } else if (opt == 'R') {
            opts.replace = true;
        } else if (opt == 'r') {
            opts.reason = optarg;
        } else if (!fk_cli_login_option(&login, opt, optarg)) {
            return FK_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    if (opts.replace != (opts.reason != NULL)) {
        fk_cli_error(_("--replace and --reason TEXT go together"));
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "compose", FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.progress = fk_cli_on_progress, .finding = fk__on_finding};
    fk_compose_result r;
    fk_status s = fk_step_compose(job, &opts, &cb, &r, &err);
    if (r.issue_short)
        fprintf(stderr,
                _("fukan: warning: the vouchers are valid for only %ld more days after the issue"
                  " date (the order's min_days: %d)\n"),
                r.issue_days_left, r.min_days);
    char details[256];
    snprintf(details, sizeof details,
             "composed S %ld, D %ld, H %ld, K %ld, J %ld; %ld print files, %ld sheets; %ld held",
             r.composed[0], r.composed[1], r.composed[2], r.composed[3], r.composed[4], r.files,
             r.sheets, r.held);
    if (s == FK_OK) {
        printf(_("composed S %ld, D %ld, H %ld, K %ld, J %ld; %ld print files, %ld sheets; %ld "
                 "held\n"),
               r.composed[0], r.composed[1], r.composed[2], r.composed[3], r.composed[4], r.files,
               r.sheets, r.held);
        if (r.held > 0)
            s = fk_failf(&err, FK_EFINDING, _("%ld records held back from printing"), r.held);
    }
    return fk_cli_finish(job, "print files", s, details, &err);
}

const fk_command fk_cmd_compose = {
    .name = "compose",
    .summary = N_("render the print files and the run file in mailing order"),
    .usage = fk__usage,
    .run = fk__run,
};
