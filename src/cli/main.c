/* fukan's entry point: dispatches `fukan COMMAND [options]` to the command table. */
#include "cli.h"
#include "fk-config.h"
#include "util/proc.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static void fk__print_help(FILE *out)
{
    fprintf(out, "usage: fukan COMMAND [options]\n\n"
                 "fukan prepares health-guidance mailings for a ward: it opens the ward's\n"
                 "encrypted package, checks every record and composes the print-ready\n"
                 "documents, with every step authenticated and written to a tamper-evident\n"
                 "audit log.\n\ncommands:\n");
    for (const fk_command *const *c = fk_commands; *c != NULL; c++)
        fprintf(out, "  %-10s %s\n", (*c)->name, (*c)->summary);
    fprintf(out, "\n`fukan COMMAND --help` describes one command.\n"
                 "exit codes: 0 ok, 1 findings, 2 usage or input error, 3 environment error\n");
}

int main(int argc, char **argv)
{
    /* Before anything is read: a crash must never leave a core with clear data or keys. */
    fk_err err;
    if (fk_proc_harden(&err) != FK_OK) {
        fk_cli_error("%s", fk_err_message(&err));
        return FK_EXIT_ENV;
    }
    /* Only the character type follows the locale: numbers in PDFs and CSVs must stay "C". */
    setlocale(LC_CTYPE, "");
    setlocale(LC_MESSAGES, "");
    if (argc < 2) {
        fk__print_help(stderr);
        return FK_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        if (argc > 2) {
            const fk_command *cmd = fk_cli_find_command(argv[2]);
            if (cmd != NULL) {
                fputs(cmd->usage, stdout);
                return FK_EXIT_OK;
            }
        }
        fk__print_help(stdout);
        return FK_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("fukan %s\n", FK_VERSION);
        return FK_EXIT_OK;
    }
    const fk_command *cmd = fk_cli_find_command(name);
    if (cmd == NULL) {
        fk_cli_error("unknown command '%s'; see 'fukan help'", name);
        return FK_EXIT_USAGE;
    }
    if (fk_cli_wants_help(cmd, argc - 1, argv + 1))
        return FK_EXIT_OK;
    return cmd->run(argc - 1, argv + 1);
}
