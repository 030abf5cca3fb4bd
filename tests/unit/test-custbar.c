/* Unit tests for postal/custbar: encoding, check digit, truncation, bars, geometry, SVG. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "postal/custbar.h"

static void tokens_of(const char *postal, const char *display, char *out, size_t size)
{
    fk_custbar cb;
    fk_err err;
    assert_int_equal(fk_custbar_encode(postal, display, &cb, &err), FK_OK);
    fk_buf b;
    fk_buf_init(&b, 4096);
    assert_int_equal(fk_custbar_append_tokens(&cb, &b), FK_OK);
    assert_true(b.len < size);
    memcpy(out, fk_buf_cstr(&b), b.len + 1);
    fk_buf_free(&b);
}

static void check(const char *postal, const char *display, const char *want)
{
    char got[256];
    tokens_of(postal, display, got, sizeof got);
    assert_string_equal(got, want);
}

/* The worked examples of domain.md §6 (Japan Post manual p17-p21). */
static void test_worked_examples(void **state)
{
    (void)state;
    check("2630023", "3-30-8-403", "2 6 3 0 0 2 3 3 - 3 0 - 8 - 4 0 3 CC4 CC4 CC4 5");
    check("1100016", "5-6-3-10", "1 1 0 0 0 1 6 5 - 6 - 3 - 1 0 CC4 CC4 CC4 CC4 CC4 9");
    check("2730102", "3-20-5B604", "2 7 3 0 1 0 2 3 - 2 0 - 5 CC1 1 6 0 4 CC4 CC4 0");
    check("1980036", "11-6-1-601", "1 9 8 0 0 3 6 1 1 - 6 - 1 - 6 0 1 CC4 CC4 CC4 CC8");
    check("6500046", "9-7-6A1-1", "6 5 0 0 0 4 6 9 - 7 - 6 CC1 0 1 - 1 CC4 CC4 CC4 5");
    check("1000013", "1-3-2-503", "1 0 0 0 0 1 3 1 - 3 - 2 - 5 0 3 CC4 CC4 CC4 CC4 9");
}

/* zint's own test vectors (backend/tests/test_postal.c). */
static void test_zint_vectors(void **state)
{
    (void)state;
    fk_custbar cb;
    fk_err err;
    assert_int_equal(fk_custbar_encode("1540023", "3-16-4-205", &cb, &err), FK_OK);
    assert_int_equal(cb.check, 6);
    assert_int_equal(fk_custbar_encode("3501106", "22-1A308", &cb, &err), FK_OK);
    assert_int_equal(cb.check, 5);
}

/* Past 13 places the rest is cut; a letter's control code on the 13th place stays alone. */
static void test_truncation(void **state)
{
    (void)state;
    /* Manual p20: 札幌市中央区南四条西29丁目1524-23 第2郵便ハウス501 */
    check("0640804", "29-1524-23-2-501", "0 6 4 0 8 0 4 2 9 - 1 5 2 4 - 2 3 - 2 - 3");
    /* Manual p20: 福井市新田塚3丁目80-25 J1ビル2-B: "91000673-80-25 CC1 9 1-2 CC1" */
    fk_custbar cb;
    fk_err err;
    assert_int_equal(fk_custbar_encode("9100067", "3-80-25J1-2B", &cb, &err), FK_OK);
    assert_true(cb.truncated);
    assert_int_equal(cb.data[19], FK_CUSTBAR_CC1);
    assert_int_equal(cb.data[18], 2);
    check("9100067", "3-80-25J1-2B", "9 1 0 0 0 6 7 3 - 8 0 - 2 5 CC1 9 1 - 2 CC1 9");
    /* exactly 13 places is not truncated */
    assert_int_equal(fk_custbar_encode("1000013", "1234567890123", &cb, &err), FK_OK);
    assert_false(cb.truncated);
    assert_int_equal(fk_custbar_encode("1000013", "12345678901234", &cb, &err), FK_OK);
    assert_true(cb.truncated);
}

static void test_letters(void **state)
{
    (void)state;
    check("1000013", "AJKTUZ", "1 0 0 0 0 1 3 CC1 0 CC1 9 CC2 0 CC2 9 CC3 0 CC3 5 CC4 0");
}

/* The check digit of a sum ≡ 0 (mod 19) is 0 (not 19); 10 prints '-', 11-18 CC1-CC8. */
static void test_check_digit(void **state)
{
    (void)state;
    fk_custbar cb;
    fk_err err;
    assert_int_equal(fk_custbar_encode("2730102", "3-20-5B604", &cb, &err), FK_OK);
    int sum = 0;
    for (int i = 0; i < FK_CUSTBAR_DATA_CHARS; i++)
        sum += cb.data[i];
    assert_int_equal(sum % 19, 0);
    assert_int_equal(cb.check, 0);
    assert_int_equal(fk_custbar_encode("1000089", "1-2", &cb, &err), FK_OK);
    assert_int_equal(cb.check, 0); /* another sum ≡ 0 case */
    assert_int_equal(fk_custbar_encode("4070033", "400", &cb, &err), FK_OK);
    assert_int_equal(cb.check, FK_CUSTBAR_HYPHEN);
    assert_string_equal(fk_custbar_char_name(FK_CUSTBAR_HYPHEN), "-");
    assert_string_equal(fk_custbar_char_name(FK_CUSTBAR_CC8), "CC8");
}

static void test_bars(void **state)
{
    (void)state;
    fk_custbar cb;
    fk_err err;
    assert_int_equal(fk_custbar_encode("1000013", "1-3-2-503", &cb, &err), FK_OK);
    assert_int_equal(strlen(cb.bars), FK_CUSTBAR_BARS);
    assert_memory_equal(cb.bars, "LD", 2);                       /* start */
    assert_memory_equal(cb.bars + FK_CUSTBAR_BARS - 2, "DL", 2); /* stop */
    assert_memory_equal(cb.bars + 2, "LLT", 3);                  /* 1 */
    assert_memory_equal(cb.bars + 5, "LTT", 3);                  /* 0 */
    assert_memory_equal(cb.bars + 2 + 3 * 19, "TDA", 3);         /* CC4 */
    assert_memory_equal(cb.bars + 2 + 3 * 20, "TLL", 3);         /* check digit 9 */
    assert_string_equal(fk_custbar_char_bars(3), "DLA");
    assert_string_equal(fk_custbar_char_bars(FK_CUSTBAR_CC1), "DAT");
    assert_string_equal(fk_custbar_char_bars(FK_CUSTBAR_CC8), "LLL");
}

static void test_invalid(void **state)
{
    (void)state;
    fk_custbar cb;
    fk_err err;
    assert_int_equal(fk_custbar_encode("100-001", "1", &cb, &err), FK_EINVAL);
    assert_int_equal(fk_custbar_encode("100001", "1", &cb, &err), FK_EINVAL);
    assert_int_equal(fk_custbar_encode("1000013", "1 2", &cb, &err), FK_EINVAL);
    assert_int_equal(fk_custbar_encode("1000013", "1a", &cb, &err), FK_EINVAL);
    assert_int_equal(fk_custbar_encode("1000013", "", &cb, &err), FK_OK);
    assert_int_equal(cb.data[7], FK_CUSTBAR_CC4);
    assert_int_equal(cb.data[19], FK_CUSTBAR_CC4);
}

static void near(double got, double want)
{
    assert_true(fabs(got - want) < 1e-9);
}

static void test_geometry(void **state)
{
    (void)state;
    fk_custbar_geometry g = fk_custbar_get_geometry(10);
    near(g.long_mm, 3.6);
    near(g.timing_mm, 1.2);
    near(g.semi_mm, 2.4);
    near(g.pitch_mm, 1.2);
    near(g.width_mm, 0.6);
    near(g.symbol_width_mm, 79.8);
    g = fk_custbar_get_geometry(8);
    near(g.long_mm, 2.88);
    near(g.timing_mm, 0.96);
    near(g.semi_mm, 1.92);
    near(g.pitch_mm, 0.96);
    near(g.width_mm, 0.48);
    assert_true(fk_custbar_pt_is_valid(8) && fk_custbar_pt_is_valid(11.5));
    assert_false(fk_custbar_pt_is_valid(7.9) || fk_custbar_pt_is_valid(12));

    fk_custbar cb;
    fk_err err;
    assert_int_equal(fk_custbar_encode("1000013", "1-3-2-503", &cb, &err), FK_OK);
    /* bar 0 is the start's L, bar 1 its D, bar 4 the T of '1' */
    fk_custbar_rect r = fk_custbar_bar_rect(&cb, 0, 10);
    near(r.x, 0), near(r.y, 0), near(r.w, 0.6), near(r.h, 3.6);
    r = fk_custbar_bar_rect(&cb, 1, 10);
    near(r.x, 1.2), near(r.y, 1.2), near(r.h, 2.4);
    r = fk_custbar_bar_rect(&cb, 4, 10);
    near(r.x, 4.8), near(r.y, 1.2), near(r.h, 1.2);
    assert_int_equal(fk_custbar_encode("1000013", "A", &cb, &err), FK_OK);
    r = fk_custbar_bar_rect(&cb, 2 + 3 * 7 + 1, 8); /* CC1 = D A T: its A */
    near(r.y, 0), near(r.h, 1.92);
}

static void test_svg(void **state)
{
    (void)state;
    fk_custbar cb;
    fk_err err;
    assert_int_equal(fk_custbar_encode("1000013", "1-3-2-503", &cb, &err), FK_OK);
    fk_buf b;
    fk_buf_init(&b, 1 << 20);
    assert_int_equal(fk_custbar_write_svg(&cb, 8, &b), FK_OK);
    size_t rects = 0;
    for (const char *p = fk_buf_cstr(&b); (p = strstr(p, "<rect")) != NULL; p++)
        rects++;
    assert_int_equal(rects, 1 + FK_CUSTBAR_BARS); /* background + bars */
    /* 8 pt: 66 x 0.96 + 0.48 + 2 x 2 mm quiet zone */
    assert_non_null(strstr(fk_buf_cstr(&b), "width=\"67.840mm\""));
    fk_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_examples),
        cmocka_unit_test(test_zint_vectors),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_letters),
        cmocka_unit_test(test_check_digit),
        cmocka_unit_test(test_bars),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
