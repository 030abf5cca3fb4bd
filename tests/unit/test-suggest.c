/* Unit tests for cli/suggest: edit distances, the nearest command, option checks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/suggest.h"

/* The command table cli.c refers to: none needed here. */
const fk_command *const fk_commands[] = {NULL};

static const char *const commands[] = {"open",    "check",  "proof",  "compose", "export",
                                       "status",  "print",  "verify", "receipt", "report",
                                       "reprint", "roster", "erase",  "help"};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(fk_cli_edit_distance("check", "check"), 0);
    assert_int_equal(fk_cli_edit_distance("chek", "check"), 1);
    assert_int_equal(fk_cli_edit_distance("cehck", "check"), 1); /* a swap is one edit */
    assert_int_equal(fk_cli_edit_distance("", "abc"), 3);
    assert_int_equal(fk_cli_edit_distance("kitten", "sitting"), 3);
}

static void test_suggest(void **state)
{
    (void)state;
    assert_string_equal(fk_cli_suggest("chek", commands, N_COMMANDS), "check");
    assert_string_equal(fk_cli_suggest("stauts", commands, N_COMMANDS), "status");
    assert_string_equal(fk_cli_suggest("compse", commands, N_COMMANDS), "compose");
    assert_string_equal(fk_cli_suggest("verfy", commands, N_COMMANDS), "verify");
    /* A unique prefix is what was meant; an ambiguous one ("re") and a stranger are not. */
    assert_string_equal(fk_cli_suggest("rost", commands, N_COMMANDS), "roster");
    assert_null(fk_cli_suggest("re", commands, N_COMMANDS));
    assert_null(fk_cli_suggest("xyzzy", commands, N_COMMANDS));
    assert_null(fk_cli_suggest("op", commands, 0));
}

static void test_check_options(void **state)
{
    (void)state;
    const char *usage = "usage: fukan compose JOBDIR [--jobs N] [--replace --reason TEXT]\n";
    char a0[] = "compose", a1[] = "job", ok[] = "--jobs=2", login[] = "--user", bad[] = "--jbos",
         dash[] = "--", after[] = "--anything";
    char *good[] = {a0, a1, ok, login, NULL};
    assert_true(fk_cli_check_options(usage, 4, good));
    char *typo[] = {a0, a1, bad, NULL};
    FILE *saved = stderr;
    stderr = fopen("/dev/null", "w");
    bool refused = !fk_cli_check_options(usage, 3, typo);
    fclose(stderr);
    stderr = saved;
    assert_true(refused);
    char *ended[] = {a0, a1, dash, after, NULL};
    assert_true(fk_cli_check_options(usage, 4, ended));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_check_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
