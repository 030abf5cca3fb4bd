/*
 * The job store: one job = one mailing for one ward in one fiscal year, kept in a private
 * directory (mode 0700) holding an SQLite database (WAL, foreign keys, versioned schema).
 * Opening a job checks the directory's and database's modes; logging in opens the user's
 * key slot, which yields the job key that seals every piece of personal data. Every login,
 * refusal and command outcome is written to the audit log (audit.h).
 */
#ifndef FK_JOB_H
#define FK_JOB_H

#include "crypto.h"
#include "order.h"
#include "record.h"
#include "util/err.h"

#include <stdbool.h>

typedef struct fk_job fk_job;

/* Roles as bits, so that a command can state the set it allows. Stored by name. */
typedef enum {
    FK_ROLE_MANAGER = 1, /* 取扱責任者 */
    FK_ROLE_HANDLER = 2, /* 取扱者 */
    FK_ROLE_AUDITOR = 4  /* 監査: read-only, no personal data */
} fk_role;

#define FK_ROLES_STAFF (FK_ROLE_MANAGER | FK_ROLE_HANDLER)
#define FK_ROLES_ALL   (FK_ROLE_MANAGER | FK_ROLE_HANDLER | FK_ROLE_AUDITOR)

/* "manager", "handler", "auditor" (as stored and typed) and the Japanese titles. */
const char *fk_role_name(fk_role role);
const char *fk_role_title(fk_role role);
bool fk_role_parse(const char *s, fk_role *out);

/* Comma-separated titles of the roles in a mask, for "allowed: ..." messages. */
void fk_role_describe(unsigned mask, char *out, size_t size);

typedef struct fk_user_spec {
    const char *id;          /* login ID: 1-32 of [A-Za-z0-9._-] */
    const char *name;        /* full name as printed on the roster */
    const char *affiliation; /* company or department */
    fk_role role;
} fk_user_spec;

/* Consecutive failed logins that lock a user until a responsible manager unlocks. */
#define FK_MAX_LOGIN_FAILURES 5

/* Minimum password length, and the weak-password rules in docs/security.md. */
#define FK_PASSWORD_MIN 12

/* FK_EINVAL with the reason if password is too short or trivially weak for user_id. */
fk_status fk_password_check(const char *password, const char *user_id, fk_err *err) FK_WARN_UNUSED;

/*
 * Creates a new job in dir (created with mode 0700, or an existing empty directory) from
 * the order at order_path, with manager as its first responsible manager, and logs in as
 * that manager. Refuses a non-empty directory. Caller closes with fk_job_close.
 */
fk_status fk_job_create(const char *dir, const char *order_path, const fk_user_spec *manager,
                        const char *password, fk_kdf_params kdf, fk_job **out,
                        fk_err *err) FK_WARN_UNUSED;

/* Opens an existing job without logging in (for fk_job_login, or audit verification). */
fk_status fk_job_open(const char *dir, fk_job **out, fk_err *err) FK_WARN_UNUSED;

/*
 * Authenticates user_id for `command`, which only roles in allowed_roles may run. Every
 * outcome is audited. FK_EAUTH for an unknown user or a wrong password (the same message,
 * so IDs cannot be probed), FK_ELOCKED for a locked user, FK_EPERM for a role not allowed.
 */
fk_status fk_job_login(fk_job *job, const char *user_id, const char *password, const char *command,
                       unsigned allowed_roles, fk_err *err) FK_WARN_UNUSED;

/* Closes the job, wiping its keys. NULL is a no-op. */
void fk_job_close(fk_job *job);

const char *fk_job_dir(const fk_job *job);
const char *fk_job_id(const fk_job *job);
const fk_order *fk_job_order(const fk_job *job);
/* The logged-in user's ID and role (NULL / 0 before login). */
const char *fk_job_user(const fk_job *job);
fk_role fk_job_role(const fk_job *job);

/*
 * Appends an audit entry for the logged-in user's command: object (what it acted on),
 * outcome and details. Details must hold no personal data. Signed if the job key is open.
 */
fk_status fk_job_audit(fk_job *job, const char *object, fk_status outcome, const char *details,
                       fk_err *err) FK_WARN_UNUSED;

/* Users (roster). Adding and removing need a logged-in responsible manager. */
fk_status fk_job_user_add(fk_job *job, const fk_user_spec *user, const char *password,
                          fk_kdf_params kdf, fk_err *err) FK_WARN_UNUSED;
fk_status fk_job_user_remove(fk_job *job, const char *user_id, fk_err *err) FK_WARN_UNUSED;
fk_status fk_job_user_unlock(fk_job *job, const char *user_id, fk_err *err) FK_WARN_UNUSED;
/* Rewraps the user's slot under a new password (one's own, or any as manager). */
fk_status fk_job_user_passwd(fk_job *job, const char *user_id, const char *new_password,
                             fk_kdf_params kdf, fk_err *err) FK_WARN_UNUSED;

typedef struct fk_user_info {
    const char *id, *name, *affiliation;
    fk_role role;
    const char *added_at, *added_by;     /* ISO 8601 local time, user ID */
    const char *removed_at, *removed_by; /* NULL while on the roster */
    int failures;
    bool locked;
} fk_user_info;

/* Calls visit for every user ever on the roster, in order of addition; stops on non-zero. */
fk_status fk_job_users_foreach(fk_job *job, int (*visit)(const fk_user_info *, void *), void *ctx,
                               fk_err *err) FK_WARN_UNUSED;

/* Transactions: everything between begin and commit lands together or not at all. */
fk_status fk_job_begin(fk_job *job, fk_err *err) FK_WARN_UNUSED;
fk_status fk_job_commit(fk_job *job, fk_err *err) FK_WARN_UNUSED;
void fk_job_rollback(fk_job *job);

/* Ends the transaction: commits when s is FK_OK, rolls back otherwise; returns the outcome
 * (s, or the commit's failure). */
fk_status fk_job_end(fk_job *job, fk_status s, fk_err *err) FK_WARN_UNUSED;

#endif
