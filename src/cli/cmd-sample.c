/*
 * fukan sample: writes a synthetic ward export (src/sample) for tests and demos. The file
 * looks like personal data, so it is written as such: mode 0600, to a temporary name that
 * is renamed into place, and never over an existing file unless --force.
 */
#include "cli.h"
#include "sample/sample.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const fk_command fk_cmd_sample; /* its usage, for usage errors */

#define FK__REPORT_MAX (64u * 1024 * 1024)

static bool fk__parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = (uint64_t)v;
    return true;
}

static void fk__progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    fk_cli_progress(N_("writing sample rows"), done, total);
}

/* Writes the sample to a 0600 temporary file next to path, then moves it into place. */
static fk_status fk__write_sample(const char *path, bool force, const fk_sample_options *opt,
                                  fk_buf *dirty, fk_buf *disagree, fk_err *err)
{
    char tmp[PATH_MAX];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return fk_failf(err, FK_EINVAL, _("%s: path too long"), path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return fk_failf(err, FK_EIO, _("%s: cannot create: %s"), path, strerror(errno));
    FILE *fp = fdopen(fd, "wb");
    if (fp == NULL) {
        close(fd);
        unlink(tmp);
        return fk_failf(err, FK_EIO, _("%s: cannot open: %s"), path, strerror(errno));
    }
    fk_status st = fk_sample_write(fp, opt, dirty, disagree,
                                   fk_cli_stderr_is_tty() ? fk__progress : NULL, NULL, err);
    if (st == FK_OK && (fflush(fp) != 0 || fsync(fileno(fp)) != 0))
        st = fk_failf(err, FK_EIO, _("%s: write failed: %s"), path, strerror(errno));
    if (fclose(fp) != 0 && st == FK_OK)
        st = fk_failf(err, FK_EIO, _("%s: write failed: %s"), path, strerror(errno));
    if (st == FK_OK) {
        /* link() refuses an existing target, so a file that appeared meanwhile survives. */
        int rc = force ? rename(tmp, path) : link(tmp, path);
        if (rc != 0)
            st = fk_failf(err, errno == EEXIST ? FK_EEXIST : FK_EIO, "%s: %s", path,
                          strerror(errno));
    }
    if (st != FK_OK || !force)
        unlink(tmp);
    return st;
}

static fk_status fk__write_report(const char *path, bool force, const fk_buf *b, fk_err *err)
{
    if (!force && fk_fs_exists(path))
        return fk_failf(err, FK_EEXIST, _("%s: exists (use --force to replace it)"), path);
    return fk_fs_write_atomic(path, b->data != NULL ? b->data : "", b->len, err);
}

static int fk__run(int argc, char **argv)
{
    fk_sample_options opt;
    fk_sample_options_init(&opt);
    const char *out = NULL, *dirty_path = NULL, *disagree_path = NULL;
    bool force = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        bool takes = true;
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            out = v;
        } else if (strcmp(a, "--count") == 0) {
            if (!fk__parse_u64(v, FK_SAMPLE_MAX_ROWS, &n) || n == 0)
                goto bad_value;
            opt.count = (size_t)n;
        } else if (strcmp(a, "--seed") == 0) {
            if (!fk__parse_u64(v, UINT64_MAX, &n))
                goto bad_value;
            opt.seed = n;
        } else if (strcmp(a, "--encoding") == 0) {
            if (v != NULL && (strcmp(v, "cp932") == 0 || strcmp(v, "CP932") == 0))
                opt.encoding = FK_SAMPLE_CP932;
            else if (v != NULL &&
                     (strcmp(v, "utf-8") == 0 || strcmp(v, "UTF-8") == 0 || strcmp(v, "utf8") == 0))
                opt.encoding = FK_SAMPLE_UTF8;
            else
                goto bad_value;
        } else if (strcmp(a, "--fiscal-year") == 0) {
            if (!fk__parse_u64(v, 9999, &n))
                goto bad_value;
            opt.fiscal_year = (int)n;
        } else if (strcmp(a, "--dirty") == 0) {
            if (!fk__parse_u64(v, FK_SAMPLE_MAX_ROWS, &n))
                goto bad_value;
            opt.dirty = (size_t)n;
        } else if (strcmp(a, "--disagree") == 0) {
            if (!fk__parse_u64(v, FK_SAMPLE_MAX_ROWS, &n))
                goto bad_value;
            opt.disagree = (size_t)n;
        } else if (strcmp(a, "--dirty-report") == 0) {
            dirty_path = v;
        } else if (strcmp(a, "--disagree-report") == 0) {
            disagree_path = v;
        } else {
            takes = false;
            if (strcmp(a, "--lf") == 0)
                opt.crlf = false;
            else if (strcmp(a, "--bom") == 0)
                opt.bom = true;
            else if (strcmp(a, "--force") == 0)
                force = true;
            else {
                fk_cli_error(_("sample: unknown option '%s'"), a);
                fk_cli_usage_error(fk_cmd_sample.usage);
                return FK_EXIT_USAGE;
            }
        }
        if (takes) {
            if (v == NULL) {
                fk_cli_error(_("sample: %s needs a value"), a);
                fk_cli_usage_error(fk_cmd_sample.usage);
                return FK_EXIT_USAGE;
            }
            i++;
        }
        continue;
    bad_value:
        fk_cli_error(_("sample: invalid value for %s"), a);
        fk_cli_usage_error(fk_cmd_sample.usage);
        return FK_EXIT_USAGE;
    }
    if (out == NULL) {
        fk_cli_error(_("sample: -o FILE is required"));
        fk_cli_usage_error(fk_cmd_sample.usage);
        return FK_EXIT_USAGE;
    }
    if (opt.bom && opt.encoding != FK_SAMPLE_UTF8) {
        fk_cli_error(_("sample: --bom needs --encoding utf-8"));
        fk_cli_usage_error(fk_cmd_sample.usage);
        return FK_EXIT_USAGE;
    }
    fk_err err;
    fk_err_clear(&err);
    const char *paths[] = {out, dirty_path, disagree_path};
    for (size_t i = 0; i < 3; i++) {
        if (!force && paths[i] != NULL && fk_fs_exists(paths[i])) {
            fk_cli_error(_("%s: exists (use --force to replace it)"), paths[i]);
            return FK_EXIT_USAGE;
        }
    }

    fk_buf dirty, disagree;
    fk_buf_init(&dirty, FK__REPORT_MAX);
    fk_buf_init(&disagree, FK__REPORT_MAX);
    fk_status st = fk__write_sample(out, force, &opt, dirty_path != NULL ? &dirty : NULL,
                                    disagree_path != NULL ? &disagree : NULL, &err);
    if (st == FK_OK && dirty_path != NULL)
        st = fk__write_report(dirty_path, force, &dirty, &err);
    if (st == FK_OK && disagree_path != NULL)
        st = fk__write_report(disagree_path, force, &disagree, &err);
    fk_buf_free(&dirty);
    fk_buf_free(&disagree);
    return st == FK_OK ? FK_EXIT_OK : fk_cli_fail(&err);
}

const fk_command fk_cmd_sample = {
    .name = "sample",
    .summary = N_("write a synthetic ward export for tests and demos"),
    .usage =
        N_("usage: fukan sample -o FILE [--count N] [--seed S] [--encoding cp932|utf-8]\n"
           "                    [--fiscal-year Y] [--dirty K] [--dirty-report F]\n"
           "                    [--disagree K] [--disagree-report F] [--lf] [--bom] [--force]\n"
           "\n"
           "Writes a CSV in the ward's export format (docs/ward-export.md) filled with fictitious\n"
           "residents whose results agree with their category. The same options and seed give\n"
           "the same bytes.\n"
           "\n"
           "  -o FILE              output file (mode 0600; not replaced unless --force)\n"
           "  --count N            N rows split like the seed volumes (default: exactly\n"
           "                       積極的支援 613, 動機付け支援 1,130, 非肥満保健指導 2,387,\n"
           "                       受診勧奨通知 283)\n"
           "  --seed S             PRNG seed, a 64-bit integer (default 1)\n"
           "  --encoding E         cp932 (default) or utf-8; rare-character names only in utf-8\n"
           "  --fiscal-year Y      the job's fiscal year (default 2025)\n"
           "  --dirty K            add K malformed rows, each breaking one rule\n"
           "  --dirty-report F     write LINE<TAB>kind for each malformed row\n"
           "  --disagree K         give K rows values that disagree with their category\n"
           "  --disagree-report F  write LINE<TAB>kind for each of those rows\n"
           "  --lf                 LF line ends instead of CRLF\n"
           "  --bom                start a UTF-8 file with a byte order mark\n"
           "  --force              replace existing files\n"),
    .run = fk__run,
};
