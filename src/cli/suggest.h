/*
 * Typos forgiven: the nearest command or option to a word the user mistyped, and the
 * options a command's --help text names, so that an unknown option is caught before the
 * command runs and answered with one line of usage and a suggestion.
 */
#ifndef FK_SUGGEST_H
#define FK_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The candidate nearest to word by edit distance (insertions, deletions, substitutions and
 * swaps of neighbours each count 1), or a candidate word is a prefix of; NULL when none is
 * close enough to be what was meant (at most 1 edit for words up to 4 characters, 2 beyond).
 */
const char *fk_cli_suggest(const char *word, const char *const *candidates, size_t n);

/* The optimal-string-alignment distance between a and b (bytes), capped at 255. */
size_t fk_cli_edit_distance(const char *a, const char *b);

/*
 * Checks argv (the command's arguments after its name) against the long options usage names
 * (every "--name" in the untranslated --help text, plus the login options and --help).
 * Returns true when all are known; otherwise prints "unknown option '--x'; did you mean
 * '--y'?", the usage line and a pointer to --help on stderr, and returns false. Options after
 * a lone "--" are not options.
 */
bool fk_cli_check_options(const char *usage, int argc, char **argv);

#endif
