/* Unit tests for util/i18n: a library message and a status description come out in the
 * operator's language from the build's compiled catalogue, with the file:line:col form kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health/rules.h"
#include "util/i18n.h"

static char dir[] = "/tmp/fk-test-i18n-XXXXXX";
static char path[sizeof dir + 16];

/* The rules loader's message for a file that is a list, not a mapping. */
static void load_message(char *out, size_t size)
{
    fk_rules *r = NULL;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_rules_load(path, NULL, &r, &err), FK_EFORMAT);
    assert_null(r);
    snprintf(out, size, "%s", fk_err_message(&err));
}

static void choose(const char *lang, const char *expected)
{
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_i18n_init(lang, &err), FK_OK);
    assert_string_equal(fk_i18n_language(), expected);
}

static void test_library_message_in_japanese(void **state)
{
    (void)state;
    char prefix[sizeof path + 16], en[512], ja[512];
    snprintf(prefix, sizeof prefix, "%s:1:3: ", path);
    choose("en", "en");
    load_message(en, sizeof en);
    if (strncmp(en, prefix, strlen(prefix)) != 0)
        fail_msg("got '%s'", en);
    assert_non_null(strstr(en, "expected a mapping"));

    choose("ja", "ja");
    load_message(ja, sizeof ja);
    if (strncmp(ja, prefix, strlen(prefix)) != 0 ||
        strstr(ja, "マッピングを指定してください") == NULL)
        fail_msg("not Japanese (is build/po/ja/LC_MESSAGES/fukan.mo built?): '%s'", ja);
    assert_string_equal(fk_strerror(FK_EPERM), "権限なし");
    assert_string_equal(fk_strerror(FK_ETAMPER), "完全性検査の失敗");

    choose("en", "en");
    assert_string_equal(fk_strerror(FK_EPERM), "permission denied");
    load_message(en, sizeof en);
    assert_non_null(strstr(en, "expected a mapping"));
}

static void test_unknown_language(void **state)
{
    (void)state;
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_i18n_init("fr", &err), FK_EINVAL);
    assert_string_equal(fk_i18n_language(), "en");
    assert_non_null(strstr(fk_err_message(&err), "'fr'"));
}

static int setup(void **state)
{
    (void)state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/rules.yaml", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("- not a mapping\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_message_in_japanese),
        cmocka_unit_test(test_unknown_language),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
