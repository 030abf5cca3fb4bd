/* Suggestions for mistyped commands and options: see suggest.h. */
#include "suggest.h"
#include "cli.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

#define FK__MAX_WORD    64
#define FK__MAX_OPTIONS 96

size_t fk_cli_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= FK__MAX_WORD || lb >= FK__MAX_WORD)
        return 255;
    /* Three rows suffice for the neighbour swap. */
    size_t rows[3][FK__MAX_WORD + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (prev[j - 1] + cost < best)
                best = prev[j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > 255 ? 255 : prev[lb];
}

const char *fk_cli_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word), bound = len <= 4 ? 1 : 2;
    const char *best = NULL, *prefixed = NULL;
    size_t best_d = bound + 1, n_prefixed = 0;
    for (size_t i = 0; i < n; i++) {
        size_t d = fk_cli_edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
        if (len >= 2 && strncmp(candidates[i], word, len) == 0) {
            prefixed = candidates[i];
            n_prefixed++;
        }
    }
    if (best != NULL)
        return best;
    return n_prefixed == 1 ? prefixed : NULL;
}

/* Every "--name" of the usage text, each once. */
static size_t fk__usage_options(const char *usage, char names[][FK__MAX_WORD], size_t max)
{
    static const char *const always[] = {"help", "user", "user-password-file", "kdf-cost"};
    size_t n = 0;
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++)
        snprintf(names[n++], FK__MAX_WORD, "%s", always[i]);
    for (const char *p = strstr(usage, "--"); p != NULL && n < max; p = strstr(p + 2, "--")) {
        const char *s = p + 2;
        size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");
        if (len == 0 || len >= FK__MAX_WORD ||
            (p > usage && p[-1] != ' ' && p[-1] != '[' && p[-1] != '(' && p[-1] != '\n' &&
             p[-1] != '|'))
            continue;
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = strlen(names[i]) == len && strncmp(names[i], s, len) == 0;
        if (!seen)
            snprintf(names[n++], FK__MAX_WORD, "%.*s", (int)len, s);
    }
    return n;
}

bool fk_cli_check_options(const char *usage, int argc, char **argv)
{
    char names[FK__MAX_OPTIONS][FK__MAX_WORD];
    size_t n = fk__usage_options(usage, names, FK__MAX_OPTIONS);
    const char *list[FK__MAX_OPTIONS];
    for (size_t i = 0; i < n; i++)
        list[i] = names[i];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return true;
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
            continue;
        char word[FK__MAX_WORD];
        snprintf(word, sizeof word, "%.*s", (int)strcspn(a + 2, "="), a + 2);
        bool known = false;
        for (size_t k = 0; k < n && !known; k++)
            known = strcmp(word, list[k]) == 0;
        if (known)
            continue;
        const char *near = fk_cli_suggest(word, list, n);
        if (near != NULL)
            fk_cli_error(_("unknown option '--%s'; did you mean '--%s'?"), word, near);
        else
            fk_cli_error(_("unknown option '--%s'"), word);
        fk_cli_usage_error(usage);
        return false;
    }
    return true;
}
