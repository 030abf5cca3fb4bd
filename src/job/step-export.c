/* fk_step_export: clear copies of the job's sealed files (print files, run file,
 * summaries), on explicit request. See fukan.h. */
#include "fukan.h"
#include "step-private.h"
#include "core/files.h"
#include "util/fsutil.h"
#include "util/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The files callback gets each copy's SHA-256 as its note. */
static void fk__exported(const char *path, const char *sha256_hex, void *ctx)
{
    const fk_callbacks *cb = *(const fk_callbacks *const *)ctx;
    if (cb != NULL && cb->file != NULL)
        cb->file(cb->ctx, path, sha256_hex);
}

static void fk__progress(void *ctx, size_t done, size_t total)
{
    fk__step_progress(*(const fk_callbacks *const *)ctx, N_("exporting print files"), done, total);
}

fk_status fk_step_export(fk_job *job, const fk_export_options *opts, const fk_callbacks *cb,
                         fk_export_result *out, fk_err *err)
{
    fk_status s = FK_OK;
    out->files = 0;
    if (mkdir(opts->dir, 0700) != 0 && errno != EEXIST)
        s = fk_failf(err, FK_EIO, "%s: %s", opts->dir, strerror(errno));
    if (s == FK_OK)
        s = fk_fs_check_private_dir(opts->dir, err);
    if (s == FK_OK)
        s = fk_job_files_export(job, opts->dir, fk__exported, fk__progress, &cb, &out->files, err);
    if (s == FK_OK && out->files == 0)
        s = fk_failf(err, FK_ESTATE, _("nothing to export: run 'fukan compose JOBDIR' first"));
    return s;
}
