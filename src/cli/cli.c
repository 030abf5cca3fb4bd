/* Shared front-end helpers: see cli.h. */
#include "cli.h"
#include "util/i18n.h"
#include "util/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const fk_command *fk_cli_find_command(const char *name)
{
    for (const fk_command *const *c = fk_commands; *c != NULL; c++)
        if (strcmp((*c)->name, name) == 0)
            return *c;
    return NULL;
}

void fk_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fukan: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The command's name from its untranslated usage ("usage: fukan NAME ..."). */
static void fk__command_name(const char *usage, char *out, size_t size)
{
    const char *p = strstr(usage, "fukan ");
    size_t n = 0;
    if (p != NULL) {
        p += strlen("fukan ");
        n = strcspn(p, " \n[");
    }
    snprintf(out, size, "%.*s", (int)n, p ? p : "");
}

void fk_cli_usage_error(const char *usage)
{
    const char *shown = _(usage);
    size_t n = strcspn(shown, "\n");
    char name[32];
    fk__command_name(usage, name, sizeof name);
    fprintf(stderr, "%.*s\n", (int)n, shown);
    fprintf(stderr, _("see 'fukan %s --help'\n"), name);
}

int fk_cli_exit_code(fk_status s)
{
    switch (s) {
    case FK_OK:
        return FK_EXIT_OK;
    case FK_EFINDING:
        return FK_EXIT_FINDINGS;
    case FK_EINVAL:
    case FK_EFORMAT:
    case FK_EPERM:
    case FK_EAUTH:
    case FK_ELOCKED:
    case FK_EEXIST:
    case FK_ENOENT:
    case FK_ECRYPTO:
    case FK_ETOOBIG:
    case FK_EUNSAFE:
    case FK_ETAMPER:
    case FK_ESTATE:
        return FK_EXIT_USAGE;
    default:
        return FK_EXIT_ENV;
    }
}

int fk_cli_fail(const fk_err *err)
{
    fk_cli_error("%s", fk_err_message(err));
    return fk_cli_exit_code(err->status);
}

bool fk_cli_wants_help(const fk_command *cmd, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(_(cmd->usage), stdout);
            return true;
        }
    }
    return false;
}

bool fk_cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO) == 1;
}

int fk_cli_cells(const char *s)
{
    size_t n = strlen(s), i = 0;
    int cells = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = fk_utf8_decode(s + i, n - i, &cp);
        if (k == 0)
            k = 1;
        /* Wide: CJK, kana, full-width forms (a close enough rule for labels). */
        cells += cp >= 0x1100 && !(cp >= 0xFF61 && cp <= 0xFF9F) ? 2 : 1;
        i += k;
    }
    return cells;
}

void fk_cli_print_cell(const char *s, int width)
{
    int cells = fk_cli_cells(s);
    printf("%s%*s", s, width > cells ? width - cells : 0, "");
}

void fk_cli_print_cell_right(const char *s, int width)
{
    int cells = fk_cli_cells(s);
    printf("%*s%s", width > cells ? width - cells : 0, "", s);
}
