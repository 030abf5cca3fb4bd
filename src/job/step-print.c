/* fk_step_print: selects print files and sends each to CUPS through src/print, or only
 * records the outcome of jobs a killed fukan sent. See fukan.h. */
#include "fukan.h"
#include "print/print.h"
#include "print/printlog.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <string.h>
#include <time.h>

typedef struct {
    const fk_print_options *opts;
    char **names; /* selected print files, in stored order */
    size_t n, cap;
    bool failed;
} fk__select;

static int fk__select_file(const fk_print_tally *t, void *ctx)
{
    fk__select *sel = ctx;
    const fk_print_options *o = sel->opts;
    bool wanted = o->all;
    for (int i = 0; !wanted && i < o->n_batches; i++)
        wanted = fk_print_batch_matches(t->file, o->batches[i]);
    for (int i = 0; !wanted && i < o->n_files; i++)
        wanted = strcmp(t->file->name, o->files[i]) == 0;
    if (!wanted)
        return 0;
    if (sel->n == sel->cap) {
        size_t cap = sel->cap ? 2 * sel->cap : 32;
        char **names = fk_realloc(sel->names, cap * sizeof *names);
        if (names == NULL) {
            sel->failed = true;
            return 1;
        }
        sel->names = names;
        sel->cap = cap;
    }
    if ((sel->names[sel->n] = fk_strdup(t->file->name)) == NULL) {
        sel->failed = true;
        return 1;
    }
    sel->n++;
    return 0;
}

fk_status fk_step_print(fk_job *job, const fk_print_options *opts, fk_print_result *out,
                        fk_err *err)
{
    fk_print_request req = {
        .printer = opts->printer, .reason = opts->reason, .timeout = opts->timeout};
    memset(out, 0, sizeof *out);
    out->queue = fk_print_queue(job, &req);
    if (opts->recover_only)
        return fk_print_recover(job, opts->timeout, &out->resolved, err);
    fk__select sel = {.opts = opts};
    fk_status s = fk_print_tally_foreach(job, time(NULL), fk__select_file, &sel, err);
    if (s == FK_OK && sel.failed)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK && sel.n == 0)
        s = fk_failf(err, FK_ENOENT,
                     _("no print file matches (run `fukan compose`, or see "
                       "`fukan printlog JOBDIR --files`)"));
    for (size_t i = 0; s == FK_OK && i < sel.n; i++) {
        fk_print_outcome o;
        s = fk_print_file(job, sel.names[i], &req, &o, err);
        if (o.entry_id == 0)
            continue;
        fk_print_report r = {.file = sel.names[i],
                             .queue = o.queue,
                             .cups_job_id = o.cups_job_id,
                             .state = fk_print_state_name(o.state),
                             .sheets_sent = o.sheets_sent,
                             .sheets_reported = o.sheets_reported,
                             .designated = o.designated,
                             .over_count = o.over_count,
                             .ok = s == FK_OK,
                             .index = i + 1,
                             .count = sel.n};
        if (opts->printed != NULL)
            opts->printed(opts->ctx, &r);
        if (s == FK_OK) {
            out->files++;
            out->sheets += o.sheets_reported >= 0 ? o.sheets_reported : o.sheets_sent;
        }
    }
    for (size_t i = 0; i < sel.n; i++)
        fk_free(sel.names[i]);
    fk_free(sel.names);
    return s;
}
