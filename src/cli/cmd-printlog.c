/* fukan printlog: the print log (印刷ログ) for the ward, as text, CSV, XLSX or a Japanese PDF,
 * and the print files' states (composed, printed, enclosure-checked) with idle paper. */
#include "cli.h"
#include "compose/report.h"
#include "core/audit.h"
#include "print/printlog.h"
#include "session.h"
#include "util/fsutil.h"
#include "util/jdate.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char fk__usage[] =
    "usage: fukan printlog JOBDIR [--format text|csv|xlsx|pdf] [-o FILE]\n"
    "       fukan printlog JOBDIR --files\n"
    "  login: --user ID, --user-password-file FILE (any role)\n\n"
    "Writes the print log: one line per CUPS job (computer, date-time, print file, printer,\n"
    "sheets sent, sheets reported by CUPS, designated sheets, user, CUPS job, final state)\n"
    "and a separate over-count line with its reason for sheets beyond the designation.\n"
    "text and csv go to standard output unless -o; xlsx and pdf (印刷ログ, dates in 和暦 and\n"
    "ISO, for the ward) need -o FILE. Files are written mode 0600.\n"
    "--files lists each print file's state and counts: designated, printed, over-count, and\n"
    "for printed files not yet enclosure-checked their age, flagged past the order's\n"
    "idle_alarm.\n";

static fk_status fk__buf_write(void *closure, const unsigned char *data, size_t len)
{
    return fk_buf_append(closure, data, len);
}

static fk_status fk__pdf(fk_job *job, const char *path, fk_err *err)
{
    fk_print_table t;
    fk_status s = fk_print_log_table(job, &t, err);
    fk_buf pdf;
    fk_buf_init(&pdf, (size_t)1 << 28);
    fk_report *r = s == FK_OK ? fk_report_new_stream(fk__buf_write, &pdf, err) : NULL;
    if (s == FK_OK && r == NULL)
        s = err->status;
    char today_iso[16], today_wareki[64], made[128], counts[128], checkpoint[128];
    fk_date today = fk_date_today();
    fk_date_format_iso(today, today_iso, sizeof today_iso);
    if (!fk_date_format_wareki(today, today_wareki, sizeof today_wareki))
        today_wareki[0] = '\0';
    snprintf(made, sizeof made, "%s（%s）", today_wareki, today_iso);
    snprintf(counts, sizeof counts, "%ld 件、印刷 %ld 枚、うち超過 %ld 枚", t.entries, t.sheets,
             t.over_count);
    if (s == FK_OK)
        s = fk_audit_checkpoint(job, checkpoint, sizeof checkpoint, err);
    char footer[200];
    snprintf(footer, sizeof footer, "監査ログ %s", checkpoint);
    if (s == FK_OK)
        s = fk_report_set_footer(r, footer, err);
    if (s == FK_OK)
        s = fk_report_title(r, "印刷ログ", err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "発注者", fk_order_ward(fk_job_order(job)), err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "業務コード", fk_order_job_code(fk_job_order(job)), err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "作成日", made, err);
    if (s == FK_OK)
        s = fk_report_keyvalue(r, "印刷件数・枚数", counts, err);
    if (s == FK_OK)
        s = fk_report_paragraph(r,
                                "指定枚数を超える印刷（再印刷を含む）は、その理由とともに"
                                "「（超過）」の行に記載する。",
                                err);
    if (s == FK_OK)
        s = fk_report_table(r, t.ncols, t.columns, t.widths, t.nrows, (const char *const *)t.cells,
                            err);
    fk_status closed = r ? fk_report_close(r, err) : FK_OK;
    if (s == FK_OK)
        s = closed;
    if (s == FK_OK)
        s = fk_fs_write_atomic(path, pdf.data, pdf.len, err);
    fk_buf_free(&pdf);
    fk_print_table_free(&t);
    return s;
}

static int fk__show_file(const fk_print_tally *t, void *ctx)
{
    bool tty = *(const bool *)ctx;
    printf("%-28s %c-%-3d %6ld %6ld %6ld  %-17s", t->file->name,
           fk_category_code((fk_category)t->file->category), t->file->batch, t->file->sheets,
           t->printed, t->over_count, fk_file_state_name(t->state));
    if (t->state == FK_FILE_PRINTED)
        printf(" %s%ld min%s%s", t->is_idle && tty ? "\033[31m" : "", t->age / 60,
               t->is_idle ? " IDLE" : "", t->is_idle && tty ? "\033[0m" : "");
    if (t->unresolved > 0)
        printf(" (%d unrecorded)", t->unresolved);
    printf("\n");
    return 0;
}

static fk_status fk__files(fk_job *job, fk_err *err)
{
    bool tty = isatty(STDOUT_FILENO) != 0;
    printf("%-28s %-5s %6s %6s %6s  %-17s %s\n", "file", "batch", "desig.", "printed", "over",
           "state", "waiting");
    return fk_print_tally_foreach(job, time(NULL), fk__show_file, &tty, err);
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"format", required_argument, NULL, 'F'},
                                            {"output", required_argument, NULL, 'o'},
                                            {"files", no_argument, NULL, 'L'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    const char *format = "text", *output = NULL;
    bool files = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'F')
            format = optarg;
        else if (opt == 'o')
            output = optarg;
        else if (opt == 'L')
            files = true;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    bool binary = strcmp(format, "xlsx") == 0 || strcmp(format, "pdf") == 0;
    if (optind + 1 != argc ||
        (!binary && strcmp(format, "text") != 0 && strcmp(format, "csv") != 0)) {
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    if (binary && output == NULL) {
        fk_cli_error("printlog: --format %s needs -o FILE", format);
        return FK_EXIT_USAGE;
    }
    fk_job *job;
    int rc = fk_cli_open_job(argv[optind], &login, "printlog", FK_ROLES_ALL, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_status s;
    if (files) {
        s = fk__files(job, &err);
    } else if (strcmp(format, "pdf") == 0) {
        s = fk__pdf(job, output, &err);
    } else if (strcmp(format, "xlsx") == 0) {
        s = fk_print_log_write_xlsx(job, output, &err);
    } else {
        fk_buf b;
        fk_buf_init(&b, (size_t)1 << 28);
        s = strcmp(format, "csv") == 0 ? fk_print_log_write_csv(job, &b, &err)
                                       : fk_print_log_write_text(job, &b, &err);
        if (s == FK_OK && output != NULL)
            s = fk_fs_write_atomic(output, b.data, b.len, &err);
        else if (s == FK_OK && b.len > 0 && fwrite(b.data, 1, b.len, stdout) != b.len)
            s = fk_failf(&err, FK_EIO, "standard output: write failed");
        fk_buf_free(&b);
    }
    char details[128];
    snprintf(details, sizeof details, "print log as %s%s%s", files ? "file states" : format,
             output ? " to " : "", output ? "a file" : "");
    return fk_cli_finish(job, "print log", s, details, &err);
}

const fk_command fk_cmd_printlog = {
    .name = "printlog",
    .summary = "write the print log (text, CSV, XLSX, PDF) and the print files' states",
    .usage = fk__usage,
    .run = fk__run,
};
