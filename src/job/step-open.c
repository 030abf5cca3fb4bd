/* fk_step_open: decrypt the ward's package, validate every row, check each postal code
 * against its address (the order's postal-mismatch policy), seal the accepted records into
 * the job store in one transaction, and count them per category. See fukan.h. */
#include "fukan.h"
#include "step-private.h"
#include "core/reconcile.h"
#include "core/records.h"
#include "ingest/ingest.h"
#include "ingest/package.h"
#include "postal/postal.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    fk_job *job;
    long package;
    fk_postal_db *postal;
    fk_postal_result *postal_result;
    fk_mismatch_policy policy;
    long postal_rejects, postal_warnings;
    long by_category[FK_CAT_COUNT];
    bool counts_differ; /* the reconciliation with the order is a finding */
    const fk_callbacks *cb;
    long rows; /* data lines of the CSV, for progress */
} fk__open;

/* Progress by source line, every 256 rows; the end is reported once the package is read. */
static void fk__progress(const fk__open *o, long line)
{
    if (line % 256 == 0 && line - 1 < o->rows)
        fk__step_progress(o->cb, N_("reading rows"), (size_t)(line - 1), (size_t)o->rows);
}

static bool fk__report(const fk__open *o, const fk_finding *f)
{
    return o->cb == NULL || o->cb->finding == NULL || o->cb->finding(o->cb->ctx, f);
}

static bool fk__on_finding(void *ctx, long line, long column, const char *column_name,
                           const char *reason, bool is_warning)
{
    fk__open *o = ctx;
    fk_finding f = {is_warning ? FK_FINDING_WARNING : FK_FINDING_REJECT,
                    line,
                    column,
                    column_name,
                    NULL,
                    NULL,
                    reason,
                    false};
    if (is_warning)
        return fk__report(o, &f);
    fk_err err;
    return fk_job_reject_add(o->job, o->package, line, column, column_name, reason, &err) ==
               FK_OK &&
           fk__report(o, &f);
}

static fk_status fk__on_record(void *ctx, const fk_record *r, long line, fk_err *err)
{
    fk__open *o = ctx;
    fk__progress(o, line);
    fk_status s =
        fk_postal_compute(o->postal, r->postal, r->address, r->building, o->postal_result, err);
    if (s != FK_OK)
        return s;
    fk_postal_verdict v = o->postal_result->verdict;
    if (v == FK_POSTAL_UNKNOWN_CODE || v == FK_POSTAL_MISMATCH) {
        const char *why = v == FK_POSTAL_UNKNOWN_CODE
                              ? _("postal code is not in Japan Post's list")
                              : _("postal code does not belong to the address");
        bool reject = o->policy == FK_MISMATCH_REJECT;
        fk_finding f = {reject ? FK_FINDING_REJECT : FK_FINDING_WARNING,
                        line,
                        0,
                        "郵便番号",
                        NULL,
                        NULL,
                        why,
                        false};
        if (reject) {
            o->postal_rejects++;
            s = fk_job_reject_add(o->job, o->package, line, 0, "郵便番号", why, err);
        } else {
            o->postal_warnings++;
        }
        if (s == FK_OK && !fk__report(o, &f))
            s = fk_failf(err, FK_EFINDING, _("stopped at line %ld"), line);
        if (s != FK_OK || reject)
            return s;
    }
    s = fk_job_record_add(o->job, o->package, r, line, err);
    if (s == FK_OK)
        o->by_category[r->category]++;
    return s;
}

/* A package password as typed or read from a file: the ward may choose a longer one. */
#define FK__PASSWORD_MAX 1025

typedef fk_open_options fk__opts;

/* The package and what its first pass found, for the second pass that ingests it. */
typedef struct fk__source {
    fk_package *pkg;
    fk_decode_scan *scan;
    fk_encoding encoding;
} fk__source;

static fk_status fk__ingest(fk__open *o, const fk__opts *opts, const fk__source *src,
                            fk_ingest_counts *counts, fk_err *err)
{
    fk_ingest_options io = {.fiscal_year = fk_order_fiscal_year(fk_job_order(o->job)),
                            .encoding = src->encoding};
    fk_status s = FK_OK;
    if (opts->export_date != NULL &&
        fk_date_parse(opts->export_date, &io.export_date, NULL) != FK_OK)
        s = fk_failf(err, FK_EINVAL, _("--export-date: not a date"));
    /* The rows to come, for progress: the lines after the header. */
    o->rows = fk_decode_scan_line_ends(src->scan) - 1;
    if (s == FK_OK)
        s = fk_ingest_run_stream(src->scan, fk_package_read, src->pkg, &io, fk__on_record,
                                 fk__on_finding, o, counts, err);
    if (s == FK_OK)
        fk__step_progress(o->cb, N_("reading rows"), (size_t)counts->rows, (size_t)counts->rows);
    if (s == FK_EFORMAT || s == FK_ETOOBIG) {
        char msg[FK_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        fk_failf(err, s, "%s: %s", opts->package, msg);
    }
    return s;
}

static fk_status fk__store(fk__open *o, const fk__opts *opts, const fk__source *src,
                           const char *sha, fk_ingest_counts *counts, fk_err *err)
{
    fk_status s = fk_job_begin(o->job, err);
    if (s != FK_OK)
        return s;
    s = fk_job_package_start(o->job, sha, opts->replace, &o->package, err);
    if (s == FK_OK)
        s = fk__ingest(o, opts, src, counts, err);
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

static void fk__result(const fk__open *o, const fk_ingest_counts *c, fk_open_result *out)
{
    out->received = (long)c->rows;
    out->accepted = (long)c->accepted - o->postal_rejects;
    out->rejected = (long)c->rejected + o->postal_rejects;
    out->postal_warnings = o->postal_warnings;
    out->encoding = c->encoding;
    memcpy(out->by_category, o->by_category, sizeof out->by_category);
    out->counts_differ = o->counts_differ;
}

static void fk__scan_chunk(void *ctx, const char *data, size_t n)
{
    fk_decode_scan_feed(ctx, data, n);
}

static fk_status fk__open_package(fk__open *o, const fk__opts *opts, fk_open_result *out,
                                  fk_err *err)
{
    char sha[65];
    fk_status s = fk_package_file_sha256(opts->package, sha, err);
    if (s != FK_OK)
        return s;
    bool seen = false;
    s = fk_job_package_seen(o->job, sha, &seen, err);
    if (s == FK_OK && seen && !opts->replace)
        return fk_failf(err, FK_ESTATE,
                        _("%s: this package is already open in the job: 'fukan status JOBDIR'"
                          " names the next step"),
                        opts->package);
    char password[FK__PASSWORD_MAX];
    fk__source src = {.encoding = FK_ENCODING_AUTO};
    if (s == FK_OK && opts->encoding != NULL && !fk_encoding_parse(opts->encoding, &src.encoding))
        s = fk_failf(err, FK_EINVAL, _("--encoding must be cp932 or utf-8"));
    if (s == FK_OK)
        s = fk_decode_scan_new(src.encoding, &src.scan, err);
    if (s == FK_OK && opts->read_password == NULL)
        s = fk_failf(err, FK_EINVAL, _("no way to read the package's password"));
    if (s == FK_OK)
        s = opts->read_password(opts->password_ctx, password, sizeof password, err);
    /* The first pass authenticates the CSV, checks it against the manifest and scans its
     * encoding; the second, inside the transaction, ingests it. */
    if (s == FK_OK)
        s = fk_package_open(opts->package, password, 0, fk__scan_chunk, src.scan, &src.pkg, err);
    fk_wipe(password, sizeof password);
    fk_ingest_counts counts = {0};
    if (s == FK_OK)
        s = fk_postal_db_open(NULL, &o->postal, err);
    if (s == FK_OK && (o->postal_result = fk_malloc(sizeof *o->postal_result)) == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk__store(o, opts, &src, sha, &counts, err);
    if (s == FK_OK)
        fk__result(o, &counts, out);
    fk_package_free(src.pkg);
    fk_decode_scan_free(src.scan);
    fk_free(o->postal_result);
    fk_postal_db_free(o->postal);
    return s;
}

fk_status fk_step_open(fk_job *job, const fk_open_options *opts, const fk_callbacks *cb,
                       fk_open_result *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    fk__open o = {.job = job, .cb = cb};
    o.policy = fk_order_postal_mismatch(fk_job_order(job));
    return fk__open_package(&o, opts, out, err);
}
