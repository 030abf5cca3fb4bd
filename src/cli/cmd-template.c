/* fukan template check FILE: validates a document template and prints every finding. */
#include "cli.h"
#include "compose/template.h"

#include <stdio.h>
#include <string.h>

extern const fk_command fk_cmd_template;

static bool fk__print_finding(void *user, const char *message)
{
    size_t *count = user;
    fprintf(stderr, "%s\n", message);
    (*count)++;
    return *count < 100;
}

static int fk__run(int argc, char **argv)
{
    if (fk_cli_wants_help(&fk_cmd_template, argc, argv))
        return FK_EXIT_OK;
    if (argc != 3 || strcmp(argv[1], "check") != 0) {
        fputs(fk_cmd_template.usage, stderr);
        return FK_EXIT_USAGE;
    }
    size_t count = 0;
    fk_err err = {FK_OK, ""};
    fk_status s = fk_template_check(argv[2], fk__print_finding, &count, &err);
    if (s == FK_EFINDING) {
        fk_cli_error("%s: %zu finding%s", argv[2], count, count == 1 ? "" : "s");
        return FK_EXIT_USAGE;
    }
    if (s != FK_OK)
        return fk_cli_fail(&err);
    printf("%s: ok\n", argv[2]);
    return FK_EXIT_OK;
}

const fk_command fk_cmd_template = {
    .name = "template",
    .summary = "check a document template",
    .usage = "usage: fukan template check FILE\n\n"
             "Validates a document template (docs/templates.md): YAML syntax, unknown keys, bad\n"
             "types, unknown fields and fonts, elements off the page, missing images. Prints\n"
             "each finding as FILE:LINE:COLUMN: reason. Exit 0 when clean, 2 otherwise.\n",
    .run = fk__run,
};
