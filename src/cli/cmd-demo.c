/* fukan demo: the whole job on freshly generated sample data, step by step with the real
 * commands, as the ward and the contractor's staff would run it. */
#include "cli.h"
#include "core/crypto.h"
#include "core/record.h"
#include "sample/sample.h"
#include "util/fsutil.h"
#include "util/jdate.h"
#include "util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char fk__usage[] =
    N_("usage: fukan demo [DIR] [--count N] [--printer QUEUE]\n\n"
       "Runs the whole job on freshly generated sample data (fictitious people) in DIR (default\n"
       "./demo, which must not exist or be empty): the ward's export and sealed package, a job\n"
       "with demo users whose passwords are written to files in DIR, opening, the quality gate,\n"
       "the proof set, composing, the clear export of the print files, the roster, printing,\n"
       "the enclosure check, the custody receipts, the reconciliation, the verified audit log,\n"
       "`fukan status`, the erasure with its certificate and the encrypted report for the ward.\n"
       "Each step runs the real command; its output is kept in DIR/logs/.\n"
       "The order expects the sample's own counts per category. --count N makes a sample of N\n"
       "people (default: the ward's seed volumes, 4,413). Ends with `fukan status` as it stood\n"
       "before the erasure and where each output is. --printer QUEUE prints the job on that\n"
       "queue of the local CUPS server (`make demo` starts a private one) before the enclosure\n"
       "check; without it, the demo states the paper printed (verify --assume-printed).\n");

#define FK__MAX_STEPS 48

typedef struct {
    const char *dir;
    char self[4096];
    size_t count;  /* people in the sample */
    char *printer; /* CUPS queue to print on, or NULL */
    int step;
    struct {
        char name[32], log[64];
        int rc;
    } steps[FK__MAX_STEPS];
} fk__demo;

/* A random password of 20 characters from an alphabet without look-alikes. */
static void fk__password(char out[21])
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    for (int i = 0; i < 20; i++)
        out[i] = alphabet[fk_random_below(sizeof alphabet - 1)];
    out[20] = '\0';
}

static fk_status fk__write_password(const fk__demo *d, const char *name, fk_err *err)
{
    char path[4096], pw[21], line[32];
    fk__password(pw);
    snprintf(line, sizeof line, "%s\n", pw);
    snprintf(path, sizeof path, "%s/%s", d->dir, name);
    fk_status s = fk_fs_write_atomic(path, line, strlen(line), err);
    fk_wipe(pw, sizeof pw);
    fk_wipe(line, sizeof line);
    return s;
}

/* Runs `fukan ARGS...` with the demo folder as working directory, output to logs/NN-name.txt.
 * Returns the command's exit code, or -1 if it could not be started. */
static int fk__run_step(fk__demo *d, const char *name, char *const args[])
{
    if (d->step == FK__MAX_STEPS)
        return -1;
    char *log = d->steps[d->step].log;
    snprintf(d->steps[d->step].name, sizeof d->steps[0].name, "%s", name);
    snprintf(log, sizeof d->steps[0].log, "logs/%02d-%s.txt", d->step + 1, name);
    d->steps[d->step].rc = -1;
    d->step++;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    char *argv[32];
    size_t n = 0;
    argv[n++] = d->self;
    for (; args[n - 1] != NULL && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    pid_t pid;
    int rc = posix_spawn(&pid, d->self, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    fprintf(stderr, _("  %-28s exit %d   (%s)\n"), name, WEXITSTATUS(status), log);
    d->steps[d->step - 1].rc = WEXITSTATUS(status);
    return WEXITSTATUS(status);
}

#define FK__STEP(d, name, ok_max, ...)                                                             \
    do {                                                                                           \
        char *const fk__args[] = {__VA_ARGS__, NULL};                                              \
        int fk__rc = fk__run_step(d, name, fk__args);                                              \
        if (fk__rc < 0 || fk__rc > (ok_max)) {                                                     \
            fk_cli_error(_("demo step '%s' failed (exit %d): see %s/logs/"), name, fk__rc,         \
                         d->dir);                                                                  \
            return FK_EXIT_ENV;                                                                    \
        }                                                                                          \
    } while (0)

/* The demo's print order (docs/job-yaml.md): it expects what the sample holds, and its
 * vouchers are issued today (JST) and valid for half a year, so that the demo's documents
 * are dated as a real mailing would be. */
static fk_status fk__write_order(const fk__demo *d, const char *path, fk_err *err)
{
    size_t split[FK_CAT_COUNT];
    fk_sample_split(d->count, split);
    fk_date today = fk_date_today();
    char from[16], until[16];
    fk_date_format_iso(today, from, sizeof from);
    fk_date_format_iso(fk_date_add_days(today, 182), until, sizeof until);
    char order[4096];
    int n = snprintf(order, sizeof order,
                     "# The demo's print order (docs/job-yaml.md).\n"
                     "fiscal_year: 2025\nward: 新宿区\njob_code: DEMO25\n"
                     "expected:\n  積極的支援: %zu\n  動機付け支援: %zu\n  非肥満保健指導: %zu\n"
                     "  健康相談: %zu\n  受診勧奨通知: %zu\n"
                     "insurer:\n  number: \"131045\"\n  name: 新宿区\n"
                     "  department: 新宿区健康部健康づくり課\n  postal_code: 160-8484\n"
                     "  address: 新宿区歌舞伎町1-4-1\n  phone: 03-3209-1111\n  head: 新宿区長\n"
                     "  contact: 新宿区健康部健康づくり課 保健指導係\n"
                     "voucher:\n  valid_from: %s\n  valid_until: %s\n  min_days: 30\n"
                     "  copay_amount: 0\n  insurer_limit: 28000\n  contract_agent: 東京都医師会\n"
                     "  payment_agent_number: \"91399999\"\n"
                     "  payment_agent_name: 東京都国民健康保険団体連合会\n"
                     "batch_size: 500\npostal_mismatch: warn\n"
                     "enclosures:\n"
                     "  積極的支援: [利用のご案内, 保健指導参加申込書, 返信用封筒]\n"
                     "  動機付け支援: [利用のご案内, 保健指導参加申込書, 返信用封筒]\n"
                     "  非肥満保健指導: [利用のご案内, 保健指導参加申込書, 返信用封筒]\n"
                     "  健康相談: [利用のご案内]\n  受診勧奨通知: [リーフレット]\n",
                     split[FK_CAT_SEKKYOKU], split[FK_CAT_DOUKI], split[FK_CAT_HIHIMAN],
                     split[FK_CAT_KENKO], split[FK_CAT_JUSHIN], from, until);
    if (n < 0 || (size_t)n >= sizeof order)
        return fk_failf(err, FK_EINVAL, _("the demo's order does not fit"));
    return fk_fs_write_atomic(path, order, (size_t)n, err);
}

static fk_status fk__prepare(fk__demo *d, fk_err *err)
{
    fk_status s = fk_fs_mkdir_private(d->dir, err);
    char logs[4096];
    if (s == FK_OK && (!fk_fs_join(logs, sizeof logs, d->dir, "logs") || mkdir(logs, 0700) != 0))
        s = fk_failf(err, FK_EIO, _("%s/logs: %s"), d->dir, strerror(errno));
    char path[4096];
    if (s == FK_OK && !fk_fs_join(path, sizeof path, d->dir, "job.yaml"))
        s = fk_failf(err, FK_EINVAL, _("%s: path too long"), d->dir);
    if (s == FK_OK)
        s = fk__write_order(d, path, err);
    if (s == FK_OK)
        s = fk__write_password(d, "password-sato.txt", err);
    if (s == FK_OK)
        s = fk__write_password(d, "password-tanaka.txt", err);
    if (s == FK_OK)
        s = fk__write_password(d, "password-kansa.txt", err);
    if (s == FK_OK && chdir(d->dir) != 0)
        s = fk_failf(err, FK_EIO, "%s: %s", d->dir, strerror(errno));
    return s;
}

#define FK__AS(user) "--user", user, "--user-password-file", "password-" user ".txt"

static int fk__steps(fk__demo *d)
{
    char count[32];
    snprintf(count, sizeof count, "%zu", d->count);
    FK__STEP(d, "ward-sample", 0, "sample", "-o", "ward.csv", "--count", count, "--seed",
             "20250701", "--dirty", "12", "--dirty-report", "planted-rejects.tsv");
    FK__STEP(d, "ward-seal", 0, "seal", "ward.csv", "-o", "package.zip", "--password-out",
             "package-password.txt", "--notice", "password-notice.pdf");
    FK__STEP(d, "init", 0, "init", "job", "--order", "job.yaml", "--name", "佐藤 一郎",
             "--affiliation", "封緘印刷株式会社", "--kdf-cost", "interactive", FK__AS("sato"));
    FK__STEP(d, "user-add-handler", 0, "user", "add", "job", "tanaka", "--name", "田中 花子",
             "--affiliation", "封緘印刷株式会社", "--role", "handler", "--new-password-file",
             "password-tanaka.txt", "--kdf-cost", "interactive", FK__AS("sato"));
    FK__STEP(d, "user-add-auditor", 0, "user", "add", "job", "kansa", "--name", "新宿 監査",
             "--affiliation", "新宿区健康部", "--role", "auditor", "--new-password-file",
             "password-kansa.txt", "--kdf-cost", "interactive", FK__AS("sato"));
    FK__STEP(d, "audit-pubkey", 0, "audit", "pubkey", "job", "-o", "audit-pubkey.hex",
             FK__AS("sato"));
    FK__STEP(d, "receipt-receive-medium", 0, "receipt", "job", "receive", "--item", "medium",
             "--ward-staff", "新宿 健康部 職員", "--package", "package.zip", "-o",
             "receipt-1-medium.pdf", FK__AS("sato"));
    FK__STEP(d, "receipt-receive-notice", 0, "receipt", "job", "receive", "--item", "notice",
             "--ward-staff", "新宿 健康部 職員", "-o", "receipt-2-notice.pdf", FK__AS("sato"));
    FK__STEP(d, "open", 1, "open", "job", "package.zip", "--package-password-file",
             "package-password.txt", FK__AS("tanaka"));
    FK__STEP(d, "rejects", 1, "rejects", "job", FK__AS("tanaka"));
    FK__STEP(d, "check", 1, "check", "job", FK__AS("tanaka"));
    FK__STEP(d, "proof", 0, "proof", "job", "-o", "proof", FK__AS("tanaka"));
    FK__STEP(d, "proof-approve", 0, "proof", "job", "--approve", FK__AS("sato"));
    FK__STEP(d, "compose", 1, "compose", "job", FK__AS("tanaka"));
    FK__STEP(d, "export", 0, "export", "job", "--proof", "-o", "print", FK__AS("tanaka"));
    FK__STEP(d, "roster", 0, "roster", "job", "-o", ".", FK__AS("sato"));
    /* Printing, then the enclosure check: an inserter run with planted faults, caught,
     * reworked, verified. Without a printer the demo states that the paper was printed. */
    char *printed = d->printer != NULL ? NULL : "--assume-printed";
    if (d->printer != NULL)
        FK__STEP(d, "print", 0, "print", "job", "--all", "--printer", d->printer, FK__AS("tanaka"));
    FK__STEP(d, "simulate-inserter", 0, "simulate-inserter", "job", "-o", "scans.csv", "--swap",
             "1", "--drop", "1", "--forge", "1", "--unread", "1", "--seed", "20250701",
             FK__AS("tanaka"));
    FK__STEP(d, "verify", 1, "verify", "job", "--camera", "scans.csv", FK__AS("tanaka"), printed);
    FK__STEP(d, "verify-rework", 0, "verify", "job", "--rework", "failed", "--reason",
             "opened, sheets reprinted", FK__AS("tanaka"));
    FK__STEP(d, "simulate-reworked", 0, "simulate-inserter", "job", "-o", "rework-scans.csv",
             "--reworked", FK__AS("tanaka"));
    FK__STEP(d, "verify-again", 0, "verify", "job", "--camera", "rework-scans.csv",
             FK__AS("tanaka"), printed);
    FK__STEP(d, "reconcile", 0, "reconcile", "job", "--format", "pdf", "-o", "reconciliation.pdf",
             FK__AS("sato"));
    FK__STEP(d, "receipt-deliver", 0, "receipt", "job", "deliver", "--ward-staff",
             "新宿 健康部 職員", "-o", "receipt-3-deliver.pdf", FK__AS("sato"));
    FK__STEP(d, "receipt-return", 0, "receipt", "job", "return", "--ward-staff", "新宿 健康部 職員",
             "-o", "receipt-4-return.pdf", FK__AS("sato"));
    FK__STEP(d, "audit-verify", 0, "audit", "verify", "job", "--pubkey", "audit-pubkey.hex",
             FK__AS("kansa"));
    /* Where the job stands, before the erasure destroys every key slot (no login after). */
    FK__STEP(d, "status", 0, "status", "job", FK__AS("kansa"));
    FK__STEP(d, "erase", 0, "erase", "job", "-o", ".", FK__AS("sato"));
    FK__STEP(d, "report", 0, "report", "job", "-o", "report.zip", "--notice",
             "report-password-notice.pdf", "--password-out", "report-password.txt", "--user",
             "sato");
    FK__STEP(d, "audit-verify-package", 0, "audit", "verify", "--package", "report.zip",
             "--package-password-file", "report-password.txt", "--pubkey", "audit-pubkey.hex");
    return FK_EXIT_OK;
}

/* The log of the last step called name, or NULL. */
static const char *fk__log_of(const fk__demo *d, const char *name)
{
    for (int i = d->step - 1; i >= 0; i--)
        if (strcmp(d->steps[i].name, name) == 0)
            return d->steps[i].log;
    return NULL;
}

/* Copies a step's log to stdout, indented. */
static void fk__show(const char *log)
{
    FILE *f = log ? fopen(log, "r") : NULL;
    char line[512];
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        printf("  %s", line);
    if (f != NULL)
        fclose(f);
}

static void fk__summary(const fk__demo *d)
{
    printf(_("\nfukan demo in %s: where the job stands (fukan status)\n\n"), d->dir);
    fk__show(fk__log_of(d, "status"));
    printf(_("\n  steps (exit code, log):\n"));
    for (int i = 0; i < d->step; i++)
        printf("    %-20s %d  %s/%s\n", d->steps[i].name, d->steps[i].rc, d->dir, d->steps[i].log);
    const char *rejects = fk__log_of(d, "rejects");
    printf(
        _("\n  the ward's export     %s/ward.csv (CP932), sealed as package.zip; the password\n"
          "                        in package-password.txt and password-notice.pdf\n"
          "  rejected rows         %s/%s (planted: planted-rejects.tsv)\n"
          "  user passwords        %s/password-*.txt (sato 取扱責任者, tanaka 取扱者, kansa 監査)\n"
          "  job store             %s/job/ (records and print files sealed with the job key)\n"
          "  proofs for approval   %s/proof/ (PDF and PNG)\n"
          "  print files, run file %s/print/ (clear export, audited; removed by the erasure)\n"
          "  custody receipts      %s/receipt-*.pdf (受領, 引渡し, 返却)\n"
          "  erasure certificate   %s/erasure-certificate.pdf and .sig (Ed25519)\n"
          "  report for the ward   %s/report.zip (AES-256); password in report-password.txt\n"
          "                        and report-password-notice.pdf\n"
          "  roster                %s/roster.pdf, roster.csv\n"
          "  audit public key      %s/audit-pubkey.hex\n"),
        d->dir, d->dir, rejects ? rejects : "logs/", d->dir, d->dir, d->dir, d->dir, d->dir, d->dir,
        d->dir, d->dir, d->dir);
    if (d->printer != NULL)
        printf(_("  printed               on the CUPS queue %s (print log: fukan printlog)\n"),
               d->printer);
    else
        printf(_("  printed               no printer given: the enclosure check assumed the paper\n"
                 "                        printed (fukan demo --printer QUEUE prints it)\n"));
}

static int fk__run(int argc, char **argv)
{
    static fk__demo d; /* large: the step table */
    d = (fk__demo){.dir = "demo",
                   .count =
                       FK_SAMPLE_SEKKYOKU + FK_SAMPLE_DOUKI + FK_SAMPLE_HIHIMAN + FK_SAMPLE_JUSHIN};
    bool have_dir = false;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            long n = strtol(argv[++i], &end, 10);
            if (*end != '\0' || n < 1 || n > 1000000) {
                fk_cli_error(_("--count must be a number from 1 to 1000000"));
                return FK_EXIT_USAGE;
            }
            d.count = (size_t)n;
        } else if (strcmp(argv[i], "--printer") == 0 && i + 1 < argc) {
            d.printer = argv[++i];
        } else if (argv[i][0] != '-' && !have_dir) {
            d.dir = argv[i];
            have_dir = true;
        } else {
            fk_cli_usage_error(fk__usage);
            return FK_EXIT_USAGE;
        }
    }
    fk_err err;
    fk_err_clear(&err);
    ssize_t n = readlink("/proc/self/exe", d.self, sizeof d.self - 1);
    if (n <= 0) {
        fk_cli_error(_("cannot find fukan's own executable (/proc/self/exe)"));
        return FK_EXIT_ENV;
    }
    d.self[n] = '\0';
    fk_status s = fk_crypto_init(&err);
    if (s == FK_OK)
        s = fk__prepare(&d, &err);
    if (s != FK_OK)
        return fk_cli_fail(&err);
    fprintf(stderr, _("fukan demo: running the whole job in %s\n"), d.dir);
    int rc = fk__steps(&d);
    if (rc == FK_EXIT_OK)
        fk__summary(&d);
    return rc;
}

const fk_command fk_cmd_demo = {
    .name = "demo",
    .summary = N_("run the whole job on sample data"),
    .usage = fk__usage,
    .run = fk__run,
};
