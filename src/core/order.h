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

/* The insurer (保険者) as the documents print it: every field set (validated, no
 * placeholder). Plain data, owned by the order. */
typedef struct fk_order_insurer {
    const char *number;      /* 保険者番号: 6 or 8 digits with a valid 検証番号 */
    const char *name;        /* 保険者名称 (新宿区) */
    const char *department;  /* the sender: 新宿区健康部健康づくり課 */
    const char *postal_code; /* 160-8484 */
    const char *address;     /* 保険者所在地 (新宿区歌舞伎町1-4-1) */
    const char *phone;       /* 03-3209-1111 */
    const char *head;        /* who issues: 新宿区長 */
    const char *contact;     /* お問い合わせ: the section that answers residents */
} fk_order_insurer;
void fk_order_get_insurer(const fk_order *o, fk_order_insurer *out);

/* The voucher settings beyond the validity (MHLW's standard 利用券 form). */
typedef struct fk_order_voucher {
    fk_date issue_date; /* 交付年月日; year 0: the day of composing */
    fk_date valid_from, valid_until;
    int min_days;               /* warn when fewer days of validity remain at issue */
    long copay_amount;          /* 窓口での自己負担: yen (0: free), or -1 when a rate */
    int copay_rate;             /* percent, or -1 when an amount */
    long insurer_limit;         /* 保険者負担上限額 in yen */
    const char *contract_agent; /* 契約とりまとめ機関名 */
    const char *payment_agent_number; /* 支払代行機関番号: 8 digits */
    const char *payment_agent_name;   /* 支払代行機関名称 */
} fk_order_voucher;
void fk_order_get_voucher(const fk_order *o, fk_order_voucher *out);

/*
 * The issue date (交付年月日) of a composing on `today`: the order's, or today. FK_EINVAL
 * when it is after valid_until (no voucher may be issued already expired); otherwise
 * *days_left is the number of days from the issue date to valid_until inclusive, and
 * *is_short tells that it is under the order's min_days (a warning for the caller).
 */
fk_status fk_order_issue_date(const fk_order *o, fk_date today, fk_date *issue, long *days_left,
                              bool *is_short, fk_err *err) FK_WARN_UNUSED;

/* True when a 6- or 8-digit 保険者番号's last digit is its 検証番号 (weights 2,1,2,… from the
 * right, digit sums of the products, 10 minus the sum mod 10). */
bool fk_order_is_insurer_number(const char *s);
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
