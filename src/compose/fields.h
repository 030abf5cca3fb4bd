/*
 * The field dictionary a document template draws from: UTF-8 key → UTF-8 value, referenced
 * in templates as {{key}}. The compose stage never sees another stage's types: the standard
 * fields come from a core record (fk_compose_fields_from_record), everything else (health
 * marks, the doctor-visit list, validity date, insert-control code, customer barcode) is set
 * by the caller. The values are personal data: clearing or freeing wipes them.
 */
#ifndef FK_FIELDS_H
#define FK_FIELDS_H

#include "core/order.h"
#include "core/record.h"
#include "util/err.h"

#include <stdbool.h>

typedef struct fk_fields fk_fields;

/* A new empty dictionary (caller frees with fk_fields_free), or NULL when out of memory. */
fk_fields *fk_fields_new(void);
void fk_fields_free(fk_fields *f);

/* Sets key to a copy of value, replacing an earlier value. FK_EINVAL for invalid UTF-8. */
fk_status fk_fields_set(fk_fields *f, const char *key, const char *value) FK_WARN_UNUSED;

/* The value of key (owned by f, valid until the key is set again or f cleared), or NULL. */
const char *fk_fields_get(const fk_fields *f, const char *key);

/* Removes every entry (wiping the values) and keeps the memory for the next record. */
void fk_fields_clear(fk_fields *f);

/*
 * Makes fk_fields_get look up in fallback (borrowed: it must outlive f's use) the keys f
 * does not hold, so that fields shared by every sheet are set once; NULL for none. Clearing
 * f keeps its fallback.
 */
void fk_fields_set_fallback(fk_fields *f, const fk_fields *fallback);

/*
 * Sets the standard fields of r (see docs/templates.md for the list): name, kana, postal
 * (〒160-0022), address, building, birth (和暦), age, sex, category wording, numbers, the exam
 * date and every measured value with its unit ("未実施" when not measured). The category
 * wording for 特定保健指導 names the level. On error the dictionary holds a subset.
 */
fk_status fk_compose_fields_from_record(const fk_record *r, fk_fields *out,
                                        fk_err *err) FK_WARN_UNUSED;

/*
 * Sets the order's fields for a sheet issued on `issue` (see docs/templates.md): the issue
 * date and validity in 和暦 with the ISO date (issue_date, valid_from, valid_until,
 * valid_period), the insurer (insurer_number, insurer_name, insurer_department,
 * insurer_postal, insurer_address, insurer_phone, insurer_head, insurer_contact), the
 * standard voucher's copay, insurer_limit, contract_agent, payment_agent_number,
 * payment_agent_name, and ward. The same for every sheet of a mailing: no personal data.
 */
fk_status fk_compose_fields_from_order(const fk_order *o, fk_date issue, fk_fields *out,
                                       fk_err *err) FK_WARN_UNUSED;

/*
 * True for the keys a template may reference: the standard fields above, the keys the
 * order's (fk_compose_fields_from_order), the keys the caller supplies (dm_payload,
 * dm_text, customer_barcode, jushin_items, job_code, sheet) and any key ending in "_mark".
 */
bool fk_fields_is_known_key(const char *key);

#endif
