/* fukan receipt: the custody receipts (確認書) of the three handovers. */
#include "cli.h"
#include "core/crypto.h"
#include "job/papers.h"
#include "report/receipt.h"
#include "session.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char fk__usage[] =
    N_("usage: fukan receipt JOBDIR receive --item medium|notice --ward-staff NAME\n"
       "                                    [--package PACKAGE.zip] [-o PDF]\n"
       "       fukan receipt JOBDIR deliver --ward-staff NAME [--count CAT=N ...] [-o PDF]\n"
       "       fukan receipt JOBDIR return  --ward-staff NAME [-o PDF]\n"
       "  login: --user ID, --user-password-file FILE (取扱責任者 or 取扱者)\n\n"
       "Writes a custody receipt (確認書) with the date-time in 和暦 and ISO (JST), the\n"
       "handlers of both sides (the ward's staff member as typed with --ward-staff), content,\n"
       "quantity, the package's SHA-256 and the audit checkpoint in full and as a QR code,\n"
       "with seal boxes (押印欄) for both parties. The PDF is kept in the job (and written\n"
       "to -o PDF) and the receipt is audited.\n"
       "  receive  the ward hands over the medium (--item medium, with --package to print\n"
       "           its SHA-256) and, on another occasion, the password notice (--item notice)\n"
       "  deliver  the sealed envelopes; --count 積極的支援=613 (or S=613) gives the counts\n"
       "           counted at the handover; each must equal the verified count, otherwise\n"
       "           the delivery is refused with the difference (exit 1)\n"
       "  return   the medium and the password notice go back to the ward\n");

typedef struct {
    fk_cli_login login;
    const char *item, *ward_staff, *package, *output;
    long counts[FK_CAT_COUNT];
    bool has_counts;
} fk__opts;

static bool fk__count(fk__opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    char name[64];
    fk_category c;
    if (eq == NULL || (size_t)(eq - arg) >= sizeof name)
        return false;
    snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
    char *end;
    long n = strtol(eq + 1, &end, 10);
    if (!fk_category_parse(name, &c) || end == eq + 1 || *end != '\0' || n < 0)
        return false;
    o->counts[c] = n;
    o->has_counts = true;
    return true;
}

static int fk__parse(int argc, char **argv, fk__opts *o, int *first)
{
    static const struct option options[] = {{"item", required_argument, NULL, 'i'},
                                            {"ward-staff", required_argument, NULL, 'w'},
                                            {"package", required_argument, NULL, 'p'},
                                            {"count", required_argument, NULL, 'n'},
                                            {"output", required_argument, NULL, 'o'},
                                            FK_CLI_LOGIN_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
        switch (opt) {
        case 'i':
            o->item = optarg;
            break;
        case 'w':
            o->ward_staff = optarg;
            break;
        case 'p':
            o->package = optarg;
            break;
        case 'n':
            if (!fk__count(o, optarg)) {
                fk_cli_error(_("--count must be CATEGORY=N (積極的支援=613 or S=613)"));
                return -1;
            }
            break;
        case 'o':
            o->output = optarg;
            break;
        default:
            if (!fk_cli_login_option(&o->login, opt, optarg))
                return -1;
        }
    }
    if (optind + 2 != argc)
        return -1;
    *first = optind;
    return 0;
}

static fk_status fk__kind(const char *sub, const fk__opts *o, fk_handover_kind *kind, fk_err *err)
{
    if (strcmp(sub, "receive") == 0) {
        if (o->item != NULL && strcmp(o->item, "medium") == 0)
            *kind = FK_HANDOVER_RECEIVE_MEDIUM;
        else if (o->item != NULL && strcmp(o->item, "notice") == 0)
            *kind = FK_HANDOVER_RECEIVE_NOTICE;
        else
            return fk_failf(err, FK_EINVAL, _("receive needs --item medium or --item notice"));
    } else if (strcmp(sub, "deliver") == 0) {
        *kind = FK_HANDOVER_DELIVER;
    } else if (strcmp(sub, "return") == 0) {
        *kind = FK_HANDOVER_RETURN;
    } else {
        return fk_failf(err, FK_EINVAL, _("unknown handover '%s' (receive, deliver, return)"), sub);
    }
    return FK_OK;
}

static fk_status fk__package_sha(const char *path, char out[65], fk_err *err)
{
    char *data;
    size_t len;
    fk_status s = fk_fs_read_file(path, (size_t)1 << 31, &data, &len, err);
    if (s != FK_OK)
        return s;
    fk_sha256_hex(data, len, out);
    fk_free(data);
    return FK_OK;
}

static fk_status fk__receipt(fk_job *job, fk_handover_kind kind, const fk__opts *o, fk_err *err)
{
    char sha[65];
    fk_stage_inputs in;
    fk_handover_spec spec = {
        .kind = kind, .ward_staff = o->ward_staff, .delivered = o->has_counts ? o->counts : NULL};
    fk_status s = o->package != NULL ? fk__package_sha(o->package, sha, err) : FK_OK;
    if (s == FK_OK && o->package != NULL)
        spec.package_sha256 = sha;
    if (s == FK_OK && kind == FK_HANDOVER_DELIVER) {
        s = fk_job_stage_inputs(job, &in, err);
        spec.verified = in.verified;
    }
    fk_handover *h = NULL;
    if (s == FK_OK)
        s = fk_handover_new(job, &spec, &h, err);
    fk_buf pdf;
    fk_buf_init(&pdf, (size_t)64 << 20);
    if (s == FK_OK)
        s = fk_paper_render_pdf(fk_handover_paper(h), &pdf, err);
    if (s == FK_OK)
        s = fk_handover_store(job, h, pdf.data, pdf.len, err);
    if (s == FK_OK && o->output != NULL)
        s = fk_fs_write_atomic(o->output, pdf.data, pdf.len, err);
    if (s == FK_OK && o->output != NULL)
        printf(_("%s stored in the job; written to %s\ncheckpoint %s\n"), fk_handover_document(h),
               o->output, fk_handover_checkpoint(h));
    else if (s == FK_OK)
        printf(_("%s stored in the job\ncheckpoint %s\n"), fk_handover_document(h),
               fk_handover_checkpoint(h));
    fk_buf_free(&pdf);
    fk_handover_free(h);
    return s;
}

static int fk__run(int argc, char **argv)
{
    fk__opts o = {0};
    int first;
    if (fk__parse(argc, argv, &o, &first) != 0) {
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    fk_err err;
    fk_err_clear(&err);
    fk_handover_kind kind = FK_HANDOVER_RECEIVE_MEDIUM;
    if (fk__kind(argv[first + 1], &o, &kind, &err) != FK_OK)
        return fk_cli_fail(&err);
    char command[32];
    snprintf(command, sizeof command, "receipt %s", argv[first + 1]);
    fk_job *job;
    int rc = fk_cli_open_job(argv[first], &o.login, command, FK_ROLES_STAFF, &job);
    if (rc != FK_EXIT_OK)
        return rc;
    fk_status s = fk__receipt(job, kind, &o, &err);
    if (s == FK_OK) {
        fk_job_close(job);
        return FK_EXIT_OK;
    }
    if (s == FK_EFINDING)
        fk_cli_error(
            _("record an incident if envelopes are missing: fukan incident add JOBDIR ..."));
    return fk_cli_finish(job, fk_handover_kind_name(kind), s, NULL, &err);
}

const fk_command fk_cmd_receipt = {
    .name = "receipt",
    .summary = N_("custody receipts (確認書): receive, deliver, return"),
    .usage = fk__usage,
    .run = fk__run,
};
