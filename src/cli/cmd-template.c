/* fukan template check FILE: prints every finding of fk_step_template_check
 * (src/job/step-template.c). */
#include "cli.h"
#include "job/fukan.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

extern const fk_command fk_cmd_template;

static bool fk__print_finding(void *ctx, const fk_finding *f)
{
    (void)ctx;
    fprintf(stderr, "%s\n", f->reason);
    return true;
}

static int fk__run(int argc, char **argv)
{
    if (fk_cli_wants_help(&fk_cmd_template, argc, argv))
        return FK_EXIT_OK;
    if (argc != 3 || strcmp(argv[1], "check") != 0) {
        fk_cli_usage_error(fk_cmd_template.usage);
        return FK_EXIT_USAGE;
    }
    fk_err err;
    fk_err_clear(&err);
    fk_callbacks cb = {.finding = fk__print_finding};
    fk_template_check_result r;
    fk_status s = fk_step_template_check(argv[2], &cb, &r, &err);
    if (s == FK_EFINDING) {
        fk_cli_error("%s", fk_err_message(&err));
        return FK_EXIT_USAGE; /* a template with findings is an input error */
    }
    if (s != FK_OK)
        return fk_cli_fail(&err);
    printf(_("%s: ok\n"), argv[2]);
    return FK_EXIT_OK;
}

const fk_command fk_cmd_template = {
    .name = "template",
    .summary = N_("check a document template"),
    .usage =
        N_("usage: fukan template check FILE\n\n"
           "Validates a document template (docs/templates.md): YAML syntax, unknown keys, bad\n"
           "types, unknown fields and fonts, elements off the page, missing images, and\n"
           "fixed text that the installed fonts cannot show or that does not fit. Prints\n"
           "each finding as FILE:LINE:COLUMN: reason. Exit 0 when clean, 2 otherwise.\n"),
    .run = fk__run,
};
