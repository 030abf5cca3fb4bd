/* fukan report: the encrypted package of the job's records for the ward. */
#include "cli.h"
#include "core/auditlog.h"
#include "core/custody.h"
#include "core/erase.h"
#include "core/files.h"
#include "ingest/package.h"
#include "job/papers.h"
#include "report/bundle.h"
#include "report/incident.h"
#include "report/receipt.h"
#include "session.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char fk__usage[] =
    N_("usage: fukan report JOBDIR -o REPORT.zip [--notice PDF] [--password-out FILE]\n"
       "                    [--iso REPORT.iso]\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者); after erasure nobody can\n"
       "         log in: --user ID names the operator, recorded as not authenticated\n\n"
       "Writes the report for the ward, an AES-256 ZIP (7-Zip opens it) under a new random\n"
       "password: the print files' log, the reconciliation (取扱い状況報告, CSV, text, PDF),\n"
       "the custody receipts, the handler roster, the incidents, the erasure certificate and\n"
       "its signature, the full audit log as JSON Lines and the audit public key. The password\n"
       "goes separately: to the password notice (パスワード通知書) --notice PDF and/or a file\n"
       "--password-out FILE (mode 0600); one of them is required. --iso also writes an ISO\n"
       "9660 image holding the ZIP, for a DVD-R (xorriso). The ward checks the audit log\n"
       "offline with: fukan audit verify --package REPORT.zip --package-password-file FILE\n"
       "--checkpoint HASH@SEQ (from a paper receipt).\n");

typedef struct {
    fk_cli_login login;
    const char *out, *notice, *password_out, *iso;
} fk__opts;

typedef struct {
    fk_job *job;
    fk_bundle *zip;
    fk_buf readme;
    fk_err *err;
    fk_status status;
} fk__report;

static fk_status fk__add(fk__report *r, const char *name, const void *data, size_t len,
                         const char *what)
{
    fk_status s = fk_bundle_add(r->zip, name, data, len, r->err);
    if (s == FK_OK)
        s = fk_buf_appendf(&r->readme, "%-40s %s\n", name, what) == FK_OK
                ? FK_OK
                : fk_failf(r->err, FK_ENOMEM, _("out of memory"));
    return s;
}

static fk_status fk__add_paper(fk__report *r, const char *name, const fk_paper *p, const char *what)
{
    fk_buf pdf;
    fk_buf_init(&pdf, (size_t)64 << 20);
    fk_status s = fk_paper_render_pdf(p, &pdf, r->err);
    if (s == FK_OK)
        s = fk__add(r, name, pdf.data, pdf.len, what);
    fk_buf_free(&pdf);
    return s;
}

static int fk__document(const fk_document_info *d, void *ctx)
{
    fk__report *r = ctx;
    fk_buf data;
    fk_buf_init(&data, (size_t)64 << 20);
    unsigned char sig[FK_SIGNATURE_BYTES];
    bool has_sig = false;
    char name[256];
    bool receipt = strcmp(d->kind, "receipt") == 0;
    snprintf(name, sizeof name, "%s%s", receipt ? "receipts/" : "", d->name);
    r->status = fk_job_document_get(r->job, d->name, &data, sig, &has_sig, r->err);
    if (r->status == FK_OK)
        r->status =
            fk__add(r, name, data.data, data.len,
                    receipt ? "custody receipt (確認書)" : "erasure certificate (消去証明書)");
    if (r->status == FK_OK && has_sig) {
        char sig_name[300];
        snprintf(sig_name, sizeof sig_name, "%s.sig", name);
        r->status = fk__add(r, sig_name, sig, sizeof sig,
                            "its detached Ed25519 signature (audit-pubkey.hex)");
    }
    fk_buf_free(&data);
    return r->status != FK_OK;
}

static int fk__print_file(const fk_job_file *f, void *ctx)
{
    fk_buf *b = ctx;
    return fk_buf_appendf(b, "%s,%s,%s,%d,%ld,%ld\r\n", f->name, f->document,
                          f->category >= 0 ? fk_category_label((fk_category)f->category) : "",
                          f->batch, f->envelopes, f->sheets) != FK_OK;
}

static int fk__roster_row(const fk_user_info *u, void *ctx)
{
    fk_buf *b = ctx;
    return fk_buf_appendf(b, "%s,\"%s\",\"%s\",%s,%s,%s,%s,%s\r\n", u->id, u->name, u->affiliation,
                          fk_role_title(u->role), u->added_at, u->added_by,
                          u->removed_at ? u->removed_at : "",
                          u->removed_by ? u->removed_by : "") != FK_OK;
}

typedef struct {
    fk__report *r;
} fk__inc;

static int fk__incident_pdf(const fk_incident *in, void *ctx)
{
    fk__report *r = ctx;
    fk_paper *p = fk_paper_new();
    char name[64];
    snprintf(name, sizeof name, "incidents/incident-%ld.pdf", in->id);
    r->status = p ? fk_incident_paper(r->job, in->id, p, r->err)
                  : fk_failf(r->err, FK_ENOMEM, _("out of memory"));
    if (r->status == FK_OK)
        r->status = fk__add_paper(r, name, p, "incident report (事故報告書)");
    fk_paper_free(p);
    return r->status != FK_OK;
}

static fk_status fk__contents(fk__report *r)
{
    fk_err *err = r->err;
    fk_buf b;
    fk_buf_init(&b, (size_t)256 << 20);
    fk_status s = fk_audit_export_jsonl(r->job, &b, err);
    if (s == FK_OK)
        s = fk__add(r, "audit.jsonl", b.data, b.len, "the full audit log (JSON Lines)");
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    char hex[2 * FK_SIGN_PUBLIC_BYTES + 2];
    if (s == FK_OK)
        s = fk_audit_pubkey(r->job, pk, err);
    if (s == FK_OK) {
        fk_hex(pk, sizeof pk, hex);
        hex[2 * FK_SIGN_PUBLIC_BYTES] = '\n';
        s = fk__add(r, "audit-pubkey.hex", hex, sizeof hex - 1, "the audit public key (Ed25519)");
    }
    /* Reconciliation in every form the ward's staff use. */
    fk_stage_inputs in;
    fk_reconcile *rec = NULL;
    if (s == FK_OK)
        s = fk_job_stage_inputs(r->job, &in, err);
    if (s == FK_OK)
        s = fk_reconcile_new(r->job, &in, &rec, err);
    fk_buf_reset(&b);
    if (s == FK_OK && fk_reconcile_csv(rec, &b) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk__add(r, "reconciliation.csv", b.data, b.len, "取扱い状況報告 (CSV)");
    fk_buf_reset(&b);
    if (s == FK_OK && fk_reconcile_text(rec, &b) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk__add(r, "reconciliation.txt", b.data, b.len, "取扱い状況報告 (text)");
    fk_paper *p = fk_paper_new();
    if (s == FK_OK && p == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_reconcile_paper(rec, r->job, p, err);
    if (s == FK_OK)
        s = fk__add_paper(r, "reconciliation.pdf", p, "取扱い状況報告 (PDF)");
    fk_paper_free(p);
    fk_reconcile_free(rec);
    /* The print files with their designated sheet counts (the print stage's log of each
     * print job will be added beside it). */
    fk_buf_reset(&b);
    if (s == FK_OK && fk_buf_append_str(&b, "\xEF\xBB\xBF"
                                            "file,document,category,batch,"
                                            "envelopes,sheets\r\n") != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_job_files_foreach(r->job, fk__print_file, &b, err);
    if (s == FK_OK)
        s = fk__add(r, "print-files.csv", b.data, b.len, "print files and designated sheets");
    fk_buf_reset(&b);
    if (s == FK_OK && fk_buf_append_str(&b, "\xEF\xBB\xBFID,氏名,所属,役割,登録日時,登録者,"
                                            "削除日時,削除者\r\n") != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_job_users_foreach(r->job, fk__roster_row, &b, err);
    if (s == FK_OK)
        s = fk__add(r, "roster.csv", b.data, b.len, "handler roster (取扱者名簿)");
    fk_buf_reset(&b);
    if (s == FK_OK)
        s = fk_incident_csv(r->job, &b, err);
    if (s == FK_OK)
        s = fk__add(r, "incidents.csv", b.data, b.len, "incidents (事故報告)");
    if (s == FK_OK)
        s = fk_job_incidents_foreach(r->job, fk__incident_pdf, r, err);
    if (s == FK_OK)
        s = r->status;
    if (s == FK_OK)
        s = fk_job_documents_foreach(r->job, fk__document, r, err);
    if (s == FK_OK)
        s = r->status;
    fk_buf_free(&b);
    return s;
}

static fk_status fk__notice(const fk__opts *o, const char *password, const char *sha, fk_err *err)
{
    char iso[40], wareki[64];
    fk_custody_now(iso, wareki);
    const char *slash = strrchr(o->out, '/');
    fk_paper *p = fk_paper_new();
    fk_status s = p ? FK_OK : fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK &&
        (fk_paper_title(p, "パスワード通知書（報告書）") != FK_OK ||
         fk_paper_paragraph(p, "暗号化した報告書のパスワードを通知します。この通知書は報告書の"
                               "媒体とは別の機会にお渡しします。") != FK_OK ||
         fk_paper_keyvalue(p, "通知日時", wareki) != FK_OK ||
         fk_paper_keyvalue(p, "ファイル名", slash ? slash + 1 : o->out) != FK_OK ||
         fk_paper_keyvalue(p, "SHA-256", sha) != FK_OK ||
         fk_paper_keyvalue(p, "暗号方式", "ZIP AES-256 (WinZip AE-2)") != FK_OK ||
         fk_paper_keyvalue(p, "パスワード", password) != FK_OK ||
         fk_paper_seals(p, "通知者（受託者）", "受領者（区）") != FK_OK))
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    fk_buf pdf;
    fk_buf_init(&pdf, (size_t)16 << 20);
    if (s == FK_OK)
        s = fk_paper_render_pdf(p, &pdf, err);
    if (s == FK_OK)
        s = fk_fs_write_atomic(o->notice, pdf.data, pdf.len, err);
    fk_buf_free(&pdf);
    fk_paper_free(p);
    return s;
}

static fk_status fk__iso(const fk__opts *o, fk_err *err)
{
    char tool[] = "xorriso", as[] = "-as", mk[] = "mkisofs", quiet[] = "-quiet", vol[] = "-V",
         label[] = "FUKAN_REPORT", joliet[] = "-J", rock[] = "-r", dash_o[] = "-o";
    char iso[4096], zip[4096];
    snprintf(iso, sizeof iso, "%s", o->iso);
    snprintf(zip, sizeof zip, "%s", o->out);
    char *argv[] = {tool, as, mk, quiet, vol, label, joliet, rock, dash_o, iso, zip, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    /* xorriso writes a banner to stderr even when quiet; its exit status says enough. */
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, "xorriso", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    if (rc != 0)
        return fk_failf(err, FK_EENV, _("xorriso not found: install the Debian package xorriso"));
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return fk_failf(err, FK_EIO, _("%s: xorriso could not write the ISO image"), o->iso);
    if (chmod(o->iso, 0600) != 0)
        return fk_failf(err, FK_EIO, _("%s: cannot make it private (mode 0600)"), o->iso);
    return FK_OK;
}

static fk_status fk__write(fk_job *job, const fk__opts *o, fk_err *err)
{
    char password[FK_PACKAGE_PASSWORD_LEN + 1];
    fk__report r = {.job = job, .err = err};
    fk_buf_init(&r.readme, 1 << 20);
    fk_status s = fk_package_password_new(password, sizeof password, err);
    if (s == FK_OK)
        s = fk_bundle_new(o->out, password, &r.zip, err);
    if (s == FK_OK && fk_buf_appendf(&r.readme, "fukan report for job %s (%s)\n\n", fk_job_id(job),
                                     fk_order_job_code(fk_job_order(job))) != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk__contents(&r);
    if (s == FK_OK &&
        fk_buf_append_str(
            &r.readme, "\nCheck the audit log offline:\n  fukan audit verify --package"
                       " REPORT.zip --package-password-file FILE --checkpoint HASH@SEQ\n") != FK_OK)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_bundle_add(r.zip, "README.txt", r.readme.data, r.readme.len, err);
    if (s == FK_OK) {
        s = fk_bundle_close(r.zip, err);
        r.zip = NULL;
    }
    fk_bundle_discard(r.zip);
    char *zip = NULL, sha[65] = "";
    size_t len;
    if (s == FK_OK)
        s = fk_fs_read_file(o->out, (size_t)1 << 31, &zip, &len, err);
    if (s == FK_OK) {
        fk_sha256_hex(zip, len, sha);
        fk_free(zip);
    }
    if (s == FK_OK && o->password_out != NULL) {
        char line[FK_PACKAGE_PASSWORD_LEN + 2];
        snprintf(line, sizeof line, "%s\n", password);
        s = fk_fs_exists(o->password_out)
                ? fk_failf(err, FK_EEXIST, _("%s: already exists, not overwritten"),
                           o->password_out)
                : fk_fs_write_atomic(o->password_out, line, strlen(line), err);
        fk_wipe(line, sizeof line);
    }
    if (s == FK_OK && o->notice != NULL)
        s = fk__notice(o, password, sha, err);
    if (s == FK_OK && o->iso != NULL)
        s = fk__iso(o, err);
    if (s != FK_OK)
        unlink(o->out); /* a package whose password is lost is useless */
    fk_wipe(password, sizeof password);
    fk_buf_free(&r.readme);
    if (s == FK_OK)
        printf(_("%s (AES-256, SHA-256 %s)%s%s%s%s\n"), o->out, sha,
               o->notice ? _("; notice ") : "", o->notice ? o->notice : "",
               o->iso ? _("; image ") : "", o->iso ? o->iso : "");
    return s;
}

static int fk__run(int argc, char **argv)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"notice", required_argument, NULL, 'n'},
                                            {"password-out", required_argument, NULL, 'w'},
                                            {"iso", required_argument, NULL, 'i'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    fk__opts o = {0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'o')
            o.out = optarg;
        else if (opt == 'n')
            o.notice = optarg;
        else if (opt == 'w')
            o.password_out = optarg;
        else if (opt == 'i')
            o.iso = optarg;
        else if (!fk_cli_login_option(&o.login, opt, optarg))
            return FK_EXIT_USAGE;
    }
    if (optind + 1 != argc || o.out == NULL || (o.notice == NULL && o.password_out == NULL)) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_err err;
    fk_err_clear(&err);
    const char *existing = fk_fs_exists(o.out)                  ? o.out
                           : o.notice && fk_fs_exists(o.notice) ? o.notice
                           : o.iso && fk_fs_exists(o.iso)       ? o.iso
                                                                : NULL;
    if (existing != NULL) {
        fk_failf(&err, FK_EEXIST, _("%s: already exists, not overwritten"), existing);
        return fk_cli_fail(&err);
    }
    fk_job *job;
    fk_status s = fk_job_open(argv[optind], &job, &err);
    if (s != FK_OK)
        return fk_cli_fail(&err);
    if (fk_job_is_erased(job, NULL, 0)) {
        fk_cli_login_defaults(&o.login);
        s = fk_job_act_on_erased(job, o.login.user, "report", &err);
        if (s != FK_OK) {
            fk_job_close(job);
            return fk_cli_fail(&err);
        }
    } else {
        fk_job_close(job);
        int rc = fk_cli_open_job(argv[optind], &o.login, "report", FK_ROLE_MANAGER, &job);
        if (rc != FK_EXIT_OK)
            return rc;
    }
    s = fk__write(job, &o, &err);
    return fk_cli_finish(job, o.out, s, "report written (AES-256 ZIP)", &err);
}

const fk_command fk_cmd_report = {
    .name = "report",
    .summary = N_("the encrypted report package for the ward"),
    .usage = fk__usage,
    .run = fk__run,
};
