/* fukan init: creates a job from an order, with its first responsible manager. */
#include "cli.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan init JOBDIR --order job.yaml --user ID --name NAME [--affiliation ORG]\n"
       "                  [--user-password-file FILE] [--kdf-cost default|interactive]\n\n"
       "Creates a job: JOBDIR (mode 0700, created or empty) with its job store, the order\n"
       "(docs/job-yaml.md) and ID as its first responsible manager (取扱責任者). The password is\n"
       "read from the terminal (twice) or from FILE (mode 0600). Refuses an existing job.\n");

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"order", required_argument, NULL, 'o'},
                                            {"name", required_argument, NULL, 'n'},
                                            {"affiliation", required_argument, NULL, 'a'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    const char *order = NULL;
    fk_user_spec manager = {.affiliation = "", .role = FK_ROLE_MANAGER};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'o')
            order = optarg;
        else if (opt == 'n')
            manager.name = optarg;
        else if (opt == 'a')
            manager.affiliation = optarg;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    fk_cli_login_defaults(&login);
    if (optind + 1 != argc || order == NULL || login.user == NULL || manager.name == NULL) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    manager.id = login.user;
    fk_err err;
    fk_err_clear(&err);
    fk_kdf_params kdf;
    char password[FK_PASSWORD_MAX + 1];
    fk_status s = fk_cli_kdf(&login, &kdf, &err);
    if (s == FK_OK)
        s = fk_cli_read_password(login.password_file, _("New password for the manager: "), true,
                                 password, sizeof password, &err);
    fk_job *job = NULL;
    if (s == FK_OK)
        s = fk_job_create(argv[optind], order, &manager, password, kdf, &job, &err);
    fk_wipe(password, sizeof password);
    if (s != FK_OK)
        return fk_cli_fail(&err);
    printf(_("created job %s in %s\nresponsible manager: %s\n"), fk_job_id(job), argv[optind],
           manager.id);
    fk_job_close(job);
    return FK_EXIT_OK;
}

const fk_command fk_cmd_init = {
    .name = "init",
    .summary = N_("create a job from an order (job.yaml)"),
    .usage = fk__usage,
    .run = fk__run,
};
