/*
 * Benchmark of the enclosure check from a camera export: a plan of N envelopes split like the
 * sample job (14% 積極的, 26% 動機付け, 54% 非肥満 with two sheets, 6% 受診勧奨 with one), its
 * clean export written by the simulated inserter to a temporary file, then read and checked
 * with fk_verify_camera_file (parse, group, check every sheet). Prints envelopes per second
 * and the peak resident set size. With no argument it runs 4,413 and 500,000 envelopes.
 *
 * usage: bench-verify [ENVELOPES]
 */
#include "verify/camera.h"
#include "verify/simulate.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long fk__max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* The peak resident set since the last reset (VmHWM), in MB; resetting it (Linux's
 * clear_refs "5") lets the check's own peak be told from the generator's. */
static double fk__hwm_mb(bool reset)
{
    if (reset) {
        FILE *c = fopen("/proc/self/clear_refs", "w");
        if (c != NULL) {
            fputs("5", c);
            fclose(c);
        }
    }
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double mb = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmHWM:", 6) == 0)
            mb = strtod(line + 6, NULL) / 1024;
    if (f != NULL)
        fclose(f);
    return mb;
}

static double fk__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fk__bench(long n)
{
    fk_err err;
    fk_err_clear(&err);
    fk_verify_plan *plan;
    if (fk_verify_plan_new("BENCH1", &plan, &err) != FK_OK)
        return 1;
    static const struct {
        fk_category c;
        int permille, sheets;
    } split[] = {{FK_CAT_SEKKYOKU, 139, 2},
                 {FK_CAT_DOUKI, 256, 2},
                 {FK_CAT_HIHIMAN, 541, 2},
                 {FK_CAT_JUSHIN, 64, 1}};
    long made = 0;
    for (size_t k = 0; k < sizeof split / sizeof split[0]; k++) {
        long count =
            k + 1 == sizeof split / sizeof split[0] ? n - made : n * split[k].permille / 1000;
        for (long s = 1; s <= count; s++) {
            char check[11];
            snprintf(check, sizeof check, "%010lx",
                     (unsigned long)((s * 2654435761UL + k) & 0xffffffffffUL));
            if (fk_verify_plan_add(plan, split[k].c, s, (int)((s - 1) / 500 + 1), split[k].sheets,
                                   check, &err) != FK_OK) {
                fprintf(stderr, "bench-verify: %s\n", fk_err_message(&err));
                return 1;
            }
        }
        made += count;
    }
    fk_buf csv, planted;
    fk_buf_init(&csv, (size_t)1 << 31);
    fk_buf_init(&planted, 1 << 20);
    fk_simulate_options o = {.seed = 1};
    char path[] = "/tmp/fk-bench-verify-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || fk_verify_simulate(plan, &o, &csv, &planted, &err) != FK_OK ||
        write(fd, csv.data, csv.len) != (ssize_t)csv.len) {
        fprintf(stderr, "bench-verify: cannot write the export\n");
        return 1;
    }
    close(fd);
    size_t bytes = csv.len;
    fk_buf_free(&csv);
    fk_buf_free(&planted);
    long rss0 = fk__max_rss_kb();
    double base = fk__hwm_mb(/*reset*/ true);
    fk_verify *v;
    fk_verify_outcomes out = {0};
    double t0 = fk__now();
    fk_status s = fk_verify_new(plan, NULL, &v, &err);
    if (s == FK_OK)
        s = fk_verify_camera_file(v, path, &out, &err);
    double t = fk__now() - t0;
    double check_peak = fk__hwm_mb(/*reset*/ false);
    unlink(path);
    long failed = 0;
    for (size_t i = 0; i < out.n; i++)
        failed += out.items[i].result.faults != 0;
    if (s != FK_OK || (long)out.n != n || failed != 0) {
        fprintf(stderr, "bench-verify: %s (%zu envelopes, %ld failed)\n", fk_err_message(&err),
                out.n, failed);
        return 1;
    }
    printf("verify %ld envelopes (%ld sheets, %.1f MB export): %.3f s, %.0f envelopes/s; "
           "resident %.1f MB before the check (plan), peak %.1f MB during it; process peak "
           "%.1f MB with the generated export\n",
           n, out.sheets, (double)bytes / 1e6, t, (double)n / t, base, check_peak,
           (double)(fk__max_rss_kb() > rss0 ? fk__max_rss_kb() : rss0) / 1024);
    fk_verify_outcomes_free(&out);
    fk_verify_free(v);
    fk_verify_plan_free(plan);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        char *end;
        long n = strtol(argv[1], &end, 10);
        if (*end != '\0' || n < 1 || n > 10000000) {
            fprintf(stderr, "usage: bench-verify [ENVELOPES]\n");
            return 2;
        }
        return fk__bench(n);
    }
    return fk__bench(4413) || fk__bench(500000);
}
