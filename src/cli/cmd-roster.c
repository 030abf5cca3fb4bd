/* fukan roster: the handler roster (名簿) for submission to the ward, as CSV (and PDF). */
#include "cli.h"
#include "session.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    "usage: fukan roster JOBDIR [-o DIR]\n"
    "  login: --user ID, --user-password-file FILE (any role)\n\n"
    "Writes the handler roster (取扱者名簿: ID, name, affiliation, role, added, added by,\n"
    "removed, removed by) as DIR/roster.csv (UTF-8 with BOM, for spreadsheet programs) and\n"
    "DIR/roster.pdf. DIR defaults to the current directory. Files are written mode 0600.\n";

/* One CSV field, quoted as RFC 4180 says when needed. */
static fk_status fk__csv_field(fk_buf *b, const char *s, bool last)
{
    fk_status st = FK_OK;
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        st = fk_buf_append_str(b, s);
    } else {
        st = fk_buf_append_byte(b, '"');
        for (const char *p = s; st == FK_OK && *p; p++)
            st = *p == '"' ? fk_buf_append_str(b, "\"\"") : fk_buf_append_byte(b, *p);
        if (st == FK_OK)
            st = fk_buf_append_byte(b, '"');
    }
    if (st == FK_OK)
        st = fk_buf_append_str(b, last ? "\r\n" : ",");
    return st;
}

static int fk__row(const fk_user_info *u, void *ctx)
{
    fk_buf *b = ctx;
    const char *fields[] = {u->id,       u->name,     u->affiliation, fk_role_title(u->role),
                            u->added_at, u->added_by, u->removed_at,  u->removed_by};
    size_t n = sizeof fields / sizeof fields[0];
    for (size_t i = 0; i < n; i++)
        if (fk__csv_field(b, fields[i], i + 1 == n) != FK_OK)
            return 1;
    return 0;
}

static fk_status fk__write_csv(fk_job *job, const char *dir, fk_err *err)
{
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fk_status s = fk_buf_append_str(&b, "\xEF\xBB\xBFID,氏名,所属,役割,登録日時,登録者,"
                                        "削除日時,削除者\r\n");
    if (s == FK_OK)
        s = fk_job_users_foreach(job, fk__row, &b, err);
    char path[4096];
    if (s == FK_OK && !fk_fs_join(path, sizeof path, dir, "roster.csv"))
        s = fk_failf(err, FK_EINVAL, "%s: path too long", dir);
    if (s == FK_OK)
        s = fk_fs_write_atomic(path, b.data, b.len, err);
    if (s == FK_OK)
        printf("%s\n", path);
    fk_buf_free(&b);
    return s;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'}, FK_CLI_LOGIN_OPTIONS, {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    const char *dir = ".";
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'o')
            dir = optarg;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc) {
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "roster", FK_ROLES_ALL, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_status s = fk__write_csv(job, dir, &err);
    return fk_cli_finish(job, "roster", s, "roster written", &err);
}

const fk_command fk_cmd_roster = {
    .name = "roster",
    .summary = "write the handler roster (名簿) for the ward",
    .usage = fk__usage,
    .run = fk__run,
};
