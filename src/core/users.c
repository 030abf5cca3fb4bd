/* The handler roster, key slots and logins: see job.h. */
#include "erase.h"
#include "job-private.h"
#include "util/mem.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct {
    fk_role role;
    const char *name;
    const char *title;
} fk__roles[] = {
    {FK_ROLE_MANAGER, "manager", "取扱責任者"},
    {FK_ROLE_HANDLER, "handler", "取扱者"},
    {FK_ROLE_AUDITOR, "auditor", "監査"},
};

const char *fk_role_name(fk_role role)
{
    for (size_t i = 0; i < 3; i++)
        if (fk__roles[i].role == role)
            return fk__roles[i].name;
    return "";
}

const char *fk_role_title(fk_role role)
{
    for (size_t i = 0; i < 3; i++)
        if (fk__roles[i].role == role)
            return fk__roles[i].title;
    return "";
}

bool fk_role_parse(const char *s, fk_role *out)
{
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(s, fk__roles[i].name) == 0 || strcmp(s, fk__roles[i].title) == 0) {
            *out = fk__roles[i].role;
            return true;
        }
    }
    return false;
}

void fk_role_describe(unsigned mask, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < 3; i++) {
        if ((mask & fk__roles[i].role) == 0)
            continue;
        int n = snprintf(out + used, size - used, "%s%s (%s)", used ? ", " : "", fk__roles[i].title,
                         fk__roles[i].name);
        if (n < 0 || (size_t)n >= size - used) {
            out[used] = '\0'; /* whole entries only: never a title cut inside a character */
            return;
        }
        used += (size_t)n;
    }
}

/* Passwords seen first in every breach list; compared case-insensitively as substrings. */
static const char *const fk__weak[] = {"password", "passw0rd", "123456", "qwerty", "abcdef",
                                       "letmein",  "welcome",  "admin",  "fukan",  "111111",
                                       "iloveyou", "monkey",   "dragon", "000000"};

static bool fk__contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* True when the password is a run of one character or a straight ascending/descending run. */
static bool fk__is_monotone(const char *p)
{
    size_t n = strlen(p);
    bool same = true, up = true, down = true;
    for (size_t i = 1; i < n; i++) {
        same = same && p[i] == p[0];
        up = up && p[i] == p[i - 1] + 1;
        down = down && p[i] == p[i - 1] - 1;
    }
    return same || up || down;
}

static size_t fk__distinct(const char *p)
{
    bool seen[256] = {false};
    size_t n = 0;
    for (; *p; p++)
        if (!seen[(unsigned char)*p]) {
            seen[(unsigned char)*p] = true;
            n++;
        }
    return n;
}

fk_status fk_password_check(const char *password, const char *user_id, fk_err *err)
{
    /* Characters, as the message says: four kanji are twelve bytes but not a long password. */
    if (fk_utf8_length(password) < FK_PASSWORD_MIN)
        return fk_failf(err, FK_EINVAL, "password too short: at least %d characters",
                        FK_PASSWORD_MIN);
    if (strlen(password) > 1024)
        return fk_failf(err, FK_EINVAL, "password too long: at most 1024 bytes");
    if (fk__is_monotone(password) || fk__distinct(password) < 5)
        return fk_failf(err, FK_EINVAL, "password too weak: too few different characters");
    for (size_t i = 0; i < sizeof fk__weak / sizeof fk__weak[0]; i++)
        if (fk__contains_ci(password, fk__weak[i]))
            return fk_failf(err, FK_EINVAL, "password too weak: contains a common password");
    if (user_id != NULL && strlen(user_id) >= 3 && fk__contains_ci(password, user_id))
        return fk_failf(err, FK_EINVAL, "password too weak: contains the user ID");
    return FK_OK;
}

static bool fk__is_user_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)id[i]) && id[i] != '.' && id[i] != '_' && id[i] != '-')
            return false;
    return true;
}

static fk_status fk__check_spec(const fk_user_spec *u, fk_err *err)
{
    if (!fk__is_user_id(u->id))
        return fk_failf(err, FK_EINVAL, "user ID must be 1-32 letters, digits, '.', '_' or '-'");
    if (u->name == NULL || u->name[0] == '\0' || strlen(u->name) > 200)
        return fk_failf(err, FK_EINVAL, "user %s: a name (at most 200 bytes) is required", u->id);
    if (u->affiliation == NULL || strlen(u->affiliation) > 200)
        return fk_failf(err, FK_EINVAL, "user %s: affiliation too long", u->id);
    if (fk_role_name(u->role)[0] == '\0')
        return fk_failf(err, FK_EINVAL, "user %s: unknown role", u->id);
    return FK_OK;
}

/* Wraps the job key for a staff member; an auditor's slot wraps a key of its own, which
 * proves the password but opens no personal data. */
static fk_status fk__make_slot(fk_job *job, fk_role role, const char *password, fk_kdf_params kdf,
                               unsigned char salt[FK_SALT_BYTES], fk_buf *slot, fk_err *err)
{
    fk_key *own = NULL;
    const fk_key *wrapped = job->key;
    if (role == FK_ROLE_AUDITOR) {
        fk_status s = fk_key_new_random(&own, err);
        if (s != FK_OK)
            return s;
        wrapped = own;
    }
    fk_status s = fk_slot_wrap(wrapped, password, kdf, salt, slot, err);
    fk_key_free(own);
    return s;
}

fk_status fk__users_insert(fk_job *job, const fk_user_spec *u, const char *password,
                           fk_kdf_params kdf, const char *added_by, fk_err *err)
{
    fk_status s = fk__check_spec(u, err);
    if (s == FK_OK)
        s = fk_password_check(password, u->id, err);
    if (s != FK_OK)
        return s;
    if (job->key == NULL)
        return fk_failf(err, FK_EPERM, "the job key is not open");
    unsigned char salt[FK_SALT_BYTES];
    fk_buf slot;
    fk_buf_init(&slot, 1024);
    s = fk__make_slot(job, u->role, password, kdf, salt, &slot, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "INSERT INTO users (id, seq, name, affiliation, role, added_at,"
                            " added_by, kdf_ops, kdf_mem, salt, slot) VALUES (?, (SELECT"
                            " coalesce(max(seq), 0) + 1 FROM users), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &st, err);
    if (s == FK_OK) {
        char utc[32], local[40];
        fk__job_now(utc, local);
        sqlite3_bind_text(st, 1, u->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, u->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, u->affiliation ? u->affiliation : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, fk_role_name(u->role), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, local, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, added_by, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, (sqlite3_int64)kdf.ops);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)kdf.mem);
        sqlite3_bind_blob(st, 9, salt, sizeof salt, SQLITE_STATIC);
        sqlite3_bind_blob(st, 10, slot.data, (int)slot.len, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_CONSTRAINT)
            s = fk_failf(err, FK_EEXIST, "user %s already exists (IDs are never reused)", u->id);
        else if (rc != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    fk_buf_free(&slot);
    return s;
}

static fk_status fk__require_manager(fk_job *job, const char *what, fk_err *err)
{
    if (job->role != FK_ROLE_MANAGER || job->key == NULL)
        return fk_failf(err, FK_EPERM, "only a responsible manager (取扱責任者) may %s", what);
    return FK_OK;
}

/* Ends one change: on success its audit entry lands in the same transaction; on failure
 * everything is rolled back and the caller audits the refusal. */
static fk_status fk__audited(fk_job *job, fk_status s, const char *object, const char *details,
                             fk_err *err)
{
    if (s == FK_OK)
        s = fk_job_audit(job, object, FK_OK, details, err);
    return fk_job_end(job, s, err);
}

fk_status fk_job_user_add(fk_job *job, const fk_user_spec *user, const char *password,
                          fk_kdf_params kdf, fk_err *err)
{
    fk_status s = fk__require_manager(job, "add users", err);
    if (s == FK_OK)
        s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    s = fk__users_insert(job, user, password, kdf, job->user, err);
    char details[96];
    snprintf(details, sizeof details, "user added with role %s", fk_role_name(user->role));
    return fk__audited(job, s, user->id, details, err);
}

/* Runs an UPDATE on one current (not removed) user; FK_ENOENT if there is none. */
static fk_status fk__update_user(fk_job *job, const char *sql, const char *user_id, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, sql, &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    else if (sqlite3_changes(job->db) == 0)
        s = fk_failf(err, FK_ENOENT, "no current user %s", user_id);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_user_remove(fk_job *job, const char *user_id, fk_err *err)
{
    fk_status s = fk__require_manager(job, "remove users", err);
    if (s == FK_OK && strcmp(user_id, job->user) == 0)
        s = fk_failf(err, FK_EINVAL, "a responsible manager cannot remove themselves");
    if (s == FK_OK)
        s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    char utc[32], local[40];
    fk__job_now(utc, local);
    /* The slot goes with the user: their password no longer opens anything. */
    sqlite3_stmt *st;
    s = fk__job_prepare(job,
                        "UPDATE users SET removed_at = ?2, removed_by = ?3, salt = NULL,"
                        " slot = NULL WHERE id = ?1 AND removed_at IS NULL",
                        &st, err);
    if (s == FK_OK) {
        sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, local, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, job->user, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
        else if (sqlite3_changes(job->db) == 0)
            s = fk_failf(err, FK_ENOENT, "no current user %s", user_id);
        sqlite3_finalize(st);
    }
    return fk__audited(job, s, user_id, "user removed; key slot destroyed", err);
}

fk_status fk_job_user_unlock(fk_job *job, const char *user_id, fk_err *err)
{
    fk_status s = fk__require_manager(job, "unlock users", err);
    if (s == FK_OK)
        s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    s = fk__update_user(job,
                        "UPDATE users SET locked = 0, failures = 0 WHERE id = ?1"
                        " AND removed_at IS NULL",
                        user_id, err);
    return fk__audited(job, s, user_id, "user unlocked", err);
}

typedef struct {
    fk_role role;
    bool locked;
    int failures;
    fk_kdf_params kdf;
    unsigned char salt[FK_SALT_BYTES];
    unsigned char slot[256];
    size_t slot_len;
} fk__slot_row;

/* Loads a current user's slot; FK_ENOENT if there is no such current user. */
static fk_status fk__load_slot(fk_job *job, const char *user_id, fk__slot_row *row, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT role, locked, failures, kdf_ops, kdf_mem, salt, slot"
                                  " FROM users WHERE id = ? AND removed_at IS NULL",
                                  &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *role = (const char *)sqlite3_column_text(st, 0);
        size_t salt_len = (size_t)sqlite3_column_bytes(st, 5);
        row->slot_len = (size_t)sqlite3_column_bytes(st, 6);
        row->locked = sqlite3_column_int(st, 1) != 0;
        row->failures = sqlite3_column_int(st, 2);
        row->kdf.ops = (uint64_t)sqlite3_column_int64(st, 3);
        row->kdf.mem = (size_t)sqlite3_column_int64(st, 4);
        if (role == NULL || !fk_role_parse(role, &row->role) || salt_len != FK_SALT_BYTES ||
            row->slot_len > sizeof row->slot)
            s = fk_failf(err, FK_ETAMPER, "%s: user %s has a damaged key slot", job->dir, user_id);
        else {
            memcpy(row->salt, sqlite3_column_blob(st, 5), FK_SALT_BYTES);
            memcpy(row->slot, sqlite3_column_blob(st, 6), row->slot_len);
        }
    } else if (rc == SQLITE_DONE) {
        s = FK_ENOENT;
    } else {
        s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    return s;
}

static fk_status fk__set_string(char **field, const char *value, fk_err *err)
{
    fk_free(*field);
    *field = fk_strdup(value);
    return *field ? FK_OK : fk_failf(err, FK_ENOMEM, "out of memory");
}

/* Records a failed attempt; the fifth in a row locks the user. */
static void fk__count_failure(fk_job *job, const char *user_id, bool *now_locked)
{
    fk_err ignored;
    sqlite3_stmt *st;
    *now_locked = false;
    if (fk__job_prepare(job,
                        "UPDATE users SET failures = failures + 1,"
                        " locked = (failures + 1 >= ?2) WHERE id = ?1 RETURNING locked",
                        &st, &ignored) != FK_OK)
        return;
    sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, FK_MAX_LOGIN_FAILURES);
    if (sqlite3_step(st) == SQLITE_ROW)
        *now_locked = sqlite3_column_int(st, 0) != 0;
    sqlite3_finalize(st);
}

/* Audits a refused login and returns its status (the refusal stands even if logging fails). */
static fk_status fk__login_refused(fk_job *job, const char *user_id, fk_status s,
                                   const char *details)
{
    fk_err ignored;
    if (fk__audit_append(job, user_id, job->command, "login", fk_status_name(s), details,
                         &ignored) != FK_OK)
        return s;
    return s;
}

static fk_status fk__open_slot(fk_job *job, const char *user_id, const char *password,
                               fk__slot_row *row, fk_err *err)
{
    static const char *const refused = "login refused: unknown user or wrong password";
    fk_status s = fk__load_slot(job, user_id, row, err);
    if (s == FK_ENOENT)
        return fk__login_refused(job, user_id, fk_failf(err, FK_EAUTH, "%s", refused),
                                 "unknown user");
    if (s != FK_OK)
        return s;
    if (row->locked)
        return fk__login_refused(
            job, user_id,
            fk_failf(err, FK_ELOCKED,
                     "user %s is locked after %d failed logins; a responsible manager must run"
                     " 'fukan user unlock'",
                     user_id, FK_MAX_LOGIN_FAILURES),
            "user locked");
    fk_key *key = NULL;
    s = fk_slot_unwrap(password, row->kdf, row->salt, row->slot, row->slot_len, &key, err);
    if (s == FK_EAUTH) {
        bool locked;
        fk__count_failure(job, user_id, &locked);
        return fk__login_refused(job, user_id, fk_failf(err, FK_EAUTH, "%s", refused),
                                 locked ? "wrong password; user now locked" : "wrong password");
    }
    if (s != FK_OK)
        return s;
    if (row->role == FK_ROLE_AUDITOR)
        fk_key_free(key);
    else
        job->key = key;
    return FK_OK;
}

fk_status fk_job_login(fk_job *job, const char *user_id, const char *password, const char *command,
                       unsigned allowed_roles, fk_err *err)
{
    /* A second login on the same handle starts from nothing: an auditor or a refused user
     * must not inherit the job key of whoever logged in before. */
    fk_key_free(job->key);
    job->key = NULL;
    job->role = 0;
    fk_status s = fk__set_string(&job->command, command, err);
    if (s == FK_OK)
        s = fk__set_string(&job->user, user_id, err);
    if (s != FK_OK)
        return s;
    /* After erasure no slot is left: say so plainly instead of "wrong password". */
    char erased_at[64];
    if (fk_job_is_erased(job, erased_at, sizeof erased_at))
        return fk__login_refused(job, user_id,
                                 fk_failf(err, FK_ESTATE,
                                          "login refused: this job was erased at %s (its keys"
                                          " are destroyed; no former password opens it)",
                                          erased_at),
                                 "job erased");
    fk__slot_row row;
    s = fk__open_slot(job, user_id, password, &row, err);
    fk_role role = row.role;
    fk_wipe(&row, sizeof row);
    if (s != FK_OK)
        return s;
    if ((role & allowed_roles) == 0) {
        char allowed[160];
        fk_role_describe(allowed_roles, allowed, sizeof allowed);
        fk_key_free(job->key);
        job->key = NULL;
        return fk__login_refused(job, user_id,
                                 fk_failf(err, FK_EPERM,
                                          "user %s (%s) may not run '%s'; allowed: %s", user_id,
                                          fk_role_title(role), command, allowed),
                                 "role not allowed");
    }
    job->role = role;
    s = fk__update_user(job, "UPDATE users SET failures = 0 WHERE id = ?1", user_id, err);
    if (s == FK_OK && job->key != NULL)
        s = fk__audit_sign_pending(job, err);
    if (s == FK_OK)
        s = fk__audit_append(job, user_id, command, "login", fk_status_name(FK_OK),
                             fk_role_name(role), err);
    return s;
}

fk_status fk_job_user_passwd(fk_job *job, const char *user_id, const char *new_password,
                             fk_kdf_params kdf, fk_err *err)
{
    bool self = job->user != NULL && strcmp(user_id, job->user) == 0;
    fk_status s = self ? FK_OK : fk__require_manager(job, "change another user's password", err);
    if (s == FK_OK && job->key == NULL && !(self && job->role == FK_ROLE_AUDITOR))
        s = fk_failf(err, FK_EPERM, "the job key is not open");
    if (s == FK_OK)
        s = fk_password_check(new_password, user_id, err);
    fk__slot_row row;
    if (s == FK_OK) {
        s = fk__load_slot(job, user_id, &row, err);
        if (s == FK_ENOENT)
            s = fk_failf(err, FK_ENOENT, "no current user %s", user_id);
    }
    if (s == FK_OK)
        s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    unsigned char salt[FK_SALT_BYTES];
    fk_buf slot;
    fk_buf_init(&slot, 1024);
    s = fk__make_slot(job, row.role, new_password, kdf, salt, &slot, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "UPDATE users SET salt = ?2, slot = ?3, kdf_ops = ?4, kdf_mem = ?5,"
                            " failures = 0 WHERE id = ?1 AND removed_at IS NULL",
                            &st, err);
    if (s == FK_OK) {
        sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, salt, sizeof salt, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, slot.data, (int)slot.len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)kdf.ops);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)kdf.mem);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    fk_buf_free(&slot);
    fk_wipe(&row, sizeof row);
    return fk__audited(job, s, user_id, "password changed; key slot rewrapped", err);
}

static const char *fk__col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

fk_status fk_job_users_foreach(fk_job *job, int (*visit)(const fk_user_info *, void *), void *ctx,
                               fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job,
                                  "SELECT id, name, affiliation, role, added_at, added_by,"
                                  " removed_at, removed_by, failures, locked FROM users"
                                  " ORDER BY seq",
                                  &st, err);
    if (s != FK_OK)
        return s;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        fk_user_info u = {
            .id = fk__col(st, 0),
            .name = fk__col(st, 1),
            .affiliation = fk__col(st, 2),
            .added_at = fk__col(st, 4),
            .added_by = fk__col(st, 5),
            .removed_at = fk__col(st, 6),
            .removed_by = fk__col(st, 7),
            .failures = sqlite3_column_int(st, 8),
            .locked = sqlite3_column_int(st, 9) != 0,
        };
        if (!fk_role_parse(fk__col(st, 3), &u.role)) {
            s = fk_failf(err, FK_ETAMPER, "%s: user %s has an unknown role", job->dir, u.id);
            break;
        }
        if (visit(&u, ctx) != 0)
            break;
    }
    if (s == FK_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}
