/* fukan print: sends print files to the local cupsd and records each job in the print log
 * (fk_step_print, src/job/step-print.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan print JOBDIR (--all | --batch ID ... | --file NAME ...) [--printer QUEUE]\n"
       "                   [--reason TEXT] [--timeout SECONDS]\n"
       "       fukan print JOBDIR --recover\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
       "Sends print files to a queue of the local CUPS server (the order's `printer` unless\n"
       "--printer), decrypted in memory and streamed, and waits for each CUPS job's final state\n"
       "(default timeout 600 s). Every job goes into the print log (`fukan printlog`) and the\n"
       "audit log with the computer, time, file, printer, sheets sent and reported by CUPS.\n"
       "--all prints every print file, --batch ID the files of a category's batch (S-1, D-002),\n"
       "--file NAME one print file. A file printed before, or sheets beyond the designated\n"
       "count, need --reason TEXT (the over-count and reason are logged). --recover only records\n"
       "the outcome of jobs a killed fukan sent but did not record (every print does this first).\n"
       "A stopped or missing queue or an unreachable cupsd leaves the file not printed.\n");

static void fk__on_printed(void *ctx, const fk_print_report *r)
{
    (void)ctx;
    fk_cli_progress_clear();
    printf(_("%s: queue %s, CUPS job %ld %s; sheets sent %ld, reported by CUPS "), r->file,
           r->queue, r->cups_job_id, fk_i18n_text(r->state), r->sheets_sent);
    if (r->sheets_reported >= 0)
        printf("%ld", r->sheets_reported);
    else
        printf(_("(none)"));
    printf(_(", designated %ld"), r->designated);
    if (r->over_count > 0)
        printf(_(", over-count %ld"), r->over_count);
    printf("\n");
    if (r->ok && r->sheets_reported >= 0 && r->sheets_reported != r->sheets_sent)
        fk_cli_error(_("warning: %s: CUPS reported %ld sheets, %ld were sent"), r->file,
                     r->sheets_reported, r->sheets_sent);
    fflush(stdout);
    fk_cli_progress(N_("printing print files"), r->index, r->count);
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"printer", required_argument, NULL, 'p'},
                                            {"batch", required_argument, NULL, 'b'},
                                            {"file", required_argument, NULL, 'f'},
                                            {"all", no_argument, NULL, 'a'},
                                            {"reason", required_argument, NULL, 'r'},
                                            {"timeout", required_argument, NULL, 't'},
                                            {"recover", no_argument, NULL, 'R'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk_print_options req = {.printed = fk__on_printed};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        char *end;
        if (opt == 'p') {
            req.printer = optarg;
        } else if (opt == 'b' && req.n_batches < FK_PRINT_SELECT_MAX) {
            req.batches[req.n_batches++] = optarg;
        } else if (opt == 'f' && req.n_files < FK_PRINT_SELECT_MAX) {
            req.files[req.n_files++] = optarg;
        } else if (opt == 'a') {
            req.all = true;
        } else if (opt == 'r') {
            req.reason = optarg;
        } else if (opt == 'R') {
            req.recover_only = true;
        } else if (opt == 't') {
            long n = strtol(optarg, &end, 10);
            if (*end != '\0' || n < 1 || n > 86400) {
                fk_cli_error(_("--timeout must be 1 to 86400 seconds"));
                return FK_EXIT_USAGE;
            }
            req.timeout = (int)n;
        } else if (!fk_cli_login_option(&login, opt, optarg)) {
            return FK_EXIT_USAGE;
        }
    }
    bool selected = req.all || req.n_batches > 0 || req.n_files > 0;
    if (optind + 1 != argc || selected == req.recover_only) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "print", FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_print_result r;
    fk_status s = fk_step_print(job, &req, &r, &err);
    char details[256];
    if (req.recover_only)
        snprintf(details, sizeof details, "recorded the outcome of %ld print-log entries",
                 r.resolved);
    else
        snprintf(details, sizeof details, "printed %ld print files, %ld sheets, on %s", r.files,
                 r.sheets, r.queue ? r.queue : "(none)");
    if (s == FK_OK && req.recover_only)
        printf(_("recorded the outcome of %ld print-log entries\n"), r.resolved);
    else if (s == FK_OK)
        printf(_("printed %ld print files, %ld sheets, on %s\n"), r.files, r.sheets,
               r.queue ? r.queue : _("(none)"));
    return fk_cli_finish(job, "print files", s, details, &err);
}

const fk_command fk_cmd_print = {
    .name = "print",
    .summary = N_("print files through the local CUPS server, with the print log"),
    .usage = fk__usage,
    .run = fk__run,
};
