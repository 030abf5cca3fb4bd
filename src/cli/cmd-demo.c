/* fukan demo: the whole job on freshly generated sample data, step by step with the real
 * commands, as the ward and the contractor's staff would run it. */
#include "cli.h"
#include "core/crypto.h"
#include "util/fsutil.h"

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
    "usage: fukan demo [DIR]\n\n"
    "Runs the whole job on freshly generated sample data (fictitious people) in DIR (default\n"
    "./demo, which must not exist or be empty): the ward's export and sealed package, a job\n"
    "with demo users whose passwords are written to files in DIR, opening, the quality gate,\n"
    "the proof set, composing, the clear export of the print files, the roster, the\n"
    "custody receipts, the reconciliation, the verified audit log, the erasure with its\n"
    "certificate and the encrypted report for the ward. Each step runs the real command;\n"
    "its output is kept in DIR/logs/.\n"
    "Prints a summary of the counts and where each output is.\n";

typedef struct {
    const char *dir;
    char self[4096];
    int step;
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
    char log[4096];
    snprintf(log, sizeof log, "logs/%02d-%s.txt", ++d->step, name);
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
    fprintf(stderr, "  %-28s exit %d   (%s)\n", name, WEXITSTATUS(status), log);
    return WEXITSTATUS(status);
}

#define FK__STEP(d, name, ok_max, ...)                                                             \
    do {                                                                                           \
        char *const fk__args[] = {__VA_ARGS__, NULL};                                              \
        int fk__rc = fk__run_step(d, name, fk__args);                                              \
        if (fk__rc < 0 || fk__rc > (ok_max)) {                                                     \
            fk_cli_error("demo step '%s' failed (exit %d): see %s/logs/", name, fk__rc, d->dir);   \
            return FK_EXIT_ENV;                                                                    \
        }                                                                                          \
    } while (0)

static const char fk__order[] =
    "# The demo's print order (docs/job-yaml.md).\n"
    "fiscal_year: 2025\nward: 新宿区\njob_code: DEMO25\n"
    "expected:\n  積極的支援: 613\n  動機付け支援: 1130\n  非肥満保健指導: 2387\n"
    "  健康相談: 0\n  受診勧奨通知: 283\n"
    "voucher:\n  valid_from: 2025-07-01\n  valid_until: 2026-03-31\n"
    "batch_size: 500\npostal_mismatch: warn\n"
    "enclosures:\n"
    "  積極的支援: [利用のご案内, 保健指導参加申込書, 返信用封筒]\n"
    "  動機付け支援: [利用のご案内, 保健指導参加申込書, 返信用封筒]\n"
    "  非肥満保健指導: [利用のご案内, 保健指導参加申込書, 返信用封筒]\n"
    "  健康相談: [利用のご案内]\n  受診勧奨通知: [リーフレット]\n";

static fk_status fk__prepare(fk__demo *d, fk_err *err)
{
    fk_status s = fk_fs_mkdir_private(d->dir, err);
    char logs[4096];
    if (s == FK_OK && (!fk_fs_join(logs, sizeof logs, d->dir, "logs") || mkdir(logs, 0700) != 0))
        s = fk_failf(err, FK_EIO, "%s/logs: %s", d->dir, strerror(errno));
    char path[4096];
    if (s == FK_OK && !fk_fs_join(path, sizeof path, d->dir, "job.yaml"))
        s = fk_failf(err, FK_EINVAL, "%s: path too long", d->dir);
    if (s == FK_OK)
        s = fk_fs_write_atomic(path, fk__order, strlen(fk__order), err);
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
    FK__STEP(d, "ward-sample", 0, "sample", "-o", "ward.csv", "--seed", "20250701", "--dirty", "12",
             "--dirty-report", "planted-rejects.tsv");
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
    FK__STEP(d, "reconcile", 0, "reconcile", "job", "--format", "pdf", "-o", "reconciliation.pdf",
             FK__AS("sato"));
    FK__STEP(d, "receipt-deliver", 0, "receipt", "job", "deliver", "--ward-staff",
             "新宿 健康部 職員", "-o", "receipt-3-deliver.pdf", FK__AS("sato"));
    FK__STEP(d, "receipt-return", 0, "receipt", "job", "return", "--ward-staff", "新宿 健康部 職員",
             "-o", "receipt-4-return.pdf", FK__AS("sato"));
    FK__STEP(d, "audit-verify", 0, "audit", "verify", "job", "--pubkey", "audit-pubkey.hex",
             FK__AS("kansa"));
    FK__STEP(d, "erase", 0, "erase", "job", "-o", ".", FK__AS("sato"));
    FK__STEP(d, "report", 0, "report", "job", "-o", "report.zip", "--notice",
             "report-password-notice.pdf", "--password-out", "report-password.txt", "--user",
             "sato");
    FK__STEP(d, "audit-verify-package", 0, "audit", "verify", "--package", "report.zip",
             "--package-password-file", "report-password.txt", "--pubkey", "audit-pubkey.hex");
    return FK_EXIT_OK;
}

/* Prints the lines of a step's log that start with one of the prefixes (all if NULL). */
static void fk__show(const char *label, const char *log, const char *const *prefixes)
{
    FILE *f = fopen(log, "r");
    char line[512];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        bool wanted = prefixes == NULL;
        for (size_t i = 0; !wanted && prefixes[i] != NULL; i++)
            wanted = strncmp(line, prefixes[i], strlen(prefixes[i])) == 0;
        if (wanted)
            printf("  %-8s %s", label, line);
    }
    if (f != NULL)
        fclose(f);
}

static void fk__summary(const fk__demo *d)
{
    static const char *const check[] = {"4", "3", "2", "1", "0", "5", "6", "7", "8", "9", NULL};
    static const char *const compose[] = {"composed", NULL};
    static const char *const audit[] = {"audit log", NULL};
    printf("\nfukan demo in %s\n", d->dir);
    static const char *const erase[] = {"verification", NULL};
    fk__show("open", "logs/09-open.txt", NULL);
    fk__show("check", "logs/11-check.txt", check);
    fk__show("compose", "logs/14-compose.txt", compose);
    fk__show("audit", "logs/20-audit-verify.txt", audit);
    fk__show("erase", "logs/21-erase.txt", erase);
    fk__show("report", "logs/23-audit-verify-package.txt", audit);
    printf(
        "\n  the ward's export     %s/ward.csv (CP932), sealed as package.zip; the password\n"
        "                        in package-password.txt and password-notice.pdf\n"
        "  rejected rows         %s/logs/08-rejects.txt (planted: planted-rejects.tsv)\n"
        "  user passwords        %s/password-*.txt (sato 取扱責任者, tanaka 取扱者, kansa 監査)\n"
        "  job store             %s/job/ (records and print files sealed with the job key)\n"
        "  proofs for approval   %s/proof/ (PDF and PNG)\n"
        "  print files, run file %s/print/ (clear export, audited; removed by the erasure)\n"
        "  custody receipts      %s/receipt-*.pdf (受領, 引渡し, 返却)\n"
        "  erasure certificate   %s/erasure-certificate.pdf and .sig (Ed25519)\n"
        "  report for the ward   %s/report.zip (AES-256); password in report-password.txt\n"
        "                        and report-password-notice.pdf\n"
        "  roster                %s/roster.pdf, roster.csv\n"
        "  audit public key      %s/audit-pubkey.hex\n"
        "  step logs             %s/logs/\n",
        d->dir, d->dir, d->dir, d->dir, d->dir, d->dir, d->dir, d->dir, d->dir, d->dir, d->dir,
        d->dir);
}

static int fk__run(int argc, char **argv)
{
    if (argc > 2) {
        fputs(fk__usage, stderr);
        return FK_EXIT_USAGE;
    }
    fk__demo d = {.dir = argc == 2 ? argv[1] : "demo"};
    fk_err err;
    fk_err_clear(&err);
    ssize_t n = readlink("/proc/self/exe", d.self, sizeof d.self - 1);
    if (n <= 0) {
        fk_cli_error("cannot find fukan's own executable (/proc/self/exe)");
        return FK_EXIT_ENV;
    }
    d.self[n] = '\0';
    fk_status s = fk_crypto_init(&err);
    if (s == FK_OK)
        s = fk__prepare(&d, &err);
    if (s != FK_OK)
        return fk_cli_fail(&err);
    fprintf(stderr, "fukan demo: running the whole job in %s\n", d.dir);
    int rc = fk__steps(&d);
    if (rc == FK_EXIT_OK)
        fk__summary(&d);
    return rc;
}

const fk_command fk_cmd_demo = {
    .name = "demo",
    .summary = "run the whole job on sample data",
    .usage = fk__usage,
    .run = fk__run,
};
