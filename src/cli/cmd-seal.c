/*
 * fukan seal: the ward's side of the handover. Makes a random password, encrypts the CSV
 * into an AES-256 ZIP and hands the password over separately (a 0600 file, or the terminal),
 * so that the package and its password can travel on different occasions.
 */
#include "cli.h"
#include "ingest/package.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fk__usage(void)
{
    fk_cli_error("usage: fukan seal CSV -o PACKAGE [--password-out FILE]");
    return FK_EXIT_USAGE;
}

/* Writes the password to a new file of mode 0600; refuses an existing one. */
static fk_status fk__write_password_file(const char *path, const char *password, fk_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return fk_failf(err, errno == EEXIST ? FK_EEXIST : FK_EIO, "%s: %s", path,
                        errno == EEXIST ? "already exists" : strerror(errno));
    size_t len = strlen(password);
    bool ok = write(fd, password, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        return fk_failf(err, FK_EIO, "%s: cannot write", path);
    }
    return FK_OK;
}

/*
 * Hands the password over: to password_out, or to the terminal. This is where the password
 * notice (パスワード通知書) is to be written too, once the report writer exists.
 */
static fk_status fk__hand_over_password(const char *password, const char *password_out, fk_err *err)
{
    if (password_out != NULL)
        return fk__write_password_file(password_out, password, err);
    printf("package password: %s\n", password);
    return FK_OK;
}

static int fk__run(int argc, char **argv)
{
    const char *csv = NULL, *zip = NULL, *password_out = NULL;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
            zip = argv[++i];
        else if (strcmp(argv[i], "--password-out") == 0 && i + 1 < argc)
            password_out = argv[++i];
        else if (argv[i][0] == '-' || csv != NULL)
            return fk__usage();
        else
            csv = argv[i];
    }
    if (csv == NULL || zip == NULL)
        return fk__usage();
    if (password_out == NULL && isatty(STDOUT_FILENO) != 1) {
        fk_cli_error("standard output is not a terminal: give --password-out FILE so the "
                     "password is not captured");
        return FK_EXIT_USAGE;
    }
    if (password_out != NULL && access(password_out, F_OK) == 0) {
        fk_cli_error("%s: already exists", password_out);
        return FK_EXIT_USAGE;
    }
    fk_err err;
    fk_err_clear(&err);
    char password[FK_PACKAGE_PASSWORD_LEN + 1];
    fk_status s = fk_package_new_password(password, &err);
    if (s == FK_OK)
        s = fk_package_seal(csv, zip, password, &err);
    if (s == FK_OK) {
        s = fk__hand_over_password(password, password_out, &err);
        if (s != FK_OK)
            unlink(zip); /* a package whose password is lost is of no use */
    }
    memset(password, 0, sizeof password);
    if (s != FK_OK)
        return fk_cli_fail(&err);
    fprintf(stderr, "fukan: sealed %s; hand the password over separately\n", zip);
    return FK_EXIT_OK;
}

const fk_command fk_cmd_seal = {
    .name = "seal",
    .summary = "encrypt a ward's CSV into an AES-256 package (the ward's side)",
    .usage = "usage: fukan seal CSV -o PACKAGE [--password-out FILE]\n\n"
             "Encrypts CSV into a new ZIP package with AES-256 (WinZip AE-2) under a new\n"
             "random password of 24 characters (no 0/O/o, 1/l/I). The password is written to\n"
             "FILE (created with mode 0600; an existing FILE is refused), or shown when\n"
             "standard output is a terminal. Hand the package and the password over\n"
             "separately. PACKAGE must not exist.\n",
    .run = fk__run,
};
