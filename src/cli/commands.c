/* The command table: one line per command, in the order `fukan help` lists them. */
#include "cli.h"

#include <stddef.h>

extern const fk_command fk_cmd_init;
extern const fk_command fk_cmd_user;
extern const fk_command fk_cmd_roster;
extern const fk_command fk_cmd_audit;
extern const fk_command fk_cmd_rejects;
extern const fk_command fk_cmd_check;
extern const fk_command fk_cmd_proof;
extern const fk_command fk_cmd_compose;
extern const fk_command fk_cmd_export;
extern const fk_command fk_cmd_print;
extern const fk_command fk_cmd_printlog;
extern const fk_command fk_cmd_reprint;
extern const fk_command fk_cmd_receipt;
extern const fk_command fk_cmd_reconcile;
extern const fk_command fk_cmd_incident;
extern const fk_command fk_cmd_erase;
extern const fk_command fk_cmd_report;
extern const fk_command fk_cmd_postcode;
extern const fk_command fk_cmd_template;
extern const fk_command fk_cmd_seal;
extern const fk_command fk_cmd_open;
extern const fk_command fk_cmd_version;
extern const fk_command fk_cmd_sample;
extern const fk_command fk_cmd_demo;
extern const fk_command fk_cmd_status;
extern const fk_command fk_cmd_verify;
extern const fk_command fk_cmd_simulate_inserter;

/* clang-format off */
const fk_command *const fk_commands[] = {
    &fk_cmd_sample,
    &fk_cmd_seal,
    &fk_cmd_init,
    &fk_cmd_user,
    &fk_cmd_roster,
    &fk_cmd_open,
    &fk_cmd_audit,
    &fk_cmd_rejects,
    &fk_cmd_check,
    &fk_cmd_proof,
    &fk_cmd_compose,
    &fk_cmd_export,
    &fk_cmd_status,
    &fk_cmd_print,
    &fk_cmd_printlog,
    &fk_cmd_reprint,
    &fk_cmd_simulate_inserter,
    &fk_cmd_verify,
    &fk_cmd_receipt,
    &fk_cmd_reconcile,
    &fk_cmd_incident,
    &fk_cmd_erase,
    &fk_cmd_report,
    &fk_cmd_postcode,
    &fk_cmd_template,
    &fk_cmd_demo,
    &fk_cmd_version,
    NULL,
};
/* clang-format on */
