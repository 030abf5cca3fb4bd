/* Allocation wrappers with failure injection for tests: see mem.h. */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

static long fail_countdown = -1;

static int fk__should_fail(void)
{
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0)
        return 1;
    fail_countdown--;
    return 0;
}

void fk_mem_fail_after(long n)
{
    fail_countdown = n;
}

void *fk_malloc(size_t n)
{
    return fk__should_fail() ? NULL : malloc(n == 0 ? 1 : n);
}

void *fk_calloc(size_t count, size_t size)
{
    return fk__should_fail() ? NULL : calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}

void *fk_realloc(void *p, size_t n)
{
    return fk__should_fail() ? NULL : realloc(p, n == 0 ? 1 : n);
}

void fk_free(void *p)
{
    free(p);
}

char *fk_strndup(const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    char *copy = fk_malloc(n + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *fk_strdup(const char *s)
{
    return s == NULL ? NULL : fk_strndup(s, strlen(s));
}
