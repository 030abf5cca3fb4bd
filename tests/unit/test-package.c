/*
 * Unit tests for ingest/package: packages made by 7-Zip (7zz) and by fk_package_write, and
 * every malformed case: wrong password, clear, ZipCrypto, AES-128, truncated, several CSVs,
 * manifests that do not match, size limit. The fixtures are built in a temporary directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest-fixture.h"
#include "ingest/ingest.h"
#include "ingest/package.h"

static char dir[64];

static const char csv_text[] =
    "氏名,住所\r\n\"山田 太郎\",\"東京都, 渋谷区\"\r\n鈴木 花子,大阪府\r\n";

static void sh(const char *fmt, ...) FK_PRINTF(1, 2);
static void sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    char full[1200];
    snprintf(full, sizeof full, "cd %s && { %s; } >/dev/null 2>&1", dir, cmd);
    if (system(full) != 0)
        fail_msg("fixture command failed: %s", cmd);
}

static void write_file(const char *name, const char *data, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/fk-test-package-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    write_file("ward.csv", csv_text, strlen(csv_text));
    write_file("other.csv", "a\n", 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* What the first pass lent out. */
typedef struct lent {
    size_t bytes, chunks;
} lent;

static void on_chunk(void *ctx, const char *data, size_t n)
{
    (void)data;
    lent *s = ctx;
    s->bytes += n;
    s->chunks++;
}

static lent first_pass;

static fk_status open_pkg(const char *name, const char *password, size_t max, fk_package **p,
                          fk_err *err)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    fk_err_clear(err);
    first_pass = (lent){0, 0};
    return fk_package_open(path, password, max, on_chunk, &first_pass, p, err);
}

/* The second pass, read whole into out (freed with fk_buf_free), in reads of chunk bytes. */
static fk_status read_all(fk_package *p, size_t chunk, fk_buf *out, fk_err *err)
{
    fk_buf_init(out, (size_t)1 << 26);
    char buf[65536];
    size_t got;
    fk_status st;
    while ((st = fk_package_read(p, buf, chunk, &got, err)) == FK_OK && got > 0)
        assert_int_equal(fk_buf_append(out, buf, got), FK_OK);
    return st;
}

static void expect_csv(fk_package *p, const char *want, size_t len)
{
    fk_buf b;
    fk_err err;
    assert_int_equal(read_all(p, 65536, &b, &err), FK_OK);
    assert_int_equal(b.len, len);
    assert_memory_equal(b.data, want, len);
    assert_int_equal(first_pass.bytes, len);
    fk_buf_free(&b);
}

static void expect_error(const char *name, const char *password, fk_status want, const char *msg)
{
    fk_package *p = (fk_package *)1;
    fk_err err;
    fk_status st = open_pkg(name, password, 0, &p, &err);
    if (st != want || !strstr(err.msg, msg))
        fail_msg("%s: got %s '%s', expected %s '%s'", name, fk_status_name(st), err.msg,
                 fk_status_name(want), msg);
    assert_null(p);
    assert_non_null(strstr(err.msg, dir)); /* the archive's path is named */
}

static void test_7zip_aes256(void **state)
{
    (void)state;
    sh("7zz a -tzip -mem=AES256 -pS3cretPass good.zip ward.csv");
    fk_package *p;
    fk_err err;
    assert_int_equal(open_pkg("good.zip", "S3cretPass", 0, &p, &err), FK_OK);
    expect_csv(p, csv_text, strlen(csv_text));
    assert_string_equal(fk_package_csv_name(p), "ward.csv");
    fk_package_free(p);

    expect_error("good.zip", "wrong", FK_EAUTH, "wrong package password");

    /* A compressible CSV is deflated under the encryption. */
    sh("seq 1 50000 | sed 's/$/,東京都/' > big.csv && "
       "7zz a -tzip -mem=AES256 -pS3cretPass big.zip big.csv && "
       "7zz l -slt big.zip | grep -q 'Method = AES-256 Deflate'");
    assert_int_equal(open_pkg("big.zip", "S3cretPass", 0, &p, &err), FK_OK);
    assert_true(first_pass.chunks > 1);
    fk_buf b;
    assert_int_equal(read_all(p, 1000, &b, &err), FK_OK); /* reads of any size */
    assert_int_equal(b.len, first_pass.bytes);
    assert_true(b.len > 500000);
    assert_memory_equal(b.data + b.len - 16, "50000,東京都\n", 16);
    fk_buf_free(&b);
    assert_int_equal(fk_package_read(p, (char[8]){0}, 8, &(size_t){1}, &err), FK_OK);
    fk_package_free(p);
    /* Inverting the byte (not overwriting it) guarantees that it changes. */
    sh("cp big.zip big-flipped.zip && b=$(od -An -tu1 -j5000 -N1 big.zip) && "
       "printf \"\\\\$(printf %%o $((b ^ 255)))\" | dd of=big-flipped.zip bs=1 seek=5000 "
       "conv=notrunc 2>/dev/null && ! cmp -s big.zip big-flipped.zip");
    p = NULL;
    fk_status st = open_pkg("big-flipped.zip", "S3cretPass", 0, &p, &err);
    if (st != FK_EAUTH && st != FK_EFORMAT) /* inflate may notice first */
        fail_msg("a flipped byte gave %s: %s", fk_status_name(st), err.msg);
    assert_null(p);
    assert_int_equal(open_pkg("good.zip", "S3cretPass", 10, &p, &err), FK_ETOOBIG);
}

static void test_not_aes256(void **state)
{
    (void)state;
    sh("7zz a -tzip -mem=ZipCrypto -pS3cretPass zipcrypto.zip ward.csv");
    expect_error("zipcrypto.zip", "S3cretPass", FK_EFORMAT, "legacy ZipCrypto");
    sh("7zz a -tzip -mem=AES128 -pS3cretPass aes128.zip ward.csv");
    expect_error("aes128.zip", "S3cretPass", FK_EFORMAT, "AES-128, not AES-256");
    sh("7zz a -tzip clear.zip ward.csv");
    expect_error("clear.zip", "S3cretPass", FK_EFORMAT, "entry ward.csv is not encrypted");
}

static void test_damaged(void **state)
{
    (void)state;
    sh("7zz a -tzip -mem=AES256 -pS3cretPass full.zip ward.csv");
    sh("head -c 100 full.zip > truncated.zip");
    expect_error("truncated.zip", "S3cretPass", FK_EFORMAT, "damaged or truncated archive");
    write_file("notzip.zip", "hello", 5);
    expect_error("notzip.zip", "S3cretPass", FK_EFORMAT, "damaged or truncated archive");
    /* A flipped byte inside the encrypted data fails the AE-2 authentication code. */
    sh("cp full.zip flipped.zip && printf 'X' | dd of=flipped.zip bs=1 seek=80 conv=notrunc");
    expect_error("flipped.zip", "S3cretPass", FK_EAUTH, "fails authentication");
    expect_error("missing.zip", "S3cretPass", FK_ENOENT, "cannot read");
}

static void test_several_csv(void **state)
{
    (void)state;
    sh("7zz a -tzip -mem=AES256 -pS3cretPass two.zip ward.csv other.csv");
    expect_error("two.zip", "S3cretPass", FK_EFORMAT,
                 "2 .csv entries and no manifest.txt saying which one to open");
    write_file("manifest.txt", "# ward export\ncsv: ward.csv\nrows: 2\n", 36);
    sh("7zz a -tzip -mem=AES256 -pS3cretPass two-manifest.zip ward.csv other.csv manifest.txt");
    fk_package *p;
    fk_err err;
    assert_int_equal(open_pkg("two-manifest.zip", "S3cretPass", 0, &p, &err), FK_OK);
    assert_string_equal(fk_package_csv_name(p), "ward.csv");
    fk_package_free(p);

    write_file("manifest.txt", "csv: ward.csv\nrows: 3\n", 22);
    sh("7zz a -tzip -mem=AES256 -pS3cretPass rows.zip ward.csv manifest.txt");
    expect_error("rows.zip", "S3cretPass", FK_EFORMAT, "ward.csv has 2 rows, manifest.txt says 3");
    char bad_sha[128];
    int n = snprintf(bad_sha, sizeof bad_sha, "csv: ward.csv\nsha256: %064d\n", 0);
    write_file("manifest.txt", bad_sha, (size_t)n);
    sh("7zz a -tzip -mem=AES256 -pS3cretPass sha.zip ward.csv manifest.txt");
    expect_error("sha.zip", "S3cretPass", FK_EFORMAT, "does not match manifest.txt's SHA-256");
    write_file("manifest.txt", "csv: nothere.csv\n", 17);
    sh("7zz a -tzip -mem=AES256 -pS3cretPass absent.zip ward.csv manifest.txt");
    expect_error("absent.zip", "S3cretPass", FK_EFORMAT, "names nothere.csv");
    write_file("manifest.txt", "file: ward.csv\n", 15);
    sh("7zz a -tzip -mem=AES256 -pS3cretPass key.zip ward.csv manifest.txt");
    expect_error("key.zip", "S3cretPass", FK_EFORMAT, "manifest.txt:1: unknown key");
    sh("7zz a -tzip -mem=AES256 -pS3cretPass none.zip manifest.txt");
    write_file("readme.txt", "x", 1);
    sh("7zz a -tzip -mem=AES256 -pS3cretPass nocsv.zip readme.txt");
    expect_error("nocsv.zip", "S3cretPass", FK_EFORMAT, "no .csv entry");
}

static void test_write_round_trip(void **state)
{
    (void)state;
    char password[FK_PACKAGE_PASSWORD_LEN + 1];
    fk_err err;
    assert_int_equal(fk_package_password_new(password, sizeof password, &err), FK_OK);
    char path[128];
    snprintf(path, sizeof path, "%s/sealed.zip", dir);
    assert_int_equal(fk_package_write(path, "ward.csv", csv_text, strlen(csv_text), password, &err),
                     FK_OK);
    assert_int_equal(fk_package_write(path, "ward.csv", csv_text, strlen(csv_text), password, &err),
                     FK_EEXIST);
    fk_package *p;
    assert_int_equal(open_pkg("sealed.zip", password, 0, &p, &err), FK_OK);
    expect_csv(p, csv_text, strlen(csv_text));
    fk_package_free(p);
    /* 7-Zip opens it too, and sees AES-256. */
    sh("7zz t -p%s sealed.zip && 7zz l -slt sealed.zip | grep -q 'Method = AES-256'", password);
    snprintf(path, sizeof path, "%s/bad.zip", dir);
    assert_int_equal(fk_package_write(path, "a/b.csv", "x", 1, password, &err), FK_EINVAL);
    assert_int_equal(fk_package_write(path, "b.csv", "x", 1, "", &err), FK_EINVAL);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_password(void **state)
{
    (void)state;
    const char *alphabet = FK_PACKAGE_PASSWORD_ALPHABET;
    size_t n = strlen(alphabet);
    long seen[128] = {0};
    char password[FK_PACKAGE_PASSWORD_LEN + 1];
    fk_err err;
    for (int i = 0; i < 2000; i++) {
        assert_int_equal(fk_package_password_new(password, sizeof password, &err), FK_OK);
        assert_int_equal(strlen(password), FK_PACKAGE_PASSWORD_LEN);
        for (size_t k = 0; password[k]; k++) {
            assert_non_null(strchr(alphabet, password[k]));
            seen[(unsigned char)password[k]]++;
        }
    }
    /* 48,000 draws over 57 characters: each near 842; a biased or stuck generator fails. */
    for (size_t k = 0; k < n; k++) {
        long c = seen[(unsigned char)alphabet[k]];
        if (c < 650 || c > 1050)
            fail_msg("character %c drawn %ld times", alphabet[k], c);
    }
    for (const char *bad = "0O1lI"; *bad; bad++)
        assert_null(strchr(alphabet, *bad));
    assert_int_equal(fk_package_password_new(password, 10, &err), FK_EINVAL);
}

/*
 * A manifest that disagrees with a large CSV refuses the package only after the whole CSV
 * has been decrypted and counted, and before the caller can read any of it.
 */
static void test_manifest_before_rows(void **state)
{
    (void)state;
    sh("seq 1 60000 | sed 's/$/,\"x\\ny\"/' > many.csv && "
       "printf 'csv: many.csv\\nrows: 59998\\n' > manifest.txt && "
       "7zz a -tzip -mem=AES256 -pS3cretPass many-rows.zip many.csv manifest.txt && "
       "printf 'csv: many.csv\\nrows: 59999\\nsha256: %%064d\\n' 0 > manifest.txt && "
       "7zz a -tzip -mem=AES256 -pS3cretPass many-sha.zip many.csv manifest.txt && "
       "printf 'csv: many.csv\\nrows: 59999\\n' > manifest.txt && "
       "7zz a -tzip -mem=AES256 -pS3cretPass many-good.zip many.csv manifest.txt");
    fk_package *p = (fk_package *)1;
    fk_err err;
    /* Quoted line breaks are not rows: 60,000 lines after the header hold 59,999 rows. */
    assert_int_equal(open_pkg("many-rows.zip", "S3cretPass", 0, &p, &err), FK_EFORMAT);
    assert_non_null(strstr(err.msg, "many.csv has 59999 rows, manifest.txt says 59998"));
    assert_null(p);
    size_t whole = first_pass.bytes;
    assert_true(whole > 60000 * 8);
    p = (fk_package *)1;
    assert_int_equal(open_pkg("many-sha.zip", "S3cretPass", 0, &p, &err), FK_EFORMAT);
    assert_non_null(strstr(err.msg, "does not match manifest.txt's SHA-256"));
    assert_null(p);
    assert_int_equal(first_pass.bytes, whole);
    assert_int_equal(open_pkg("many-good.zip", "S3cretPass", 0, &p, &err), FK_OK);
    assert_int_equal(first_pass.bytes, whole);
    fk_package_free(p);
}

/* The second pass must read what the first checked: a package rewritten in place between the
 * two (same sizes, other bytes) fails at the end of the second. */
static void test_changed_between_passes(void **state)
{
    (void)state;
    sh("seq 100000 199999 > same.csv && 7zz a -tzip -mem=AES256 -mm=Copy -pS3cretPass a.zip "
       "same.csv && seq 200000 299999 > same.csv && 7zz a -tzip -mem=AES256 -mm=Copy "
       "-pS3cretPass b.zip same.csv && cp a.zip live.zip && "
       "[ $(stat -c %%s a.zip) = $(stat -c %%s b.zip) ]");
    fk_package *p;
    fk_err err;
    assert_int_equal(open_pkg("live.zip", "S3cretPass", 0, &p, &err), FK_OK);
    sh("dd if=b.zip of=live.zip conv=notrunc");
    fk_buf b;
    fk_status st = read_all(p, 65536, &b, &err);
    fk_buf_free(&b);
    if (st != FK_EFORMAT || !strstr(err.msg, "changed while it was read"))
        fail_msg("got %s '%s'", fk_status_name(st), err.msg);
    fk_package_free(p);
}

static void test_file_sha256(void **state)
{
    (void)state;
    sh("7zz a -tzip -mem=AES256 -pS3cretPass hashed.zip ward.csv && "
       "sha256sum hashed.zip | cut -c1-64 > hashed.sha");
    char path[128], want[80] = "", hex[65];
    snprintf(path, sizeof path, "%s/hashed.sha", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(want, sizeof want, f));
    fclose(f);
    want[64] = '\0';
    snprintf(path, sizeof path, "%s/hashed.zip", dir);
    fk_err err;
    assert_int_equal(fk_package_file_sha256(path, hex, &err), FK_OK);
    assert_string_equal(hex, want);
    snprintf(path, sizeof path, "%s/nowhere.zip", dir);
    assert_int_equal(fk_package_file_sha256(path, hex, &err), FK_ENOENT);
}

static fk_status count_record(void *ctx, const fk_record *r, long line, fk_err *err)
{
    (void)r;
    (void)line;
    (void)err;
    (*(int *)ctx)++;
    return FK_OK;
}

static bool any_finding(void *ctx, long line, long column, const char *column_name,
                        const char *reason, bool is_warning)
{
    (void)ctx;
    fail_msg("finding %ld:%ld %s: %s%s", line, column, column_name, reason,
             is_warning ? " (warning)" : "");
    return false;
}

static void scan_chunk(void *ctx, const char *data, size_t n)
{
    fk_decode_scan_feed(ctx, data, n);
}

/*
 * What a ward's office produces: a spreadsheet's CP932 CSV (CRLF, no BOM, quoted fields
 * holding commas) packed by 7-Zip with AES-256. It opens and every row is accepted.
 */
static void test_spreadsheet_package(void **state)
{
    (void)state;
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    fixture_header(&b);
    fixture_row(&b, FK_COL_ADDRESS, "\"東京都渋谷区神宮前1-1-1, 2階\"");
    fixture_row(&b, FK_COL_COUNT, NULL);
    /* The second row needs its own numbers. */
    char *second = strstr(strstr(b.data, "\r\n") + 2, "\r\n") + 2;
    memcpy(strstr(second, "123456"), "223456", 6);
    memcpy(strstr(second, "10987654321"), "20987654321", 11);
    write_file("export-utf8.csv", b.data, b.len);
    fk_buf_free(&b);
    sh("iconv -f UTF-8 -t CP932 export-utf8.csv > export.csv && "
       "7zz a -tzip -mem=AES256 -pS3cretPass export.zip export.csv");
    fk_package *p;
    fk_err err;
    fk_decode_scan *scan;
    assert_int_equal(fk_decode_scan_new(FK_ENCODING_AUTO, &scan, &err), FK_OK);
    char path[128];
    snprintf(path, sizeof path, "%s/export.zip", dir);
    assert_int_equal(fk_package_open(path, "S3cretPass", 0, scan_chunk, scan, &p, &err), FK_OK);
    fk_ingest_options opt = {.fiscal_year = 2025, .export_date = {2025, 12, 1}};
    fk_ingest_counts counts;
    int records = 0;
    assert_int_equal(fk_ingest_run_stream(scan, fk_package_read, p, &opt, count_record, any_finding,
                                          &records, &counts, &err),
                     FK_OK);
    fk_decode_scan_free(scan);
    assert_int_equal(counts.encoding, FK_ENCODING_CP932);
    assert_int_equal(records, 2);
    fk_package_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_7zip_aes256),
        cmocka_unit_test(test_not_aes256),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_several_csv),
        cmocka_unit_test(test_write_round_trip),
        cmocka_unit_test(test_password),
        cmocka_unit_test(test_spreadsheet_package),
        cmocka_unit_test(test_manifest_before_rows),
        cmocka_unit_test(test_changed_between_passes),
        cmocka_unit_test(test_file_sha256),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
