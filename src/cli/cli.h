/*
 * Shared pieces of the command-line front end: exit codes, error printing, the command
 * table, option helpers and password prompts. Commands live one per file (cmd-NAME.c).
 */
#ifndef FK_CLI_H
#define FK_CLI_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

/* Exit codes, the same for every command. */
enum {
    FK_EXIT_OK = 0,       /* success */
    FK_EXIT_FINDINGS = 1, /* findings: rejected rows, disagreements, mismatches */
    FK_EXIT_USAGE = 2,    /* usage or input error, authentication refused */
    FK_EXIT_ENV = 3       /* environment error: missing tool, I/O failure */
};

typedef struct fk_command {
    const char *name;
    const char *summary;
    const char *usage; /* full --help text */
    int (*run)(int argc, char **argv);
} fk_command;

/* The command table (commands.c), terminated by NULL. Each cmd-NAME.c defines fk_cmd_NAME. */
extern const fk_command *const fk_commands[];

const fk_command *fk_cli_find_command(const char *name);

/* Prints "fukan: message" to stderr. */
void fk_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A usage error's answer: the first line of the command's usage (usage is the untranslated
 * --help text; the line is shown translated) and "see 'fukan NAME --help'", on stderr. */
void fk_cli_usage_error(const char *usage);

/* Prints the error's message and returns the exit code its status maps to. */
int fk_cli_fail(const fk_err *err);

/* The exit code for a status (FK_EFINDING → 1, input and auth errors → 2, others → 3). */
int fk_cli_exit_code(fk_status s);

/* True if argv has --help or -h; prints the command's usage then. */
bool fk_cli_wants_help(const fk_command *cmd, int argc, char **argv);

/* Prints s left-aligned in a column of `width` terminal cells (East Asian wide characters
 * take two cells, so that Japanese labels line up). */
void fk_cli_print_cell(const char *s, int width);

/* The same, right-aligned (column headings over numbers). */
void fk_cli_print_cell_right(const char *s, int width);

/* The terminal cells s takes (East Asian wide characters count two). */
int fk_cli_cells(const char *s);

/* True when stderr is a terminal (progress bars are drawn only then). */
bool fk_cli_stderr_is_tty(void);

/*
 * How far a long step is (progress.c): label is a msgid ("composing print files"), shown
 * translated. On a terminal, a bar on stderr with done/total, the rate and the time left,
 * redrawn at most ten times a second once the step has run half a second; at the end
 * (done == total, a new label, or exit) one summary line "label: N of M in T s (R/s)", which
 * is all that is printed when stderr is not a terminal.
 */
void fk_cli_progress(const char *label, size_t done, size_t total);

/* fk_cli_progress as the progress callback of fk_callbacks (ctx unused). */
void fk_cli_on_progress(void *ctx, const char *label, size_t done, size_t total);

/* Takes the bar off the terminal line so that a line of output can be printed; the next
 * fk_cli_progress draws it again. */
void fk_cli_progress_clear(void);

/* Ends the current progress (its summary line); nothing when there is none. */
void fk_cli_progress_end(void);

#endif
