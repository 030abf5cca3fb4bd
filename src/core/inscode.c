/* Insert-control codes: see inscode.h. The check values come from files.c
 * (fk_job_check_value and its specimen twin). */
#include "inscode.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FK__REAL     "FK1"
#define FK__SPECIMEN "FKS1"

fk_status fk_job_insert_code(fk_job *job, const fk_record *r, long serial, int sheet, int sheets,
                             bool is_specimen, char *out, size_t size, fk_err *err)
{
    char check[FK_CHECK_VALUE_HEX];
    fk_status s = is_specimen ? fk_job_specimen_check_value(job, r, check, err)
                              : fk_job_check_value(job, r, check, err);
    if (s != FK_OK)
        return s;
    /* 0 is the preflight's layout pass, never printed; verification refuses it. */
    if (!is_specimen && (serial < 0 || serial > 999999))
        return fk_failf(err, FK_EINVAL, _("serial number %ld out of range"), serial);
    if (!fk_insert_code_format(fk_order_job_code(fk_job_order(job)), r->category, serial, sheet,
                               sheets, is_specimen, check, out, size))
        return fk_failf(err, FK_ETOOBIG, _("insert-control code longer than %zu bytes"), size);
    return FK_OK;
}

bool fk_insert_code_format(const char *job_code, fk_category c, long serial, int sheet, int sheets,
                           bool is_specimen, const char *check, char *out, size_t size)
{
    int n =
        snprintf(out, size, "%s|%s|%c|%06ld|%d/%d|%s", is_specimen ? FK__SPECIMEN : FK__REAL,
                 job_code, fk_category_code(c), is_specimen ? 0L : serial, sheet, sheets, check);
    return n >= 0 && (size_t)n < size;
}

/* Copies the next '|'-separated part of *p into out (at most size - 1 bytes). */
static bool fk__part(const char **p, char *out, size_t size)
{
    const char *bar = strchr(*p, '|');
    size_t n = bar ? (size_t)(bar - *p) : strlen(*p);
    if (n == 0 || n >= size)
        return false;
    memcpy(out, *p, n);
    out[n] = '\0';
    *p += n + (bar ? 1 : 0);
    return true;
}

static bool fk__is_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

fk_status fk_insert_code_parse(const char *text, fk_insert_code *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    char version[8], job[16], cat[4], serial[8], sheet[16], check[16];
    const char *p = text;
    if (!fk__part(&p, version, sizeof version) || !fk__part(&p, job, sizeof job) ||
        !fk__part(&p, cat, sizeof cat) || !fk__part(&p, serial, sizeof serial) ||
        !fk__part(&p, sheet, sizeof sheet) || !fk__part(&p, check, sizeof check) || *p != '\0')
        return fk_failf(err, FK_EFORMAT,
                        _("not an insert-control code (six parts separated by |)"));
    if (strcmp(version, FK__REAL) != 0 && strcmp(version, FK__SPECIMEN) != 0)
        return fk_failf(err, FK_EFORMAT, _("unknown insert-control code version '%s'"), version);
    out->is_specimen = strcmp(version, FK__SPECIMEN) == 0;
    if (strlen(job) > 8 || strlen(cat) != 1 || !fk_category_parse(cat, &out->category) ||
        strlen(serial) != 6 || !fk__is_digits(serial) || strlen(check) != FK_CHECK_VALUE_HEX - 1)
        return fk_failf(err, FK_EFORMAT, _("malformed insert-control code"));
    char *end;
    long i = strtol(sheet, &end, 10), n = *end == '/' ? strtol(end + 1, &end, 10) : 0;
    if (*end != '\0' || i < 1 || n < i || n > 9)
        return fk_failf(err, FK_EFORMAT, _("malformed sheet number in insert-control code"));
    snprintf(out->job_code, sizeof out->job_code, "%s", job);
    out->serial = strtol(serial, NULL, 10);
    out->sheet = (int)i;
    out->sheets = (int)n;
    memcpy(out->check, check, FK_CHECK_VALUE_HEX);
    return FK_OK;
}

fk_status fk_job_insert_code_verify(fk_job *job, const char *text, const fk_record *r, fk_err *err)
{
    fk_insert_code c;
    fk_status s = fk_insert_code_parse(text, &c, err);
    if (s != FK_OK)
        return s;
    if (c.is_specimen)
        return fk_failf(err, FK_EFINDING, _("a proof specimen (%s), never a sheet of an envelope"),
                        FK__SPECIMEN);
    if (strcmp(c.job_code, fk_order_job_code(fk_job_order(job))) != 0)
        return fk_failf(err, FK_EFINDING, _("a sheet of another job (%s)"), c.job_code);
    if (c.serial < 1)
        return fk_failf(err, FK_EFINDING, _("serial number 000000 is no envelope's"));
    if (c.category != r->category)
        return fk_failf(err, FK_EFINDING, _("the category does not match the person's"));
    char check[FK_CHECK_VALUE_HEX];
    s = fk_job_check_value(job, r, check, err);
    if (s != FK_OK)
        return s;
    if (strcmp(check, c.check) != 0)
        return fk_failf(err, FK_EFINDING, _("the check value does not match the person's"));
    return FK_OK;
}
