/* fukan reprint: single envelopes' sheets again, printed with a reason (fk_step_reprint,
 * src/job/step-reprint.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>

static const char fk__usage[] =
    N_("usage: fukan reprint JOBDIR --envelopes C-SERIAL[,C-SERIAL...] --reason TEXT\n"
       "                     [--printer QUEUE] [--timeout SECONDS]\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
       "Composes just these envelopes' sheets again (S-000123: category code and serial), with\n"
       "the same insert-control codes and serial numbers, as a child print file of each batch\n"
       "(JOB-S-1-001-r01.pdf), and prints it on the local CUPS server like `fukan print`. Every\n"
       "reprinted sheet is over the designated count: the reason goes into the print log.\n"
       "An envelope that is delivered already is refused. After the reprint, rework the\n"
       "envelope and scan it again (`fukan verify JOBDIR --rework C-SERIAL`).\n");

static void fk__on_file(void *ctx, const char *name, const char *outcome)
{
    (void)ctx;
    printf("%s: %s\n", name, outcome != NULL ? outcome : "");
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"envelopes", required_argument, NULL, 'e'},
                                            {"reason", required_argument, NULL, 'r'},
                                            {"printer", required_argument, NULL, 'p'},
                                            {"timeout", required_argument, NULL, 't'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk_reprint_options opts = {0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        char *end;
        if (opt == 'e') {
            opts.envelopes = optarg;
        } else if (opt == 'r') {
            opts.reason = optarg;
        } else if (opt == 'p') {
            opts.printer = optarg;
        } else if (opt == 't') {
            long n = strtol(optarg, &end, 10);
            if (*end != '\0' || n < 1 || n > 86400) {
                fk_cli_error(_("--timeout must be 1 to 86400 seconds"));
                return FK_EXIT_USAGE;
            }
            opts.timeout = (int)n;
        } else if (!fk_cli_login_option(&login, opt, optarg)) {
            return FK_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || opts.envelopes == NULL || opts.reason == NULL) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "reprint", FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.file = fk__on_file};
    fk_reprint_result r;
    fk_status s = fk_step_reprint(job, &opts, &cb, &r, &err);
    char details[160];
    snprintf(details, sizeof details, "reprinted %ld envelopes: %ld child print files, %ld sheets",
             r.envelopes, r.files, r.sheets);
    if (s == FK_OK)
        printf("%s\n", details);
    return fk_cli_finish(job, "print files", s, details, &err);
}

const fk_command fk_cmd_reprint = {
    .name = "reprint",
    .summary = N_("print single envelopes' sheets again, with a reason"),
    .usage = fk__usage,
    .run = fk__run,
};
