/* Progress of long steps on stderr: see fk_cli_progress in cli.h. */
#include "cli.h"
#include "util/i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FK__BAR_CELLS 24

static struct {
    const char *label; /* the msgid; NULL when no progress is running */
    size_t done, total;
    double start, drawn, after;
    bool is_tty, bar_shown, registered;
} fk__p;

static double fk__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "1 min 05 s", "12 s" (in the operator's language). */
static void fk__duration(double seconds, char *out, size_t size)
{
    long s = seconds < 0 ? 0 : (long)(seconds + 0.5);
    if (s >= 60)
        snprintf(out, size, _("%ld min %02ld s"), s / 60, s % 60);
    else
        snprintf(out, size, _("%ld s"), s);
}

static void fk__draw(double now)
{
    double elapsed = now - fk__p.start;
    double rate = elapsed > 0 ? (double)fk__p.done / elapsed : 0;
    size_t filled = fk__p.total ? fk__p.done * FK__BAR_CELLS / fk__p.total : 0;
    char bar[FK__BAR_CELLS + 1], left[48] = "";
    memset(bar, '#', filled);
    memset(bar + filled, '.', FK__BAR_CELLS - filled);
    bar[FK__BAR_CELLS] = '\0';
    if (rate > 0 && (double)(fk__p.total - fk__p.done) / rate >= 1.0) {
        char d[32];
        fk__duration((double)(fk__p.total - fk__p.done) / rate, d, sizeof d);
        snprintf(left, sizeof left, _("%s left"), d);
    }
    int pct = fk__p.total ? (int)(fk__p.done * 100 / fk__p.total) : 0;
    fprintf(stderr, "\r\033[K%s [%s] %3d%%  %zu/%zu  %.*f/s  %s", _(fk__p.label), bar, pct,
            fk__p.done, fk__p.total, rate < 100 ? 1 : 0, rate, left);
    fflush(stderr);
    fk__p.drawn = now;
    fk__p.bar_shown = true;
}

void fk_cli_progress_clear(void)
{
    if (fk__p.bar_shown) {
        fputs("\r\033[K", stderr);
        fk__p.bar_shown = false;
        fk__p.drawn = 0;
    }
}

void fk_cli_progress_end(void)
{
    if (fk__p.label == NULL)
        return;
    double elapsed = fk__now() - fk__p.start;
    if (fk__p.bar_shown)
        fputs("\r\033[K", stderr);
    char d[32];
    fk__duration(elapsed, d, sizeof d);
    double rate = elapsed > 0 ? (double)fk__p.done / elapsed : 0;
    fprintf(stderr, _("%s: %zu of %zu in %s (%.*f/s)\n"), _(fk__p.label), fk__p.done, fk__p.total,
            d, rate < 100 ? 1 : 0, rate);
    fk__p.label = NULL;
    fk__p.bar_shown = false;
}

void fk_cli_progress(const char *label, size_t done, size_t total)
{
    if (fk__p.label != NULL && strcmp(fk__p.label, label) != 0)
        fk_cli_progress_end();
    double now = fk__now();
    if (fk__p.label == NULL) {
        if (!fk__p.registered) {
            /* A step that stops early still ends its line. */
            atexit(fk_cli_progress_end);
            fk__p.registered = true;
        }
        fk__p.label = label;
        fk__p.start = now;
        fk__p.drawn = 0;
        fk__p.is_tty = fk_cli_stderr_is_tty();
        const char *after = getenv("FUKAN_PROGRESS_AFTER");
        char *end;
        fk__p.after = after != NULL ? strtod(after, &end) : 0.5;
        if (after != NULL && (*end != '\0' || fk__p.after < 0))
            fk__p.after = 0.5;
    }
    fk__p.done = done;
    fk__p.total = total;
    /* A bar only for what lasts: after half a second (FUKAN_PROGRESS_AFTER), ten redraws a
     * second at most. */
    if (fk__p.is_tty && now - fk__p.start >= fk__p.after && now - fk__p.drawn >= 0.1)
        fk__draw(now);
    if (done >= total)
        fk_cli_progress_end();
}

void fk_cli_on_progress(void *ctx, const char *label, size_t done, size_t total)
{
    (void)ctx;
    fk_cli_progress(label, done, total);
}
