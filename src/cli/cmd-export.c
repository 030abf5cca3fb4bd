/* fukan export: clear copies of the sealed print files and run file, on explicit request. */
#include "cli.h"
#include "core/files.h"
#include "session.h"
#include "util/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char fk__usage[] =
    "usage: fukan export JOBDIR --proof -o DIR\n"
    "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
    "Writes clear copies of every print file and the run file into DIR (created mode 0700,\n"
    "files 0600). They hold personal data: the export is audited with each file's name, and\n"
    "the copies must be erased when the job ends. --proof states that this is intended.\n";

typedef struct {
    fk_job *job;
    const char *dir;
    long files;
    fk_status status;
    fk_err *err;
} fk__export;

static int fk__write(const fk_job_file *f, void *ctx)
{
    fk__export *x = ctx;
    fk_buf data;
    fk_buf_init(&data, (size_t)1 << 31);
    char path[4096];
    x->status = fk_job_file_get(x->job, f->name, &data, x->err);
    if (x->status == FK_OK && !fk_fs_join(path, sizeof path, x->dir, f->name))
        x->status = fk_failf(x->err, FK_EINVAL, "%s: path too long", x->dir);
    if (x->status == FK_OK)
        x->status = fk_fs_write_atomic(path, data.data, data.len, x->err);
    if (x->status == FK_OK) {
        x->files++;
        printf("%s\n", path);
    }
    fk_buf_free(&data);
    return x->status != FK_OK;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"proof", no_argument, NULL, 'p'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    fk_err err;
    fk_err_clear(&err);
    fk__export x = {.err = &err};
    bool proof = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'o')
            x.dir = optarg;
        else if (opt == 'p')
            proof = true;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || x.dir == NULL || !proof) {
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    int rc = fk_cli_open_job(argv[optind], &login, "export", FK_ROLES_STAFF, &x.job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_status s = FK_OK;
    if (mkdir(x.dir, 0700) != 0 && errno != EEXIST)
        s = fk_failf(&err, FK_EIO, "%s: %s", x.dir, strerror(errno));
    if (s == FK_OK)
        s = fk_fs_check_private_dir(x.dir, &err);
    if (s == FK_OK)
        s = fk_job_files_foreach(x.job, fk__write, &x, &err);
    if (s == FK_OK)
        s = x.status;
    if (s == FK_OK && x.files == 0)
        s = fk_failf(&err, FK_ESTATE, "nothing to export: run 'fukan compose' first");
    char details[96];
    snprintf(details, sizeof details, "%ld files exported in clear", x.files);
    /* The absolute folder goes in the audit log: erasure removes the copies from there. */
    char where[4096];
    const char *object = s == FK_OK && realpath(x.dir, where) != NULL ? where : x.dir;
    return fk_cli_finish(x.job, object, s, details, &err);
}

const fk_command fk_cmd_export = {
    .name = "export",
    .summary = "write clear copies of the print files (audited)",
    .usage = fk__usage,
    .run = fk__run,
};
