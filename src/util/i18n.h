/*
 * Messages in the operator's language (GNU gettext, text domain "fukan"). Every string a
 * person reads (messages, prompts, table headings, --help) is marked: _() where it is used,
 * N_() where it is only stored (tables of reasons), translated with _() when shown. The
 * library marks its messages too, so an error from src/ingest reads in Japanese under a
 * Japanese locale like one from src/cli. Machine text (the audit log, CSV headers, JSON keys)
 * is never marked: it must read the same whoever runs fukan.
 */
#ifndef FK_I18N_H
#define FK_I18N_H

#include <libintl.h>

#define FK_TEXT_DOMAIN "fukan"

#define _(s)  dgettext(FK_TEXT_DOMAIN, s)
#define N_(s) (s)
/* Singular or plural by n (Japanese has one form; English two). */
#define P_(s, p, n) dngettext(FK_TEXT_DOMAIN, s, p, n)

#endif
