/* fukan proof: the proof set for the ward's approval — one specimen of each document and
 * category with a 見本 watermark and PNG previews — and its approval. */
#include "cli.h"
#include "core/files.h"
#include "mailing.h"
#include "session.h"
#include "util/fsutil.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

static const char fk__usage[] =
    "usage: fukan proof JOBDIR -o DIR\n"
    "       fukan proof JOBDIR --approve\n"
    "  login: --user ID, --user-password-file FILE\n\n"
    "Renders one specimen of every document of every category, with a fictitious person\n"
    "(見本 太郎) and a 見本 watermark, as DIR/proof-DOCUMENT-C.pdf, and PNG previews next to\n"
    "them (pdftoppm). The proofs hold no resident's data. After the ward approves them, a\n"
    "responsible manager (取扱責任者) records the approval with --approve; composing for\n"
    "print requires it.\n";

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

static fk_status fk__render(fk_mailing *m, fk_category c, int fiscal_year, const char *dir,
                            int *files, fk_err *err)
{
    const char *docs[FK_MAILING_MAX_DOCS];
    int n = fk_mailing_documents(c, docs);
    fk_record r;
    fk_fields *f = fk_fields_new();
    fk_status s = f ? fk_mailing_specimen(c, fiscal_year, &r, err)
                    : fk_failf(err, FK_ENOMEM, "out of memory");
    if (s != FK_OK) {
        fk_fields_free(f);
        return s;
    }
    for (int i = 0; s == FK_OK && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/proof-%s-%c.pdf", dir, docs[i], fk_category_code(c));
        fk_doc_writer *w = fk_doc_writer_new(path, fk_mailing_template(m, docs[i]), err);
        s = w ? fk_doc_writer_set_watermark(w, "見本", err) : err->status;
        if (s == FK_OK)
            s = fk_mailing_fill(m, &r, 1, i + 1, n, f, err);
        if (s == FK_OK)
            s = fk_doc_writer_add_sheet(w, f, err);
        fk_status closed = w ? fk_doc_writer_close(w, err) : FK_OK;
        if (s == FK_OK)
            s = closed;
        if (s == FK_OK) {
            (*files)++;
            printf("%s%s\n", path, fk__preview(path) ? " (+ .png)" : "");
        }
    }
    fk_record_clear(&r);
    fk_fields_free(f);
    return s;
}

static fk_status fk__proof(fk_job *job, const char *dir, int *files, fk_err *err)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return fk_failf(err, FK_EIO, "%s: %s", dir, strerror(errno));
    fk_mailing *m;
    fk_status s = fk_mailing_new(job, &m, err);
    if (s == FK_OK)
        fk_mailing_set_specimen(m);
    int fy = fk_order_fiscal_year(fk_job_order(job));
    for (int c = 0; s == FK_OK && c < FK_CAT_COUNT; c++)
        s = fk__render(m, (fk_category)c, fy, dir, files, err);
    fk_mailing_free(m);
    if (s == FK_OK)
        s = fk_job_setting_set(job, "proof_rendered_by", fk_job_user(job), err);
    return s;
}

static fk_status fk__approve(fk_job *job, fk_err *err)
{
    char who[128];
    if (fk_job_setting_get(job, "proof_rendered_by", who, sizeof who, NULL) != FK_OK)
        return fk_failf(err, FK_ESTATE, "no proof set has been rendered: run 'fukan proof -o'");
    fk_status s = fk_job_setting_set(job, "proof_approved_by", fk_job_user(job), err);
    if (s == FK_OK)
        printf("proof set approved by %s\n", fk_job_user(job));
    return s;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"approve", no_argument, NULL, 'a'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    const char *dir = NULL;
    bool approve = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'o')
            dir = optarg;
        else if (opt == 'a')
            approve = true;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || (dir == NULL) == !approve) {
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, approve ? "proof approve" : "proof",
                             approve ? FK_ROLE_MANAGER : FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    int files = 0;
    fk_status s = approve ? fk__approve(job, &err) : fk__proof(job, dir, &files, &err);
    char details[64];
    snprintf(details, sizeof details, approve ? "proof set approved" : "%d proofs rendered", files);
    return fk_cli_finish(job, "proof set", s, details, &err);
}

const fk_command fk_cmd_proof = {
    .name = "proof",
    .summary = "render the proof set for the ward; approve it",
    .usage = fk__usage,
    .run = fk__run,
};
