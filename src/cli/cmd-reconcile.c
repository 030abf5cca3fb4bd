/* fukan reconcile: the reconciliation (取扱い状況報告) as text, CSV, XLSX or PDF. */
#include "cli.h"
#include "core/erase.h"
#include "job/papers.h"
#include "report/handling.h"
#include "session.h"
#include "util/fsutil.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan reconcile JOBDIR [--format text|csv|xlsx|pdf] [-o FILE]\n"
       "  login: --user ID, --user-password-file FILE (any role); after erasure --user ID only\n\n"
       "Adds up the job per category and batch: received, rejected, accepted, held, composed,\n"
       "printed (with over-count), verified, delivered, and flags every stage whose numbers do\n"
       "not add up; names the next step and its command. text goes to stdout unless -o; csv\n"
       "(UTF-8 with BOM), xlsx and pdf need -o FILE. Exit 1 when a stage does not add up: record\n"
       "an incident (fukan incident add).\n");

static fk_status fk__write(fk_job *job, const char *format, const char *out, size_t *flagged,
                           fk_err *err)
{
    fk_stage_inputs in;
    fk_reconcile *r = NULL;
    fk_status s = fk_job_stage_inputs(job, &in, err);
    if (s == FK_OK)
        s = fk_reconcile_new(job, &in, &r, err);
    if (s != FK_OK)
        return s;
    *flagged = fk_reconcile_flagged(r);
    fk_buf b;
    fk_buf_init(&b, (size_t)64 << 20);
    if (strcmp(format, "xlsx") == 0) {
        s = fk_reconcile_xlsx(r, out, err);
    } else if (strcmp(format, "pdf") == 0) {
        fk_paper *p = fk_paper_new();
        s = p ? fk_reconcile_paper(r, job, p, err) : fk_failf(err, FK_ENOMEM, _("out of memory"));
        if (s == FK_OK)
            s = fk_paper_render_pdf(p, &b, err);
        if (s == FK_OK)
            s = fk_fs_write_atomic(out, b.data, b.len, err);
        fk_paper_free(p);
    } else {
        bool csv = strcmp(format, "csv") == 0;
        if ((csv ? fk_reconcile_csv(r, &b) : fk_reconcile_text(r, &b)) != FK_OK)
            s = fk_failf(err, FK_ENOMEM, _("out of memory"));
        else if (out != NULL)
            s = fk_fs_write_atomic(out, b.data, b.len, err);
        else
            fputs(fk_buf_cstr(&b), stdout);
    }
    if (s == FK_OK && out != NULL)
        printf("%s\n", out);
    fk_buf_free(&b);
    fk_reconcile_free(r);
    return s;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"format", required_argument, NULL, 'f'},
                                            {"output", required_argument, NULL, 'o'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    const char *format = "text", *out = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'f')
            format = optarg;
        else if (opt == 'o')
            out = optarg;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    bool known = strcmp(format, "text") == 0 || strcmp(format, "csv") == 0 ||
                 strcmp(format, "xlsx") == 0 || strcmp(format, "pdf") == 0;
    bool needs_out = strcmp(format, "xlsx") == 0 || strcmp(format, "pdf") == 0;
    if (optind + 1 != argc || !known || (needs_out && out == NULL)) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_err err;
    fk_err_clear(&err);
    fk_job *job;
    fk_status s = fk_job_open(argv[optind], &job, &err);
    if (s != FK_OK)
        return fk_cli_fail(&err);
    if (fk_job_is_erased(job, NULL, 0)) {
        fk_cli_login_defaults(&login);
        s = fk_job_act_on_erased(job, login.user, "reconcile", &err);
    } else {
        fk_job_close(job);
        job = NULL;
        int rc = fk_cli_open_job(argv[optind], &login, "reconcile", FK_ROLES_ALL, &job);
        if (rc != FK_EXIT_OK)
            return rc;
    }
    size_t flagged = 0;
    if (s == FK_OK)
        s = fk__write(job, format, out, &flagged, &err);
    if (s == FK_OK && flagged > 0) {
        s = fk_failf(&err, FK_EFINDING,
                     _("%zu stage(s) do not add up: record an incident at once (fukan incident add"
                       " JOBDIR --what ... --when ... --serials ...)"),
                     flagged);
    }
    return fk_cli_finish(job, "reconciliation", s, format, &err);
}

const fk_command fk_cmd_reconcile = {
    .name = "reconcile",
    .summary = N_("the reconciliation (取扱い状況報告) per category and batch"),
    .usage = fk__usage,
    .run = fk__run,
};
