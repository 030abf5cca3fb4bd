/* Private-mode checks and atomic writes: see fsutil.h. */
#include "fsutil.h"
#include "mem.h"
#include "util/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A symbolic link could point a job's data anywhere, or others' data into the job. */
static fk_status fk__symlink(const char *path, fk_err *err)
{
    return fk_failf(err, FK_EUNSAFE, _("%s: is a symbolic link; refused (use the real path)"),
                    path);
}

fk_status fk_fs_check_private_dir(const char *path, fk_err *err)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return fk__symlink(path, err);
    if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return fk_failf(err, FK_ENOENT, _("%s: not a directory"), path);
    if ((st.st_mode & 077) != 0)
        return fk_failf(err, FK_EUNSAFE,
                        _("%s: directory is accessible by others (mode %03o); run chmod 700"), path,
                        (unsigned)(st.st_mode & 0777));
    return FK_OK;
}

fk_status fk_fs_check_private_file(const char *path, fk_err *err)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return fk_failf(err, FK_ENOENT, "%s: %s", path, strerror(errno));
    if (S_ISLNK(st.st_mode))
        return fk__symlink(path, err);
    if (!S_ISREG(st.st_mode))
        return fk_failf(err, FK_EUNSAFE, _("%s: not a regular file"), path);
    if ((st.st_mode & 077) != 0)
        return fk_failf(err, FK_EUNSAFE,
                        _("%s: file is accessible by others (mode %03o); run chmod 600"), path,
                        (unsigned)(st.st_mode & 0777));
    return FK_OK;
}

static bool fk__dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return false;
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = false;
            break;
        }
    }
    closedir(d);
    return empty;
}

fk_status fk_fs_mkdir_private(const char *path, fk_err *err)
{
    if (mkdir(path, 0700) == 0)
        return FK_OK;
    if (errno != EEXIST)
        return fk_failf(err, FK_EIO, "%s: %s", path, strerror(errno));
    if (!fk__dir_is_empty(path))
        return fk_failf(err, FK_EEXIST, _("%s: already exists and is not empty"), path);
    if (chmod(path, 0700) != 0)
        return fk_failf(err, FK_EIO, "%s: %s", path, strerror(errno));
    return FK_OK;
}

static void fk__dirname(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash == NULL)
        snprintf(out, size, ".");
    else if (slash == out)
        out[1] = '\0';
    else
        *slash = '\0';
}

int fk_fs_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n < 0 ? errno : EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

fk_status fk_fs_write_atomic(const char *path, const void *data, size_t len, fk_err *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp)
        return fk_failf(err, FK_EINVAL, _("%s: path too long"), path);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return fk_failf(err, FK_EIO, "%s: %s", path, strerror(errno));
    int written = fk_fs_write_all(fd, data, len);
    if (written != 0) {
        close(fd);
        unlink(tmp);
        return fk_failf(err, FK_EIO, "%s: %s", path, strerror(written));
    }
    if (fchmod(fd, 0600) != 0 || fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return fk_failf(err, FK_EIO, "%s: %s", path, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fk_failf(err, FK_EIO, "%s: %s", path, strerror(e));
    }
    char dir[4096];
    fk__dirname(path, dir, sizeof dir);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return FK_OK;
}

fk_status fk_fs_read_file(const char *path, size_t max, char **data, size_t *len, fk_err *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return fk_failf(err, errno == ENOENT ? FK_ENOENT : FK_EIO, "%s: %s", path, strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = fk_malloc(cap + 1);
    fk_status s = FK_OK;
    while (buf != NULL) {
        if (n == cap) {
            if (cap >= max) {
                s = fk_failf(err, FK_ETOOBIG, _("%s: larger than %zu bytes"), path, max);
                break;
            }
            cap = cap * 2 > max ? max : cap * 2;
            char *grown = fk_realloc(buf, cap + 1);
            if (grown == NULL) {
                fk_free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (buf == NULL)
        s = fk_failf(err, FK_ENOMEM, _("%s: out of memory"), path);
    else if (s == FK_OK && ferror(f))
        s = fk_failf(err, FK_EIO, _("%s: read error"), path);
    fclose(f);
    if (s != FK_OK) {
        fk_free(buf);
        return s;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return FK_OK;
}

bool fk_fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

bool fk_fs_join(char *out, size_t size, const char *dir, const char *name)
{
    int n = snprintf(out, size, "%s/%s", dir, name);
    return n > 0 && (size_t)n < size;
}
