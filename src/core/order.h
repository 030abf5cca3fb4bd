/*
 * The print order (job.yaml): what the ward ordered for one mailing. It holds no personal
 * data. Parsed with libfyaml; every error names file:line:col. docs/job-yaml.md documents it.
 */
#ifndef FK_ORDER_H
#define FK_ORDER_H

#include "record.h"
#include "util/err.h"
#include "util/jdate.h"

#include <stdbool.h>

#define FK_ORDER_MAX_STOCK 8

typedef enum { FK_MISMATCH_REJECT = 0, FK_MISMATCH_WARN = 1 } fk_mismatch_policy;

typedef struct fk_order fk_order;

/* Parses job.yaml text (path used in messages). Caller frees with fk_order_free. */
fk_status fk_order_parse(const char *path, const char *text, size_t len, fk_order **out,
                         fk_err *err) FK_WARN_UNUSED;

/* Reads and parses a job.yaml file. */
fk_status fk_order_load(const char *path, fk_order **out, fk_err *err) FK_WARN_UNUSED;

void fk_order_free(fk_order *order);

int fk_order_fiscal_year(const fk_order *o);
const char *fk_order_ward(const fk_order *o);
/* Short job code printed in insert-control codes (ASCII letters and digits, ≤ 8). */
const char *fk_order_job_code(const fk_order *o);
/* Expected envelopes per category; -1 where the order does not say. */
long fk_order_expected(const fk_order *o, fk_category c);
fk_date fk_order_valid_from(const fk_order *o);
fk_date fk_order_valid_until(const fk_order *o);
const char *fk_order_printer(const fk_order *o);
int fk_order_batch_size(const fk_order *o);
/* Minutes printed sheets may wait for the enclosure check before they are flagged (default 30). */
int fk_order_idle_alarm(const fk_order *o);
fk_mismatch_policy fk_order_postal_mismatch(const fk_order *o);
/* True (the default) when every audit entry is also sent to the system log. */
bool fk_order_syslog(const fk_order *o);
/* Path of a rules override file relative to the order, or NULL. */
const char *fk_order_rules(const fk_order *o);
/* Template path for a document name ("voucher-tokutei", "results", ...), or NULL. */
const char *fk_order_template(const fk_order *o, const char *document);
/* Stock items (from the feeders) enclosed for a category; returns their count. */
int fk_order_stock_items(const fk_order *o, fk_category c, const char *items[FK_ORDER_MAX_STOCK]);
/* Window of the 長形3号 envelope: offset of its top-left corner and size, in mm. */
void fk_order_window(const fk_order *o, double *x, double *y, double *w, double *h);

#endif
