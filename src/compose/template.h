/*
 * Document templates: the layouts live in YAML files under templates/ (format in
 * docs/templates.md), so a ward can change the wording without a rebuild. A template names page
 * size, static text, lines, boxes, tables and PNG images, variable text with {{key}} fields
 * (fields.h) and an overflow rule, and the places of the insert-control DataMatrix and the customer
 * barcode.
 */
#ifndef FK_TEMPLATE_H
#define FK_TEMPLATE_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fk_template fk_template;

/*
 * Loads and validates a template and the fonts it uses. On error *out is unchanged and err
 * holds the first finding as "file:line:col: reason" (FK_EFORMAT), or FK_EENV when a font
 * is not installed. Caller frees with fk_template_free, after closing every writer using it.
 */
fk_status fk_template_load(const char *path, fk_template **out, fk_err *err) FK_WARN_UNUSED;
/*
 * Like fk_template_load, with the included address block placed at window {x, y} (mm from
 * the sheet's top-left corner: the window of the envelope in the order) instead of the
 * include's own `window`. NULL keeps the include's.
 */
fk_status fk_template_load_at(const char *path, const double window[2], fk_template **out,
                              fk_err *err) FK_WARN_UNUSED;

void fk_template_free(fk_template *t);

/*
 * Binds the fields that are the same on every sheet of a mailing (the order's: sender,
 * insurer, dates): each text whose every {{key}} is set in constants is expanded once and
 * becomes fixed text, drawn once per print file instead of laid out on every sheet. Call
 * before creating writers. Fixed text that does not fit is then an error of the writer's
 * creation (FK_EFORMAT, naming the element), before any sheet. On FK_ENOMEM the template
 * may be partly bound.
 */
fk_status fk_template_bind(fk_template *t, const fk_fields *constants, fk_err *err) FK_WARN_UNUSED;

/* Called with each finding ("file:line:col: reason"); return false to stop checking. */
typedef bool (*fk_template_finding_fn)(void *user, const char *message);

/*
 * Validates a template without loading fonts: YAML syntax, unknown keys, bad types, unknown
 * fields, unknown fonts, positions off the page, missing images. FK_OK when clean,
 * FK_EFINDING after reporting findings; other statuses for I/O errors.
 */
fk_status fk_template_check(const char *path, fk_template_finding_fn fn, void *user,
                            fk_err *err) FK_WARN_UNUSED;

#endif
