/* fk_step_reprint: single envelopes' sheets again, for rework after the enclosure check or
 * damaged pieces: the same payloads and serial numbers, as a child print file of each batch,
 * printed at once with its reason (all over the designation). See fukan.h. */
#include "fukan.h"
#include "core/files.h"
#include "core/records.h"
#include "mailing.h"
#include "print/print.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK__MAX_ENVELOPES 1000

/* A requested envelope and, once found, its record (unsealed; wiped after). */
typedef struct {
    fk_category category;
    long serial;
    fk_record record;
    long id; /* its record, once found */
    bool found;
    fk_record_state state;
} fk__wanted;

typedef struct {
    fk__wanted *items;
    size_t n;
} fk__wanted_list;

static fk_status fk__parse(const char *list, fk__wanted_list *w, fk_err *err)
{
    w->items = fk_calloc(FK__MAX_ENVELOPES, sizeof *w->items);
    if (w->items == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    for (const char *p = list; *p != '\0';) {
        size_t len = strcspn(p, ",");
        char id[32];
        snprintf(id, sizeof id, "%.*s", (int)(len < sizeof id ? len : sizeof id - 1), p);
        fk_category c;
        char *end, code[2] = {id[0], '\0'};
        if (len < 3 || len >= sizeof id || id[1] != '-' || !fk_category_parse(code, &c))
            return fk_failf(err, FK_EINVAL,
                            _("--envelopes: '%s' is not an envelope (C-SERIAL, "
                              "e.g. S-000123)"),
                            id);
        long serial = strtol(id + 2, &end, 10);
        if (*end != '\0' || serial < 1)
            return fk_failf(err, FK_EINVAL, _("--envelopes: '%s' is not an envelope"), id);
        if (w->n == FK__MAX_ENVELOPES)
            return fk_failf(err, FK_ETOOBIG, _("--envelopes: at most %d at a time"),
                            FK__MAX_ENVELOPES);
        for (size_t i = 0; i < w->n; i++)
            if (w->items[i].category == c && w->items[i].serial == serial)
                return fk_failf(err, FK_EINVAL, _("--envelopes: %s is named twice"), id);
        fk_record_init(&w->items[w->n].record);
        w->items[w->n].category = c;
        w->items[w->n++].serial = serial;
        p += len;
        if (*p == ',')
            p++;
    }
    if (w->n == 0)
        return fk_failf(err, FK_EINVAL, _("--envelopes: no envelope named"));
    return FK_OK;
}

static void fk__wanted_free(fk__wanted_list *w)
{
    for (size_t i = 0; w->items != NULL && i < w->n; i++)
        fk_record_clear(&w->items[i].record);
    fk_free(w->items);
}

typedef struct {
    fk__wanted_list *w;
} fk__find;

static int fk__find_record(const fk_record *r, const fk_record_meta *m, void *ctx)
{
    fk__find *f = ctx;
    for (size_t i = 0; i < f->w->n; i++) {
        fk__wanted *it = &f->w->items[i];
        if (it->found || m->serial != it->serial || m->category != it->category)
            continue;
        (void)r;
        it->id = m->id;
        it->found = true;
        it->state = m->state;
        return 0;
    }
    return 0;
}

/* Every envelope exists, is composed and not yet handed over. */
static fk_status fk__check_envelopes(const fk__wanted_list *w, fk_err *err)
{
    for (size_t i = 0; i < w->n; i++) {
        const fk__wanted *it = &w->items[i];
        char id[24];
        snprintf(id, sizeof id, "%c-%06ld", fk_category_code(it->category), it->serial);
        if (!it->found)
            return fk_failf(err, FK_ENOENT,
                            _("envelope %s: no such envelope in this job "
                              "(composed envelopes only)"),
                            id);
        if (it->state == FK_REC_DELIVERED)
            return fk_failf(
                err, FK_ESTATE,
                _("envelope %s: delivered already: a delivered envelope is not reprinted;"
                  " record what happened with 'fukan incident add JOBDIR'"),
                id);
    }
    return FK_OK;
}

static fk_status fk__buf_write(void *closure, const unsigned char *data, size_t len)
{
    return fk_buf_append(closure, data, len);
}

typedef struct {
    const char *prefix; /* "JOB-S-1-001" */
    int n;              /* its reprints so far */
} fk__count_children;

static int fk__count_child(const fk_job_file *f, void *ctx)
{
    fk__count_children *c = ctx;
    if (strcmp(f->document, "reprint") == 0 && strncmp(f->name, c->prefix, strlen(c->prefix)) == 0)
        c->n++;
    return 0;
}

/* Renders sheet `sheet` of the envelopes of one category and batch into a child print file
 * named after its parent, stored in the job. */
static fk_status fk__render_child(fk_job *job, fk_mailing *m, fk_fields *fields,
                                  const fk__wanted_list *w, fk_category c, int batch, int sheet,
                                  int sheets, const char *doc, char *name, size_t name_size,
                                  char *parent, size_t parent_size, long *count, fk_err *err)
{
    const char *code = fk_order_job_code(fk_job_order(job));
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s-%c-%d-%03d", code, fk_category_code(c), sheet, batch);
    snprintf(parent, parent_size, "%s.pdf", prefix);
    fk__count_children children = {prefix, 0};
    fk_status s = fk_job_files_foreach(job, fk__count_child, &children, err);
    snprintf(name, name_size, "%s-r%02d.pdf", prefix, children.n + 1);
    fk_buf pdf;
    fk_buf_init(&pdf, (size_t)1 << 30);
    fk_doc_writer *dw =
        s == FK_OK ? fk_doc_writer_new_stream(fk__buf_write, &pdf, fk_mailing_template(m, doc), err)
                   : NULL;
    if (s == FK_OK && dw == NULL)
        s = err->status;
    long per = fk_order_batch_size(fk_job_order(job));
    *count = 0;
    for (size_t i = 0; s == FK_OK && i < w->n; i++) {
        const fk__wanted *it = &w->items[i];
        if (it->category != c || (it->serial - 1) / per + 1 != batch)
            continue;
        char check[FK_CHECK_VALUE_HEX], payload[FK_MAILING_PAYLOAD_MAX];
        s = fk_job_check_value(job, &it->record, check, err);
        if (s == FK_OK) {
            fk_mailing_payload(m, c, check, it->serial, sheet, sheets, payload);
            s = fk_mailing_fill(m, &it->record, fields, NULL, err);
        }
        if (s == FK_OK)
            s = fk_mailing_fill_sheet(payload, sheet, sheets, fields, err);
        if (s == FK_OK)
            s = fk_doc_writer_add_sheet(dw, fields, err);
        if (s == FK_OK)
            (*count)++;
    }
    fk_status closed = dw != NULL ? fk_doc_writer_close(dw, err) : FK_OK;
    if (s == FK_OK)
        s = closed;
    fk_job_file f = {name, "reprint", (int)c, batch, *count, *count, FK_FILE_COMPOSED};
    if (s == FK_OK)
        s = fk_job_file_put(job, &f, pdf.data, pdf.len, err);
    if (pdf.data != NULL)
        fk_wipe(pdf.data, pdf.cap);
    fk_buf_free(&pdf);
    return s;
}

/* The (category, batch) groups of the envelopes, each once, in the order named. */
static size_t fk__groups(const fk__wanted_list *w, long per, fk_category *cats, int *batches)
{
    size_t n = 0;
    for (size_t i = 0; i < w->n; i++) {
        int b = (int)((w->items[i].serial - 1) / per + 1);
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = cats[k] == w->items[i].category && batches[k] == b;
        if (!seen) {
            cats[n] = w->items[i].category;
            batches[n++] = b;
        }
    }
    return n;
}

static fk_status fk__print_child(fk_job *job, const fk_reprint_options *opts, const char *name,
                                 const char *parent, const fk_callbacks *cb, fk_reprint_result *out,
                                 fk_err *err)
{
    fk_print_request req = {opts->printer, opts->reason, parent, opts->timeout};
    fk_print_outcome o;
    fk_status s = fk_print_file(job, name, &req, &o, err);
    if (cb != NULL && cb->file != NULL)
        cb->file(cb->ctx, name, fk_print_state_name(o.state));
    if (s == FK_OK) {
        out->files++;
        out->sheets += o.sheets_sent;
    }
    return s;
}

fk_status fk_step_reprint(fk_job *job, const fk_reprint_options *opts, const fk_callbacks *cb,
                          fk_reprint_result *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    if (opts->reason == NULL || opts->reason[0] == '\0')
        return fk_failf(err, FK_EINVAL,
                        _("a reprint needs --reason TEXT (it is printed over the "
                          "designated count and logged with its reason)"));
    fk__wanted_list w = {0};
    fk_mailing *m = NULL;
    fk_fields *fields = NULL;
    fk_status s = fk__parse(opts->envelopes, &w, err);
    fk__find find = {&w};
    if (s == FK_OK)
        s = fk_job_records_foreach(job, fk__find_record, &find, err);
    if (s == FK_OK)
        s = fk__check_envelopes(&w, err);
    for (size_t i = 0; s == FK_OK && i < w.n; i++)
        s = fk_job_record_get(job, w.items[i].id, &w.items[i].record, err);
    if (s == FK_OK)
        s = fk_mailing_new(job, &m, err);
    if (s == FK_OK && (fields = fk_fields_new()) == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    long per = fk_order_batch_size(fk_job_order(job));
    fk_category *cats = s == FK_OK ? fk_calloc(w.n, sizeof *cats) : NULL;
    int *batches = cats != NULL ? fk_calloc(w.n, sizeof *batches) : NULL;
    if (s == FK_OK && batches == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    size_t groups = s == FK_OK ? fk__groups(&w, per, cats, batches) : 0;
    out->envelopes = (long)w.n;
    for (size_t g = 0; s == FK_OK && g < groups; g++) {
        const char *docs[FK_MAILING_MAX_DOCS];
        int sheets = fk_mailing_documents(cats[g], docs);
        for (int d = 0; s == FK_OK && d < sheets; d++) {
            char name[96], parent[96];
            long count;
            s = fk_job_begin(job, err);
            if (s != FK_OK)
                break;
            s = fk__render_child(job, m, fields, &w, cats[g], batches[g], d + 1, sheets, docs[d],
                                 name, sizeof name, parent, sizeof parent, &count, err);
            s = fk_job_end(job, s, err);
            if (s == FK_OK)
                s = fk__print_child(job, opts, name, parent, cb, out, err);
        }
    }
    fk_free(batches);
    fk_free(cats);
    fk_fields_free(fields);
    fk_mailing_free(m);
    fk__wanted_free(&w);
    return s;
}
