/* fukan audit log|verify|pubkey: inspect and verify the tamper-evident audit log. */
#include "cli.h"
#include "core/audit.h"
#include "core/auditlog.h"
#include "core/erase.h"
#include "ingest/package.h"
#include "session.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan audit log    JOBDIR [--since DATE] [--until DATE] [--by ID] [--command CMD]\n"
       "       fukan audit verify JOBDIR [--pubkey FILE] [--checkpoint HASH@SEQ]\n"
       "       fukan audit pubkey JOBDIR [-o FILE]\n"
       "       fukan audit verify --package REPORT.zip --package-password-file FILE\n"
       "                          [--checkpoint HASH@SEQ] [--pubkey FILE]\n"
       "  login: --user ID, --user-password-file FILE (any role, the ward's auditor too)\n\n"
       "log lists the entries (sequence, local time, user, computer, command, object, outcome,\n"
       "details; entries written without the job key are marked [unauthenticated] and numbered\n"
       "u1, u2, ...). verify recomputes every hash and chain link, checks every signature and\n"
       "every witness of the unauthenticated record, and the roster's MACs when a staff member\n"
       "runs it; with\n"
       "--pubkey (the key exported when the job began) a replaced key is caught, and with a\n"
       "checkpoint from a receipt a truncated or rewritten log is caught. Exit 1 names the\n"
       "first broken entry. pubkey prints the job's Ed25519 public key (hex).\n"
       "With --package, verify needs no job and no login: it checks the audit log exported in\n"
       "the report package (fukan report) offline, with the package's password and a paper\n"
       "checkpoint from a receipt.\n");

typedef struct {
    fk_cli_login login;
    fk_audit_filter filter;
    const char *pubkey_file, *checkpoint, *output, *package, *package_password;
} fk__opts;

static int fk__print_entry(const fk_audit_entry *e, void *ctx)
{
    (void)ctx;
    /* Entries of the unauthenticated record are numbered on their own, as u1, u2, ...: no
     * key vouches for who wrote them. */
    char seq[24];
    snprintf(seq, sizeof seq, "%s%ld", e->authenticated ? "" : "u", e->seq);
    printf("%6s  %s  %-12s %-12s %-14s %-18s %-10s %s%s\n", seq, e->ts_local, e->user, e->host,
           e->command, e->object, e->outcome, e->details,
           e->authenticated ? "" : _("  [unauthenticated]"));
    return 0;
}

static fk_status fk__read_pubkey(const char *file, unsigned char pk[FK_SIGN_PUBLIC_BYTES],
                                 fk_err *err)
{
    char *text;
    size_t len;
    fk_status s = fk_fs_read_file(file, 4096, &text, &len, err);
    if (s != FK_OK)
        return s;
    text[strcspn(text, "\r\n")] = '\0';
    if (!fk_unhex(text, pk, FK_SIGN_PUBLIC_BYTES))
        s = fk_failf(err, FK_EINVAL, _("%s: expected 64 hex digits (from 'fukan audit pubkey')"),
                     file);
    fk_free(text);
    return s;
}

static fk_status fk__verify(fk_job *job, const fk__opts *o, fk_err *err)
{
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    fk_status s = o->pubkey_file ? fk__read_pubkey(o->pubkey_file, pk, err) : FK_OK;
    fk_audit_report rep;
    if (s == FK_OK)
        s = fk_audit_verify(job, o->pubkey_file ? pk : NULL, o->checkpoint, &rep, err);
    if (s == FK_ETAMPER) {
        err->status = FK_EFINDING; /* a broken log is a finding: exit 1 */
        return FK_EFINDING;
    }
    if (s != FK_OK)
        return s;
    printf(_("audit log intact: %ld entries, head %s@%ld\n"), rep.entries, rep.head_hex,
           rep.head_seq);
    if (rep.unauthenticated > 0)
        printf(_("unauthenticated record: %ld entries (failed logins, auditors' sessions), written"
                 " without the job key: they show what was attempted, never who acted; %ld not yet"
                 " witnessed by a signed entry\n"),
               rep.unauthenticated, rep.unwitnessed);
    if (rep.roster_checked)
        printf(_("roster: every user's role, key slot and lock state intact\n"));
    else
        printf(_("roster: not checked (needs a staff login: the MACs use the job key)\n"));
    if (o->pubkey_file == NULL)
        printf(_("note: checked against the job's own public key; give --pubkey to check it is"
                 " the one exported at the start\n"));
    return FK_OK;
}

static fk_status fk__pubkey(fk_job *job, const fk__opts *o, fk_err *err)
{
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    char hex[2 * FK_SIGN_PUBLIC_BYTES + 2];
    fk_status s = fk_audit_pubkey(job, pk, err);
    if (s != FK_OK)
        return s;
    fk_hex(pk, sizeof pk, hex);
    if (o->output == NULL) {
        printf("%s\n", hex);
        return FK_OK;
    }
    char line[sizeof hex + 1];
    snprintf(line, sizeof line, "%s\n", hex);
    return fk_fs_write_atomic(o->output, line, strlen(line), err);
}

/* The offline check of a report package: no job, no login. */
static int fk__verify_package(const fk__opts *o)
{
    fk_err err;
    fk_err_clear(&err);
    char password[FK_PASSWORD_MAX + 1];
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    char *log = NULL;
    size_t log_len = 0;
    fk_status s = fk_cli_read_password(o->package_password, _("Package password: "), false,
                                       password, sizeof password, &err);
    if (s == FK_OK && o->pubkey_file != NULL)
        s = fk__read_pubkey(o->pubkey_file, pk, &err);
    if (s == FK_OK)
        s = fk_package_read_entry(o->package, password, "audit.jsonl", (size_t)512 << 20, &log,
                                  &log_len, &err);
    fk_wipe(password, sizeof password);
    fk_audit_report rep;
    if (s == FK_OK)
        s = fk_audit_verify_jsonl(log, log_len, o->pubkey_file ? pk : NULL, o->checkpoint, &rep,
                                  &err);
    fk_free(log);
    if (s == FK_ETAMPER) {
        err.status = FK_EFINDING;
        return fk_cli_fail(&err);
    }
    if (s != FK_OK)
        return fk_cli_fail(&err);
    printf(_("audit log in %s intact: %ld entries, head %s@%ld\n"), o->package, rep.entries,
           rep.head_hex, rep.head_seq);
    if (rep.unauthenticated > 0)
        printf(_("note: %ld entries of the unauthenticated record (written without the job key,"
                 " e.g. after erasure), %ld of them not yet witnessed by a signed entry\n"),
               rep.unauthenticated, rep.unwitnessed);
    if (o->checkpoint == NULL)
        printf(_("note: no --checkpoint given; give one from a paper receipt, since the package's"
                 " own public key proves nothing on its own\n"));
    return FK_EXIT_OK;
}

static int fk__parse(int argc, char **argv, fk__opts *o)
{
    static const struct option options[] = {{"since", required_argument, NULL, 's'},
                                            {"until", required_argument, NULL, 'u'},
                                            {"by", required_argument, NULL, 'f'},
                                            {"command", required_argument, NULL, 'c'},
                                            {"pubkey", required_argument, NULL, 'k'},
                                            {"checkpoint", required_argument, NULL, 'p'},
                                            {"output", required_argument, NULL, 'o'},
                                            {"package", required_argument, NULL, 'z'},
                                            {"package-password-file", required_argument, NULL, 'Z'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int opt;
    optind = 2;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (opt) {
        case 's':
            o->filter.since = optarg;
            break;
        case 'u':
            o->filter.until = optarg;
            break;
        case 'f':
            o->filter.user = optarg;
            break;
        case 'c':
            o->filter.command = optarg;
            break;
        case 'k':
            o->pubkey_file = optarg;
            break;
        case 'p':
            o->checkpoint = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'z':
            o->package = optarg;
            break;
        case 'Z':
            o->package_password = optarg;
            break;
        default:
            if (!fk_cli_login_option(&o->login, opt, optarg))
                return -1;
        }
    }
    return optind;
}

static int fk__run(int argc, char **argv)
{
    fk__opts o = {0};
    int first = argc >= 3 ? fk__parse(argc, argv, &o) : -1;
    const char *sub = argc >= 2 ? argv[1] : "";
    if (first >= 0 && first == argc && o.package != NULL && strcmp(sub, "verify") == 0)
        return fk__verify_package(&o);
    bool known =
        strcmp(sub, "log") == 0 || strcmp(sub, "verify") == 0 || strcmp(sub, "pubkey") == 0;
    if (first < 0 || first + 1 != argc || !known) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    char command[32];
    snprintf(command, sizeof command, "audit %s", sub);
    fk_err err;
    fk_err_clear(&err);
    fk_job *job = NULL;
    /* After erasure nobody can log in, but the log is still the ward's to inspect. */
    if (fk_job_open(argv[first], &job, &err) == FK_OK && fk_job_is_erased(job, NULL, 0)) {
        fk_cli_login_defaults(&o.login);
        if (fk_job_act_on_erased(job, o.login.user, command, &err) != FK_OK) {
            fk_job_close(job);
            return fk_cli_fail(&err);
        }
    } else {
        fk_job_close(job);
        int rc = fk_cli_open_job(argv[first], &o.login, command, FK_ROLES_ALL, &job);
        if (rc != FK_EXIT_OK)
            return rc;
    }
    fk_status s;
    if (strcmp(sub, "log") == 0)
        s = fk_audit_foreach(job, &o.filter, fk__print_entry, NULL, &err);
    else if (strcmp(sub, "verify") == 0)
        s = fk__verify(job, &o, &err);
    else
        s = fk__pubkey(job, &o, &err);
    return fk_cli_finish(job, "audit log", s, sub, &err);
}

const fk_command fk_cmd_audit = {
    .name = "audit",
    .summary = N_("show, verify and anchor the tamper-evident audit log"),
    .usage = fk__usage,
    .run = fk__run,
};
