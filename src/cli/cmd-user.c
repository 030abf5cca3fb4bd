/* fukan user add|remove|list|passwd|unlock: the handler roster and its passwords. */
#include "cli.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan user add    JOBDIR NEWID --name NAME --role manager|handler|auditor\n"
       "                         [--affiliation ORG] [--new-password-file FILE]\n"
       "       fukan user remove JOBDIR ID\n"
       "       fukan user unlock JOBDIR ID\n"
       "       fukan user passwd JOBDIR [ID] [--new-password-file FILE]\n"
       "       fukan user list   JOBDIR\n"
       "  login: --user ID (or FUKAN_USER), --user-password-file FILE (or\n"
       "  FUKAN_USER_PASSWORD_FILE), otherwise the password is asked on the terminal.\n\n"
       "Only a responsible manager (取扱責任者) adds, removes and unlocks users and changes\n"
       "another user's password; everyone may change their own and list the roster.\n"
       "Removing a user destroys their key slot: their password opens nothing afterwards.\n");

typedef struct {
    fk_cli_login login;
    const char *name, *affiliation, *role, *new_password_file;
} fk__opts;

static int fk__parse(int argc, char **argv, fk__opts *o)
{
    static const struct option options[] = {{"name", required_argument, NULL, 'n'},
                                            {"affiliation", required_argument, NULL, 'a'},
                                            {"role", required_argument, NULL, 'r'},
                                            {"new-password-file", required_argument, NULL, 'N'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int opt;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'n')
            o->name = optarg;
        else if (opt == 'a')
            o->affiliation = optarg;
        else if (opt == 'r')
            o->role = optarg;
        else if (opt == 'N')
            o->new_password_file = optarg;
        else if (!fk_cli_login_option(&o->login, opt, optarg))
            return -1;
    }
    return optind;
}

static int fk__print_user(const fk_user_info *u, void *ctx)
{
    (void)ctx;
    const char *state = u->removed_at ? _("removed") : u->locked ? _("locked") : _("active");
    printf("%-16s %-8s ", u->id, fk_role_name(u->role));
    fk_cli_print_cell(fk_role_title(u->role), 10);
    printf(" ");
    fk_cli_print_cell(state, 7);
    printf(" %s (%s)\n", u->name, u->affiliation);
    return 0;
}

static fk_status fk__new_password(const fk__opts *o, char *out, size_t size, fk_err *err)
{
    return fk_cli_read_password(o->new_password_file, _("New password: "), true, out, size, err);
}

static fk_status fk__add(fk_job *job, const fk__opts *o, const char *id, fk_err *err)
{
    fk_user_spec u = {
        .id = id, .name = o->name, .affiliation = o->affiliation ? o->affiliation : ""};
    if (o->name == NULL || o->role == NULL || !fk_role_parse(o->role, &u.role))
        return fk_failf(err, FK_EINVAL,
                        _("user add needs --name and --role manager|handler|auditor"));
    fk_kdf_params kdf;
    char password[FK_PASSWORD_MAX + 1];
    fk_status s = fk_cli_kdf(&o->login, &kdf, err);
    if (s == FK_OK)
        s = fk__new_password(o, password, sizeof password, err);
    if (s == FK_OK)
        s = fk_job_user_add(job, &u, password, kdf, err);
    fk_wipe(password, sizeof password);
    return s;
}

static fk_status fk__passwd(fk_job *job, const fk__opts *o, const char *id, fk_err *err)
{
    fk_kdf_params kdf;
    char password[FK_PASSWORD_MAX + 1];
    fk_status s = fk_cli_kdf(&o->login, &kdf, err);
    if (s == FK_OK)
        s = fk__new_password(o, password, sizeof password, err);
    if (s == FK_OK)
        s = fk_job_user_passwd(job, id, password, kdf, err);
    fk_wipe(password, sizeof password);
    return s;
}

static int fk__run(int argc, char **argv)
{
    fk__opts o = {0};
    int first = argc >= 3 ? fk__parse(argc, argv, &o) : -1;
    if (first < 0 || first >= argc) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    const char *sub = argv[1], *dir = argv[first];
    const char *id = first + 1 < argc ? argv[first + 1] : NULL;
    bool is_list = strcmp(sub, "list") == 0, is_passwd = strcmp(sub, "passwd") == 0;
    bool known = is_list || is_passwd || strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0 ||
                 strcmp(sub, "unlock") == 0;
    if (!known || (id == NULL && !is_list && !is_passwd)) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    char command[32];
    snprintf(command, sizeof command, "user %s", sub);
    unsigned roles = is_list || is_passwd ? FK_ROLES_ALL : FK_ROLE_MANAGER;
    fk_job *job;
    int rc = fk_cli_open_job(dir, &o.login, command, roles, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_status s;
    if (is_list)
        s = fk_job_users_foreach(job, fk__print_user, NULL, &err);
    else if (is_passwd)
        s = fk__passwd(job, &o, id ? id : fk_job_user(job), &err);
    else if (strcmp(sub, "add") == 0)
        s = fk__add(job, &o, id, &err);
    else if (strcmp(sub, "remove") == 0)
        s = fk_job_user_remove(job, id, &err);
    else
        s = fk_job_user_unlock(job, id, &err);
    /* Changes audit themselves; a refused one is audited by the finish below. */
    if (s == FK_OK && !is_list) {
        fk_job_close(job);
        printf(_("%s: done\n"), command);
        return FK_EXIT_OK;
    }
    return fk_cli_finish(job, id ? id : "roster", s, "listed", &err);
}

const fk_command fk_cmd_user = {
    .name = "user",
    .summary = N_("add, remove, unlock, list users; change passwords"),
    .usage = fk__usage,
    .run = fk__run,
};
