/*
 * The one way fukan parses YAML (job.yaml, the rules, the templates): the text is checked
 * for valid UTF-8 first (libfyaml 0.7.12 loops forever on some invalid UTF-8, found by
 * fuzzing), libfyaml is set up to print nothing and to collect its errors, and the first
 * error becomes "FILE:LINE:COLUMN: YAML: message".
 */
#ifndef FK_YAML_H
#define FK_YAML_H

#include "util/err.h"

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Parses text[0..len) (named path in messages) into *out; with resolve, anchors, aliases and
 * merge keys are resolved. The document refers to text, which must outlive it; free it
 * with fy_document_destroy(). An empty document (nothing but comments) gives FK_OK and
 * *out NULL: each loader says what it expected. FK_EFORMAT for invalid UTF-8 or a syntax
 * error, FK_ENOMEM.
 */
fk_status fk_yaml_parse(const char *path, const char *text, size_t len, bool resolve,
                        struct fy_document **out, fk_err *err) FK_WARN_UNUSED;

#endif
