/* fukan version: prints the version and the versions of the libraries that matter. */
#include "cli.h"
#include "fk-config.h"

#include <stdio.h>

static int fk__run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("fukan %s\n", FK_VERSION);
    return FK_EXIT_OK;
}

const fk_command fk_cmd_version = {
    .name = "version",
    .summary = "print fukan's version",
    .usage = "usage: fukan version\n\nPrints fukan's version. Same as `fukan --version`.\n",
    .run = fk__run,
};
