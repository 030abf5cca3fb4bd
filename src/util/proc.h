/*
 * The process's own protection of what it holds in memory: no core dumps and no ptrace
 * attach by other processes of the same user (a crash must not leave clear personal data
 * on disk), buffers of decrypted data kept out of any dump that happens anyway, and the
 * crash points the tests use to prove it.
 */
#ifndef FK_PROC_H
#define FK_PROC_H

#include "err.h"

#include <stddef.h>

/* PR_SET_DUMPABLE 0 and RLIMIT_CORE 0 (soft and hard), SIGXFSZ ignored (a file-size limit
 * makes writes fail instead of killing the process): called first thing in main. */
fk_status fk_proc_harden(fk_err *err) FK_WARN_UNUSED;

/* Marks the pages holding [p, p+n) MADV_DONTDUMP (neighbouring bytes on the same pages
 * too, which only keeps them out of a dump). Best effort: a failure changes nothing else. */
void fk_proc_dontdump(const void *p, size_t n);

/*
 * A deliberate crash (SIGSEGV) when FUKAN_TEST_CRASH names this point, in builds configured
 * with -Dtest_hooks=true only (`make check` configures its build so); a no-op otherwise.
 */
void fk_proc_crash_point(const char *name);

#endif
