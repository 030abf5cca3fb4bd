/* fukan's entry point: dispatches `fukan COMMAND [options]` to the command table. */
#include "cli.h"
#include "fk-config.h"
#include "suggest.h"
#include "util/i18n.h"
#include "util/proc.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

static void fk__print_help(FILE *out)
{
    fprintf(out, _("usage: fukan COMMAND [options]\n\n"
                   "fukan prepares health-guidance mailings for a ward: it opens the ward's\n"
                   "encrypted package, checks every record and composes the print-ready\n"
                   "documents, with every step authenticated and written to a tamper-evident\n"
                   "audit log.\n\ncommands:\n"));
    for (const fk_command *const *c = fk_commands; *c != NULL; c++)
        fprintf(out, "  %-10s %s\n", (*c)->name, _((*c)->summary));
    fprintf(out, _("\n`fukan COMMAND --help` describes one command.\n"
                   "--lang ja|en (or FUKAN_LANG) chooses the language of messages.\n"
                   "exit codes: 0 ok, 1 findings, 2 usage or input error, 3 environment error\n"));
}

/*
 * Takes the global option --lang ja|en (or --lang=ja) out of argv wherever it stands before
 * "--", so that every command accepts it and no command's parser sees it. *lang stays NULL
 * without one; false when --lang has no value.
 */
static bool fk__take_lang(int *argc, char **argv, const char **lang)
{
    int out = 1;
    bool ok = true;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strncmp(argv[i], "--lang=", 7) == 0)
            *lang = argv[i] + 7;
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < *argc)
            *lang = argv[++i];
        else if (strcmp(argv[i], "--lang") == 0)
            ok = false;
        else
            argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    return ok;
}

static void fk__unknown_command(const char *name)
{
    const char *names[64];
    size_t n = 0;
    for (const fk_command *const *c = fk_commands; *c != NULL && n < 63; c++)
        names[n++] = (*c)->name;
    names[n++] = "help";
    const char *near = fk_cli_suggest(name, names, n);
    if (near != NULL)
        fk_cli_error(_("unknown command '%s'; did you mean '%s'?"), name, near);
    else
        fk_cli_error(_("unknown command '%s'"), name);
    fprintf(stderr, _("usage: fukan COMMAND [options]; 'fukan help' lists the commands\n"));
}

int main(int argc, char **argv)
{
    /* The language first, so that every message, even a refusal to start, is in it. */
    const char *lang = NULL;
    bool lang_given = fk__take_lang(&argc, argv, &lang);
    fk_err lang_err;
    fk_err_clear(&lang_err);
    if (fk_i18n_init(lang, &lang_err) != FK_OK || !lang_given) {
        if (lang_given)
            fk_cli_error("%s", fk_err_message(&lang_err));
        else
            fk_cli_error(_("--lang needs a value: ja or en"));
        return FK_EXIT_USAGE;
    }
    /* Before anything is read: a crash must never leave a core with clear data or keys. */
    fk_err err;
    if (fk_proc_harden(&err) != FK_OK) {
        fk_cli_error("%s", fk_err_message(&err));
        return FK_EXIT_ENV;
    }
    if (argc < 2) {
        fk__print_help(stderr);
        return FK_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        if (argc > 2) {
            const fk_command *cmd = fk_cli_find_command(argv[2]);
            if (cmd != NULL) {
                fputs(_(cmd->usage), stdout);
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
        fk__unknown_command(name);
        return FK_EXIT_USAGE;
    }
    if (fk_cli_wants_help(cmd, argc - 1, argv + 1))
        return FK_EXIT_OK;
    /* Unknown options are answered here, with a suggestion, before the command parses. */
    opterr = 0;
    if (!fk_cli_check_options(cmd->usage, argc - 1, argv + 1))
        return FK_EXIT_USAGE;
    return cmd->run(argc - 1, argv + 1);
}
