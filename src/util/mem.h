/*
 * Allocation goes through these wrappers so that a test can make the Nth allocation fail
 * and exercise every out-of-memory path (fk_mem_fail_after). fk_free(NULL) is a no-op.
 */
#ifndef FK_MEM_H
#define FK_MEM_H

#include <stddef.h>

void *fk_malloc(size_t n);
void *fk_calloc(size_t count, size_t size);
void *fk_realloc(void *p, size_t n);
void fk_free(void *p);

/* A copy of s (caller frees with fk_free), or NULL when out of memory or s is NULL. */
char *fk_strdup(const char *s);

/* A copy of the first n bytes of s, NUL-terminated (caller frees with fk_free). */
char *fk_strndup(const char *s, size_t n);

/* Testing: the allocation after the next n succeeds fails (n < 0 disables failures). */
void fk_mem_fail_after(long n);

#endif
