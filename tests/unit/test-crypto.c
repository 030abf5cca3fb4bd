/*
 * Unit tests for core/crypto: sealing detects every kind of alteration, key slots open only
 * with their password, subkeys are separated by purpose, signatures and hashes match their
 * specifications, and the hex and random helpers keep to their bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/crypto.h"

#define NONCE_BYTES 24 /* XChaCha20-Poly1305: the nonce leads the sealed blob */
#define TAG_BYTES   16

static const char plain_text[] = "氏名と住所は封をして保存する";

/* memmem is a GNU extension; this is all the tests need of it. */
static bool contains(const void *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp((const char *)hay + i, needle, m) == 0)
            return true;
    return false;
}

static int setup(void **state)
{
    (void)state;
    fk_err err;
    return fk_crypto_init(&err) == FK_OK ? 0 : -1;
}

static fk_key *new_key(void)
{
    fk_key *k = NULL;
    fk_err err;
    assert_int_equal(fk_key_new_random(&k, &err), FK_OK);
    return k;
}

static void seal_sample(const fk_key *k, fk_buf *sealed)
{
    fk_buf_init(sealed, 1 << 16);
    assert_int_equal(fk_seal(k, "row-7", 5, plain_text, sizeof plain_text, sealed), FK_OK);
    assert_int_equal(sealed->len, NONCE_BYTES + sizeof plain_text + TAG_BYTES);
}

/* Unseals blob and expects FK_ECRYPTO with nothing left in the output buffer. */
static void expect_refused(const fk_key *k, const char *ad, size_t ad_len, const void *blob,
                           size_t n)
{
    fk_buf out;
    fk_buf_init(&out, 1 << 16);
    fk_err err;
    fk_err_clear(&err);
    assert_int_equal(fk_unseal(k, ad, ad_len, blob, n, &out, &err), FK_ECRYPTO);
    assert_int_equal(err.status, FK_ECRYPTO);
    assert_int_equal(out.len, 0);
    fk_buf_free(&out);
}

static void test_seal_round_trip(void **state)
{
    (void)state;
    fk_key *k = new_key();
    fk_buf sealed, out;
    seal_sample(k, &sealed);
    /* The plaintext must not appear in the blob. */
    assert_false(contains(sealed.data, sealed.len, plain_text, sizeof plain_text - 1));
    fk_buf_init(&out, 1 << 16);
    fk_err err;
    assert_int_equal(fk_unseal(k, "row-7", 5, sealed.data, sealed.len, &out, &err), FK_OK);
    assert_int_equal(out.len, sizeof plain_text);
    assert_memory_equal(out.data, plain_text, sizeof plain_text);

    /* Two seals of the same text differ (fresh nonce). */
    fk_buf again;
    seal_sample(k, &again);
    assert_memory_not_equal(again.data, sealed.data, sealed.len);

    /* An empty plaintext is still authenticated. */
    fk_buf empty;
    fk_buf_init(&empty, 1 << 10);
    assert_int_equal(fk_seal(k, NULL, 0, "", 0, &empty), FK_OK);
    assert_int_equal(empty.len, NONCE_BYTES + TAG_BYTES);
    fk_buf_reset(&out);
    assert_int_equal(fk_unseal(k, NULL, 0, empty.data, empty.len, &out, &err), FK_OK);
    assert_int_equal(out.len, 0);

    fk_buf_free(&empty);
    fk_buf_free(&again);
    fk_buf_free(&out);
    fk_buf_free(&sealed);
    fk_key_free(k);
}

/* Seals n bytes of data in pieces of the given sizes (cycled; in place when in_place) into
 * sealed: nonce, ciphertext, tag. */
static void seal_in_pieces(const fk_key *k, const unsigned char *data, size_t n,
                           const size_t *pieces, size_t n_pieces, bool in_place, fk_buf *sealed)
{
    fk_sealer *s = NULL;
    fk_err err;
    unsigned char nonce[FK_SEAL_NONCE_BYTES], tag[FK_SEAL_TAG_BYTES];
    assert_int_equal(fk_sealer_new(k, "file.pdf", 8, nonce, &s, &err), FK_OK);
    fk_buf_init(sealed, (size_t)1 << 22);
    assert_int_equal(fk_buf_append(sealed, nonce, sizeof nonce), FK_OK);
    for (size_t at = 0, p = 0; at < n; p++) {
        size_t len = pieces[p % n_pieces] < n - at ? pieces[p % n_pieces] : n - at;
        char *dst;
        assert_int_equal(fk_buf_extend(sealed, len, &dst), FK_OK);
        if (in_place) {
            memcpy(dst, data + at, len);
            fk_sealer_update(s, dst, dst, len);
        } else {
            fk_sealer_update(s, data + at, dst, len);
        }
        at += len;
    }
    fk_sealer_final(s, tag);
    fk_sealer_free(s);
    assert_int_equal(fk_buf_append(sealed, tag, sizeof tag), FK_OK);
}

/* A stream sealed piece by piece opens with fk_unseal, whatever the pieces (within a
 * ChaCha20 block, across blocks, whole blocks, empty), and fails with other associated
 * data or one bit flipped. */
static void test_sealer_stream(void **state)
{
    (void)state;
    fk_key *k = new_key();
    static unsigned char data[100000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 31 + (i >> 8));
    static const size_t a[] = {1}, b[] = {7, 64, 0, 129, 3}, c[] = {64}, d[] = {65536},
                        e[] = {63, 1, 2, 200};
    const struct {
        const size_t *p;
        size_t n;
    } ways[] = {{a, 1}, {b, 5}, {c, 1}, {d, 1}, {e, 4}};
    const size_t lengths[] = {0, 1, 15, 64, 65, 1000, 4097, sizeof data};
    for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
        for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
            if (ways[w].p == a && lengths[l] > 5000)
                continue; /* one byte at a time: the short lengths are enough */
            fk_buf sealed, out;
            seal_in_pieces(k, data, lengths[l], ways[w].p, ways[w].n, (w + l) % 2 == 0, &sealed);
            assert_int_equal(sealed.len, NONCE_BYTES + lengths[l] + TAG_BYTES);
            fk_buf_init(&out, (size_t)1 << 22);
            fk_err err;
            assert_int_equal(fk_unseal(k, "file.pdf", 8, sealed.data, sealed.len, &out, &err),
                             FK_OK);
            assert_int_equal(out.len, lengths[l]);
            if (lengths[l] > 0)
                assert_memory_equal(out.data, data, lengths[l]);
            if (lengths[l] < 60000) { /* expect_refused's buffer holds up to 64 KiB */
                expect_refused(k, "file.pdg", 8, sealed.data, sealed.len);
                sealed.data[sealed.len / 2] ^= 0x10;
                expect_refused(k, "file.pdf", 8, sealed.data, sealed.len);
            }
            fk_buf_free(&out);
            fk_buf_free(&sealed);
        }
    }
    fk_key_free(k);
}

static void test_seal_tamper(void **state)
{
    (void)state;
    fk_key *k = new_key();
    fk_buf sealed;
    seal_sample(k, &sealed);
    unsigned char *b = (unsigned char *)sealed.data;
    /* One flipped bit anywhere: in the nonce, the ciphertext and the tag. */
    const size_t where[] = {0, NONCE_BYTES - 1, NONCE_BYTES, NONCE_BYTES + 10, sealed.len - 1};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
        b[where[i]] ^= 0x01;
        expect_refused(k, "row-7", 5, sealed.data, sealed.len);
        b[where[i]] ^= 0x01;
    }
    /* The same blob moved to another row (other associated data), or with none. */
    expect_refused(k, "row-8", 5, sealed.data, sealed.len);
    expect_refused(k, "row-7x", 6, sealed.data, sealed.len);
    expect_refused(k, NULL, 0, sealed.data, sealed.len);
    /* Truncated: one byte short, shorter than nonce + tag, empty. */
    expect_refused(k, "row-7", 5, sealed.data, sealed.len - 1);
    expect_refused(k, "row-7", 5, sealed.data, NONCE_BYTES + TAG_BYTES - 1);
    expect_refused(k, "row-7", 5, sealed.data, 0);
    /* Sealed under another key. */
    fk_key *other = new_key();
    expect_refused(other, "row-7", 5, sealed.data, sealed.len);
    fk_key_free(other);

    /* Untouched, it still opens: the loop above restored every byte. */
    fk_buf out;
    fk_buf_init(&out, 1 << 16);
    fk_err err;
    assert_int_equal(fk_unseal(k, "row-7", 5, sealed.data, sealed.len, &out, &err), FK_OK);
    fk_buf_free(&out);
    fk_buf_free(&sealed);
    fk_key_free(k);
}

/* A failed unseal leaves what the output buffer held before untouched. */
static void test_unseal_failure_keeps_prefix(void **state)
{
    (void)state;
    fk_key *k = new_key();
    fk_buf sealed, out;
    seal_sample(k, &sealed);
    sealed.data[NONCE_BYTES] ^= 0x40;
    fk_buf_init(&out, 1 << 16);
    assert_int_equal(fk_buf_append_str(&out, "kept"), FK_OK);
    fk_err err;
    assert_int_equal(fk_unseal(k, "row-7", 5, sealed.data, sealed.len, &out, &err), FK_ECRYPTO);
    assert_string_equal(fk_buf_cstr(&out), "kept");
    fk_buf_free(&out);
    fk_buf_free(&sealed);
    fk_key_free(k);
}

/* Two keys are equal when each opens what the other sealed. */
static bool same_key(const fk_key *a, const fk_key *b)
{
    fk_buf sealed, out;
    fk_buf_init(&sealed, 1 << 10);
    fk_buf_init(&out, 1 << 10);
    assert_int_equal(fk_seal(a, NULL, 0, "x", 1, &sealed), FK_OK);
    bool same = fk_unseal(b, NULL, 0, sealed.data, sealed.len, &out, NULL) == FK_OK;
    fk_buf_free(&out);
    fk_buf_free(&sealed);
    return same;
}

static void test_slot(void **state)
{
    (void)state;
    fk_key *job_key = new_key();
    fk_kdf_params kdf = fk_kdf_interactive();
    unsigned char salt[FK_SALT_BYTES], salt2[FK_SALT_BYTES];
    static const char ad[] = "job 1, user sato, role handler";
    static const char other_ad[] = "job 1, user sato, role manager";
    const size_t n = sizeof ad - 1;
    fk_buf slot, slot2;
    fk_buf_init(&slot, 1024);
    fk_buf_init(&slot2, 1024);
    fk_err err;
    assert_int_equal(fk_slot_wrap(job_key, "correct horse 7", kdf, ad, n, salt, &slot, &err),
                     FK_OK);
    /* The same password wraps differently each time (fresh salt). */
    assert_int_equal(fk_slot_wrap(job_key, "correct horse 7", kdf, ad, n, salt2, &slot2, &err),
                     FK_OK);
    assert_memory_not_equal(salt, salt2, FK_SALT_BYTES);

    fk_key *opened = NULL;
    assert_int_equal(
        fk_slot_unwrap("correct horse 7", kdf, salt, ad, n, slot.data, slot.len, &opened, &err),
        FK_OK);
    assert_true(same_key(job_key, opened));
    fk_key_free(opened);

    opened = NULL;
    fk_err_clear(&err);
    assert_int_equal(
        fk_slot_unwrap("correct horse 8", kdf, salt, ad, n, slot.data, slot.len, &opened, &err),
        FK_EAUTH);
    assert_null(opened);
    assert_int_equal(err.status, FK_EAUTH);
    /* The right password with the other slot's salt opens nothing: a wrong password, as
     * far as the slot can tell. */
    assert_int_equal(
        fk_slot_unwrap("correct horse 7", kdf, salt2, ad, n, slot.data, slot.len, &opened, &err),
        FK_EAUTH);
    /* The right password but other associated data (a relabelled or moved slot), or a
     * truncated slot: not a wrong password, an altered store. */
    assert_int_equal(fk_slot_unwrap("correct horse 7", kdf, salt, other_ad, sizeof other_ad - 1,
                                    slot.data, slot.len, &opened, &err),
                     FK_ETAMPER);
    assert_non_null(strstr(fk_err_message(&err), "altered"));
    assert_int_equal(
        fk_slot_unwrap("correct horse 7", kdf, salt, ad, n, slot.data, slot.len - 1, &opened, &err),
        FK_ETAMPER);
    assert_int_equal(
        fk_slot_unwrap("correct horse 7", kdf, salt, ad, n, slot.data, 10, &opened, &err),
        FK_EAUTH);
    assert_null(opened);

    fk_buf_free(&slot2);
    fk_buf_free(&slot);
    fk_key_free(job_key);
}

static void test_derive(void **state)
{
    (void)state;
    fk_key *master = new_key();
    fk_err err;
    fk_key *a1, *a1_again, *a2, *b1;
    assert_int_equal(fk_key_derive(master, 1, "records_", &a1, &err), FK_OK);
    assert_int_equal(fk_key_derive(master, 1, "records_", &a1_again, &err), FK_OK);
    assert_int_equal(fk_key_derive(master, 2, "records_", &a2, &err), FK_OK);
    assert_int_equal(fk_key_derive(master, 1, "auditsig", &b1, &err), FK_OK);
    assert_true(same_key(a1, a1_again));
    assert_false(same_key(a1, a2));
    assert_false(same_key(a1, b1));
    assert_false(same_key(a1, master));

    /* Stable means the MAC of the same data under the same subkey is the same. */
    unsigned char m1[32], m2[32], m3[32];
    fk_mac(a1, "123456789", 9, m1, sizeof m1);
    fk_mac(a1_again, "123456789", 9, m2, sizeof m2);
    fk_mac(a2, "123456789", 9, m3, sizeof m3);
    assert_memory_equal(m1, m2, sizeof m1);
    assert_memory_not_equal(m1, m3, sizeof m1);

    fk_key_free(b1);
    fk_key_free(a2);
    fk_key_free(a1_again);
    fk_key_free(a1);
    fk_key_free(master);
    fk_key_free(NULL);
}

static void test_sign(void **state)
{
    (void)state;
    fk_key *seal = new_key();
    unsigned char pk[FK_SIGN_PUBLIC_BYTES], sig[FK_SIGNATURE_BYTES];
    fk_buf sk;
    fk_buf_init(&sk, 1024);
    fk_err err;
    assert_int_equal(fk_sign_keypair(seal, pk, &sk, &err), FK_OK);
    static const char msg[] = "audit entry 1";
    assert_int_equal(fk_sign(seal, sk.data, sk.len, msg, sizeof msg, sig, &err), FK_OK);
    assert_true(fk_sign_verify(pk, sig, msg, sizeof msg));
    assert_false(fk_sign_verify(pk, sig, msg, sizeof msg - 1));
    sig[5] ^= 0x01;
    assert_false(fk_sign_verify(pk, sig, msg, sizeof msg));
    sig[5] ^= 0x01;
    pk[0] ^= 0x01;
    assert_false(fk_sign_verify(pk, sig, msg, sizeof msg));

    /* The sealed secret key opens only under its sealing key. */
    fk_key *other = new_key();
    assert_int_equal(fk_sign(other, sk.data, sk.len, msg, sizeof msg, sig, &err), FK_ECRYPTO);
    fk_key_free(other);
    sk.data[sk.len - 1] ^= 0x01;
    assert_int_equal(fk_sign(seal, sk.data, sk.len, msg, sizeof msg, sig, &err), FK_ECRYPTO);

    fk_buf_free(&sk);
    fk_key_free(seal);
}

static void test_hash_known_answer(void **state)
{
    (void)state;
    /* python3: hashlib.blake2b(b"abc", digest_size=32).hexdigest() */
    static const char expected[] =
        "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319";
    unsigned char h[FK_HASH_BYTES];
    char hex[2 * FK_HASH_BYTES + 1];
    fk_hash("abc", 3, h);
    fk_hex(h, sizeof h, hex);
    assert_string_equal(hex, expected);

    unsigned char back[FK_HASH_BYTES];
    assert_true(fk_unhex(expected, back, sizeof back));
    assert_true(fk_equal(back, h, sizeof h));
    fk_hash("abd", 3, back);
    assert_false(fk_equal(back, h, sizeof h));
}

static void test_hex(void **state)
{
    (void)state;
    const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
    char hex[9];
    fk_hex(bytes, sizeof bytes, hex);
    assert_string_equal(hex, "000fa5ff");
    fk_hex(bytes, 0, hex);
    assert_string_equal(hex, "");

    unsigned char out[4];
    assert_true(fk_unhex("000fa5ff", out, 4));
    assert_memory_equal(out, bytes, 4);
    assert_true(fk_unhex("000FA5FF", out, 4));
    assert_memory_equal(out, bytes, 4);
    assert_false(fk_unhex("000fa5f", out, 4));    /* odd length */
    assert_false(fk_unhex("000fa5", out, 4));     /* too short */
    assert_false(fk_unhex("000fa5ff00", out, 4)); /* too long */
    assert_false(fk_unhex("000fa5fg", out, 4));   /* not hex */
    assert_false(fk_unhex("000f a5f", out, 4));
    assert_false(fk_unhex("", out, 4));
}

static void test_random(void **state)
{
    (void)state;
    bool seen[7] = {false};
    for (int i = 0; i < 2000; i++) {
        uint32_t v = fk_random_below(7);
        assert_in_range(v, 0, 6);
        seen[v] = true;
    }
    for (int i = 0; i < 7; i++)
        assert_true(seen[i]);
    for (int i = 0; i < 100; i++)
        assert_int_equal(fk_random_below(1), 0);
    /* libsodium defines a bound below 2 as yielding 0. */
    assert_int_equal(fk_random_below(0), 0);
    for (int i = 0; i < 100; i++)
        assert_true(fk_random_below(UINT32_MAX) < UINT32_MAX);

    unsigned char a[32] = {0}, b[32] = {0}, zero[32] = {0};
    fk_random_bytes(a, sizeof a);
    fk_random_bytes(b, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
    fk_wipe(a, sizeof a);
    assert_memory_equal(a, zero, sizeof a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_round_trip),
        cmocka_unit_test(test_seal_tamper),
        cmocka_unit_test(test_sealer_stream),
        cmocka_unit_test(test_unseal_failure_keeps_prefix),
        cmocka_unit_test(test_slot),
        cmocka_unit_test(test_derive),
        cmocka_unit_test(test_sign),
        cmocka_unit_test(test_hash_known_answer),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
