/* fk_step_export: clear copies of the job's sealed files (print files, run file,
 * summaries), on explicit request. See fukan.h. */
#include "fukan.h"
#include "core/files.h"
#include "util/fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    fk_job *job;
    const char *dir;
    long files;
    const fk_callbacks *cb;
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
        if (x->cb != NULL && x->cb->file != NULL)
            x->cb->file(x->cb->ctx, path, NULL);
    }
    fk_buf_free(&data);
    return x->status != FK_OK;
}

fk_status fk_step_export(fk_job *job, const fk_export_options *opts, const fk_callbacks *cb,
                         fk_export_result *out, fk_err *err)
{
    fk__export x = {.job = job, .dir = opts->dir, .cb = cb, .err = err};
    fk_status s = FK_OK;
    out->files = 0;
    if (mkdir(x.dir, 0700) != 0 && errno != EEXIST)
        s = fk_failf(err, FK_EIO, "%s: %s", x.dir, strerror(errno));
    if (s == FK_OK)
        s = fk_fs_check_private_dir(x.dir, err);
    if (s == FK_OK)
        s = fk_job_files_foreach(x.job, fk__write, &x, err);
    if (s == FK_OK)
        s = x.status;
    if (s == FK_OK && x.files == 0)
        s = fk_failf(err, FK_ESTATE, "nothing to export: run 'fukan compose JOBDIR' first");
    out->files = x.files;
    return s;
}
