/* fk_step_compose: print files in mailing order, per category, document and batch, with the
 * run file the inserter and the enclosure check work from, and the bulk-mail summary; all
 * sealed in the job. See fukan.h and docs/compose.md (the pipeline).
 *
 * One pass: a task is one batch of a category, both its documents (① and ②, so that tasks
 * cost alike), rendered by a worker that unseals its own records (fk_job_reader), lays out
 * each sheet once (fk_doc_writer_add_sheet refuses an unprintable one and draws nothing)
 * and seals its print files as they are written (fk_job_file_writer). Batch b of a category
 * holds serials (b-1)*per+1 .. b*per, so a task knows its serials; where it starts among the
 * category's envelopes depends on how many earlier ones were held back, which the worker
 * guesses. The main thread only orders and commits: it takes the tasks in order, lists
 * their files, moves their records and appends their run-file lines; a task that started
 * from a wrong guess (an envelope held back before it, which is rare) is rendered again
 * from the right place. So held-back envelopes leave no gap in the serials, and the print
 * files do not depend on the number of workers. */
#include "fukan.h"
#include "step-private.h"
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

/* What is kept per envelope for the whole step: 40 bytes, so that a city's job of 500,000
 * envelopes holds 20 MB of it. The person's tag, needed only for a finding, is made then. */
typedef struct {
    long id, line;
    fk_category category;
    bool held;
    char postal[8];
    size_t address; /* offset into the list's addresses, until the sort */
} fk__entry;

/* The addresses arena holds at most this: a city's export is far below it. */
#define FK__ADDRESSES_MAX ((size_t)1 << 30)

typedef struct {
    fk__entry *items;
    size_t n, cap;
    fk_buf addresses; /* personal data, NUL-separated: wiped and freed after the sort */
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
    *e = (fk__entry){
        .id = m->id, .line = m->line, .category = m->category, .address = l->addresses.len};
    memcpy(e->postal, r->postal, sizeof e->postal);
    const char *address = r->address ? r->address : "";
    if (fk_buf_append(&l->addresses, address, strlen(address) + 1) != FK_OK) {
        l->status = fk_failf(l->err, FK_ENOMEM, _("out of memory"));
        return 1;
    }
    l->n++;
    return 0;
}

static void fk__forget_addresses(fk__list *l)
{
    if (l->addresses.data != NULL)
        fk_wipe(l->addresses.data, l->addresses.cap);
    fk_buf_free(&l->addresses);
}

static void fk__list_free(fk__list *l)
{
    fk__forget_addresses(l);
    if (l->items != NULL)
        fk_wipe(l->items, l->cap * sizeof *l->items);
    fk_free(l->items);
}

/* The envelopes of each category in mailing order (postal/mailsort.c computes it), as
 * pointers into the list; the addresses are forgotten after. */
static fk_status fk__sort(fk__list *l, fk__entry **by_cat[FK_CAT_COUNT], size_t n_cat[FK_CAT_COUNT],
                          fk_err *err)
{
    size_t n = l->n;
    const char **codes = fk_calloc(n + 1, sizeof *codes);
    const char **addresses = fk_calloc(n + 1, sizeof *addresses);
    size_t *order = fk_calloc(n + 1, sizeof *order);
    fk_status s = codes && addresses && order ? FK_OK : FK_ENOMEM;
    for (size_t i = 0; s == FK_OK && i < n; i++) {
        codes[i] = l->items[i].postal;
        addresses[i] = l->addresses.data + l->items[i].address;
    }
    if (s == FK_OK)
        s = fk_mailsort_order(codes, addresses, n, order);
    fk_free(addresses);
    fk_free(codes);
    fk__forget_addresses(l);
    for (int c = 0; s == FK_OK && c < FK_CAT_COUNT; c++) {
        n_cat[c] = 0;
        for (size_t i = 0; i < n; i++)
            n_cat[c] += l->items[i].category == (fk_category)c;
        by_cat[c] = fk_calloc(n_cat[c] + 1, sizeof *by_cat[c]);
        if (by_cat[c] == NULL)
            s = FK_ENOMEM;
        n_cat[c] = 0;
    }
    for (size_t i = 0; s == FK_OK && i < n; i++) {
        fk__entry *e = &l->items[order[i]];
        by_cat[e->category][n_cat[e->category]++] = e;
    }
    fk_free(order);
    return s == FK_OK ? FK_OK : fk_failf(err, s, _("out of memory sorting into mailing order"));
}

/* A finding of a worker, reported by the main thread through the callbacks. */
typedef struct {
    size_t index; /* envelope, in the category's mailing order */
    bool is_held;
    const char *doc;
    char reason[FK_ERR_MSG_MAX];
} fk__note;

/* An envelope a task held back at its second document, after the first was drawn: the task
 * starts again without it. */
typedef struct {
    size_t index;
    fk__note note;
} fk__late;

/*
 * One batch of a category: the print file of each of its documents and their run-file
 * lines. The worker starts at envelope `first` of the category (a guess until the main
 * thread confirms it) and takes envelopes until `per` are printable; `next` is the first
 * one it did not take.
 */
typedef struct {
    fk_category cat;
    int batch, sheets;
    const char *docs[FK_MAILING_MAX_DOCS];
    size_t first, next;
    long envelopes; /* printable, composed */
    fk_job_file_writer *files[FK_MAILING_MAX_DOCS];
    fk_buf run[FK_MAILING_MAX_DOCS];
    fk__note *notes; /* in envelope order */
    size_t n_notes, cap_notes;
    fk__late *late;
    size_t n_late, cap_late;
    bool is_done;
    fk_status status;
    fk_err err;
} fk__task;

typedef struct fk__compose fk__compose;

/* A worker's own templates, rules, postal table and store connection: fonts, shapers and
 * SQLite handles are never shared between threads. */
typedef struct {
    fk__compose *c;
    fk_mailing *mailing;
    fk_fields *fields;
    fk_job_reader *reader;
    pthread_t thread;
    bool is_started;
    bool is_ready; /* its own mailing is loaded, or failed to (init_err) */
    fk_status init_status;
    fk_err init_err;
} fk__worker;

/* Tasks waiting for a worker, oldest (or to be done again) first. */
#define FK__QUEUE_MAX 130

struct fk__compose {
    fk_job *job;
    fk__list list;
    fk__entry **env[FK_CAT_COUNT]; /* each category's envelopes in mailing order */
    size_t n_env[FK_CAT_COUNT];
    size_t per;
    long held, files, sheets;
    long composed[FK_CAT_COUNT];
    int jobs;
    fk__worker *workers;
    fk_job_file_writer *run; /* the run file, sealed as it is written */
    const fk_callbacks *cb;
    fk_err *err;
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    fk__task *queue[FK__QUEUE_MAX];
    size_t queued;
    bool is_stopping;
};

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

static fk_status fk__late_add(fk__task *t, size_t i, const fk__note *note)
{
    if (t->n_late == t->cap_late) {
        size_t cap = t->cap_late ? 2 * t->cap_late : 4;
        fk__late *late = fk_realloc(t->late, cap * sizeof *late);
        if (late == NULL)
            return fk_failf(&t->err, FK_ENOMEM, _("out of memory"));
        t->late = late;
        t->cap_late = cap;
    }
    t->late[t->n_late++] = (fk__late){i, *note};
    return FK_OK;
}

static const fk__note *fk__late_find(const fk__task *t, size_t i)
{
    for (size_t k = 0; k < t->n_late; k++)
        if (t->late[k].index == i)
            return &t->late[k].note;
    return NULL;
}

/* Forgets what a task made (its files deleted), to render it again or to give up. */
static void fk__task_reset(fk__task *t)
{
    for (int d = 0; d < FK_MAILING_MAX_DOCS; d++) {
        fk_job_file_writer_abort(t->files[d]);
        t->files[d] = NULL;
        if (t->run[d].data != NULL)
            fk_wipe(t->run[d].data, t->run[d].len);
        fk_buf_reset(&t->run[d]);
    }
    t->n_notes = 0;
    t->envelopes = 0;
    t->next = t->first;
    t->is_done = false;
    t->status = FK_OK;
    fk_err_clear(&t->err);
}

static void fk__task_free(fk__task *t)
{
    if (t == NULL)
        return;
    fk__task_reset(t);
    for (int d = 0; d < FK_MAILING_MAX_DOCS; d++)
        fk_buf_free(&t->run[d]);
    fk_free(t->notes);
    fk_free(t->late);
    fk_free(t);
}

static fk_status fk__file_write(void *closure, const unsigned char *data, size_t len)
{
    return fk_job_file_write(closure, data, len);
}

static void fk__file_name(const fk__compose *c, const fk__task *t, int d, char name[96])
{
    snprintf(name, 96, "%s-%c-%d-%03d.pdf", fk_order_job_code(fk_job_order(c->job)),
             fk_category_code(t->cat), d + 1, t->batch);
}

/* One envelope's sheets, each laid out once: FK_EFINDING (with the note added) when one is
 * refused, *drawn then telling whether an earlier sheet of it was drawn already. */
static fk_status fk__envelope(fk__worker *w, fk__task *t, fk_doc_writer **docs, size_t i,
                              long serial, bool *drawn)
{
    fk__compose *c = w->c;
    fk_record r;
    fk_record_init(&r);
    char check[FK_CHECK_VALUE_HEX];
    fk_status s = fk_job_reader_get(w->reader, c->env[t->cat][i]->id, &r, &t->err);
    if (s == FK_OK)
        s = fk_job_check_value(c->job, &r, check, &t->err);
    const fk__note *late = s == FK_OK ? fk__late_find(t, i) : NULL;
    const char *no_barcode = NULL;
    if (s == FK_OK)
        s = fk_mailing_fill(w->mailing, &r, w->fields, &no_barcode, &t->err);
    if (s == FK_OK && no_barcode != NULL)
        s = fk__note_add(t, i, false, t->docs[0], no_barcode);
    *drawn = false;
    for (int d = 0; s == FK_OK && d < t->sheets; d++) {
        char payload[FK_MAILING_PAYLOAD_MAX];
        fk_mailing_payload(w->mailing, t->cat, check, serial, d + 1, t->sheets, payload);
        s = fk_mailing_fill_sheet(payload, d + 1, t->sheets, w->fields, &t->err);
        if (s == FK_OK && late != NULL) {
            s = fk__note_add(t, i, true, late->doc, late->reason);
            if (s == FK_OK)
                s = FK_EFINDING;
            break;
        }
        fk_err finding;
        fk_err_clear(&finding);
        fk_status drew = s == FK_OK ? fk_doc_writer_add_sheet(docs[d], w->fields, &finding) : s;
        if (drew == FK_EFINDING || drew == FK_EINVAL) {
            s = fk__note_add(t, i, true, t->docs[d], fk_err_message(&finding));
            if (s == FK_OK)
                s = FK_EFINDING;
            break;
        }
        if (drew != FK_OK && s == FK_OK)
            s = fk_failf(&t->err, drew, "%s", fk_err_message(&finding));
        if (s == FK_OK)
            s = fk__run_line(c->job, &t->run[d], t->batch, serial, t->cat, d + 1, t->sheets,
                             t->docs[d], payload);
        if (s == FK_OK)
            *drawn = true;
    }
    fk_record_clear(&r);
    return s;
}

/* Renders the task's print files from envelope t->first on; *again when an envelope was
 * refused after an earlier sheet of it was drawn (the task is then reset, to start again
 * without it). */
static fk_status fk__render_pass(fk__worker *w, fk__task *t, bool *again)
{
    *again = false;
    fk__compose *c = w->c;
    fk_doc_writer *docs[FK_MAILING_MAX_DOCS] = {NULL};
    fk_status s = FK_OK;
    for (int d = 0; s == FK_OK && d < t->sheets; d++) {
        char name[96];
        fk__file_name(c, t, d, name);
        s = fk_job_file_writer_new(c->job, name, &t->files[d], &t->err);
        if (s == FK_OK) {
            docs[d] = fk_doc_writer_new_stream(
                fk__file_write, t->files[d], fk_mailing_template(w->mailing, t->docs[d]), &t->err);
            s = docs[d] ? FK_OK : t->err.status;
        }
    }
    size_t i = t->first;
    for (; s == FK_OK && t->envelopes < (long)c->per && i < c->n_env[t->cat]; i++) {
        long serial = (long)(t->batch - 1) * (long)c->per + t->envelopes + 1;
        bool drawn;
        s = fk__envelope(w, t, docs, i, serial, &drawn);
        if (s == FK_OK)
            t->envelopes++;
        else if (s == FK_EFINDING && drawn)
            *again = (s = fk__late_add(t, i, &t->notes[t->n_notes - 1])) == FK_OK;
        else if (s == FK_EFINDING)
            s = FK_OK;
        if (*again)
            break;
    }
    t->next = i;
    for (int d = 0; d < t->sheets; d++) {
        fk_err ignored;
        bool is_kept = s == FK_OK && !*again && t->envelopes > 0; /* else nothing is listed */
        fk_status closed =
            docs[d] ? fk_doc_writer_close(docs[d], is_kept ? &t->err : &ignored) : FK_OK;
        if (is_kept && closed == FK_OK)
            closed = fk_job_file_writer_finish(t->files[d], &t->err);
        if (is_kept)
            s = closed;
    }
    return s;
}

static void fk__render(fk__worker *w, fk__task *t)
{
    bool again = true;
    fk_status s = FK_OK;
    while (s == FK_OK && again) {
        s = fk__render_pass(w, t, &again);
        if (again)
            fk__task_reset(t);
    }
    if (s != FK_OK && t->err.status == FK_OK)
        fk_failf(&t->err, s, _("out of memory"));
    t->status = s;
}

/* A worker's templates, rules and postal table, loaded in its own thread while the main
 * thread reads and sorts the records. */
static fk_status fk__worker_init(fk__worker *w)
{
    fk_status s = fk_mailing_new(w->c->job, &w->mailing, &w->init_err);
    if (s == FK_OK && (w->fields = fk_fields_new()) == NULL)
        s = fk_failf(&w->init_err, FK_ENOMEM, _("out of memory"));
    return s;
}

static void *fk__worker_main(void *arg)
{
    fk__worker *w = arg;
    fk__compose *c = w->c;
    fk_status init = fk__worker_init(w);
    pthread_mutex_lock(&c->lock);
    w->init_status = init;
    w->is_ready = true;
    pthread_cond_broadcast(&c->done);
    for (; init == FK_OK;) {
        while (c->queued == 0 && !c->is_stopping)
            pthread_cond_wait(&c->wake, &c->lock);
        if (c->is_stopping)
            break;
        fk__task *t = c->queue[0];
        memmove(c->queue, c->queue + 1, --c->queued * sizeof *c->queue);
        pthread_mutex_unlock(&c->lock);
        fk__render(w, t);
        pthread_mutex_lock(&c->lock);
        t->is_done = true;
        pthread_cond_broadcast(&c->done);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* Hands a task to the workers: at the back, or (to do again, awaited first) at the front. */
static void fk__queue(fk__compose *c, fk__task *t, bool is_urgent)
{
    pthread_mutex_lock(&c->lock);
    if (is_urgent) {
        memmove(c->queue + 1, c->queue, c->queued * sizeof *c->queue);
        c->queue[0] = t;
    } else {
        c->queue[c->queued] = t;
    }
    c->queued++;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
}

static void fk__wait(fk__compose *c, fk__task *t)
{
    pthread_mutex_lock(&c->lock);
    while (!t->is_done)
        pthread_cond_wait(&c->done, &c->lock);
    pthread_mutex_unlock(&c->lock);
}

/* Creates the workers: each loads its own rules, postal table and templates and opens its
 * own reader of the store, then waits for tasks. */
static fk_status fk__workers_start(fk__compose *c)
{
    c->workers = fk_calloc((size_t)c->jobs, sizeof *c->workers);
    if (c->workers == NULL)
        return fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    fk_status s = FK_OK;
    for (int k = 0; s == FK_OK && k < c->jobs; k++) {
        fk__worker *w = &c->workers[k];
        w->c = c;
        fk_err_clear(&w->init_err);
        s = fk_job_reader_new(c->job, &w->reader, c->err);
        if (s == FK_OK && pthread_create(&w->thread, NULL, fk__worker_main, w) != 0)
            s = fk_failf(c->err, FK_EENV, _("cannot start a composing thread"));
        w->is_started = s == FK_OK;
    }
    return s;
}

/* Waits until every worker has loaded its mailing; the first failure is the step's. */
static fk_status fk__workers_ready(fk__compose *c)
{
    fk_status s = FK_OK;
    pthread_mutex_lock(&c->lock);
    for (int k = 0; k < c->jobs; k++) {
        fk__worker *w = &c->workers[k];
        while (!w->is_ready)
            pthread_cond_wait(&c->done, &c->lock);
        if (s == FK_OK && w->init_status != FK_OK)
            s = fk_failf(c->err, w->init_status, "%s", fk_err_message(&w->init_err));
    }
    pthread_mutex_unlock(&c->lock);
    return s;
}

static void fk__workers_stop(fk__compose *c)
{
    pthread_mutex_lock(&c->lock);
    c->is_stopping = true;
    pthread_cond_broadcast(&c->wake);
    pthread_mutex_unlock(&c->lock);
    for (int k = 0; c->workers != NULL && k < c->jobs; k++) {
        fk__worker *w = &c->workers[k];
        if (w->is_started)
            pthread_join(w->thread, NULL);
        fk_job_reader_free(w->reader);
        fk_fields_free(w->fields);
        fk_mailing_free(w->mailing);
    }
    fk_free(c->workers);
    c->workers = NULL;
}

/* The tag of the person of record id, for a finding. */
static fk_status fk__entry_tag(fk_job *job, long id, char tag[FK_TAG_HEX], fk_err *err)
{
    fk_record r;
    fk_record_init(&r);
    fk_status s = fk_job_record_get(job, id, &r, err);
    if (s == FK_OK)
        s = fk_job_tag(job, r.resident_no, tag, err);
    fk_record_clear(&r);
    return s;
}

/* Reports a task's findings and moves its records: held back, or composed with their
 * serials. */
static fk_status fk__commit_records(fk__compose *c, fk__task *t)
{
    fk_status s = FK_OK;
    for (size_t k = 0; s == FK_OK && k < t->n_notes; k++) {
        const fk__note *n = &t->notes[k];
        fk__entry *e = c->env[t->cat][n->index];
        char why[FK_ERR_MSG_MAX + 32], tag[FK_TAG_HEX];
        snprintf(why, sizeof why, "no customer barcode: %s", n->reason);
        s = fk__entry_tag(c->job, e->id, tag, c->err);
        if (s != FK_OK)
            return s;
        fk_finding f = {n->is_held ? FK_FINDING_HELD : FK_FINDING_WARNING,
                        e->line,
                        0,
                        NULL,
                        tag,
                        n->doc,
                        n->is_held ? n->reason : why,
                        false};
        if (c->cb != NULL && c->cb->finding != NULL && !c->cb->finding(c->cb->ctx, &f))
            return fk_failf(c->err, FK_EFINDING, _("stopped at line %ld"), e->line);
        if (n->is_held) {
            e->held = true;
            c->held++;
            s = fk_job_record_move(c->job, e->id, FK_REC_HELD, "not printable", c->err);
        }
    }
    long serial = (long)(t->batch - 1) * (long)c->per;
    for (size_t i = t->first; s == FK_OK && i < t->next; i++)
        if (!c->env[t->cat][i]->held)
            s = fk_job_record_compose(c->job, c->env[t->cat][i]->id, ++serial, c->err);
    return s;
}

/* Lists a task's print files and appends its run-file lines, in task order. */
static fk_status fk__commit(fk__compose *c, fk__task *t)
{
    if (t->status != FK_OK)
        return fk_failf(c->err, t->status, "%s", fk_err_message(&t->err));
    fk_status s = fk__commit_records(c, t);
    for (int d = 0; s == FK_OK && d < t->sheets; d++) {
        if (t->envelopes == 0)
            break; /* every envelope left was held back: no batch */
        char name[96];
        fk__file_name(c, t, d, name);
        fk_job_file file = {name,
                            d == 0 ? "voucher" : "results",
                            (int)t->cat,
                            t->batch,
                            t->envelopes,
                            t->envelopes,
                            FK_FILE_COMPOSED};
        s = fk_job_file_writer_commit(c->job, t->files[d], &file, c->err);
        t->files[d] = NULL;
        if (s == FK_OK && fk_job_file_write(c->run, t->run[d].data, t->run[d].len) != FK_OK)
            s = fk_job_file_writer_finish(c->run, c->err);
        if (s == FK_OK) {
            c->files++;
            c->sheets += t->envelopes;
        }
    }
    c->composed[t->cat] += t->envelopes;
    return s;
}

/* A new task: batch `batch` of category cat, starting (as a guess) at envelope first. */
static fk__task *fk__task_new(fk_category cat, int batch, size_t first)
{
    fk__task *t = fk_calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->cat = cat;
    t->batch = batch;
    t->sheets = fk_mailing_documents(cat, t->docs);
    t->first = t->next = first;
    for (int d = 0; d < FK_MAILING_MAX_DOCS; d++)
        fk_buf_init(&t->run[d], (size_t)1 << 28);
    fk_err_clear(&t->err);
    return t;
}

/* After a task held envelopes back, the later tasks of its category start further on: those
 * not started yet are moved (the others are rendered again when their turn comes), and so
 * is the guess for the next one handed out. */
static void fk__shift(fk__compose *c, const fk__task *t, const int *cat, size_t *guess)
{
    size_t expected = t->first + c->per;
    if (t->next <= expected)
        return;
    size_t delta = t->next - expected;
    pthread_mutex_lock(&c->lock);
    for (size_t q = 0; q < c->queued; q++)
        if (c->queue[q]->cat == t->cat)
            c->queue[q]->first = c->queue[q]->next = c->queue[q]->first + delta;
    pthread_mutex_unlock(&c->lock);
    if (*cat == (int)t->cat)
        *guess += delta;
}

/* The tasks in order, at most `window` at a time with the workers; each committed when it
 * is its turn, or rendered again when it started from a wrong guess. */
static fk_status fk__pipeline(fk__compose *c)
{
    size_t window = 2 * (size_t)c->jobs + 1;
    if (window > FK__QUEUE_MAX)
        window = FK__QUEUE_MAX;
    fk__task **ring = fk_calloc(window, sizeof *ring);
    size_t head = 0, count = 0, total = 0, committed = 0;
    for (int k = 0; k < FK_CAT_COUNT; k++)
        total += (c->n_env[k] + c->per - 1) / c->per;
    fk_status s = ring ? FK_OK : fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    int cat = 0, batch = 1;               /* the next task to hand out */
    size_t guess = 0;                     /* where it starts, as far as is known */
    size_t confirmed[FK_CAT_COUNT] = {0}; /* where the next task to commit starts */
    while (s == FK_OK) {
        while (s == FK_OK && count < window && cat < FK_CAT_COUNT) {
            if (guess >= c->n_env[cat]) {
                cat++;
                batch = 1;
                guess = 0;
                continue;
            }
            fk__task *t = fk__task_new((fk_category)cat, batch++, guess);
            if (t == NULL) {
                s = fk_failf(c->err, FK_ENOMEM, _("out of memory"));
                break;
            }
            guess += c->per;
            ring[(head + count++) % window] = t;
            fk__queue(c, t, false);
        }
        if (s != FK_OK || count == 0)
            break;
        fk__task *t = ring[head];
        fk__wait(c, t);
        if (t->status == FK_OK && t->first != confirmed[t->cat]) {
            fk__task_reset(t);
            t->first = t->next = confirmed[t->cat];
            fk__queue(c, t, true);
            continue;
        }
        s = fk__commit(c, t);
        confirmed[t->cat] = t->next;
        fk__shift(c, t, &cat, &guess);
        fk__task_free(t);
        ring[head] = NULL;
        head = (head + 1) % window;
        count--;
        committed++;
        if (s == FK_OK)
            fk__step_progress(c->cb, N_("composing print files"), committed, total);
    }
    /* After a failure: the workers finish what they hold, then nothing is kept of it. */
    for (size_t k = 0; k < count; k++) {
        fk__task *t = ring[(head + k) % window];
        bool is_queued = false;
        pthread_mutex_lock(&c->lock);
        for (size_t q = 0; q < c->queued; q++)
            if (c->queue[q] == t) {
                memmove(c->queue + q, c->queue + q + 1, (c->queued - q - 1) * sizeof *c->queue);
                c->queued--;
                is_queued = true;
                break;
            }
        pthread_mutex_unlock(&c->lock);
        if (!is_queued)
            fk__wait(c, t);
        fk__task_free(t);
    }
    fk_free(ring);
    return s;
}
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

/* The bulk-mail summary (区分郵便物 / 料金別納・後納 application): pieces per postal code and per
 * first three digits of the envelopes composed, as CSV and PDF files of the job (no personal
 * data), each sealed as it is written. */
static fk_status fk__mail_summary(fk__compose *c)
{
    size_t n = 0;
    const char **codes = fk_calloc(c->list.n + 1, sizeof *codes);
    if (codes == NULL)
        return fk_failf(c->err, FK_ENOMEM, _("out of memory"));
    for (int k = 0; k < FK_CAT_COUNT; k++)
        for (size_t i = 0; i < c->n_env[k]; i++)
            if (!c->env[k][i]->held)
                codes[n++] = c->env[k][i]->postal;
    fk_mailsort_summary sum = {0};
    fk_buf csv;
    fk_buf_init(&csv, 1 << 24);
    fk_job_file_writer *wcsv = NULL, *wpdf = NULL;
    fk_status s = fk_mailsort_summarise(codes, n, &sum);
    if (s == FK_OK)
        s = fk_mailsort_write_csv(&sum, &csv);
    if (s != FK_OK)
        s = fk_failf(c->err, s, _("mailing summary: %s"), fk_strerror(s));
    if (s == FK_OK)
        s = fk_job_file_writer_new(c->job, "mailing-summary.csv", &wcsv, c->err);
    if (s == FK_OK && fk_job_file_write(wcsv, csv.data, csv.len) != FK_OK)
        s = fk_job_file_writer_finish(wcsv, c->err);
    if (s == FK_OK)
        s = fk_job_file_writer_new(c->job, "mailing-summary.pdf", &wpdf, c->err);
    fk_report *r = s == FK_OK ? fk_report_new_stream(fk__file_write, wpdf, c->err) : NULL;
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
    if (s == FK_OK) {
        s = fk_job_file_writer_commit(c->job, wcsv, &fcsv, c->err);
        wcsv = NULL;
    }
    if (s == FK_OK) {
        s = fk_job_file_writer_commit(c->job, wpdf, &fpdf, c->err);
        wpdf = NULL;
    }
    fk_job_file_writer_abort(wcsv);
    fk_job_file_writer_abort(wpdf);
    fk_mailsort_summary_free(&sum);
    fk_buf_free(&csv);
    fk_free(codes);
    return s;
}

static fk_status fk__compose_all(fk__compose *c)
{
    fk_status s = fk__sort(&c->list, c->env, c->n_env, c->err);
    if (s == FK_OK)
        s = fk_job_files_clear(c->job, c->err);
    if (s == FK_OK)
        s = fk_job_file_writer_new(c->job, "run.csv", &c->run, c->err);
    static const char header[] = "batch,serial,category,sheet,sheets,document,payload,"
                                 "stock_items\r\n";
    if (s == FK_OK && fk_job_file_write(c->run, header, sizeof header - 1) != FK_OK)
        s = fk_job_file_writer_finish(c->run, c->err);
    if (s == FK_OK)
        s = fk__workers_ready(c);
    if (s == FK_OK)
        s = fk__pipeline(c);
    fk_job_file run = {"run.csv", "run", -1, 0, 0, 0, FK_FILE_COMPOSED};
    if (s == FK_OK) {
        s = fk_job_file_writer_commit(c->job, c->run, &run, c->err);
        c->run = NULL;
    }
    if (s == FK_OK)
        s = fk__mail_summary(c);
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
    fk__compose c = {.job = job,
                     .jobs = opts->jobs,
                     .per = (size_t)fk_order_batch_size(fk_job_order(job)),
                     .cb = cb,
                     .err = err,
                     .lock = PTHREAD_MUTEX_INITIALIZER,
                     .wake = PTHREAD_COND_INITIALIZER,
                     .done = PTHREAD_COND_INITIALIZER};
    c.list.err = err;
    fk_buf_init(&c.list.addresses, FK__ADDRESSES_MAX);
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
    if (s != FK_OK)
        return s;
    if (opts->replace)
        s = fk__replace(&c, opts, &out->replaced);
    if (s == FK_OK)
        s = fk__workers_start(&c);
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
    fk__workers_stop(&c);
    if (s == FK_OK)
        s = fk_job_moves_audit(job, err);
    s = fk_job_end(job, s, err);
    fk_job_file_writer_abort(c.run);
    for (int k = 0; k < FK_CAT_COUNT; k++)
        fk_free(c.env[k]);
    fk__list_free(&c.list);
    memcpy(out->composed, c.composed, sizeof out->composed);
    out->files = c.files;
    out->sheets = c.sheets;
    out->held = c.held;
    return s;
}
