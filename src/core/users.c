/* The handler roster, key slots and logins: see job.h. */
#include "erase.h"
#include "job-private.h"
#include "util/mem.h"
#include "util/utf8.h"
#include "util/i18n.h"

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
        return fk_failf(err, FK_EINVAL, _("password too short: at least %d characters"),
                        FK_PASSWORD_MIN);
    if (strlen(password) > 1024)
        return fk_failf(err, FK_EINVAL, _("password too long: at most 1024 bytes"));
    if (fk__is_monotone(password) || fk__distinct(password) < 5)
        return fk_failf(err, FK_EINVAL, _("password too weak: too few different characters"));
    for (size_t i = 0; i < sizeof fk__weak / sizeof fk__weak[0]; i++)
        if (fk__contains_ci(password, fk__weak[i]))
            return fk_failf(err, FK_EINVAL, _("password too weak: contains a common password"));
    if (user_id != NULL && strlen(user_id) >= 3 && fk__contains_ci(password, user_id))
        return fk_failf(err, FK_EINVAL, _("password too weak: contains the user ID"));
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
        return fk_failf(err, FK_EINVAL, _("user ID must be 1-32 letters, digits, '.', '_' or '-'"));
    if (u->name == NULL || u->name[0] == '\0' || strlen(u->name) > 200)
        return fk_failf(err, FK_EINVAL, _("user %s: a name (at most 200 bytes) is required"),
                        u->id);
    if (u->affiliation == NULL || strlen(u->affiliation) > 200)
        return fk_failf(err, FK_EINVAL, _("user %s: affiliation too long"), u->id);
    if (fk_role_name(u->role)[0] == '\0')
        return fk_failf(err, FK_EINVAL, _("user %s: unknown role"), u->id);
    return FK_OK;
}

/* What a key slot is bound to: the job, the user, the role and the Argon2id cost. A slot
 * copied into another user's row, or a row whose role or cost was changed, no longer opens. */
static size_t fk__slot_ad(const fk_job *job, const char *user_id, fk_role role, fk_kdf_params kdf,
                          unsigned char *ad, size_t size)
{
    int n =
        snprintf((char *)ad, size, "fukan slot v2\n%s\n%s\n%s\n%llu\n%llu\n", job->id_hex, user_id,
                 fk_role_name(role), (unsigned long long)kdf.ops, (unsigned long long)kdf.mem);
    return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

/* Wraps the job key for a staff member; an auditor's slot wraps a key of its own, which
 * proves the password but opens no personal data. */
static fk_status fk__make_slot(fk_job *job, const char *user_id, fk_role role, const char *password,
                               fk_kdf_params kdf, unsigned char salt[FK_SALT_BYTES], fk_buf *slot,
                               fk_err *err)
{
    fk_key *own = NULL;
    const fk_key *wrapped = job->key;
    if (role == FK_ROLE_AUDITOR) {
        fk_status s = fk_key_new_random(&own, err);
        if (s != FK_OK)
            return s;
        wrapped = own;
    }
    unsigned char ad[160];
    size_t ad_len = fk__slot_ad(job, user_id, role, kdf, ad, sizeof ad);
    fk_status s = fk_slot_wrap(wrapped, password, kdf, ad, ad_len, salt, slot, err);
    fk_key_free(own);
    return s;
}

/* One user row as the roster MAC covers it: every column but the MAC, the live failure
 * count and lock flag (which failed logins change without the key), in this order. */
#define FK__ROW_COLUMNS                                                                            \
    "id, seq, name, affiliation, role, added_at, added_by, removed_at, removed_by,"                \
    " auth_failures, auth_locked, kdf_ops, kdf_mem, salt, slot, mac, failures, locked"
#define FK__ROW_MACED 15 /* columns 0..14 */
#define FK__ROW_MAC   15

static fk_status fk__roster_key(fk_job *job, const fk_key **out, fk_err *err)
{
    return fk__job_key(job, "roster__", out, err);
}

/* The MAC of a row: each column tagged with its type and length, so that NULL, "" and 0
 * differ. An auditor's slot, salt and cost are left out: the auditor changes them without
 * the job key, the slot opens nothing, and its associated data binds it to the auditor. */
static fk_status fk__row_mac(fk_job *job, const fk_key *key, sqlite3_stmt *st,
                             unsigned char mac[FK_HASH_BYTES])
{
    fk_buf b;
    fk_buf_init(&b, 1 << 12);
    fk_status s = fk_buf_append_str(&b, "fukan roster v2\n");
    if (s == FK_OK)
        s = fk_buf_append(&b, job->id, sizeof job->id);
    const char *role = (const char *)sqlite3_column_text(st, 4);
    bool auditor = role != NULL && strcmp(role, "auditor") == 0;
    for (int i = 0; s == FK_OK && i < FK__ROW_MACED; i++) {
        if (auditor && i >= 11)
            break;
        int type = sqlite3_column_type(st, i);
        const void *data = NULL;
        size_t n = 0;
        char num[24];
        if (type == SQLITE_INTEGER) {
            snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(st, i));
            data = num;
            n = strlen(num);
        } else if (type != SQLITE_NULL) {
            data = sqlite3_column_blob(st, i);
            n = (size_t)sqlite3_column_bytes(st, i);
        }
        s = fk_buf_appendf(&b, "%d:%zu:", type, n);
        if (s == FK_OK && n > 0)
            s = fk_buf_append(&b, data, n);
    }
    if (s == FK_OK)
        fk_mac(key, b.data, b.len, mac, FK_HASH_BYTES);
    fk_buf_free(&b);
    return s;
}

static fk_status fk__roster_altered(fk_job *job, const char *user_id, const char *what, fk_err *err)
{
    return fk_failf(err, FK_ETAMPER,
                    _("%s: roster entry of user %s: %s: the store was altered outside fukan"),
                    job->dir, user_id ? user_id : "?", what);
}

fk_status fk__roster_verify(fk_job *job, fk_err *err)
{
    const fk_key *key = NULL;
    fk_status s = fk__roster_key(job, &key, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job, "SELECT " FK__ROW_COLUMNS " FROM users ORDER BY seq", &st, err);
    long expected = 1;
    int rc = SQLITE_DONE;
    while (s == FK_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        unsigned char mac[FK_HASH_BYTES];
        if (sqlite3_column_int64(st, 1) != expected++) {
            s = fk__roster_altered(job, id, "a user was deleted or inserted", err);
            break;
        }
        s = fk__row_mac(job, key, st, mac);
        if (s != FK_OK) {
            s = fk_failf(err, FK_ENOMEM, _("out of memory"));
            break;
        }
        if (sqlite3_column_bytes(st, FK__ROW_MAC) != FK_HASH_BYTES ||
            !fk_equal(sqlite3_column_blob(st, FK__ROW_MAC), mac, FK_HASH_BYTES))
            s = fk__roster_altered(job, id, "role, name, key slot or lock state changed", err);
        /* Failed logins only ever raise the count and set the lock without the key. */
        else if (sqlite3_column_int64(st, 16) < sqlite3_column_int64(st, 9) ||
                 sqlite3_column_int64(st, 17) < sqlite3_column_int64(st, 10))
            s = fk__roster_altered(job, id, "failed logins or lockout undone", err);
    }
    if (s == FK_OK && rc != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

/* Takes the live failure count and lock flag into the MAC and recomputes the MAC of one
 * user (user_id) or of all (NULL): after every change made with the job key. */
static fk_status fk__roster_seal(fk_job *job, const char *user_id, fk_err *err)
{
    const fk_key *key = NULL;
    fk_status s = fk__roster_key(job, &key, err);
    sqlite3_stmt *sync = NULL, *sel = NULL, *upd = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "UPDATE users SET auth_failures = failures, auth_locked = locked"
                            " WHERE ?1 IS NULL OR id = ?1",
                            &sync, err);
    if (s == FK_OK) {
        sqlite3_bind_text(sync, 1, user_id, -1, SQLITE_STATIC);
        if (sqlite3_step(sync) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    if (s == FK_OK)
        s = fk__job_prepare(
            job, "SELECT " FK__ROW_COLUMNS " FROM users WHERE ?1 IS NULL OR id = ?1", &sel, err);
    if (s == FK_OK)
        s = fk__job_prepare(job, "UPDATE users SET mac = ?2 WHERE id = ?1", &upd, err);
    if (s == FK_OK)
        sqlite3_bind_text(sel, 1, user_id, -1, SQLITE_STATIC);
    while (s == FK_OK && sqlite3_step(sel) == SQLITE_ROW) {
        unsigned char mac[FK_HASH_BYTES];
        if (fk__row_mac(job, key, sel, mac) != FK_OK) {
            s = fk_failf(err, FK_ENOMEM, _("out of memory"));
            break;
        }
        sqlite3_bind_text(upd, 1, (const char *)sqlite3_column_text(sel, 0), -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(upd, 2, mac, sizeof mac, SQLITE_TRANSIENT);
        if (sqlite3_step(upd) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
        sqlite3_reset(upd);
    }
    sqlite3_finalize(sync);
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
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
        return fk_failf(err, FK_EPERM,
                        _("the job key is not open: log in as a responsible manager or handler"
                          " with --user ID"));
    unsigned char salt[FK_SALT_BYTES];
    fk_buf slot;
    fk_buf_init(&slot, 1024);
    s = fk__make_slot(job, u->id, u->role, password, kdf, salt, &slot, err);
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
            s = fk_failf(err, FK_EEXIST, _("user %s already exists (IDs are never reused)"), u->id);
        else if (rc != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    fk_buf_free(&slot);
    return s == FK_OK ? fk__roster_seal(job, u->id, err) : s;
}

static fk_status fk__require_manager(fk_job *job, const char *what, fk_err *err)
{
    if (job->role != FK_ROLE_MANAGER || job->key == NULL)
        return fk_failf(err, FK_EPERM,
                        _("only a responsible manager (取扱責任者) may %s: log in as one with"
                          " --user ID ('fukan user list JOBDIR' shows who is)"),
                        what);
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
    fk_status s = fk__require_manager(job, _("add users"), err);
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
        s = fk_failf(err, FK_ENOENT, _("no current user %s"), user_id);
    sqlite3_finalize(st);
    return s;
}

fk_status fk_job_user_remove(fk_job *job, const char *user_id, fk_err *err)
{
    fk_status s = fk__require_manager(job, _("remove users"), err);
    if (s == FK_OK && strcmp(user_id, job->user) == 0)
        s = fk_failf(err, FK_EINVAL, _("a responsible manager cannot remove themselves"));
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
            s = fk_failf(err, FK_ENOENT, _("no current user %s"), user_id);
        sqlite3_finalize(st);
    }
    if (s == FK_OK)
        s = fk__roster_seal(job, user_id, err);
    return fk__audited(job, s, user_id, "user removed; key slot destroyed", err);
}

fk_status fk_job_user_unlock(fk_job *job, const char *user_id, fk_err *err)
{
    fk_status s = fk__require_manager(job, _("unlock users"), err);
    if (s == FK_OK)
        s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    s = fk__update_user(job,
                        "UPDATE users SET locked = 0, failures = 0 WHERE id = ?1"
                        " AND removed_at IS NULL",
                        user_id, err);
    if (s == FK_OK)
        s = fk__roster_seal(job, user_id, err);
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
            s = fk_failf(err, FK_ETAMPER, _("%s: user %s has a damaged key slot"), job->dir,
                         user_id);
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
    return *field ? FK_OK : fk_failf(err, FK_ENOMEM, _("out of memory"));
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
                     _("user %s is locked after %d failed logins; a responsible manager must run"
                       " 'fukan user unlock'"),
                     user_id, FK_MAX_LOGIN_FAILURES),
            "user locked");
    fk_key *key = NULL;
    unsigned char ad[160];
    size_t ad_len = fk__slot_ad(job, user_id, row->role, row->kdf, ad, sizeof ad);
    s = fk_slot_unwrap(password, row->kdf, row->salt, ad, ad_len, row->slot, row->slot_len, &key,
                       err);
    if (s == FK_ETAMPER)
        return fk__login_refused(job, user_id,
                                 fk_failf(err, FK_ETAMPER,
                                          _("%s: the key slot of user %s does not belong to this"
                                            " user, role or job: the store was altered outside"
                                            " fukan"),
                                          job->dir, user_id),
                                 "key slot altered");
    if (s == FK_EAUTH) {
        bool locked;
        fk__count_failure(job, user_id, &locked);
        return fk__login_refused(job, user_id, fk_failf(err, FK_EAUTH, "%s", refused),
                                 locked ? "wrong password; user now locked" : "wrong password");
    }
    if (s != FK_OK)
        return s;
    if (row->role == FK_ROLE_AUDITOR) {
        fk_key_free(key);
        return FK_OK;
    }
    return fk__job_set_key(job, key, err);
}

/* The attempt, inside the write transaction that records it. */
static fk_status fk__login_in(fk_job *job, const char *user_id, const char *password,
                              const char *command, unsigned allowed_roles, fk_err *err)
{
    /* After erasure no slot is left: say so plainly instead of "wrong password". */
    char erased_at[64];
    if (fk_job_is_erased(job, erased_at, sizeof erased_at))
        return fk__login_refused(job, user_id,
                                 fk_failf(err, FK_ESTATE,
                                          _("login refused: this job was erased at %s (its keys"
                                            " are destroyed; no former password opens it)"),
                                          erased_at),
                                 "job erased");
    fk__slot_row row;
    fk_status s = fk__open_slot(job, user_id, password, &row, err);
    fk_role role = row.role;
    fk_wipe(&row, sizeof row);
    if (s != FK_OK)
        return s;
    /* With the job key, the whole roster is checked against its MACs before anything is
     * trusted: a role raised, a slot moved or a lockout undone refuses every staff login. */
    if (job->key != NULL) {
        s = fk__roster_verify(job, err);
        if (s != FK_OK) {
            fk_status ignored = fk__job_set_key(job, NULL, NULL);
            (void)ignored;
            return fk__login_refused(job, user_id, s, "roster altered");
        }
    }
    if ((role & allowed_roles) == 0) {
        char allowed[160];
        fk_role_describe(allowed_roles, allowed, sizeof allowed);
        fk_status ignored = fk__job_set_key(job, NULL, NULL);
        (void)ignored;
        return fk__login_refused(
            job, user_id,
            fk_failf(err, FK_EPERM,
                     _("user %s (%s) may not run '%s'; allowed: %s (log in as one with --user ID)"),
                     user_id, fk_role_title(role), command, allowed),
            "role not allowed");
    }
    job->role = role;
    if (job->key != NULL) {
        s = fk__update_user(job, "UPDATE users SET failures = 0 WHERE id = ?1", user_id, err);
        /* The lockouts and failures counted since the last keyed session become part of the
         * MAC: from now on, undoing them is detected. */
        if (s == FK_OK)
            s = fk__roster_seal(job, NULL, err);
    } else {
        /* An auditor's success clears the failures since the last keyed session, never
         * below what the roster MAC covers. */
        s = fk__update_user(job, "UPDATE users SET failures = auth_failures WHERE id = ?1", user_id,
                            err);
    }
    if (s == FK_OK)
        s = fk__audit_append(job, user_id, command, "login", fk_status_name(FK_OK),
                             fk_role_name(role), err);
    return s;
}

/* Attempts to start the login's transaction before giving up on a busy store. */
#define FK__LOGIN_TRIES 3

fk_status fk_job_login(fk_job *job, const char *user_id, const char *password, const char *command,
                       unsigned allowed_roles, fk_err *err)
{
    /* A second login on the same handle starts from nothing: an auditor or a refused user
     * must not inherit the job key of whoever logged in before. */
    fk_status s = fk__job_set_key(job, NULL, err);
    job->role = 0;
    if (s == FK_OK)
        s = fk__set_string(&job->command, command, err);
    if (s == FK_OK)
        s = fk__set_string(&job->user, user_id, err);
    if (s != FK_OK)
        return s;
    fk__job_lock_note(job);
    /* The password is tried only inside a write transaction, so that a failure is always
     * counted and audited: a store too busy or too full to record it refuses the login
     * without trying the password (fail closed), or a guesser would get free attempts. */
    fk_err begin_err;
    for (int i = 0; i < FK__LOGIN_TRIES; i++) {
        s = fk_job_begin(job, &begin_err);
        if (s == FK_OK)
            break;
    }
    if (s != FK_OK)
        return fk_failf(err, FK_EDB,
                        _("login refused without trying the password: the job store cannot record"
                          " it (%s)"),
                        fk_err_message(&begin_err));
    s = fk__login_in(job, user_id, password, command, allowed_roles, err);
    fk_err commit_err;
    fk_status c = fk_job_commit(job, &commit_err);
    if (c != FK_OK) {
        fk_job_rollback(job);
        fk_status ignored = fk__job_set_key(job, NULL, NULL);
        (void)ignored;
        job->role = 0;
        return fk_failf(err, FK_EDB, _("login refused: the job store could not record it (%s)"),
                        fk_err_message(&commit_err));
    }
    return s;
}

fk_status fk_job_user_passwd(fk_job *job, const char *user_id, const char *new_password,
                             fk_kdf_params kdf, fk_err *err)
{
    bool self = job->user != NULL && strcmp(user_id, job->user) == 0;
    fk_status s = self ? FK_OK : fk__require_manager(job, _("change another user's password"), err);
    if (s == FK_OK && job->key == NULL && !(self && job->role == FK_ROLE_AUDITOR))
        s = fk_failf(err, FK_EPERM,
                     _("the job key is not open: log in as a responsible manager or handler"
                       " with --user ID"));
    if (s == FK_OK)
        s = fk_password_check(new_password, user_id, err);
    fk__slot_row row;
    if (s == FK_OK) {
        s = fk__load_slot(job, user_id, &row, err);
        if (s == FK_ENOENT)
            s = fk_failf(err, FK_ENOENT, _("no current user %s"), user_id);
    }
    if (s == FK_OK)
        s = fk_job_begin(job, err);
    if (s != FK_OK)
        return s;
    unsigned char salt[FK_SALT_BYTES];
    fk_buf slot;
    fk_buf_init(&slot, 1024);
    s = fk__make_slot(job, user_id, row.role, new_password, kdf, salt, &slot, err);
    sqlite3_stmt *st = NULL;
    if (s == FK_OK)
        s = fk__job_prepare(job,
                            "UPDATE users SET salt = ?2, slot = ?3, kdf_ops = ?4, kdf_mem = ?5,"
                            " failures = CASE WHEN ?6 THEN 0 ELSE failures END"
                            " WHERE id = ?1 AND removed_at IS NULL",
                            &st, err);
    if (s == FK_OK) {
        sqlite3_bind_text(st, 1, user_id, -1, SQLITE_STATIC);
        sqlite3_bind_blob(st, 2, salt, sizeof salt, SQLITE_STATIC);
        sqlite3_bind_blob(st, 3, slot.data, (int)slot.len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)kdf.ops);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)kdf.mem);
        /* Without the job key (an auditor's own password) the failure count stays: only a
         * keyed change may lower what the roster MAC covers. */
        sqlite3_bind_int(st, 6, job->key != NULL);
        if (sqlite3_step(st) != SQLITE_DONE)
            s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    if (s == FK_OK && job->key != NULL)
        s = fk__roster_seal(job, user_id, err);
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
            s = fk_failf(err, FK_ETAMPER, _("%s: user %s has an unknown role"), job->dir, u.id);
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
