/* The print log's CUPS-free logic and its text, CSV, XLSX and table forms: see printlog.h. */
#include "printlog.h"
#include "util/jdate.h"
#include "util/mem.h"
#include "util/utf8.h"
#include "util/i18n.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define FK__REASON_MAX 500
#define FK__COLS       14
#define FK__CELL       (FK__REASON_MAX + 12)

long fk_print_entry_printed(const fk_print_entry *e)
{
    if (!fk_print_state_is_final(e->state))
        return 0;
    if (e->sheets_reported >= 0)
        return e->sheets_reported;
    return e->state == FK_PRINT_COMPLETED ? e->sheets_sent : 0;
}

static bool fk__is_blank(const char *s)
{
    for (; s != NULL && *s != '\0'; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

fk_status fk_print_check_reason(const char *reason, fk_err *err)
{
    size_t n = reason ? strlen(reason) : 0;
    if (fk__is_blank(reason))
        return fk_failf(err, FK_EINVAL, _("--reason must not be empty"));
    if (n > FK__REASON_MAX)
        return fk_failf(err, FK_EINVAL, _("--reason is %zu bytes; at most %d"), n, FK__REASON_MAX);
    if (!fk_utf8_is_valid(reason, n))
        return fk_failf(err, FK_EINVAL, _("--reason is not valid UTF-8"));
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)reason[i] < 0x20 || reason[i] == 0x7f)
            return fk_failf(err, FK_EINVAL,
                            _("--reason must be one line without control characters"));
    return FK_OK;
}

fk_status fk_print_check_designation(const char *file, long designated, long printed, long to_send,
                                     const char *reason, long *over_count, fk_err *err)
{
    long beyond = printed + to_send - designated;
    long over = beyond < 0 ? 0 : beyond > to_send ? to_send : beyond;
    *over_count = over;
    if (printed == 0 && over == 0)
        return FK_OK;
    if (fk__is_blank(reason))
        return fk_failf(err, FK_ESTATE,
                        _("%s: %ld sheets are designated and %ld are already printed; printing %ld "
                          "more is %ld over the designation: give --reason TEXT to print them "
                          "anyway (the over-count and its reason go into the print log)"),
                        file, designated, printed, to_send, over);
    return fk_print_check_reason(reason, err);
}

/* The job's print files with their tallies, built from the file list and the print log. */
typedef struct {
    fk_job_file file; /* name and document point to the copies below */
    char *name, *document;
    fk_print_tally t;
    char *parent;
    long last_print; /* epoch of the last entry that printed sheets */
} fk__item;

typedef struct {
    fk__item *items;
    size_t n, cap;
    fk_status status;
    fk_err *err;
} fk__items;

static int fk__add_file(const fk_job_file *f, void *ctx)
{
    fk__items *l = ctx;
    if (f->category < 0)
        return 0; /* the run file and summaries are not printed */
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        fk__item *items = fk_realloc(l->items, cap * sizeof *items);
        if (items == NULL) {
            l->status = fk_failf(l->err, FK_ENOMEM, _("out of memory"));
            return 1;
        }
        l->items = items;
        l->cap = cap;
    }
    fk__item *it = &l->items[l->n];
    memset(it, 0, sizeof *it);
    it->file = *f;
    it->name = fk_strdup(f->name);
    it->document = fk_strdup(f->document);
    it->file.name = it->name;
    it->file.document = it->document;
    if (it->name == NULL || it->document == NULL) {
        fk_free(it->name);
        fk_free(it->document);
        l->status = fk_failf(l->err, FK_ENOMEM, _("out of memory"));
        return 1;
    }
    l->n++;
    return 0;
}

static int fk__add_print(const fk_print_entry *e, void *ctx)
{
    fk__items *l = ctx;
    for (size_t i = 0; i < l->n; i++) {
        fk__item *it = &l->items[i];
        if (strcmp(it->file.name, e->file) != 0)
            continue;
        long printed = fk_print_entry_printed(e);
        if (!fk_print_state_is_final(e->state))
            it->t.unresolved++;
        if (printed > 0) {
            it->t.printed += printed;
            it->t.over_count += e->over_count;
            it->t.prints++;
            it->last_print = e->submitted_epoch;
        }
        if (e->parent != NULL && it->parent == NULL &&
            (it->parent = fk_strdup(e->parent)) == NULL) {
            l->status = fk_failf(l->err, FK_ENOMEM, _("out of memory"));
            return 1;
        }
        break;
    }
    return 0;
}

static void fk__items_free(fk__items *l)
{
    for (size_t i = 0; i < l->n; i++) {
        fk_free(l->items[i].name);
        fk_free(l->items[i].document);
        fk_free(l->items[i].parent);
    }
    fk_free(l->items);
}

static fk_status fk__items_load(fk_job *job, time_t now, fk__items *l, fk_err *err)
{
    memset(l, 0, sizeof *l);
    l->err = err;
    fk_status s = fk_job_files_foreach(job, fk__add_file, l, err);
    if (s == FK_OK)
        s = l->status;
    if (s == FK_OK)
        s = fk_job_prints_foreach(job, fk__add_print, l, err);
    if (s == FK_OK)
        s = l->status;
    long alarm = 60L * fk_order_idle_alarm(fk_job_order(job));
    for (size_t i = 0; s == FK_OK && i < l->n; i++) {
        fk__item *it = &l->items[i];
        char checked[64];
        s = fk_job_file_checked_at(job, it->file.name, checked, sizeof checked, err);
        it->t.file = &it->file;
        it->t.parent = it->parent;
        if (checked[0] != '\0')
            it->t.state = FK_FILE_VERIFIED;
        else if (it->t.printed > 0)
            it->t.state = FK_FILE_PRINTED;
        if (it->t.state == FK_FILE_PRINTED) {
            it->t.age = (long)now - it->last_print;
            if (it->t.age < 0)
                it->t.age = 0;
            it->t.is_idle = it->t.age >= alarm;
        }
    }
    return s;
}

fk_status fk_print_tally_foreach(fk_job *job, time_t now,
                                 int (*visit)(const fk_print_tally *, void *), void *ctx,
                                 fk_err *err)
{
    fk__items l;
    fk_status s = fk__items_load(job, now, &l, err);
    for (size_t i = 0; s == FK_OK && i < l.n; i++)
        if (visit(&l.items[i].t, ctx) != 0)
            break;
    fk__items_free(&l);
    return s;
}

bool fk_print_batch_matches(const fk_job_file *file, const char *batch_id)
{
    if (strcmp(file->name, batch_id) == 0)
        return true;
    if (file->category < 0 || file->category >= FK_CAT_COUNT)
        return false;
    if (toupper((unsigned char)batch_id[0]) != fk_category_code((fk_category)file->category))
        return false;
    const char *p = batch_id + 1;
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return false;
    char *end;
    long n = strtol(p, &end, 10);
    return *end == '\0' && n == file->batch;
}

fk_status fk_print_counts_foreach(fk_job *job, time_t now,
                                  int (*visit)(const fk_print_counts *, void *), void *ctx,
                                  fk_err *err)
{
    fk__items l;
    fk_status s = fk__items_load(job, now, &l, err);
    for (int cat = 0; s == FK_OK && cat < FK_CAT_COUNT; cat++) {
        int max_batch = 0;
        for (size_t i = 0; i < l.n; i++)
            if (l.items[i].file.category == cat && l.items[i].file.batch > max_batch)
                max_batch = l.items[i].file.batch;
        for (int b = 1; b <= max_batch; b++) {
            fk_print_counts c = {.category = cat, .batch = b};
            for (size_t i = 0; i < l.n; i++) {
                const fk__item *it = &l.items[i];
                if (it->file.category != cat || it->file.batch != b)
                    continue;
                c.files++;
                /* A reprint's sheets are all over count; its file adds nothing designated. */
                c.designated += it->parent ? 0 : it->file.sheets;
                c.printed += it->t.printed;
                c.over_count += it->t.over_count;
                c.idle_files += it->t.is_idle;
            }
            if (c.files > 0 && visit(&c, ctx) != 0) {
                cat = FK_CAT_COUNT;
                break;
            }
        }
    }
    fk__items_free(&l);
    return s;
}

fk_status fk_print_idle_warning(fk_job *job, time_t now, char *out, size_t size, long *count,
                                fk_err *err)
{
    fk__items l;
    fk_status s = fk__items_load(job, now, &l, err);
    char list[1024] = "";
    size_t used = 0;
    bool truncated = false;
    *count = 0;
    for (size_t i = 0; s == FK_OK && i < l.n; i++) {
        const fk__item *it = &l.items[i];
        if (!it->t.is_idle)
            continue;
        (*count)++;
        if (used + 128 < sizeof list) {
            int n = snprintf(list + used, sizeof list - used, "%s%s (%ld min)", used ? ", " : "",
                             it->file.name, it->t.age / 60);
            used += n > 0 ? (size_t)n : 0;
        } else if (!truncated) {
            snprintf(list + used, sizeof list - used, ", ...");
            truncated = true;
        }
    }
    if (s == FK_OK && *count > 0)
        snprintf(out, size,
                 "%ld printed file%s not enclosure-checked for more than %d minutes "
                 "(the order's idle_alarm): %s",
                 *count, *count == 1 ? "" : "s", fk_order_idle_alarm(fk_job_order(job)), list);
    else if (size > 0)
        out[0] = '\0';
    fk__items_free(&l);
    return s;
}

/* The cells of an entry's line, or of its over-count line. */
static void fk__cells(const fk_print_entry *e, bool over_line, char cells[FK__COLS][FK__CELL])
{
    snprintf(cells[0], FK__CELL, "%s", over_line ? "over-count" : "print");
    snprintf(cells[1], FK__CELL, "%ld", e->id);
    snprintf(cells[2], FK__CELL, "%s", e->submitted_at);
    snprintf(cells[3], FK__CELL, "%s", e->host);
    snprintf(cells[4], FK__CELL, "%s", e->file);
    snprintf(cells[5], FK__CELL, "%s", e->printer);
    snprintf(cells[6], FK__CELL, "%ld", over_line ? e->over_count : e->sheets_sent);
    if (e->sheets_reported >= 0 && !over_line)
        snprintf(cells[7], FK__CELL, "%ld", e->sheets_reported);
    else
        cells[7][0] = '\0';
    snprintf(cells[8], FK__CELL, "%ld", e->designated);
    snprintf(cells[9], FK__CELL, "%ld", e->over_count);
    snprintf(cells[10], FK__CELL, "%s", e->user);
    if (e->cups_job_id > 0)
        snprintf(cells[11], FK__CELL, "%ld", e->cups_job_id);
    else
        cells[11][0] = '\0';
    snprintf(cells[12], FK__CELL, "%s", fk_print_state_name(e->state));
    snprintf(cells[13], FK__CELL, "%s", e->reason ? e->reason : "");
}

static const char *const fk__csv_header[FK__COLS] = {
    "line",       "entry",      "date_time", "computer",
    "file",       "printer",    "sheets",    "sheets_reported_by_cups",
    "designated", "over_count", "user",      "cups_job_id",
    "state",      "reason"};

static const char *const fk__ja_header[FK__COLS] = {
    "区分",         "番号",     "日時",     "コンピュータ名", "印刷ファイル", "プリンタ", "枚数",
    "CUPS報告枚数", "指定枚数", "超過枚数", "利用者",         "CUPSジョブ",   "状態",     "理由"};

typedef struct {
    fk_buf *out;
    bool csv;
    fk_status status;
    fk_err *err;
} fk__writer;

static fk_status fk__csv_cell(fk_buf *b, const char *cell, bool last)
{
    fk_status s = fk_buf_append_byte(b, '"');
    for (const char *p = cell; s == FK_OK && *p; p++)
        s = *p == '"' ? fk_buf_append_str(b, "\"\"") : fk_buf_append_byte(b, (unsigned char)*p);
    if (s == FK_OK)
        s = fk_buf_append_str(b, last ? "\"\r\n" : "\",");
    return s;
}

static fk_status fk__write_line(fk__writer *w, char cells[FK__COLS][FK__CELL])
{
    fk_status s = FK_OK;
    if (w->csv) {
        for (int i = 0; s == FK_OK && i < FK__COLS; i++)
            s = fk__csv_cell(w->out, cells[i], i == FK__COLS - 1);
        return s;
    }
    /* Text: the columns a person reads at the terminal. */
    return fk_buf_appendf(w->out, "%-4s %-25s %-26s %-12s %6s %6s %6s %5s %-10s %-5s %-9s %s%s\n",
                          cells[1], cells[2], cells[4], cells[5], cells[6], cells[7], cells[8],
                          cells[9], cells[10], cells[11], cells[12],
                          strcmp(cells[0], "over-count") == 0 ? "over-count: " : "", cells[13]);
}

static int fk__write_entry(const fk_print_entry *e, void *ctx)
{
    fk__writer *w = ctx;
    char(*cells)[FK__CELL] = fk_malloc(FK__COLS * sizeof *cells);
    if (cells == NULL) {
        w->status = fk_failf(w->err, FK_ENOMEM, _("out of memory"));
        return 1;
    }
    fk__cells(e, false, cells);
    w->status = fk__write_line(w, cells);
    if (w->status == FK_OK && e->over_count > 0 && fk_print_entry_printed(e) > 0) {
        fk__cells(e, true, cells);
        w->status = fk__write_line(w, cells);
    }
    fk_free(cells);
    if (w->status != FK_OK && w->status != FK_ENOMEM)
        w->status = fk_failf(w->err, w->status, _("print log: %s"), fk_strerror(w->status));
    return w->status != FK_OK;
}

static fk_status fk__write(fk_job *job, fk_buf *out, bool csv, fk_err *err)
{
    fk__writer w = {out, csv, FK_OK, err};
    fk_status s = FK_OK;
    if (csv) {
        /* With a BOM, as the roster: the ward's spreadsheet programs then read UTF-8. */
        s = fk_buf_append_str(out, "\xEF\xBB\xBF");
        for (int i = 0; s == FK_OK && i < FK__COLS; i++)
            s = fk__csv_cell(out, fk__csv_header[i], i == FK__COLS - 1);
    } else {
        s = fk_buf_appendf(out, "%-4s %-25s %-26s %-12s %6s %6s %6s %5s %-10s %-5s %-9s %s\n", "#",
                           "date-time", "file", "printer", "sheets", "cups", "desig.", "over",
                           "user", "job", "state", "reason");
    }
    if (s != FK_OK)
        return fk_failf(err, s, _("print log: %s"), fk_strerror(s));
    s = fk_job_prints_foreach(job, fk__write_entry, &w, err);
    return s == FK_OK ? w.status : s;
}

fk_status fk_print_log_write_text(fk_job *job, fk_buf *out, fk_err *err)
{
    return fk__write(job, out, false, err);
}

fk_status fk_print_log_write_csv(fk_job *job, fk_buf *out, fk_err *err)
{
    return fk__write(job, out, true, err);
}

typedef struct {
    lxw_worksheet *sheet;
    lxw_row_t row;
    fk_status status;
    fk_err *err;
} fk__xlsx;

static int fk__xlsx_entry(const fk_print_entry *e, void *ctx)
{
    fk__xlsx *x = ctx;
    char(*cells)[FK__CELL] = fk_malloc(FK__COLS * sizeof *cells);
    if (cells == NULL) {
        x->status = fk_failf(x->err, FK_ENOMEM, _("out of memory"));
        return 1;
    }
    for (int line = 0; line < 2; line++) {
        if (line == 1 && !(e->over_count > 0 && fk_print_entry_printed(e) > 0))
            break;
        fk__cells(e, line == 1, cells);
        if (line == 1)
            snprintf(cells[0], FK__CELL, "%s", "超過");
        else
            snprintf(cells[0], FK__CELL, "%s", "印刷");
        for (int c = 0; c < FK__COLS; c++) {
            bool numeric = (c == 1 || (c >= 6 && c <= 9) || c == 11) && cells[c][0] != '\0';
            lxw_error rc =
                numeric ? worksheet_write_number(x->sheet, x->row, (lxw_col_t)c,
                                                 strtod(cells[c], NULL), NULL)
                        : worksheet_write_string(x->sheet, x->row, (lxw_col_t)c, cells[c], NULL);
            if (rc != LXW_NO_ERROR) {
                x->status = fk_failf(x->err, FK_EIO, _("print log XLSX: %s"), lxw_strerror(rc));
                break;
            }
        }
        x->row++;
    }
    fk_free(cells);
    return x->status != FK_OK;
}

fk_status fk_print_log_write_xlsx(fk_job *job, const char *path, fk_err *err)
{
    lxw_workbook *wb = workbook_new(path);
    if (wb == NULL)
        return fk_failf(err, FK_EIO, _("%s: cannot create the workbook"), path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "印刷ログ");
    fk__xlsx x = {ws, 1, ws ? FK_OK : fk_failf(err, FK_ENOMEM, _("out of memory")), err};
    for (int c = 0; x.status == FK_OK && c < FK__COLS; c++)
        if (worksheet_write_string(ws, 0, (lxw_col_t)c, fk__ja_header[c], NULL) != LXW_NO_ERROR)
            x.status = fk_failf(err, FK_EIO, _("%s: cannot write the header"), path);
    fk_status s =
        x.status == FK_OK ? fk_job_prints_foreach(job, fk__xlsx_entry, &x, err) : x.status;
    if (s == FK_OK)
        s = x.status;
    lxw_error rc = workbook_close(wb);
    if (s == FK_OK && rc != LXW_NO_ERROR)
        s = fk_failf(err, FK_EIO, "%s: %s", path, lxw_strerror(rc));
    return s;
}

/* PDF columns: the ward reads who printed what, where, when, and how many sheets. */
static const char *const fk__pdf_columns[] = {
    "日時", "端末・利用者", "印刷ファイル・プリンタ", "指定", "送信", "CUPS", "ジョブ・状態・理由"};
static const double fk__pdf_widths[] = {33, 24, 38, 13, 13, 13, 36};
#define FK__PDF_COLS (sizeof fk__pdf_widths / sizeof fk__pdf_widths[0])

typedef struct {
    fk_print_table *t;
    size_t cap;
    fk_status status;
    fk_err *err;
} fk__table;

static const char *fk__state_ja(fk_print_state s)
{
    switch (s) {
    case FK_PRINT_SENDING:
        return "送信中";
    case FK_PRINT_SENT:
        return "印刷中";
    case FK_PRINT_COMPLETED:
        return "完了";
    case FK_PRINT_ABORTED:
        return "中断";
    case FK_PRINT_CANCELED:
        return "取消";
    case FK_PRINT_NOT_SENT:
        return "未送信";
    case FK_PRINT_STATE_COUNT:
        break;
    }
    return "不明";
}

/* "2026-12-02 07:44:30（令和8年12月2日）" from an ISO local time. */
static void fk__date_cell(const char *iso, char *out, size_t size)
{
    fk_date d = {0, 0, 0};
    char wareki[64] = "";
    if (sscanf(iso, "%4d-%2d-%2d", &d.year, &d.month, &d.day) == 3 &&
        fk_date_is_valid(d.year, d.month, d.day))
        (void)fk_date_format_wareki(d, wareki, sizeof wareki);
    snprintf(out, size, "%.10s %.8s（%s）", iso, strlen(iso) > 11 ? iso + 11 : "", wareki);
}

static fk_status fk__table_row(fk__table *x, const char *const cells[FK__PDF_COLS])
{
    fk_print_table *t = x->t;
    if ((t->nrows + 1) * FK__PDF_COLS > x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 32 * FK__PDF_COLS;
        char **grown = fk_realloc(t->cells, cap * sizeof *grown);
        if (grown == NULL)
            return fk_failf(x->err, FK_ENOMEM, _("out of memory"));
        t->cells = grown;
        x->cap = cap;
    }
    for (size_t c = 0; c < FK__PDF_COLS; c++) {
        t->cells[t->nrows * FK__PDF_COLS + c] = fk_strdup(cells[c]);
        if (t->cells[t->nrows * FK__PDF_COLS + c] == NULL) {
            for (size_t k = 0; k < c; k++)
                fk_free(t->cells[t->nrows * FK__PDF_COLS + k]);
            return fk_failf(x->err, FK_ENOMEM, _("out of memory"));
        }
    }
    t->nrows++;
    return FK_OK;
}

static int fk__table_entry(const fk_print_entry *e, void *ctx)
{
    fk__table *x = ctx;
    char date[128], who[300], what[300], des[24], sent[24], cups[24], state[700];
    fk__date_cell(e->submitted_at, date, sizeof date);
    snprintf(who, sizeof who, "%s %s", e->host, e->user);
    snprintf(what, sizeof what, "%s %s", e->file, e->printer);
    snprintf(des, sizeof des, "%ld", e->designated);
    snprintf(sent, sizeof sent, "%ld", e->sheets_sent);
    if (e->sheets_reported >= 0)
        snprintf(cups, sizeof cups, "%ld", e->sheets_reported);
    else
        snprintf(cups, sizeof cups, "%s", "—");
    snprintf(state, sizeof state, "%s%ld %s%s%s", e->cups_job_id > 0 ? "#" : "", e->cups_job_id,
             fk__state_ja(e->state), e->message ? " " : "", e->message ? e->message : "");
    const char *row[FK__PDF_COLS] = {date, who, what, des, sent, cups, state};
    x->status = fk__table_row(x, row);
    x->t->entries++;
    x->t->sheets += fk_print_entry_printed(e);
    if (x->status == FK_OK && e->over_count > 0 && fk_print_entry_printed(e) > 0) {
        char over[32], reason[FK__CELL];
        snprintf(over, sizeof over, "+%ld", e->over_count);
        snprintf(reason, sizeof reason, "理由: %s", e->reason ? e->reason : "");
        snprintf(what, sizeof what, "%s 超過印刷", e->file);
        const char *line[FK__PDF_COLS] = {"（超過）", who, what, "", over, "", reason};
        x->status = fk__table_row(x, line);
        x->t->over_count += e->over_count;
    }
    return x->status != FK_OK;
}

fk_status fk_print_log_table(fk_job *job, fk_print_table *t, fk_err *err)
{
    memset(t, 0, sizeof *t);
    t->ncols = FK__PDF_COLS;
    t->columns = fk__pdf_columns;
    t->widths = fk__pdf_widths;
    fk__table x = {t, 0, FK_OK, err};
    fk_status s = fk_job_prints_foreach(job, fk__table_entry, &x, err);
    return s == FK_OK ? x.status : s;
}

void fk_print_table_free(fk_print_table *t)
{
    for (size_t i = 0; t->cells != NULL && i < t->nrows * t->ncols; i++)
        fk_free(t->cells[i]);
    fk_free(t->cells);
    t->cells = NULL;
    t->nrows = 0;
}
