/* fukan rejects: the reject report of the opened package — LINE:COLUMN: reason per finding. */
#include "cli.h"
#include "core/records.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>

static const char fk__usage[] = N_(
    "usage: fukan rejects JOBDIR\n"
    "  login: --user ID, --user-password-file FILE (any role)\n\n"
    "Lists every finding of every rejected row of the opened package as\n"
    "LINE:COLUMN: column name: reason, in line order. Reasons never hold the value itself.\n"
    "Ends with the counts (received = accepted + rejected). Exit 1 when any row was rejected.\n");

static int fk__print(const fk_reject *r, void *ctx)
{
    (void)ctx;
    printf("%ld:%ld: %s: %s\n", r->line, r->column, r->column_name, r->reason);
    return 0;
}

static int fk__run(int argc, char **argv)
{
    fk_cli_login login = {0};
    int dir = fk_cli_parse_jobdir(argc, argv, &login, fk__usage);
    if (dir < 0)
        return FK_EXIT_USAGE;
    fk_job *job;
    int rc = fk_cli_open_job(argv[dir], &login, "rejects", FK_ROLES_ALL, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_job_counts counts;
    fk_status s = fk_job_counts_get(job, &counts, &err);
    if (s == FK_OK && !counts.opened)
        s = fk_failf(&err, FK_ESTATE,
                     _("%s: no package has been opened yet: run 'fukan open JOBDIR PACKAGE'"
                       " first"),
                     argv[dir]);
    if (s == FK_OK)
        s = fk_job_rejects_foreach(job, fk__print, NULL, &err);
    char details[128];
    snprintf(details, sizeof details, "received %ld, accepted %ld, rejected %ld", counts.received,
             counts.accepted, counts.rejected);
    if (s == FK_OK) {
        printf(_("received %ld, accepted %ld, rejected %ld\n"), counts.received, counts.accepted,
               counts.rejected);
        if (counts.rejected > 0)
            s = fk_failf(&err, FK_EFINDING, _("%ld rows rejected"), counts.rejected);
    }
    return fk_cli_finish(job, "rejects", s, details, &err);
}

const fk_command fk_cmd_rejects = {
    .name = "rejects",
    .summary = N_("list the rejected rows of the opened package"),
    .usage = fk__usage,
    .run = fk__run,
};
