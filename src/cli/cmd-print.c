/* fukan print: sends print files to the local cupsd and records each job in the print log
 * (src/print). */
#include "cli.h"
#include "print/print.h"
#include "print/printlog.h"
#include "session.h"
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fk__usage[] =
    "usage: fukan print JOBDIR (--all | --batch ID ... | --file NAME ...) [--printer QUEUE]\n"
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
    "A stopped or missing queue or an unreachable cupsd leaves the file not printed.\n";

#define FK__MAX_SELECT 64

typedef struct {
    const char *batches[FK__MAX_SELECT], *files[FK__MAX_SELECT];
    int n_batches, n_files;
    bool all;
    char **names; /* selected print files, in stored order */
    size_t n, cap;
    bool failed;
} fk__select;

static int fk__select_file(const fk_print_tally *t, void *ctx)
{
    fk__select *sel = ctx;
    bool wanted = sel->all;
    for (int i = 0; !wanted && i < sel->n_batches; i++)
        wanted = fk_print_batch_matches(t->file, sel->batches[i]);
    for (int i = 0; !wanted && i < sel->n_files; i++)
        wanted = strcmp(t->file->name, sel->files[i]) == 0;
    if (!wanted)
        return 0;
    if (sel->n == sel->cap) {
        size_t cap = sel->cap ? 2 * sel->cap : 32;
        char **names = fk_realloc(sel->names, cap * sizeof *names);
        if (names == NULL) {
            sel->failed = true;
            return 1;
        }
        sel->names = names;
        sel->cap = cap;
    }
    if ((sel->names[sel->n] = fk_strdup(t->file->name)) == NULL) {
        sel->failed = true;
        return 1;
    }
    sel->n++;
    return 0;
}

static fk_status fk__print_all(fk_job *job, fk__select *sel, const fk_print_request *req,
                               long *files, long *sheets, fk_err *err)
{
    fk_status s = fk_print_tally_foreach(job, time(NULL), fk__select_file, sel, err);
    if (s == FK_OK && sel->failed)
        s = fk_failf(err, FK_ENOMEM, "out of memory");
    if (s == FK_OK && sel->n == 0)
        s = fk_failf(err, FK_ENOENT,
                     "no print file matches (run `fukan compose`, or see "
                     "`fukan printlog JOBDIR --files`)");
    for (size_t i = 0; s == FK_OK && i < sel->n; i++) {
        fk_print_outcome o;
        s = fk_print_file(job, sel->names[i], req, &o, err);
        if (o.entry_id == 0)
            continue;
        printf("%s: queue %s, CUPS job %ld %s; sheets sent %ld, reported by CUPS ", sel->names[i],
               o.queue, o.cups_job_id, fk_print_state_name(o.state), o.sheets_sent);
        if (o.sheets_reported >= 0)
            printf("%ld", o.sheets_reported);
        else
            printf("(none)");
        printf(", designated %ld", o.designated);
        if (o.over_count > 0)
            printf(", over-count %ld", o.over_count);
        printf("\n");
        if (s == FK_OK && o.sheets_reported >= 0 && o.sheets_reported != o.sheets_sent)
            fk_cli_error("warning: %s: CUPS reported %ld sheets, %ld were sent", sel->names[i],
                         o.sheets_reported, o.sheets_sent);
        if (s == FK_OK) {
            (*files)++;
            *sheets += o.sheets_reported >= 0 ? o.sheets_reported : o.sheets_sent;
        }
    }
    return s;
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
    fk__select sel = {0};
    fk_print_request req = {0};
    bool recover_only = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        char *end;
        if (opt == 'p') {
            req.printer = optarg;
        } else if (opt == 'b' && sel.n_batches < FK__MAX_SELECT) {
            sel.batches[sel.n_batches++] = optarg;
        } else if (opt == 'f' && sel.n_files < FK__MAX_SELECT) {
            sel.files[sel.n_files++] = optarg;
        } else if (opt == 'a') {
            sel.all = true;
        } else if (opt == 'r') {
            req.reason = optarg;
        } else if (opt == 'R') {
            recover_only = true;
        } else if (opt == 't') {
            long n = strtol(optarg, &end, 10);
            if (*end != '\0' || n < 1 || n > 86400) {
                fk_cli_error("--timeout must be 1 to 86400 seconds");
                return FK_EXIT_USAGE;
            }
            req.timeout = (int)n;
        } else if (!fk_cli_login_option(&login, opt, optarg)) {
            return FK_EXIT_USAGE;
        }
    }
    bool selected = sel.all || sel.n_batches > 0 || sel.n_files > 0;
    if (optind + 1 != argc || selected == recover_only) {
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "print", FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    long files = 0, sheets = 0, resolved = 0;
    fk_status s = recover_only ? fk_print_recover(job, req.timeout, &resolved, &err)
                               : fk__print_all(job, &sel, &req, &files, &sheets, &err);
    for (size_t i = 0; i < sel.n; i++)
        fk_free(sel.names[i]);
    fk_free(sel.names);
    char details[256];
    if (recover_only)
        snprintf(details, sizeof details, "recorded the outcome of %ld print-log entries",
                 resolved);
    else
        snprintf(details, sizeof details, "printed %ld print files, %ld sheets, on %s", files,
                 sheets, fk_print_queue(job, &req) ? fk_print_queue(job, &req) : "(none)");
    if (s == FK_OK)
        printf("%s\n", details);
    return fk_cli_finish(job, "print files", s, details, &err);
}

const fk_command fk_cmd_print = {
    .name = "print",
    .summary = "print files through the local CUPS server, with the print log",
    .usage = fk__usage,
    .run = fk__run,
};
