/*
 * fk_step_seal: the ward's side of the hand-over. Packs the export CSV into an AES-256 ZIP
 * (with a manifest) under a new random password, and delivers the password separately: to
 * a file created with mode 0600 and/or the password notice (パスワード通知書). See fukan.h.
 */
#include "fukan.h"
#include "compose/report.h"
#include "core/crypto.h"
#include "ingest/package.h"
#include "util/jdate.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef fk_seal_options fk__seal_args;

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
        return fk_failf(err, FK_EIO, _("%s: cannot write the password"), path);
    }
    return FK_OK;
}

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
    if (a->notice)
        return fk__write_notice(a, password, err);
    return FK_OK;
}

fk_status fk_step_seal(const fk_seal_options *a, char password[FK_SEAL_PASSWORD_MAX], fk_err *err)
{
    /* Checked before the CSV is read, so that a refused run costs nothing. */
    const char *existing = fk_fs_exists(a->out)                               ? a->out
                           : a->password_out && fk_fs_exists(a->password_out) ? a->password_out
                           : a->notice && fk_fs_exists(a->notice)             ? a->notice
                                                                              : NULL;
    if (existing)
        return fk_failf(err, FK_EEXIST, _("%s: already exists, not overwritten"), existing);
    char *csv = NULL;
    size_t len = 0;
    fk_status st = fk_fs_read_file(a->csv, FK_PACKAGE_MAX_CSV, &csv, &len, err);
    if (st == FK_OK)
        st = fk_package_password_new(password, FK_SEAL_PASSWORD_MAX, err);
    if (st == FK_OK)
        st = fk_package_write(a->out, fk__basename(a->csv), csv, len, password, err);
    if (st == FK_OK) {
        st = fk__deliver_password(a, password, err);
        if (st != FK_OK)
            unlink(a->out); /* a package whose password is lost is useless */
    }
    if (st != FK_OK)
        fk_wipe(password, FK_SEAL_PASSWORD_MAX);
    if (csv)
        fk_wipe(csv, len);
    fk_free(csv);
    return st;
}
