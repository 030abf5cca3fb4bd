/*
 * The document writer: renders one print file (PDF) from a template and a stream of field
 * dictionaries, one sheet per record. The template's static content is drawn once per file
 * (a cairo recording surface that the PDF stores as one form object); each sheet adds only
 * its variable text and codes, so records stream and memory stays flat.
 *
 * A sheet whose text cannot be shown (a character no configured font has) or does not fit
 * (below the element's minimum size) is refused with FK_EFINDING and nothing is drawn: the
 * caller holds that record back. Fonts are embedded and subsetted; text is real text whose
 * ToUnicode gives back exactly the characters that went in.
 */
#ifndef FK_DOC_H
#define FK_DOC_H

#include "fields.h"
#include "template.h"
#include "util/err.h"

#include <stddef.h>
#include <stdint.h>

typedef struct fk_doc_writer fk_doc_writer;

/* Receives the PDF's bytes in order; a status other than FK_OK stops the file. */
typedef fk_status (*fk_doc_write_fn)(void *closure, const unsigned char *data, size_t len);

/*
 * A writer to a new file at pdf_path (mode 0600, replaced if it exists), or NULL with err set.
 * FK_EFORMAT if the template's static text cannot be shown. The template must outlive the
 * writer. Close with fk_doc_writer_close.
 */
fk_doc_writer *fk_doc_writer_new(const char *pdf_path, const fk_template *t, fk_err *err);

/* The same, handing the PDF's bytes to fn (to seal them on the way out). */
fk_doc_writer *fk_doc_writer_new_stream(fk_doc_write_fn fn, void *closure, const fk_template *t,
                                        fk_err *err);

/*
 * Adds another template sheets of this file can use, so that an envelope's sheets (① then ②)
 * follow each other in mailing order; *index (if not NULL) receives its number for the
 * _as functions (the template given at creation is 0). The template must outlive the writer
 * and be loaded like the first (same fonts). FK_EFORMAT if its fixed text cannot be shown.
 */
fk_status fk_doc_writer_add_template(fk_doc_writer *w, const fk_template *t, size_t *index,
                                     fk_err *err) FK_WARN_UNUSED;

/* Prints text (e.g. "見本") large and light across every following sheet: for proof sets. */
fk_status fk_doc_writer_set_watermark(fk_doc_writer *w, const char *text,
                                      fk_err *err) FK_WARN_UNUSED;

/*
 * Lays out every variable element for fields without drawing: FK_EFINDING with a message
 * naming the field ("name: character U+20BB7 not in any configured font", "address: text
 * does not fit ...") if the sheet cannot be printed as it is, FK_EINVAL for a malformed
 * DataMatrix payload or barcode.
 */
fk_status fk_doc_writer_check_sheet(fk_doc_writer *w, const fk_fields *fields,
                                    fk_err *err) FK_WARN_UNUSED;

/*
 * Checks as above (encoding the codes and shaping every line), then draws one sheet, which
 * cannot fail half-way. After a refused sheet nothing is drawn and the writer stays usable;
 * FK_EIO (the output failed) leaves the file unusable.
 */
fk_status fk_doc_writer_add_sheet(fk_doc_writer *w, const fk_fields *fields,
                                  fk_err *err) FK_WARN_UNUSED;

/* The same with the template number index. */
fk_status fk_doc_writer_add_sheet_as(fk_doc_writer *w, size_t index, const fk_fields *fields,
                                     fk_err *err) FK_WARN_UNUSED;

/* Sheets written so far. */
size_t fk_doc_writer_sheet_count(const fk_doc_writer *w);

/*
 * Finishes the PDF and frees the writer (also on error, and for NULL). FK_EIO if the file or
 * the stream could not be written.
 */
fk_status fk_doc_writer_close(fk_doc_writer *w, fk_err *err) FK_WARN_UNUSED;

/*
 * Preflight for one string: FK_OK if the template's fonts (with the IPAmj明朝 fallback) show
 * every character of utf8 in font "gothic", "gothic-bold" or "mincho"; otherwise
 * FK_EFINDING with *missing set to the first code point that cannot be shown (and FK_EINVAL
 * for invalid UTF-8 or an unknown font name).
 */
fk_status fk_compose_can_render(const fk_template *t, const char *font, const char *utf8,
                                uint32_t *missing) FK_WARN_UNUSED;

#endif
