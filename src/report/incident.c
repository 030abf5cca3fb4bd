/* Incident reports: see incident.h. */
#include "incident.h"
#include "core/audit.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

bool fk_incident_serials_valid(const char *s)
{
    if (s == NULL || *s == '\0')
        return false;
    if (strcmp(s, "-") == 0)
        return true;
    while (*s) {
        if (!(*s >= 'A' && *s <= 'Z') || s[1] != '-')
            return false;
        s += 2;
        const char *digits = s;
        while (*s >= '0' && *s <= '9')
            s++;
        if (s == digits || s - digits > 9)
            return false;
        if (*s == ',')
            s++;
        else if (*s != '\0')
            return false;
        if (*s == '\0' && s[-1] == ',')
            return false;
    }
    return true;
}

fk_status fk_incident_open(fk_job *job, fk_incident *in, fk_err *err)
{
    if (in->what == NULL || in->what[0] == '\0' || in->occurred_at == NULL ||
        in->occurred_at[0] == '\0')
        return fk_failf(err, FK_EINVAL, _("an incident needs --what and --when"));
    if (!fk_incident_serials_valid(in->serials))
        return fk_failf(err, FK_EINVAL,
                        _("--serials must list envelope serials such as S-0012,D-0450 (or '-'),"
                          " never names"));
    fk_status s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    s = fk_job_incident_add(job, in, err);
    char object[32], details[128];
    snprintf(object, sizeof object, "incident %ld", in->id);
    snprintf(details, sizeof details, "incident opened; serials: %.80s", in->serials);
    if (s == FK_OK)
        s = fk_job_audit(job, object, FK_OK, details, err);
    return fk_job_end(job, s, err);
}

fk_status fk_incident_close(fk_job *job, long id, const char *followup, fk_err *err)
{
    fk_status s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    s = fk_job_incident_close(job, id, followup, err);
    char object[32];
    snprintf(object, sizeof object, "incident %ld", id);
    if (s == FK_OK)
        s = fk_job_audit(job, object, FK_OK, "incident closed", err);
    return fk_job_end(job, s, err);
}

typedef struct {
    long id;
    fk_job *job;
    fk_paper *p;
    bool found;
    fk_status status;
    fk_err *err;
} fk__show;

static int fk__paper(const fk_incident *in, void *ctx)
{
    fk__show *sh = ctx;
    if (in->id != sh->id)
        return 0;
    sh->found = true;
    fk_paper *p = sh->p;
    char ward[256], num[32], state[128], checkpoint[128];
    snprintf(ward, sizeof ward, "%s 御中", fk_order_ward(fk_job_order(sh->job)));
    snprintf(num, sizeof num, "第 %ld 号", in->id);
    if (in->closed_at != NULL)
        snprintf(state, sizeof state, "完了（%s、%s）", in->closed_at, in->closed_by);
    else
        snprintf(state, sizeof state, "対応中");
    sh->status = fk_audit_checkpoint(sh->job, checkpoint, sizeof checkpoint, sh->err);
    if (sh->status != FK_OK)
        return 1;
    const char *kv[][2] = {{"番号", num},
                           {"業務", fk_order_job_code(fk_job_order(sh->job))},
                           {"発生日時", in->occurred_at},
                           {"報告者", in->opened_by},
                           {"報告日時", in->opened_at},
                           {"事故の内容", in->what},
                           {"対象の郵便物（通番）", in->serials},
                           {"応急措置", in->actions},
                           {"区への連絡先", in->notified},
                           {"連絡日時", in->notified_at},
                           {"再発防止・事後対応", in->followup},
                           {"状況", state},
                           {"監査ログ", checkpoint}};
    fk_status s = fk_paper_title(p, "事故報告書");
    if (s == FK_OK)
        s = fk_paper_paragraph(p, ward);
    if (s == FK_OK)
        s = fk_paper_paragraph(p, "受託業務において下記の事故が発生しましたので報告します。");
    for (size_t i = 0; s == FK_OK && i < sizeof kv / sizeof kv[0]; i++)
        s = fk_paper_keyvalue(p, kv[i][0], kv[i][1]);
    if (s == FK_OK)
        s = fk_paper_seals(p, "報告者（受託者）", "取扱責任者（受託者）");
    if (s == FK_OK)
        s = fk_paper_set_footer(p, checkpoint);
    if (s != FK_OK)
        sh->status = fk_failf(sh->err, s, _("incident report: %s"), fk_strerror(s));
    return 1;
}

fk_status fk_incident_paper(fk_job *job, long id, fk_paper *p, fk_err *err)
{
    fk__show sh = {.id = id, .job = job, .p = p, .err = err};
    fk_status s = fk_job_incidents_foreach(job, fk__paper, &sh, err);
    if (s == FK_OK)
        s = sh.status;
    if (s == FK_OK && !sh.found)
        s = fk_failf(err, FK_ENOENT, _("no incident %ld"), id);
    return s;
}

typedef struct {
    fk_buf *out;
    bool csv;
    fk_status status;
} fk__list;

static fk_status fk__csv_field(fk_buf *b, const char *s, bool last)
{
    fk_status st = fk_buf_append_byte(b, '"');
    for (const char *p = s ? s : ""; st == FK_OK && *p; p++)
        st = *p == '"' ? fk_buf_append_str(b, "\"\"") : fk_buf_append_byte(b, (unsigned char)*p);
    return st == FK_OK ? fk_buf_append_str(b, last ? "\"\r\n" : "\",") : st;
}

static int fk__line(const fk_incident *in, void *ctx)
{
    fk__list *l = ctx;
    if (!l->csv) {
        l->status = fk_buf_appendf(l->out, "%ld\t%s\t%s\t%s\t%s\n", in->id,
                                   in->closed_at ? "closed" : "open", in->occurred_at, in->serials,
                                   in->what);
        return l->status != FK_OK;
    }
    char id[24];
    snprintf(id, sizeof id, "%ld", in->id);
    const char *f[] = {id,
                       in->occurred_at,
                       in->opened_at,
                       in->opened_by,
                       in->what,
                       in->serials,
                       in->actions,
                       in->notified,
                       in->notified_at,
                       in->followup,
                       in->closed_at ? in->closed_at : "",
                       in->closed_by ? in->closed_by : ""};
    size_t n = sizeof f / sizeof f[0];
    for (size_t i = 0; l->status == FK_OK && i < n; i++)
        l->status = fk__csv_field(l->out, f[i], i + 1 == n);
    return l->status != FK_OK;
}

fk_status fk_incident_list(fk_job *job, fk_buf *out, fk_err *err)
{
    fk__list l = {.out = out};
    fk_status s = fk_job_incidents_foreach(job, fk__line, &l, err);
    return s == FK_OK && l.status != FK_OK ? fk_failf(err, l.status, _("incident list too long"))
                                           : s;
}

fk_status fk_incident_csv(fk_job *job, fk_buf *out, fk_err *err)
{
    fk__list l = {.out = out, .csv = true};
    l.status = fk_buf_append_str(out, "\xEF\xBB\xBF番号,発生日時,報告日時,報告者,内容,通番,"
                                      "応急措置,連絡先,連絡日時,事後対応,完了日時,完了者\r\n");
    fk_status s = fk_job_incidents_foreach(job, fk__line, &l, err);
    return s == FK_OK && l.status != FK_OK ? fk_failf(err, l.status, _("incident list too long"))
                                           : s;
}
