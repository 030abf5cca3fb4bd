/* Custody receipts: see receipt.h. */
#include "receipt.h"
#include "core/audit.h"
#include "core/custody.h"
#include "core/moves.h"
#include "util/jdate.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct fk_handover {
    fk_handover_spec spec;
    fk_paper *paper;
    fk_receipt receipt;
    long counts[FK_CAT_COUNT];
    char iso[40], wareki[64], checkpoint[128], document[64], counts_text[128];
    char handler_name[256], content[512], quantity[128], sha[65], ward_staff[256];
};

const char *fk_handover_kind_name(fk_handover_kind k)
{
    switch (k) {
    case FK_HANDOVER_RECEIVE_MEDIUM:
        return "receive-medium";
    case FK_HANDOVER_RECEIVE_NOTICE:
        return "receive-notice";
    case FK_HANDOVER_DELIVER:
        return "deliver";
    case FK_HANDOVER_RETURN:
        return "return";
    }
    return "?";
}

void fk_custody_now(char iso[40], char wareki[64])
{
    /* Japan keeps no daylight saving time: JST is UTC+9 all year, whatever TZ says. */
    time_t t = time(NULL) + 9 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(iso, 40, "%Y-%m-%dT%H:%M:%S+09:00", &tm);
    fk_date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
    char date[48];
    if (!fk_date_format_wareki(d, date, sizeof date))
        date[0] = '\0';
    snprintf(wareki, 64, "%s %d時%02d分", date, tm.tm_hour, tm.tm_min);
}

typedef struct {
    fk_handover *h;
    long count;
    bool same_kind;
    char medium_sha[65];
} fk__scan;

static int fk__scan_receipt(const fk_receipt *r, void *ctx)
{
    fk__scan *s = ctx;
    s->count++;
    if (strcmp(r->kind, fk_handover_kind_name(s->h->spec.kind)) == 0)
        s->same_kind = true;
    if (strcmp(r->kind, "receive-medium") == 0 && r->package_sha256 != NULL)
        snprintf(s->medium_sha, sizeof s->medium_sha, "%s", r->package_sha256);
    return 0;
}

typedef struct {
    const char *id;
    char *name;
    size_t size;
} fk__who;

static int fk__find_user(const fk_user_info *u, void *ctx)
{
    fk__who *w = ctx;
    if (strcmp(u->id, w->id) != 0)
        return 0;
    snprintf(w->name, w->size, "%s（%s）", u->name, u->affiliation);
    return 1;
}

/* The deliver check: every category's count must be the verified one. */
static fk_status fk__check_delivery(fk_handover *h, fk_err *err)
{
    char diff[FK_ERR_MSG_MAX - 64];
    size_t used = 0;
    diff[0] = '\0';
    for (int c = 0; c < FK_CAT_COUNT; c++) {
        long want = h->spec.verified[c];
        long got = h->spec.delivered != NULL ? h->spec.delivered[c] : want;
        h->counts[c] = got;
        if (got == want)
            continue;
        int n =
            snprintf(diff + used, sizeof diff - used, "%s%s: delivered %ld, verified %ld (%+ld)",
                     used ? "; " : "", fk_category_label((fk_category)c), got, want, got - want);
        if (n > 0 && (size_t)n < sizeof diff - used)
            used += (size_t)n;
    }
    if (used > 0)
        return fk_failf(err, FK_EFINDING, _("delivery refused: the counts do not reconcile: %s"),
                        diff);
    return FK_OK;
}

static fk_status fk__describe(fk_handover *h, const fk__scan *scan)
{
    long total = 0;
    switch (h->spec.kind) {
    case FK_HANDOVER_RECEIVE_MEDIUM:
        snprintf(h->content, sizeof h->content,
                 "暗号化された提供データの媒体（AES-256 ZIP）。パスワードは別の機会に受領する。");
        snprintf(h->quantity, sizeof h->quantity, "媒体 1 点");
        break;
    case FK_HANDOVER_RECEIVE_NOTICE:
        snprintf(h->content, sizeof h->content,
                 "提供データのパスワード通知書（媒体とは別の機会に受領）。");
        snprintf(h->quantity, sizeof h->quantity, "通知書 1 通");
        break;
    case FK_HANDOVER_DELIVER:
        for (int c = 0; c < FK_CAT_COUNT; c++)
            total += h->counts[c];
        snprintf(h->content, sizeof h->content, "封入封緘済みの郵便物（区分ごとの件数は下表）。");
        snprintf(h->quantity, sizeof h->quantity, "%ld 通", total);
        break;
    case FK_HANDOVER_RETURN:
        snprintf(h->content, sizeof h->content,
                 "受領した提供データの媒体およびパスワード通知書の返却。");
        snprintf(h->quantity, sizeof h->quantity, "媒体 1 点、通知書 1 通");
        break;
    }
    if (h->spec.package_sha256 != NULL)
        snprintf(h->sha, sizeof h->sha, "%s", h->spec.package_sha256);
    else
        snprintf(h->sha, sizeof h->sha, "%s", scan->medium_sha);
    return FK_OK;
}

static const char *fk__title(fk_handover_kind k)
{
    switch (k) {
    case FK_HANDOVER_RECEIVE_MEDIUM:
        return "確認書（提供データ媒体の受領）";
    case FK_HANDOVER_RECEIVE_NOTICE:
        return "確認書（パスワード通知書の受領）";
    case FK_HANDOVER_DELIVER:
        return "確認書（封入封緘済み郵便物の引渡し）";
    case FK_HANDOVER_RETURN:
        return "確認書（提供データ媒体等の返却）";
    }
    return "確認書";
}

static fk_status fk__build_paper(fk_job *job, fk_handover *h)
{
    fk_paper *p = h->paper;
    const fk_order *o = fk_job_order(job);
    bool to_ward = h->spec.kind == FK_HANDOVER_DELIVER || h->spec.kind == FK_HANDOVER_RETURN;
    char ward[256], job_line[128], seq[32];
    snprintf(ward, sizeof ward, "%s 御中", fk_order_ward(o));
    snprintf(job_line, sizeof job_line, "%s（%d年度 特定保健指導等の通知）", fk_order_job_code(o),
             fk_order_fiscal_year(o));
    snprintf(seq, sizeof seq, "第 %ld 号", h->receipt.id);
    const char *sentence = to_ward ? "下記のとおり引き渡しましたので、確認をお願いいたします。"
                                   : "下記のとおり受領いたしました。";
    const char *from = to_ward ? h->handler_name : h->ward_staff;
    const char *to = to_ward ? h->ward_staff : h->handler_name;
    char at[128];
    snprintf(at, sizeof at, "%s（%s）", h->wareki, h->iso);
    fk_status s = fk_paper_title(p, fk__title(h->spec.kind));
    if (s == FK_OK)
        s = fk_paper_paragraph(p, ward);
    if (s == FK_OK)
        s = fk_paper_paragraph(p, sentence);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "番号", h->document);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "業務", job_line);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "日時", at);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "引渡者", from);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "受領者", to);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "内容", h->content);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "数量", h->quantity);
    if (s == FK_OK && h->sha[0] != '\0')
        s = fk_paper_keyvalue(p, "媒体 SHA-256", h->sha);
    if (s == FK_OK && h->spec.kind == FK_HANDOVER_DELIVER) {
        static const char *const cols[] = {"区分", "引渡数", "突合済み数"};
        static const double widths[] = {70, 50, 50};
        char nums[FK_CAT_COUNT][2][24];
        const char *cells[FK_CAT_COUNT * 3];
        for (int c = 0; c < FK_CAT_COUNT; c++) {
            snprintf(nums[c][0], 24, "%ld", h->counts[c]);
            snprintf(nums[c][1], 24, "%ld", h->spec.verified[c]);
            cells[c * 3] = fk_category_label((fk_category)c);
            cells[c * 3 + 1] = nums[c][0];
            cells[c * 3 + 2] = nums[c][1];
        }
        s = fk_paper_table(p, 3, cols, widths, FK_CAT_COUNT, cells);
    }
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "監査ログ", h->checkpoint);
    if (s == FK_OK)
        s = fk_paper_qr(p, h->checkpoint, "監査ログのチェックポイント（ハッシュ@番号）");
    if (s == FK_OK)
        s = fk_paper_space(p, 4);
    if (s == FK_OK)
        s = fk_paper_seals(p, to_ward ? "引渡者（受託者）" : "引渡者（区）",
                           to_ward ? "受領者（区）" : "受領者（受託者）");
    (void)seq;
    if (s == FK_OK)
        s = fk_paper_set_footer(p, h->checkpoint);
    return s;
}

fk_status fk_handover_new(fk_job *job, const fk_handover_spec *spec, fk_handover **out, fk_err *err)
{
    if (spec->ward_staff == NULL || spec->ward_staff[0] == '\0')
        return fk_failf(err, FK_EINVAL,
                        _("the ward's staff member is required (--ward-staff NAME)"));
    if (spec->kind == FK_HANDOVER_DELIVER && spec->verified == NULL)
        return fk_failf(err, FK_EINVAL, _("a delivery needs the verified counts"));
    if (fk_job_user(job) == NULL)
        return fk_failf(err, FK_EPERM, _("log in first"));
    fk_handover *h = fk_calloc(1, sizeof *h);
    if (h == NULL || (h->paper = fk_paper_new()) == NULL) {
        fk_free(h);
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    h->spec = *spec;
    snprintf(h->ward_staff, sizeof h->ward_staff, "%s", spec->ward_staff);
    h->spec.ward_staff = h->ward_staff;
    fk__scan scan = {.h = h};
    fk__who who = {.id = fk_job_user(job), .name = h->handler_name, .size = sizeof h->handler_name};
    fk_status s = fk_job_receipts_foreach(job, fk__scan_receipt, &scan, err);
    if (s == FK_OK && scan.same_kind)
        s = fk_failf(err, FK_EEXIST, _("a %s receipt already exists for this job"),
                     fk_handover_kind_name(spec->kind));
    if (s == FK_OK)
        s = fk_job_users_foreach(job, fk__find_user, &who, err);
    if (s == FK_OK && spec->kind == FK_HANDOVER_DELIVER)
        s = fk__check_delivery(h, err);
    if (s == FK_OK)
        s = fk_audit_checkpoint(job, h->checkpoint, sizeof h->checkpoint, err);
    if (s == FK_OK) {
        fk_custody_now(h->iso, h->wareki);
        fk__describe(h, &scan);
        h->receipt.id = scan.count + 1;
        snprintf(h->document, sizeof h->document, "receipt-%ld-%s.pdf", h->receipt.id,
                 fk_handover_kind_name(spec->kind));
        if (spec->kind == FK_HANDOVER_DELIVER)
            fk_counts_format(h->counts, h->counts_text, sizeof h->counts_text);
        if (fk__build_paper(job, h) != FK_OK)
            s = fk_failf(err, FK_ENOMEM, _("out of memory building the receipt"));
    }
    if (s != FK_OK) {
        fk_handover_free(h);
        return s;
    }
    h->receipt = (fk_receipt){.kind = fk_handover_kind_name(spec->kind),
                              .at_iso = h->iso,
                              .at_wareki = h->wareki,
                              .handler = fk_job_user(job),
                              .handler_name = h->handler_name,
                              .ward_staff = h->ward_staff,
                              .content = h->content,
                              .quantity = h->quantity,
                              .package_sha256 = h->sha[0] ? h->sha : NULL,
                              .checkpoint = h->checkpoint,
                              .counts = spec->kind == FK_HANDOVER_DELIVER ? h->counts_text : NULL,
                              .document = h->document};
    *out = h;
    return FK_OK;
}

const fk_paper *fk_handover_paper(const fk_handover *h)
{
    return h->paper;
}

const char *fk_handover_document(const fk_handover *h)
{
    return h->document;
}

const char *fk_handover_checkpoint(const fk_handover *h)
{
    return h->checkpoint;
}

fk_status fk_handover_store(fk_job *job, fk_handover *h, const void *pdf, size_t len, fk_err *err)
{
    fk_status s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    s = fk_job_receipt_add(job, &h->receipt, err);
    if (s == FK_OK)
        s = fk_job_document_put(job, h->document, "receipt", pdf, len, NULL, err);
    /* The delivery reconciled with the verified counts (fk_handover_new refuses otherwise):
     * every verified envelope is handed over. */
    for (int c = 0; s == FK_OK && h->spec.kind == FK_HANDOVER_DELIVER && c < FK_CAT_COUNT; c++)
        s = fk_job_records_move_serials(job, (fk_category)c, 1, LONG_MAX, FK_REC_VERIFIED,
                                        FK_REC_DELIVERED, NULL, err);
    if (s == FK_OK && h->spec.kind == FK_HANDOVER_DELIVER)
        s = fk_job_moves_audit(job, err);
    char details[512];
    snprintf(details, sizeof details, "%s receipt: %s; ward staff given; checkpoint %s",
             h->receipt.kind, h->quantity, h->checkpoint);
    if (s == FK_OK)
        s = fk_job_audit(job, h->document, FK_OK, details, err);
    return fk_job_end(job, s, err);
}

void fk_handover_free(fk_handover *h)
{
    if (h == NULL)
        return;
    fk_paper_free(h->paper);
    fk_free(h);
}
