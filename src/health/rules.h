/*
 * Health rules as data: the 第4期 stratification (階層化), the guidance and doctor-visit
 * (受診勧奨) thresholds, the blood-pressure bands of the letters and the criteria of each
 * mailing category, read from a versioned YAML file (rules/health-4.yaml, installed in the
 * data directory) that an order may override. No threshold is a C constant: a ward's
 * programme or a revised table is a change of data. docs/health-rules.md describes the format.
 */
#ifndef FK_HEALTH_RULES_H
#define FK_HEALTH_RULES_H

#include "util/err.h"

typedef struct fk_rules fk_rules;

/* The default rules file (rules/health-4.yaml, found as util/datapath.h says). */
const char *fk_rules_default_path(void);

/*
 * Loads the rules file at path, then, if override_path is not NULL, merges the override file
 * onto it: mappings merge key by key, everything else (numbers, strings, lists) replaces, and
 * null removes an optional value (a threshold, a category criterion). An override whose
 * top level has a `rules:` key (an order, job.yaml) uses that mapping and ignores the rest.
 * A whole replacement is simply another file passed as path.
 * On success *out is a new rules object the caller frees with fk_rules_free(). On error *out
 * is NULL and err names file:line:col and the reason (FK_EIO/FK_ENOENT reading, FK_EFORMAT for
 * bad YAML or content, FK_ETOOBIG past a table limit, FK_ENOMEM).
 */
fk_status fk_rules_load(const char *path, const char *override_path, fk_rules **out,
                        fk_err *err) FK_WARN_UNUSED;

/* Frees the rules and every string they own; NULL is a no-op. */
void fk_rules_free(fk_rules *rules);

/* The file's `version` ("4.0") and `name`, owned by the rules. */
const char *fk_rules_version(const fk_rules *rules);
const char *fk_rules_name(const fk_rules *rules);

#endif
