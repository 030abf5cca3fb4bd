/* Unit tests for postal/addrnum: the display number rules, one case or more per rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "postal/addrnum.h"

static void check(const char *rest, const char *want)
{
    char out[512];
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_addrnum_extract(rest, out, sizeof out, &err), FK_OK);
    if (strcmp(out, want) != 0)
        fail_msg("'%s' gave '%s', expected '%s'", rest, out, want);
}

/* 住所B of the worked examples (domain.md §6 and the manual's p17-p21 examples). */
static void test_worked_examples(void **state)
{
    (void)state;
    check("3丁目30-8 郵便ビル403号", "3-30-8-403");
    check("5-6-3 ABCビル10F", "5-6-3-10");
    check(" 東3丁目-20-5 郵便・A&bコーポB604号", "3-20-5B604");
    check("十一丁目六番地一号 郵便タワー601", "11-6-1-601");
    check("9丁目7-6 郵便シティA棟1F1号", "9-7-6A1-1");
    check("1丁目3番2号 郵便プラザ503室", "1-3-2-503");
    check(" 南田茂木 添60-1", "60-1");
    check("4丁目 郵便センター6号館", "4-6");
    check("8丁目 郵便センター10号館", "8-10");
    check(" 韮崎400", "400");
    check("第二十一地割大淵川", "21");
    check("四丁六番十九号", "4-6-19");
    check("南七線 西28", "7-28");
    check("6丁目7-14 ABCビル2F", "6-7-14-2");
    check("29丁目1524-23 第2郵便ハウス501", "29-1524-23-2-501");
    check("3丁目80-25 J1ビル2-B", "3-80-25J1-2B");
}

/* Rule 1: full-width digits and letters, lower case, dashes. */
static void test_rule_width_case(void **state)
{
    (void)state;
    check("３丁目２０－５", "3-20-5");
    check("１２３ｂ", "123B");
    check("5ー6ー7", "5-6-7"); /* long-vowel mark used as a dash between digits */
    check("2−3‐4", "2-3-4");   /* minus sign, hyphen */
    check("コーポ5", "5");     /* a long vowel in a katakana word is no dash */
    check("　１　２", "1-2");  /* full-width blanks separate */
}

/* Rule 2: & / ・ . are deleted and close up. */
static void test_rule_delete(void **state)
{
    (void)state;
    check("A&B 5", "5"); /* A&B closes up into a run of two letters */
    check("1/2", "12");
    check("1・2", "12");
    check("1.2", "12");
    check("Ｐ．Ｏ． 3", "3"); /* P.O. becomes "PO" */
}

/* Rule 3 and 4: kept characters; others before them become one hyphen. */
static void test_rule_keep(void **state)
{
    (void)state;
    check("12番地 ABCハイツ 3", "12-3"); /* run of letters is a separator */
    check("5番地 Bハイツ", "5B");        /* an isolated letter is kept */
    check("1番地の5", "1-5");
    check("7#8", "7-8");
    check("さくら荘1", "1");
}

/* Rule 5 and 6: repeated hyphens collapse, no leading hyphen, trailing text dropped. */
static void test_rule_collapse(void **state)
{
    (void)state;
    check("--1--2", "1-2");
    check("東-1", "1");
    check("1番地", "1");
    check("", "");
    check("郵便ビル", "");
}

/* Kanji numerals before 丁目 丁 番地 番 号 地割 線 の ノ are converted, others are not. */
static void test_kanji_numerals(void **state)
{
    (void)state;
    check("二十一地割", "21");
    check("百一番地", "101");
    check("千二百三番", "1203");
    check("一〇二号", "102");
    check("十丁", "10");
    check("五の三番", "5-3");
    check("二ノ十号", "2-10");
    check("九十九里 5", "5"); /* not before a listed character: a separator */
    check("第二ビル3", "3");
}

/* An F after a digit is a floor mark; F elsewhere is a letter. */
static void test_floor(void **state)
{
    (void)state;
    check("2F", "2");
    check("1F1号", "1-1");
    check("ｂ棟３ｆ", "B3");
    check("F棟1", "F1");
}

/* A hyphen next to a letter is removed. */
static void test_letter_hyphen(void **state)
{
    (void)state;
    check("3-20-5-B604", "3-20-5B604");
    check("A-1", "A1");
    check("12-B", "12B");
    check("1 A 2", "1A2");
}

static void test_errors(void **state)
{
    (void)state;
    char out[8];
    fk_err err;
    assert_int_equal(fk_addrnum_extract("\xff", out, sizeof out, &err), FK_EFORMAT);
    assert_int_equal(fk_addrnum_extract("1-2-3-4-5", out, 4, &err), FK_ETOOBIG);
    assert_string_equal(out, "");
    char big[FK_ADDRNUM_MAX_INPUT + 2];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(fk_addrnum_extract(big, out, sizeof out, &err), FK_ETOOBIG);
    /* kanji numeral values */
    const uint32_t k[] = {0x4E8C, 0x5341, 0x4E00}; /* 二十一 */
    assert_int_equal(fk_addrnum_kanji_number(k, 3), 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_examples), cmocka_unit_test(test_rule_width_case),
        cmocka_unit_test(test_rule_delete),     cmocka_unit_test(test_rule_keep),
        cmocka_unit_test(test_rule_collapse),   cmocka_unit_test(test_kanji_numerals),
        cmocka_unit_test(test_floor),           cmocka_unit_test(test_letter_hyphen),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
