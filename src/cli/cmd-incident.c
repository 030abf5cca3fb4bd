/* fukan incident: incident reports (事故報告書). */
#include "cli.h"
#include "job/papers.h"
#include "report/incident.h"
#include "session.h"
#include "util/fsutil.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fk__usage[] = N_(
    "usage: fukan incident add   JOBDIR --what TEXT --when DATETIME --serials LIST\n"
    "                            [--actions TEXT] [--notified WHO] [--notified-at DATETIME]\n"
    "       fukan incident list  JOBDIR\n"
    "       fukan incident show  JOBDIR ID [-o PDF]\n"
    "       fukan incident close JOBDIR ID [--follow-up TEXT]\n"
    "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者; list: any role)\n\n"
    "Records an incident at once, in writing: what happened, when, the affected envelopes\n"
    "by serial (S-0012,D-0450 — never names; '-' for none), immediate actions, who at the\n"
    "ward was notified and when, and the follow-up. show prints it and writes the incident\n"
    "report (事故報告書) PDF with -o. Do not type residents' names or addresses in any field.\n");

typedef struct {
    fk_cli_login login;
    fk_incident in;
    const char *output;
} fk__opts;

static int fk__parse(int argc, char **argv, fk__opts *o)
{
    static const struct option options[] = {{"what", required_argument, NULL, 'w'},
                                            {"when", required_argument, NULL, 't'},
                                            {"serials", required_argument, NULL, 's'},
                                            {"actions", required_argument, NULL, 'a'},
                                            {"notified", required_argument, NULL, 'n'},
                                            {"notified-at", required_argument, NULL, 'N'},
                                            {"follow-up", required_argument, NULL, 'f'},
                                            {"output", required_argument, NULL, 'o'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int opt;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (opt) {
        case 'w':
            o->in.what = optarg;
            break;
        case 't':
            o->in.occurred_at = optarg;
            break;
        case 's':
            o->in.serials = optarg;
            break;
        case 'a':
            o->in.actions = optarg;
            break;
        case 'n':
            o->in.notified = optarg;
            break;
        case 'N':
            o->in.notified_at = optarg;
            break;
        case 'f':
            o->in.followup = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        default:
            if (!fk_cli_login_option(&o->login, opt, optarg))
                return -1;
        }
    }
    return optind;
}

static fk_status fk__show(fk_job *job, long id, const char *output, fk_err *err)
{
    fk_paper *p = fk_paper_new();
    fk_buf b;
    fk_buf_init(&b, (size_t)16 << 20);
    fk_status s =
        p ? fk_incident_paper(job, id, p, err) : fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK && fk_paper_text(p, &b) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        fputs(fk_buf_cstr(&b), stdout);
    fk_buf_reset(&b);
    if (s == FK_OK && output != NULL) {
        s = fk_paper_render_pdf(p, &b, err);
        if (s == FK_OK)
            s = fk_fs_write_atomic(output, b.data, b.len, err);
    }
    fk_buf_free(&b);
    fk_paper_free(p);
    return s;
}

static int fk__run(int argc, char **argv)
{
    fk__opts o = {0};
    const char *sub = argc >= 2 ? argv[1] : "";
    bool add = strcmp(sub, "add") == 0, list = strcmp(sub, "list") == 0,
         show = strcmp(sub, "show") == 0, close_ = strcmp(sub, "close") == 0;
    int first = argc >= 3 ? fk__parse(argc, argv, &o) : -1;
    int want = show || close_ ? 2 : 1;
    long id = 0;
    if (first >= 0 && first + want == argc && want == 2) {
        char *end;
        id = strtol(argv[first + 1], &end, 10);
        if (*end != '\0' || id <= 0)
            first = -1;
    }
    if (first < 0 || first + want != argc || !(add || list || show || close_)) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    char command[32];
    snprintf(command, sizeof command, "incident %s", sub);
    fk_job *job;
    int rc = fk_cli_open_job(argv[first], &o.login, command,
                             list || show ? FK_ROLES_ALL : FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_err err;
    fk_err_clear(&err);
    fk_status s = FK_OK;
    char object[32] = "incidents";
    if (add) {
        s = fk_incident_open(job, &o.in, &err);
        if (s == FK_OK)
            printf(_("incident %ld recorded\n"), o.in.id);
        if (s == FK_OK) {
            fk_job_close(job);
            return FK_EXIT_OK;
        }
    } else if (close_) {
        s = fk_incident_close(job, id, o.in.followup, &err);
        if (s == FK_OK) {
            printf(_("incident %ld closed\n"), id);
            fk_job_close(job);
            return FK_EXIT_OK;
        }
    } else if (list) {
        fk_buf b;
        fk_buf_init(&b, (size_t)16 << 20);
        s = fk_incident_list(job, &b, &err);
        if (s == FK_OK)
            fputs(fk_buf_cstr(&b), stdout);
        fk_buf_free(&b);
    } else {
        snprintf(object, sizeof object, "incident %ld", id);
        s = fk__show(job, id, o.output, &err);
    }
    return fk_cli_finish(job, object, s, sub, &err);
}

const fk_command fk_cmd_incident = {
    .name = "incident",
    .summary = N_("incident reports (事故報告書): add, list, show, close"),
    .usage = fk__usage,
    .run = fk__run,
};
