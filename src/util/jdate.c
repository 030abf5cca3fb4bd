/* Dates, eras and legal ages: see jdate.h. */
#include "jdate.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct {
    fk_era era;
    const char *name;
    char letter;
    fk_date first;
    fk_date last;
} fk__era_info;

static const fk__era_info fk__eras[] = {
    {FK_ERA_MEIJI, "明治", 'M', {1868, 1, 25}, {1912, 7, 29}},
    {FK_ERA_TAISHO, "大正", 'T', {1912, 7, 30}, {1926, 12, 24}},
    {FK_ERA_SHOWA, "昭和", 'S', {1926, 12, 25}, {1989, 1, 7}},
    {FK_ERA_HEISEI, "平成", 'H', {1989, 1, 8}, {2019, 4, 30}},
    {FK_ERA_REIWA, "令和", 'R', {2019, 5, 1}, {9999, 12, 31}},
};

static const fk__era_info *fk__era_info_of(fk_era era)
{
    for (size_t i = 0; i < sizeof fk__eras / sizeof fk__eras[0]; i++)
        if (fk__eras[i].era == era)
            return &fk__eras[i];
    return NULL;
}

static bool fk__is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int fk__days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && fk__is_leap(y) ? 29 : days[m - 1];
}

bool fk_date_is_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= fk__days_in_month(y, m);
}

int fk_date_cmp(fk_date a, fk_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

/* Reads up to max_digits decimal digits at *p; false if there is none. */
static bool fk__read_int(const char **p, int max_digits, int *out)
{
    int v = 0, n = 0;
    while (n < max_digits && **p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n > 0;
}

static bool fk__skip(const char **p, const char *token)
{
    size_t n = strlen(token);
    if (strncmp(*p, token, n) != 0)
        return false;
    *p += n;
    return true;
}

static fk_status fk__from_era(const fk__era_info *e, int ey, int m, int d, fk_date *out,
                              fk_err *err)
{
    int y = e->first.year + ey - 1;
    if (ey < 1 || !fk_date_is_valid(y, m, d))
        return fk_failf(err, FK_EFORMAT, _("invalid date"));
    fk_date date = {y, m, d};
    if (fk_date_cmp(date, e->first) < 0 || fk_date_cmp(date, e->last) > 0)
        return fk_failf(err, FK_EFORMAT, _("date outside its era (%s)"), e->name);
    *out = date;
    return FK_OK;
}

static fk_status fk__parse_gregorian(const char *s, fk_date *out, fk_err *err)
{
    const char *p = s;
    int y, m, d;
    size_t len = strlen(s);
    if (len == 8 && strspn(s, "0123456789") == 8) {
        (void)fk__read_int(&p, 4, &y);
        (void)fk__read_int(&p, 2, &m);
        (void)fk__read_int(&p, 2, &d);
    } else {
        if (!fk__read_int(&p, 4, &y) || p - s != 4)
            return fk_failf(err, FK_EFORMAT, _("unrecognised date form"));
        char sep = *p;
        if (sep != '-' && sep != '/')
            return fk_failf(err, FK_EFORMAT, _("unrecognised date form"));
        p++;
        if (!fk__read_int(&p, 2, &m) || *p != sep)
            return fk_failf(err, FK_EFORMAT, _("unrecognised date form"));
        p++;
        if (!fk__read_int(&p, 2, &d) || *p != '\0')
            return fk_failf(err, FK_EFORMAT, _("unrecognised date form"));
    }
    if (!fk_date_is_valid(y, m, d))
        return fk_failf(err, FK_EFORMAT, _("invalid date"));
    *out = (fk_date){y, m, d};
    return FK_OK;
}

static fk_status fk__parse_era_code(const char *s, fk_date *out, fk_err *err)
{
    const fk__era_info *e = fk__era_info_of((fk_era)(s[0] - '0'));
    if (e == NULL)
        return fk_failf(err, FK_EFORMAT, _("unknown era code"));
    const char *p = s + 1;
    int ey, m, d;
    (void)fk__read_int(&p, 2, &ey);
    (void)fk__read_int(&p, 2, &m);
    (void)fk__read_int(&p, 2, &d);
    return fk__from_era(e, ey, m, d, out, err);
}

static fk_status fk__parse_kanji_era(const fk__era_info *e, const char *p, fk_date *out,
                                     fk_err *err)
{
    int ey, m, d;
    if (fk__skip(&p, "元"))
        ey = 1;
    else if (!fk__read_int(&p, 2, &ey))
        return fk_failf(err, FK_EFORMAT, _("unrecognised date form"));
    if (!fk__skip(&p, "年") || !fk__read_int(&p, 2, &m) || !fk__skip(&p, "月") ||
        !fk__read_int(&p, 2, &d) || !fk__skip(&p, "日") || *p != '\0')
        return fk_failf(err, FK_EFORMAT, _("unrecognised date form"));
    return fk__from_era(e, ey, m, d, out, err);
}

static fk_status fk__parse_letter_era(const fk__era_info *e, const char *p, fk_date *out,
                                      fk_err *err)
{
    int ey, m, d;
    if (!fk__read_int(&p, 2, &ey) || *p++ != '.' || !fk__read_int(&p, 2, &m) || *p++ != '.' ||
        !fk__read_int(&p, 2, &d) || *p != '\0')
        return fk_failf(err, FK_EFORMAT, _("unrecognised date form"));
    return fk__from_era(e, ey, m, d, out, err);
}

fk_status fk_date_parse(const char *s, fk_date *out, fk_err *err)
{
    size_t len = strlen(s);
    if (len == 0)
        return fk_failf(err, FK_EFORMAT, _("empty date"));
    if (len == 7 && strspn(s, "0123456789") == 7)
        return fk__parse_era_code(s, out, err);
    for (size_t i = 0; i < sizeof fk__eras / sizeof fk__eras[0]; i++) {
        const fk__era_info *e = &fk__eras[i];
        size_t n = strlen(e->name);
        if (strncmp(s, e->name, n) == 0)
            return fk__parse_kanji_era(e, s + n, out, err);
        if (s[0] == e->letter || s[0] == e->letter + ('a' - 'A'))
            return fk__parse_letter_era(e, s + 1, out, err);
    }
    return fk__parse_gregorian(s, out, err);
}

int fk_date_age_on(fk_date birth, fk_date on)
{
    /* The birthday is reached at the end of the day before it: compare with on + 1 day. */
    fk_date next = fk_date_add_days(on, 1);
    int age = next.year - birth.year;
    bool before_birthday;
    if (birth.month == 2 && birth.day == 29 && !fk__is_leap(next.year))
        before_birthday = next.month < 3;
    else
        before_birthday =
            next.month < birth.month || (next.month == birth.month && next.day < birth.day);
    return before_birthday ? age - 1 : age;
}

int fk_date_fiscal_year_end_age(fk_date birth, int fiscal_year)
{
    return fk_date_age_on(birth, (fk_date){fiscal_year + 1, 3, 31});
}

int fk_date_fiscal_year(fk_date d)
{
    return d.month >= 4 ? d.year : d.year - 1;
}

bool fk_date_to_era(fk_date d, fk_era *era, int *era_year)
{
    for (size_t i = sizeof fk__eras / sizeof fk__eras[0]; i-- > 0;) {
        if (fk_date_cmp(d, fk__eras[i].first) >= 0) {
            *era = fk__eras[i].era;
            *era_year = d.year - fk__eras[i].first.year + 1;
            return true;
        }
    }
    return false;
}

const char *fk_era_name(fk_era era)
{
    const fk__era_info *e = fk__era_info_of(era);
    return e != NULL ? e->name : "";
}

bool fk_date_format_wareki(fk_date d, char *out, size_t size)
{
    fk_era era;
    int ey;
    if (!fk_date_to_era(d, &era, &ey))
        return false;
    char year[8];
    if (ey == 1)
        snprintf(year, sizeof year, "元");
    else
        snprintf(year, sizeof year, "%d", ey);
    int n = snprintf(out, size, "%s%s年%d月%d日", fk_era_name(era), year, d.month, d.day);
    return n > 0 && (size_t)n < size;
}

void fk_date_format_iso(fk_date d, char *out, size_t size)
{
    snprintf(out, size, "%04d-%02d-%02d", d.year, d.month, d.day);
}

#define FK__JST_OFFSET (9 * 3600L)

fk_date fk_date_today(void)
{
    long now = (long)time(NULL) + FK__JST_OFFSET;
    return fk_date_from_days(now / 86400);
}

bool fk_date_format_wareki_iso(fk_date d, char *out, size_t size)
{
    char w[48], iso[16];
    if (!fk_date_format_wareki(d, w, sizeof w))
        return false;
    fk_date_format_iso(d, iso, sizeof iso);
    int n = snprintf(out, size, "%s（%s）", w, iso);
    return n > 0 && (size_t)n < size;
}

/* Reads exactly n digits at s into *v. */
static bool fk__digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

bool fk_time_format_jst(const char *s, char *out, size_t size)
{
    int y, mo, d, h, mi, sec, oh = 0, om = 0;
    if (size > 0)
        out[0] = '\0';
    if (s == NULL || strlen(s) < 20 || !fk__digits(s, 4, &y) || s[4] != '-' ||
        !fk__digits(s + 5, 2, &mo) || s[7] != '-' || !fk__digits(s + 8, 2, &d) ||
        (s[10] != 'T' && s[10] != ' ') || !fk__digits(s + 11, 2, &h) || s[13] != ':' ||
        !fk__digits(s + 14, 2, &mi) || s[16] != ':' || !fk__digits(s + 17, 2, &sec) ||
        !fk_date_is_valid(y, mo, d) || h > 23 || mi > 59 || sec > 60)
        return false;
    const char *z = s + 19;
    while (*z == '.' || (*z >= '0' && *z <= '9'))
        z++;
    int sign = 1;
    if (strcmp(z, "Z") != 0) {
        if ((z[0] != '+' && z[0] != '-') || strlen(z) != 6 || !fk__digits(z + 1, 2, &oh) ||
            z[3] != ':' || !fk__digits(z + 4, 2, &om))
            return false;
        sign = z[0] == '-' ? -1 : 1;
    }
    long t = fk_date_to_days((fk_date){y, mo, d}) * 86400 + h * 3600L + mi * 60L + sec -
             sign * (oh * 3600L + om * 60L) + FK__JST_OFFSET;
    long days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    long rest = t - days * 86400;
    char date[96];
    if (!fk_date_format_wareki_iso(fk_date_from_days(days), date, sizeof date))
        return false;
    int n = snprintf(out, size, "%s%02ld:%02ld JST", date, rest / 3600, rest / 60 % 60);
    if (n < 0 || (size_t)n >= size) {
        if (size > 0)
            out[0] = '\0';
        return false;
    }
    return true;
}

long fk_date_to_days(fk_date d)
{
    /* Howard Hinnant's days_from_civil. */
    int y = d.month <= 2 ? d.year - 1 : d.year;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

fk_date fk_date_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2 ? 1 : 0));
    return (fk_date){y, m, d};
}

fk_date fk_date_add_days(fk_date d, int n)
{
    return fk_date_from_days(fk_date_to_days(d) + n);
}
