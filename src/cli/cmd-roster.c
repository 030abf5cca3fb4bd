/* fukan roster: options and output around fk_step_roster (src/job/step-roster.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>

static const char fk__usage[] =
    N_("usage: fukan roster JOBDIR [-o DIR]\n"
       "  login: --user ID, --user-password-file FILE (any role)\n\n"
       "Writes the handler roster (取扱者名簿: ID, name, affiliation, role, added, added by,\n"
       "removed, removed by; times in Japan time, JST, dates in 和暦 with the ISO date) as\n"
       "DIR/roster.csv (UTF-8 with BOM, for spreadsheet programs) and DIR/roster.pdf. DIR\n"
       "defaults to the current directory. Files are written mode 0600.\n");

static void fk__on_file(void *ctx, const char *path, const char *note)
{
    (void)ctx;
    (void)note;
    printf("%s\n", path);
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'}, FK_CLI_LOGIN_OPTIONS, {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk_roster_options opts = {"."};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'o')
            opts.dir = optarg;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "roster", FK_ROLES_ALL, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.file = fk__on_file};
    fk_status s = fk_step_roster(job, &opts, &cb, &err);
    return fk_cli_finish(job, "roster", s, "roster written", &err);
}

const fk_command fk_cmd_roster = {
    .name = "roster",
    .summary = N_("write the handler roster (名簿) for the ward"),
    .usage = fk__usage,
    .run = fk__run,
};
