/* Unit tests for core/record: the sealed serialisation round-trips every field. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/record.h"
#include "util/mem.h"

static void fill(fk_record *r)
{
    fk_record_init(r);
    r->category = FK_CAT_DOUKI;
    r->resident_no = fk_strdup("123456789");
    r->name = fk_strdup("𠮷田\u3000葛\U000E0100子");
    r->kana = fk_strdup("ヨシダ\u3000カツコ");
    r->birth = (fk_date){1960, 4, 1};
    r->sex = FK_SEX_FEMALE;
    r->age = 65;
    memcpy(r->postal, "1600022", 8);
    r->address = fk_strdup("東京都新宿区新宿三丁目1番1号");
    r->building = fk_strdup("");
    r->ins_symbol = fk_strdup("新宿");
    r->ins_number = fk_strdup("12345");
    memcpy(r->ins_branch, "01", 3);
    memcpy(r->ticket_no, "24100000001", 12);
    memcpy(r->voucher_no, "24200000001", 12);
    r->exam_date = (fk_date){2024, 6, 10};
    r->height = 158.2;
    r->weight = 60.5;
    r->bmi = 24.2;
    r->waist = 91.0;
    r->sbp = 135;
    r->dbp = 80;
    r->fasting = FK_FAST_FASTING;
    r->tg = 160;
    r->hdl = 55;
    r->non_hdl = 150;
    r->ast = 20;
    r->alt = 25;
    r->ggt = 30;
    r->hba1c = 5.7;
    r->urine_glucose = FK_URINE_NEG;
    r->urine_protein = FK_URINE_TRACE;
    r->smoker = true;
    r->med_lipid = true;
}

static void test_round_trip(void **state)
{
    (void)state;
    fk_record in, out;
    fill(&in);
    fk_buf b;
    fk_buf_init(&b, 1 << 16);
    assert_int_equal(fk_record_encode(&in, &b), FK_OK);
    fk_record_init(&out);
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_record_decode(b.data, b.len, &out, &err), FK_OK);
    assert_string_equal(out.name, in.name);
    assert_string_equal(out.address, in.address);
    assert_string_equal(out.postal, "1600022");
    assert_string_equal(out.voucher_no, "24200000001");
    assert_int_equal(out.category, FK_CAT_DOUKI);
    assert_int_equal(out.birth.day, 1);
    assert_true(out.smoker);
    assert_true(out.med_lipid);
    assert_false(out.med_bp);
    assert_false(fk_is_measured(out.ldl));
    assert_true(out.hba1c > 5.69 && out.hba1c < 5.71);
    assert_int_equal(out.urine_protein, FK_URINE_TRACE);
    fk_record_clear(&out);
    /* A damaged serialisation is refused, never half-read. */
    assert_int_not_equal(fk_record_decode(b.data, b.len - 1, &out, &err), FK_OK);
    assert_null(out.name);
    fk_buf_free(&b);
    fk_record_clear(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_round_trip)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
