/* fukan simulate-inserter: the camera export an inserter would write for the job, with
 * faults planted on purpose (demo and tests): fk_step_simulate_inserter,
 * src/job/step-simulate.c. */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan simulate-inserter JOBDIR -o SCANS.csv [--swap N] [--drop N] [--duplicate N]\n"
       "         [--foreign N] [--forge N] [--unread N] [--seed S] [--planted FILE] [--reworked]\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
       "Writes the camera export (envelope,payload,time) that an inserter would produce from the\n"
       "job's run file, every envelope in mailing order, with faults planted in distinct\n"
       "envelopes: --swap N pairs of neighbours exchange sheet ②, --drop N lose their last sheet,\n"
       "--duplicate N get sheet ① twice, --foreign N get a sheet of another job, --forge N carry\n"
       "a wrong check value, --unread N have their last sheet unreadable. The planted faults go\n"
       "to --planted FILE (default SCANS.csv.planted), one 'KIND<TAB>C-SERIAL' line each.\n"
       "--reworked writes only the envelopes opened for rework (`fukan verify --rework`), clean.\n"
       "The export holds codes only (no personal data).\n");

static bool fk__count(const char *arg, long *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || v < 0 || v > 1000000)
        return false;
    *out = v;
    return true;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"swap", required_argument, NULL, '1'},
                                            {"drop", required_argument, NULL, '2'},
                                            {"duplicate", required_argument, NULL, '3'},
                                            {"foreign", required_argument, NULL, '4'},
                                            {"forge", required_argument, NULL, '5'},
                                            {"unread", required_argument, NULL, '6'},
                                            {"seed", required_argument, NULL, 's'},
                                            {"planted", required_argument, NULL, 'p'},
                                            {"reworked", no_argument, NULL, 'r'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk_simulate_inserter_options so = {0};
    const char *output = NULL, *planted_path = NULL;
    bool reworked = false;
    long seed = 1;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        long *counts[] = {&so.swap, &so.drop, &so.duplicate, &so.foreign, &so.forge, &so.unread};
        if (opt == 'o')
            output = optarg;
        else if (opt >= '1' && opt <= '6') {
            if (!fk__count(optarg, counts[opt - '1'])) {
                fk_cli_error(_("'%s' is not a count"), optarg);
                return FK_EXIT_USAGE;
            }
        } else if (opt == 's') {
            char *end;
            seed = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || seed < 0) {
                fk_cli_error(_("--seed: '%s' is not a number"), optarg);
                return FK_EXIT_USAGE;
            }
        } else if (opt == 'p')
            planted_path = optarg;
        else if (opt == 'r')
            reworked = true;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || output == NULL) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    char planted_default[4096];
    if (planted_path == NULL) {
        snprintf(planted_default, sizeof planted_default, "%s.planted", output);
        planted_path = planted_default;
    }
    so.seed = seed;
    so.output = output;
    so.planted = planted_path;
    so.reworked = reworked;
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "simulate-inserter", FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_status s = fk_step_simulate_inserter(job, &so, &err);
    char details[256];
    snprintf(details, sizeof details,
             "simulated export: swap %ld, drop %ld, duplicate %ld, foreign %ld, forge %ld, "
             "unread %ld, seed %ld%s",
             so.swap, so.drop, so.duplicate, so.foreign, so.forge, so.unread, seed,
             reworked ? ", reworked envelopes only" : "");
    if (s == FK_OK)
        printf(_("simulated export: swap %ld, drop %ld, duplicate %ld, foreign %ld, forge %ld, "
                 "unread %ld, seed %ld%s\nwrote %s (planted faults: %s)\n"),
               so.swap, so.drop, so.duplicate, so.foreign, so.forge, so.unread, seed,
               reworked ? _(", reworked envelopes only") : "", output, planted_path);
    return fk_cli_finish(job, output, s, details, &err);
}

const fk_command fk_cmd_simulate_inserter = {
    .name = "simulate-inserter",
    .summary = N_("write a simulated inserter camera export, with planted faults"),
    .usage = fk__usage,
    .run = fk__run,
};
