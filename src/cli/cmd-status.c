/* fukan status: where the job stands, as a table for people or JSON for tools, from
 * fk_step_status (src/job/step-status.c). */
#include "cli.h"
#include "job/fukan.h"
#include "session.h"
#include "util/i18n.h"

#include <stdio.h>
#include <unistd.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan status JOBDIR [--json] [--all]\n"
       "  login: --user ID, --user-password-file FILE (any role)\n\n"
       "Shows where the job stands: the records per category and state (accepted, held,\n"
       "checked, composed, printed, verified, delivered) with the rows received and rejected,\n"
       "each held record (line, tag, reason; the first 20 unless --all), the proof set's\n"
       "approval, the print files per state, the audit log's head, and the next step with its\n"
       "command. --json prints the same as one JSON object. Shows no personal data.\n");

#define FK__HELD_SHOWN 20

/* The command with JOBDIR replaced by the job's own directory. */
static void fk__print_command(const char *command, const char *dir)
{
    const char *at = strstr(command, "JOBDIR");
    if (at == NULL)
        printf("%s", command);
    else
        printf("%.*s%s%s", (int)(at - command), command, dir, at + strlen("JOBDIR"));
}

static void fk__print_table(const fk_job_summary *s)
{
    static const fk_record_state shown[] = {FK_REC_ACCEPTED, FK_REC_HELD,    FK_REC_CHECKED,
                                            FK_REC_COMPOSED, FK_REC_PRINTED, FK_REC_VERIFIED,
                                            FK_REC_DELIVERED};
    const size_t n = sizeof shown / sizeof shown[0];
    fk_cli_print_cell(_("category"), 16);
    for (size_t i = 0; i < n; i++) {
        printf(" ");
        fk_cli_print_cell_right(fk_record_state_label(shown[i]), 8);
    }
    printf("\n");
    long totals[FK_REC_STATE_COUNT] = {0};
    for (int c = 0; c < FK_CAT_COUNT; c++) {
        fk_cli_print_cell(fk_category_label((fk_category)c), 16);
        for (size_t i = 0; i < n; i++) {
            long v = fk_job_summary_count(s, (fk_category)c, shown[i]);
            totals[shown[i]] += v;
            printf(" %8ld", v);
        }
        printf("\n");
    }
    fk_cli_print_cell(_("total"), 16);
    for (size_t i = 0; i < n; i++)
        printf(" %8ld", totals[shown[i]]);
    printf("\n");
    printf(_("(rows: %s %ld = %s %ld + %s %ld)\n"), fk_record_state_label(FK_REC_RECEIVED),
           fk_job_summary_total(s, FK_REC_RECEIVED), fk_record_state_label(FK_REC_ACCEPTED),
           fk_job_summary_total(s, FK_REC_RECEIVED) - fk_job_summary_total(s, FK_REC_REJECTED),
           fk_record_state_label(FK_REC_REJECTED), fk_job_summary_total(s, FK_REC_REJECTED));
}

/* Titles, labels, the words among the values and the reason for the next step are the
 * summary's marked msgids (step-status.c), shown in the operator's language; data (codes,
 * names, hashes) is in no catalogue and passes through as it is. */
static void fk__print_text(const fk_job_summary *s, const char *dir, bool all)
{
    fk__print_table(s);
    const fk_summary_held *held;
    size_t n_held = fk_job_summary_held(s, &held);
    if (n_held > 0) {
        printf(_("\nheld back\n"));
        for (size_t i = 0; i < n_held && (all || i < FK__HELD_SHOWN); i++)
            printf(_("  line %ld [%s] %c: %s\n"), held[i].line, held[i].tag,
                   fk_category_code(held[i].category), held[i].reason);
        if (!all && n_held > FK__HELD_SHOWN)
            printf(_("  ... and %zu more (--all lists them)\n"), n_held - FK__HELD_SHOWN);
    }
    const fk_summary_section *sec;
    size_t n_sec = fk_job_summary_sections(s, &sec);
    for (size_t i = 0; i < n_sec; i++) {
        printf("\n%s\n", fk_i18n_text(sec[i].title));
        for (size_t r = 0; r < sec[i].n_rows; r++) {
            bool red = sec[i].rows[r].is_alert && isatty(STDOUT_FILENO);
            printf("%s  ", red ? "\033[31m" : "");
            fk_cli_print_cell(fk_i18n_text(sec[i].rows[r].label), 18);
            if (sec[i].rows[r].value != NULL)
                printf(" %s", fk_i18n_text(sec[i].rows[r].value));
            else
                printf(" %ld", sec[i].rows[r].number);
            printf("%s%s\n", sec[i].rows[r].is_alert ? " !" : "", red ? "\033[0m" : "");
        }
    }
    printf(_("\nnext step: %s: "), fk_job_summary_next_step(s));
    fk__print_command(fk_job_summary_next_command(s), dir);
    printf("\n  (%s)\n", _(fk_job_summary_next_why(s)));
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"json", no_argument, NULL, 'j'},
                                            {"all", no_argument, NULL, 'a'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk_cli_login login = {0};
    bool json = false, all = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (opt == 'j')
            json = true;
        else if (opt == 'a')
            all = true;
        else if (!fk_cli_login_option(&login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    const char *dir = argv[optind];
    fk_job *job;
    int rc = fk_cli_open_job(dir, &login, "status", FK_ROLES_ALL, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_job_summary *s = NULL;
    fk_status st = fk_step_status(job, &s, &err);
    fk_buf b;
    fk_buf_init(&b, (size_t)1 << 26);
    if (st == FK_OK && json) {
        st = fk_job_summary_write_json(s, &b);
        if (st == FK_OK)
            fputs(fk_buf_cstr(&b), stdout);
        else
            st = fk_failf(&err, st, _("cannot write the status as JSON: %s"), fk_strerror(st));
    } else if (st == FK_OK) {
        fk__print_text(s, dir, all);
    }
    fk_buf_free(&b);
    fk_job_summary_free(s);
    fk_job_close(job);
    return st == FK_OK ? FK_EXIT_OK : fk_cli_fail(&err);
}

const fk_command fk_cmd_status = {
    .name = "status",
    .summary = N_("where the job stands and the next step"),
    .usage = fk__usage,
    .run = fk__run,
};
