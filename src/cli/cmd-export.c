/* fukan export: options and output around fk_step_export (src/job/step-export.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>

static const char fk__usage[] =
    N_("usage: fukan export JOBDIR --proof -o DIR\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
       "Writes clear copies of every print file and the run file into DIR (created mode 0700,\n"
       "files 0600), each under a partial name until all are complete, and prints each file's\n"
       "SHA-256 and path. They hold personal data: the export is audited with each file's name\n"
       "and SHA-256, and the copies must be erased when the job ends. --proof states that this\n"
       "is intended.\n");

static void fk__on_file(void *ctx, const char *path, const char *sha256_hex)
{
    (void)ctx;
    printf("%s  %s\n", sha256_hex != NULL ? sha256_hex : "", path);
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"proof", no_argument, NULL, 'p'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk_export_options opts = {0};
    bool proof = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'o')
            opts.dir = optarg;
        else if (opt == 'p')
            proof = true;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || opts.dir == NULL || !proof) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "export", FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.progress = fk_cli_on_progress, .file = fk__on_file};
    fk_export_result r;
    fk_status s = fk_step_export(job, &opts, &cb, &r, &err);
    char details[96];
    snprintf(details, sizeof details, "%ld files exported in clear", r.files);
    /* The absolute folder goes in the audit log: erasure removes the copies from there. */
    char where[4096];
    const char *object = s == FK_OK && realpath(opts.dir, where) != NULL ? where : opts.dir;
    return fk_cli_finish(job, object, s, details, &err);
}

const fk_command fk_cmd_export = {
    .name = "export",
    .summary = N_("write clear copies of the print files (audited)"),
    .usage = fk__usage,
    .run = fk__run,
};
