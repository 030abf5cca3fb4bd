/*
 * Logging in from the command line: who (--user or FUKAN_USER) and the password (from the
 * terminal, or a file given by --user-password-file / FUKAN_USER_PASSWORD_FILE that must be
 * mode 0600). Passwords never come from argv or the environment themselves.
 */
#ifndef FK_SESSION_H
#define FK_SESSION_H

#include "core/job.h"

#include <getopt.h>
#include <stdbool.h>

#define FK_PASSWORD_MAX 1024

/* Long options every job command accepts; their values land in fk_cli_login. */
#define FK_CLI_LOGIN_OPTIONS                                                                       \
    {"user", required_argument, NULL, 'U'}, {"user-password-file", required_argument, NULL, 'P'},  \
    {                                                                                              \
        "kdf-cost", required_argument, NULL, 'K'                                                   \
    }

typedef struct fk_cli_login {
    const char *user;
    const char *password_file;
    const char *kdf_cost; /* "default" or "interactive" (tests and demos) */
} fk_cli_login;

/* Handles a login option (U, P or K); false for any other. */
bool fk_cli_login_option(fk_cli_login *login, int opt, const char *arg);

/*
 * Parses the arguments of a command that takes only JOBDIR and the login options. Returns
 * the index of JOBDIR in argv, or -1 after printing usage to stderr.
 */
int fk_cli_parse_jobdir(int argc, char **argv, fk_cli_login *login, const char *usage);

/* Fills in FUKAN_USER and FUKAN_USER_PASSWORD_FILE where options did not say. */
void fk_cli_login_defaults(fk_cli_login *login);

/* The Argon2id cost the options ask for; FK_EINVAL for an unknown name. */
fk_status fk_cli_kdf(const fk_cli_login *login, fk_kdf_params *out, fk_err *err) FK_WARN_UNUSED;

/*
 * Reads a password: from file (mode 0600 required; first line) if file is not NULL, else
 * from the terminal with echo off, asking prompt (twice when confirm). The caller wipes out.
 */
fk_status fk_cli_read_password(const char *file, const char *prompt, bool confirm, char *out,
                               size_t size, fk_err *err) FK_WARN_UNUSED;

/*
 * Opens the job in dir and logs in for command, which roles may run. On failure prints the
 * error and returns the exit code (and *out is NULL); on success returns FK_EXIT_OK.
 */
int fk_cli_open_job(const char *dir, fk_cli_login *login, const char *command, unsigned roles,
                    fk_job **out);

/* Warns on stderr (in red on a terminal) about printed files not enclosure-checked for longer
 * than the order's idle_alarm; fk_cli_open_job calls it after every login. */
void fk_cli_warn_idle(fk_job *job);

/* Audits the command's outcome, prints err if it failed, closes the job, returns the exit code. */
int fk_cli_finish(fk_job *job, const char *object, fk_status s, const char *details,
                  const fk_err *err);

#endif
