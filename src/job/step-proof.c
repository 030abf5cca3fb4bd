/* fk_step_proof and fk_step_approve: the proof set for the ward's approval — one specimen of
 * each document and category with a 見本 watermark and PNG previews — and its approval by a
 * responsible manager. See fukan.h. */
#include "fukan.h"
#include "step-private.h"
#include "core/files.h"
#include "mailing.h"
#include "util/fsutil.h"
#include "util/i18n.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

/* The watermark every proof carries, so a proof can never pass for a print file. */
#define FK__WATERMARK "見本"

/* Runs pdftoppm for a preview; a missing tool only costs the preview. */
static bool fk__preview(const char *pdf)
{
    char in[4096], base[4096];
    char tool[] = "pdftoppm", r[] = "-r", dpi[] = "60", png[] = "-png", single[] = "-singlefile";
    snprintf(in, sizeof in, "%s", pdf);
    snprintf(base, sizeof base, "%.*s", (int)(strlen(pdf) - 4), pdf);
    char *argv[] = {tool, r, dpi, png, single, in, base, NULL};
    pid_t pid;
    if (posix_spawnp(&pid, "pdftoppm", NULL, NULL, argv, environ) != 0)
        return false;
    int status;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static fk_status fk__render(fk_job *job, fk_mailing *m, fk_category c, const char *dir,
                            const fk_callbacks *cb, int *files, fk_err *err)
{
    const char *docs[FK_MAILING_MAX_DOCS];
    int n = fk_mailing_documents(c, docs);
    fk_record r;
    fk_fields *f = fk_fields_new();
    int fiscal_year = fk_order_fiscal_year(fk_job_order(job));
    fk_status s = f ? fk_mailing_specimen(c, fiscal_year, &r, err)
                    : fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s != FK_OK) {
        fk_fields_free(f);
        return s;
    }
    char check[FK_CHECK_VALUE_HEX];
    s = fk_job_specimen_check_value(job, &r, check, err);
    for (int i = 0; s == FK_OK && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/proof-%s-%c.pdf", dir, docs[i], fk_category_code(c));
        fk_doc_writer *w = fk_doc_writer_new(path, fk_mailing_template(m, docs[i]), err);
        s = w ? fk_doc_writer_set_watermark(w, FK__WATERMARK, err) : err->status;
        char payload[FK_MAILING_PAYLOAD_MAX];
        fk_mailing_payload(m, c, check, /*serial*/ 1, i + 1, n, payload);
        if (s == FK_OK)
            s = fk_mailing_fill(m, &r, f, NULL, err);
        if (s == FK_OK)
            s = fk_mailing_fill_sheet(payload, i + 1, n, f, err);
        if (s == FK_OK)
            s = fk_doc_writer_add_sheet(w, f, err);
        fk_status closed = w ? fk_doc_writer_close(w, err) : FK_OK;
        if (s == FK_OK)
            s = closed;
        if (s == FK_OK) {
            (*files)++;
            bool preview = fk__preview(path);
            if (cb != NULL && cb->file != NULL)
                cb->file(cb->ctx, path, preview ? "+ .png" : NULL);
        }
    }
    fk_record_clear(&r);
    fk_fields_free(f);
    return s;
}

static fk_status fk__proof(fk_job *job, const char *dir, const fk_callbacks *cb, int *files,
                           fk_err *err)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return fk_failf(err, FK_EIO, "%s: %s", dir, strerror(errno));
    fk_mailing *m;
    fk_status s = fk_mailing_new(job, &m, err);
    if (s == FK_OK)
        fk_mailing_set_specimen(m); /* codes that verification always rejects */
    for (int c = 0; s == FK_OK && c < FK_CAT_COUNT; c++) {
        s = fk__render(job, m, (fk_category)c, dir, cb, files, err);
        if (s == FK_OK)
            fk__step_progress(cb, N_("rendering proof categories"), (size_t)c + 1, FK_CAT_COUNT);
    }
    fk_mailing_free(m);
    if (s == FK_OK)
        s = fk_job_setting_set(job, "proof_rendered_by", fk_job_user(job), err);
    return s;
}

fk_status fk_step_approve(fk_job *job, fk_err *err)
{
    char who[128];
    if (fk_job_setting_get(job, "proof_rendered_by", who, sizeof who, NULL) != FK_OK)
        return fk_failf(err, FK_ESTATE, _("no proof set has been rendered: run 'fukan proof -o'"));
    return fk_job_setting_set(job, "proof_approved_by", fk_job_user(job), err);
}

fk_status fk_step_proof(fk_job *job, const fk_proof_options *opts, const fk_callbacks *cb,
                        fk_proof_result *out, fk_err *err)
{
    out->files = 0;
    return fk__proof(job, opts->dir, cb, &out->files, err);
}
