/*
 * fukan seal: the ward's side of the hand-over. Packs the export CSV into an AES-256 ZIP
 * (with a manifest) under a new random password, and delivers the password separately: to
 * a file created with mode 0600, or to the terminal. The password never goes to a stdout
 * that is not a terminal, where it could end up in a log.
 */
#include "cli.h"
#include "compose/report.h"
#include "core/crypto.h"
#include "ingest/package.h"
#include "util/jdate.h"
#include "util/fsutil.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct fk__seal_args {
    const char *csv;
    const char *out;
    const char *password_out;
    const char *notice;
} fk__seal_args;

/* The entry name: the CSV's file name without its directories. */
static const char *fk__basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Creates path with mode 0600, refusing to replace anything, and writes the password. */
static fk_status fk__write_password_file(const char *path, const char *password, fk_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return fk_failf(err, errno == EEXIST ? FK_EEXIST : FK_EIO, "%s: %s", path,
                        errno == EEXIST ? "already exists, not overwritten" : strerror(errno));
    size_t len = strlen(password);
    bool ok = write(fd, password, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        return fk_failf(err, FK_EIO, "%s: cannot write the password", path);
    }
    return FK_OK;
}

/*
 * Hands the password over, apart from the package: the file and/or the terminal. The
 * password notice (パスワード通知書) is meant to be produced here too.
 */
/* The password notice (パスワード通知書): handed over on another occasion than the package. */
static fk_status fk__write_notice(const fk__seal_args *a, const char *password, fk_err *err)
{
    char *zip = NULL, sha[65], today[64];
    size_t len;
    fk_status st = fk_fs_read_file(a->out, FK_PACKAGE_MAX_CSV, &zip, &len, err);
    if (st != FK_OK)
        return st;
    fk_sha256_hex(zip, len, sha);
    fk_free(zip);
    if (!fk_date_format_wareki_iso(fk_date_today(), today, sizeof today))
        today[0] = '\0';
    fk_report *r = fk_report_new(a->notice, err);
    if (r == NULL)
        return err->status;
    st = fk_report_title(r, "パスワード通知書", err);
    if (st == FK_OK)
        st = fk_report_paragraph(r,
                                 "暗号化した提供データのパスワードを通知します。この通知書は"
                                 "データの媒体とは別の機会にお渡しし、受領後は施錠して保管"
                                 "してください。",
                                 err);
    const char *kv[][2] = {{"通知日", today},
                           {"ファイル名", fk__basename(a->out)},
                           {"SHA-256", sha},
                           {"暗号方式", "ZIP AES-256 (WinZip AE-2)"},
                           {"パスワード", password}};
    for (size_t i = 0; st == FK_OK && i < sizeof kv / sizeof kv[0]; i++)
        st = fk_report_keyvalue(r, kv[i][0], kv[i][1], err);
    if (st == FK_OK)
        st = fk_report_paragraph(r,
                                 "パスワードは英字の大文字・小文字と数字の24文字です"
                                 "（0/O、1/l/I は使っていません）。",
                                 err);
    fk_status closed = fk_report_close(r, err);
    return st == FK_OK ? closed : st;
}

static fk_status fk__deliver_password(const fk__seal_args *a, const char *password, fk_err *err)
{
    if (a->password_out) {
        fk_status st = fk__write_password_file(a->password_out, password, err);
        if (st != FK_OK)
            return st;
    }
    if (a->notice) {
        fk_status st = fk__write_notice(a, password, err);
        if (st != FK_OK)
            return st;
    }
    if (isatty(STDOUT_FILENO))
        printf("package password: %s\n", password);
    return FK_OK;
}

static int fk__usage_error(const char *msg)
{
    fk_cli_error("%s", msg);
    fk_cli_error("usage: fukan seal WARD.CSV -o PACKAGE.zip [--password-out FILE] [--notice PDF]");
    return FK_EXIT_USAGE;
}

static int fk__run(int argc, char **argv)
{
    fk__seal_args a = {0};
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
            a.out = argv[++i];
        else if (strcmp(argv[i], "--password-out") == 0 && i + 1 < argc)
            a.password_out = argv[++i];
        else if (strcmp(argv[i], "--notice") == 0 && i + 1 < argc)
            a.notice = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            return fk__usage_error("unknown option or missing value");
        else if (!a.csv)
            a.csv = argv[i];
        else
            return fk__usage_error("more than one CSV given");
    }
    if (!a.csv || !a.out)
        return fk__usage_error("a CSV and -o PACKAGE.zip are required");
    if (!a.password_out && !a.notice && !isatty(STDOUT_FILENO))
        return fk__usage_error("stdout is not a terminal: give --password-out FILE or --notice "
                               "PDF so the password is not lost or logged");
    fk_err err;
    fk_err_clear(&err);
    /* Checked before the CSV is read, so that a refused run costs nothing. */
    const char *existing = fk_fs_exists(a.out)                              ? a.out
                           : a.password_out && fk_fs_exists(a.password_out) ? a.password_out
                           : a.notice && fk_fs_exists(a.notice)             ? a.notice
                                                                            : NULL;
    if (existing) {
        fk_failf(&err, FK_EEXIST, "%s: already exists, not overwritten", existing);
        return fk_cli_fail(&err);
    }
    char *csv = NULL;
    size_t len = 0;
    char password[FK_PACKAGE_PASSWORD_LEN + 1];
    fk_status st = fk_fs_read_file(a.csv, FK_PACKAGE_MAX_CSV, &csv, &len, &err);
    if (st == FK_OK)
        st = fk_package_password_new(password, sizeof password, &err);
    if (st == FK_OK)
        st = fk_package_write(a.out, fk__basename(a.csv), csv, len, password, &err);
    if (st == FK_OK) {
        st = fk__deliver_password(&a, password, &err);
        if (st != FK_OK)
            unlink(a.out); /* a package whose password is lost is useless */
    }
    fk_wipe(password, sizeof password);
    if (csv)
        memset(csv, 0, len);
    fk_free(csv);
    if (st != FK_OK)
        return fk_cli_fail(&err);
    fprintf(stderr, "fukan: sealed %s into %s (AES-256)%s%s\n", fk__basename(a.csv), a.out,
            a.password_out ? "; password in " : "", a.password_out ? a.password_out : "");
    return FK_EXIT_OK;
}

const fk_command fk_cmd_seal = {
    .name = "seal",
    .summary = "pack a ward's CSV into an AES-256 ZIP with a new password",
    .usage = "usage: fukan seal WARD.CSV -o PACKAGE.zip [--password-out FILE] [--notice PDF]\n"
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
             "Exit codes: 0 sealed, 2 usage error or existing output, 3 I/O error.\n",
    .run = fk__run,
};
