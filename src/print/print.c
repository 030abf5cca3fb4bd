/* Printing through the local cupsd with libcups: see print.h and docs/print.md. */
#include "print.h"
#include "core/moves.h"
#include "printlog.h"
#include "core/files.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <cups/cups.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define FK__DEFAULT_TIMEOUT 600
#define FK__CHUNK           (64 * 1024)
#define FK__PRINT_FILE_MAX  ((size_t)1 << 31)

typedef struct {
    http_t *http;
    char where[300]; /* "127.0.0.1:631" or the domain socket, for messages */
} fk__cups;

/* What CUPS says about one job. */
typedef struct {
    bool found;
    int state; /* ipp_jstate_t */
    long sheets, impressions;
    bool is_incoming; /* job-state-reasons job-incoming: its document never arrived whole */
    char message[256];
    char name[256]; /* job-name */
} fk__job_info;

const char *fk_print_queue(fk_job *job, const fk_print_request *req)
{
    if (req != NULL && req->printer != NULL)
        return req->printer;
    return fk_order_printer(fk_job_order(job));
}

static bool fk__is_local_host(const char *host)
{
    return host[0] == '/' || strcmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
           strcmp(host, "[::1]") == 0 || strncmp(host, "127.", 4) == 0 ||
           strcmp(host, "localhost.localdomain") == 0;
}

/* A queue name as lpadmin allows it; "QUEUE@HOST" names a queue on another machine. */
static fk_status fk__check_queue_name(const char *queue, fk_err *err)
{
    if (queue == NULL || queue[0] == '\0')
        return fk_failf(
            err, FK_EINVAL,
            _("no printer: give --printer QUEUE or set `printer` in the order (job.yaml)"));
    const char *at = strchr(queue, '@');
    if (at != NULL && !fk__is_local_host(at + 1))
        return fk_failf(err, FK_EPERM,
                        _("queue '%s' is on another host: fukan prints only to the local cupsd "
                          "(the job's machine is isolated)"),
                        queue);
    size_t n = at ? (size_t)(at - queue) : strlen(queue);
    if (n == 0 || n > 127)
        return fk_failf(err, FK_EINVAL, _("'%s' is not a CUPS queue name"), queue);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)queue[i];
        if (c <= ' ' || c == '/' || c == '#' || c == '\\' || c == '\'' || c == '"' || c >= 0x7f)
            return fk_failf(err, FK_EINVAL, _("'%s' is not a CUPS queue name"), queue);
    }
    return FK_OK;
}

static fk_status fk__connect(fk__cups *c, fk_err *err)
{
    const char *server = cupsServer();
    int port = ippPort();
    if (server[0] == '/')
        snprintf(c->where, sizeof c->where, "%s", server);
    else
        snprintf(c->where, sizeof c->where, "%s:%d", server, port);
    if (!fk__is_local_host(server))
        return fk_failf(
            err, FK_EPERM,
            _("the CUPS server %s is not this machine: fukan prints only to the local "
              "cupsd (the job's machine is isolated; check CUPS_SERVER and client.conf)"),
            c->where);
    c->http =
        httpConnect2(server, port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 5000, NULL);
    /* libcups's last error and errno describe the cleanup, not the refused connection. */
    if (c->http == NULL)
        return fk_failf(err, FK_EENV,
                        _("cannot reach the local CUPS server at %s: cupsd is not running or does "
                          "not listen there"),
                        c->where);
    return FK_OK;
}

static void fk__disconnect(fk__cups *c)
{
    if (c->http != NULL)
        httpClose(c->http);
    c->http = NULL;
}

static void fk__printer_uri(const char *queue, char *uri, size_t size)
{
    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, (int)size, "ipp", NULL, "localhost", 0,
                     "/printers/%s", queue);
}

static const char *fk__pstate_name(int state)
{
    switch (state) {
    case IPP_PSTATE_IDLE:
        return "idle";
    case IPP_PSTATE_PROCESSING:
        return N_("processing");
    case IPP_PSTATE_STOPPED:
        return N_("stopped");
    default:
        return "unknown";
    }
}

static const char *fk__jstate_name(int state)
{
    switch (state) {
    case IPP_JSTATE_PENDING:
        return "pending";
    case IPP_JSTATE_HELD:
        return "held";
    case IPP_JSTATE_PROCESSING:
        return "processing";
    case IPP_JSTATE_STOPPED:
        return "stopped";
    case IPP_JSTATE_CANCELED:
        return N_("canceled");
    case IPP_JSTATE_ABORTED:
        return N_("aborted");
    case IPP_JSTATE_COMPLETED:
        return N_("completed");
    default:
        return "unknown";
    }
}

/* The printer's state; "stopped" and "not accepting" are the faults a print must not ignore.
 * desc receives "stopped (paused: message)" for messages. */
static fk_status fk__queue_state(fk__cups *c, const char *queue, int *state, bool *accepting,
                                 char *desc, size_t size, fk_err *err)
{
    static const char *const attrs[] = {"printer-state", "printer-state-message",
                                        "printer-state-reasons", "printer-is-accepting-jobs",
                                        "printer-type"};
    char uri[HTTP_MAX_URI];
    fk__printer_uri(queue, uri, sizeof uri);
    ipp_t *req = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof attrs / sizeof attrs[0]), NULL, attrs);
    ipp_t *resp = cupsDoRequest(c->http, req, "/");
    ipp_status_t status = cupsLastError();
    fk_status s = FK_OK;
    if (status == IPP_STATUS_ERROR_NOT_FOUND) {
        s = fk_failf(err, FK_EENV, _("queue '%s' does not exist on the local CUPS server (%s)"),
                     queue, c->where);
    } else if (resp == NULL || status > IPP_STATUS_OK_CONFLICTING) {
        s = fk_failf(err, FK_EENV, _("queue '%s' on the local CUPS server (%s): %s"), queue,
                     c->where, cupsLastErrorString());
    } else {
        ipp_attribute_t *a = ippFindAttribute(resp, "printer-state", IPP_TAG_ENUM);
        *state = a ? ippGetInteger(a, 0) : IPP_PSTATE_IDLE;
        a = ippFindAttribute(resp, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN);
        *accepting = a ? ippGetBoolean(a, 0) != 0 : true;
        a = ippFindAttribute(resp, "printer-type", IPP_TAG_ENUM);
        int type = a ? ippGetInteger(a, 0) : 0;
        const char *msg = NULL, *reason = NULL;
        if ((a = ippFindAttribute(resp, "printer-state-message", IPP_TAG_TEXT)) != NULL)
            msg = ippGetString(a, 0, NULL);
        if ((a = ippFindAttribute(resp, "printer-state-reasons", IPP_TAG_KEYWORD)) != NULL)
            reason = ippGetString(a, 0, NULL);
        if (reason != NULL && strcmp(reason, "none") == 0)
            reason = NULL;
        snprintf(desc, size, "%s%s%s%s%s%s", fk__pstate_name(*state),
                 *accepting ? "" : ", not accepting jobs", reason || msg ? " (" : "",
                 reason ? reason : "", msg && *msg ? (reason ? ": " : "") : "",
                 msg && *msg ? msg : "");
        if (reason || msg) {
            size_t n = strlen(desc);
            if (n + 1 < size) {
                desc[n] = ')';
                desc[n + 1] = '\0';
            }
        }
        if (type & CUPS_PRINTER_REMOTE)
            s = fk_failf(err, FK_EPERM,
                         _("queue '%s' forwards to another host's CUPS: fukan prints only to "
                           "queues of the local cupsd"),
                         queue);
    }
    ippDelete(resp);
    return s;
}

static fk_status fk__check_queue(fk__cups *c, const char *queue, fk_err *err)
{
    int state = 0;
    bool accepting = true;
    char desc[400];
    fk_status s = fk__queue_state(c, queue, &state, &accepting, desc, sizeof desc, err);
    if (s == FK_OK && !accepting)
        s = fk_failf(err, FK_EENV, _("queue '%s' rejects jobs (CUPS: %s): run `cupsaccept %s`"),
                     queue, desc, queue);
    else if (s == FK_OK && state == IPP_PSTATE_STOPPED)
        s = fk_failf(err, FK_EENV, _("queue '%s' is stopped (CUPS: %s): run `cupsenable %s`"),
                     queue, desc, queue);
    return s;
}

static fk_status fk__job_get(fk__cups *c, long id, fk__job_info *info, fk_err *err)
{
    static const char *const attrs[] = {"job-state",
                                        "job-state-reasons",
                                        "job-state-message",
                                        "job-media-sheets-completed",
                                        "job-impressions-completed",
                                        "job-name"};
    memset(info, 0, sizeof *info);
    info->sheets = info->impressions = -1;
    char uri[HTTP_MAX_URI];
    httpAssembleURIf(HTTP_URI_CODING_ALL, uri, (int)sizeof uri, "ipp", NULL, "localhost", 0,
                     "/jobs/%ld", id);
    ipp_t *req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", NULL, uri);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL, cupsUser());
    ippAddStrings(req, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                  (int)(sizeof attrs / sizeof attrs[0]), NULL, attrs);
    ipp_t *resp = cupsDoRequest(c->http, req, "/jobs/");
    ipp_status_t status = cupsLastError();
    fk_status s = FK_OK;
    if (status == IPP_STATUS_ERROR_NOT_FOUND) {
        info->found = false;
    } else if (resp == NULL || status > IPP_STATUS_OK_CONFLICTING) {
        s = fk_failf(err, FK_EENV, _("CUPS job %ld on the local CUPS server (%s): %s"), id,
                     c->where, cupsLastErrorString());
    } else {
        info->found = true;
        ipp_attribute_t *a = ippFindAttribute(resp, "job-state", IPP_TAG_ENUM);
        info->state = a ? ippGetInteger(a, 0) : IPP_JSTATE_PENDING;
        if ((a = ippFindAttribute(resp, "job-media-sheets-completed", IPP_TAG_INTEGER)) != NULL)
            info->sheets = ippGetInteger(a, 0);
        if ((a = ippFindAttribute(resp, "job-impressions-completed", IPP_TAG_INTEGER)) != NULL)
            info->impressions = ippGetInteger(a, 0);
        if ((a = ippFindAttribute(resp, "job-name", IPP_TAG_NAME)) != NULL)
            snprintf(info->name, sizeof info->name, "%s", ippGetString(a, 0, NULL));
        if ((a = ippFindAttribute(resp, "job-state-message", IPP_TAG_TEXT)) != NULL)
            snprintf(info->message, sizeof info->message, "%s", ippGetString(a, 0, NULL));
        if ((a = ippFindAttribute(resp, "job-state-reasons", IPP_TAG_KEYWORD)) != NULL)
            for (int i = 0; i < ippGetCount(a); i++)
                if (strcmp(ippGetString(a, i, NULL), "job-incoming") == 0)
                    info->is_incoming = true;
    }
    ippDelete(resp);
    return s;
}

static bool fk__jstate_is_final(int state)
{
    return state >= IPP_JSTATE_CANCELED;
}

static fk_print_state fk__outcome_state(int jstate)
{
    switch (jstate) {
    case IPP_JSTATE_COMPLETED:
        return FK_PRINT_COMPLETED;
    case IPP_JSTATE_ABORTED:
        return FK_PRINT_ABORTED;
    default:
        return FK_PRINT_CANCELED;
    }
}

static void fk__sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/*
 * Waits until CUPS ends job id: a stopped queue (CUPS's error policy stops it when the
 * device fails) or the timeout cancels the job, since it would otherwise print later, out of
 * sight of the print log. note receives why fukan canceled it, if it did.
 */
static fk_status fk__wait(fk__cups *c, const char *queue, long id, int timeout, fk__job_info *info,
                          char *note, size_t note_size, fk_err *err)
{
    time_t deadline = time(NULL) + timeout;
    bool canceled = false;
    note[0] = '\0';
    for (;;) {
        fk_status s = fk__job_get(c, id, info, err);
        if (s != FK_OK)
            return s;
        if (!info->found)
            return fk_failf(err, FK_EENV, _("CUPS job %ld is gone from the local CUPS server (%s)"),
                            id, c->where);
        if (fk__jstate_is_final(info->state))
            return FK_OK;
        if (canceled) {
            if (time(NULL) > deadline + 30)
                return fk_failf(err, FK_EENV, _("CUPS job %ld on queue '%s' does not end (%s)"), id,
                                queue, fk__jstate_name(info->state));
        } else {
            int state = 0;
            bool accepting = true;
            char desc[400];
            s = fk__queue_state(c, queue, &state, &accepting, desc, sizeof desc, err);
            if (s != FK_OK)
                return s;
            if (state == IPP_PSTATE_STOPPED)
                snprintf(note, note_size, "queue '%s' stopped during the job (CUPS: %s)", queue,
                         desc);
            else if (time(NULL) >= deadline)
                snprintf(note, note_size,
                         "no final state after %d s (CUPS job %s; queue %s): canceled by fukan",
                         timeout, fk__jstate_name(info->state), desc);
            if (note[0] != '\0') {
                (void)cupsCancelJob2(c->http, queue, (int)id, 0);
                canceled = true;
            }
        }
        fk__sleep_ms(canceled ? 100 : 200);
    }
}

/* Streams the PDF as one document of a new CUPS job; *job_id is 0 if CUPS created none. */
static fk_status fk__send(fk__cups *c, fk_job *job, long entry, const char *queue, const char *name,
                          const char *file, const fk_buf *pdf, long *job_id, fk_err *err)
{
    char billing[256];
    snprintf(billing, sizeof billing, "%s/%s", fk_order_job_code(fk_job_order(job)), file);
    cups_option_t *options = NULL;
    int n = cupsAddOption("job-billing", billing, 0, &options);
    int id = cupsCreateJob(c->http, queue, name, n, options);
    cupsFreeOptions(n, options);
    *job_id = id;
    if (id <= 0)
        return fk_failf(err, FK_EENV, _("queue '%s' refused the job: %s"), queue,
                        cupsLastErrorString());
    /* Recorded before the document goes: a crash from here on is resolved by the job id. */
    fk_status s = fk_job_print_set_sent(job, entry, id, err);
    if (s != FK_OK)
        return s;
    if (cupsStartDocument(c->http, queue, id, file, CUPS_FORMAT_PDF, 1) != HTTP_STATUS_CONTINUE)
        return fk_failf(err, FK_EENV, _("queue '%s', CUPS job %d: cannot send the document: %s"),
                        queue, id, cupsLastErrorString());
    for (size_t off = 0; off < pdf->len; off += FK__CHUNK) {
        size_t len = pdf->len - off < FK__CHUNK ? pdf->len - off : FK__CHUNK;
        if (cupsWriteRequestData(c->http, (const char *)pdf->data + off, len) !=
            HTTP_STATUS_CONTINUE) {
            (void)cupsFinishDocument(c->http, queue);
            return fk_failf(err, FK_EENV, _("queue '%s', CUPS job %d: sending failed: %s"), queue,
                            id, cupsLastErrorString());
        }
    }
    if (cupsFinishDocument(c->http, queue) > IPP_STATUS_OK_CONFLICTING)
        return fk_failf(err, FK_EENV, _("queue '%s', CUPS job %d: %s"), queue, id,
                        cupsLastErrorString());
    return FK_OK;
}

/* The file printed and the other files of its batch (① and ②): whether all are on paper. */
typedef struct {
    const char *name;
    fk_file_state state;
    int category, batch;
    bool is_batch_printed, is_reprint;
} fk__batch_files;

static int fk__find_file(const fk_job_file *f, void *ctx)
{
    fk__batch_files *x = ctx;
    if (strcmp(f->name, x->name) == 0) {
        x->state = f->state;
        x->category = f->category;
        x->batch = f->batch;
        x->is_reprint = strcmp(f->document, "reprint") == 0;
        return 1;
    }
    return 0;
}

static int fk__batch_state(const fk_job_file *f, void *ctx)
{
    fk__batch_files *x = ctx;
    if (f->category == x->category && f->batch == x->batch && strcmp(f->document, "reprint") != 0 &&
        strcmp(f->name, x->name) != 0 && f->state == FK_FILE_COMPOSED)
        x->is_batch_printed = false;
    return 0;
}

/* A print file moves to printed when its first print completes (one printed again, a reprint
 * with its reason, or one already enclosure-checked keeps its state); once every print file
 * of its batch is printed, the batch's composed envelopes are printed. */
static fk_status fk__mark_printed(fk_job *job, const char *file, fk_err *err)
{
    fk__batch_files x = {file, FK_FILE_PRINTED, -1, 0, true, false};
    fk_status s = fk_job_files_foreach(job, fk__find_file, &x, err);
    if (s != FK_OK || x.state != FK_FILE_COMPOSED || x.category < 0)
        return s;
    s = fk_job_file_move(job, file, FK_FILE_PRINTED, err);
    if (s != FK_OK || x.is_reprint)
        return s; /* a reprint's envelopes are printed already */
    s = fk_job_files_foreach(job, fk__batch_state, &x, err);
    if (s != FK_OK || !x.is_batch_printed)
        return s;
    long per = fk_order_batch_size(fk_job_order(job));
    return fk_job_records_move_serials(job, (fk_category)x.category, (x.batch - 1) * per + 1,
                                       x.batch * per, FK_REC_COMPOSED, FK_REC_PRINTED, NULL, err);
}

/* Records an entry's outcome in the print log and the audit log. */
static fk_status fk__record(fk_job *job, const fk_print_entry *e, fk_print_state state,
                            const fk__job_info *info, const char *message, fk_err *err)
{
    long sheets = info ? info->sheets : -1, impressions = info ? info->impressions : -1;
    fk_status s = fk_job_print_finish(job, e->id, state, sheets, impressions,
                                      message && *message ? message : NULL, err);
    if (s == FK_OK && state == FK_PRINT_COMPLETED)
        s = fk__mark_printed(job, e->file, err);
    if (s == FK_OK)
        s = fk_job_moves_audit(job, err);
    if (s != FK_OK)
        return s;
    char details[900];
    snprintf(details, sizeof details,
             "print log entry %ld: %s on %s, CUPS job %ld %s; sheets sent %ld, reported by CUPS "
             "%ld, designated %ld, over-count %ld%s%s%s",
             e->id, e->file, e->printer, e->cups_job_id, fk_print_state_name(state), e->sheets_sent,
             sheets, e->designated, e->over_count,
             e->over_count > 0 ? " (reason in the print log)" : "", message && *message ? ": " : "",
             message && *message ? message : "");
    return fk_job_audit(job, e->file, state == FK_PRINT_COMPLETED ? FK_OK : FK_EENV, details, err);
}

typedef struct {
    fk_print_entry *items;
    char **strings; /* owned copies of file, printer, job_name */
    size_t n, cap;
    fk_status status;
    fk_err *err;
} fk__pending;

static int fk__collect_pending(const fk_print_entry *e, void *ctx)
{
    fk__pending *p = ctx;
    if (fk_print_state_is_final(e->state))
        return 0;
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        fk_print_entry *items = fk_realloc(p->items, cap * sizeof *items);
        char **strings = items ? fk_realloc(p->strings, 3 * cap * sizeof *strings) : NULL;
        if (items != NULL)
            p->items = items;
        if (strings == NULL) {
            p->status = fk_failf(p->err, FK_ENOMEM, _("out of memory"));
            return 1;
        }
        p->strings = strings;
        p->cap = cap;
    }
    fk_print_entry *copy = &p->items[p->n];
    *copy = *e;
    char **str = &p->strings[3 * p->n];
    str[0] = fk_strdup(e->file);
    str[1] = fk_strdup(e->printer);
    str[2] = fk_strdup(e->job_name);
    p->n++;
    if (str[0] == NULL || str[1] == NULL || str[2] == NULL) {
        p->status = fk_failf(p->err, FK_ENOMEM, _("out of memory"));
        return 1;
    }
    copy->file = str[0];
    copy->printer = str[1];
    copy->job_name = str[2];
    copy->host = copy->user = copy->submitted_at = copy->finished_at = NULL;
    copy->parent = copy->reason = copy->message = NULL;
    return 0;
}

static void fk__pending_free(fk__pending *p)
{
    for (size_t i = 0; i < 3 * p->n; i++)
        fk_free(p->strings[i]);
    fk_free(p->strings);
    fk_free(p->items);
}

/* The id of the CUPS job named name on queue, or 0. */
static long fk__find_job(fk__cups *c, const char *queue, const char *name)
{
    cups_job_t *jobs = NULL;
    int n = cupsGetJobs2(c->http, &jobs, queue, 0, CUPS_WHICHJOBS_ALL);
    long id = 0;
    for (int i = 0; i < n; i++)
        if (jobs[i].title != NULL && strcmp(jobs[i].title, name) == 0)
            id = jobs[i].id;
    cupsFreeJobs(n, jobs);
    return id;
}

static fk_status fk__recover_one(fk__cups *c, fk_job *job, fk_print_entry *e, int timeout,
                                 fk_err *err)
{
    fk__job_info info;
    long id = e->cups_job_id;
    fk_status s = FK_OK;
    /* A job id alone could name another job after cupsd lost its history: the name decides. */
    if (id > 0 && (s = fk__job_get(c, id, &info, err)) == FK_OK &&
        (!info.found || strcmp(info.name, e->job_name) != 0))
        id = 0;
    if (s != FK_OK)
        return s;
    if (id <= 0)
        id = fk__find_job(c, e->printer, e->job_name);
    if (id <= 0)
        return fk__record(
            job, e, FK_PRINT_NOT_SENT, NULL,
            "recovered: the local CUPS server has no job of this name; no sheets are counted", err);
    if (id != e->cups_job_id) {
        s = fk_job_print_set_sent(job, e->id, id, err);
        if (s != FK_OK)
            return s;
        e->cups_job_id = id;
    }
    s = fk__job_get(c, id, &info, err);
    if (s != FK_OK)
        return s;
    if (!info.found)
        return fk__record(job, e, FK_PRINT_CANCELED, NULL,
                          "recovered: CUPS no longer knows the job; no sheets are counted", err);
    char note[600] = "";
    if (!fk__jstate_is_final(info.state) && info.is_incoming) {
        /* fukan died while sending: the document never arrived whole, so it must not print. */
        (void)cupsCancelJob2(c->http, e->printer, (int)id, 0);
        snprintf(note, sizeof note, "recovered: the document never arrived whole; canceled");
    }
    char wait_note[600];
    s = fk__wait(c, e->printer, id, timeout, &info, wait_note, sizeof wait_note, err);
    if (s != FK_OK)
        return s;
    char message[1200];
    snprintf(message, sizeof message, "%s%s%s%s%s", note[0] ? note : "recovered",
             wait_note[0] ? "; " : "", wait_note, info.message[0] ? "; CUPS: " : "", info.message);
    return fk__record(job, e, fk__outcome_state(info.state), &info, message, err);
}

fk_status fk_print_recover(fk_job *job, int timeout, long *resolved, fk_err *err)
{
    fk__pending p = {.err = err};
    *resolved = 0;
    if (timeout <= 0)
        timeout = FK__DEFAULT_TIMEOUT;
    fk_status s = fk_job_prints_foreach(job, fk__collect_pending, &p, err);
    if (s == FK_OK)
        s = p.status;
    fk__cups c = {0};
    if (s == FK_OK && p.n > 0) {
        s = fk__connect(&c, err);
        if (s != FK_OK) {
            char why[FK_ERR_MSG_MAX];
            snprintf(why, sizeof why, "%s", fk_err_message(err));
            s = fk_failf(err, s, _("%ld print-log entr%s await CUPS's outcome: %s"), (long)p.n,
                         p.n == 1 ? "y" : "ies", why);
        }
    }
    for (size_t i = 0; s == FK_OK && i < p.n; i++) {
        s = fk__recover_one(&c, job, &p.items[i], timeout, err);
        if (s == FK_OK)
            (*resolved)++;
    }
    fk__disconnect(&c);
    fk__pending_free(&p);
    return s;
}

typedef struct {
    const char *name;
    fk_job_file file;
    char file_name[128], document[32];
    long printed;
    int unresolved;
    bool found;
} fk__target;

static int fk__find_target(const fk_print_tally *t, void *ctx)
{
    fk__target *x = ctx;
    if (strcmp(t->file->name, x->name) != 0)
        return 0;
    x->found = true;
    x->file = *t->file;
    snprintf(x->file_name, sizeof x->file_name, "%s", t->file->name);
    snprintf(x->document, sizeof x->document, "%s", t->file->document);
    x->file.name = x->file_name;
    x->file.document = x->document;
    x->printed = t->printed;
    x->unresolved = t->unresolved;
    return 1;
}

fk_status fk_print_file(fk_job *job, const char *file, const fk_print_request *req,
                        fk_print_outcome *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    out->sheets_reported = -1;
    out->state = FK_PRINT_NOT_SENT;
    int timeout = req->timeout > 0 ? req->timeout : FK__DEFAULT_TIMEOUT;
    const char *queue = fk_print_queue(job, req);
    fk_status s = fk__check_queue_name(queue, err);
    if (s != FK_OK)
        return s;
    snprintf(out->queue, sizeof out->queue, "%s", queue);
    long resolved;
    s = fk_print_recover(job, timeout, &resolved, err);
    fk__target t = {.name = file};
    if (s == FK_OK)
        s = fk_print_tally_foreach(job, time(NULL), fk__find_target, &t, err);
    if (s == FK_OK && !t.found)
        s = fk_failf(err, FK_ENOENT, _("%s: no such print file in the job (run `fukan compose`)"),
                     file);
    if (s != FK_OK)
        return s;
    /* A reprint's file has nothing designated: all its sheets are over count. */
    long designated = strcmp(t.file.document, "reprint") == 0 ? 0 : t.file.sheets;
    out->sheets_sent = t.file.sheets;
    out->designated = designated;
    s = fk_print_check_designation(file, designated, t.printed, t.file.sheets, req->reason,
                                   &out->over_count, err);
    fk__cups c = {0};
    if (s == FK_OK)
        s = fk__connect(&c, err);
    if (s == FK_OK)
        s = fk__check_queue(&c, queue, err);
    fk_buf pdf;
    fk_buf_init(&pdf, FK__PRINT_FILE_MAX);
    if (s == FK_OK)
        s = fk_job_file_get(job, file, &pdf, err);
    fk_print_entry e = {.file = file,
                        .parent = req->parent,
                        .printer = queue,
                        .sheets_sent = t.file.sheets,
                        .designated = designated,
                        .over_count = out->over_count,
                        .reason = out->over_count > 0 || t.printed > 0 ? req->reason : NULL};
    char name[256];
    if (s == FK_OK)
        s = fk_job_print_add(job, &e, &e.id, name, sizeof name, err);
    if (s != FK_OK) {
        fk_buf_free(&pdf);
        fk__disconnect(&c);
        return s;
    }
    out->entry_id = e.id;
    e.job_name = name;
    fk_err send_err;
    fk_err_clear(&send_err);
    long id = 0;
    fk_status sent = fk__send(&c, job, e.id, queue, name, file, &pdf, &id, &send_err);
    /* The clear PDF lived only in this buffer. */
    if (pdf.data != NULL)
        fk_wipe(pdf.data, pdf.cap);
    fk_buf_free(&pdf);
    e.cups_job_id = id > 0 ? id : 0;
    out->cups_job_id = e.cups_job_id;
    fk__job_info info = {.sheets = -1, .impressions = -1};
    char note[600] = "";
    if (id > 0) {
        out->state = FK_PRINT_SENT;
        if (sent != FK_OK)
            (void)cupsCancelJob2(c.http, queue, (int)id, 0);
        s = fk__wait(&c, queue, id, timeout, &info, note, sizeof note, err);
        if (s != FK_OK) {
            char why[FK_ERR_MSG_MAX];
            snprintf(why, sizeof why, "%s", fk_err_message(err));
            s = fk_failf(err, s,
                         _("%s: the outcome of CUPS job %ld on queue '%s' is unknown (%s); the "
                           "next `fukan print` records it"),
                         file, id, queue, why);
        }
    }
    if (s == FK_OK) {
        fk_print_state state = id > 0 ? fk__outcome_state(info.state) : FK_PRINT_NOT_SENT;
        char message[1400];
        snprintf(message, sizeof message, "%s%s%s%s%s",
                 sent != FK_OK ? fk_err_message(&send_err) : "",
                 sent != FK_OK && note[0] ? "; " : "", note,
                 info.message[0] && (sent != FK_OK || note[0]) ? "; CUPS: " : "",
                 info.message[0] && (sent != FK_OK || note[0]) ? info.message : "");
        if (state != FK_PRINT_COMPLETED && message[0] == '\0')
            snprintf(message, sizeof message, "CUPS: %s",
                     info.message[0] ? info.message : fk__jstate_name(info.state));
        s = fk__record(job, &e, state, id > 0 ? &info : NULL, message, err);
        out->state = state;
        out->sheets_reported = info.sheets;
        size_t n =
            strlen(message) < sizeof out->message ? strlen(message) : sizeof out->message - 1;
        memcpy(out->message, message, n);
        out->message[n] = '\0';
        if (s == FK_OK && state != FK_PRINT_COMPLETED && info.sheets > 0)
            s = fk_failf(err, FK_EENV,
                         _("%s on queue '%s': CUPS job %ld %s: %s; the print log counts the %ld "
                           "of %ld sheets CUPS reported (partially printed)"),
                         file, queue, id, fk_print_state_name(state), message, info.sheets,
                         t.file.sheets);
        else if (s == FK_OK && state != FK_PRINT_COMPLETED)
            s = fk_failf(err, FK_EENV,
                         _("%s on queue '%s': CUPS job %ld %s: %s; no sheets reported, the file "
                           "is not marked printed"),
                         file, queue, id, fk_print_state_name(state), message);
    }
    fk__disconnect(&c);
    return s;
}
