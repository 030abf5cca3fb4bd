/* fukan open: options, the package password prompt and the counts table around
 * fk_step_open (src/job/step-open.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan open JOBDIR PACKAGE [--package-password-file FILE] [--encoding cp932|utf-8]\n"
       "                  [--export-date DATE] [--replace]\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
       "Opens the ward's package (a ZIP encrypted with AES-256 holding one CSV, or a manifest\n"
       "naming it). Its password is read from the terminal or from FILE (mode 0600); it is not\n"
       "the user's own. Every row is validated (docs/ingest.md); a row with any error is\n"
       "rejected whole (see `fukan rejects`). The postal code must belong to the address (the\n"
       "order's postal_mismatch: reject or warn). Accepted records are sealed with the job key;\n"
       "nothing is stored unless the whole package was read. The counts per category are\n"
       "compared with the order's; received = accepted + rejected is recorded. A package\n"
       "already opened is refused unless --replace (audited). Exit 1 when rows were rejected,\n"
       "when the package holds no rows, or when the accepted counts differ from the order's\n"
       "(composing is then refused until a responsible manager accepts the difference with\n"
       "`fukan check JOBDIR --accept-counts --reason TEXT`, or the package is replaced).\n");

typedef struct {
    const char *password_file;
    fk_cli_login login;
    fk_open_options step;
} fk__opts;

static fk_status fk__read_password(void *ctx, char *out, size_t size, fk_err *err)
{
    const fk__opts *o = ctx;
    return fk_cli_read_password(o->password_file, _("Package password: "), false, out, size, err);
}

static bool fk__on_finding(void *ctx, const fk_finding *f)
{
    (void)ctx;
    /* Rejects are stored and listed by `fukan rejects`; warnings are shown as they come. */
    if (f->kind == FK_FINDING_WARNING && f->column > 0)
        fprintf(stderr, _("fukan: warning: %ld:%ld: %s: %s\n"), f->line, f->column, f->column_name,
                f->reason);
    else if (f->kind == FK_FINDING_WARNING)
        fprintf(stderr, _("fukan: warning: %ld: %s: %s\n"), f->line, f->column_name, f->reason);
    return true;
}

static void fk__print_counts(const fk_job *job, const fk_open_result *r)
{
    printf(_("received %ld, accepted %ld, rejected %ld (encoding %s)\n"), r->received, r->accepted,
           r->rejected, fk_encoding_name(r->encoding));
    fk_cli_print_cell(_("category"), 16);
    printf(" ");
    fk_cli_print_cell_right(_("expected"), 9);
    printf(" ");
    fk_cli_print_cell_right(_("accepted"), 9);
    printf(" ");
    fk_cli_print_cell_right(_("difference"), 10);
    printf("\n");
    for (int cat = 0; cat < FK_CAT_COUNT; cat++) {
        long want = fk_order_expected(fk_job_order(job), (fk_category)cat);
        long got = r->by_category[cat];
        fk_cli_print_cell(fk_category_label((fk_category)cat), 16);
        if (want < 0)
            printf(" %9s %9ld %10s\n", "-", got, "-");
        else
            printf(" %9ld %9ld %+10ld\n", want, got, got - want);
    }
}

static int fk__parse(int argc, char **argv, fk__opts *o)
{
    static const struct option options[] = {{"package-password-file", required_argument, NULL, 'p'},
                                            {"encoding", required_argument, NULL, 'e'},
                                            {"export-date", required_argument, NULL, 'd'},
                                            {"replace", no_argument, NULL, 'r'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'p')
            o->password_file = optarg;
        else if (opt == 'e')
            o->step.encoding = optarg;
        else if (opt == 'd')
            o->step.export_date = optarg;
        else if (opt == 'r')
            o->step.replace = true;
        else if (!fk_cli_login_option(&o->login, opt, optarg))
            return -1;
    }
    return optind + 2 == argc ? optind : -1;
}

static int fk__run(int argc, char **argv)
{
    fk__opts opts = {0};
    int first = fk__parse(argc, argv, &opts);
    if (first < 0) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    opts.step.package = argv[first + 1];
    opts.step.read_password = fk__read_password;
    opts.step.password_ctx = &opts;
    fk_job *job;
    int rc = fk_cli_open_job(argv[first], &opts.login, "open", FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.progress = fk_cli_on_progress, .finding = fk__on_finding};
    fk_open_result r;
    fk_status s = fk_step_open(job, &opts.step, &cb, &r, &err);
    if (s == FK_OK) {
        fk__print_counts(job, &r);
        if (r.received == 0)
            s = fk_failf(&err, FK_EFINDING, _("the package holds no rows (a header line only)"));
        else if (r.rejected > 0)
            s = fk_failf(&err, FK_EFINDING,
                         r.counts_differ
                             ? _("%ld rows rejected: see 'fukan rejects'; the counts differ from"
                                 " the order")
                             : _("%ld rows rejected: see 'fukan rejects'"),
                         r.rejected);
        else if (r.counts_differ)
            s = fk_failf(&err, FK_EFINDING,
                         _("the accepted counts differ from the order: composing is refused until a"
                           " responsible manager accepts them ('fukan check JOBDIR --accept-counts"
                           " --reason TEXT') or the package is replaced"));
    }
    if (s == FK_OK || s == FK_EFINDING) {
        /* The package's own audit entry was committed with the records. */
        fk_job_close(job);
        return s == FK_OK ? FK_EXIT_OK : fk_cli_fail(&err);
    }
    return fk_cli_finish(job, opts.step.package, s, "", &err);
}

const fk_command fk_cmd_open = {
    .name = "open",
    .summary = N_("open the ward's package: decrypt, validate, seal the records"),
    .usage = fk__usage,
    .run = fk__run,
};
