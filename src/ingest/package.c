/*
 * AES ZIP packages with libzip: see package.h. Every entry's encryption method is checked
 * before any password is tried, so an unencrypted or ZipCrypto package is refused as such
 * rather than read. libzip checks the AE-2 password verifier when an entry is opened and the
 * HMAC when it has been read, so a wrong password and a tampered entry are told apart.
 */
#include "package.h"

#include "util/fsutil.h"
#include "util/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <zip.h>

static const char *fk__zip_message(int code)
{
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    /* zip_error_strerror keeps the text inside ze; copy out before finishing it. */
    static _Thread_local char msg[128];
    snprintf(msg, sizeof msg, "%s", zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return msg;
}

static const char *fk__method_name(zip_uint16_t m)
{
    switch (m) {
    case ZIP_EM_NONE:
        return "not encrypted";
    case ZIP_EM_TRAD_PKWARE:
        return "encrypted with legacy ZipCrypto";
    case ZIP_EM_AES_128:
        return "encrypted with AES-128";
    case ZIP_EM_AES_192:
        return "encrypted with AES-192";
    default:
        return "encrypted with an unsupported method";
    }
}

static bool fk__ends_with_csv(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".csv") == 0;
}

static fk_status fk__open_archive(const char *path, zip_t **za, fk_err *err)
{
    int code = 0;
    *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (*za != NULL)
        return FK_OK;
    switch (code) {
    case ZIP_ER_NOENT:
        return fk_failf(err, FK_ENOENT, "%s: no such file", path);
    case ZIP_ER_OPEN:
    case ZIP_ER_READ:
        return fk_failf(err, FK_EIO, "%s: cannot read: %s", path, fk__zip_message(code));
    case ZIP_ER_MEMORY:
        return fk_failf(err, FK_ENOMEM, "%s: out of memory", path);
    default:
        return fk_failf(err, FK_EFORMAT, "%s: damaged or truncated archive (%s)", path,
                        fk__zip_message(code));
    }
}

/* Reads entry idx (size bytes by its header) into a new buffer, checking the password. */
static fk_status fk__read_entry(zip_t *za, const char *path, zip_uint64_t idx, zip_uint64_t size,
                                size_t max, const char *password, char **out, size_t *len,
                                fk_err *err)
{
    const char *name = zip_get_name(za, idx, 0);
    if (size > max)
        return fk_failf(err, FK_ETOOBIG, "%s: %s is larger than %zu bytes", path, name, max);
    zip_file_t *zf = zip_fopen_index_encrypted(za, idx, 0, password);
    if (zf == NULL) {
        int code = zip_error_code_zip(zip_get_error(za));
        if (code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_NOPASSWD)
            return fk_failf(err, FK_EAUTH, "%s: wrong package password", path);
        if (code == ZIP_ER_MEMORY)
            return fk_failf(err, FK_ENOMEM, "%s: out of memory", path);
        return fk_failf(err, FK_EFORMAT, "%s: cannot open %s: %s", path, name, zip_strerror(za));
    }
    char *buf = fk_malloc((size_t)size + 1);
    if (buf == NULL) {
        zip_fclose(zf);
        return fk_failf(err, FK_ENOMEM, "%s: out of memory", path);
    }
    fk_status s = FK_OK;
    size_t got = 0;
    for (;;) {
        /* One byte of room past the announced size shows an entry longer than announced. */
        char extra;
        char *dst = got < size ? buf + got : &extra;
        zip_uint64_t want = got < size ? size - got : 1;
        zip_int64_t k = zip_fread(zf, dst, want);
        if (k < 0) {
            int code = zip_error_code_zip(zip_file_get_error(zf));
            s = fk_failf(err, FK_EFORMAT, "%s: %s is damaged (%s)", path, name,
                         code == ZIP_ER_CRC ? "integrity check failed" : zip_file_strerror(zf));
            break;
        }
        if (k == 0)
            break;
        if (got >= size) {
            s = fk_failf(err, FK_EFORMAT, "%s: %s is longer than its header says", path, name);
            break;
        }
        got += (size_t)k;
    }
    if (s == FK_OK && got != size)
        s = fk_failf(err, FK_EFORMAT, "%s: %s is truncated", path, name);
    zip_fclose(zf);
    if (s != FK_OK) {
        memset(buf, 0, (size_t)size + 1);
        fk_free(buf);
        return s;
    }
    buf[size] = '\0';
    *out = buf;
    *len = (size_t)size;
    return FK_OK;
}

/*
 * The manifest: UTF-8 lines "key: value"; "csv" (required) names the CSV entry, "rows" (optional)
 * the number of data rows. Blank lines and lines starting with '#' are ignored.
 */
static fk_status fk__parse_manifest(const char *path, char *text, char **csv_name, long *rows,
                                    fk_err *err)
{
    *csv_name = NULL;
    *rows = -1;
    size_t lineno = 0;
    for (char *line = text; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        lineno++;
        size_t n = strlen(line);
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        char *colon = strchr(line, ':');
        char *value = colon != NULL ? colon + 1 : NULL;
        while (value != NULL && *value == ' ')
            value++;
        fk_status s = FK_OK;
        if (n == 0 || line[0] == '#') {
        } else if (colon == NULL) {
            s = fk_failf(err, FK_EFORMAT, "%s: %s:%zu: expected 'key: value'", path,
                         FK_PACKAGE_MANIFEST, lineno);
        } else if ((size_t)(colon - line) == 3 && strncmp(line, "csv", 3) == 0 &&
                   *csv_name == NULL) {
            *csv_name = value;
        } else if ((size_t)(colon - line) == 4 && strncmp(line, "rows", 4) == 0 && *rows < 0) {
            char *end;
            errno = 0;
            long v = strtol(value, &end, 10);
            if (errno != 0 || end == value || *end != '\0' || v < 0)
                s = fk_failf(err, FK_EFORMAT, "%s: %s:%zu: rows is not a count", path,
                             FK_PACKAGE_MANIFEST, lineno);
            *rows = v;
        } else {
            s = fk_failf(err, FK_EFORMAT, "%s: %s:%zu: unknown or repeated key", path,
                         FK_PACKAGE_MANIFEST, lineno);
        }
        if (s != FK_OK)
            return s;
        line = nl != NULL ? nl + 1 : NULL;
    }
    if (*csv_name == NULL || **csv_name == '\0')
        return fk_failf(err, FK_EFORMAT, "%s: %s names no csv", path, FK_PACKAGE_MANIFEST);
    return FK_OK;
}

/* Finds the CSV entry: the manifest's, or the only .csv. Checks every entry's encryption. */
static fk_status fk__find_csv(zip_t *za, const char *path, const char *password, zip_int64_t *csv,
                              long *rows, fk_err *err)
{
    zip_int64_t n = zip_get_num_entries(za, 0);
    zip_int64_t manifest = -1, only_csv = -1;
    size_t ncsv = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) != 0)
            return fk_failf(err, FK_EFORMAT, "%s: damaged archive (%s)", path, zip_strerror(za));
        size_t len = strlen(st.name);
        if (len > 0 && st.name[len - 1] == '/' && st.size == 0)
            continue; /* a directory entry carries no data */
        if (!(st.valid & ZIP_STAT_ENCRYPTION_METHOD) || st.encryption_method != ZIP_EM_AES_256)
            return fk_failf(err, FK_EFORMAT,
                            "%s: %s is %s; the package must be encrypted with AES-256", path,
                            st.name, fk__method_name(st.encryption_method));
        if (strcmp(st.name, FK_PACKAGE_MANIFEST) == 0)
            manifest = i;
        else if (fk__ends_with_csv(st.name)) {
            ncsv++;
            only_csv = i;
        }
    }
    *rows = -1;
    if (manifest < 0) {
        if (ncsv == 0)
            return fk_failf(err, FK_EFORMAT, "%s: the package holds no CSV", path);
        if (ncsv > 1)
            return fk_failf(err, FK_EFORMAT, "%s: the package holds %zu CSVs and no %s naming one",
                            path, ncsv, FK_PACKAGE_MANIFEST);
        *csv = only_csv;
        return FK_OK;
    }
    zip_stat_t st;
    if (zip_stat_index(za, (zip_uint64_t)manifest, 0, &st) != 0)
        return fk_failf(err, FK_EFORMAT, "%s: damaged archive (%s)", path, zip_strerror(za));
    char *text;
    size_t len;
    fk_status s =
        fk__read_entry(za, path, (zip_uint64_t)manifest, st.size, 4096, password, &text, &len, err);
    if (s != FK_OK)
        return s;
    char *name;
    s = fk__parse_manifest(path, text, &name, rows, err);
    if (s == FK_OK) {
        *csv = zip_name_locate(za, name, 0);
        if (*csv < 0)
            s = fk_failf(err, FK_EFORMAT, "%s: the CSV named by %s is missing", path,
                         FK_PACKAGE_MANIFEST);
    }
    fk_free(text);
    return s;
}

fk_status fk_package_open(const char *path, const char *password, size_t max,
                          fk_package_content *out, fk_err *err)
{
    memset(out, 0, sizeof *out);
    out->rows = -1;
    if (max == 0)
        max = FK_PACKAGE_DEFAULT_MAX;
    zip_t *za;
    fk_status s = fk__open_archive(path, &za, err);
    if (s != FK_OK)
        return s;
    zip_int64_t idx = -1;
    long rows = -1;
    s = fk__find_csv(za, path, password, &idx, &rows, err);
    zip_stat_t st;
    if (s == FK_OK && zip_stat_index(za, (zip_uint64_t)idx, 0, &st) != 0)
        s = fk_failf(err, FK_EFORMAT, "%s: damaged archive (%s)", path, zip_strerror(za));
    if (s == FK_OK)
        s = fk__read_entry(za, path, (zip_uint64_t)idx, st.size, max, password, &out->csv,
                           &out->csv_len, err);
    if (s == FK_OK && (out->csv_name = fk_strdup(st.name)) == NULL)
        s = fk_failf(err, FK_ENOMEM, "%s: out of memory", path);
    zip_discard(za);
    if (s != FK_OK) {
        fk_package_content_clear(out);
        return s;
    }
    out->rows = rows;
    return FK_OK;
}

void fk_package_content_clear(fk_package_content *c)
{
    if (c->csv != NULL)
        memset(c->csv, 0, c->csv_len);
    fk_free(c->csv);
    fk_free(c->csv_name);
    memset(c, 0, sizeof *c);
    c->rows = -1;
}

fk_status fk_package_new_password(char out[FK_PACKAGE_PASSWORD_LEN + 1], fk_err *err)
{
    static const char alphabet[] = FK_PACKAGE_PASSWORD_ALPHABET;
    const unsigned n = sizeof alphabet - 1;
    /* Bytes at or above the largest multiple of n would favour the first letters. */
    const unsigned limit = 256 - 256 % n;
    size_t have = 0;
    while (have < FK_PACKAGE_PASSWORD_LEN) {
        unsigned char bytes[64];
        ssize_t k = getrandom(bytes, sizeof bytes, 0);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return fk_failf(err, FK_EENV, "no system randomness: %s", strerror(errno));
        }
        for (ssize_t i = 0; i < k && have < FK_PACKAGE_PASSWORD_LEN; i++)
            if (bytes[i] < limit)
                out[have++] = alphabet[bytes[i] % n];
        memset(bytes, 0, sizeof bytes);
    }
    out[have] = '\0';
    return FK_OK;
}

static const char *fk__basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

fk_status fk_package_seal(const char *csv_path, const char *zip_path, const char *password,
                          fk_err *err)
{
    char *data;
    size_t len;
    fk_status s = fk_fs_read_file(csv_path, FK_PACKAGE_DEFAULT_MAX, &data, &len, err);
    if (s != FK_OK)
        return s;
    int code = 0;
    zip_t *za = zip_open(zip_path, ZIP_CREATE | ZIP_EXCL, &code);
    if (za == NULL) {
        s = code == ZIP_ER_EXISTS
                ? fk_failf(err, FK_EEXIST, "%s: already exists", zip_path)
                : fk_failf(err, FK_EIO, "%s: cannot create: %s", zip_path, fk__zip_message(code));
        goto done;
    }
    zip_source_t *src = zip_source_buffer(za, data, len, 0);
    zip_int64_t idx = src != NULL ? zip_file_add(za, fk__basename(csv_path), src, 0) : -1;
    if (idx < 0) {
        if (src != NULL)
            zip_source_free(src);
        s = fk_failf(err, FK_EIO, "%s: %s", zip_path, zip_strerror(za));
        zip_discard(za);
        goto done;
    }
    if (zip_file_set_encryption(za, (zip_uint64_t)idx, ZIP_EM_AES_256, password) != 0) {
        s = fk_failf(err, FK_EENV, "%s: libzip cannot encrypt with AES-256: %s", zip_path,
                     zip_strerror(za));
        zip_discard(za);
        goto done;
    }
    if (zip_close(za) != 0) {
        s = fk_failf(err, FK_EIO, "%s: cannot write: %s", zip_path, zip_strerror(za));
        zip_discard(za);
    }
done:
    memset(data, 0, len);
    fk_free(data);
    return s;
}
