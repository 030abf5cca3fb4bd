/* fukan version: prints the version and the versions of the libraries that matter. */
#include "cli.h"
#include "fk-config.h"
#include "util/i18n.h"

#include <stdio.h>

static const char fk__usage[] =
    N_("usage: fukan version\n\nPrints fukan's version. Same as `fukan --version`.\n");

static int fk__run(int argc, char **argv)
{
    if (argc > 1) {
        fk_cli_error(_("version: unexpected argument '%s'"), argv[1]);
        fk_cli_usage_error(fk__usage);
        return FK_EXIT_USAGE;
    }
    printf("fukan %s\n", FK_VERSION);
    return FK_EXIT_OK;
}

const fk_command fk_cmd_version = {
    .name = "version",
    .summary = N_("print fukan's version"),
    .usage = fk__usage,
    .run = fk__run,
};
