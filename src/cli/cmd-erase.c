/* fukan erase: cryptographic erase of the job's personal data, and the 消去証明書. */
#include "cli.h"
#include "core/audit.h"
#include "core/custody.h"
#include "fk-config.h"
#include "job/papers.h"
#include "report/certificate.h"
#include "report/receipt.h"
#include "session.h"
#include "util/fsutil.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan erase JOBDIR [-o DIR] [--force --reason TEXT]\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 only)\n\n"
       "Erases the job's personal data at the end of the job (NIST SP 800-88 Rev. 2\n"
       "cryptographic erase plus overwrite): every key slot and the sealed signing key are\n"
       "destroyed, the sealed records' ciphertexts deleted, the sealed files overwritten and\n"
       "removed, the store vacuumed (secure_delete) and its WAL truncated; the clear exports\n"
       "fukan wrote (their folders are in the audit log) are overwritten and removed, and\n"
       "folders it cannot reach are listed for the operator to destroy. Then it proves it: a\n"
       "fresh login with the operator's password must be refused, no key slot may be left, and\n"
       "no sealed blob that existed before may be found in any file of the job directory.\n"
       "Writes the erasure certificate (消去証明書) DIR/erasure-certificate.pdf and its detached\n"
       "Ed25519 signature DIR/erasure-certificate.pdf.sig (raw 64 bytes, by the audit key).\n"
       "Refused until the envelopes are delivered and the medium returned (fukan receipt),\n"
       "unless --force --reason TEXT. Nobody can log in afterwards.\n"
       "Exit codes: 0 erased and proved, 1 the proof failed, 2 refused, 3 I/O error.\n");

typedef struct {
    fk_cli_login login;
    const char *dir, *reason;
    bool force;
} fk__opts;

static int fk__parse(int argc, char **argv, fk__opts *o)
{
    static const struct option options[] = {{"output", required_argument, NULL, 'o'},
                                            {"force", no_argument, NULL, 'f'},
                                            {"reason", required_argument, NULL, 'r'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        if (opt == 'o')
            o->dir = optarg;
        else if (opt == 'f')
            o->force = true;
        else if (opt == 'r')
            o->reason = optarg;
        else if (!fk_cli_login_option(&o->login, opt, optarg))
            return -1;
    }
    return optind + 1 == argc ? optind : -1;
}

typedef struct {
    fk_job *job;
    fk_erasure *erasure;
    const fk__opts *o;
    const char *password;
    fk_export_cleanup exports;
} fk__erase;

static fk_status fk__audit(fk__erase *e, const char *object, const char *details, fk_err *err)
{
    return fk_job_audit(e->job, object, FK_OK, details, err);
}

static fk_status fk__certificate(fk__erase *e, fk_err *err)
{
    char checkpoint[128], name[512], iso[40], wareki[64], sig_hex[2 * FK_SIGNATURE_BYTES + 1];
    fk_custody_now(iso, wareki);
    fk_status s = fk_audit_checkpoint(e->job, checkpoint, sizeof checkpoint, err);
    if (s == FK_OK)
        s = fk_custody_user_name(e->job, fk_job_user(e->job), name, sizeof name, err);
    fk_certificate_spec spec = {.erasure = e->erasure,
                                .exports = &e->exports,
                                .operator_name = name,
                                .tool = "fukan " FK_VERSION,
                                .checkpoint = checkpoint,
                                .reason = e->o->force ? e->o->reason : NULL,
                                .at_iso = iso,
                                .at_wareki = wareki};
    fk_paper *p = fk_paper_new();
    fk_buf pdf;
    fk_buf_init(&pdf, (size_t)64 << 20);
    unsigned char sig[FK_SIGNATURE_BYTES];
    if (s == FK_OK && p == NULL)
        s = fk_failf(err, FK_ENOMEM, _("out of memory"));
    if (s == FK_OK)
        s = fk_certificate_paper(e->job, &spec, p, err);
    if (s == FK_OK)
        s = fk_paper_render_pdf(p, &pdf, err);
    if (s == FK_OK)
        s = fk_erasure_sign(e->erasure, pdf.data, pdf.len, sig, err);
    if (s == FK_OK)
        s = fk_job_document_put(e->job, "erasure-certificate.pdf", "certificate", pdf.data, pdf.len,
                                sig, err);
    char path[4096], sig_path[4096];
    const char *dir = e->o->dir ? e->o->dir : ".";
    if (s == FK_OK && (!fk_fs_join(path, sizeof path, dir, "erasure-certificate.pdf") ||
                       !fk_fs_join(sig_path, sizeof sig_path, dir, "erasure-certificate.pdf.sig")))
        s = fk_failf(err, FK_EINVAL, _("%s: path too long"), dir);
    if (s == FK_OK)
        s = fk_fs_write_atomic(path, pdf.data, pdf.len, err);
    if (s == FK_OK)
        s = fk_fs_write_atomic(sig_path, sig, sizeof sig, err);
    char details[256], sha[65];
    fk_sha256_hex(pdf.data != NULL ? pdf.data : "", pdf.len, sha);
    fk_hex(sig, sizeof sig, sig_hex);
    snprintf(details, sizeof details, "erasure certificate signed; SHA-256 %s", sha);
    if (s == FK_OK)
        s = fk__audit(e, "erasure-certificate.pdf", details, err);
    if (s == FK_OK)
        printf(_("certificate %s\nsignature   %s\nat checkpoint %s\n"), path, sig_path, checkpoint);
    fk_buf_free(&pdf);
    fk_paper_free(p);
    return s;
}

static fk_status fk__run_erase(fk__erase *e, fk_err *err)
{
    fk_status s = fk_erase_precheck(e->job, e->o->force, e->o->reason, err);
    if (s == FK_OK)
        s = fk_erase_exports(e->job, &e->exports, err);
    if (s == FK_OK)
        s = fk_job_erase(e->job, e->password, fk_cli_on_progress, NULL, &e->erasure, err);
    if (s != FK_OK)
        return s;
    const fk_erasure_check *c = fk_erasure_check_result(e->erasure);
    size_t n;
    const fk_erased_item *items = fk_erasure_items(e->erasure, &n);
    long slots = 0, files = 0, records = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(items[i].what, "key slot") == 0)
            slots++;
        else if (strcmp(items[i].what, "sealed file") == 0)
            files++;
        else if (strcmp(items[i].what, "sealed records") == 0)
            records = items[i].count;
    }
    char details[512];
    snprintf(
        details, sizeof details,
        "erased: %ld key slots, signing key, %ld sealed records, %ld sealed files; %ld clear"
        " exports removed, %zu unreachable; verification %s (%ld blobs found in %ld files)%s%s",
        slots, records, files, e->exports.files_removed, e->exports.nunreachable,
        c->passed ? "passed" : "FAILED", c->blobs_found, c->files_scanned,
        e->o->force ? "; forced: " : "", e->o->force ? e->o->reason : "");
    s = fk__audit(e, fk_job_id(e->job), details, err);
    if (s == FK_OK)
        s = fk__certificate(e, err);
    if (s == FK_OK) {
        printf(_("erased: %ld key slots, the signing key, %ld sealed records, %ld sealed files\n"),
               slots, records, files);
        printf(_("clear exports: %ld files removed\n"), e->exports.files_removed);
        for (size_t i = 0; i < e->exports.nunreachable; i++)
            printf(_("NOT REACHED (destroy it yourself): %s\n"), e->exports.unreachable[i]);
        printf(_("verification %s: %ld key slots left, former password %s, %ld sealed blobs"
                 " searched in %ld files (%lld bytes), %ld found\n"),
               c->passed ? _("passed") : _("FAILED"), c->slots_left,
               c->login_refused ? _("refused") : _("ACCEPTED"), c->nonces_searched,
               c->files_scanned, c->bytes_scanned, c->blobs_found);
    }
    if (s == FK_OK && !c->passed)
        s = fk_failf(err, FK_EFINDING, _("the erasure could not be proved: see the certificate"));
    return s;
}

static int fk__run(int argc, char **argv)
{
    fk__opts o = {0};
    int first = fk__parse(argc, argv, &o);
    if (first < 0) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_err err;
    fk_err_clear(&err);
    fk_cli_login_defaults(&o.login);
    if (o.login.user == NULL) {
        fk_cli_error(_("erase: who is this? give --user ID (or set FUKAN_USER)"));
        return FK_EXIT_USAGE;
    }
    /* The password is read here, not by fk_cli_open_job, because the proof tries it again
     * on the erased store. */
    char password[FK_PASSWORD_MAX + 1], prompt[128];
    snprintf(prompt, sizeof prompt, _("Password for %s: "), o.login.user);
    fk__erase e = {.o = &o, .password = password};
    fk_status s = fk_job_open(argv[first], &e.job, &err);
    if (s == FK_OK)
        s = fk_cli_read_password(o.login.password_file, prompt, false, password, sizeof password,
                                 &err);
    if (s == FK_OK)
        s = fk_job_login(e.job, o.login.user, password, "erase", FK_ROLE_MANAGER, &err);
    if (s != FK_OK) {
        fk_wipe(password, sizeof password);
        fk_job_close(e.job);
        return fk_cli_fail(&err);
    }
    s = fk__run_erase(&e, &err);
    fk_wipe(password, sizeof password);
    int rc = FK_EXIT_OK;
    if (s != FK_OK) {
        fk_err audit_err;
        fk_err_clear(&audit_err);
        /* Best effort: the failure itself is what the operator must see. */
        if (fk_job_audit(e.job, fk_job_id(e.job), s, fk_err_message(&err), &audit_err) != FK_OK)
            fk_cli_error("%s", fk_err_message(&audit_err));
        rc = fk_cli_fail(&err);
    }
    fk_erasure_free(e.erasure);
    fk_job_close(e.job);
    return rc;
}

const fk_command fk_cmd_erase = {
    .name = "erase",
    .summary = N_("erase the job's personal data and write the 消去証明書"),
    .usage = fk__usage,
    .run = fk__run,
};
