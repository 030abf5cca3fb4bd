/* Choosing the language of messages: see i18n.h. */
#include "i18n.h"
#include "fk-config.h"

#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fk__language = "en";

/* True when the running binary lies inside the build tree (then its catalogues are the
 * build's, even where an older fukan is installed). */
static bool fk__runs_from_build(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    size_t root = strlen(FK_BUILD_ROOT);
    return strncmp(exe, FK_BUILD_ROOT, root) == 0 && exe[root] == '/';
}

static bool fk__is_japanese(const char *locale)
{
    return locale != NULL && strncmp(locale, "ja", 2) == 0 &&
           (locale[2] == '\0' || locale[2] == '_' || locale[2] == '.');
}

/* Japanese messages need a locale whose messages are Japanese; without a generated ja_JP
 * locale, C.UTF-8 with LANGUAGE=ja serves (glibc honours LANGUAGE there, not under "C"). */
static void fk__use_japanese(void)
{
    setenv("LANGUAGE", "ja", 1);
    if (fk__is_japanese(setlocale(LC_MESSAGES, NULL)))
        return;
    static const char *const names[] = {"ja_JP.UTF-8", "ja_JP.utf8", "C.UTF-8", "C.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (setlocale(LC_MESSAGES, names[i]) != NULL)
            return;
}

fk_status fk_i18n_init(const char *lang, fk_err *err)
{
    setlocale(LC_CTYPE, "");
    const char *messages = setlocale(LC_MESSAGES, "");
    bindtextdomain(FK_TEXT_DOMAIN, fk__runs_from_build() ? FK_BUILD_LOCALEDIR : FK_LOCALEDIR);
    bind_textdomain_codeset(FK_TEXT_DOMAIN, "UTF-8");
    const char *env = getenv("FUKAN_LANG");
    const char *chosen = lang != NULL ? lang : env != NULL && env[0] != '\0' ? env : NULL;
    bool japanese = chosen != NULL ? strcmp(chosen, "ja") == 0 : fk__is_japanese(messages);
    fk_status s = FK_OK;
    if (chosen != NULL && !japanese && strcmp(chosen, "en") != 0)
        s = fk_failf(err, FK_EINVAL, _("unknown language '%s' (%s): fukan speaks ja and en"),
                     chosen, lang != NULL ? "--lang" : "FUKAN_LANG");
    if (japanese) {
        fk__use_japanese();
        fk__language = "ja";
    } else {
        /* Messages as written, whatever LANGUAGE says. */
        setlocale(LC_MESSAGES, "C");
        fk__language = "en";
    }
    return s;
}

const char *fk_i18n_text(const char *text)
{
    return text == NULL || text[0] == '\0' ? text : _(text);
}

bool fk_i18n_is_japanese(void)
{
    return strcmp(fk__language, "ja") == 0;
}

const char *fk_i18n_language(void)
{
    return fk__language;
}
