/* YAML parsing for every loader: see yaml.h. */
#include "yaml.h"
#include "util/utf8.h"
#include "util/i18n.h"

static void fk__diag_discard(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

fk_status fk_yaml_parse(const char *path, const char *text, size_t len, bool resolve,
                        struct fy_document **out, fk_err *err)
{
    *out = NULL;
    size_t bad_line, bad_col;
    if (fk_utf8_find_invalid(text, len, &bad_line, &bad_col))
        return fk_failf(err, FK_EFORMAT, _("%s:%zu:%zu: not valid UTF-8"), path, bad_line, bad_col);
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = fk__diag_discard;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (diag == NULL)
        return fk_failf(err, FK_ENOMEM, _("%s: out of memory"), path);
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | (resolve ? FYPCF_RESOLVE_DOCUMENT : 0),
                               .diag = diag};
    struct fy_document *doc = fy_document_build_from_string(&cfg, text, len);
    fk_status s = FK_OK;
    if (doc == NULL) {
        void *it = NULL;
        struct fy_diag_error *e = fy_diag_errors_iterate(diag, &it);
        /* Collected errors count lines and columns from 1 already (node marks from 0). */
        if (e != NULL)
            s = fk_failf(err, FK_EFORMAT, _("%s:%d:%d: YAML: %s"), path, e->line, e->column,
                         e->msg != NULL ? e->msg : "syntax error");
    } else if (fy_document_root(doc) == NULL) {
        fy_document_destroy(doc);
        doc = NULL;
    }
    fy_diag_destroy(diag);
    *out = doc;
    return s;
}
