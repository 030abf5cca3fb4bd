/* fk_step_compose: print files in mailing order, per category, document and batch, with the
 * run file the inserter and the enclosure check work from, and the bulk-mail summary; all
 * sealed in the job. See fukan.h.
 *
 * Threads: the main thread alone uses the job store. It unseals each task's records and
 * computes their insert-control check values (fk_job_check_value) before handing the task
 * to a worker; a worker has its own templates, rules and postal table (fk_mailing) and
 * writes only into its task. Each sheet's payload is computed once. */
#include "fukan.h"
#include "compose/report.h"
#include "core/files.h"
#include "core/moves.h"
#include "core/reconcile.h"
#include "core/records.h"
#include "mailing.h"
#include "postal/mailsort.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    long id, line;
    fk_category category;
    char tag[FK_TAG_HEX];
    char postal[8];    /* postal code and address: the only personal data kept per entry, */
    char address[152]; /* for the mailing order (wiped after) */
} fk__entry;

typedef struct {
    fk__entry *items;
    size_t n, cap;
    fk_status status;
    fk_err *err;
} fk__list;

static int fk__collect(const fk_record *r, const fk_record_meta *m, void *ctx)
{
    fk__list *l = ctx;
    if (m->state != FK_REC_CHECKED)
        return 0; /* held back, or not checked (fk__check_ready refused that) */
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 1024;
        fk__entry *items = fk_realloc(l->items, cap * sizeof *items);
        if (items == NULL) {
            l->status = fk_failf(l->err, FK_ENOMEM, _("out of memory"));
            return 1;
        }
        l->items = items;
        l->cap = cap;
    }
    fk__entry *e = &l->items[l->n];
    e->id = m->id;
    e->line = m->line;
    e->category = m->category;
    memcpy(e->tag, m->tag, sizeof e->tag);
    memcpy(e->postal, r->postal, sizeof e->postal);
    snprintf(e->address, sizeof e->address, "%s", r->address ? r->address : "");
    l->n++;
    return 0;
}

static void fk__list_free(fk__list *l)
{
    if (l->items != NULL)
        fk_wipe(l->items, l->cap * sizeof *l->items);
    fk_free(l->items);
}

/* Sorts the list into mailing order (postal/mailsort.c computes it). */
static fk_status fk__sort(fk__list *l, fk_err *err)
{
    size_t n = l->n;
    const char **codes = fk_calloc(n + 1, sizeof *codes);
    const char **addresses = fk_calloc(n + 1, sizeof *addresses);
    size_t *order = fk_calloc(n + 1, sizeof *order);
    fk__entry *sorted = fk_calloc(n + 1, sizeof *sorted);
    fk_status s = codes && addresses && order && sorted ? FK_OK : FK_ENOMEM;
    for (size_t i = 0; s == FK_OK && i < n; i++) {
        codes[i] = l->items[i].postal;
        addresses[i] = l->items[i].address;
    }
    if (s == FK_OK)
        s = fk_mailsort_order(codes, addresses, n, order);
    for (size_t i = 0; s == FK_OK && i < n; i++)
        sorted[i] = l->items[order[i]];
    if (s == FK_OK) {
        memcpy(l->items, sorted, n * sizeof *sorted);
        fk_wipe(sorted, n * sizeof *sorted);
    }
    fk_free(sorted);
    fk_free(order);
    fk_free(addresses);
    fk_free(codes);
    return s == FK_OK ? FK_OK : fk_failf(err, s, _("out of memory sorting into mailing order"));
}

static fk_status fk__buf_write(void *closure, const unsigned char *data, size_t len)
{
    return fk_buf_append(closure, data, len);
}

static fk_status fk__discard(void *closure, const unsigned char *data, size_t len)
{
    (void)closure;
    (void)data;
    (void)len;
    return FK_OK;
}

typedef struct fk__worker fk__worker;

typedef struct {
    fk_job *job;
    fk__list list;
    long held, files, sheets;
    long composed[FK_CAT_COUNT];
    int jobs;            /* print files checked and rendered in parallel */
    fk__worker *workers; /* one per job */
    fk_buf run;
    const fk_callbacks *cb;
    fk_err *err;
} fk__compose;

/* A finding of a worker, reported by the main thread through the callbacks. */
typedef struct {
    size_t index; /* envelope */
    bool is_held;
    const char *doc;
    char reason[FK_ERR_MSG_MAX];
} fk__note;

static fk_status fk__run_line(const fk_job *job, fk_buf *run, int batch, long serial,
                              fk_category cat, int sheet, int sheets, const char *doc,
                              const char *payload)
{
    const char *items[FK_ORDER_MAX_STOCK];
    int n = fk_order_stock_items(fk_job_order(job), cat, items);
    fk_status s = fk_buf_appendf(run, "%d,%06ld,%c,%d,%d,%s,%s,", batch, serial,
                                 fk_category_code(cat), sheet, sheets, doc, payload);
    for (int i = 0; s == FK_OK && i < n; i++)
        s = fk_buf_appendf(run, "%s%s", i ? ";" : "", items[i]);
    return s == FK_OK ? fk_buf_append_str(run, "\r\n") : s;
}

/*
 * A unit of parallel work over envelopes [from, to) of a category: either the preflight that
 * lays out every sheet without drawing (a finding holds the record back: printable[i] false,
 * the reason in `run`), or one print file, sheet `sheet` of each envelope, rendered into pdf
 * with its lines of the run file.
 */
typedef struct {
    bool is_preflight;
    bool *printable; /* preflight: one flag per envelope of [from, to) */
    fk__entry **env; /* the category's envelopes in mailing order */
    size_t from, to;
    int batch, sheet, sheets;
    const char *doc;
    fk_record *records; /* [from, to), unsealed by the main thread just before the work */
    char (*checks)[FK_CHECK_VALUE_HEX]; /* their check values, by the main thread too */
    fk__note *notes;                    /* preflight: findings, in envelope order */
    size_t n_notes, cap_notes;
    fk_buf pdf, run;
    fk_status status;
    fk_err err;
} fk__task;

/* A worker's own templates, rules and postal table: fonts and shapers are never shared
 * between threads. */
struct fk__worker {
    fk_job *job;
    fk_mailing *mailing;
    fk_fields *fields;
    fk__task *task;
};

static fk_status fk__render(fk__worker *w, fk__task *t)
{
    fk_category cat = t->env[t->from]->category;
    fk_doc_writer *doc = fk_doc_writer_new_stream(fk__buf_write, &t->pdf,
                                                  fk_mailing_template(w->mailing, t->doc), &t->err);
    fk_status s = doc ? FK_OK : t->err.status;
    for (size_t i = t->from; s == FK_OK && i < t->to; i++) {
        const fk_record *r = &t->records[i - t->from];
        long serial = (long)i + 1;
        char payload[FK_MAILING_PAYLOAD_MAX];
        fk_mailing_payload(w->mailing, cat, t->checks[i - t->from], serial, t->sheet, t->sheets,
                           payload);
        s = fk_mailing_fill(w->mailing, r, payload, t->sheet, t->sheets, w->fields, NULL, &t->err);
        if (s == FK_OK)
            s = fk_doc_writer_add_sheet(doc, w->fields, &t->err);
        if (s == FK_OK)
            s = fk__run_line(w->job, &t->run, t->batch, serial, cat, t->sheet, t->sheets, t->doc,
                             payload);
    }
    fk_status closed = doc ? fk_doc_writer_close(doc, &t->err) : FK_OK;
    return s == FK_OK ? closed : s;
}

static fk_status fk__note_add(fk__task *t, size_t i, bool is_held, const char *doc,
                              const char *reason)
{
    if (t->n_notes == t->cap_notes) {
        size_t cap = t->cap_notes ? 2 * t->cap_notes : 16;
        fk__note *notes = fk_realloc(t->notes, cap * sizeof *notes);
        if (notes == NULL)
            return fk_failf(&t->err, FK_ENOMEM, _("out of memory"));
        t->notes = notes;
        t->cap_notes = cap;
    }
    fk__note *n = &t->notes[t->n_notes++];
    n->index = i;
    n->is_held = is_held;
    n->doc = doc;
    snprintf(n->reason, sizeof n->reason, "%s", reason);
    return FK_OK;
}

static fk_status fk__check(fk__worker *w, fk__task *t)
{
    const char *docs[FK_MAILING_MAX_DOCS];
    int n = fk_mailing_documents(t->env[t->from]->category, docs);
    fk_doc_writer *writers[FK_MAILING_MAX_DOCS] = {NULL};
    fk_status s = FK_OK;
    for (int d = 0; s == FK_OK && d < n; d++) {
        writers[d] = fk_doc_writer_new_stream(fk__discard, NULL,
                                              fk_mailing_template(w->mailing, docs[d]), &t->err);
        s = writers[d] ? FK_OK : t->err.status;
    }
    for (size_t i = t->from; s == FK_OK && i < t->to; i++) {
        bool *ok = &t->printable[i - t->from];
        *ok = true;
        for (int d = 0; s == FK_OK && *ok && d < n; d++) {
            fk_err finding;
            fk_err_clear(&finding);
            const char *no_barcode = NULL;
            /* The serial is not known yet; a payload of the same length lays out the same. */
            char payload[FK_MAILING_PAYLOAD_MAX];
            fk_mailing_payload(w->mailing, t->env[i]->category, t->checks[i - t->from], 0, d + 1, n,
                               payload);
            s = fk_mailing_fill(w->mailing, &t->records[i - t->from], payload, d + 1, n, w->fields,
                                &no_barcode, &t->err);
            if (s == FK_OK && d == 0 && no_barcode != NULL)
                s = fk__note_add(t, i, false, docs[d], no_barcode);
            if (s == FK_OK && fk_doc_writer_check_sheet(writers[d], w->fields, &finding) != FK_OK) {
                *ok = false;
                s = fk__note_add(t, i, true, docs[d], fk_err_message(&finding));
            }
        }
    }
    for (int d = 0; d < n; d++) {
        fk_err ignored;
        if (writers[d] != NULL && fk_doc_writer_close(writers[d], &ignored) != FK_OK && s == FK_OK)
            s = fk_failf(&t->err, FK_EIO, _("preflight failed"));
    }
    return s;
}

static void *fk__worker_main(void *arg)
{
    fk__worker *w = arg;
    w->task->status = w->task->is_preflight ? fk__check(w, w->task) : fk__render(w, w->task);
    return NULL;
}

/* Stores a rendered print file (sealed) and its run-file lines, in task order; for a
 * preflight, lists the records held back. */
static fk_status fk__store_task(fk__compose *c, fk__task *t)
{
    if (t->status != FK_OK)
        return fk_failf(c->err, t->status, "%s", fk_err_message(&t->err));
    if (t->is_preflight) {
        for (size_t k = 0; k < t->n_notes; k++) {
            const fk__note *n = &t->notes[k];
            const fk__entry *e = t->env[n->index];
            fk_finding f = {
                n->is_held ? FK_FINDING_HELD : FK_FINDING_WARNING, e->line, 0, NULL, e->tag, n->doc,
                n->is_held ? n->reason : _("no customer barcode"), false};
            char why[FK_ERR_MSG_MAX + 32];
            if (!n->is_held) {
                snprintf(why, sizeof why, _("no customer barcode: %s"), n->reason);
                f.reason = why;
            }
            if (c->cb != NULL && c->cb->finding != NULL && !c->cb->finding(c->cb->ctx, &f))
                return fk_failf(c->err, FK_EFINDING, _("stopped at line %ld"), e->line);
        }
        return FK_OK;
    }
    fk_category cat = t->env[t->from]->category;
    char name[96];
    snprintf(name, sizeof name, "%s-%c-%d-%03d.pdf", fk_order_job_code(fk_job_order(c->job)),
             fk_category_code(cat), t->sheet, t->batch);
    long n = (long)(t->to - t->from);
    fk_job_file file = {
        name, t->sheet == 1 ? "voucher" : "results", (int)cat, t->batch, n, n, FK_FILE_COMPOSED};
    fk_status s = fk_job_file_put(c->job, &file, t->pdf.data, t->pdf.len, c->err);
    if (s == FK_OK)
        s = fk_buf_append(&c->run, t->run.data, t->run.len);
    if (s == FK_OK) {
        c->files++;
        c->sheets += n;
    }
    return s;
}

/* Unseals the task's records and computes their check values: the job store is used by the
 * main thread only. */
static fk_status fk__task_load(fk__compose *c, fk__task *t)
{
    size_t n = t->to - t->from;
    t->records = fk_calloc(n, sizeof *t->records);
    t->checks = fk_calloc(n, sizeof *t->checks);
    if (t->records == NULL || t->checks == NULL)
        return fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    for (size_t i = 0; i < n; i++)
        fk_record_init(&t->records[i]);
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < n; i++) {
        s = fk_job_record_get(c->job, t->env[t->from + i]->id, &t->records[i], c->err);
        if (s == FK_OK)
            s = fk_job_check_value(c->job, &t->records[i], t->checks[i], c->err);
    }
    return s;
}

static void fk__task_release(fk__task *t)
{
    for (size_t i = 0; t->records != NULL && i < t->to - t->from; i++)
        fk_record_clear(&t->records[i]);
    fk_free(t->records);
    t->records = NULL;
    fk_free(t->checks);
    t->checks = NULL;
    fk_free(t->notes);
    t->notes = NULL;
    t->n_notes = t->cap_notes = 0;
    if (t->run.data != NULL)
        fk_wipe(t->run.data, t->run.cap);
    fk_buf_free(&t->pdf);
    fk_buf_free(&t->run);
}

/* Creates the workers: each loads its own rules, postal table and templates. */
static fk_status fk__workers_new(fk__compose *c)
{
    c->workers = fk_calloc((size_t)c->jobs, sizeof *c->workers);
    if (c->workers == NULL)
        return fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    fk_status s = FK_OK;
    for (int k = 0; s == FK_OK && k < c->jobs; k++) {
        c->workers[k].job = c->job;
        s = fk_mailing_new(c->job, &c->workers[k].mailing, c->err);
        if (s == FK_OK && (c->workers[k].fields = fk_fields_new()) == NULL)
            s = fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    }
    return s;
}

static void fk__workers_free(fk__compose *c)
{
    for (int k = 0; c->workers != NULL && k < c->jobs; k++) {
        fk_fields_free(c->workers[k].fields);
        fk_mailing_free(c->workers[k].mailing);
    }
    fk_free(c->workers);
}

/* Runs the tasks in waves of one per worker, in parallel, then stores each wave in order
 * (reporting progress under label, unless it is NULL),
 * so that memory holds at most one print file (or batch of records) per worker. */
static fk_status fk__run_tasks(fk__compose *c, fk__task *tasks, size_t n, const char *label)
{
    pthread_t *threads = fk_calloc((size_t)c->jobs, sizeof *threads);
    fk_status s = threads ? FK_OK : fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    for (size_t wave = 0; s == FK_OK && wave < n; wave += (size_t)c->jobs) {
        size_t count = n - wave < (size_t)c->jobs ? n - wave : (size_t)c->jobs;
        for (size_t k = 0; s == FK_OK && k < count; k++)
            s = fk__task_load(c, &tasks[wave + k]);
        size_t started = 0;
        if (s != FK_OK)
            count = 0;
        for (; started < count; started++) {
            c->workers[started].task = &tasks[wave + started];
            if (count > 1 &&
                pthread_create(&threads[started], NULL, fk__worker_main, &c->workers[started]) != 0)
                break;
            if (count == 1)
                fk__worker_main(&c->workers[started]);
        }
        for (size_t k = 0; count > 1 && k < started; k++)
            pthread_join(threads[k], NULL);
        if (started < count)
            s = fk_failf(c->err, FK_EENV, _("cannot start a composing thread"));
        for (size_t k = 0; k < count; k++) {
            if (s == FK_OK)
                s = fk__store_task(c, &tasks[wave + k]);
            fk__task_release(&tasks[wave + k]);
        }
        if (s == FK_OK && label != NULL && c->cb != NULL && c->cb->progress != NULL)
            c->cb->progress(c->cb->ctx, label, wave + count, n);
    }
    for (size_t i = 0; i < n; i++)
        fk__task_release(&tasks[i]); /* those a failure left unstored */
    fk_free(threads);
    return s;
}

/* Splits envelopes [0, n) of a category into tasks of at most `per` envelopes. */
static size_t fk__split(fk__entry **env, size_t n, size_t per, bool *printable, fk__task *tasks)
{
    size_t count = 0;
    for (size_t from = 0; from < n; from += per) {
        fk__task *t = &tasks[count++];
        *t = (fk__task){.is_preflight = true,
                        .printable = printable + from,
                        .env = env,
                        .from = from,
                        .to = from + per < n ? from + per : n};
        fk_buf_init(&t->pdf, 0);
        fk_buf_init(&t->run, (size_t)1 << 24);
        fk_err_clear(&t->err);
    }
    return count;
}

/* Lays out every sheet of the category's envelopes in parallel; appends the printable ones
 * to all and holds the others back. */
static fk_status fk__preflight(fk__compose *c, fk__entry **cand, size_t n, fk__entry **all,
                               size_t *n_all)
{
    size_t per = (size_t)fk_order_batch_size(fk_job_order(c->job));
    bool *printable = fk_calloc(n + 1, sizeof *printable);
    fk__task *tasks = fk_calloc(n / per + 2, sizeof *tasks);
    fk_status s = printable && tasks ? FK_OK : fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk__run_tasks(c, tasks, fk__split(cand, n, per, printable, tasks), NULL);
    for (size_t i = 0; s == FK_OK && i < n; i++) {
        if (printable[i]) {
            all[(*n_all)++] = cand[i];
        } else {
            c->held++;
            s = fk_job_record_move(c->job, cand[i]->id, FK_REC_HELD, "not printable", c->err);
        }
    }
    fk_free(tasks);
    fk_free(printable);
    return s;
}

/* Assigns a category's serial numbers and lists its print files: per batch, ① then ②. */
static fk_status fk__plan_category(fk__compose *c, fk_category cat, fk__entry **env, size_t n,
                                   fk__task *tasks, size_t *n_tasks)
{
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < n; i++)
        s = fk_job_record_compose(c->job, env[i]->id, (long)i + 1, c->err);
    const char *docs[FK_MAILING_MAX_DOCS];
    int sheets = fk_mailing_documents(cat, docs);
    size_t per = (size_t)fk_order_batch_size(fk_job_order(c->job));
    for (size_t from = 0; s == FK_OK && from < n; from += per) {
        for (int d = 0; d < sheets; d++) {
            fk__task *t = &tasks[(*n_tasks)++];
            *t = (fk__task){.env = env,
                            .from = from,
                            .to = from + per < n ? from + per : n,
                            .batch = (int)(from / per) + 1,
                            .sheet = d + 1,
                            .sheets = sheets,
                            .doc = docs[d]};
            fk_buf_init(&t->pdf, (size_t)1 << 31);
            fk_buf_init(&t->run, (size_t)1 << 28);
            fk_err_clear(&t->err);
        }
    }
    c->composed[cat] = (long)n;
    return s;
}

/* A summary table: keys and pieces as rows of two cells. */
static fk_status fk__summary_table(fk_report *r, const char *title, const fk_mailsort_count *rows,
                                   size_t n, fk_err *err)
{
    static const char *const columns[] = {"郵便番号", "通数"};
    static const double widths[] = {60, 40};
    char **cells = fk_calloc(2 * n + 1, sizeof *cells);
    fk_status s =
        cells ? fk_report_heading(r, title, err) : fk_failf(err, FK_ENOMEM, _("out of memory"));
    for (size_t i = 0; s == FK_OK && i < n; i++) {
        char pieces[24];
        snprintf(pieces, sizeof pieces, "%zu", rows[i].pieces);
        cells[2 * i] = fk_strdup(rows[i].key[0] ? rows[i].key : "(不正)");
        cells[2 * i + 1] = fk_strdup(pieces);
        if (cells[2 * i] == NULL || cells[2 * i + 1] == NULL)
            s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    if (s == FK_OK)
        s = fk_report_table(r, 2, columns, widths, n, (const char *const *)cells, err);
    for (size_t i = 0; cells != NULL && i < 2 * n; i++)
        fk_free(cells[i]);
    fk_free(cells);
    return s;
}

/* The bulk-mail summary (区分郵便物 / 料金別納・後納 application): pieces per postal code and per
 * first three digits, as CSV and PDF files of the job (no personal data). */
static fk_status fk__mail_summary(fk__compose *c, fk__entry **env, size_t n)
{
    const char **codes = fk_calloc(n + 1, sizeof *codes);
    if (codes == NULL)
        return fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    for (size_t i = 0; i < n; i++)
        codes[i] = env[i]->postal;
    fk_mailsort_summary sum = {0};
    fk_buf csv, pdf;
    fk_buf_init(&csv, 1 << 24);
    fk_buf_init(&pdf, 1 << 26);
    fk_status s = fk_mailsort_summarise(codes, n, &sum);
    if (s == FK_OK)
        s = fk_mailsort_write_csv(&sum, &csv);
    if (s != FK_OK)
        s = fk_failf(c->err, s, _("mailing summary: %s"), fk_strerror(s));
    fk_report *r = s == FK_OK ? fk_report_new_stream(fk__buf_write, &pdf, c->err) : NULL;
    if (s == FK_OK && r == NULL)
        s = c->err->status;
    char total[96];
    snprintf(total, sizeof total, "%zu 通（%s）", sum.total,
             fk_order_job_code(fk_job_order(c->job)));
    if (s == FK_OK)
        s = fk_report_title(r, "郵便番号別差出通数表", c->err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "差出通数", total, c->err);
    if (s == FK_OK)
        s = fk__summary_table(r, "郵便番号上3桁別", sum.prefixes, sum.n_prefixes, c->err);
    if (s == FK_OK)
        s = fk__summary_table(r, "郵便番号別", sum.codes, sum.n_codes, c->err);
    fk_status closed = r ? fk_report_close(r, c->err) : FK_OK;
    if (s == FK_OK)
        s = closed;
    fk_job_file fcsv = {"mailing-summary.csv", "summary", -1, 0, (long)n, 0, FK_FILE_COMPOSED};
    fk_job_file fpdf = {"mailing-summary.pdf", "summary", -1, 0, (long)n, 0, FK_FILE_COMPOSED};
    if (s == FK_OK)
        s = fk_job_file_put(c->job, &fcsv, csv.data, csv.len, c->err);
    if (s == FK_OK)
        s = fk_job_file_put(c->job, &fpdf, pdf.data, pdf.len, c->err);
    fk_mailsort_summary_free(&sum);
    fk_buf_free(&csv);
    fk_buf_free(&pdf);
    fk_free(codes);
    return s;
}

static fk_status fk__compose_all(fk__compose *c)
{
    fk_status s = fk__sort(&c->list, c->err);
    if (s != FK_OK)
        return s;
    size_t per = (size_t)fk_order_batch_size(fk_job_order(c->job));
    /* At most two print files per batch of every category. */
    size_t max_tasks = 2 * (c->list.n / per + FK_CAT_COUNT) + 2;
    fk__entry **all = fk_calloc(c->list.n + 1, sizeof *all);
    fk__task *tasks = fk_calloc(max_tasks, sizeof *tasks);
    size_t n_all = 0, n_tasks = 0;
    s = all && tasks ? fk_job_files_clear(c->job, c->err)
                     : fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_buf_append_str(&c->run, "batch,serial,category,sheet,sheets,document,payload,"
                                       "stock_items\r\n");
    fk__entry **cand = fk_calloc(c->list.n + 1, sizeof *cand);
    if (s == FK_OK && cand == NULL)
        s = fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk__workers_new(c);
    for (int cat = 0; s == FK_OK && cat < FK_CAT_COUNT; cat++) {
        size_t first = n_all, n_cand = 0;
        for (size_t i = 0; i < c->list.n; i++)
            if (c->list.items[i].category == (fk_category)cat)
                cand[n_cand++] = &c->list.items[i];
        if (n_cand > 0)
            s = fk__preflight(c, cand, n_cand, all, &n_all);
        if (s == FK_OK && n_all > first)
            s = fk__plan_category(c, (fk_category)cat, all + first, n_all - first, tasks, &n_tasks);
    }
    fk_free(cand);
    if (s == FK_OK)
        s = fk__run_tasks(c, tasks, n_tasks, N_("composing print files"));
    else
        for (size_t i = 0; i < n_tasks; i++)
            fk__task_release(&tasks[i]);
    fk__workers_free(c);
    fk_job_file run = {"run.csv", "run", -1, 0, 0, 0, FK_FILE_COMPOSED};
    if (s == FK_OK)
        s = fk_job_file_put(c->job, &run, c->run.data, c->run.len, c->err);
    if (s == FK_OK)
        s = fk__mail_summary(c, all, n_all);
    fk_free(tasks);
    fk_free(all);
    return s;
}

/* Refuses a compose the job is not ready for, naming the missing step and its command. */
static fk_status fk__check_ready(fk_job *job, const fk_compose_options *opts,
                                 const fk_job_states *st, fk_err *err)
{
    fk_job_counts counts;
    char approved[128];
    fk_status s = fk_job_counts_get(job, &counts, err);
    if (s != FK_OK)
        return s;
    if (!counts.opened)
        return fk_failf(err, FK_ESTATE,
                        _("nothing is opened yet: run 'fukan open JOBDIR PACKAGE' first"));
    if (st->by_state[FK_REC_ACCEPTED] > 0)
        return fk_failf(err, FK_ESTATE,
                        _("%ld records are not checked yet: run 'fukan check JOBDIR'"),
                        st->by_state[FK_REC_ACCEPTED]);
    if (fk_job_setting_get(job, "proof_approved_by", approved, sizeof approved, NULL) != FK_OK)
        return fk_failf(err, FK_ESTATE,
                        _("the proof set is not approved: a responsible manager runs"
                          " 'fukan proof JOBDIR --approve'"));
    long composed = st->by_state[FK_REC_COMPOSED] + st->by_state[FK_REC_PRINTED] +
                    st->by_state[FK_REC_VERIFIED] + st->by_state[FK_REC_DELIVERED];
    if (composed > 0 && !opts->replace)
        return fk_failf(err, FK_ESTATE,
                        _("the job is composed already (%ld records): composing again reassigns"
                          " the serial numbers, so an earlier export no longer matches; give"
                          " --replace --reason TEXT to compose again"),
                        composed);
    if (opts->replace && (opts->reason == NULL || opts->reason[0] == '\0'))
        return fk_failf(err, FK_EINVAL, _("--replace needs --reason TEXT (audited)"));
    if (st->by_state[FK_REC_CHECKED] + composed == 0)
        return fk_failf(err, FK_ESTATE,
                        _("no records to compose: every record is held back (see 'fukan status"
                          " JOBDIR') or none was accepted"));
    fk_reconciliation r;
    s = fk_job_reconcile(job, &r, err);
    if (s == FK_OK && fk_reconciliation_is_blocking(&r)) {
        char what[384];
        fk_reconciliation_describe(&r, what, sizeof what);
        s = fk_failf(err, FK_ESTATE,
                     _("the accepted counts differ from the order (%s): a responsible manager"
                       " accepts them with 'fukan check JOBDIR --accept-counts --reason TEXT',"
                       " or the package is replaced"),
                     what);
    }
    return s;
}

/* compose --replace: the earlier composition is taken back and the replacement audited. */
static fk_status fk__replace(fk__compose *c, const fk_compose_options *opts, long *moved)
{
    fk_status s = fk_job_records_uncompose(c->job, moved, c->err);
    char details[512];
    snprintf(details, sizeof details, "replacing the earlier composition (%ld records): %s", *moved,
             opts->reason);
    if (s == FK_OK && *moved > 0)
        s = fk_job_audit(c->job, "print files", FK_OK, details, c->err);
    return s;
}

fk_status fk_step_compose(fk_job *job, const fk_compose_options *opts, const fk_callbacks *cb,
                          fk_compose_result *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    if (opts->jobs < 1 || opts->jobs > 64)
        return fk_failf(err, FK_EINVAL, _("the number of parallel jobs must be from 1 to 64"));
    fk__compose c = {.job = job, .jobs = opts->jobs, .cb = cb, .err = err};
    c.list.err = err;
    fk_buf_init(&c.run, (size_t)1 << 30);
    /* The issue date first: vouchers already expired are refused before anything else. */
    fk_date issue;
    fk_order_voucher v;
    fk_order_get_voucher(fk_job_order(job), &v);
    out->min_days = v.min_days;
    fk_status s = fk_order_issue_date(fk_job_order(job), fk_date_today(), &issue,
                                      &out->issue_days_left, &out->issue_short, err);
    fk_job_states st;
    if (s == FK_OK)
        s = fk_job_states_get(job, &st, err);
    if (s == FK_OK)
        s = fk__check_ready(job, opts, &st, err);
    if (s == FK_OK)
        s = fk_job_begin(job, err);
    if (s != FK_OK) {
        fk_buf_free(&c.run);
        return s;
    }
    if (opts->replace)
        s = fk__replace(&c, opts, &out->replaced);
    if (s == FK_OK)
        s = fk_job_records_foreach(job, fk__collect, &c.list, err);
    if (s == FK_OK)
        s = c.list.status;
    if (s == FK_OK && c.list.n == 0)
        s = fk_failf(err, FK_ESTATE,
                     _("no records to compose: every record is held back (see"
                       " 'fukan status JOBDIR')"));
    if (s == FK_OK)
        s = fk__compose_all(&c);
    if (s == FK_OK)
        s = fk_job_moves_audit(job, err);
    s = fk_job_end(job, s, err);
    fk__list_free(&c.list);
    fk_buf_free(&c.run);
    memcpy(out->composed, c.composed, sizeof out->composed);
    out->files = c.files;
    out->sheets = c.sheets;
    out->held = c.held;
    return s;
}
