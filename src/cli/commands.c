/* The command table: one line per command, in the order `fukan help` lists them. */
#include "cli.h"

#include <stddef.h>

extern const fk_command fk_cmd_seal;
extern const fk_command fk_cmd_version;

const fk_command *const fk_commands[] = {
    &fk_cmd_seal,
    &fk_cmd_version,
    NULL,
};
