/*
 * fukan seal: options and the terminal around fk_step_seal (src/job/step-seal.c). The
 * password never goes to a stdout that is not a terminal, where it could end up in a log.
 */
#include "cli.h"
#include "job/fukan.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern const fk_command fk_cmd_seal; /* its usage, for usage errors */

/* The entry name shown: the CSV's file name without its directories. */
static const char *fk__basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int fk__usage_error(const char *msg)
{
    fk_cli_error("%s", _(msg));
    fk_cli_usage_error(fk_cmd_seal.usage);
    return FK_EXIT_USAGE;
}

static int fk__run(int argc, char **argv)
{
    fk_seal_options a = {0};
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
            a.out = argv[++i];
        else if (strcmp(argv[i], "--password-out") == 0 && i + 1 < argc)
            a.password_out = argv[++i];
        else if (strcmp(argv[i], "--notice") == 0 && i + 1 < argc)
            a.notice = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return fk__usage_error(N_("unknown option or missing value"));
        else if (!a.csv)
            a.csv = argv[i];
        else
            return fk__usage_error(N_("more than one CSV given"));
    }
    if (!a.csv || !a.out)
        return fk__usage_error(N_("a CSV and -o PACKAGE.zip are required"));
    if (!a.password_out && !a.notice && !isatty(STDOUT_FILENO))
        return fk__usage_error(N_("stdout is not a terminal: give --password-out FILE or --notice "
                                  "PDF so the password is not lost or logged"));
    fk_err err;
    fk_err_clear(&err);
    char password[FK_SEAL_PASSWORD_MAX];
    fk_status st = fk_step_seal(&a, password, &err);
    if (st == FK_OK && isatty(STDOUT_FILENO))
        printf(_("package password: %s\n"), password);
    fk_wipe(password, sizeof password);
    if (st != FK_OK)
        return fk_cli_fail(&err);
    if (a.password_out != NULL)
        fprintf(stderr, _("fukan: sealed %s into %s (AES-256); password in %s\n"),
                fk__basename(a.csv), a.out, a.password_out);
    else
        fprintf(stderr, _("fukan: sealed %s into %s (AES-256)\n"), fk__basename(a.csv), a.out);
    return FK_EXIT_OK;
}

const fk_command fk_cmd_seal = {
    .name = "seal",
    .summary = N_("pack a ward's CSV into an AES-256 ZIP with a new password"),
    .usage = N_("usage: fukan seal WARD.CSV -o PACKAGE.zip [--password-out FILE] [--notice PDF]\n"
                "\n"
                "The ward's side of the hand-over: writes PACKAGE.zip, whose entries (the CSV\n"
                "and a manifest with its row count and SHA-256) are encrypted with AES-256\n"
                "under a new random password of 24 characters that cannot be misread.\n"
                "The password is handed over separately from the package:\n"
                "  --password-out FILE  write it to FILE, created with mode 0600 (never\n"
                "                       overwritten)\n"
                "  --notice PDF         write the password notice (パスワード通知書) with the\n"
                "                       package's name and SHA-256, to print and hand over\n"
                "It is shown on the terminal only when stdout is one; otherwise\n"
                "--password-out is required. Neither PACKAGE.zip nor FILE may exist.\n"
                "Exit codes: 0 sealed, 2 usage error or existing output, 3 I/O error.\n"),
    .run = fk__run,
};
