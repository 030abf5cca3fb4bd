/* fukan open: decrypt the ward's package, validate every row, seal the accepted records into
 * the job store in one transaction, and compare the counts with the order. */
#include "cli.h"
#include "core/reconcile.h"
#include "core/records.h"
#include "ingest/ingest.h"
#include "ingest/package.h"
#include "postal/postal.h"
#include "session.h"
#include "util/fsutil.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    "usage: fukan open JOBDIR PACKAGE [--package-password-file FILE] [--encoding cp932|utf-8]\n"
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
    "`fukan check JOBDIR --accept-counts --reason TEXT`, or the package is replaced).\n";

typedef struct {
    fk_job *job;
    long package;
    fk_postal_db *postal;
    fk_postal_result *postal_result;
    fk_mismatch_policy policy;
    long postal_rejects, postal_warnings;
    long by_category[FK_CAT_COUNT];
    bool counts_differ; /* the reconciliation with the order is a finding */
} fk__open;

static bool fk__on_finding(void *ctx, long line, long column, const char *column_name,
                           const char *reason, bool is_warning)
{
    fk__open *o = ctx;
    if (is_warning) {
        fprintf(stderr, "fukan: warning: %ld:%ld: %s: %s\n", line, column, column_name, reason);
        return true;
    }
    fk_err err;
    return fk_job_reject_add(o->job, o->package, line, column, column_name, reason, &err) == FK_OK;
}

static fk_status fk__on_record(void *ctx, const fk_record *r, long line, fk_err *err)
{
    fk__open *o = ctx;
    fk_status s =
        fk_postal_compute(o->postal, r->postal, r->address, r->building, o->postal_result, err);
    if (s != FK_OK)
        return s;
    fk_postal_verdict v = o->postal_result->verdict;
    if (v == FK_POSTAL_UNKNOWN_CODE || v == FK_POSTAL_MISMATCH) {
        const char *why = v == FK_POSTAL_UNKNOWN_CODE
                              ? "postal code is not in Japan Post's list"
                              : "postal code does not belong to the address";
        if (o->policy == FK_MISMATCH_REJECT) {
            o->postal_rejects++;
            return fk_job_reject_add(o->job, o->package, line, 0, "郵便番号", why, err);
        }
        o->postal_warnings++;
        fprintf(stderr, "fukan: warning: %ld: 郵便番号: %s\n", line, why);
    }
    s = fk_job_record_add(o->job, o->package, r, line, err);
    if (s == FK_OK)
        o->by_category[r->category]++;
    return s;
}

typedef struct {
    const char *package, *password_file, *encoding, *export_date;
    bool replace;
    fk_cli_login login;
} fk__opts;

static fk_status fk__ingest(fk__open *o, const fk__opts *opts, const fk_package *pkg,
                            fk_ingest_counts *counts, fk_err *err)
{
    fk_ingest_options io = {.fiscal_year = fk_order_fiscal_year(fk_job_order(o->job))};
    fk_status s = FK_OK;
    if (opts->encoding != NULL && !fk_encoding_parse(opts->encoding, &io.encoding))
        s = fk_failf(err, FK_EINVAL, "--encoding must be cp932 or utf-8");
    if (s == FK_OK && opts->export_date != NULL &&
        fk_date_parse(opts->export_date, &io.export_date, NULL) != FK_OK)
        s = fk_failf(err, FK_EINVAL, "--export-date: not a date");
    size_t csv_len;
    const char *csv = fk_package_csv(pkg, &csv_len);
    if (s == FK_OK)
        s = fk_ingest_run(csv, csv_len, &io, fk__on_record, fk__on_finding, o, counts, err);
    if (s == FK_EFORMAT || s == FK_ETOOBIG) {
        char msg[FK_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        fk_failf(err, s, "%s: %s", opts->package, msg);
    }
    return s;
}

static fk_status fk__store(fk__open *o, const fk__opts *opts, const fk_package *pkg,
                           const char *sha, fk_ingest_counts *counts, fk_err *err)
{
    fk_status s = fk_job_begin(o->job, err);
    if (s != FK_OK)
        return s;
    s = fk_job_package_start(o->job, sha, opts->replace, &o->package, err);
    if (s == FK_OK)
        s = fk__ingest(o, opts, pkg, counts, err);
    long accepted = (long)counts->accepted - o->postal_rejects;
    long rejected = (long)counts->rejected + o->postal_rejects;
    if (s == FK_OK)
        s = fk_job_package_finish(o->job, o->package, (long)counts->rows, accepted, rejected, err);
    fk_reconciliation rec = {0};
    if (s == FK_OK)
        s = fk_job_reconcile(o->job, &rec, err);
    char details[640], differs[384];
    fk_reconciliation_describe(&rec, differs, sizeof differs);
    snprintf(details, sizeof details,
             "package sha256 %.16s…: received %ld, accepted %ld,"
             " rejected %ld%s%s%s",
             sha, counts->rows, accepted, rejected,
             opts->replace ? " (replacing the earlier package)" : "",
             fk_reconciliation_is_blocking(&rec) ? "; counts differ from the order: " : "",
             fk_reconciliation_is_blocking(&rec) ? differs : "");
    o->counts_differ = fk_reconciliation_is_blocking(&rec);
    if (s == FK_OK)
        s = fk_job_audit(o->job, opts->package, FK_OK, details, err);
    return fk_job_end(o->job, s, err);
}

static void fk__print_counts(const fk__open *o, const fk_ingest_counts *c)
{
    long accepted = (long)c->accepted - o->postal_rejects;
    long rejected = (long)c->rejected + o->postal_rejects;
    printf("received %ld, accepted %ld, rejected %ld (encoding %s)\n", c->rows, accepted, rejected,
           fk_encoding_name(c->encoding));
    fk_cli_print_cell("category", 16);
    printf(" %9s %9s %10s\n", "expected", "accepted", "difference");
    for (int cat = 0; cat < FK_CAT_COUNT; cat++) {
        long want = fk_order_expected(fk_job_order(o->job), (fk_category)cat);
        long got = o->by_category[cat];
        fk_cli_print_cell(fk_category_label((fk_category)cat), 16);
        if (want < 0)
            printf(" %9s %9ld %10s\n", "-", got, "-");
        else
            printf(" %9ld %9ld %+10ld\n", want, got, got - want);
    }
}

static fk_status fk__open_package(fk__open *o, const fk__opts *opts, fk_err *err)
{
    char *zip = NULL, sha[65];
    size_t zip_len;
    fk_status s = fk_fs_read_file(opts->package, FK_PACKAGE_MAX_CSV, &zip, &zip_len, err);
    if (s != FK_OK)
        return s;
    fk_sha256_hex(zip, zip_len, sha);
    fk_free(zip);
    bool seen = false;
    s = fk_job_package_seen(o->job, sha, &seen, err);
    if (s == FK_OK && seen && !opts->replace)
        return fk_failf(err, FK_ESTATE, "%s: this package is already open in the job",
                        opts->package);
    char password[FK_PASSWORD_MAX + 1];
    fk_package *pkg = NULL;
    if (s == FK_OK)
        s = fk_cli_read_password(opts->password_file, "Package password: ", false, password,
                                 sizeof password, err);
    if (s == FK_OK)
        s = fk_package_open(opts->package, password, 0, &pkg, err);
    fk_wipe(password, sizeof password);
    fk_ingest_counts counts = {0};
    if (s == FK_OK)
        s = fk_postal_db_open(NULL, &o->postal, err);
    if (s == FK_OK && (o->postal_result = fk_malloc(sizeof *o->postal_result)) == NULL)
        s = fk_failf(err, FK_ENOMEM, "out of memory");
    if (s == FK_OK)
        s = fk__store(o, opts, pkg, sha, &counts, err);
    if (s == FK_OK)
        fk__print_counts(o, &counts);
    if (s == FK_OK && counts.rows == 0)
        s = fk_failf(err, FK_EFINDING, "the package holds no rows (a header line only)");
    if (s == FK_OK && (counts.rejected > 0 || o->postal_rejects > 0))
        s = fk_failf(err, FK_EFINDING, "%ld rows rejected: see 'fukan rejects'%s",
                     counts.rejected + o->postal_rejects,
                     o->counts_differ ? "; the counts differ from the order" : "");
    if (s == FK_OK && o->counts_differ)
        s = fk_failf(err, FK_EFINDING,
                     "the accepted counts differ from the order: composing is refused until a"
                     " responsible manager accepts them ('fukan check JOBDIR --accept-counts"
                     " --reason TEXT') or the package is replaced");
    fk_package_free(pkg);
    fk_free(o->postal_result);
    fk_postal_db_free(o->postal);
    return s;
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
            o->encoding = optarg;
        else if (opt == 'd')
            o->export_date = optarg;
        else if (opt == 'r')
            o->replace = true;
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
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    opts.package = argv[first + 1];
    fk__open o = {0};
    int rc = fk_cli_open_job(argv[first], &opts.login, "open", FK_ROLES_STAFF, &o.job);
    if (rc != FK_EXIT_OK)
        return rc;
    o.policy = fk_order_postal_mismatch(fk_job_order(o.job));
    fk_err err;
    fk_err_clear(&err);
    fk_status s = fk__open_package(&o, &opts, &err);
    if (s == FK_OK || s == FK_EFINDING) {
        /* The package's own audit entry was committed with the records. */
        fk_job_close(o.job);
        return s == FK_OK ? FK_EXIT_OK : fk_cli_fail(&err);
    }
    return fk_cli_finish(o.job, opts.package, s, "", &err);
}

const fk_command fk_cmd_open = {
    .name = "open",
    .summary = "open the ward's package: decrypt, validate, seal the records",
    .usage = fk__usage,
    .run = fk__run,
};
