/* The order/package count reconciliation: see reconcile.h. Acceptances are kept as clear
 * settings keyed by nothing but the package id, so a replaced package starts unaccepted. */
#include "reconcile.h"

#include "files.h"
#include "job-private.h"
#include "records.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK__REASON_MAX 200

static fk_status fk__open_package(fk_job *job, long *id, long *received, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT id, received FROM packages WHERE replaced_at IS NULL"
                                  " ORDER BY id DESC LIMIT 1",
                                  &st, err);
    if (s != FK_OK)
        return s;
    *id = 0;
    *received = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *id = (long)sqlite3_column_int64(st, 0);
        *received = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return FK_OK;
}

fk_status fk_job_reconcile(fk_job *job, fk_reconciliation *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    fk_job_counts c;
    fk_status s = fk_job_counts_get(job, &c, err);
    if (s == FK_OK)
        s = fk__open_package(job, &out->package, &out->received, err);
    if (s != FK_OK)
        return s;
    out->is_opened = out->package > 0;
    out->is_empty = out->is_opened && out->received == 0;
    for (int cat = 0; cat < FK_CAT_COUNT; cat++) {
        out->expected[cat] = fk_order_expected(fk_job_order(job), (fk_category)cat);
        out->accepted[cat] = c.by_category[cat];
        if (out->is_opened && out->expected[cat] >= 0 && out->expected[cat] != out->accepted[cat])
            out->differs = true;
    }
    if (!out->is_opened)
        return FK_OK;
    char value[96];
    if (fk_job_setting_get(job, "counts_accepted_package", value, sizeof value, NULL) == FK_OK &&
        strtol(value, NULL, 10) == out->package &&
        fk_job_setting_get(job, "counts_accepted_by", out->accepted_by, sizeof out->accepted_by,
                           NULL) == FK_OK)
        out->is_accepted = true;
    return FK_OK;
}

bool fk_reconciliation_is_blocking(const fk_reconciliation *r)
{
    return r->is_opened && (r->differs || r->is_empty) && !r->is_accepted;
}

void fk_reconciliation_describe(const fk_reconciliation *r, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    if (r->is_empty) {
        snprintf(out, size, "the package holds no rows (a header line only)");
        return;
    }
    for (int cat = 0; cat < FK_CAT_COUNT && used < size; cat++) {
        if (r->expected[cat] < 0 || r->expected[cat] == r->accepted[cat])
            continue;
        int n =
            snprintf(out + used, size - used, "%s%s expected %ld, accepted %ld", used ? "; " : "",
                     fk_category_label((fk_category)cat), r->expected[cat], r->accepted[cat]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

fk_status fk_job_counts_accept(fk_job *job, const char *reason, fk_err *err)
{
    if (fk_job_role(job) != FK_ROLE_MANAGER)
        return fk_failf(err, FK_EPERM,
                        _("only a responsible manager (取扱責任者) accepts counts: log in"
                          " as one with --user ID"));
    size_t len = reason ? strlen(reason) : 0;
    if (len == 0 || len > FK__REASON_MAX || strchr(reason, '\n') != NULL)
        return fk_failf(err, FK_EINVAL, _("--reason must be one line of 1-%d bytes"),
                        FK__REASON_MAX);
    fk_reconciliation r;
    fk_status s = fk_job_reconcile(job, &r, err);
    if (s != FK_OK)
        return s;
    if (!r.is_opened)
        return fk_failf(err, FK_ESTATE,
                        _("no package has been opened: run 'fukan open JOBDIR PACKAGE'"
                          " first"));
    if (!r.differs && !r.is_empty)
        return fk_failf(err, FK_ESTATE, _("the counts match the order: nothing to accept"));
    char package[32], describe[384], details[768];
    snprintf(package, sizeof package, "%ld", r.package);
    fk_reconciliation_describe(&r, describe, sizeof describe);
    snprintf(details, sizeof details, "count difference accepted for package %ld (%s): %s",
             r.package, describe, reason);
    s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    s = fk_job_setting_set(job, "counts_accepted_package", package, err);
    if (s == FK_OK)
        s = fk_job_setting_set(job, "counts_accepted_by", fk_job_user(job), err);
    if (s == FK_OK)
        s = fk_job_setting_set(job, "counts_accepted_reason", reason, err);
    if (s == FK_OK)
        s = fk_job_audit(job, "counts", FK_OK, details, err);
    return fk_job_end(job, s, err);
}
