/* The report package: see bundle.h. */
#include "bundle.h"
#include "util/mem.h"
#include "util/i18n.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

struct fk_bundle {
    zip_t *za;
    char *path;
    char *password;
    void **copies; /* libzip reads the entries' data at zip_close */
    size_t n, cap;
};

static void fk__free(fk_bundle *b)
{
    for (size_t i = 0; i < b->n; i++)
        fk_free(b->copies[i]);
    fk_free(b->copies);
    fk_free(b->path);
    if (b->password != NULL) {
        memset(b->password, 0, strlen(b->password));
        fk_free(b->password);
    }
    fk_free(b);
}

fk_status fk_bundle_new(const char *path, const char *password, fk_bundle **out, fk_err *err)
{
    if (password == NULL || strlen(password) < 16)
        return fk_failf(err, FK_EINVAL, _("the report password must have at least 16 characters"));
    if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1))
        return fk_failf(err, FK_ECRYPTO, _("libzip was built without AES-256 support"));
    fk_bundle *b = fk_calloc(1, sizeof *b);
    if (b == NULL || (b->path = fk_strdup(path)) == NULL ||
        (b->password = fk_strdup(password)) == NULL) {
        if (b != NULL)
            fk__free(b);
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    }
    int code = 0;
    b->za = zip_open(path, ZIP_CREATE | ZIP_EXCL, &code);
    if (b->za == NULL) {
        fk__free(b);
        return fk_failf(err, code == ZIP_ER_EXISTS ? FK_EEXIST : FK_EIO, "%s: %s", path,
                        code == ZIP_ER_EXISTS ? "already exists, not overwritten"
                                              : "cannot create");
    }
    *out = b;
    return FK_OK;
}

fk_status fk_bundle_add(fk_bundle *b, const char *name, const void *data, size_t len, fk_err *err)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        void **c = fk_realloc(b->copies, cap * sizeof *c);
        if (c == NULL)
            return fk_failf(err, FK_ENOMEM, _("out of memory"));
        b->copies = c;
        b->cap = cap;
    }
    void *copy = fk_malloc(len ? len : 1);
    if (copy == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    memcpy(copy, data, len);
    b->copies[b->n++] = copy;
    zip_source_t *src = zip_source_buffer(b->za, copy, len, 0);
    if (src == NULL)
        return fk_failf(err, FK_ENOMEM, "%s: %s", b->path, zip_strerror(b->za));
    zip_int64_t idx = zip_file_add(b->za, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        return fk_failf(err, FK_EIO, _("%s: cannot add %s: %s"), b->path, name,
                        zip_strerror(b->za));
    }
    if (zip_file_set_encryption(b->za, (zip_uint64_t)idx, ZIP_EM_AES_256, b->password) != 0)
        return fk_failf(err, FK_ECRYPTO, _("%s: cannot encrypt %s: %s"), b->path, name,
                        zip_strerror(b->za));
    return FK_OK;
}

fk_status fk_bundle_close(fk_bundle *b, fk_err *err)
{
    fk_status s = FK_OK;
    if (zip_close(b->za) != 0) {
        s = fk_failf(err, FK_EIO, _("%s: cannot write: %s"), b->path, zip_strerror(b->za));
        zip_discard(b->za);
        unlink(b->path);
    } else if (chmod(b->path, 0600) != 0) {
        s = fk_failf(err, FK_EIO, _("%s: cannot make it private (mode 0600)"), b->path);
    }
    fk__free(b);
    return s;
}

void fk_bundle_discard(fk_bundle *b)
{
    if (b == NULL)
        return;
    zip_discard(b->za);
    fk__free(b);
}
