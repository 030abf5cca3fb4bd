/*
 * Calendar dates, Japanese eras (和暦) and legal ages. Shared by ingest (parsing the
 * ward's date forms), health (年度末年齢) and compose (printing dates in 和暦).
 */
#ifndef FK_JDATE_H
#define FK_JDATE_H

#include "err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct fk_date {
    int year; /* Gregorian */
    int month;
    int day;
} fk_date;

typedef enum { FK_ERA_MEIJI = 1, FK_ERA_TAISHO, FK_ERA_SHOWA, FK_ERA_HEISEI, FK_ERA_REIWA } fk_era;

/* True when y-m-d is a real Gregorian date. */
bool fk_date_is_valid(int year, int month, int day);

/*
 * Parses the forms of ward-export.md: 1987-04-01, 1987/4/1, 19870401, 昭和62年4月1日
 * (元年 too), S62.4.1 (M/T/S/H/R) and the 7-digit era-coded 3620401. The string must be
 * trimmed and half-width (full-width digits normalised by the caller). An era date must
 * fall inside its era. On error *out is unchanged and err says why (without the value).
 */
fk_status fk_date_parse(const char *s, fk_date *out, fk_err *err) FK_WARN_UNUSED;

/* Compares two dates: negative, zero or positive. */
int fk_date_cmp(fk_date a, fk_date b);

/*
 * Age on date `on` for someone born on `birth`, counted as Japanese law counts it: one
 * becomes a year older at the end of the day before the birthday (so a person born on
 * April 1 is already a year older on March 31; someone born on Feb 29 on Feb 28/Mar 1).
 */
int fk_date_age_on(fk_date birth, fk_date on);

/* The age on March 31 that ends fiscal year fy (年度末年齢). */
int fk_date_fiscal_year_end_age(fk_date birth, int fiscal_year);

/* The fiscal year (April to March) that contains d. */
int fk_date_fiscal_year(fk_date d);

/* The era of a date and the year within it; false before Meiji. */
bool fk_date_to_era(fk_date d, fk_era *era, int *era_year);

/* The era's name in kanji (昭和). */
const char *fk_era_name(fk_era era);

/* Writes "昭和62年4月1日" (元年 for year 1) into out; returns false if it does not fit. */
bool fk_date_format_wareki(fk_date d, char *out, size_t size);

/* Writes "1987-04-01" into out (at least 11 bytes). */
void fk_date_format_iso(fk_date d, char *out, size_t size);

/* Writes "令和7年7月1日（2025-07-01）": the 和暦 a ward prints, with the ISO date beside it. */
bool fk_date_format_wareki_iso(fk_date d, char *out, size_t size);

/* Today's date in Japan (JST, UTC+9, no daylight saving), whatever the machine's zone: the
 * documents are dated as the ward and the residents read them. */
fk_date fk_date_today(void);

/*
 * Converts an ISO 8601 time with a zone ("2026-12-02T07:48:00Z", "...+00:00", "...+09:00")
 * to Japan time, written "令和8年12月2日（2026-12-02）16:48 JST". False (out "") when s is
 * not such a time or out is too small.
 */
bool fk_time_format_jst(const char *s, char *out, size_t size);

/* Adds n days (may be negative). */
fk_date fk_date_add_days(fk_date d, int n);

/* Days since 1970-01-01 (proleptic Gregorian). */
long fk_date_to_days(fk_date d);
fk_date fk_date_from_days(long days);

#endif
