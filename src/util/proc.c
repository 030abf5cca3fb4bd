/* Core dumps off, dump exclusion, test crash points: see proc.h. */
#include "proc.h"
#include "fk-config.h"
#include "util/i18n.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

fk_status fk_proc_harden(fk_err *err)
{
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return fk_failf(err, FK_EENV, _("cannot switch off core dumps: %s"), strerror(errno));
    const struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        return fk_failf(err, FK_EENV, _("cannot switch off core dumps: %s"), strerror(errno));
    /* A file-size limit reached is a write that fails (and a login refused, a transaction
     * rolled back), not a process killed half-way. */
    if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR)
        return fk_failf(err, FK_EENV, _("cannot ignore SIGXFSZ: %s"), strerror(errno));
    return FK_OK;
}

void fk_proc_dontdump(const void *p, size_t n)
{
    if (p == NULL || n == 0)
        return;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    uintptr_t start = (uintptr_t)p & ~((uintptr_t)page - 1);
    uintptr_t end = ((uintptr_t)p + n + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    (void)madvise((void *)start, end - start, MADV_DONTDUMP);
}

void fk_proc_crash_point(const char *name)
{
#if FK_TEST_HOOKS
    const char *want = getenv("FUKAN_TEST_CRASH");
    if (want != NULL && strcmp(want, name) == 0) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
#else
    (void)name;
#endif
}
