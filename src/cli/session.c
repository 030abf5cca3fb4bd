/* Logins and password prompts: see session.h. */
#include "session.h"
#include "cli.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

bool fk_cli_login_option(fk_cli_login *login, int opt, const char *arg)
{
    switch (opt) {
    case 'U':
        login->user = arg;
        return true;
    case 'P':
        login->password_file = arg;
        return true;
    case 'K':
        login->kdf_cost = arg;
        return true;
    default:
        return false;
    }
}

int fk_cli_parse_jobdir(int argc, char **argv, fk_cli_login *login, const char *usage)
{
    static const struct option options[] = {FK_CLI_LOGIN_OPTIONS, {NULL, 0, NULL, 0}};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (!fk_cli_login_option(login, opt, optarg)) {
            fk_cli_usage_error(usage);
            return -1;
        }
    }
    if (optind + 1 != argc) {
        fk_cli_usage_error(usage);
        return -1;
    }
    return optind;
}

void fk_cli_login_defaults(fk_cli_login *login)
{
    if (login->user == NULL)
        login->user = getenv("FUKAN_USER");
    if (login->password_file == NULL)
        login->password_file = getenv("FUKAN_USER_PASSWORD_FILE");
}

fk_status fk_cli_kdf(const fk_cli_login *login, fk_kdf_params *out, fk_err *err)
{
    const char *cost = login->kdf_cost ? login->kdf_cost : "default";
    if (strcmp(cost, "default") == 0)
        *out = fk_kdf_default();
    else if (strcmp(cost, "interactive") == 0)
        *out = fk_kdf_interactive();
    else
        return fk_failf(err, FK_EINVAL, _("--kdf-cost must be default or interactive"));
    return FK_OK;
}

static void fk__chomp(char *s)
{
    s[strcspn(s, "\r\n")] = '\0';
}

static fk_status fk__read_password_file(const char *file, char *out, size_t size, fk_err *err)
{
    fk_status s = fk_fs_check_private_file(file, err);
    if (s != FK_OK)
        return s;
    char *data;
    size_t len;
    s = fk_fs_read_file(file, FK_PASSWORD_MAX + 2, &data, &len, err);
    if (s != FK_OK)
        return s;
    fk__chomp(data);
    size_t n = strlen(data);
    if (n == 0 || n >= size)
        s = fk_failf(err, FK_EINVAL, _("%s: the password file must hold one non-empty line"), file);
    else
        memcpy(out, data, n + 1);
    fk_wipe(data, len);
    fk_free(data);
    return s;
}

static fk_status fk__prompt(int tty, const char *prompt, char *out, size_t size, fk_err *err)
{
    struct termios old, quiet;
    if (tcgetattr(tty, &old) != 0)
        return fk_failf(err, FK_EENV, _("cannot switch off echo on the terminal"));
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    if (write(tty, prompt, strlen(prompt)) < 0 || tcsetattr(tty, TCSAFLUSH, &quiet) != 0)
        return fk_failf(err, FK_EENV, _("cannot switch off echo on the terminal"));
    size_t n = 0;
    char c;
    fk_status s = FK_OK;
    while (read(tty, &c, 1) == 1 && c != '\n') {
        if (n + 1 >= size) {
            s = fk_failf(err, FK_EINVAL, _("password too long"));
            break;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    (void)tcsetattr(tty, TCSAFLUSH, &old);
    if (s == FK_OK && n == 0)
        s = fk_failf(err, FK_EINVAL, _("empty password"));
    return s;
}

fk_status fk_cli_read_password(const char *file, const char *prompt, bool confirm, char *out,
                               size_t size, fk_err *err)
{
    if (file != NULL)
        return fk__read_password_file(file, out, size, err);
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
    if (tty < 0)
        return fk_failf(
            err, FK_EINVAL,
            _("no terminal to read the password from; give a password file (mode 0600)"));
    fk_status s = fk__prompt(tty, prompt, out, size, err);
    if (s == FK_OK && confirm) {
        char again[FK_PASSWORD_MAX + 1];
        s = fk__prompt(tty, _("Repeat the password: "), again, sizeof again, err);
        if (s == FK_OK && strcmp(again, out) != 0)
            s = fk_failf(err, FK_EINVAL, _("the passwords do not match"));
        fk_wipe(again, sizeof again);
    }
    close(tty);
    return s;
}

int fk_cli_open_job(const char *dir, fk_cli_login *login, const char *command, unsigned roles,
                    fk_job **out)
{
    fk_err err;
    fk_err_clear(&err);
    *out = NULL;
    fk_cli_login_defaults(login);
    if (login->user == NULL) {
        fk_cli_error(_("%s: who is this? give --user ID (or set FUKAN_USER)"), command);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    fk_status s = fk_job_open(dir, &job, &err);
    if (s != FK_OK)
        return fk_cli_fail(&err);
    char password[FK_PASSWORD_MAX + 1];
    char prompt[128];
    snprintf(prompt, sizeof prompt, _("Password for %s: "), login->user);
    s = fk_cli_read_password(login->password_file, prompt, false, password, sizeof password, &err);
    if (s == FK_OK)
        s = fk_job_login(job, login->user, password, command, roles, &err);
    fk_wipe(password, sizeof password);
    if (s != FK_OK) {
        fk_job_close(job);
        return fk_cli_fail(&err);
    }
    fk_cli_warn_idle(job);
    *out = job;
    return FK_EXIT_OK;
}

int fk_cli_finish(fk_job *job, const char *object, fk_status s, const char *details,
                  const fk_err *err)
{
    fk_err audit_err;
    fk_err_clear(&audit_err);
    fk_status logged =
        fk_job_audit(job, object, s, s == FK_OK ? details : fk_err_message(err), &audit_err);
    fk_job_close(job);
    if (s != FK_OK)
        return fk_cli_fail(err);
    if (logged != FK_OK)
        return fk_cli_fail(&audit_err);
    return FK_EXIT_OK;
}
