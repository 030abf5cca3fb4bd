/* fk_step_status: where the job stands — records per category and state, what is held and
 * why, the proof approval, the print files, the audit log's head — and the next step with
 * its command. See fukan.h. Later stages add their sections in fk__sections() and their
 * rule in fk__next(). */
#include "fukan.h"
#include "core/reconcile.h"
#include "core/audit.h"
#include "core/enclosure.h"
#include "core/files.h"
#include "core/moves.h"
#include "core/records.h"
#include "print/print.h"
#include "print/printlog.h"
#include "summary.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define FK__MAX_SECTIONS 16
#define FK__MAX_ROWS     8192 /* a row per batch at city scale */
#define FK__MAX_HELD     100000

typedef struct {
    char key[32], label[64], value[192];
    bool is_text, is_alert;
    long number;
} fk__row;

struct fk_job_summary {
    fk_job_states states;
    fk_job_counts counts;
    bool counts_blocking; /* the reconciliation with the order blocks composing */
    char job_code[64];
    fk__row rows[FK__MAX_ROWS];
    size_t n_rows;
    struct {
        char key[32], title[64];
        size_t first;
    } sec[FK__MAX_SECTIONS];
    size_t n_sec;
    fk_summary_row views[FK__MAX_ROWS];
    fk_summary_section sections[FK__MAX_SECTIONS];
    fk_summary_held *held;
    size_t n_held, cap_held;
    bool held_truncated;
    char next_step[32], next_command[128], next_why[192];
    long idle_files; /* printed, not enclosure-checked, past the order's idle_alarm */
};

/* A stage's rows being added. */
typedef struct {
    fk_job_summary *summary;
    fk_status status;
    fk_err *err;
    long idle;
} fk__stage;

fk_status fk_job_summary_add_section(fk_job_summary *s, const char *key, const char *title,
                                     fk_err *err)
{
    if (s->n_sec == FK__MAX_SECTIONS)
        return fk_failf(err, FK_ETOOBIG, _("status: more than %d sections"), FK__MAX_SECTIONS);
    snprintf(s->sec[s->n_sec].key, sizeof s->sec[0].key, "%s", key);
    snprintf(s->sec[s->n_sec].title, sizeof s->sec[0].title, "%s", title);
    s->sec[s->n_sec].first = s->n_rows;
    s->n_sec++;
    return FK_OK;
}

static fk_status fk__add(fk_job_summary *s, const char *key, const char *label, const char *text,
                         long n, fk_err *err)
{
    if (s->n_sec == 0 || s->n_rows == FK__MAX_ROWS)
        return fk_failf(err, FK_ETOOBIG, _("status: a row outside a section or too many rows"));
    fk__row *r = &s->rows[s->n_rows++];
    snprintf(r->key, sizeof r->key, "%s", key);
    snprintf(r->label, sizeof r->label, "%s", label);
    snprintf(r->value, sizeof r->value, "%s", text ? text : "");
    r->is_text = text != NULL;
    r->number = n;
    return FK_OK;
}

fk_status fk_job_summary_add_number(fk_job_summary *s, const char *key, const char *label, long n,
                                    fk_err *err)
{
    return fk__add(s, key, label, NULL, n, err);
}

fk_status fk_job_summary_add_text(fk_job_summary *s, const char *key, const char *label,
                                  const char *text, fk_err *err)
{
    return fk__add(s, key, label, text ? text : "", 0, err);
}

void fk_job_summary_flag_last(fk_job_summary *s)
{
    if (s->n_rows > 0)
        s->rows[s->n_rows - 1].is_alert = true;
}

long fk_job_summary_idle_files(const fk_job_summary *s)
{
    return s->idle_files;
}

void fk_job_summary_set_next(fk_job_summary *s, const char *step, const char *command,
                             const char *why)
{
    if (s->next_step[0] != '\0')
        return;
    snprintf(s->next_step, sizeof s->next_step, "%s", step);
    snprintf(s->next_command, sizeof s->next_command, "%s", command);
    snprintf(s->next_why, sizeof s->next_why, "%s", why);
}

static int fk__held(const fk_held_record *h, void *ctx)
{
    fk_job_summary *s = ctx;
    if (s->n_held == FK__MAX_HELD) {
        s->held_truncated = true;
        return 1;
    }
    if (s->n_held == s->cap_held) {
        size_t cap = s->cap_held ? 2 * s->cap_held : 64;
        fk_summary_held *held = fk_realloc(s->held, cap * sizeof *held);
        if (held == NULL)
            return 1;
        s->held = held;
        s->cap_held = cap;
    }
    fk_summary_held *o = &s->held[s->n_held++];
    o->line = h->line;
    o->category = h->category;
    snprintf(o->tag, sizeof o->tag, "%s", h->tag);
    snprintf(o->reason, sizeof o->reason, "%s", h->reason[0] ? h->reason : "-");
    return 0;
}

static bool fk__setting(fk_job *job, const char *key, char *out, size_t size)
{
    if (fk_job_setting_get(job, key, out, size, NULL) == FK_OK)
        return true;
    out[0] = '\0';
    return false;
}

/* The sections every job has. A new stage adds its own after these. */
static fk_status fk__sections(fk_job *job, fk_job_summary *s, bool *rendered, bool *approved,
                              fk_err *err)
{
    const fk_order *o = fk_job_order(job);
    const fk_job_counts *c = &s->counts;
    char year[16], rendered_by[128], approved_by[128], head[160];
    snprintf(year, sizeof year, "%d", fk_order_fiscal_year(o));
    fk_status st = fk_job_summary_add_section(s, "job", N_("job"), err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "job_code", N_("job code"), fk_order_job_code(o), err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "ward", N_("ward"), fk_order_ward(o), err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "fiscal_year", N_("fiscal year"), year, err);
    if (st == FK_OK)
        st = fk_job_summary_add_section(s, "package", N_("ward's package"), err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "opened", N_("opened"), c->opened ? N_("yes") : N_("no"),
                                     err);
    if (st == FK_OK)
        st = fk_job_summary_add_number(s, "received", N_("rows received"), c->received, err);
    if (st == FK_OK)
        st = fk_job_summary_add_number(s, "accepted", N_("rows accepted"), c->accepted, err);
    if (st == FK_OK)
        st = fk_job_summary_add_number(s, "rejected", N_("rows rejected"), c->rejected, err);
    /* The reconciliation with the order (core/reconcile.h): a difference blocks composing
     * until a responsible manager accepts it with a reason. */
    fk_reconciliation rec = {0};
    if (st == FK_OK)
        st = fk_job_reconcile(job, &rec, err);
    char what[384], reason[256];
    fk_reconciliation_describe(&rec, what, sizeof what);
    bool finding = rec.is_opened && (rec.differs || rec.is_empty);
    if (!fk__setting(job, "counts_accepted_reason", reason, sizeof reason))
        snprintf(reason, sizeof reason, "-");
    s->counts_blocking = fk_reconciliation_is_blocking(&rec);
    if (st == FK_OK)
        st = fk_job_summary_add_section(s, "counts", N_("counts against the order"), err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "state", N_("state"),
                                     !rec.is_opened    ? N_("not opened")
                                     : !finding        ? N_("match")
                                     : rec.is_accepted ? N_("differ, accepted")
                                                       : N_("differ, not accepted"),
                                     err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "difference", N_("difference"), finding ? what : "-", err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "accepted_by", N_("accepted by"),
                                     finding && rec.is_accepted ? rec.accepted_by : "-", err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "reason", N_("reason"),
                                     finding && rec.is_accepted ? reason : "-", err);
    *rendered = fk__setting(job, "proof_rendered_by", rendered_by, sizeof rendered_by);
    *approved = fk__setting(job, "proof_approved_by", approved_by, sizeof approved_by);
    if (st == FK_OK)
        st = fk_job_summary_add_section(s, "proof", N_("proof set"), err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "rendered_by", N_("rendered by"),
                                     *rendered ? rendered_by : "-", err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "approved_by", N_("approved by"),
                                     *approved ? approved_by : "-", err);
    if (st == FK_OK)
        st = fk_job_summary_add_section(s, "print_files", N_("print files"), err);
    for (int f = 0; st == FK_OK && f < FK_FILE_STATE_COUNT; f++)
        st = fk_job_summary_add_number(s, fk_file_state_name((fk_file_state)f),
                                       fk_file_state_label((fk_file_state)f), s->states.files[f],
                                       err);
    if (st == FK_OK)
        st = fk_audit_checkpoint(job, head, sizeof head, err);
    if (st == FK_OK)
        st = fk_job_summary_add_section(s, "audit", N_("audit log"), err);
    if (st == FK_OK)
        st = fk_job_summary_add_text(s, "head", N_("head (HASH@SEQ)"), head, err);
    return st;
}

/* Print files per category and batch: designated, printed, over-count, idle. */
static int fk__print_row(const fk_print_counts *p, void *ctx)
{
    fk__stage *x = ctx;
    char key[16], text[160];
    snprintf(key, sizeof key, "%c-%03d", fk_category_code((fk_category)p->category), p->batch);
    snprintf(text, sizeof text,
             p->idle_files > 0 ? _("designated %ld sheets, printed %ld, over-count %ld, left"
                                   " idle before the enclosure check")
                               : _("designated %ld sheets, printed %ld, over-count %ld"),
             p->designated, p->printed, p->over_count);
    x->status = fk_job_summary_add_text(x->summary, key, key, text, x->err);
    if (x->status == FK_OK && p->idle_files > 0)
        fk_job_summary_flag_last(x->summary);
    return x->status != FK_OK;
}

/* Printed files not yet enclosure-checked, with their age. */
static int fk__idle_row(const fk_print_tally *t, void *ctx)
{
    fk__stage *x = ctx;
    if (t->state != FK_FILE_PRINTED)
        return 0;
    char text[160];
    snprintf(text, sizeof text,
             t->is_idle ? _("printed %ld min ago — idle alarm") : _("printed %ld min ago"),
             t->age / 60);
    x->status = fk_job_summary_add_text(x->summary, t->file->name, t->file->name, text, x->err);
    if (x->status == FK_OK && t->is_idle) {
        fk_job_summary_flag_last(x->summary);
        x->idle++;
    }
    return x->status != FK_OK;
}

/* The enclosure check per category and batch. */
static int fk__encl_row(const fk_encl_summary *e, void *ctx)
{
    fk__stage *x = ctx;
    char key[16], text[160];
    snprintf(key, sizeof key, "%c-%03d", fk_category_code(e->category), e->batch);
    snprintf(text, sizeof text, _("envelopes %ld, verified %ld, failed %ld, not read %ld"),
             e->composed, e->verified, e->failed, e->missing);
    x->status = fk_job_summary_add_text(x->summary, key, key, text, x->err);
    return x->status != FK_OK;
}

/* The print and enclosure-check sections, once anything is composed. */
static fk_status fk__later_sections(fk_job *job, fk_job_summary *s, fk_err *err)
{
    long files = 0;
    for (int f = 0; f < FK_FILE_STATE_COUNT; f++)
        files += s->states.files[f];
    if (files == 0)
        return FK_OK;
    fk__stage x = {s, FK_OK, err, 0};
    time_t now = time(NULL);
    fk_status st = fk_job_summary_add_section(s, "printing", N_("printing (category-batch)"), err);
    if (st == FK_OK)
        st = fk_print_counts_foreach(job, now, fk__print_row, &x, err);
    if (st == FK_OK)
        st = x.status;
    if (st == FK_OK && s->states.files[FK_FILE_PRINTED] > 0)
        st = fk_job_summary_add_section(s, "printed_not_checked",
                                        N_("print files printed, not enclosure-checked"), err);
    if (st == FK_OK && s->states.files[FK_FILE_PRINTED] > 0)
        st = fk_print_tally_foreach(job, now, fk__idle_row, &x, err);
    if (st == FK_OK)
        st = x.status;
    if (st == FK_OK)
        st =
            fk_job_summary_add_section(s, "enclosure", N_("enclosure check (category-batch)"), err);
    if (st == FK_OK)
        st = fk_job_encl_summary(job, fk__encl_row, &x, err);
    if (st == FK_OK)
        st = x.status;
    s->idle_files = x.idle;
    return st;
}

/* The next step: the first rule that applies. A new stage adds its rule in its place. */
static void fk__next(fk_job_summary *s, bool rendered, bool approved)
{
    const long *n = s->states.by_state;
    long composed =
        n[FK_REC_COMPOSED] + n[FK_REC_PRINTED] + n[FK_REC_VERIFIED] + n[FK_REC_DELIVERED];
    if (!s->counts.opened)
        fk_job_summary_set_next(s, "open", "fukan open JOBDIR PACKAGE",
                                N_("no package of the ward is opened yet"));
    if (n[FK_REC_ACCEPTED] > 0)
        fk_job_summary_set_next(s, "check", "fukan check JOBDIR",
                                N_("accepted records are not checked yet"));
    if (s->counts_blocking)
        fk_job_summary_set_next(
            s, "accept-counts", "fukan check JOBDIR --accept-counts --reason TEXT",
            N_("the accepted counts differ from the order: a responsible manager"
               " accepts them, or the package is replaced"));
    if (!rendered)
        fk_job_summary_set_next(s, "proof", "fukan proof JOBDIR -o DIR",
                                N_("the proof set for the ward is not rendered yet"));
    if (!approved)
        fk_job_summary_set_next(
            s, "approve", "fukan proof JOBDIR --approve",
            N_("a responsible manager records the ward's approval of the proofs"));
    if (composed == 0 && n[FK_REC_CHECKED] == 0 && n[FK_REC_HELD] > 0)
        fk_job_summary_set_next(s, "accept", "fukan check JOBDIR --accept TAG --reason TEXT",
                                N_("every record is held back: a responsible manager decides"));
    if (composed == 0)
        fk_job_summary_set_next(s, "compose", "fukan compose JOBDIR",
                                N_("the checked records are not composed yet"));
    if (s->states.files[FK_FILE_COMPOSED] > 0)
        fk_job_summary_set_next(s, "print", "fukan print JOBDIR --all",
                                N_("print files are composed and not printed yet"));
    if (n[FK_REC_PRINTED] > 0)
        fk_job_summary_set_next(s, "verify", "fukan verify JOBDIR --camera FILE",
                                N_("printed envelopes are not enclosure-checked yet: printed paper"
                                   " must not sit idle"));
    if (n[FK_REC_VERIFIED] > 0)
        fk_job_summary_set_next(s, "deliver", "fukan receipt JOBDIR deliver",
                                N_("verified envelopes are sealed and wait for delivery"));
    fk_job_summary_set_next(s, N_("done"), "-", N_("every record is past the steps fukan has"));
}

/* A print whose outcome a killed `fukan print` left unrecorded is recorded now, when a staff
 * member looks and CUPS can say; otherwise status says what waits (and never fails for it). */
static void fk__recover_prints(fk_job *job, char *note, size_t size)
{
    note[0] = '\0';
    if (fk_job_role(job) == FK_ROLE_AUDITOR)
        return;
    fk_err e;
    fk_err_clear(&e);
    long resolved = 0;
    if (fk_print_recover(job, /*timeout*/ 10, &resolved, &e) != FK_OK)
        snprintf(note, size, "%s", fk_err_message(&e));
    else if (resolved > 0)
        snprintf(note, size,
                 P_("recorded the outcome of %ld print-log entry left open",
                    "recorded the outcome of %ld print-log entries left open", resolved),
                 resolved);
}

fk_status fk_step_status(fk_job *job, fk_job_summary **out, fk_err *err)
{
    *out = NULL;
    fk_job_summary *s = fk_calloc(1, sizeof *s);
    if (s == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    bool rendered = false, approved = false;
    char recovered[FK_ERR_MSG_MAX];
    fk__recover_prints(job, recovered, sizeof recovered);
    fk_status st = fk_job_states_get(job, &s->states, err);
    if (st == FK_OK)
        st = fk_job_counts_get(job, &s->counts, err);
    if (st == FK_OK)
        st = fk_job_held_foreach(job, fk__held, s, err);
    if (st == FK_OK && !s->held_truncated && s->n_held < (size_t)s->states.by_state[FK_REC_HELD])
        st = fk_failf(err, FK_ENOMEM, _("out of memory listing the held records"));
    if (st == FK_OK)
        st = fk__sections(job, s, &rendered, &approved, err);
    if (st == FK_OK)
        st = fk__later_sections(job, s, err);
    if (st == FK_OK && recovered[0] != '\0') {
        st = fk_job_summary_add_section(s, "print_recovery", N_("print jobs recorded"), err);
        if (st == FK_OK)
            st = fk_job_summary_add_text(s, "note", N_("outcomes not recorded before"), recovered,
                                         err);
    }
    if (st != FK_OK) {
        fk_job_summary_free(s);
        return st;
    }
    fk__next(s, rendered, approved);
    for (size_t i = 0; i < s->n_rows; i++)
        s->views[i] = (fk_summary_row){s->rows[i].key, s->rows[i].label,
                                       s->rows[i].is_text ? s->rows[i].value : NULL,
                                       s->rows[i].number, s->rows[i].is_alert};
    for (size_t i = 0; i < s->n_sec; i++) {
        size_t end = i + 1 < s->n_sec ? s->sec[i + 1].first : s->n_rows;
        s->sections[i] = (fk_summary_section){s->sec[i].key, s->sec[i].title,
                                              &s->views[s->sec[i].first], end - s->sec[i].first};
    }
    *out = s;
    return FK_OK;
}

void fk_job_summary_free(fk_job_summary *s)
{
    if (s == NULL)
        return;
    fk_free(s->held);
    fk_free(s);
}

long fk_job_summary_count(const fk_job_summary *s, fk_category c, fk_record_state state)
{
    if ((unsigned)c >= FK_CAT_COUNT || (unsigned)state >= FK_REC_STATE_COUNT)
        return 0;
    return s->states.records[c][state];
}

long fk_job_summary_total(const fk_job_summary *s, fk_record_state state)
{
    if (state == FK_REC_RECEIVED)
        return s->counts.received;
    if (state == FK_REC_REJECTED)
        return s->counts.rejected;
    return (unsigned)state < FK_REC_STATE_COUNT ? s->states.by_state[state] : 0;
}

size_t fk_job_summary_sections(const fk_job_summary *s, const fk_summary_section **out)
{
    *out = s->sections;
    return s->n_sec;
}

size_t fk_job_summary_held(const fk_job_summary *s, const fk_summary_held **out)
{
    *out = s->held;
    return s->n_held;
}

const char *fk_job_summary_next_step(const fk_job_summary *s)
{
    return s->next_step;
}

const char *fk_job_summary_next_command(const fk_job_summary *s)
{
    return s->next_command;
}

const char *fk_job_summary_next_why(const fk_job_summary *s)
{
    return s->next_why;
}

/* A JSON string: UTF-8 passes through; quotes, backslashes and controls are escaped. */
static fk_status fk__json_str(fk_buf *b, const char *v)
{
    fk_status s = fk_buf_append_byte(b, '"');
    for (const unsigned char *p = (const unsigned char *)v; s == FK_OK && *p; p++) {
        if (*p == '"' || *p == '\\')
            s = fk_buf_appendf(b, "\\%c", *p);
        else if (*p < 0x20)
            s = fk_buf_appendf(b, "\\u%04x", *p);
        else
            s = fk_buf_append_byte(b, (char)*p);
    }
    return s == FK_OK ? fk_buf_append_byte(b, '"') : s;
}

static fk_status fk__json_key(fk_buf *b, bool first, const char *key)
{
    fk_status s = first ? FK_OK : fk_buf_append_byte(b, ',');
    if (s == FK_OK)
        s = fk__json_str(b, key);
    return s == FK_OK ? fk_buf_append_byte(b, ':') : s;
}

static fk_status fk__json_counts(const fk_job_summary *j, fk_buf *b)
{
    fk_status s = fk_buf_append_str(b, "\"records\":{\"totals\":{");
    for (int st = 0; s == FK_OK && st < FK_REC_STATE_COUNT; st++) {
        s = fk__json_key(b, st == 0, fk_record_state_name((fk_record_state)st));
        if (s == FK_OK)
            s = fk_buf_appendf(b, "%ld", fk_job_summary_total(j, (fk_record_state)st));
    }
    if (s == FK_OK)
        s = fk_buf_append_str(b, "},\"by_category\":[");
    for (int c = 0; s == FK_OK && c < FK_CAT_COUNT; c++) {
        s = fk_buf_appendf(b, "%s{\"category\":\"%c\",\"label\":", c ? "," : "",
                           fk_category_code((fk_category)c));
        if (s == FK_OK)
            s = fk__json_str(b, fk_category_label((fk_category)c));
        for (int st = FK_REC_ACCEPTED; s == FK_OK && st < FK_REC_STATE_COUNT; st++) {
            s = fk__json_key(b, false, fk_record_state_name((fk_record_state)st));
            if (s == FK_OK)
                s = fk_buf_appendf(b, "%ld",
                                   fk_job_summary_count(j, (fk_category)c, (fk_record_state)st));
        }
        if (s == FK_OK)
            s = fk_buf_append_byte(b, '}');
    }
    return s == FK_OK ? fk_buf_append_str(b, "]}") : s;
}

fk_status fk_job_summary_write_json(const fk_job_summary *j, fk_buf *b)
{
    fk_status s = fk_buf_append_byte(b, '{');
    if (s == FK_OK)
        s = fk__json_counts(j, b);
    if (s == FK_OK)
        s = fk_buf_append_str(b, ",\"held\":[");
    for (size_t i = 0; s == FK_OK && i < j->n_held; i++) {
        s = fk_buf_appendf(b, "%s{\"line\":%ld,\"category\":\"%c\",\"tag\":", i ? "," : "",
                           j->held[i].line, fk_category_code(j->held[i].category));
        if (s == FK_OK)
            s = fk__json_str(b, j->held[i].tag);
        if (s == FK_OK)
            s = fk_buf_append_str(b, ",\"reason\":");
        if (s == FK_OK)
            s = fk__json_str(b, j->held[i].reason);
        if (s == FK_OK)
            s = fk_buf_append_byte(b, '}');
    }
    if (s == FK_OK)
        s = fk_buf_appendf(b, "],\"held_truncated\":%s", j->held_truncated ? "true" : "false");
    for (size_t i = 0; s == FK_OK && i < j->n_sec; i++) {
        const fk_summary_section *sec = &j->sections[i];
        s = fk__json_key(b, false, sec->key);
        if (s == FK_OK)
            s = fk_buf_append_byte(b, '{');
        for (size_t r = 0; s == FK_OK && r < sec->n_rows; r++) {
            s = fk__json_key(b, r == 0, sec->rows[r].key);
            if (s == FK_OK)
                s = sec->rows[r].value ? fk__json_str(b, sec->rows[r].value)
                                       : fk_buf_appendf(b, "%ld", sec->rows[r].number);
        }
        if (s == FK_OK)
            s = fk_buf_append_byte(b, '}');
    }
    if (s == FK_OK)
        s = fk_buf_append_str(b, ",\"next\":{\"step\":");
    if (s == FK_OK)
        s = fk__json_str(b, j->next_step);
    if (s == FK_OK)
        s = fk_buf_append_str(b, ",\"command\":");
    if (s == FK_OK)
        s = fk__json_str(b, j->next_command);
    if (s == FK_OK)
        s = fk_buf_append_str(b, ",\"why\":");
    if (s == FK_OK)
        s = fk__json_str(b, j->next_why);
    if (s == FK_OK)
        s = fk_buf_appendf(b, "},\"idle_files\":%ld", j->idle_files);
    return s == FK_OK ? fk_buf_append_str(b, "}\n") : s;
}
