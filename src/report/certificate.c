/* Erasure checks, export removal and the certificate: see certificate.h. */
#include "certificate.h"
#include "core/audit.h"
#include "core/custody.h"
#include "core/files.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    bool delivered, returned;
} fk__handovers;

static int fk__handover(const fk_receipt *r, void *ctx)
{
    fk__handovers *h = ctx;
    if (strcmp(r->kind, "deliver") == 0)
        h->delivered = true;
    if (strcmp(r->kind, "return") == 0)
        h->returned = true;
    return 0;
}

fk_status fk_erase_precheck(fk_job *job, bool force, const char *reason, fk_err *err)
{
    if (force && (reason == NULL || reason[0] == '\0'))
        return fk_failf(err, FK_EINVAL,
                        _("--force needs --reason TEXT (printed on the certificate)"));
    fk__handovers h = {0};
    fk_status s = fk_job_receipts_foreach(job, fk__handover, &h, err);
    if (s != FK_OK || force)
        return s;
    if (!h.delivered)
        return fk_failf(err, FK_ESTATE,
                        _("not erased: the envelopes are not delivered (fukan receipt JOBDIR"
                          " deliver); --force --reason TEXT overrides"));
    if (!h.returned)
        return fk_failf(err, FK_ESTATE,
                        _("not erased: the medium and the password notice are not returned (fukan"
                          " receipt JOBDIR return); --force --reason TEXT overrides"));
    return FK_OK;
}

typedef struct {
    char dirs[16][512];
    size_t n;
    bool more;
} fk__dirs;

static int fk__export_entry(const fk_audit_entry *e, void *ctx)
{
    fk__dirs *d = ctx;
    /* The export's own login entry has the same command (object "login"), and so has one
     * entry per file naming it and its SHA-256 before the copy is written; only the
     * command's closing entry names the folder, as an absolute path. */
    if (strcmp(e->command, "export") != 0 || strcmp(e->outcome, "FK_OK") != 0 ||
        strcmp(e->object, "login") == 0 || strncmp(e->details, "exported in clear;", 18) == 0)
        return 0;
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->dirs[i], e->object) == 0)
            return 0;
    if (d->n == sizeof d->dirs / sizeof d->dirs[0]) {
        d->more = true;
        return 0;
    }
    snprintf(d->dirs[d->n++], sizeof d->dirs[0], "%s", e->object);
    return 0;
}

typedef struct {
    const char *dir;
    fk_export_cleanup *out;
    fk_status status;
    fk_err *err;
} fk__remove;

static int fk__remove_file(const fk_job_file *f, void *ctx)
{
    fk__remove *r = ctx;
    char path[4096];
    if (!fk_fs_join(path, sizeof path, r->dir, f->name) || !fk_fs_exists(path))
        return 0;
    char *data;
    size_t len;
    long long bytes = 0;
    if (fk_fs_read_file(path, (size_t)1 << 31, &data, &len, NULL) == FK_OK) {
        bytes = (long long)len;
        fk_free(data);
    }
    r->status = fk_erase_file(path, r->err);
    if (r->status != FK_OK)
        return 1;
    r->out->files_removed++;
    r->out->bytes_removed += bytes;
    return 0;
}

static bool fk__is_empty_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return false;
    struct dirent *de;
    bool empty = true;
    while (empty && (de = readdir(d)) != NULL)
        empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
    closedir(d);
    return empty;
}

fk_status fk_erase_exports(fk_job *job, fk_export_cleanup *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    fk__dirs dirs = {0};
    fk_status s = fk_audit_foreach(job, NULL, fk__export_entry, &dirs, err);
    for (size_t i = 0; s == FK_OK && i < dirs.n; i++) {
        DIR *d = opendir(dirs.dirs[i]);
        if (d == NULL) {
            if (out->nunreachable < 16)
                snprintf(out->unreachable[out->nunreachable++], 512, "%s", dirs.dirs[i]);
            continue;
        }
        closedir(d);
        fk__remove r = {.dir = dirs.dirs[i], .out = out, .err = err};
        s = fk_job_files_foreach(job, fk__remove_file, &r, err);
        if (s == FK_OK)
            s = r.status;
        if (s == FK_OK && fk__is_empty_dir(dirs.dirs[i]) && rmdir(dirs.dirs[i]) == 0 &&
            out->nremoved_dirs < 16)
            snprintf(out->removed_dirs[out->nremoved_dirs++], 512, "%s", dirs.dirs[i]);
        else if (s == FK_OK && out->nunreachable < 16)
            /* Left behind: files fukan did not write are the operator's to look at. */
            snprintf(out->unreachable[out->nunreachable++], 512, "%s (not empty)", dirs.dirs[i]);
    }
    if (s == FK_OK && dirs.more && out->nunreachable < 16)
        snprintf(out->unreachable[out->nunreachable++], 512,
                 "more export folders: see 'fukan audit log --command export'");
    return s;
}

typedef struct {
    const char *id;
    char *out;
    size_t size;
} fk__who;

static int fk__find(const fk_user_info *u, void *ctx)
{
    fk__who *w = ctx;
    if (strcmp(u->id, w->id) != 0)
        return 0;
    snprintf(w->out, w->size, "%s（%s、%s）", u->name, u->affiliation, fk_role_title(u->role));
    return 1;
}

fk_status fk_custody_user_name(fk_job *job, const char *user_id, char *out, size_t size,
                               fk_err *err)
{
    snprintf(out, size, "%s", user_id);
    fk__who w = {.id = user_id, .out = out, .size = size};
    return fk_job_users_foreach(job, fk__find, &w, err);
}

static fk_status fk__items_table(const fk_erasure *e, fk_paper *p)
{
    size_t n;
    const fk_erased_item *items = fk_erasure_items(e, &n);
    static const char *const cols[] = {"種類", "対象", "件数", "バイト数", "暗号文の SHA-256"};
    static const double widths[] = {28, 36, 14, 20, 72};
    char(*num)[2][32] = fk_calloc(n ? n : 1, sizeof *num);
    const char **cells = fk_calloc(n * 5 + 1, sizeof *cells);
    fk_status s = num && cells ? FK_OK : FK_ENOMEM;
    for (size_t i = 0; s == FK_OK && i < n; i++) {
        const fk_erased_item *it = &items[i];
        snprintf(num[i][0], 32, "%ld", it->count);
        snprintf(num[i][1], 32, "%lld", it->bytes);
        const char *what = strcmp(it->what, "key slot") == 0            ? "鍵スロット"
                           : strcmp(it->what, "audit signing key") == 0 ? "署名鍵（封印）"
                           : strcmp(it->what, "sealed records") == 0    ? "封印済みレコード"
                                                                     : "封印済みファイル";
        cells[i * 5] = what;
        cells[i * 5 + 1] = it->name;
        cells[i * 5 + 2] = num[i][0];
        cells[i * 5 + 3] = num[i][1];
        cells[i * 5 + 4] = it->sha256;
    }
    if (s == FK_OK)
        s = fk_paper_table(p, 5, cols, widths, n, cells);
    fk_free(num);
    fk_free(cells);
    return s;
}

fk_status fk_certificate_paper(fk_job *job, const fk_certificate_spec *spec, fk_paper *p,
                               fk_err *err)
{
    const fk_order *o = fk_job_order(job);
    const fk_erasure_check *c = fk_erasure_check_result(spec->erasure);
    const fk_export_cleanup *x = spec->exports;
    char ward[256], job_line[160], at[128], verify[768], exports[1024];
    snprintf(ward, sizeof ward, "%s 御中", fk_order_ward(o));
    snprintf(job_line, sizeof job_line, "%s（%d年度、ジョブ ID %s）", fk_order_job_code(o),
             fk_order_fiscal_year(o), fk_job_id(job));
    snprintf(at, sizeof at, "%s（%s）", spec->at_wareki, spec->at_iso);
    snprintf(verify, sizeof verify,
             "%s。残存する鍵スロット %ld 件。消去前のパスワードによるログインは%s。"
             "ジョブフォルダの %ld ファイル（%lld バイト）を消去前の封印データ %ld 件の"
             "ノンスで検索し、%ld 件検出。",
             c->passed ? "合格" : "不合格", c->slots_left,
             c->login_refused ? "拒否された" : "成功した", c->files_scanned, c->bytes_scanned,
             c->nonces_searched, c->blobs_found);
    size_t used =
        (size_t)snprintf(exports, sizeof exports,
                         "平文で書き出したファイル %ld 件（%lld バイト）を上書きのうえ削除。",
                         x->files_removed, x->bytes_removed);
    for (size_t i = 0; i < x->nunreachable && used < sizeof exports; i++)
        used += (size_t)snprintf(exports + used, sizeof exports - used,
                                 "%s到達できない書出し先（作業者が消去すること）: %s",
                                 i == 0 ? "\n" : "、", x->unreachable[i]);
    fk_status s = fk_paper_title(p, "消去証明書");
    if (s == FK_OK)
        s = fk_paper_paragraph(p, ward);
    if (s == FK_OK)
        s = fk_paper_paragraph(p, "受託業務で取り扱った個人情報を含む電子データを、下記のとおり"
                                  "復元できない方法で消去したことを証明します。");
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "業務", job_line);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "消去日時", at);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "作業者", spec->operator_name);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "方法",
                              "NIST SP 800-88 Rev. 2 の暗号消去（Cryptographic Erase）：ジョブ鍵を"
                              "包むすべての鍵スロットと封印された署名鍵を破棄し、封印済みデータの"
                              "暗号文を削除。封印済みファイルはゼロで上書きして削除。データベースは"
                              "secure_delete と VACUUM で再構築し、WAL を切り詰め。");
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "ツール", spec->tool);
    if (s == FK_OK && spec->reason != NULL)
        s = fk_paper_keyvalue(p, "強制実行の理由", spec->reason);
    if (s == FK_OK)
        s = fk_paper_heading(p, "消去したもの");
    if (s == FK_OK)
        s = fk__items_table(spec->erasure, p);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "書出しファイル", exports);
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "検証結果", verify);
    if (s == FK_OK)
        s = fk_paper_keyvalue(
            p, "残すもの", "監査ログ、件数、確認書、事故報告書、名簿（住民の個人情報を含まない）");
    if (s == FK_OK)
        s = fk_paper_keyvalue(p, "監査ログ", spec->checkpoint);
    if (s == FK_OK)
        s = fk_paper_qr(p, spec->checkpoint, "監査ログのチェックポイント（ハッシュ@番号）");
    if (s == FK_OK)
        s = fk_paper_paragraph(p, "この証明書の PDF には、ジョブの Ed25519 鍵による分離署名"
                                  "（erasure-certificate.pdf.sig）が付属します。公開鍵は監査ログの"
                                  "公開鍵（audit-pubkey.hex）です。");
    if (s == FK_OK)
        s = fk_paper_seals(p, "消去作業者（受託者）", "取扱責任者（受託者）");
    if (s == FK_OK)
        s = fk_paper_set_footer(p, spec->checkpoint);
    if (s != FK_OK)
        return fk_failf(err, s, _("erasure certificate: %s"), fk_strerror(s));
    return FK_OK;
}
