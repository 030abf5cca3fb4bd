/* fukan template check FILE: validates a document template and prints every finding. */
#include "cli.h"
#include "compose/doc.h"
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

static fk_status fk__discard(void *closure, const unsigned char *data, size_t len)
{
    (void)closure;
    (void)data;
    (void)len;
    return FK_OK;
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
    /* The structure is sound: now the fixed text must show and fit with the installed fonts. */
    fk_template *t = NULL;
    s = fk_template_load(argv[2], &t, &err);
    if (s == FK_OK) {
        fk_doc_writer *w = fk_doc_writer_new_stream(fk__discard, NULL, t, &err);
        s = w != NULL ? fk_doc_writer_close(w, &err) : err.status;
        fk_template_free(t);
    }
    if (s == FK_EFORMAT) {
        fprintf(stderr, "%s\n", err.msg);
        fk_cli_error("%s: 1 finding", argv[2]);
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
             "types, unknown fields and fonts, elements off the page, missing images, and\n"
             "fixed text that the installed fonts cannot show or that does not fit. Prints\n"
             "each finding as FILE:LINE:COLUMN: reason. Exit 0 when clean, 2 otherwise.\n",
    .run = fk__run,
};
