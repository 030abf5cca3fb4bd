/*
 * Messages in the operator's language (GNU gettext, text domain "fukan"). Every string a
 * person reads (messages, prompts, table headings, --help) is marked: _() where it is used,
 * N_() where it is only stored (tables of reasons, --help texts in arrays), translated with
 * _() when shown. The library marks its messages too, so an error from src/ingest reads in
 * Japanese under a Japanese locale like one from src/cli. Machine text (the audit log, CSV
 * headers, JSON keys) is never marked: it must read the same whoever runs fukan.
 */
#ifndef FK_I18N_H
#define FK_I18N_H

#include "util/err.h"

#include <libintl.h>
#include <stdbool.h>

#define FK_TEXT_DOMAIN "fukan"

#define _(s) dgettext(FK_TEXT_DOMAIN, s)
/* Bare, so that it may initialise a char array (a parenthesised literal may not). */
#define N_(s) s
/* Singular or plural by n (Japanese has one form; English two). */
#define P_(s, p, n) dngettext(FK_TEXT_DOMAIN, s, p, n)

/* A stored msgid (N_) or data, in the operator's language: a value that is no msgid passes
 * through unchanged, and the empty string stays empty (gettext would give the header). */
const char *fk_i18n_text(const char *text);

/*
 * Chooses the language of messages, once, before anything is printed: lang ("ja" or "en")
 * if not NULL, else $FUKAN_LANG if set, else Japanese when the locale's messages are
 * ja_JP.* and English otherwise. Binds the text domain to the catalogues of the build tree
 * when the running binary is the build's, to the installed ones otherwise, in UTF-8. Only
 * the character type and messages follow the locale: numbers in PDFs and CSVs stay "C".
 * FK_EINVAL for a language other than ja or en (English is chosen then).
 */
fk_status fk_i18n_init(const char *lang, fk_err *err) FK_WARN_UNUSED;

/* True when messages are Japanese (the language fk_i18n_init chose is "ja"). */
bool fk_i18n_is_japanese(void);

/* "ja" or "en": the language fk_i18n_init chose ("en" before it ran). */
const char *fk_i18n_language(void);

#endif
