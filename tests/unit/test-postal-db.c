/* Unit tests for postal/postal-db and postal/postal: the real table built from the npm
 * package (FUKAN_POSTAL_DATA), lookups, kinds of code, town-area matching, damaged tables,
 * and the whole path from address to barcode for every worked example. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "postal/postal.h"
#include "util/fsutil.h"
#include "util/mem.h"

static fk_postal_db *db;

static int setup(void **state)
{
    (void)state;
    fk_err err;
    if (fk_postal_db_open(NULL, &db, &err) != FK_OK) {
        fprintf(stderr, "no postal table (%s): run scripts/fetch-postal-data\n",
                fk_err_message(&err));
        db = NULL;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fk_postal_db_free(db);
    return 0;
}

#define NEED_DB()                                                                                  \
    do {                                                                                           \
        if (db == NULL)                                                                            \
            fail_msg("no postal table: run scripts/fetch-postal-data (scripts/setup does)");       \
    } while (0)

static void test_info(void **state)
{
    (void)state;
    NEED_DB();
    fk_postal_info info;
    fk_postal_db_get_info(db, &info);
    assert_string_equal(info.package, "japan-postal-code");
    assert_true(strlen(info.version) > 0);
    assert_true(info.codes > 100000);
    assert_true(info.municipalities > 1700);
}

static void test_lookup_kinds(void **state)
{
    (void)state;
    NEED_DB();
    fk_postal_entry e;
    assert_int_equal(fk_postal_db_lookup(db, "1000013", &e), FK_OK);
    assert_string_equal(e.prefecture, "東京都");
    assert_string_equal(e.city, "千代田区");
    assert_string_equal(e.town, "霞が関");
    assert_int_equal(e.kind, FK_POSTAL_KIND_TOWN);
    assert_int_equal(fk_postal_db_lookup(db, "1000000", &e), FK_OK); /* 以下に掲載がない場合 */
    assert_int_equal(e.kind, FK_POSTAL_KIND_CATCHALL);
    assert_string_equal(e.town, "");
    assert_int_equal(fk_postal_db_lookup(db, "1001301", &e), FK_OK); /* 御蔵島村一円 */
    assert_int_equal(e.kind, FK_POSTAL_KIND_NO_TOWN);
    assert_int_equal(fk_postal_db_lookup(db, "5220317", &e), FK_OK); /* 大字一円, emptied */
    assert_int_equal(e.kind, FK_POSTAL_KIND_NO_TOWN);
    assert_int_equal(fk_postal_db_lookup(db, "1008979", &e), FK_OK); /* a business */
    assert_int_equal(e.kind, FK_POSTAL_KIND_BUSINESS);
    assert_true(strlen(e.street) > 0);
    assert_int_equal(fk_postal_db_lookup(db, "0000000", &e), FK_ENOENT);
    assert_int_equal(fk_postal_db_lookup(db, "100001", &e), FK_ENOENT);
}

static void test_code_normalise(void **state)
{
    (void)state;
    char c[8];
    assert_int_equal(fk_postal_code_normalise("100-0013", c), FK_OK);
    assert_string_equal(c, "1000013");
    assert_int_equal(fk_postal_code_normalise("〒１００－００１３", c), FK_OK);
    assert_string_equal(c, "1000013");
    assert_int_equal(fk_postal_code_normalise(" 1000013 ", c), FK_OK);
    assert_int_equal(fk_postal_code_normalise("10-00013", c), FK_EINVAL);
    assert_int_equal(fk_postal_code_normalise("100001", c), FK_EINVAL);
    assert_int_equal(fk_postal_code_normalise("10000134", c), FK_EINVAL);
    assert_int_equal(fk_postal_code_normalise("100 0013", c), FK_EINVAL);
}

/* Splits address for code; checks the verdict and, when given, where 住所B begins. */
static void split(const char *code, const char *address, const char *building, fk_postal_match want,
                  const char *want_rest)
{
    fk_postal_entry e;
    fk_postal_split s;
    fk_err err;
    assert_int_equal(fk_postal_db_lookup(db, code, &e), FK_OK);
    assert_int_equal(fk_postal_db_match(db, &e, address, building, &s, &err), FK_OK);
    if (s.match != want)
        fail_msg("%s %s: match %d, expected %d", code, address, s.match, want);
    if (want_rest != NULL)
        assert_string_equal(address + s.rest, want_rest);
}

static void test_match(void **state)
{
    (void)state;
    NEED_DB();
    /* from the prefecture, from the municipality, from the town area */
    split("1600023", "東京都新宿区西新宿二丁目8番1号", NULL, FK_POSTAL_MATCH_OK, "二丁目8番1号");
    split("1600023", "新宿区西新宿2丁目8番1号", NULL, FK_POSTAL_MATCH_OK, "2丁目8番1号");
    split("1600023", "西新宿2-8-1", NULL, FK_POSTAL_MATCH_OK, "2-8-1");
    /* numbers in a town's name stay in the town area */
    split("1020075", "千代田区三番町5-1", NULL, FK_POSTAL_MATCH_OK, "5-1");
    split("1020075", "千代田区3番町5-1", NULL, FK_POSTAL_MATCH_OK, "5-1");
    split("0600906", "札幌市東区北6条東4丁目", NULL, FK_POSTAL_MATCH_OK, "4丁目");
    split("0600906", "北海道札幌市東区北六条東4丁目", NULL, FK_POSTAL_MATCH_OK, "4丁目");
    /* ケ/ヶ, a designated city's ward alone, 郡 omitted, 大字 */
    split("2730102", "千葉県鎌ヶ谷市右京塚 東3丁目", NULL, FK_POSTAL_MATCH_OK, " 東3丁目");
    split("6500046", "中央区港島中町9丁目7-6", NULL, FK_POSTAL_MATCH_OK, "9丁目7-6");
    split("3060433", "茨城県境町123", NULL, FK_POSTAL_MATCH_OK, "123");
    split("0270203", "岩手県宮古市大字津軽石第二十一地割", NULL, FK_POSTAL_MATCH_OK,
          "第二十一地割");
    /* another town area, another municipality, a missing town area */
    split("1000013", "東京都千代田区永田町1丁目", NULL, FK_POSTAL_MATCH_OTHER_TOWN, NULL);
    split("1000013", "大阪府大阪市北区梅田1丁目", NULL, FK_POSTAL_MATCH_OTHER_CITY, NULL);
    split("1000013", "東京都港区霞が関1丁目", NULL, FK_POSTAL_MATCH_OTHER_CITY, NULL);
    split("1000013", "千代田区1丁目", NULL, FK_POSTAL_MATCH_NO_TOWN, NULL);
    /* a town area named by a longer one of the same municipality is another town */
    split("1600023", "新宿区西新宿新宿センタービル", NULL, FK_POSTAL_MATCH_OTHER_TOWN, NULL);
    /* a high-rise code: the building must be named */
    split("1630690", "新宿区西新宿1丁目25-1", "新宿センタービル", FK_POSTAL_MATCH_OK, "1丁目25-1");
    split("1630690", "新宿区西新宿1丁目25-1", NULL, FK_POSTAL_MATCH_OTHER_TOWN, NULL);
    /* a code without town area: the number follows the municipality */
    split("1001301", "東京都御蔵島村123", NULL, FK_POSTAL_MATCH_OK, "123");
    /* a catch-all code with a town area that has its own code */
    split("1000000", "東京都千代田区霞が関1丁目", NULL, FK_POSTAL_MATCH_OTHER_TOWN, NULL);
}

static void test_match_invalid(void **state)
{
    (void)state;
    NEED_DB();
    fk_postal_entry e;
    fk_postal_split s;
    fk_err err;
    assert_int_equal(fk_postal_db_lookup(db, "1000013", &e), FK_OK);
    assert_int_equal(fk_postal_db_match(db, &e, "\xe3\x81", NULL, &s, &err), FK_EFORMAT);
}

/* The whole path: postal code + address (+ building) to display number and tokens. */
static void barcode(const char *postal, const char *address, const char *building,
                    const char *display, const char *tokens)
{
    fk_postal_result *r = fk_malloc(sizeof *r);
    fk_err err;
    fk_err_clear(&err);
    assert_non_null(r);
    assert_int_equal(fk_postal_compute(db, postal, address, building, r, &err), FK_OK);
    if (r->verdict != FK_POSTAL_OK)
        fail_msg("%s %s: %s", postal, address, fk_postal_verdict_reason(r));
    assert_string_equal(r->display, display);
    fk_buf b;
    fk_buf_init(&b, 4096);
    assert_int_equal(fk_custbar_append_tokens(&r->barcode, &b), FK_OK);
    assert_string_equal(fk_buf_cstr(&b), tokens);
    fk_buf_free(&b);
    fk_free(r);
}

static void test_worked_examples(void **state)
{
    (void)state;
    NEED_DB();
    barcode("263-0023", "千葉市稲毛区緑町3丁目30-8 郵便ビル403号", NULL, "3-30-8-403",
            "2 6 3 0 0 2 3 3 - 3 0 - 8 - 4 0 3 CC4 CC4 CC4 5");
    barcode("110-0016", "東京都台東区台東5-6-3 ABCビル10F", NULL, "5-6-3-10",
            "1 1 0 0 0 1 6 5 - 6 - 3 - 1 0 CC4 CC4 CC4 CC4 CC4 9");
    barcode("273-0102", "千葉県鎌ケ谷市右京塚 東3丁目-20-5 郵便・A&bコーポB604号", NULL,
            "3-20-5B604", "2 7 3 0 1 0 2 3 - 2 0 - 5 CC1 1 6 0 4 CC4 CC4 0");
    barcode("198-0036", "東京都青梅市河辺町十一丁目六番地一号 郵便タワー601", NULL, "11-6-1-601",
            "1 9 8 0 0 3 6 1 1 - 6 - 1 - 6 0 1 CC4 CC4 CC4 CC8");
    barcode("650-0046", "神戸市中央区港島中町9丁目7-6 郵便シティA棟1F1号", NULL, "9-7-6A1-1",
            "6 5 0 0 0 4 6 9 - 7 - 6 CC1 0 1 - 1 CC4 CC4 CC4 5");
    barcode("100-0013", "東京都千代田区霞が関1丁目3番2号 郵便プラザ503室", NULL, "1-3-2-503",
            "1 0 0 0 0 1 3 1 - 3 - 2 - 5 0 3 CC4 CC4 CC4 CC4 9");
    /* the same with the building on its own line (the ward's 方書) */
    barcode("100-0013", "東京都千代田区霞が関1丁目3番2号", "郵便プラザ503室", "1-3-2-503",
            "1 0 0 0 0 1 3 1 - 3 - 2 - 5 0 3 CC4 CC4 CC4 CC4 9");
    /* the manual's p20 truncation examples */
    barcode("064-0804", "北海道札幌市中央区南四条西29丁目1524-23 第2郵便ハウス501", NULL,
            "29-1524-23-2-501", "0 6 4 0 8 0 4 2 9 - 1 5 2 4 - 2 3 - 2 - 3");
    barcode("910-0067", "福井県福井市新田塚3丁目80-25 J1ビル2-B", NULL, "3-80-25J1-2B",
            "9 1 0 0 0 6 7 3 - 8 0 - 2 5 CC1 9 1 - 2 CC1 9");
    barcode("102-0075", "東京都千代田区三番町5-1", NULL, "5-1",
            "1 0 2 0 0 7 5 5 - 1 CC4 CC4 CC4 CC4 CC4 CC4 CC4 CC4 CC4 CC4 0");
}

/* Japan Post's list of extraction examples (manual p17-p21): 住所表示番号 only. */
static void test_manual_examples(void **state)
{
    (void)state;
    NEED_DB();
    static const char *const cases[][3] = {
        {"014-0113", "秋田県大仙市堀見内 南田茂木 添60-1", "60-1"},
        {"060-0906", "北海道札幌市東区北六条東4丁目 郵便センター6号館", "4-6"},
        {"065-0006", "北海道札幌市東区北六条東8丁目 郵便センター10号館", "8-10"},
        {"407-0033", "山梨県韮崎市龍岡町下條南割 韮崎400", "400"},
        {"027-0203", "岩手県宮古市大字津軽石第二十一地割大淵川", "21"},
        {"590-0016", "大阪府堺市堺区中田出井町四丁六番十九号", "4-6-19"},
        {"080-0831", "北海道帯広市稲田町南七線 西28", "7-28"},
        {"317-0055", "茨城県日立市宮田町6丁目7-14 ABCビル2F", "6-7-14-2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fk_postal_result *r = fk_malloc(sizeof *r);
        fk_err err;
        assert_non_null(r);
        assert_int_equal(fk_postal_compute(db, cases[i][0], cases[i][1], NULL, r, &err), FK_OK);
        if (r->verdict != FK_POSTAL_OK)
            fail_msg("%s: %s", cases[i][1], fk_postal_verdict_reason(r));
        assert_string_equal(r->display, cases[i][2]);
        fk_free(r);
    }
}

static void test_verdicts(void **state)
{
    (void)state;
    NEED_DB();
    fk_postal_result *r = fk_malloc(sizeof *r);
    fk_err err;
    assert_non_null(r);
    assert_int_equal(fk_postal_compute(db, "100-0000", "東京都千代田区1番", NULL, r, &err), FK_OK);
    assert_int_equal(r->verdict, FK_POSTAL_CATCHALL);
    assert_non_null(strstr(fk_postal_verdict_reason(r), "catch-all"));
    assert_int_equal(fk_postal_compute(db, "000-0000", "どこか1", NULL, r, &err), FK_OK);
    assert_int_equal(r->verdict, FK_POSTAL_UNKNOWN_CODE);
    assert_int_equal(fk_postal_compute(db, "100-0013", "東京都千代田区永田町1", NULL, r, &err),
                     FK_OK);
    assert_int_equal(r->verdict, FK_POSTAL_MISMATCH);
    assert_int_equal(fk_postal_compute(db, "12", "x", NULL, r, &err), FK_EINVAL);
    /* a business code carries the code only: 13 x CC4 */
    assert_int_equal(
        fk_postal_compute(db, "100-8979", "東京都千代田区霞が関3丁目3-2", NULL, r, &err), FK_OK);
    assert_int_equal(r->verdict, FK_POSTAL_OK);
    assert_string_equal(r->display, "");
    for (int i = 7; i < FK_CUSTBAR_DATA_CHARS; i++)
        assert_int_equal(r->barcode.data[i], FK_CUSTBAR_CC4);
    fk_free(r);
}

/* A damaged or missing table is refused with a clear status. */
static void test_damaged(void **state)
{
    (void)state;
    NEED_DB();
    fk_postal_info info;
    fk_postal_db_get_info(db, &info);
    char *data;
    size_t len;
    fk_err err;
    assert_int_equal(fk_fs_read_file(info.path, 64u << 20, &data, &len, &err), FK_OK);
    char path[] = "/tmp/fukan-postal-XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    fk_postal_db *bad;
    data[len / 2] ^= 0x01; /* one flipped bit */
    assert_int_equal(fk_fs_write_atomic(path, data, len, &err), FK_OK);
    assert_int_equal(fk_postal_db_open(path, &bad, &err), FK_EFORMAT);
    assert_null(bad);
    data[len / 2] ^= 0x01;
    assert_int_equal(fk_fs_write_atomic(path, data, len - 1, &err), FK_OK); /* truncated */
    assert_int_equal(fk_postal_db_open(path, &bad, &err), FK_EFORMAT);
    assert_int_equal(fk_fs_write_atomic(path, "FKPOSTL1", 8, &err), FK_OK);
    assert_int_equal(fk_postal_db_open(path, &bad, &err), FK_EFORMAT);
    assert_int_equal(fk_fs_write_atomic(path, data, len, &err), FK_OK); /* intact again */
    assert_int_equal(fk_postal_db_open(path, &bad, &err), FK_OK);
    fk_postal_db_free(bad);
    unlink(path);
    assert_int_equal(fk_postal_db_open(path, &bad, &err), FK_ENOENT);
    fk_free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_info),
        cmocka_unit_test(test_lookup_kinds),
        cmocka_unit_test(test_code_normalise),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_match_invalid),
        cmocka_unit_test(test_worked_examples),
        cmocka_unit_test(test_manual_examples),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
