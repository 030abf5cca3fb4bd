/* fukan printlog: the print log (印刷ログ) for the ward, as text, CSV, XLSX or a Japanese PDF,
 * and the print files' states (composed, printed, enclosure-checked) with idle paper
 * (fk_step_printlog, src/job/step-printlog.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char fk__usage[] =
    N_("usage: fukan printlog JOBDIR [--format text|csv|xlsx|pdf] [-o FILE]\n"
       "       fukan printlog JOBDIR --files\n"
       "  login: --user ID, --user-password-file FILE (any role)\n\n"
       "Writes the print log: one line per CUPS job (computer, date-time, print file, printer,\n"
       "sheets sent, sheets reported by CUPS, designated sheets, user, CUPS job, final state)\n"
       "and a separate over-count line with its reason for sheets beyond the designation.\n"
       "text and csv go to standard output unless -o; xlsx and pdf (印刷ログ, dates in 和暦 and\n"
       "ISO, for the ward) need -o FILE. Files are written mode 0600.\n"
       "--files lists each print file's state and counts: designated, printed, over-count, and\n"
       "for printed files not yet enclosure-checked their age, flagged past the order's\n"
       "idle_alarm.\n");

static void fk__show_file(void *ctx, const fk_printlog_file *t)
{
    bool tty = *(const bool *)ctx;
    printf("%-28s %c-%-3d %6ld %6ld %6ld  %-17s", t->name, fk_category_code(t->category), t->batch,
           t->designated, t->printed, t->over_count, fk_file_state_name(t->state));
    if (t->state == FK_FILE_PRINTED)
        printf(_(" %s%ld min%s%s"), t->is_idle && tty ? "\033[31m" : "", t->age / 60,
               t->is_idle ? _(" IDLE") : "", t->is_idle && tty ? "\033[0m" : "");
    if (t->unresolved > 0)
        printf(_(" (%d unrecorded)"), t->unresolved);
    printf("\n");
}

static fk_status fk__files(fk_job *job, fk_err *err)
{
    bool tty = isatty(STDOUT_FILENO) != 0;
    fk_cli_print_cell(_("file"), 28);
    printf(" ");
    fk_cli_print_cell(_("batch"), 5);
    static const char *const counts[] = {N_("desig."), N_("printed"), N_("over")};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        printf(" ");
        fk_cli_print_cell_right(_(counts[i]), 6);
    }
    printf("  ");
    fk_cli_print_cell(_("state"), 17);
    printf(" %s\n", _("waiting"));
    return fk_step_printlog_files(job, fk__show_file, &tty, err);
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
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    if (binary && output == NULL) {
        fk_cli_error(_("printlog: --format %s needs -o FILE"), format);
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
    } else {
        fk_printlog_options po = {.path = output};
        po.format = strcmp(format, "pdf") == 0    ? FK_PRINTLOG_PDF
                    : strcmp(format, "xlsx") == 0 ? FK_PRINTLOG_XLSX
                    : strcmp(format, "csv") == 0  ? FK_PRINTLOG_CSV
                                                  : FK_PRINTLOG_TEXT;
        fk_buf b;
        fk_buf_init(&b, (size_t)1 << 28);
        s = fk_step_printlog(job, &po, &b, &err);
        if (s == FK_OK && b.len > 0 && fwrite(b.data, 1, b.len, stdout) != b.len)
            s = fk_failf(&err, FK_EIO, _("standard output: write failed"));
        fk_buf_free(&b);
    }
    char details[128];
    snprintf(details, sizeof details, "print log as %s%s%s", files ? "file states" : format,
             output ? " to " : "", output ? "a file" : "");
    return fk_cli_finish(job, "print log", s, details, &err);
}

const fk_command fk_cmd_printlog = {
    .name = "printlog",
    .summary = N_("write the print log (text, CSV, XLSX, PDF) and the print files' states"),
    .usage = fk__usage,
    .run = fk__run,
};
