/* fk_step_template_check: a document template's structure, then its fixed text laid out
 * with the installed fonts. See fukan.h. */
#include "fukan.h"
#include "compose/doc.h"
#include "compose/template.h"
#include "util/i18n.h"

#include <string.h>

#define FK__MAX_FINDINGS 100

typedef struct {
    const fk_callbacks *cb;
    size_t count;
} fk__check;

static bool fk__finding(void *user, const char *message)
{
    fk__check *c = user;
    fk_finding f = {FK_FINDING_REJECT, 0, 0, NULL, NULL, NULL, message, false};
    c->count++;
    bool more = c->cb == NULL || c->cb->finding == NULL || c->cb->finding(c->cb->ctx, &f);
    return more && c->count < FK__MAX_FINDINGS;
}

static fk_status fk__discard(void *closure, const unsigned char *data, size_t len)
{
    (void)closure;
    (void)data;
    (void)len;
    return FK_OK;
}

fk_status fk_step_template_check(const char *path, const fk_callbacks *cb,
                                 fk_template_check_result *out, fk_err *err)
{
    fk__check c = {cb, 0};
    out->findings = 0;
    fk_status s = fk_template_check(path, fk__finding, &c, err);
    out->findings = c.count;
    if (s == FK_EFINDING)
        return fk_failf(err, FK_EFINDING, _("%s: %zu finding%s"), path, c.count,
                        c.count == 1 ? "" : "s");
    if (s != FK_OK)
        return s;
    /* The structure is sound: now the fixed text must show and fit with the installed fonts. */
    fk_template *t = NULL;
    s = fk_template_load(path, &t, err);
    if (s == FK_OK) {
        fk_doc_writer *w = fk_doc_writer_new_stream(fk__discard, NULL, t, err);
        s = w != NULL ? fk_doc_writer_close(w, err) : err->status;
        fk_template_free(t);
    }
    if (s == FK_EFORMAT) {
        fk_finding f = {FK_FINDING_REJECT, 0, 0, NULL, NULL, NULL, err->msg, false};
        if (cb != NULL && cb->finding != NULL)
            (void)cb->finding(cb->ctx, &f);
        out->findings = 1;
        return fk_failf(err, FK_EFINDING, _("%s: 1 finding"), path);
    }
    return s;
}
