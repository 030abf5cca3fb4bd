/*
 * A job in a private temporary directory for the job store's unit tests (test-job.c,
 * test-audit.c, test-records.c): a first manager, optional staff, and removal afterwards.
 * Key slots use fk_kdf_interactive() so that each login costs well under a second.
 */
#ifndef FK_TEST_JOB_FIXTURE_H
#define FK_TEST_JOB_FIXTURE_H

#include "core/job.h"
#include "fk-config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FX_ORDER      FK_SOURCE_ROOT "/tests/fixtures/job.yaml"
#define FX_MANAGER    "kanri"
#define FX_MANAGER_PW "Tsuki-no-Hikari-42"
#define FX_HANDLER    "sato.h"
#define FX_HANDLER_PW "Kawa-ga-Nagareru-7"
#define FX_AUDITOR    "kansa"
#define FX_AUDITOR_PW "Yama-no-Ue-de-93"

typedef struct fx_job {
    char tmp[64]; /* the mkdtemp directory */
    char dir[96]; /* the job directory inside it */
    fk_job *job;  /* open, logged in as the first manager */
} fx_job;

/* Fails the running test with err's message unless s is FK_OK. */
#define FX_OK(s, err)                                                                              \
    do {                                                                                           \
        fk_status fx_s_ = (s);                                                                     \
        if (fx_s_ != FK_OK)                                                                        \
            fail_msg("%s: %s", fk_status_name(fx_s_), fk_err_message(err));                        \
    } while (0)

/* A new private directory, in memory where there is one: the store syncs every commit. */
static inline void fx_tmpdir(fx_job *fx)
{
    snprintf(fx->tmp, sizeof fx->tmp, "/dev/shm/fukan-test-XXXXXX");
    if (mkdtemp(fx->tmp) == NULL) {
        snprintf(fx->tmp, sizeof fx->tmp, "/tmp/fukan-test-XXXXXX");
        assert_non_null(mkdtemp(fx->tmp));
    }
    snprintf(fx->dir, sizeof fx->dir, "%s/job", fx->tmp);
}

static inline const fk_user_spec *fx_manager(void)
{
    static const fk_user_spec m = {FX_MANAGER, "管理\u3000太郎", "新宿印刷 総務部",
                                   FK_ROLE_MANAGER};
    return &m;
}

/* A new job with its first manager logged in; with staff, a handler and an auditor too. */
static inline void fx_create(fx_job *fx, bool staff)
{
    fk_err err;
    fx_tmpdir(fx);
    FX_OK(fk_job_create(fx->dir, FX_ORDER, fx_manager(), FX_MANAGER_PW, fk_kdf_interactive(),
                        &fx->job, &err),
          &err);
    if (!staff)
        return;
    const fk_user_spec handler = {FX_HANDLER, "佐藤\u3000花子", "新宿印刷 印刷部", FK_ROLE_HANDLER};
    const fk_user_spec auditor = {FX_AUDITOR, "監査\u3000一郎", "外部監査", FK_ROLE_AUDITOR};
    FX_OK(fk_job_user_add(fx->job, &handler, FX_HANDLER_PW, fk_kdf_interactive(), &err), &err);
    FX_OK(fk_job_user_add(fx->job, &auditor, FX_AUDITOR_PW, fk_kdf_interactive(), &err), &err);
}

/* Closes fx's job and opens it again without logging in. */
static inline void fx_reopen(fx_job *fx)
{
    fk_err err;
    fk_job_close(fx->job);
    fx->job = NULL;
    FX_OK(fk_job_open(fx->dir, &fx->job, &err), &err);
}

/* Reopens fx's job and logs in; returns the login's status. */
static inline fk_status fx_login(fx_job *fx, const char *user, const char *password, unsigned roles,
                                 fk_err *err)
{
    fx_reopen(fx);
    return fk_job_login(fx->job, user, password, "test", roles, err);
}

/* Removes a directory holding only files. */
static inline void fx_rmdir(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char file[512];
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        unlink(file);
    }
    closedir(d);
    rmdir(path);
}

static inline void fx_destroy(fx_job *fx)
{
    fk_job_close(fx->job);
    fx->job = NULL;
    fx_rmdir(fx->dir);
    fx_rmdir(fx->tmp);
}

#endif
