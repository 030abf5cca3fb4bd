/* Creating, opening and migrating the job store: see job.h. */
#include "job-private.h"
#include "util/fsutil.h"
#include "util/mem.h"
#include "util/proc.h"
#include "util/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FK__DB_NAME "job.db"

/* Schema versions in order; PRAGMA user_version counts how many have been applied. */
static const char *const fk__migrations[] = {
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE users ("
    "  id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE,"
    "  name TEXT NOT NULL, affiliation TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK (role IN ('manager', 'handler', 'auditor')),"
    "  added_at TEXT NOT NULL, added_by TEXT NOT NULL, removed_at TEXT, removed_by TEXT,"
    "  failures INTEGER NOT NULL DEFAULT 0, locked INTEGER NOT NULL DEFAULT 0,"
    "  kdf_ops INTEGER, kdf_mem INTEGER, salt BLOB, slot BLOB);"
    "CREATE TABLE audit ("
    "  seq INTEGER PRIMARY KEY, ts_utc TEXT NOT NULL, ts_local TEXT NOT NULL,"
    "  user TEXT NOT NULL, host TEXT NOT NULL, command TEXT NOT NULL, object TEXT NOT NULL,"
    "  outcome TEXT NOT NULL, details TEXT NOT NULL,"
    "  prev_hash BLOB NOT NULL, hash BLOB NOT NULL, sig BLOB);"
    /* Append-only by default; the verifier, not these triggers, is what proves it. */
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN OLD.sig IS NOT NULL"
    "  OR NEW.seq IS NOT OLD.seq OR NEW.hash IS NOT OLD.hash OR NEW.details IS NOT OLD.details"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TABLE packages ("
    "  id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, opened_at TEXT NOT NULL,"
    "  opened_by TEXT NOT NULL, received INTEGER NOT NULL, accepted INTEGER NOT NULL,"
    "  rejected INTEGER NOT NULL, replaced_at TEXT);"
    "CREATE TABLE records ("
    "  id INTEGER PRIMARY KEY, package_id INTEGER NOT NULL REFERENCES packages(id),"
    "  line INTEGER NOT NULL, category INTEGER NOT NULL, tag TEXT NOT NULL UNIQUE,"
    "  serial INTEGER, stage TEXT NOT NULL DEFAULT 'accepted',"
    "  held INTEGER NOT NULL DEFAULT 0, sealed BLOB NOT NULL);"
    "CREATE TABLE rejects ("
    "  id INTEGER PRIMARY KEY, package_id INTEGER NOT NULL REFERENCES packages(id),"
    "  line INTEGER NOT NULL, col INTEGER NOT NULL, column_name TEXT NOT NULL,"
    "  reason TEXT NOT NULL);",
    /* 2: the quality gate's accepted disagreements, by the person's tag. */
    "CREATE TABLE acceptances ("
    "  tag TEXT PRIMARY KEY, kind TEXT NOT NULL, reason TEXT NOT NULL,"
    "  accepted_by TEXT NOT NULL, accepted_at TEXT NOT NULL);",
    /* 3: sealed files (print files, run file) and clear workflow settings. */
    "CREATE TABLE files ("
    "  name TEXT PRIMARY KEY, document TEXT NOT NULL, category INTEGER NOT NULL,"
    "  batch INTEGER NOT NULL, envelopes INTEGER NOT NULL, sheets INTEGER NOT NULL,"
    "  bytes INTEGER NOT NULL, created_at TEXT NOT NULL);"
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    /* 4 (issue 10): typed states (core/state.h): held is a state of its own with the reason
     * that held the record back; print files have a state. */
    "ALTER TABLE records ADD COLUMN held_reason TEXT;"
    "UPDATE records SET stage = 'held', held_reason = 'quality gate' WHERE held = 1;"
    "ALTER TABLE files ADD COLUMN state TEXT NOT NULL DEFAULT 'composed';",
    /* 5 (issue 17): the roster's MACs (with the failure count and lock flag they cover) and
     * the unauthenticated audit record, apart from the signed log, which now only grows. */
    "ALTER TABLE users ADD COLUMN auth_failures INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN auth_locked INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN mac BLOB;"
    /* print files stored under a name of their own file set, so that a new set is complete
     * before the old one is deleted */
    "ALTER TABLE files ADD COLUMN stored TEXT;"
    "CREATE TABLE audit_unauth ("
    "  seq INTEGER PRIMARY KEY, ts_utc TEXT NOT NULL, ts_local TEXT NOT NULL,"
    "  user TEXT NOT NULL, host TEXT NOT NULL, command TEXT NOT NULL, object TEXT NOT NULL,"
    "  outcome TEXT NOT NULL, details TEXT NOT NULL,"
    "  prev_hash BLOB NOT NULL, hash BLOB NOT NULL);"
    "CREATE TRIGGER audit_unauth_no_delete BEFORE DELETE ON audit_unauth"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "CREATE TRIGGER audit_unauth_no_update BEFORE UPDATE ON audit_unauth"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    "DROP TRIGGER audit_no_update;"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    /* 6 (issue 12): the print log, one row per CUPS job, written before the file is sent and
     * completed with CUPS's outcome; and the enclosure check's mark per print file. */
    "CREATE TABLE prints ("
    "  id INTEGER PRIMARY KEY, file TEXT NOT NULL, parent TEXT, host TEXT NOT NULL,"
    "  user TEXT NOT NULL, printer TEXT NOT NULL, job_name TEXT NOT NULL,"
    "  submitted_at TEXT NOT NULL, submitted_epoch INTEGER NOT NULL, finished_at TEXT,"
    "  cups_job_id INTEGER, state TEXT NOT NULL,"
    "  sheets_sent INTEGER NOT NULL, sheets_reported INTEGER, impressions INTEGER,"
    "  designated INTEGER NOT NULL, over_count INTEGER NOT NULL, reason TEXT, message TEXT);"
    "CREATE TABLE file_checks ("
    "  name TEXT PRIMARY KEY, checked_at TEXT NOT NULL, checked_by TEXT NOT NULL);",
    /* 7 (issue 13): the enclosure check's state per envelope and its history (no personal
     * data: category, serial, batch, fault kinds, times and handlers). */
    "CREATE TABLE enclosure ("
    "  category INTEGER NOT NULL, serial INTEGER NOT NULL, batch INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('verified', 'failed', 'rework')),"
    "  faults TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL,"
    "  PRIMARY KEY (category, serial));"
    "CREATE TABLE enclosure_events ("
    "  id INTEGER PRIMARY KEY, category INTEGER NOT NULL, serial INTEGER NOT NULL,"
    "  event TEXT NOT NULL, detail TEXT NOT NULL, source TEXT NOT NULL,"
    "  at TEXT NOT NULL, by TEXT NOT NULL);"
    "CREATE INDEX enclosure_events_envelope ON enclosure_events (category, serial);",
    /* 8 (issue 14): custody receipts, incident reports and finished documents (receipt
     * PDFs, the erasure certificate and its signature); none holds a resident's data, so
     * they survive erasure. */
    "CREATE TABLE receipts ("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, at_iso TEXT NOT NULL,"
    "  at_wareki TEXT NOT NULL, handler TEXT NOT NULL, handler_name TEXT NOT NULL,"
    "  ward_staff TEXT NOT NULL, content TEXT NOT NULL, quantity TEXT NOT NULL,"
    "  package_sha256 TEXT, checkpoint TEXT NOT NULL, counts TEXT, document TEXT NOT NULL);"
    "CREATE TABLE incidents ("
    "  id INTEGER PRIMARY KEY, opened_at TEXT NOT NULL, opened_by TEXT NOT NULL,"
    "  occurred_at TEXT NOT NULL, what TEXT NOT NULL, serials TEXT NOT NULL,"
    "  actions TEXT NOT NULL, notified TEXT NOT NULL, notified_at TEXT NOT NULL,"
    "  followup TEXT NOT NULL, closed_at TEXT, closed_by TEXT);"
    "CREATE TABLE documents ("
    "  name TEXT PRIMARY KEY, kind TEXT NOT NULL, created_at TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL, body BLOB NOT NULL, sig BLOB);",
};

/* The store format a job records at creation. A store without it was made before rosters
 * were authenticated and the unauthenticated record was split off; it is refused rather
 * than migrated, since its unsigned entries and unauthenticated roles cannot be vouched for
 * after the fact (jobs last weeks: finish such a job with the fukan that began it). */
#define FK__STORE_FORMAT "2"

#define FK__SCHEMA_VERSION ((int)(sizeof fk__migrations / sizeof fk__migrations[0]))

fk_status fk__job_db_fail(fk_job *job, fk_err *err)
{
    return fk_failf(err, FK_EDB, "%s/%s: %s", job->dir, FK__DB_NAME, sqlite3_errmsg(job->db));
}

fk_status fk__job_exec(fk_job *job, const char *sql, fk_err *err)
{
    if (sqlite3_exec(job->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fk__job_db_fail(job, err);
    return FK_OK;
}

fk_status fk__job_prepare(fk_job *job, const char *sql, sqlite3_stmt **st, fk_err *err)
{
    if (sqlite3_prepare_v2(job->db, sql, -1, st, NULL) != SQLITE_OK)
        return fk__job_db_fail(job, err);
    return FK_OK;
}

fk_status fk__job_cached(fk_job *job, const char *sql, sqlite3_stmt **st, fk_err *err)
{
    size_t i = 0;
    while (i < FK__CACHED_STATEMENTS && job->cached[i].sql != NULL && job->cached[i].sql != sql)
        i++;
    if (i == FK__CACHED_STATEMENTS)
        return fk_failf(err, FK_EDB, _("%s: too many cached statements"), job->dir);
    if (job->cached[i].sql == NULL) {
        if (sqlite3_prepare_v3(job->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &job->cached[i].st,
                               NULL) != SQLITE_OK)
            return fk__job_db_fail(job, err);
        job->cached[i].sql = sql;
    }
    *st = job->cached[i].st;
    return FK_OK;
}

void fk__job_cached_done(sqlite3_stmt *st)
{
    if (st != NULL) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

void fk__job_now(char utc[32], char local[40])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    strftime(utc, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    localtime_r(&ts.tv_sec, &tm);
    char off[8];
    strftime(off, sizeof off, "%z", &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(local, 40, "%s%.3s:%.2s", base, off, off + 3);
}

fk_status fk__job_meta_get(fk_job *job, const char *key, void *out, size_t max, size_t *len,
                           fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "SELECT value FROM meta WHERE key = ?", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (n > max)
            s = fk_failf(err, FK_ETAMPER, _("%s: job setting '%s' is damaged"), job->dir, key);
        else {
            memcpy(out, sqlite3_column_blob(st, 0), n);
            *len = n;
        }
    } else if (rc == SQLITE_DONE) {
        s = fk_failf(err, FK_ENOENT, _("%s: job setting '%s' is missing"), job->dir, key);
    } else {
        s = fk__job_db_fail(job, err);
    }
    sqlite3_finalize(st);
    return s;
}

fk_status fk__job_meta_set(fk_job *job, const char *key, const void *value, size_t len, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "INSERT OR REPLACE INTO meta VALUES (?, ?)", &st, err);
    if (s != FK_OK)
        return s;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = fk__job_db_fail(job, err);
    sqlite3_finalize(st);
    return s;
}

/* FK_ESTATE for a store of an earlier format (see FK__STORE_FORMAT), before migrating it. */
static fk_status fk__check_format(fk_job *job, fk_err *err)
{
    char value[16];
    size_t n = 0;
    fk_err ignored;
    fk_status s = fk__job_meta_get(job, "store_format", value, sizeof value - 1, &n, &ignored);
    if (s == FK_OK) {
        value[n] = '\0';
        if (strcmp(value, FK__STORE_FORMAT) == 0)
            return FK_OK;
    }
    if (s == FK_EDB)
        return fk__job_db_fail(job, err);
    return fk_failf(err, FK_ESTATE,
                    _("%s: this job store was made by an earlier fukan, whose roster and audit log"
                      " are not authenticated; finish the job with that version, or start a new"
                      " job"),
                    job->dir);
}

static fk_status fk__migrate(fk_job *job, fk_err *err)
{
    sqlite3_stmt *st;
    fk_status s = fk__job_prepare(job, "PRAGMA user_version", &st, err);
    if (s != FK_OK)
        return s;
    int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (version < 0 || version > FK__SCHEMA_VERSION)
        return fk_failf(err, FK_EDB, _("%s: job store has schema version %d; this fukan knows %d"),
                        job->dir, version, FK__SCHEMA_VERSION);
    if (version > 0) {
        s = fk__check_format(job, err);
        if (s != FK_OK)
            return s;
    }
    for (int v = version; v < FK__SCHEMA_VERSION; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        s = fk__job_exec(job, "BEGIN IMMEDIATE", err);
        if (s == FK_OK)
            s = fk__job_exec(job, fk__migrations[v], err);
        if (s == FK_OK)
            s = fk__job_exec(job, pragma, err);
        if (s == FK_OK)
            s = fk__job_exec(job, "COMMIT", err);
        if (s != FK_OK) {
            (void)sqlite3_exec(job->db, "ROLLBACK", NULL, NULL, NULL);
            return s;
        }
    }
    return FK_OK;
}

static fk_status fk__connect(fk_job *job, bool create, fk_err *err)
{
    char path[4096];
    if (!fk_fs_join(path, sizeof path, job->dir, FK__DB_NAME))
        return fk_failf(err, FK_EINVAL, _("%s: path too long"), job->dir);
    if (!create) {
        fk_status s = fk_fs_check_private_file(path, err);
        if (s == FK_ENOENT)
            return fk_failf(err, FK_ENOENT, _("%s: not a fukan job (no %s)"), job->dir,
                            FK__DB_NAME);
        if (s != FK_OK)
            return s;
    }
    mode_t old = umask(077);
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &job->db, flags, NULL);
    umask(old);
    if (rc != SQLITE_OK)
        return fk__job_db_fail(job, err);
    /* Other fukan commands are kept out by the job lock: only an outside reader or
     * writer (sqlite3, a backup) can hold the store, and logins retry a few times. */
    sqlite3_busy_timeout(job->db, 2000);
    fk_status s = fk__job_exec(job,
                               "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;"
                               "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;",
                               err);
    return s != FK_OK ? s : fk__migrate(job, err);
}

static fk_job *fk__job_alloc(const char *dir)
{
    fk_job *job = fk_calloc(1, sizeof *job);
    if (job == NULL)
        return NULL;
    job->dir = fk_strdup(dir);
    if (job->dir == NULL) {
        fk_free(job);
        return NULL;
    }
    fk_buf_init(&job->plain, 1 << 16);
    job->lock_fd = -1;
    char utc[32];
    fk__job_now(utc, job->opened_at);
    if (gethostname(job->host, sizeof job->host - 1) != 0)
        snprintf(job->host, sizeof job->host, "unknown");
    return job;
}

#define FK__LOCK_NAME "lock"

void fk__job_lock_note(fk_job *job)
{
    if (job->lock_fd < 0)
        return;
    char note[512];
    int n = snprintf(note, sizeof note, "user %s running '%s' since %s (process %ld)\n",
                     job->user ? job->user : "(not logged in yet)",
                     job->command ? job->command : "?", job->opened_at, (long)getpid());
    /* Written over the old note, then cut to length: a reader (who takes the first line)
     * never sees an empty file in between. */
    size_t len = n > 0 && (size_t)n < sizeof note ? (size_t)n : 0;
    if (len > 0 && pwrite(job->lock_fd, note, len, 0) == (ssize_t)len) {
        int cut = ftruncate(job->lock_fd, (off_t)len);
        (void)cut;
    }
}

/* One command at a time per job: a second one fails at once, naming who holds it, instead
 * of waiting for the store and failing with "database is locked". The lock is released by
 * the kernel however the holder ends, kill -9 included. */
static fk_status fk__lock(fk_job *job, fk_err *err)
{
    char path[4096];
    if (!fk_fs_join(path, sizeof path, job->dir, FK__LOCK_NAME))
        return fk_failf(err, FK_EINVAL, _("%s: path too long"), job->dir);
    mode_t old = umask(077);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    umask(old);
    if (fd < 0 && errno == ELOOP)
        return fk_failf(err, FK_EUNSAFE, _("%s: is a symbolic link; refused (use the real path)"),
                        path);
    if (fd < 0)
        return fk_failf(err, FK_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
        close(fd);
        return fk_failf(err, FK_EUNSAFE, _("%s: file is accessible by others; run chmod 600"),
                        path);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char holder[512] = "";
        ssize_t n = e == EWOULDBLOCK ? pread(fd, holder, sizeof holder - 1, 0) : -1;
        close(fd);
        if (e != EWOULDBLOCK)
            return fk_failf(err, FK_EIO, "%s: %s", path, strerror(e));
        holder[n > 0 ? n : 0] = '\0';
        holder[strcspn(holder, "\n")] = '\0';
        return fk_failf(err, FK_ESTATE,
                        _("%s: the job is in use: %s; try again when it has finished"), job->dir,
                        holder[0] ? holder : "by another fukan (starting)");
    }
    job->lock_fd = fd;
    fk__job_lock_note(job);
    return FK_OK;
}

/* Every file of the job is private and its own: no symbolic links, nothing others can read
 * (job.db and its journal, the lock, files/ and every sealed file in it). */
static fk_status fk__check_tree(const char *dir, fk_err *err)
{
    static const char *const names[] = {FK__DB_NAME, FK__DB_NAME "-wal", FK__DB_NAME "-shm",
                                        FK__LOCK_NAME};
    char path[4096];
    fk_status s = FK_OK;
    for (size_t i = 0; s == FK_OK && i < sizeof names / sizeof names[0]; i++) {
        struct stat st;
        if (fk_fs_join(path, sizeof path, dir, names[i]) && lstat(path, &st) == 0)
            s = fk_fs_check_private_file(path, err);
    }
    struct stat st;
    if (s != FK_OK || !fk_fs_join(path, sizeof path, dir, "files") || lstat(path, &st) != 0)
        return s;
    s = fk_fs_check_private_dir(path, err);
    DIR *d = s == FK_OK ? opendir(path) : NULL;
    struct dirent *e;
    while (d != NULL && s == FK_OK && (e = readdir(d)) != NULL) {
        char file[4096];
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            fk_fs_join(file, sizeof file, path, e->d_name))
            s = fk_fs_check_private_file(file, err);
    }
    if (d != NULL)
        closedir(d);
    return s;
}

static fk_status fk__load_identity(fk_job *job, fk_err *err)
{
    size_t n;
    fk_status s = fk__job_meta_get(job, "job_id", job->id, sizeof job->id, &n, err);
    if (s == FK_OK && n != sizeof job->id)
        s = fk_failf(err, FK_ETAMPER, _("%s: job identity is damaged"), job->dir);
    if (s != FK_OK)
        return s;
    fk_hex(job->id, sizeof job->id, job->id_hex);
    char yaml[1 << 16];
    s = fk__job_meta_get(job, "order", yaml, sizeof yaml, &n, err);
    if (s == FK_OK)
        s = fk_order_parse("job.yaml (stored)", yaml, n, &job->order, err);
    return s;
}

static fk_status fk__job_open(const char *dir, bool lock, fk_job **out, fk_err *err)
{
    fk_status s = fk_crypto_init(err);
    if (s != FK_OK)
        return s;
    s = fk_fs_check_private_dir(dir, err);
    if (s != FK_OK)
        return s;
    fk_job *job = fk__job_alloc(dir);
    if (job == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    s = fk__check_tree(dir, err);
    if (s == FK_OK && lock)
        s = fk__lock(job, err);
    if (s == FK_OK)
        s = fk__connect(job, false, err);
    if (s == FK_OK)
        s = fk__load_identity(job, err);
    /* Holding the lock, no other command is writing files: what a killed one left unlisted
     * goes now. */
    if (s == FK_OK && lock)
        fk__files_sweep(job);
    if (s != FK_OK) {
        fk_job_close(job);
        return s;
    }
    *out = job;
    return FK_OK;
}

fk_status fk_job_open(const char *dir, fk_job **out, fk_err *err)
{
    return fk__job_open(dir, true, out, err);
}

fk_status fk__job_open_beside(const fk_job *locked, fk_job **out, fk_err *err)
{
    if (locked->lock_fd < 0)
        return fk_failf(err, FK_ESTATE, _("%s: the job is not open and locked"), locked->dir);
    return fk__job_open(locked->dir, false, out, err);
}

static fk_status fk__init_identity(fk_job *job, const char *order_text, size_t order_len,
                                   fk_err *err)
{
    fk_random_bytes(job->id, sizeof job->id);
    fk_hex(job->id, sizeof job->id, job->id_hex);
    char utc[32], local[40];
    fk__job_now(utc, local);
    fk_status s = fk__job_meta_set(job, "job_id", job->id, sizeof job->id, err);
    if (s == FK_OK)
        s = fk__job_meta_set(job, "order", order_text, order_len, err);
    if (s == FK_OK)
        s = fk__job_meta_set(job, "created_at", local, strlen(local), err);
    if (s == FK_OK)
        s = fk__job_meta_set(job, "store_format", FK__STORE_FORMAT, strlen(FK__STORE_FORMAT), err);
    return s;
}

static fk_status fk__init_signing(fk_job *job, fk_err *err)
{
    const fk_key *seal = NULL;
    unsigned char pk[FK_SIGN_PUBLIC_BYTES];
    fk_buf sk;
    fk_buf_init(&sk, 1024);
    fk_status s = fk__job_key(job, "auditsig", &seal, err);
    if (s == FK_OK)
        s = fk_sign_keypair(seal, pk, &sk, err);
    if (s == FK_OK)
        s = fk__job_meta_set(job, "sign_pk", pk, sizeof pk, err);
    if (s == FK_OK)
        s = fk__job_meta_set(job, "sign_sk", sk.data, sk.len, err);
    fk_buf_free(&sk);
    return s;
}

static fk_status fk__create_in(fk_job *job, const char *order_path, const fk_user_spec *manager,
                               const char *password, fk_kdf_params kdf, fk_err *err)
{
    char *text;
    size_t len;
    fk_status s = fk_fs_read_file(order_path, 1 << 16, &text, &len, err);
    if (s != FK_OK)
        return s;
    s = fk_order_parse(order_path, text, len, &job->order, err);
    if (s == FK_OK)
        s = fk__connect(job, true, err);
    fk_key *key = NULL;
    if (s == FK_OK)
        s = fk_key_new_random(&key, err);
    if (s == FK_OK)
        s = fk__job_set_key(job, key, err);
    if (s == FK_OK)
        s = fk__job_exec(job, "BEGIN IMMEDIATE", err);
    if (s == FK_OK) {
        s = fk__init_identity(job, text, len, err);
        if (s == FK_OK)
            s = fk__init_signing(job, err);
        if (s == FK_OK)
            s = fk__users_insert(job, manager, password, kdf, manager->id, err);
        job->user = fk_strdup(manager->id);
        job->command = fk_strdup("init");
        job->role = FK_ROLE_MANAGER;
        if (s == FK_OK && (job->user == NULL || job->command == NULL))
            s = fk_failf(err, FK_ENOMEM, _("out of memory"));
        if (s == FK_OK)
            s = fk_job_audit(job, job->id_hex, FK_OK, "job created", err);
        if (s == FK_OK)
            s = fk__job_exec(job, "COMMIT", err);
        else
            (void)sqlite3_exec(job->db, "ROLLBACK", NULL, NULL, NULL);
    }
    fk_free(text);
    return s;
}

/* Removes what a failed create left, so that a retry finds an empty directory. */
static void fk__remove_db_files(const char *dir)
{
    static const char *const names[] = {FK__DB_NAME, FK__DB_NAME "-wal", FK__DB_NAME "-shm",
                                        FK__LOCK_NAME};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4096];
        if (fk_fs_join(path, sizeof path, dir, names[i]))
            unlink(path);
    }
}

fk_status fk_job_create(const char *dir, const char *order_path, const fk_user_spec *manager,
                        const char *password, fk_kdf_params kdf, fk_job **out, fk_err *err)
{
    fk_status s = fk_crypto_init(err);
    if (s == FK_OK)
        s = fk_password_check(password, manager->id, err);
    if (s == FK_OK)
        s = fk_fs_mkdir_private(dir, err);
    if (s != FK_OK)
        return s;
    fk_job *job = fk__job_alloc(dir);
    if (job == NULL)
        return fk_failf(err, FK_ENOMEM, _("out of memory"));
    s = fk__lock(job, err);
    if (s == FK_OK)
        s = fk__create_in(job, order_path, manager, password, kdf, err);
    if (s != FK_OK) {
        fk_job_close(job);
        fk__remove_db_files(dir);
        return s;
    }
    *out = job;
    return FK_OK;
}

void fk_job_close(fk_job *job)
{
    if (job == NULL)
        return;
    for (size_t i = 0; i < FK__CACHED_STATEMENTS; i++)
        sqlite3_finalize(job->cached[i].st);
    if (job->db != NULL)
        sqlite3_close(job->db);
    if (job->lock_fd >= 0)
        close(job->lock_fd); /* releases the lock */
    fk_status ignored = fk__job_set_key(job, NULL, NULL);
    (void)ignored;
    fk__job_plain_done(job);
    fk_buf_free(&job->plain);
    fk_order_free(job->order);
    fk_free(job->dir);
    fk_free(job->user);
    fk_free(job->command);
    fk_free(job);
}

static const char *const fk__subkey_contexts[FK__SUBKEYS] = {
    "records_", "resident", "files___", "insertck", "auditsig", "roster__", "specimck"};

fk_status fk__job_set_key(fk_job *job, fk_key *key, fk_err *err)
{
    for (int i = 0; i < FK__SUBKEYS; i++) {
        fk_key_free(job->subkeys[i]);
        job->subkeys[i] = NULL;
    }
    fk_key_free(job->key);
    job->key = key;
    fk_status s = FK_OK;
    for (int i = 0; key != NULL && s == FK_OK && i < FK__SUBKEYS; i++)
        s = fk_key_derive(key, 1, fk__subkey_contexts[i], &job->subkeys[i], err);
    if (s != FK_OK) {
        fk_status ignored = fk__job_set_key(job, NULL, NULL);
        (void)ignored;
    }
    return s;
}

fk_status fk__job_key(const fk_job *job, const char context[8], const fk_key **out, fk_err *err)
{
    if (job->key == NULL)
        return fk_failf(err, FK_EPERM, _("the job key is not open (log in as a handler)"));
    for (int i = 0; i < FK__SUBKEYS; i++) {
        if (memcmp(fk__subkey_contexts[i], context, 8) == 0) {
            *out = job->subkeys[i];
            return FK_OK;
        }
    }
    return fk_failf(err, FK_EINVAL, _("no subkey for context %.8s"), context);
}

/* Reserved whole once, so that it never moves (and loses its mark) while records pass. */
#define FK__PLAIN_RESERVE ((1 << 16) - 1)

fk_status fk__job_plain(fk_job *job, fk_buf **out, fk_err *err)
{
    if (job->plain.data == NULL) {
        char *where;
        if (fk_buf_extend(&job->plain, FK__PLAIN_RESERVE, &where) != FK_OK)
            return fk_failf(err, FK_ENOMEM, _("out of memory for a record buffer"));
        fk_proc_dontdump(job->plain.data, job->plain.cap);
    }
    fk_buf_reset(&job->plain);
    *out = &job->plain;
    return FK_OK;
}

void fk__job_plain_done(fk_job *job)
{
    if (job->plain.data != NULL)
        fk_wipe(job->plain.data, job->plain.cap);
    fk_buf_reset(&job->plain);
}

fk_status fk__job_subkey(fk_job *job, const char context[8], fk_key **out, fk_err *err)
{
    if (job->key == NULL)
        return fk_failf(err, FK_EPERM, _("the job key is not open (log in as a handler)"));
    return fk_key_derive(job->key, 1, context, out, err);
}

const char *fk_job_dir(const fk_job *job)
{
    return job->dir;
}

const char *fk_job_id(const fk_job *job)
{
    return job->id_hex;
}

const fk_order *fk_job_order(const fk_job *job)
{
    return job->order;
}

const char *fk_job_user(const fk_job *job)
{
    return job->role != 0 ? job->user : NULL;
}

fk_role fk_job_role(const fk_job *job)
{
    return job->role;
}

fk_status fk_job_begin(fk_job *job, fk_err *err)
{
    fk__job_moves_reset(job);
    return fk__job_exec(job, "BEGIN IMMEDIATE", err);
}

/* After a transaction that changed the file list: the files no row names any more (the
 * old set after a commit, the new one after a rollback) are deleted. */
static void fk__after_transaction(fk_job *job)
{
    if (job->files_dirty && sqlite3_get_autocommit(job->db)) {
        job->files_dirty = false;
        fk__files_sweep(job);
    }
}

fk_status fk_job_commit(fk_job *job, fk_err *err)
{
    fk_status s = fk__job_exec(job, "COMMIT", err);
    if (s == FK_OK)
        fk__after_transaction(job);
    return s;
}

void fk_job_rollback(fk_job *job)
{
    (void)sqlite3_exec(job->db, "ROLLBACK", NULL, NULL, NULL);
    fk__after_transaction(job);
}

fk_status fk_job_end(fk_job *job, fk_status s, fk_err *err)
{
    if (s == FK_OK)
        s = fk_job_commit(job, err);
    if (s != FK_OK)
        fk_job_rollback(job);
    return s;
}
